"""Breaking changes of the request schemas between a git ref and the working tree.

The schemas at the ref are read with `git show` into a temporary directory and loaded as
a second Registry; the two are compared offering by offering through the index (each
parameter's enum, range, type, required-ness, default, presence, and the rule plans).
The schemas describe *requests*, so narrowing is what breaks: a payload that validated
before may not validate now. Widening is info. Every change has a stable id:

| id | severity | an existing payload … |
|---|---|---|
| `offering-removed` | error | has no schema any more |
| `model-id-changed` | error | naming the old model id is no longer detected |
| `property-removed` | error | that sets it is rejected |
| `required-added` | error | without it is rejected |
| `type-narrowed` | error | with a value of the dropped type is rejected |
| `enum-value-removed` | error | with that value is rejected |
| `enum-added` | error | with any value outside the new list is rejected |
| `const-changed` | error | with the old fixed value is rejected |
| `range-narrowed` | error | outside the new bound is rejected |
| `rule-added` | error | may break the new cross-field rule |
| `pattern-changed` | warning | may no longer match the pattern or format |
| `default-changed` | warning | that leaves it out behaves differently |
| `rule-changed` | warning | may break the rule's new form |
| `offering-added`, `property-added`, `required-removed`, `type-widened`, `enum-value-added`, `enum-removed`, `const-removed`, `range-widened`, `pattern-removed`, `default-added`, `default-removed`, `rule-removed`, `concept-changed` | info | still validates |

`GitRefError` (a CapregError) is raised when the ref or its schemas cannot be read.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from .errors import GitRefError
from .findings import Severity
from .index import NO_DEFAULT, OfferingIndex, Parameter, index_of
from .loading import Registry, load

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO

CHANGE_RULES: dict[str, tuple[Severity, str]] = {
    "offering-removed": (E, "An offering is gone: its payloads have no schema any more."),
    "model-id-changed": (E, "The model id (or where it sits) changed: payloads naming the old one are not detected."),
    "property-removed": (E, "A property is gone: payloads that set it are rejected."),
    "required-added": (E, "A property became required, or a new required one appeared: payloads without it are rejected."),
    "type-narrowed": (E, "A property accepts fewer JSON types."),
    "enum-value-removed": (E, "An allowed value is gone."),
    "enum-added": (E, "A property that took any value now takes only a list of values."),
    "const-changed": (E, "A property's fixed value changed (or it became fixed)."),
    "range-narrowed": (E, "A minimum rose, a maximum fell, or a bound was set (numbers, lengths, item counts)."),
    "rule-added": (E, "A cross-field rule (x- keyword) was added."),
    "pattern-changed": (W, "A pattern or format was set or changed: some values may no longer match."),
    "default-changed": (W, "The documented default changed: payloads that leave the property out behave differently."),
    "rule-changed": (W, "A cross-field rule changed its arguments."),
    "offering-added": (I, "A new offering."),
    "property-added": (I, "A new optional property."),
    "required-removed": (I, "A property is no longer required."),
    "type-widened": (I, "A property accepts more JSON types."),
    "enum-value-added": (I, "A new allowed value."),
    "enum-removed": (I, "A property no longer restricts its values to a list."),
    "const-removed": (I, "A property no longer has a fixed value."),
    "range-widened": (I, "A bound was relaxed or removed."),
    "pattern-removed": (I, "A pattern or format was removed."),
    "default-added": (I, "A default is now documented."),
    "default-removed": (I, "A default is no longer documented."),
    "rule-removed": (I, "A cross-field rule was removed."),
    "concept-changed": (I, "A property carries another concept: comparisons and translations change."),
}

LOWER_BOUNDS = ("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties")
UPPER_BOUNDS = ("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties")


@dataclass(frozen=True, slots=True)
class Change:
    rule: str
    severity: Severity
    offering: str
    pointer: str  # the parameter's pattern; "" for the offering as a whole
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "severity": self.severity.value, "offering": self.offering,
                "pointer": self.pointer, "message": self.message}


def _change(rule: str, offering: str, pointer: str, message: str) -> Change:
    return Change(rule, CHANGE_RULES[rule][0], offering, pointer, message)


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


# -- reading the schemas at a ref --------------------------------------------------------
def _git(root: Path, *args: str) -> bytes:
    try:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, check=True).stdout
    except FileNotFoundError:
        raise GitRefError("git is not installed") from None
    except subprocess.CalledProcessError as exc:
        raise GitRefError(exc.stderr.decode("utf-8", "replace").strip() or f"git {args[0]} failed") from None


@contextlib.contextmanager
def schemas_at(ref: str, root: Path) -> Iterator[Registry]:
    """The registry of the schema tree `root` (a directory in a git work tree) as it was at `ref`."""
    root = root.resolve()
    toplevel = Path(_git(root, "rev-parse", "--show-toplevel").decode().strip()).resolve()
    inside = root.relative_to(toplevel).as_posix()
    try:
        _git(toplevel, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except GitRefError:
        raise GitRefError(f"{ref!r} names no commit in {toplevel}") from None
    names = [n for n in _git(toplevel, "ls-tree", "-r", "-z", "--name-only", ref, "--", inside).decode().split("\0")
             if n.endswith(".json")]
    if not names:
        raise GitRefError(f"{ref} has no schema files under {inside}/")
    with tempfile.TemporaryDirectory(prefix="capreg-breaking-") as folder:
        for name in names:
            target = Path(folder, name)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(_git(toplevel, "show", f"{ref}:{name}"))
        old = load(Path(folder, inside))
        old.check_complete()  # an offering that could not be loaded would look removed
        yield old


# -- the comparison ------------------------------------------------------------------------
def breaking_changes(old: Registry, new: Registry) -> tuple[Change, ...]:
    """Every change from `old` to `new`, offering by offering, most severe first within each."""
    changes: list[Change] = []
    for offering_id in sorted(old.offerings.keys() | new.offerings.keys()):
        if offering_id not in new.offerings:
            changes.append(_change("offering-removed", offering_id, "", f"{offering_id} was removed"))
        elif offering_id not in old.offerings:
            changes.append(_change("offering-added", offering_id, "", f"{offering_id} was added"))
        else:
            found = _offering_changes(index_of(old, offering_id), index_of(new, offering_id))
            changes += sorted(found, key=lambda c: (-c.severity.rank, c.pointer, c.rule))
    return tuple(changes)


def _offering_changes(old: OfferingIndex, new: OfferingIndex) -> list[Change]:
    offering = new.offering.id
    changes = []
    before = (old.offering.model_id, old.offering.model_id_pointer, set(old.offering.model_id_aliases))
    after = (new.offering.model_id, new.offering.model_id_pointer, set(new.offering.model_id_aliases))
    if before[0] != after[0] or before[1] != after[1] or not before[2] <= after[2]:
        changes.append(_change("model-id-changed", offering, "",
                               f"model id {old.offering.model_id!r} at {old.offering.model_id_pointer} is now "
                               f"{new.offering.model_id!r} at {new.offering.model_id_pointer}"))
    old_parameters, new_parameters = _by_location(old), _by_location(new)
    old_places, new_places = {tokens for tokens, _ in old_parameters}, {tokens for tokens, _ in new_parameters}
    for key, parameter in old_parameters.items():
        # Only the topmost of a removed subtree: its members go with it.
        if key not in new_parameters and (not parameter.tokens[:-1] or parameter.tokens[:-1] in new_places):
            changes.append(_change("property-removed", offering, parameter.pattern,
                                   f"{_name(parameter)} was removed; payloads that set it are rejected"))
    for key, parameter in new_parameters.items():
        if key in old_parameters:
            changes += _parameter_changes(offering, old_parameters[key], parameter)
        elif parameter.tokens[:-1] and parameter.tokens[:-1] not in old_places:
            continue  # inside a new subtree, reported at its top
        elif parameter.required:
            changes.append(_change("required-added", offering, parameter.pattern,
                                   f"new required property {_name(parameter)}; payloads without it are rejected"))
        else:
            changes.append(_change("property-added", offering, parameter.pattern, f"new property {_name(parameter)}"))
    changes += _rule_changes(offering, old, new)
    return changes


def _by_location(index: OfferingIndex) -> dict[tuple[tuple[str, ...], str | None], Parameter]:
    found: dict[tuple[tuple[str, ...], str | None], Parameter] = {}
    for parameter in index.parameters:
        found.setdefault((parameter.tokens, parameter.variant), parameter)
    return found


def _name(parameter: Parameter) -> str:
    return f"`{parameter.pattern}`" + (f" ({parameter.variant})" if parameter.variant else "")


def _parameter_changes(offering: str, old: Parameter, new: Parameter) -> list[Change]:
    name, at = _name(new), new.pattern
    changes = []

    def add(rule: str, message: str) -> None:
        changes.append(_change(rule, offering, at, f"{name}: {message}"))

    if new.required and not old.required:
        add("required-added", "is now required; payloads without it are rejected")
    elif old.required and not new.required:
        add("required-removed", "is no longer required")
    changes += [_change(rule, offering, at, f"{name}: {message}") for rule, message in _type_changes(old, new)]
    old_enum, new_enum = old.facts.get("enum"), new.facts.get("enum")
    if old_enum is not None and new_enum is not None:
        gone = [v for v in old_enum if _show(v) not in set(map(_show, new_enum))]
        added = [v for v in new_enum if _show(v) not in set(map(_show, old_enum))]
        if gone:
            add("enum-value-removed", f"{', '.join(map(_show, gone))} no longer allowed; payloads with it are rejected")
        if added:
            add("enum-value-added", f"now also allows {', '.join(map(_show, added))}")
    elif new_enum is not None:
        add("enum-added", f"now restricted to {', '.join(map(_show, new_enum))}")
    elif old_enum is not None:
        add("enum-removed", "no longer restricted to a list of values")
    if "const" in new.facts and ("const" not in old.facts or _show(old.facts["const"]) != _show(new.facts["const"])):
        was = f" (was {_show(old.facts['const'])})" if "const" in old.facts else ""
        add("const-changed", f"must now be {_show(new.facts['const'])}{was}")
    elif "const" in old.facts and "const" not in new.facts:
        add("const-removed", f"no longer fixed to {_show(old.facts['const'])}")
    for keyword in LOWER_BOUNDS + UPPER_BOUNDS:
        before, after = old.facts.get(keyword), new.facts.get(keyword)
        if before == after:
            continue
        lower = keyword in LOWER_BOUNDS
        narrowed = before is None or (after is not None and (after > before if lower else after < before))
        add("range-narrowed" if narrowed else "range-widened", f"{keyword} {_bound(before)} → {_bound(after)}")
    for keyword in ("pattern", "format"):
        before, after = old.facts.get(keyword), new.facts.get(keyword)
        if before != after:
            if after is None:
                add("pattern-removed", f"{keyword} {_show(before)} removed")
            else:
                add("pattern-changed", f"{keyword} {_bound(before)} → {_show(after)}")
    if old.default is not NO_DEFAULT and new.default is not NO_DEFAULT and _show(old.default) != _show(new.default):
        add("default-changed", f"default {_show(old.default)} → {_show(new.default)}; payloads that leave it out behave differently")
    elif old.default is NO_DEFAULT and new.default is not NO_DEFAULT:
        add("default-added", f"default {_show(new.default)} is now documented")
    elif old.default is not NO_DEFAULT and new.default is NO_DEFAULT:
        add("default-removed", f"default {_show(old.default)} is no longer documented")
    if old.concept != new.concept:
        add("concept-changed", f"concept {old.concept or '(none)'} → {new.concept or '(none)'}")
    return changes


def _bound(value: Any) -> str:
    return "(none)" if value is None else _show(value)


def _types(parameter: Parameter) -> set[str] | None:
    kind = parameter.facts.get("type")
    if kind is None:
        return None  # not stated here (const, $ref to a branch …): nothing to compare
    return set(kind) if isinstance(kind, list) else {kind}


def _type_changes(old: Parameter, new: Parameter) -> list[tuple[str, str]]:
    before, after = _types(old), _types(new)
    if before is None or after is None or before == after:
        return []
    # "number" accepts every integer, so integer -> number widens and number -> integer narrows.
    covered = {t for t in before if t in after or (t == "integer" and "number" in after)}
    lost = before - covered
    if lost:
        return [("type-narrowed", f"type {'/'.join(sorted(before))} → {'/'.join(sorted(after))}; "
                                  f"{'/'.join(sorted(lost))} values are rejected")]
    return [("type-widened", f"type {'/'.join(sorted(before))} → {'/'.join(sorted(after))}")]


# Every rule keyword holds a list of independent rules (groups, pairs, counts), except x-ref,
# whose list is the patterns of one rule.
WHOLE_RULE_KEYWORDS = frozenset({"x-ref"})


def _rule_changes(offering: str, old: OfferingIndex, new: OfferingIndex) -> list[Change]:
    def plans(index: OfferingIndex) -> dict[tuple[str, str], Counter[str]]:
        found: dict[tuple[str, str], Counter[str]] = {}
        for plan in index.rules:
            where = "/" + "/".join(plan.tokens) if plan.tokens else ""
            entries = [plan.argument] if plan.keyword in WHOLE_RULE_KEYWORDS or not isinstance(plan.argument, list) \
                else plan.argument
            found.setdefault((plan.keyword, where), Counter()).update(_show(entry) for entry in entries)
        return found

    before, after = plans(old), plans(new)
    changes = []
    for keyword, where in sorted(before.keys() | after.keys()):
        gone = before.get((keyword, where), Counter()) - after.get((keyword, where), Counter())
        added = after.get((keyword, where), Counter()) - before.get((keyword, where), Counter())
        place = where or "the payload"
        if gone and added:
            changes.append(_change("rule-changed", offering, where,
                                   f"{keyword} at {place}: {', '.join(gone)} → {', '.join(added)}"))
        elif added:
            changes.append(_change("rule-added", offering, where, f"new {keyword} at {place}: {', '.join(added)}"))
        elif gone:
            changes.append(_change("rule-removed", offering, where, f"{keyword} at {place} removed: {', '.join(gone)}"))
    return changes


# -- output ----------------------------------------------------------------------------------
def changed_clients(changes: tuple[Change, ...], registry: Registry) -> dict[str, str | None]:
    """offering -> the generated client module that changes with it (None when it is removed)."""
    from .codegen import import_path

    return {c.offering: import_path(registry.offerings[c.offering]) if c.offering in registry.offerings else None
            for c in changes}


def render_text(changes: tuple[Change, ...], clients: dict[str, str | None], ref: str) -> str:
    lines = []
    for offering, module in clients.items():
        lines.append(f"{offering}" + (f" (client {module})" if module else " (client removed)"))
        lines += [f"  {c.severity}[{c.rule}] {c.message}" for c in changes if c.offering == offering]
    counts = Counter(c.severity for c in changes)
    lines.append(f"{len(changes)} changes against {ref}: {counts[E]} errors, {counts[W]} warnings, {counts[I]} infos"
                 f" in {len(clients)} offerings")
    return "\n".join(lines) + "\n"


def render_markdown(changes: tuple[Change, ...], clients: dict[str, str | None], ref: str) -> str:
    out = [f"## Schema changes against `{ref}`\n\n"]
    if not changes:
        return out[0] + "No changes.\n"
    out.append("| severity | id | offering | where | change |\n|---|---|---|---|---|\n")
    out += [f"| {c.severity} | `{c.rule}` | {c.offering} | `{c.pointer}` | {c.message.replace('|', '/')} |\n"
            for c in changes]
    out.append("\nGenerated clients that change: " + ", ".join(
        f"`{m}`" if m else f"{o} (removed)" for o, m in clients.items()) + "\n")
    return "".join(out)


@click.command(name="breaking")
@click.option("--against", "ref", required=True, metavar="GIT_REF",
              help="Compare the schemas at this git ref (branch, tag, commit) with the working tree.")
@click.option("--format", "output_format", type=click.Choice(["text", "json", "markdown"]), default="text",
              show_default=True)
@click.option("--fail-on", type=click.Choice([s.value for s in Severity]), default="error", show_default=True,
              help="Exit 1 when a change at or above this severity is found.")
def breaking_command(ref: str, output_format: str, fail_on: str) -> None:
    """Classify every change of the request schemas since GIT_REF: may existing payloads stop
    validating (error), behave differently (warning), or is it harmless (info)?"""
    from .cli import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, load_registry
    from .errors import RegistryError

    current = load_registry()
    try:
        current.check_complete()
    except RegistryError as exc:
        click.echo(f"Error: the schemas cannot be compared: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    try:
        with schemas_at(ref, current.root) as old:
            changes = breaking_changes(old, current)
            clients = changed_clients(changes, current)
    except (GitRefError, RegistryError) as exc:
        click.echo(f"Error: cannot read the schemas at {ref}: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    if output_format == "json":
        click.echo(json.dumps({"against": ref, "changes": [c.as_dict() for c in changes], "clients": clients},
                              indent=2, ensure_ascii=False))
    elif output_format == "markdown":
        click.echo(render_markdown(changes, clients, ref), nl=False)
    else:
        click.echo(render_text(changes, clients, ref), nl=False)
    threshold = Severity(fail_on).rank
    sys.exit(EXIT_FINDINGS if any(c.severity.rank >= threshold for c in changes) else EXIT_OK)
