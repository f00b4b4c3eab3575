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

The concept vocabulary itself (schemas/meta/concepts.json) is read here too: which
concepts are parts of another, the property names known to carry each concept, and
`tag_problems`, which finds a property of a known concept that is not tagged with it.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from typing import Any

import click

from registry.base.findings import Severity
from registry.schema.index import NO_DEFAULT, OfferingIndex, Parameter, index_of, type_label
from registry.schema.tree import BASE_URI, META_DIR, Registry

COMPARISON_RULES: dict[str, tuple[Severity, str]] = {
    "default-differs": (Severity.WARNING, "The documented defaults differ: leaving the parameter out behaves differently."),
    "enum-differs": (Severity.WARNING, "The allowed values differ."),
    "range-differs": (Severity.WARNING, "The minimum or maximum differs."),
    "required-differs": (Severity.WARNING, "Required at some offerings, optional at others."),
    "name-differs": (Severity.INFO, "The property has another name or sits at another path."),
    "missing": (Severity.INFO, "Some offerings do not carry the concept at all."),
}

CONCEPTS_URI = f"{BASE_URI}{META_DIR}/concepts.json"


# -- the vocabulary ---------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Vocabulary:
    """schemas/meta/concepts.json: each concept's description, and how concepts relate."""

    descriptions: dict[str, str]
    parents: dict[str, str]  # part -> the concept it is a part of (segment_start -> segments)
    names: dict[str, tuple[str, ...]]  # concept -> property names, or ends of paths, that carry it
    flags: dict[str, str]  # concept -> the part a single boolean for the whole concept means

    def root(self, concept: str) -> str:
        return self.parents.get(concept, concept)

    def parts(self, concept: str) -> tuple[str, ...]:
        return tuple(part for part, parent in self.parents.items() if parent == concept)


def vocabulary(registry: Registry) -> Vocabulary:
    def build() -> Vocabulary:
        document = registry.documents.get(CONCEPTS_URI, {})
        parents = {part: whole for whole, parts in document.get("$parts", {}).items() for part in parts}
        names = {concept: tuple(found) for concept, found in document.get("$names", {}).items()}
        return Vocabulary(dict(registry.concepts), parents, names, dict(document.get("$flags", {})))

    return registry.cached("vocabulary", "", build)


@dataclass(frozen=True, slots=True)
class TagProblem:
    """A property whose `x-concept` tag disagrees with the vocabulary's `$names`."""

    offering: str
    pattern: str
    tagged: str | None
    expected: tuple[str, ...]  # the concepts whose names it matches; empty when it matches none

    @property
    def message(self) -> str:
        if self.tagged is None:
            return (f"{self.offering}: {self.pattern} carries {' or '.join(self.expected)} "
                    "(by its name) but has no x-concept tag")
        if not self.expected:
            return (f"{self.offering}: {self.pattern} is tagged {self.tagged!r}, but its name is not among "
                    f"the names of {self.tagged!r} in meta/concepts.json $names")
        return f"{self.offering}: {self.pattern} is tagged {self.tagged!r}; by its name it carries {' or '.join(self.expected)}"


def tag_problems(registry: Registry) -> list[TagProblem]:
    """Every property of a known concept left untagged (or tagged against the vocabulary).

    A property matches a `$names` entry when its path ends with the entry's tokens; the
    longest matching entry decides, so `settings/mode` (edit region) is not confused with
    `safety/mode`, which matches nothing."""
    words = vocabulary(registry)
    entries = [(tuple(name.split("/")), concept) for concept, names in words.names.items() for name in names]
    problems = []
    for offering_id in registry.offerings:
        for parameter in index_of(registry, offering_id).parameters:
            matching = [(len(tokens), concept) for tokens, concept in entries
                        if parameter.tokens[-len(tokens):] == tokens]
            longest = max((length for length, _ in matching), default=0)
            expected = tuple(sorted({concept for length, concept in matching if length == longest}))
            if parameter.concept not in expected and (parameter.concept or expected):
                problems.append(TagProblem(offering_id, parameter.pattern, parameter.concept, expected))
    return problems


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
    def facts(self) -> dict[str, Any]:
        return self.parameter.facts if self.parameter else {}

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
        return type_label(self.facts) if self.present else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "offering": self.offering, "present": self.present, "path": self.path, "variant": self.variant,
            "via": self.via, "type": self.type,
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

    def cell(self, offering: str) -> Cell:
        return next(c for c in self.cells if c.offering == offering)


@dataclass(frozen=True, slots=True)
class Comparison:
    model: str
    offerings: tuple[str, ...]
    rows: tuple[Row, ...]

    @property
    def differences(self) -> tuple[Difference, ...]:
        return tuple(d for row in self.rows for d in row.differences)

    def row(self, concept: str) -> Row:
        return next(r for r in self.rows if r.concept == concept)

    def as_dict(self) -> dict[str, Any]:
        return {
            "model": self.model, "offerings": list(self.offerings),
            "concepts": [{"concept": r.concept, "cells": [c.as_dict() for c in r.cells],
                          "differences": [d.as_dict() for d in r.differences]} for r in self.rows],
        }


def compare(registry: Registry, model: str) -> Comparison:
    offerings = registry.offerings_of(model)
    if not offerings:
        from registry.base.errors import UnknownOffering
        from registry.schema.tree import closest

        raise UnknownOffering(model, closest(model, registry.models()))
    words = vocabulary(registry)
    indexes = [index_of(registry, o.id) for o in offerings]
    concepts = sorted({p.concept for i in indexes for p in i.parameters if p.concept}, key=_concept_order(registry))
    rows = []
    for concept in concepts:
        cells = []
        for index in indexes:
            carrier, via = _carrier(index.by_concept(concept)), None
            if carrier is None:
                parts = [p for part in words.parts(concept) for p in index.by_concept(part)]
                carrier = _carrier(sorted(parts, key=lambda p: len(p.tokens)))
                via = carrier.concept if carrier else None
            cells.append(Cell(index.offering.id, carrier, carrier is not None and required_within(index, carrier), via))
        rows.append(Row(concept, tuple(cells), tuple(_differences(concept, tuple(cells)))))
    return Comparison(model, tuple(o.id for o in offerings), tuple(rows))


def _concept_order(registry: Registry) -> Any:
    order = {name: position for position, name in enumerate(registry.concepts)}
    return lambda concept: (order.get(concept, len(order)), concept)


def _carrier(parameters: list[Parameter]) -> Parameter | None:
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
    # A cell carried through a part names where the concept sits, but its facts are the part's.
    whole = [c for c in present if c.via is None]
    found: list[Difference] = []
    absent = [c.offering for c in cells if not c.present]
    if absent and present:
        found.append(_difference("missing", concept, f"{label}: not offered by {', '.join(absent)}"))
    paths = _grouped(present, lambda c: f"`{c.path}`")
    if len(paths) > 1:
        found.append(_difference("name-differs", concept, f"{label} is {_describe(paths)}"))
    with_default = [c for c in whole if c.default is not NO_DEFAULT]
    defaults = _grouped(with_default, lambda c: _show(c.default))
    if len(defaults) > 1:
        undocumented = [c.offering for c in whole if c.default is NO_DEFAULT]
        tail = f" (undocumented at {', '.join(undocumented)})" if undocumented else ""
        found.append(_difference("default-differs", concept, f"{label} default: {_describe(defaults)}{tail}"))
    enumerated = [c for c in whole if c.allowed is not None and len(c.allowed) > 1]
    if len({frozenset(map(_show, c.allowed or ())) for c in enumerated}) > 1:
        every = {v: None for c in enumerated for v in map(_show, c.allowed or ())}
        gaps = []
        for value in every:
            lacking = [c.offering for c in enumerated if value not in map(_show, c.allowed or ())]
            if lacking:
                gaps.append(f"{value} not at {', '.join(lacking)}")
        found.append(_difference("enum-differs", concept, f"{label} values differ: {'; '.join(gaps)}"))
    ranges = _grouped([c for c in whole if c.range is not None],
                      lambda c: f"{_bound(c.range[0])}–{_bound(c.range[1])}" if c.range else "")
    if len(ranges) > 1:
        found.append(_difference("range-differs", concept, f"{label} range: {_describe(ranges)}"))
    # Required in every payload and required in every item of an array are different
    # promises: compare each only with its own kind.
    for in_items in (False, True):
        required = _grouped([c for c in whole if ("*" in (c.parameter.tokens if c.parameter else ())) == in_items],
                            lambda c: "required" if c.required else "optional")
        if len(required) > 1:
            found.append(_difference("required-differs", concept, f"{label} is {_describe(required)}"))
    return found


def _bound(value: Any) -> str:
    return "?" if value is None else _show(value)


# -- output -------------------------------------------------------------------------------
def _allowed_text(cell: Cell) -> str:
    if cell.allowed is not None:
        return ", ".join(str(v) for v in cell.allowed)
    if cell.range is not None:
        return f"{_bound(cell.range[0])}–{_bound(cell.range[1])}"
    return ""


def _where(cell: Cell) -> str:
    """The path, with the branch it belongs to and the part it stands for, when there is one."""
    if not cell.present:
        return "—"
    notes = [n for n in (cell.variant, f"via {cell.via}" if cell.via else None,
                         "ignored" if cell.facts.get("x-ignored") else None) if n]
    return f"{cell.path}" + (f" ({', '.join(notes)})" if notes else "")


def render_text(comparisons: list[Comparison], registry: Registry) -> str:
    """A table per concept: one line per offering, then the differences found."""
    from registry.report.reporters import text_table

    out: list[str] = []
    for comparison in comparisons:
        out.append(f"{comparison.model}: {len(comparison.offerings)} offerings ({', '.join(comparison.offerings)})")
        for row in comparison.rows:
            description = registry.concepts.get(row.concept, "")
            out.append(f"\n{row.concept}" + (f" — {description}" if description else ""))
            table = [("  OFFERING", "PATH", "TYPE", "DEFAULT", "ALLOWED", "REQUIRED")]
            for cell in row.cells:
                table.append((f"  {cell.offering}", _where(cell), cell.type or "",
                              _show(cell.default) if cell.default is not NO_DEFAULT else "",
                              _allowed_text(cell), "yes" if cell.required else ""))
            out.append(text_table(table))
            out.extend(f"  {d.severity}[{d.rule}] {d.message}" for d in row.differences)
        counts = {s: sum(d.severity is s for d in comparison.differences) for s in Severity}
        out.append(f"\n{len(comparison.rows)} concepts, {counts[Severity.WARNING]} warnings, "
                   f"{counts[Severity.INFO]} infos\n")
    return "\n".join(out)


def render_markdown(comparisons: list[Comparison]) -> str:
    """Per model: a concept × offering table and the list of differences."""
    from registry.report.reporters import markdown_cell

    def cell_text(cell: Cell) -> str:
        if not cell.present:
            return "—"
        parts = [f"`{cell.path}`" + (f" ({cell.variant})" if cell.variant else "")]
        if cell.via:
            parts.append(f"via {cell.via}")
        if cell.default is not NO_DEFAULT:
            parts.append(f"default `{_show(cell.default)}`")
        if allowed := _allowed_text(cell):
            parts.append(f"values {allowed}")
        if cell.facts.get("x-ignored"):
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


@click.command(name="compare")
@click.argument("model", required=False)
@click.option("--all", "every", is_flag=True, help="Compare every model of the registry.")
@click.option("--format", "output_format", type=click.Choice(["text", "json", "markdown"]), default="text",
              show_default=True, help="text: a table per concept; json: the documented shape; markdown: a table per model.")
@click.option("--fail-on", type=click.Choice([s.value for s in Severity]), default=None,
              help="Exit 1 when a difference at or above this severity is found (default: never).")
def compare_command(model: str | None, every: bool, output_format: str, fail_on: str | None) -> None:
    """Compare MODEL across every provider that offers it: each concept's name and path,
    type, default, allowed values, range and required-ness, and every difference."""
    from registry.cli import EXIT_FINDINGS, EXIT_OK, load_registry
    from registry.base.errors import UnknownOffering

    if every == (model is not None):
        raise click.UsageError("give one MODEL or --all")
    registry = load_registry()
    try:
        comparisons = [compare(registry, m) for m in (registry.models() if every else [model])]
    except UnknownOffering as exc:
        hint = f"; did you mean {exc.suggestion!r}?" if exc.suggestion else ""
        raise click.BadParameter(f"unknown model {exc.offering!r}{hint} (`capreg list` shows every model)",
                                 param_hint="MODEL") from None
    if output_format == "json":
        document: Any = [c.as_dict() for c in comparisons] if every else comparisons[0].as_dict()
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
    elif output_format == "markdown":
        click.echo(render_markdown(comparisons), nl=False)
    else:
        click.echo(render_text(comparisons, registry), nl=False)
    threshold = Severity(fail_on).rank if fail_on else None
    failed = threshold is not None and any(d.severity.rank >= threshold for c in comparisons for d in c.differences)
    sys.exit(EXIT_FINDINGS if failed else EXIT_OK)
