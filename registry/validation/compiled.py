"""An offering ready to check payloads: everything `validate` needs of it, built once.

`compiled(registry, offering_id)` gives the offering's CompiledOffering: its schema compiled
by jsonschema-rs, its index, its rule keywords prepared into checks and its advisories
worked out. It is built on the offering's first payload (or by `preload`), once however
many threads ask (`registry.schema.tree.derived`). The jsonschema validator is built later
still, on the first rejection jsonschema-rs's own errors cannot explain.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from registry.base import pointers
from registry.base.frozen import Frozen
from registry.base.findings import Finding, Report, Severity
from registry.schema.index import OfferingIndex, Parameter, index_of
from registry.schema.tree import Offering, Registry, derived
from registry.validation import advisories, rules, structural


class CompiledOffering(Frozen):  # one per offering: identity is equality, and it hashes
    """One offering's engines and plans: `check` runs the structural check, the rule
    keywords and the advisories on a payload and gives the Report."""

    registry: Registry
    offering: Offering
    index: OfferingIndex
    fast: Any  # the jsonschema-rs validator: the "is it valid?" path
    # Whether jsonschema may explain a rejection; if not, jsonschema-rs's own errors do
    # (structural.explainable says when).
    explainable: bool
    keyword_checks: rules.KeywordPlan
    advisories: advisories.AdvisoryPlan

    def __init__(self, registry: Registry, offering: Offering, index: OfferingIndex, fast: Any, explainable: bool,
                 keyword_checks: rules.KeywordPlan, advisories: advisories.AdvisoryPlan) -> None:
        object.__setattr__(self, "registry", registry)
        object.__setattr__(self, "offering", offering)
        object.__setattr__(self, "index", index)
        object.__setattr__(self, "fast", fast)
        object.__setattr__(self, "explainable", explainable)
        object.__setattr__(self, "keyword_checks", keyword_checks)
        object.__setattr__(self, "advisories", advisories)

    def __repr__(self) -> str:
        return f"CompiledOffering(offering={self.offering!r}, index={self.index!r}, explainable={self.explainable!r})"

    def detailed(self) -> Any:
        """The jsonschema validator that explains a rejection, built on first use."""
        return structural.detailed_validator(self.registry, self.offering)

    def check(self, payload: dict[str, Any]) -> Report:
        """Every finding about a payload (JSON data, an object) for this offering."""
        try:
            valid, rejected = self.fast.is_valid(payload), True
        except ValueError:  # jsonschema-rs cannot take it: schema_findings asks again and says why
            valid, rejected = False, False
        if valid:
            findings = rules.keyword_findings(self.keyword_checks, payload)
            findings += advisories.advisory_findings(self.advisories, self.offering.id, payload)
        else:
            findings = self.schema_findings(payload, rejected=rejected)
            misplaced = frozenset(p for f in findings if f.rule == "unknown-property" for p in f.ctx.get("belongs_at", ()))
            cross_field = rules.keyword_findings(self.keyword_checks, payload)
            if cross_field:  # most rejected payloads break no cross-field rule
                # A value the schema already rejects (an empty `refId`) is one problem: the
                # cross-field rules say nothing more about it.
                rejected_at = {f.pointer for f in findings}
                findings += [f for f in cross_field if f.pointer not in rejected_at]
            findings += advisories.advisory_findings(self.advisories, self.offering.id, payload, misplaced)
        if len(findings) > 1:
            findings.sort(key=_reading_order)
        return Report(self.offering.id, tuple(findings))

    def schema_findings(self, payload: Any, *, rejected: bool = False) -> list[Finding]:
        """What the payload breaks of the offering's JSON Schema; `rejected`: jsonschema-rs
        already said it is invalid."""
        return structural.schema_findings(self.offering, self.fast, self.detailed if self.explainable else None,
                                          payload, self._unknown_advice, documents=self.registry.documents,
                                          rejected=rejected)

    def _unknown_advice(self, name: str, value: Any) -> structural.UnknownAdvice | None:
        """An unknown property that this offering takes at another place (`syncMode` one level
        too high), or that is another provider's name for a concept: where it belongs. An
        object holding such parameters (Runware's `providerSettings.sync` on an offering that
        takes `settings`): where each of them belongs."""
        placed = homes(self.registry, self.offering.id)
        home = placed.get(name)
        if home is not None:
            if home.name != name:
                return structural.UnknownAdvice(
                    f"`{name}` is how other providers name {home.concept.replace('_', ' ') if home.concept else 'it'}; "
                    f"{self.offering.id} calls it `{home.name}` at {home.pattern}", (home.pattern,))
            return structural.UnknownAdvice(f"move it to `{home.pattern}`", (home.pattern,))
        moves = _nested_homes(placed, value)
        if not moves:
            return None
        listed = ", ".join(f"`{member}` to `{parameter.pattern}`" for member, parameter in moves)
        return structural.UnknownAdvice(f"{self.offering.id} takes what this holds at other places: move {listed}",
                                        tuple(dict.fromkeys(parameter.pattern for _, parameter in moves)))


@derived
def compiled(registry: Registry, offering_id: str) -> CompiledOffering:
    """The offering ready to check payloads; its load error (naming the file) when its
    schemas are broken, UnknownOffering when there is no such offering."""
    offering = registry.offering(offering_id)
    index = index_of(registry, offering_id)
    return CompiledOffering(registry, offering, index, structural.fast_validator(registry, offering),
                            structural.explainable(registry, offering), rules.keyword_checks(registry, offering_id),
                            advisories.advisory_plan(registry, index))


def _reading_order(finding: Finding) -> tuple[Any, ...]:
    """Errors first, then warnings, then infos; each in payload order (array items by index), then by rule."""
    severity = finding.severity  # compared by identity: an enum member's hash is computed in Python
    loudest_first = 0 if severity is Severity.ERROR else 1 if severity is Severity.WARNING else 2
    return (loudest_first, _payload_order(finding.pointer), finding.rule)


@functools.lru_cache(maxsize=4096)
def _payload_order(pointer: str) -> tuple[tuple[int, int, str], ...]:
    """The sort key of a pointer, worked out once per pointer: a payload's findings sit at
    its schema's places, the same ones payload after payload."""
    return tuple((0, int(t), "") if pointers.is_index(t) else (1, 0, t) for t in pointers.parse(pointer))


# How far into a misplaced object the wrong-nesting hint looks for parameters, and how many
# members it reads there: a hint, not a second validation of a hostile payload.
_MISPLACED_DEPTH, _MISPLACED_MEMBERS = 3, 100


@derived
def homes(registry: Registry, offering_id: str) -> Mapping[str, Parameter]:
    """property name -> the parameter of this offering named so, or else carrying the concept
    other providers name so: the shallowest one outside arrays and `oneOf` branches, where a
    move is plain. Built on the offering's first unknown property, read for every one after."""
    index = index_of(registry, offering_id)
    found: dict[str, Parameter] = {}
    for parameter in index.parameters:
        if "*" not in parameter.tokens and parameter.variant is None:
            shallowest = found.get(parameter.name)
            if shallowest is None or len(parameter.tokens) < len(shallowest.tokens):
                found[parameter.name] = parameter
    for name, concepts in concepts_by_name(registry).items():
        if name not in found:
            for concept in sorted(concepts):
                own = advisories.primary(index, concept)
                if own is not None:
                    found[name] = own
                    break
    return MappingProxyType(found)


def _nested_homes(placed: Mapping[str, Parameter], value: Any) -> list[tuple[str, Parameter]]:
    moves: list[tuple[str, Parameter]] = []
    budget = _MISPLACED_MEMBERS
    level = [value]
    for _ in range(_MISPLACED_DEPTH):
        deeper = []
        for member in level:
            if not isinstance(member, dict):
                continue
            for key, inner in member.items():
                budget -= 1
                if budget < 0:
                    return moves
                home = placed.get(key)
                if home is not None:
                    moves.append((key, home))
                else:
                    deeper.append(inner)
        level = deeper
    return moves


@derived
def concepts_by_name(registry: Registry) -> dict[str, set[str]]:
    """property name -> the concepts a property of that name carries at some offering."""
    names: dict[str, set[str]] = {}
    for offering_id in registry.offerings:
        for parameter in index_of(registry, offering_id).parameters:
            if parameter.concept:
                names.setdefault(parameter.name, set()).add(parameter.concept)
    return names
