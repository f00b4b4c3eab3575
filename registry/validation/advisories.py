"""Warnings about payloads that are valid but behave differently than their author may think.

- `ignored-parameter`: the payload sets a parameter this model ignores (`x-ignored`).
- `implicit-default`: the payload leaves out a parameter whose documented default differs
  between providers of the same model, so the same request changes behaviour when it moves
  (sync mode: `bounce` on Runware, `cut_off` on fal, `loop` on Replicate).
"""

from __future__ import annotations

import json
from typing import Any

from registry.base import pointers
from registry.base.catalog import rule
from registry.base.findings import Finding
from registry.base.frozen import record
from registry.schema.index import NO_DEFAULT, OfferingIndex, Parameter, index_of
from registry.schema.sources import openable
from registry.schema.tree import Registry, derived
from registry.base.text import code as _code
from registry.base.text import show_json_value


@record
class DefaultDifference:
    concept: str
    parameter: Parameter  # this offering's parameter for the concept
    others: tuple[tuple[str, Any], ...]  # (offering id, its default) where it differs


@record
class IgnoredParameter:
    parameter: Parameter
    reason: str  # why the model ignores it, citing sources a user can open


@record
class UnsetDefault:
    """A concept whose default differs between providers: the warning when none of the
    places that set it is in the payload."""

    places: tuple[tuple[str, ...], ...]  # the parameters that carry the concept
    warning: Finding


@record
class AdvisoryPlan:
    """What the advisories look for in every payload of one offering, worked out once."""

    ignored: tuple[IgnoredParameter, ...]
    unset_defaults: tuple[UnsetDefault, ...]
    # Read together: each ignored parameter, then the places of each unset default in turn.
    places: pointers.Reader


def advisory_findings(plan: AdvisoryPlan, offering_id: str, payload: Any,
                      misplaced: frozenset[str] = frozenset()) -> list[Finding]:
    """The warnings about a valid-looking payload. `misplaced`: pointer patterns of parameters
    the payload sets at a wrong place (the unknown-property finding there says where they
    belong): they are not "left out"."""
    reached = plan.places(payload)
    start = len(plan.ignored)
    # Most payloads set no ignored parameter: one look at all of them.
    findings = _ignored(plan, offering_id, payload, reached) if any(reached[:start]) else []
    for places, warning in plan.unset_defaults:
        set_somewhere = any(reached[start:start + len(places)])
        start += len(places)
        if not set_somewhere and warning.pointer not in misplaced:
            findings.append(warning)
    return findings


def _ignored(plan: AdvisoryPlan, offering_id: str, payload: Any, reached: list[list[Any]]) -> list[Finding]:
    findings = []
    for (parameter, reason), values in zip(plan.ignored, reached):
        if not values:
            continue
        for path, _ in pointers.expand(payload, parameter.tokens):
            findings.append(rule("ignored-parameter").finding(
                pointers.to_pointer(path), hint=f"remove {_code(parameter.name)}",
                name=_code(parameter.name), offering=offering_id, reason=reason,
            ))
    return findings


def advisory_plan(registry: Registry, index: OfferingIndex) -> AdvisoryPlan:
    unset_defaults = []
    for difference in default_differences(registry, index.offering.id):
        parameter = difference.parameter
        by_value: dict[str, list[str]] = {}
        for offering_id, value in difference.others:
            by_value.setdefault(json.dumps(value), []).append(offering_id)
        others = "; ".join(f"{value} on {', '.join(ids)}" for value, ids in by_value.items())
        warning = rule("implicit-default").finding(
            parameter.pattern,
            hint=f"set {_code(parameter.name)} explicitly so the payload behaves the same at every provider",
            name=_code(parameter.name), offering=index.offering.id, own=json.dumps(parameter.default),
            others=f"the same model defaults to {others}",
        )
        places = tuple(p.tokens for p in index.by_concept(difference.concept))
        unset_defaults.append(UnsetDefault(places, warning))
    ignored = tuple(IgnoredParameter(p, openable(registry, index.offering.uri, p.ignored)) for p in index.parameters
                    if p.ignored and p.variant is None)
    places = [p.tokens for p, _ in ignored] + [tokens for unset in unset_defaults for tokens in unset.places]
    return AdvisoryPlan(ignored, tuple(unset_defaults), pointers.reader(places))


def primary(index: OfferingIndex, concept: str) -> Parameter | None:
    """The parameter that carries a concept for the whole payload (not inside an array)."""
    return next((p for p in index.by_concept(concept) if "*" not in p.tokens and p.variant is None), None)


@derived
def default_differences(registry: Registry, offering_id: str) -> tuple[DefaultDifference, ...]:
    """Concepts whose documented default here differs from a documented default elsewhere."""
    index = index_of(registry, offering_id)
    siblings = [index_of(registry, o.id) for o in registry.offerings_of(index.offering.model) if o.id != offering_id]
    found = []
    concepts = {p.concept for p in index.parameters if p.concept}
    for concept in sorted(concepts):
        own = primary(index, concept)
        if own is None or own.default is NO_DEFAULT:
            continue
        others = tuple(
            (sibling.offering.id, theirs.default)
            for sibling in siblings
            if (theirs := primary(sibling, concept)) is not None
            and theirs.default is not NO_DEFAULT and show_json_value(theirs.default) != show_json_value(own.default)
        )
        if others:
            found.append(DefaultDifference(concept, own, others))
    return tuple(found)
