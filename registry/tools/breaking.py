"""Breaking changes of the request schemas between a git ref and the working tree.

The schemas at the ref are read with `git show` into a temporary directory and loaded as
a second Registry (`registry_at`: of a registry of several trees, those in the git work tree
of the topmost one are read at the ref, the others, such as the shipped tree of an installed
capreg, are taken as they are); the two are compared offering by offering through the index (each
parameter's enum, range, type, required-ness, default, presence, and the rule plans).
The schemas describe *requests*, so narrowing is what breaks: a payload that validated
before may not validate now (error); one that behaves differently is a warning; widening is
info. Every change is a finding of the `change` family of the catalog, at the parameter's
pattern ("" for the offering as a whole), with the offering in its `ctx`.

`GitRefError` (a CapregError) is raised when the ref or its schemas cannot be read.
"""

from __future__ import annotations

import contextlib
import subprocess
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from registry.base.catalog import rule
from registry.base.errors import GitRefError
from registry.base.findings import Finding, Severity
from registry.base.text import bound, code, plural, show
from registry.schema.index import NO_DEFAULT, OfferingIndex, Parameter, index_of
from registry.schema.keywords import KEYWORDS
from registry.schema.tree import Registry, load

# Version 2 of the JSON shape: each change is a finding (rule, severity, pointer, message,
# hint, ctx with the offering); version 1 (no `version` member) had {rule, severity,
# offering, pointer, message}.
JSON_VERSION = 2

LOWER_BOUNDS = ("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties")
UPPER_BOUNDS = ("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties")


def _change(rule_id: str, offering: str, pointer: str, **ctx: Any) -> Finding:
    return rule(rule_id).finding(pointer, offering=offering, **ctx)


def offering_of(change: Finding) -> str:
    return change.ctx["offering"]


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
    with trees_at(ref, (root,)) as old:
        yield old


@contextlib.contextmanager
def registry_at(ref: str, current: Registry) -> Iterator[Registry]:
    """The registry of the trees of `current` as they were at `ref`: those in the git work tree
    of its topmost tree; the others (the shipped tree of an installed capreg) as they are."""
    roots = tuple(tree.root for tree in current.trees if tree.root is not None)
    with trees_at(ref, roots) as old:
        yield old


@contextlib.contextmanager
def trees_at(ref: str, roots: tuple[Path, ...]) -> Iterator[Registry]:
    """The trees `roots`, laid in order, as they were at `ref` in the git work tree of the last."""
    roots = tuple(root.resolve() for root in roots)
    toplevel = Path(_git(roots[-1], "rev-parse", "--show-toplevel").decode().strip()).resolve()
    try:
        _git(toplevel, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except GitRefError:
        raise GitRefError(f"{ref!r} names no commit in {toplevel}") from None
    with tempfile.TemporaryDirectory(prefix="capreg-breaking-") as folder:
        old_roots = [_extracted(ref, toplevel, root, Path(folder)) if root.is_relative_to(toplevel) else root
                     for root in roots]
        old = load(*old_roots)
        old.check_complete()  # an offering that could not be loaded would look removed
        yield old


def _extracted(ref: str, toplevel: Path, root: Path, folder: Path) -> Path:
    """The schema files of `root` at `ref`, written below `folder`; the folder they are in."""
    inside = root.relative_to(toplevel).as_posix()
    names = [n for n in _git(toplevel, "ls-tree", "-r", "-z", "--name-only", ref, "--", inside).decode().split("\0")
             if n.endswith(".json")]
    if not names:
        raise GitRefError(f"{ref} has no schema files under {inside}/")
    for name in names:
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(_git(toplevel, "show", f"{ref}:{name}"))
    return folder / inside


# -- the comparison ------------------------------------------------------------------------
def breaking_changes(old: Registry, new: Registry) -> tuple[Finding, ...]:
    """Every change from `old` to `new`, offering by offering, most severe first within each."""
    changes: list[Finding] = []
    for offering_id in sorted(old.offerings.keys() | new.offerings.keys()):
        if offering_id not in new.offerings:
            changes.append(_change("offering-removed", offering_id, ""))
        elif offering_id not in old.offerings:
            changes.append(_change("offering-added", offering_id, ""))
        else:
            found = _offering_changes(index_of(old, offering_id), index_of(new, offering_id))
            changes += sorted(found, key=lambda c: (-c.severity.rank, c.pointer, c.rule))
    return tuple(changes)


def _offering_changes(old: OfferingIndex, new: OfferingIndex) -> list[Finding]:
    offering = new.offering.id
    changes = []
    before = (old.offering.model_id, old.offering.model_id_pointer, set(old.offering.model_id_aliases))
    after = (new.offering.model_id, new.offering.model_id_pointer, set(new.offering.model_id_aliases))
    if before[0] != after[0] or before[1] != after[1] or not before[2] <= after[2]:
        changes.append(_change("model-id-changed", offering, "",
                               old_id=repr(old.offering.model_id), old_at=old.offering.model_id_pointer,
                               new_id=repr(new.offering.model_id), new_at=new.offering.model_id_pointer))
    old_parameters, new_parameters = _by_location(old), _by_location(new)
    old_places, new_places = {tokens for tokens, _ in old_parameters}, {tokens for tokens, _ in new_parameters}
    for key, parameter in old_parameters.items():
        # Only the topmost of a removed subtree: its members go with it.
        if key not in new_parameters and (not parameter.tokens[:-1] or parameter.tokens[:-1] in new_places):
            changes.append(_change("property-removed", offering, parameter.pattern, name=_name(parameter)))
    for key, parameter in new_parameters.items():
        if key in old_parameters:
            changes += _parameter_changes(offering, old_parameters[key], parameter)
        elif parameter.tokens[:-1] and parameter.tokens[:-1] not in old_places:
            continue  # inside a new subtree, reported at its top
        elif parameter.required:
            changes.append(_change("required-added", offering, parameter.pattern, name=_name(parameter),
                                   how="a new property, and required"))
        else:
            changes.append(_change("property-added", offering, parameter.pattern, name=_name(parameter)))
    changes += _rule_changes(offering, old, new)
    return changes


def _by_location(index: OfferingIndex) -> dict[tuple[tuple[str, ...], str | None], Parameter]:
    found: dict[tuple[tuple[str, ...], str | None], Parameter] = {}
    for parameter in index.parameters:
        found.setdefault((parameter.tokens, parameter.variant), parameter)
    return found


def _name(parameter: Parameter) -> str:
    return code(parameter.pattern) + (f" ({parameter.variant})" if parameter.variant else "")


def _parameter_changes(offering: str, old: Parameter, new: Parameter) -> list[Finding]:
    name, at = _name(new), new.pattern
    changes = []

    def add(rule_id: str, **ctx: Any) -> None:
        changes.append(_change(rule_id, offering, at, name=name, **ctx))

    if new.required and not old.required:
        add("required-added", how="is now required")
    elif old.required and not new.required:
        add("required-removed")
    for rule_id, ctx in _type_changes(old, new):
        add(rule_id, **ctx)
    old_enum, new_enum = old.schema.get("enum"), new.schema.get("enum")
    if old_enum is not None and new_enum is not None:
        gone = [v for v in old_enum if show(v) not in set(map(show, new_enum))]
        added = [v for v in new_enum if show(v) not in set(map(show, old_enum))]
        if gone:
            add("enum-value-removed", values=", ".join(map(show, gone)))
        if added:
            add("enum-value-added", values=", ".join(map(show, added)))
    elif new_enum is not None:
        add("enum-added", values=", ".join(map(show, new_enum)))
    elif old_enum is not None:
        add("enum-removed")
    if "const" in new.schema and ("const" not in old.schema or show(old.schema["const"]) != show(new.schema["const"])):
        was = f" (was {show(old.schema['const'])})" if "const" in old.schema else ""
        add("const-changed", after=show(new.schema["const"]), was=was)
    elif "const" in old.schema and "const" not in new.schema:
        add("const-removed", before=show(old.schema["const"]))
    for keyword in LOWER_BOUNDS + UPPER_BOUNDS:
        before, after = old.schema.get(keyword), new.schema.get(keyword)
        if before == after:
            continue
        lower = keyword in LOWER_BOUNDS
        narrowed = before is None or (after is not None and (after > before if lower else after < before))
        add("range-narrowed" if narrowed else "range-widened", keyword=keyword, before=bound(before), after=bound(after))
    for keyword in ("pattern", "format"):
        before, after = old.schema.get(keyword), new.schema.get(keyword)
        if before != after:
            if after is None:
                add("pattern-removed", keyword=keyword, before=show(before))
            else:
                add("pattern-changed", keyword=keyword, before=bound(before), after=show(after))
    if old.default is not NO_DEFAULT and new.default is not NO_DEFAULT and show(old.default) != show(new.default):
        add("default-changed", before=show(old.default), after=show(new.default))
    elif old.default is NO_DEFAULT and new.default is not NO_DEFAULT:
        add("default-added", value=show(new.default))
    elif old.default is not NO_DEFAULT and new.default is NO_DEFAULT:
        add("default-removed", value=show(old.default))
    if old.concept != new.concept:
        add("concept-changed", before=old.concept or "(none)", after=new.concept or "(none)")
    return changes


def _types(parameter: Parameter) -> set[str] | None:
    kind = parameter.schema.get("type")
    if kind is None:
        return None  # not stated here (const, $ref to a branch …): nothing to compare
    return set(kind) if isinstance(kind, list) else {kind}


def _type_changes(old: Parameter, new: Parameter) -> list[tuple[str, dict[str, str]]]:
    before, after = _types(old), _types(new)
    if before is None or after is None or before == after:
        return []
    # "number" accepts every integer, so integer -> number widens and number -> integer narrows.
    covered = {t for t in before if t in after or (t == "integer" and "number" in after)}
    lost = before - covered
    types = {"before": "/".join(sorted(before)), "after": "/".join(sorted(after))}
    if lost:
        return [("type-narrowed", {**types, "lost": "/".join(sorted(lost))})]
    return [("type-widened", types)]


def _rule_changes(offering: str, old: OfferingIndex, new: OfferingIndex) -> list[Finding]:
    def plans(index: OfferingIndex) -> dict[tuple[str, str], Counter[str]]:
        found: dict[tuple[str, str], Counter[str]] = {}
        for plan in index.rules:
            where = "/" + "/".join(plan.tokens) if plan.tokens else ""
            # A keyword's list holds independent rules (groups, pairs, counts) unless its class says
            # the argument is one rule as a whole (x-ref's patterns).
            entries = [plan.argument] if KEYWORDS[plan.keyword].whole or not isinstance(plan.argument, list) \
                else plan.argument
            found.setdefault((plan.keyword, where), Counter()).update(show(entry) for entry in entries)
        return found

    before, after = plans(old), plans(new)
    changes = []
    for keyword, where in sorted(before.keys() | after.keys()):
        gone = before.get((keyword, where), Counter()) - after.get((keyword, where), Counter())
        added = after.get((keyword, where), Counter()) - before.get((keyword, where), Counter())
        place = where or "the payload"
        texts = {"keyword": keyword, "place": place, "removed": ", ".join(gone), "added": ", ".join(added)}
        if gone and added:
            changes.append(_change("rule-changed", offering, where, **texts))
        elif added:
            changes.append(_change("rule-added", offering, where, **texts))
        elif gone:
            changes.append(_change("rule-removed", offering, where, **texts))
    return changes


# -- output ----------------------------------------------------------------------------------
def render_text(changes: tuple[Finding, ...], clients: dict[str, str | None], ref: str) -> str:
    lines = []
    for offering, module in clients.items():
        lines.append(f"{offering}" + (f" (client {module})" if module else " (client removed)"))
        lines += [f"  {c.severity}[{c.rule}] {c.message}" for c in changes if offering_of(c) == offering]
    counts = Counter(c.severity for c in changes)
    lines.append(f"{plural(len(changes), 'change')} against {ref}: {plural(counts[Severity.ERROR], 'error')}, "
                 f"{plural(counts[Severity.WARNING], 'warning')}, {plural(counts[Severity.INFO], 'info')} "
                 f"in {plural(len(clients), 'offering')}")
    return "\n".join(lines) + "\n"


def render_markdown(changes: tuple[Finding, ...], clients: dict[str, str | None], ref: str) -> str:
    out = [f"## Schema changes against `{ref}`\n\n"]
    if not changes:
        return out[0] + "No changes.\n"
    out.append("| severity | id | offering | where | change |\n|---|---|---|---|---|\n")
    out += [f"| {c.severity} | `{c.rule}` | {offering_of(c)} | `{c.pointer}` | {c.message.replace('|', '/')} |\n"
            for c in changes]
    out.append("\nGenerated clients that change: " + ", ".join(
        f"`{m}`" if m else f"{o} (removed)" for o, m in clients.items()) + "\n")
    return "".join(out)


def as_document(changes: tuple[Finding, ...], clients: dict[str, str | None], ref: str) -> dict[str, Any]:
    """The JSON shape of `capreg breaking --format json`."""
    return {"version": JSON_VERSION, "against": ref, "changes": [c.as_dict() for c in changes], "clients": clients}
