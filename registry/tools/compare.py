"""Cross-provider comparison: one model's concepts lined up across every offering of it.

Each row is a concept (sync mode, temperature …); each cell says how one offering carries
it: the property's name and path, type, default, allowed values, range, required. Each
difference is a finding of the `comparison` family of the catalog (`default-differs`,
`enum-differs`, `range-differs`, `required-differs`, `name-differs`, `missing`); the
concept it is about is in its `ctx`.

The concept vocabulary itself (schemas/meta/concepts.json) is read here too: which
concepts are parts of another, the property names known to carry each concept, and
`tag_problems`, which finds a property of a known concept that is not tagged with it.
"""

from __future__ import annotations

from collections import Counter

from dataclasses import dataclass
from typing import Any

from registry.base.catalog import rule
from registry.base.errors import UnknownOffering
from registry.base.findings import Finding, Severity
from registry.base.text import bound, code, plural, show, show_json_value
from registry.schema.index import NO_DEFAULT, OfferingIndex, Parameter, index_of, type_label
from registry.base.suggest import closest
from registry.schema.tree import CONCEPTS_FILE, Registry, derived

# Rendered by version 2 of the JSON shape: each difference is a finding (rule, severity,
# pointer, message, hint, ctx); version 1 had {rule, severity, concept, message}.
JSON_VERSION = 2

# -- the vocabulary ---------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Vocabulary:
    """meta/concepts.json of every tree, merged: each concept's description, and how concepts relate."""

    descriptions: dict[str, str]
    parents: dict[str, str]  # part -> the concept it is a part of (segment_start -> segments)
    names: dict[str, tuple[str, ...]]  # concept -> property names, or ends of paths, that carry it
    flags: dict[str, str]  # concept -> the part a single boolean for the whole concept means

    def root(self, concept: str) -> str:
        return self.parents.get(concept, concept)

    def parts(self, concept: str) -> tuple[str, ...]:
        return tuple(part for part, parent in self.parents.items() if parent == concept)


@derived
def vocabulary(registry: Registry) -> Vocabulary:
    document = registry.meta.get(CONCEPTS_FILE, {})
    parents = {part: whole for whole, parts in document.get("$parts", {}).items() for part in parts}
    names = {concept: tuple(found) for concept, found in document.get("$names", {}).items()}
    return Vocabulary(dict(registry.concepts), parents, names, dict(document.get("$flags", {})))


def tag_problems(registry: Registry) -> list[Finding]:
    """Every property of a known concept left untagged (or tagged against the vocabulary),
    as lint findings at the property's pattern; `ctx` names the offering, its file, the
    concept it is tagged with and the concepts its name carries.

    A property matches a `$names` entry when its path ends with the entry's tokens; the
    longest matching entry decides, so `settings/mode` (edit region) is not confused with
    `safety/mode`, which matches nothing."""
    known = vocabulary(registry)
    entries = [(tuple(name.split("/")), concept) for concept, names in known.names.items() for name in names]
    problems = []
    for offering_id in registry.offerings:
        for parameter in index_of(registry, offering_id).parameters:
            matching = [(len(tokens), concept) for tokens, concept in entries
                        if parameter.tokens[-len(tokens):] == tokens]
            longest = max((length for length, _ in matching), default=0)
            expected = tuple(sorted({concept for length, concept in matching if length == longest}))
            if parameter.concept not in expected and (parameter.concept or expected):
                problems.append(_tag_problem(registry, offering_id, parameter, expected))
    return problems


def _tag_problem(registry: Registry, offering_id: str, parameter: Parameter, expected: tuple[str, ...]) -> Finding:
    kind = ("concept-untagged" if parameter.concept is None
            else "concept-unlisted-name" if not expected else "concept-mismatch")
    return rule(kind).finding(
        parameter.pattern, offering=offering_id, file=registry.file_name(registry.offerings[offering_id].uri),
        pattern=parameter.pattern,
        concept=parameter.concept, tagged=repr(parameter.concept), carries=list(expected),
        expected=" or ".join(expected))


# -- the comparison ---------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Cell:
    """How one offering carries one concept; `parameter` is None when it does not.

    `required` means every payload must carry it (or, inside an array, every item).
    `via` names the part that stands for the concept when the offering carries only a part
    of it (Replicate's `text` is the text of a text-to-speech input)."""

    offering: str
    parameter: Parameter | None
    required: bool
    via: str | None = None

    @property
    def present(self) -> bool:
        return self.parameter is not None

    @property
    def schema(self) -> dict[str, Any]:
        return self.parameter.schema if self.parameter else {}

    @property
    def path(self) -> str | None:
        return self.parameter.pattern if self.parameter else None

    @property
    def variant(self) -> str | None:
        return self.parameter.variant if self.parameter else None

    @property
    def default(self) -> Any:
        return self.parameter.default if self.parameter else NO_DEFAULT

    @property
    def allowed(self) -> tuple[Any, ...] | None:
        if "enum" in self.schema:
            return tuple(self.schema["enum"])
        if "const" in self.schema:
            return (self.schema["const"],)
        return None

    @property
    def range(self) -> tuple[Any, Any] | None:
        schema = self.schema
        low = schema.get("minimum", schema.get("exclusiveMinimum"))
        high = schema.get("maximum", schema.get("exclusiveMaximum"))
        return None if low is None and high is None else (low, high)

    @property
    def type(self) -> str | None:
        return type_label(self.schema) if self.present else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "offering": self.offering, "present": self.present, "path": self.path, "variant": self.variant,
            "via": self.via, "type": self.type,
            "default": None if self.default is NO_DEFAULT else self.default,
            "has_default": self.default is not NO_DEFAULT,
            "allowed": list(self.allowed) if self.allowed is not None else None,
            "range": list(self.range) if self.range is not None else None,
            "required": self.required,
            "ignored": self.schema.get("x-ignored"),
        }


@dataclass(frozen=True, slots=True)
class Row:
    concept: str
    cells: tuple[Cell, ...]
    differences: tuple[Finding, ...]  # of the comparison family; ctx["concept"] is this row's

    def cell(self, offering: str) -> Cell:
        return next(c for c in self.cells if c.offering == offering)


@dataclass(frozen=True, slots=True)
class Comparison:
    model: str
    offerings: tuple[str, ...]
    rows: tuple[Row, ...]

    @property
    def differences(self) -> tuple[Finding, ...]:
        return tuple(d for row in self.rows for d in row.differences)

    def row(self, concept: str) -> Row:
        return next(r for r in self.rows if r.concept == concept)

    def as_dict(self) -> dict[str, Any]:
        return {
            "model": self.model, "offerings": list(self.offerings),
            "concepts": [{"concept": r.concept, "cells": [c.as_dict() for c in r.cells],
                          "differences": [d.as_dict() for d in r.differences]} for r in self.rows],
        }


def as_document(comparisons: list[Comparison], every: bool) -> dict[str, Any]:
    """The JSON shape of `capreg compare --format json`: one model, or every model (--all)."""
    if every:
        return {"version": JSON_VERSION, "models": [c.as_dict() for c in comparisons]}
    return {"version": JSON_VERSION, **comparisons[0].as_dict()}


def compare(registry: Registry, model: str) -> Comparison:
    offerings = registry.offerings_of(model)
    if not offerings:
        raise UnknownOffering(model, closest(model, registry.models()), what="model")
    known = vocabulary(registry)
    indexes = [index_of(registry, o.id) for o in offerings]
    concepts = sorted({p.concept for i in indexes for p in i.parameters if p.concept}, key=_concept_order(registry))
    rows = []
    for concept in concepts:
        cells = []
        for index in indexes:
            parameter, via = _payload_wide(index.by_concept(concept)), None
            if parameter is None:
                parts = [p for part in known.parts(concept) for p in index.by_concept(part)]
                parameter = _payload_wide(sorted(parts, key=lambda p: len(p.tokens)))
                via = parameter.concept if parameter else None
            cells.append(Cell(index.offering.id, parameter,
                              parameter is not None and required_within(index, parameter), via))
        selects_model = any(c.parameter is not None and c.parameter.pattern == i.offering.model_id_pointer
                            for c, i in zip(cells, indexes))
        rows.append(Row(concept, tuple(cells), tuple(_differences(concept, tuple(cells), selects_model))))
    return Comparison(model, tuple(o.id for o in offerings), tuple(rows))


def _concept_order(registry: Registry) -> Any:
    order = {name: position for position, name in enumerate(registry.concepts)}
    return lambda concept: (order.get(concept, len(order)), concept)


def _payload_wide(parameters: list[Parameter]) -> Parameter | None:
    """The parameter that carries the concept for the payload: not a per-segment override."""
    return next((p for p in parameters if "*" not in p.tokens), parameters[0] if parameters else None)


def required_within(index: OfferingIndex, parameter: Parameter) -> bool:
    """Required all the way from the payload root, or, inside an array, from its item."""
    tokens = parameter.tokens
    start = max((n for n, token in enumerate(tokens) if token == "*"), default=-1) + 1
    if start == 0 and parameter.variant is not None:
        return False  # one branch of a top-level oneOf/anyOf: no payload has to use it
    by_tokens = {p.tokens: p for p in index.parameters if p.variant in (None, parameter.variant)}
    return all(by_tokens[tokens[:n]].required for n in range(start + 1, len(tokens) + 1))


def _grouped(cells: list[Cell], key: Any) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for cell in cells:
        groups.setdefault(key(cell), []).append(cell.offering)
    return groups


def _describe(groups: dict[str, list[str]]) -> str:
    return "; ".join(f"{value} at {', '.join(ids)}" for value, ids in groups.items())


def _differences(concept: str, cells: tuple[Cell, ...], selects_model: bool) -> list[Finding]:
    def difference(rule_id: str, **ctx: Any) -> Finding:
        return rule(rule_id).finding("", concept=concept, label=concept.replace("_", " "), **ctx)

    present = [c for c in cells if c.present]
    # A cell carried through a part names where the concept sits, but its facts are the part's.
    whole = [c for c in present if c.via is None]
    found: list[Finding] = []
    absent = [c.offering for c in cells if not c.present]
    if absent and present:
        found.append(difference("missing", absent=", ".join(absent)))
    paths = _grouped(present, lambda c: code(c.path))
    if len(paths) > 1:
        found.append(difference("name-differs", paths=_describe(paths)))
    with_default = [c for c in whole if c.default is not NO_DEFAULT]
    defaults = _grouped(with_default, lambda c: show_json_value(c.default))
    if len(defaults) > 1:
        undocumented = [c.offering for c in whole if c.default is NO_DEFAULT]
        tail = f" (undocumented at {', '.join(undocumented)})" if undocumented else ""
        found.append(difference("default-differs", defaults=_describe(defaults), undocumented=tail))
    enumerated = [c for c in whole if c.allowed is not None and len(c.allowed) > 1]
    if len({frozenset(map(show, c.allowed or ())) for c in enumerated}) > 1:
        every = {v: None for c in enumerated for v in map(show, c.allowed or ())}
        gaps = []
        for value in every:
            lacking = [c.offering for c in enumerated if value not in map(show, c.allowed or ())]
            if lacking:
                gaps.append(f"{value} not at {', '.join(lacking)}")
        found.append(difference("enum-differs", gaps="; ".join(gaps)))
    ranges = _grouped([c for c in whole if c.range is not None], _range_text)
    if len(ranges) > 1:
        found.append(difference("range-differs", ranges=_describe(ranges)))
    # Required in every payload and required in every item of an array are different
    # promises: compare each only with its own kind. A field that selects the model (where
    # another provider selects it by URL) is not a parameter whose absence changes anything.
    for in_items in (False, True) if not selects_model else ():
        required = _grouped([c for c in whole if ("*" in (c.parameter.tokens if c.parameter else ())) == in_items],
                            lambda c: "required" if c.required else "optional")
        if len(required) > 1:
            found.append(difference("required-differs", required=_describe(required)))
    return found


def _range_text(cell: Cell) -> str:
    return f"{bound(cell.range[0])}–{bound(cell.range[1])}" if cell.range else ""


# -- output -------------------------------------------------------------------------------
def _allowed_text(cell: Cell) -> str:
    if cell.allowed is not None:
        return ", ".join(str(v) for v in cell.allowed)
    return _range_text(cell)


def _where(cell: Cell) -> str:
    """The path, with the branch it belongs to and the part it stands for, when there is one."""
    if not cell.present:
        return "—"
    notes = [n for n in (cell.variant, f"via {cell.via}" if cell.via else None,
                         "ignored" if cell.schema.get("x-ignored") else None) if n]
    return f"{cell.path}" + (f" ({', '.join(notes)})" if notes else "")


def summary(comparison: Comparison) -> str:
    """How many differences of each kind, the ones that change behaviour first."""
    parts = [plural(len(comparison.rows), "concept")]
    for severity in (Severity.WARNING, Severity.INFO):
        found = [d.rule for d in comparison.differences if d.severity is severity]
        kinds = ", ".join(f"{rule_id} {count}" for rule_id, count in Counter(found).items())
        parts.append(plural(len(found), str(severity)) + (f" ({kinds})" if kinds else ""))
    return ", ".join(parts)


def render_text(comparisons: list[Comparison], registry: Registry, differences_only: bool = False) -> str:
    """A summary, then a table per concept: one line per offering, then the differences
    found; `differences_only`: the summary and every difference, one line each."""
    from registry.report.escapes import text_table

    out: list[str] = []
    for comparison in comparisons:
        out.append(f"{comparison.model}: {len(comparison.offerings)} offerings ({', '.join(comparison.offerings)})")
        out.append(f"summary: {summary(comparison)}")
        if differences_only:  # one line each, those that change behaviour first
            ranked = sorted(comparison.differences, key=lambda d: -d.severity.rank)
            out.extend(f"  {d.severity}[{d.rule}] {d.message}" for d in ranked)
            out.append("")
            continue
        for row in comparison.rows:
            description = registry.concepts.get(row.concept, "")
            out.append(f"\n{row.concept}" + (f" — {description}" if description else ""))
            table = [("  OFFERING", "PATH", "TYPE", "DEFAULT", "ALLOWED", "REQUIRED")]
            for cell in row.cells:
                table.append((f"  {cell.offering}", _where(cell), cell.type or "",
                              show(cell.default) if cell.default is not NO_DEFAULT else "",
                              _allowed_text(cell), "yes" if cell.required else ""))
            out.append(text_table(table))
            out.extend(f"  {d.severity}[{d.rule}] {d.message}" for d in row.differences)
        counts = {s: sum(d.severity is s for d in comparison.differences) for s in Severity}
        out.append(f"\n{plural(len(comparison.rows), 'concept')}, {plural(counts[Severity.WARNING], 'warning')}, "
                   f"{plural(counts[Severity.INFO], 'info')}\n")
    return "\n".join(out)


def render_markdown(comparisons: list[Comparison]) -> str:
    """Per model: a concept × offering table and the list of differences."""
    from registry.report.escapes import markdown_cell

    def cell_text(cell: Cell) -> str:
        if not cell.present:
            return "—"
        parts = [f"`{cell.path}`" + (f" ({cell.variant})" if cell.variant else "")]
        if cell.via:
            parts.append(f"via {cell.via}")
        if cell.default is not NO_DEFAULT:
            parts.append(f"default {code(show(cell.default))}")
        if allowed := _allowed_text(cell):
            parts.append(f"values {allowed}")
        if cell.schema.get("x-ignored"):
            parts.append("(ignored)")
        if cell.required:
            parts.append("required")
        return markdown_cell(" ".join(parts))

    out = []
    for comparison in comparisons:
        out.append(f"## {comparison.model}\n\n| concept | {' | '.join(comparison.offerings)} |\n"
                   f"|---|{'---|' * len(comparison.offerings)}\n")
        for row in comparison.rows:
            marked = " ⚠" if any(d.severity is Severity.WARNING for d in row.differences) else ""
            out.append(f"| {row.concept}{marked} | {' | '.join(cell_text(c) for c in row.cells)} |\n")
        out.append("\n### Differences\n\n")
        out.append("".join(f"- **{d.rule}** ({d.severity}): {markdown_cell(d.message)}\n"
                           for d in comparison.differences) or "None.\n")
        out.append("\n")
    return "".join(out)
