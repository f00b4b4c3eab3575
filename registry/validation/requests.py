"""validate_request(url, body) -> one Report per payload in the body: the offering from the
URL (and the model id in the body where a path is shared), the payloads out of their
envelope, each checked with `validate`. Findings point into the whole body (`/0/model`
for a Runware task, `/input/sync_mode` for a Replicate prediction)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from registry.base import pointers
from registry.base.catalog import rule
from registry.base.findings import Finding, Report
from registry.base.text import code, shortened
from registry.base.suggest import closest
from registry.schema.tree import Registry
from registry.validation import advisories
from registry.validation.validate import default_registry, validate, validate_json_data

# The routes and envelopes are imported where a request or an envelope is read: a file of
# one plain payload (every `capreg validate` run's usual input) needs neither.
if TYPE_CHECKING:
    from registry.validation import envelopes, routes


def validate_request(url: str, body: Any, method: str = "POST", *, registry: Registry | None = None,
                     routes_map: Mapping[str, str] | None = None) -> tuple[Report, ...]:
    """Check a request as it goes on the wire: `url` where it is sent, `body` its parsed JSON.

    One Report per payload in the body (a Runware task array holds several); none for a
    request that is not one capreg checks (a status poll, an upload, another host); one
    with a `route-unknown` finding for a request to a provider capreg knows but for an
    endpoint, model, version or deployment it has no schema of. `routes_map` names the
    offering of URLs or paths the schemas cannot (a Replicate deployment:
    {"/v1/deployments/acme/lips/predictions": "replicate/lipsync-2"})."""
    return tuple(report for _, report in checked_parts(url, body, method, registry=registry, routes_map=routes_map))


def checked_parts(url: str, body: Any, method: str = "POST", *, registry: Registry | None = None,
                  routes_map: Mapping[str, str] | None = None) -> tuple[tuple[str, Report], ...]:
    """validate_request's reports, each with its payload's pointer in the body."""
    from registry.validation import envelopes, routes

    registry = registry or default_registry()
    resolution = routes.resolve(registry, routes.parse_url(url, method), body, routes_map)
    if isinstance(resolution, routes.Ignored):
        return ()
    if isinstance(resolution, routes.Unknown):
        return (("", Report(None, (resolution.finding,))),)
    first = resolution.routes[0]
    on_url = _query_findings(first, resolution.url)
    return tuple((part.prefix, _part_report(registry, resolution, part, on_url))
                 for part in envelopes.unwrap(first.envelope, body))


def _query_findings(route: routes.Route, url: routes.Url) -> tuple[Finding, ...]:
    from registry.validation import envelopes

    given = dict(url.query)
    return tuple(f for name, _format in route.query if name in given
                 for f in envelopes.uri("", f"query parameter {code(name)}", given[name]))


def _part_report(registry: Registry, resolution: routes.Routed, part: envelopes.Part,
                 on_url: tuple[Finding, ...]) -> Report:
    from registry.validation import envelopes

    chosen = _offering_of(resolution, part)
    if isinstance(chosen, Finding):
        return Report(None, (*on_url, *part.findings, chosen))
    if part.payload is envelopes.NOTHING:
        return Report(chosen.offering.id, (*on_url, *part.findings))
    report = validate(part.payload, chosen.offering.id, registry=registry)
    return Report(report.offering, (*on_url, *part.findings, *_prefixed(part.prefix, report).findings))


def _offering_of(resolution: routes.Routed, part: envelopes.Part) -> routes.Route | Finding:
    """The route of this payload: the URL's own, or the one whose model id the payload names."""
    from registry.validation import envelopes

    candidates = resolution.routes
    pointer = candidates[0].body
    if pointer is None or resolution.chosen_by == "mapping":
        return candidates[0]
    payload = part.payload
    model_id = next(iter(pointers.values(payload, pointers.parse(pointer))), None) if isinstance(payload, dict) else None
    named = [r for r in candidates if r.names(model_id)]
    if len(named) == 1:
        return named[0]
    where = part.prefix + pointer
    known = sorted({m for r in candidates for m in r.offering.model_ids})
    suggestion = closest(model_id, known) if isinstance(model_id, str) else None
    hint = f"did you mean {json.dumps(suggestion)}?" if suggestion else None
    if len(named) > 1:
        return rule("offering-ambiguous").finding(where, value=json.dumps(model_id), at=where,
                                                  candidates=", ".join(r.offering.id for r in named))
    if candidates[0].envelope == envelopes.TASK_ARRAY:
        # Runware's endpoint serves every model and task type: one capreg has no schema of is not wrong.
        task_type = payload.get("taskType") if isinstance(payload, dict) else None
        task = (f"task {part.prefix[1:]}" if part.prefix else "the task") + (
            f" ({shortened(task_type)})" if isinstance(task_type, str) else "")
        reason = (f"no offering has model id {shortened(json.dumps(model_id))}" if isinstance(model_id, str)
                  else f"it names no model at {pointer}")
        return rule("task-not-covered").finding(part.prefix, hint=hint, task=task, reason=reason)
    if isinstance(model_id, str):
        return rule("offering-unknown").finding(where, hint=hint or "`capreg list` shows every model id",
                                                what="model id", value=shortened(json.dumps(model_id)))
    return rule("offering-undetected").finding(where, hint=f"set {code(pointer.rsplit('/', 1)[-1])} to one of {', '.join(known)}",
                                               reason=f"no model id at {where} for {resolution.url.shown}")


def with_explicit_defaults(body: Any, parts: tuple[tuple[str, Report], ...],
                           registry: Registry | None = None) -> tuple[Any, tuple[Report, ...]]:
    """The body with every parameter written out whose default differs between the
    providers of the same model (each `implicit-default` of the reports), so the request
    behaves the same wherever it goes; each write is a `default-made-explicit` finding in
    place of the warning. A payload with errors, or one a write would make invalid, is left
    as it is. `parts` are checked_parts' (pointer in the body, report) pairs."""
    if not any(f.rule == "implicit-default" for _, report in parts for f in report.findings):
        return body, tuple(report for _, report in parts)  # nothing to write: no copy of the body
    import copy  # the guard's alone

    registry = registry or default_registry()
    written = copy.deepcopy(body)
    reports = tuple(_write_defaults(registry, written, report, prefix) for prefix, report in parts)
    if all(new is old for new, (_, old) in zip(reports, parts)):
        return body, reports
    return written, reports


def _write_defaults(registry: Registry, body: Any, report: Report, prefix: str) -> Report:
    unset = [f for f in report.findings if f.rule == "implicit-default"]
    if not unset or not report.ok or report.offering is None:
        return report
    differences = {d.parameter.pattern: d for d in advisories.default_differences(registry, report.offering)}
    import copy

    payload = next(iter(pointers.values(body, pointers.parse(prefix))), None) if prefix else body
    trial = copy.deepcopy(payload)
    writes = []
    for finding in unset:
        inner = finding.pointer[len(prefix):]
        difference = differences.get(inner)
        if difference is None or "*" in difference.parameter.tokens:
            continue
        _put(trial, difference.parameter.tokens, difference.parameter.default)
        writes.append((finding, difference))
    if not writes:
        return report
    checked = validate(trial, report.offering, registry=registry)
    if not checked.ok:
        return report
    _replace(body, prefix, trial)
    # An ok report carries no finding about the envelope or the URL (those are errors), so
    # the payload's own findings after the writes are the whole report.
    made = tuple(_made_explicit(report.offering, prefix, difference) for _, difference in writes)
    return Report(report.offering, (*made, *_prefixed(prefix, checked).findings))


def _made_explicit(offering_id: str, prefix: str, difference: advisories.DefaultDifference) -> Finding:
    value = json.dumps(difference.parameter.default)
    others = "; ".join(f"{json.dumps(default)} on {oid}" for oid, default in difference.others)
    return rule("default-made-explicit").finding(
        prefix + difference.parameter.pattern, label=difference.concept.replace("_", " "), value=value,
        source=offering_id, target="the same model", at_target=f"defaults to {others} elsewhere",
        name=prefix + difference.parameter.pattern)


def _put(payload: dict[str, Any], tokens: tuple[str, ...], value: Any) -> None:
    for token in tokens[:-1]:
        payload = payload.setdefault(token, {})
    payload[tokens[-1]] = value


def _replace(body: Any, prefix: str, payload: Any) -> None:
    tokens = pointers.parse(prefix)
    if not tokens:
        body.clear()
        body.update(payload)
        return
    parent = next(iter(pointers.values(body, tokens[:-1])))
    parent[int(tokens[-1]) if isinstance(parent, list) else tokens[-1]] = payload


def validate_body(body: Any, offering: str | None = None, *, registry: Registry | None = None,
                  json_data: bool = False) -> tuple[tuple[str, Report], ...]:
    """The payloads of a body read from a file, each checked, with its pointer in the body.
    A JSON array of objects is a task array (Runware's envelope): each item is checked as
    a file holding it alone would be (any other array is one payload, not an object). An
    object with `input` is a Replicate prediction when its offering (given, or the one
    whose recorded version its `version` names) is sent in one; anything else is one
    payload, as `validate` takes it. `json_data`: the body is
    plain JSON data within the limits already (validate_json_data)."""
    registry = registry or default_registry()
    check = validate_json_data if json_data else _validate
    if isinstance(body, list) and body and all(isinstance(item, dict) for item in body):
        from registry.validation import envelopes

        return tuple((part.prefix, _prefixed(part.prefix, check(part.payload, offering, registry)))
                     for part in envelopes.tasks(body))
    if not (isinstance(body, dict) and "input" in body):
        return (("", check(body, offering, registry)),)
    from registry.validation import envelopes, routes

    chosen = offering if offering is not None else _offering_by_version(registry, body)
    route = routes.route_of(registry, registry.offerings[chosen]) if chosen in registry.offerings else None
    if route is not None and route.envelope == envelopes.PREDICTION:
        part = envelopes.prediction(body)
        report = check(part.payload, chosen, registry)
        return (("", Report(report.offering, (*part.findings, *_prefixed(part.prefix, report).findings))),)
    return (("", check(body, offering, registry)),)


def _validate(payload: Any, offering: str | None, registry: Registry) -> Report:
    return validate(payload, offering, registry=registry)


def _offering_by_version(registry: Registry, body: Any) -> str | None:
    """The offering whose recorded version a prediction body names (`version`), if one does."""
    from registry.validation import routes

    if not isinstance(body, dict) or not isinstance(body.get("input"), dict) or not isinstance(body.get("version"), str):
        return None
    versioned = [r for r in routes.all_routes(registry).values() if r.versions]
    chosen = routes.named_by_version(versioned, body["version"])
    return chosen[0].offering.id if len(chosen) == 1 else None


def _prefixed(prefix: str, report: Report) -> Report:
    if not prefix:
        return report
    return Report(report.offering, tuple(f.replaced(pointer=prefix + f.pointer) for f in report.findings))
