"""Cross-provider comparison: one model's concepts lined up across every offering of it.

Each row is a concept (sync mode, temperature …); each cell says how one offering carries
it: the property's name and path, type, default, allowed values, range, required. Each
difference is a finding with a stable id:

| id | severity | meaning |
|---|---|---|
| `default-differs` | warning | the documented defaults differ: leaving it out behaves differently |
| `enum-differs` | warning | the allowed values differ |
| `range-differs` | warning | the minimum or maximum differs |
| `required-differs` | warning | required at some offerings, optional at others |
| `name-differs` | info | the property has another name or path |
| `missing` | info | some offerings do not carry the concept at all |
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .findings import Severity
from .index import NO_DEFAULT, OfferingIndex, Parameter, index_of
from .loading import Registry

COMPARISON_RULES: dict[str, tuple[Severity, str]] = {
    "default-differs": (Severity.WARNING, "The documented defaults differ: leaving the parameter out behaves differently."),
    "enum-differs": (Severity.WARNING, "The allowed values differ."),
    "range-differs": (Severity.WARNING, "The minimum or maximum differs."),
    "required-differs": (Severity.WARNING, "Required at some offerings, optional at others."),
    "name-differs": (Severity.INFO, "The property has another name or sits at another path."),
    "missing": (Severity.INFO, "Some offerings do not carry the concept at all."),
}


@dataclass(frozen=True, slots=True)
class Cell:
    """How one offering carries one concept; `parameter` is None when it does not.
    `required` means every payload must carry it: required all the way from the root."""

    offering: str
    parameter: Parameter | None
    required: bool

    @property
    def present(self) -> bool:
        return self.parameter is not None

    @property
    def facts(self) -> dict[str, Any]:
        return self.parameter.facts if self.parameter else {}

    @property
    def path(self) -> str | None:
        return self.parameter.pattern if self.parameter else None

    @property
    def default(self) -> Any:
        return self.parameter.default if self.parameter else NO_DEFAULT

    @property
    def allowed(self) -> tuple[Any, ...] | None:
        if "enum" in self.facts:
            return tuple(self.facts["enum"])
        if "const" in self.facts:
            return (self.facts["const"],)
        return None

    @property
    def range(self) -> tuple[Any, Any] | None:
        facts = self.facts
        low = facts.get("minimum", facts.get("exclusiveMinimum"))
        high = facts.get("maximum", facts.get("exclusiveMaximum"))
        return None if low is None and high is None else (low, high)

    @property
    def type(self) -> str | None:
        kind = self.facts.get("type")
        if isinstance(kind, list):
            return "/".join(kind)
        if kind is None and ("oneOf" in self.facts or "anyOf" in self.facts):
            return "/".join(sorted({b.get("type", "?") for b in self.facts.get("oneOf", self.facts.get("anyOf", []))
                                    if isinstance(b, dict)}))
        return kind

    def as_dict(self) -> dict[str, Any]:
        return {
            "offering": self.offering, "present": self.present, "path": self.path, "type": self.type,
            "default": None if self.default is NO_DEFAULT else self.default,
            "has_default": self.default is not NO_DEFAULT,
            "allowed": list(self.allowed) if self.allowed is not None else None,
            "range": list(self.range) if self.range is not None else None,
            "required": self.required,
            "ignored": self.facts.get("x-ignored"),
        }


@dataclass(frozen=True, slots=True)
class Difference:
    rule: str
    severity: Severity
    concept: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "severity": self.severity.value, "concept": self.concept, "message": self.message}


@dataclass(frozen=True, slots=True)
class Row:
    concept: str
    cells: tuple[Cell, ...]
    differences: tuple[Difference, ...]


@dataclass(frozen=True, slots=True)
class Comparison:
    model: str
    offerings: tuple[str, ...]
    rows: tuple[Row, ...]

    @property
    def differences(self) -> tuple[Difference, ...]:
        return tuple(d for row in self.rows for d in row.differences)

    def as_dict(self) -> dict[str, Any]:
        return {
            "model": self.model, "offerings": list(self.offerings),
            "concepts": [{"concept": r.concept, "cells": [c.as_dict() for c in r.cells],
                          "differences": [d.as_dict() for d in r.differences]} for r in self.rows],
        }


def compare(registry: Registry, model: str) -> Comparison:
    offerings = registry.offerings_of(model)
    if not offerings:
        from .errors import UnknownOffering
        from .loading import closest

        raise UnknownOffering(model, closest(model, registry.models()))
    indexes = [index_of(registry, o.id) for o in offerings]
    concepts = sorted({p.concept for i in indexes for p in i.parameters if p.concept}, key=_concept_order(registry))
    rows = []
    for concept in concepts:
        cells = []
        for index in indexes:
            carrier = _carrier(index.by_concept(concept))
            cells.append(Cell(index.offering.id, carrier, carrier is not None and _required_from_root(index, carrier)))
        rows.append(Row(concept, tuple(cells), tuple(_differences(concept, tuple(cells)))))
    return Comparison(model, tuple(o.id for o in offerings), tuple(rows))


def _concept_order(registry: Registry) -> Any:
    order = {name: position for position, name in enumerate(registry.concepts)}
    return lambda concept: (order.get(concept, len(order)), concept)


def _carrier(parameters: list[Parameter]) -> Parameter | None:
    """The parameter that carries the concept for the payload: not a per-segment override."""
    return next((p for p in parameters if "*" not in p.tokens), parameters[0] if parameters else None)


def _required_from_root(index: OfferingIndex, parameter: Parameter) -> bool:
    if "*" in parameter.tokens or parameter.variant is not None:
        return False
    by_tokens = {p.tokens: p for p in index.parameters if p.variant is None}
    return all(by_tokens[parameter.tokens[:n]].required for n in range(1, len(parameter.tokens) + 1))


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _grouped(cells: list[Cell], key: Any) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for cell in cells:
        groups.setdefault(key(cell), []).append(cell.offering)
    return groups


def _describe(groups: dict[str, list[str]]) -> str:
    return "; ".join(f"{value} at {', '.join(ids)}" for value, ids in groups.items())


def _difference(rule: str, concept: str, message: str) -> Difference:
    return Difference(rule, COMPARISON_RULES[rule][0], concept, message)


def _differences(concept: str, cells: tuple[Cell, ...]) -> list[Difference]:
    label = concept.replace("_", " ")
    present = [c for c in cells if c.present]
    found: list[Difference] = []
    absent = [c.offering for c in cells if not c.present]
    if absent and present:
        found.append(_difference("missing", concept, f"{label}: not offered by {', '.join(absent)}"))
    paths = _grouped(present, lambda c: f"`{c.path}`")
    if len(paths) > 1:
        found.append(_difference("name-differs", concept, f"{label} is {_describe(paths)}"))
    with_default = [c for c in present if c.default is not NO_DEFAULT]
    defaults = _grouped(with_default, lambda c: _show(c.default))
    if len(defaults) > 1:
        undocumented = [c.offering for c in present if c.default is NO_DEFAULT]
        tail = f" (undocumented at {', '.join(undocumented)})" if undocumented else ""
        found.append(_difference("default-differs", concept, f"{label} default: {_describe(defaults)}{tail}"))
    enumerated = [c for c in present if c.allowed is not None and len(c.allowed) > 1]
    if len({frozenset(map(_show, c.allowed or ())) for c in enumerated}) > 1:
        every = {v: None for c in enumerated for v in map(_show, c.allowed or ())}
        gaps = []
        for value in every:
            lacking = [c.offering for c in enumerated if value not in map(_show, c.allowed or ())]
            if lacking:
                gaps.append(f"{value} not at {', '.join(lacking)}")
        found.append(_difference("enum-differs", concept, f"{label} values differ: {'; '.join(gaps)}"))
    ranges = _grouped([c for c in present if c.range is not None],
                      lambda c: f"{_bound(c.range[0])}–{_bound(c.range[1])}" if c.range else "")
    if len(ranges) > 1:
        found.append(_difference("range-differs", concept, f"{label} range: {_describe(ranges)}"))
    required = _grouped(present, lambda c: "required" if c.required else "optional")
    if len(required) > 1:
        found.append(_difference("required-differs", concept, f"{label} is {_describe(required)}"))
    return found


def _bound(value: Any) -> str:
    return "?" if value is None else _show(value)
