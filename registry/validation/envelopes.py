"""What wraps a payload on the wire, named by an offering's `x-route` `envelope`:

- `task-array` (Runware): the body is a JSON array of task objects, each a payload of its
  own at `/<index>` (runware-sdk 1.8.0 `RestTransport.send_request` sends `[task]`); an
  object body is taken as one task.
- `prediction` (Replicate): `{"input": {...}, "version", "webhook", "webhook_completed",
  "webhook_events_filter", "stream"}` (replicate 1.0.7 `_create_prediction_body`); the
  payload is `input`. The prediction-level fields are checked here: the webhooks are
  URIs, the events filter lists some of `start`, `output`, `logs`, `completed` (Replicate's
  HTTP API reference, predictions.create), `stream` is a boolean, `version` a string.

Every finding points into the whole body, so a request's reports read alike whatever the
envelope.
"""

from __future__ import annotations

import re
from typing import Any

from registry.base import pointers
from registry.base.catalog import rule
from registry.base.findings import Finding
from registry.base.frozen import record
from registry.base.text import code
from registry.validation.structural import show

TASK_ARRAY, PREDICTION = "task-array", "prediction"

# An absolute URI, as the schemas' `format: uri` pattern has it: a scheme, then no whitespace.
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+")
_WEBHOOK_EVENTS = ("start", "output", "logs", "completed")


class _Nothing:
    """No payload to check: the envelope itself is broken (its findings say how)."""


NOTHING = _Nothing()


@record
class Part:
    """One payload of a request body and where it sits in the body."""

    prefix: str  # the payload's pointer in the body ("" when the body is the payload)
    payload: Any
    findings: tuple[Finding, ...] = ()  # about the envelope around it, pointing into the body


def unwrap(envelope: str | None, body: Any) -> tuple[Part, ...]:
    if envelope == TASK_ARRAY:
        return tasks(body)
    if envelope == PREDICTION:
        return (prediction(body),)
    return (Part("", body),)


def tasks(body: Any) -> tuple[Part, ...]:
    if isinstance(body, list):
        return tuple(Part(f"/{index}", task) for index, task in enumerate(body))
    return (Part("", body),)


def prediction(body: Any) -> Part:
    if not isinstance(body, dict):
        return Part("", NOTHING, (rule("payload-not-object").finding("", found=show(body)),))
    found = [*_prediction_fields(body)]
    if "input" not in body:
        found.insert(0, rule("required").finding("/input", hint="a Replicate prediction carries the model's parameters in `input`",
                                                 name=code("input"), context=" in a Replicate prediction"))
        return Part("", NOTHING, tuple(found))
    return Part("/input", body["input"], tuple(found))


_PREDICTION_FIELDS = ("input", "version", "webhook", "webhook_completed", "webhook_events_filter", "stream")


def _prediction_fields(body: dict[str, Any]) -> list[Finding]:
    found = [rule("unknown-property").finding(pointers.to_pointer((name,)), hint=f"a prediction takes {', '.join(_PREDICTION_FIELDS)}",
                                              name=code(name), offering="a Replicate prediction", context="")
             for name in body if name not in _PREDICTION_FIELDS]
    for name in ("webhook", "webhook_completed"):
        if name in body:
            found += uri(pointers.to_pointer((name,)), code(name), body[name])
    for name, json_type, check in (("version", "a string", str), ("stream", "a boolean", bool)):
        if name in body and not isinstance(body[name], check):
            found.append(rule("type").finding(f"/{name}", name=code(name), expected=json_type, found=show(body[name])))
    if "webhook_events_filter" in body:
        found += _events(body["webhook_events_filter"])
    return found


def _events(events: Any) -> list[Finding]:
    name = code("webhook_events_filter")
    if not isinstance(events, list):
        return [rule("type").finding("/webhook_events_filter", name=name, expected="an array", found=show(events))]
    allowed = ", ".join(f'"{event}"' for event in _WEBHOOK_EVENTS)
    return [rule("enum").finding(f"/webhook_events_filter/{index}", name=f"{name} item", expected=allowed, found=show(event))
            for index, event in enumerate(events) if event not in _WEBHOOK_EVENTS]


def uri(pointer: str, name: str, value: Any) -> list[Finding]:
    """A finding when `value` is not an absolute URI (a webhook)."""
    if not isinstance(value, str):
        return [rule("type").finding(pointer, name=name, expected="a string (a URI)", found=show(value))]
    if _URI.fullmatch(value) is None:
        return [rule("format").finding(pointer, hint="an absolute URL such as https://example.com/hook",
                                       name=name, expected="a URI", found=show(value))]
    return []
