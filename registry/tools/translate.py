"""Payload translation: a payload for one offering rewritten for the same model at another
provider, through the concepts, keeping its behaviour.

Each offering's tagged properties are laid out once as *scopes*: the payload root, and the
items of every array whose members carry concepts (Runware's `inputs.audio[]`, sync.so's
mixed `input[]`, one scope per kind of item, told apart by their `const` discriminator;
`segments[]`). Reading a payload gives a record per scope: concept -> value, with the
records of each array under its concept. Writing walks the target's scopes the same way, so
a fal `audio_url` becomes a sync.so `{"type": "audio", "url": …}` item and a sync.so segment
a Runware segment, without a line of provider-specific code.

Behaviour is kept, and every difference is a finding of the `translation` family of the
catalog (pointers into the *source* payload for what could not be carried, into the
*target* for what was added): `not-expressible`, `value-not-allowed` (the target's
validator's words), `default-made-explicit` (the target's default differs, so the source's
is written), `default-unknown`, `not-carried` (a per-request id such as Runware's taskUUID)
and `value-generated`.

The result is checked with `registry.validate` at the target; a value the target rejects is
taken out again (`value-not-allowed`), so what remains either validates or its report says
what is missing or which cross-field rule of the target the values break.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from registry.base import pointers
from registry.base.catalog import RULES, rule
from registry.base.errors import InvalidSource, TranslationError, UnknownOffering
from registry.base.findings import Finding, Report
from registry.base.text import code, show, show_json_value
from registry.schema.index import NO_DEFAULT, OfferingIndex, Parameter, index_of
from registry.schema.tree import Offering, Registry, derived
from registry.tools.compare import Vocabulary, required_within, vocabulary

# Version 2 of the JSON shape: `version` added, and each finding carries its `ctx`.
JSON_VERSION = 2

# The model is what stays the same: the target's own model id comes from its schema.
MODEL = "model"
# An id of one request: never copied into another request, generated where one is required.
TASK_ID = "task_id"

Path = tuple[str | int, ...]

# The findings that say a value the source sets is not in the translated payload.
LOSS_RULES = ("not-expressible", "value-not-allowed")


@dataclass(frozen=True, slots=True)
class Translation:
    source: str
    target: str
    payload: dict[str, Any]
    findings: tuple[Finding, ...]  # what the translation changed, kept or lost
    report: Report  # the translated payload checked at the target
    # The findings of values the source sets that the translated payload does not carry, so
    # it behaves differently at the target (the target's default applies instead).
    lost: tuple[Finding, ...] = ()

    @property
    def ok(self) -> bool:
        return self.report.ok

    def as_dict(self) -> dict[str, Any]:
        return {"source": self.source, "target": self.target, "payload": self.payload, "valid": self.ok,
                "findings": [f.as_dict() for f in self.findings],
                "target_findings": [f.as_dict() for f in self.report.findings]}


def as_document(translations: list[Translation]) -> dict[str, Any]:
    """The JSON shape of `capreg translate --format json`: one payload, or each of a file of several."""
    if len(translations) == 1:
        return {"version": JSON_VERSION, **translations[0].as_dict()}
    return {"version": JSON_VERSION, "translations": [t.as_dict() for t in translations]}


def _finding(rule_id: str, pointer: Path | str, **ctx: Any) -> Finding:
    where = pointer if isinstance(pointer, str) else pointers.to_pointer(pointer)
    return rule(rule_id).finding(where, **ctx)


# -- where concepts sit in an offering's payloads -------------------------------------------
@dataclass(frozen=True, slots=True)
class ConceptSlot:
    concept: str
    tokens: tuple[str, ...]  # relative to its scope
    parameter: Parameter
    holds_concepts: bool  # an object whose members carry concepts: read and written through them


@dataclass(frozen=True, slots=True)
class Scope:
    """The payload root, or the items of one array whose members carry concepts."""

    concept: str | None  # the concept each item is one of (None at the root)
    array: tuple[str, ...]  # where the array sits, relative to the parent scope
    fixed: tuple[tuple[tuple[str, ...], Any], ...]  # values every record here must hold (a `const`)
    slots: tuple[ConceptSlot, ...]
    children: tuple[Scope, ...]

    def slot(self, concept: str) -> ConceptSlot | None:
        return next((s for s in self.slots if s.concept == concept), None)

    def child(self, concept: str) -> Scope | None:
        return next((c for c in self.children if c.concept == concept), None)

    def matches(self, item: Any) -> bool:
        """An item of this branch: its direct fixed members (the `type` discriminator) match."""
        return isinstance(item, dict) and all(item.get(tokens[0]) == value for tokens, value in self.fixed
                                              if len(tokens) == 1)


@derived
def layout(registry: Registry, offering_id: str) -> Scope:
    """Where concepts sit in the offering's payloads."""
    return _scope(index_of(registry, offering_id), vocabulary(registry), (), None, None, ())


def _scope(index: OfferingIndex, vocabulary: Vocabulary, prefix: tuple[str, ...], concept: str | None,
           variant: str | None, array: tuple[str, ...]) -> Scope:
    """The scope whose members sit under `prefix` (the item tokens, ending in `*`; () for the
    root); `variant` is the oneOf branch its items belong to, in an array of mixed items."""
    depth = len(prefix)
    tagged = [p for p in index.parameters if p.concept and p.tokens[:depth] == prefix and len(p.tokens) > depth
              and (variant is None or p.variant == variant)]
    # The outermost arrays below this scope, in schema order; deeper ones belong to their own scopes.
    found = {p.tokens[:n]: None for p in tagged for n in range(depth, len(p.tokens)) if p.tokens[n] == "*"}
    arrays = [a for a in found if not any(a[:len(b)] == b and a != b for b in found)]
    inner = [p for p in tagged if "*" not in p.tokens[depth:] and p.tokens not in arrays]
    slots = tuple(ConceptSlot(p.concept, p.tokens[depth:], p,
                       any(q.tokens[:len(p.tokens)] == p.tokens and q is not p for q in inner))
                  for p in sorted(inner, key=lambda p: len(p.tokens)))
    children = []
    for tokens in arrays:
        items = (*tokens, "*")
        array_parameter = next((p for p in index.parameters if p.tokens == tokens), None)
        variants = sorted({p.variant for p in tagged if p.tokens[:len(items)] == items and p.variant is not None}
                          - {variant})
        if array_parameter is not None and array_parameter.concept:
            children.append(_scope(index, vocabulary, items, array_parameter.concept, variant, tokens[depth:]))
        for branch in variants:
            members = [p for p in tagged if p.tokens[:len(items)] == items and p.variant == branch]
            kind = _record_concept(vocabulary, {p.concept for p in members if p.concept})
            if kind is None:
                continue  # members of several concepts and none of them whole: not one record
            children.append(_scope(index, vocabulary, items, kind, branch, tokens[depth:]))
    fixed = tuple((p.tokens[depth:], p.schema.get("const", (p.schema.get("enum") or [None])[0]))
                  for p in index.parameters
                  if p.tokens[:depth] == prefix and "*" not in p.tokens[depth:] and p.variant == variant
                  and ("const" in p.schema or len(p.schema.get("enum", ())) == 1) and required_within(index, p))
    return Scope(concept, array, fixed, slots, tuple(children))


def _record_concept(vocabulary: Vocabulary, concepts: set[str]) -> str | None:
    """What one item of a mixed array is: the one whole concept among its members (an audio
    input carries `audio`, `audio_asset`, `audio_id`), else the one concept all are parts of."""
    wholes = {c for c in concepts if c not in vocabulary.parents}
    if len(wholes) == 1:
        return wholes.pop()
    roots = {vocabulary.root(c) for c in concepts}
    return roots.pop() if not wholes and len(roots) == 1 else None


# -- reading ---------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Value:
    value: Any
    path: Path  # where the source payload holds it


@dataclass(frozen=True, slots=True)
class Records:
    """The items of an array of records (segments, audio inputs …), in payload order."""

    items: tuple[dict[str, Any], ...]
    path: Path


@dataclass
class _ConceptReader:
    vocabulary: Vocabulary
    consumed: set[Path] = field(default_factory=set)

    def record(self, scope: Scope, node: Any, path: Path) -> dict[str, Any]:
        record: dict[str, Any] = {}
        for slot in scope.slots:
            found = pointers.expand(node, slot.tokens)
            if not found:
                continue
            where, value = found[0]
            if slot.holds_concepts and isinstance(value, dict):
                continue  # read through its members
            key = self.key(slot.concept, value)
            if key not in record:  # a second property of one concept stays unread, so it is reported
                record[key] = Value(value, (*path, *where))
                self.consumed.add((*path, *where))
        for child in scope.children:
            for where, array in pointers.expand(node, child.array):
                if not isinstance(array, list):
                    continue
                items = tuple(self.record(child, item, (*path, *where, n))
                              for n, item in enumerate(array) if child.matches(item))
                if items:
                    record[child.concept] = Records(items, (*path, *where))
        return record

    def key(self, concept: str, value: Any) -> str:
        """A boolean where the whole concept goes means its flag part (`active_speaker: true`
        is automatic speaker detection)."""
        return self.vocabulary.flags.get(concept, concept) if isinstance(value, bool) else concept


# -- writing ---------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Write:
    path: Path  # in the target payload
    value: Any
    source: Path | None  # where it came from in the source payload (None: generated or filled)
    what: str  # how to name it in a finding


@dataclass
class _TargetWriter:
    vocabulary: Vocabulary
    target: str
    writes: list[Write] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    next_index: dict[Path, int] = field(default_factory=dict)

    def record(self, record: dict[str, Any], scope: Scope, base: Path) -> None:
        for key, value in self.grouped(record, scope).items():
            if key == MODEL:
                continue
            if key == TASK_ID:
                self.findings.append(_finding("not-carried", value.path, value=show(value.value), target=self.target))
            elif isinstance(value, Records):
                self.records(key, value, scope, base)
            elif (slot := self.place(key, scope)) is not None:
                self.writes.append(Write((*base, *slot.tokens), value.value, value.path, key))
            else:
                self.lost(value.path, key, value.value)

    def grouped(self, record: dict[str, Any], scope: Scope) -> dict[str, Any]:
        """Loose values of a concept the target keeps in an array of records become one record
        of it (fal's `audio_url` becomes one audio input of sync.so's `input[]`)."""
        out: dict[str, Any] = {}
        loose: dict[str, dict[str, Value]] = {}
        for key, value in record.items():
            whole = self.vocabulary.root(key)
            if isinstance(value, Value) and scope.child(whole) is not None and self.place(key, scope) is None:
                loose.setdefault(whole, {})[key] = value
                out.setdefault(whole, None)  # keeps its place in the payload's order
            else:
                out[key] = value
        for whole, members in loose.items():
            known = out[whole]
            out[whole] = Records((*known.items, members) if isinstance(known, Records) else (members,), ())
        return out

    def records(self, concept: str, records: Records, scope: Scope, base: Path) -> None:
        child = scope.child(concept)
        if child is None and not any(self.place(c, scope) for c in (concept, *self.vocabulary.parts(concept))):
            count = len(records.items)
            self.findings.append(_finding("not-expressible", records.path, target=self.target, why="",
                                          what=f"{_label(concept)} ({count} {'item' if count == 1 else 'items'})"))
            return
        if child is None:
            # No array for them here, but one of them fits this scope's own members.
            first, *rest = records.items
            self.record(first, scope, base)
            for n, _ in enumerate(rest, start=1):
                self.findings.append(_finding("not-expressible", (*records.path, n), what=f"{_label(concept)} {n + 1}",
                                              target=self.target, why=f", which takes only one {_label(concept)}"))
            return
        array = (*base, *child.array)
        for item in records.items:
            index = self.next_index.get(array, 0)
            self.next_index[array] = index + 1
            self.record(item, child, (*array, index))
            self.fill(child, (*array, index))

    def fill(self, scope: Scope, base: Path) -> None:
        """The fixed values of a record no source value gave (`type`, `taskType`, the model id)."""
        written = {w.path for w in self.writes}
        for tokens, value in scope.fixed:
            if (*base, *tokens) not in written:
                self.writes.append(Write((*base, *tokens), value, None, tokens[-1]))

    def place(self, key: str, scope: Scope) -> ConceptSlot | None:
        """Where a value of this concept goes in the scope, if anywhere."""
        slot = scope.slot(key)
        if slot is not None and not slot.holds_concepts:
            return slot
        # A flag part where the target has only the whole concept as one boolean.
        whole = self.vocabulary.parents.get(key)
        if whole is not None and self.vocabulary.flags.get(whole) == key:
            flag = scope.slot(whole)
            if flag is not None and _takes_boolean(flag.parameter):
                return flag
        return None

    def lost(self, path: Path, key: str, value: Any) -> None:
        self.findings.append(_finding("not-expressible", path, what=f"{_label(key)} {show(value)}", target=self.target,
                                      why=""))


def _takes_boolean(parameter: Parameter) -> bool:
    facts = parameter.schema
    kinds = [b.get("type") for b in (facts, *facts.get("anyOf", ()), *facts.get("oneOf", ())) if isinstance(b, dict)]
    return any(kind == "boolean" or (isinstance(kind, list) and "boolean" in kind) for kind in kinds)


def _label(concept: str) -> str:
    return concept.replace("_", " ")


# -- the translation -------------------------------------------------------------------------
def translate(payload: Any, to: str, *, source: str | None = None, registry: Registry | None = None,
              new_task_id: Callable[[], str] = lambda: str(uuid.uuid4())) -> Translation:
    """The payload for the same model at provider `to` (or at offering `to`, e.g.
    `fal/sync-3-image-to-video`). The source offering is detected from the payload unless given."""
    from registry.validation.validate import default_registry, validate

    registry = registry or default_registry()
    checked = validate(payload, source, registry=registry)
    if checked.offering is None:
        raise TranslationError(checked.findings[0].message if checked.findings else "unknown source offering")
    if not checked.ok:
        raise InvalidSource(checked)
    origin = registry.offering(checked.offering)
    target = _target(registry, origin, to)
    concepts = vocabulary(registry)

    reading = _ConceptReader(concepts)
    record = reading.record(layout(registry, origin.id), payload, ())
    writing = _TargetWriter(concepts, target.id)
    target_scope = layout(registry, target.id)
    writing.record(record, target_scope, ())
    _defaults(registry, origin, target, record, target_scope, writing)
    writing.fill(target_scope, ())
    _new_task_id(registry, target, target_scope, writing, new_task_id)
    writing.findings += _unread(registry, origin, payload, reading.consumed, target.id)
    writes = writing.writes

    # Check at the target; a value it rejects (its type, allowed values, range …) is taken out,
    # and said so, until none is left. A cross-field rule broken by values that are each
    # acceptable stays in the report: leaving one of them out would not mend the relation.
    while True:
        built = _order(registry, target, _build(writes))
        report = validate(built, target.id, registry=registry)
        rejected = {id(w): f for f in report.errors if RULES[f.rule].family == "structure" for w in writes
                    if w.source is not None and _within(f.pointer, pointers.to_pointer(w.path))}
        if not rejected:
            break
        for write in [w for w in writes if id(w) in rejected]:
            writing.findings.append(_finding("value-not-allowed", write.source or (), label=_label(write.what),
                                             value=show(write.value), target=target.id,
                                             why=rejected[id(write)].message,
                                             instead=_instead(registry, target, write.path)))
        writes = [w for w in writes if id(w) not in rejected]
    # Defaults that differ were written out above, or are lost values reported as such: the
    # target's "left out, providers disagree" advisory would only repeat (or contradict) that.
    report = Report(report.offering, tuple(f for f in report.findings if f.rule != "implicit-default"))
    return Translation(origin.id, target.id, built, tuple(writing.findings), report,
                       _lost(registry, origin, writing.findings))


def _lost(registry: Registry, origin: Offering, findings: list[Finding]) -> tuple[Finding, ...]:
    """The findings of values left behind, but for the ids of inputs (`refId`): an id only
    names an input for the segments, whose own loss is reported when they are left behind."""
    ids = [pointers.parse(target) for plan in index_of(registry, origin.id).rules if plan.keyword == "x-ref"
           for target in plan.argument]
    return tuple(f for f in findings if f.rule in LOSS_RULES
                 and not any(_matches(pointers.parse(f.pointer), pattern) for pattern in ids))


def _matches(tokens: tuple[str, ...], pattern: tuple[str, ...]) -> bool:
    return len(tokens) == len(pattern) and all(p == t or (p == "*" and pointers.is_index(t))
                                               for t, p in zip(tokens, pattern))


def _instead(registry: Registry, target: Offering, path: Path) -> str:
    """What the target does without the value it rejected: its documented default, if any."""
    pattern = pointers.to_pointer("*" if isinstance(token, int) else token for token in path)
    parameter = next((p for p in index_of(registry, target.id).parameters if p.pattern == pattern), None)
    if parameter is None or parameter.default is NO_DEFAULT:
        return ""
    return f", so {target.id} uses its default {show(parameter.default)}"


def _within(pointer: str, prefix: str) -> bool:
    return pointer == prefix or pointer.startswith(prefix + "/")


def _target(registry: Registry, origin: Offering, to: str) -> Offering:
    stem = origin.id.split("/", 1)[1]
    wanted = to if "/" in to else f"{to}/{stem}"
    if wanted == origin.id:
        raise TranslationError(f"the payload is already for {origin.id}")
    chosen = registry.offerings.get(wanted)
    if chosen is None or chosen.model != origin.model:
        others = ", ".join(o.id for o in registry.offerings_of(origin.model) if o.id != origin.id) or "none"
        # The offerings of the model are listed next, so no "did you mean" here.
        problem = str(UnknownOffering(wanted)) if chosen is None else f"{wanted} is another model ({chosen.model})"
        raise TranslationError(f"{problem}; {origin.model} is also offered as: {others}")
    return chosen


def _defaults(registry: Registry, origin: Offering, target: Offering, record: dict[str, Any], scope: Scope,
              writing: _TargetWriter) -> None:
    """Top-level values left to their default at the source: written at the target when its
    default differs or is not documented, so the payload keeps behaving the same."""
    seen: set[str] = set()
    for slot in layout(registry, origin.id).slots:
        default = slot.parameter.default
        # A concept with a flag part defaults as its flag: no active speaker is no automatic detection.
        key = writing.vocabulary.flags.get(slot.concept, slot.concept)
        if key in record or key in seen or key in (MODEL, TASK_ID):
            continue
        seen.add(key)
        place = writing.place(key, scope)
        if place is None:
            continue
        theirs, name = place.parameter.default, place.parameter.pattern
        if place.parameter.ignored:  # the target ignores it: its default changes nothing
            continue
        if default is NO_DEFAULT:
            if theirs is not NO_DEFAULT:
                writing.findings.append(_finding("default-unknown", slot.parameter.pattern, label=_label(key),
                                                 source=origin.id, target=target.id, theirs=show(theirs), name=name))
        elif theirs is NO_DEFAULT or show_json_value(theirs) != show_json_value(default):
            writing.writes.append(Write(place.tokens, default, slot.parameter.tokens, key))
            at_target = "documents no default" if theirs is NO_DEFAULT else f"would use {show(theirs)}"
            writing.findings.append(_finding("default-made-explicit", name, label=_label(key), value=show(default),
                                             source=origin.id, target=target.id, at_target=at_target, name=name))


def _unread(registry: Registry, origin: Offering, payload: Any, consumed: set[Path], target: str) -> list[Finding]:
    """Values of the source that no concept carried: provider-specific settings, reported
    unless the source schema fixes them (a `const`, a single allowed value)."""
    parameters = index_of(registry, origin.id).parameters
    found = []

    def fixed(path: Path, value: Any) -> bool:
        pattern = tuple("*" if isinstance(t, int) else t for t in path)
        facts = [p.schema for p in parameters if p.tokens == pattern]
        return any(f.get("const", NO_DEFAULT) == value or f.get("enum") == [value] for f in facts)

    def walk(node: Any, path: Path) -> Iterator[tuple[Path, Any]]:
        if path in consumed:
            return
        if isinstance(node, dict) and node:
            for key, value in node.items():
                yield from walk(value, (*path, key))
        elif isinstance(node, list) and node:
            for n, value in enumerate(node):
                yield from walk(value, (*path, n))
        elif path and not isinstance(node, (dict, list)):  # an empty object or array carries nothing
            yield path, node

    for path, value in walk(payload, ()):
        if not fixed(path, value):
            name = next((t for t in reversed(path) if isinstance(t, str)), "")
            found.append(_finding("not-expressible", path, what=f"{code(name)} {show(value)}", target=target,
                                  why=f" (specific to {origin.id})"))
    return found


def _new_task_id(registry: Registry, target: Offering, scope: Scope, writing: _TargetWriter,
                 new_task_id: Callable[[], str]) -> None:
    slot = scope.slot(TASK_ID)
    if slot is None or not required_within(index_of(registry, target.id), slot.parameter):
        return
    value = new_task_id()
    writing.writes.append(Write(slot.tokens, value, None, slot.parameter.name))
    writing.findings.append(_finding("value-generated", slot.parameter.pattern, target=target.id,
                                     name=code(slot.parameter.name), value=show(value)))


def _build(writes: list[Write]) -> dict[str, Any]:
    root: dict[str, Any] = {}
    for write in writes:
        node: Any = root
        for token, following in zip(write.path, write.path[1:]):
            empty: Any = [] if isinstance(following, int) else {}
            if isinstance(node, list):
                while len(node) <= token:  # indices are given in order, so this appends
                    node.append(empty)
                node = node[token]
            else:
                node = node.setdefault(token, empty)
        last = write.path[-1]
        if isinstance(node, list):
            node.append(copy.deepcopy(write.value))
        else:
            node[last] = copy.deepcopy(write.value)
    return root


def _order(registry: Registry, target: Offering, payload: dict[str, Any]) -> dict[str, Any]:
    """Members in the order the target's schema lists them, for a payload people can read."""
    position = {p.tokens: n for n, p in reversed(list(enumerate(index_of(registry, target.id).parameters)))}

    def ordered(node: Any, tokens: tuple[str, ...]) -> Any:
        if isinstance(node, dict):
            keys = sorted(node, key=lambda k: position.get((*tokens, k), len(position)))
            return {k: ordered(node[k], (*tokens, k)) for k in keys}
        if isinstance(node, list):
            return [ordered(item, (*tokens, "*")) for item in node]
        return node

    return ordered(payload, ())
