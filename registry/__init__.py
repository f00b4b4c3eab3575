"""capreg: a registry of model capabilities, one JSON Schema per model per provider.

    >>> import registry
    >>> report = registry.validate({"model": "sync:lipsync-2@1", ...})
    >>> report.ok, [f.rule for f in report.findings]
    >>> registry.compare(registry.default_registry(), "lipsync-2").differences

Threads may share the default registry (and any Registry): it is loaded once, and each
offering compiled once, however many threads validate at the same time; a process may fork
at any moment. A pre-fork server (gunicorn --preload, uvicorn --workers) calls
`registry.preload()` before forking, so every worker starts with all offerings loaded and
compiled instead of compiling them again in each worker on its first requests.

`registry.load(folder)` is one schema tree alone; `registry.load(*folders, builtin=True)`
lays trees of one's own over the shipped one, as the default registry does with
`[tool.capreg] schemas` and $CAPREG_SCHEMAS ($CAPREG_BUILTIN=0: without the shipped tree).

`registry.validate_request(url, body)` checks a request as it goes on the wire (the URL
chooses the offering; Runware task arrays and Replicate predictions are unwrapped), and
`registry.guard` stops bad requests inside httpx and requests clients.

The public surface is what this module exports; everything else may change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from registry.base.errors import CapregError, GitRefError, RegistryError, SchemaFileError, SchemaRefError, UnknownOffering
from registry.base.findings import Finding, Report, Severity
from registry.schema.tree import FORK_LOCK, Offering, Registry, load
from registry.validation.validate import default_registry, preload, validate

if TYPE_CHECKING:
    import registry.guard as guard
    from registry.tools.compare import Comparison
    from registry.validation.requests import validate_request

__all__ = [
    "CapregError",
    "Finding",
    "GitRefError",
    "Offering",
    "Registry",
    "RegistryError",
    "Report",
    "SchemaFileError",
    "SchemaRefError",
    "Severity",
    "UnknownOffering",
    "compare",
    "default_registry",
    "load",
    "preload",
    "validate",
    "validate_request",
]


def compare(registry: Registry, model: str) -> Comparison:
    """One model's concepts lined up across every offering of it (see registry.tools.compare)."""
    from registry.tools.compare import compare as compare_model  # loaded on first use: `capreg validate` never needs it

    return compare_model(registry, model)


def __getattr__(name: str) -> object:
    """`registry.validate_request` and `registry.guard` (the request guard for httpx and
    requests), imported on first use: a service that only validates payloads never pays for
    the URL routes and envelopes."""
    if name == "validate_request":
        with FORK_LOCK:  # a fork never copies a half-done import (see registry.schema.tree)
            from registry.validation.requests import validate_request

        globals()[name] = validate_request  # found directly from then on
        return validate_request
    if name == "guard":
        with FORK_LOCK:  # it imports registry.validation.requests
            import registry.guard

        return registry.guard
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
