"""Typed clients, one pydantic v2 model per offering, generated from schemas/ by
`capreg generate`::

    from registry.clients.runware.lipsync_2 import RunwareLipsync2Request

    task = RunwareLipsync2Request.model_validate(payload)   # structure and cross-field rules
    task.to_payload()                                       # what to send

An installed wheel carries the modules here; a source checkout keeps them in
generated/clients/, which this package adds to its search path.
"""

from pathlib import Path

_checkout = Path(__file__).resolve().parents[2] / "generated" / "clients"
if _checkout.is_dir():
    __path__.append(str(_checkout))
