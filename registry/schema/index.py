"""One walk over an offering's schema, following `$ref` and `allOf`, that lists its parameters
and its rule keywords. The rule engine, the advisories, the comparison and the docs all read
this index instead of walking schemas themselves.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from registry.base import pointers
from registry.base.frozen import Compared, Frozen, record
from registry.schema.keywords import KEYWORDS, KeywordUse
from registry.schema.tree import Offering, Registry, derived, reference_target

NO_DEFAULT = object()


@record
class SchemaPart:
    """One of the schemas that apply together at one place of the payload: the schema itself,
    what its `$ref` names, an `allOf` member."""

    schema: dict[str, Any]
    base_uri: str  # what its relative `$ref`s resolve against


class Parameter(Compared):
    """A property of the payload: where it sits and what the schema says about it."""

    __slots__ = ("pattern", "tokens", "required", "variant", "schema")
    pattern: str  # pointer pattern, `*` for every array item
    tokens: tuple[str, ...]
    required: bool  # required within its parent object
    variant: str | None  # the oneOf/anyOf branch it belongs to, if any
    # Its schema: the keywords of its parts merged, the first value of each winning.
    # Not compared: a parameter is where it sits.
    schema: dict[str, Any]

    def __init__(self, pattern: str, tokens: tuple[str, ...], required: bool, variant: str | None,
                 schema: dict[str, Any]) -> None:
        object.__setattr__(self, "pattern", pattern)
        object.__setattr__(self, "tokens", tokens)
        object.__setattr__(self, "required", required)
        object.__setattr__(self, "variant", variant)
        object.__setattr__(self, "schema", schema)

    def _compared(self) -> tuple[Any, ...]:
        return self.pattern, self.tokens, self.required, self.variant

    def __repr__(self) -> str:
        return (f"Parameter(pattern={self.pattern!r}, tokens={self.tokens!r}, required={self.required!r}, "
                f"variant={self.variant!r}, schema={self.schema!r})")

    @property
    def name(self) -> str:
        return self.tokens[-1] if self.tokens else ""

    @property
    def concept(self) -> str | None:
        return self.schema.get("x-concept")

    @property
    def default(self) -> Any:
        return self.schema.get("default", NO_DEFAULT)

    @property
    def ignored(self) -> str | None:
        return self.schema.get("x-ignored")


@record
class KeywordGroup:
    """The uses of rule keywords that sit at one location, so the engine looks it up once."""

    tokens: tuple[str, ...]
    uses: tuple[KeywordUse, ...]


class OfferingIndex(Frozen):  # one per offering: identity is equality, and it hashes
    __slots__ = ("offering", "parameters", "rules", "keyword_groups")
    offering: Offering
    parameters: tuple[Parameter, ...]
    rules: tuple[KeywordUse, ...]
    keyword_groups: tuple[KeywordGroup, ...]  # the same rules, grouped by where they sit

    def __init__(self, offering: Offering, parameters: tuple[Parameter, ...], rules: tuple[KeywordUse, ...],
                 keyword_groups: tuple[KeywordGroup, ...] = ()) -> None:
        object.__setattr__(self, "offering", offering)
        object.__setattr__(self, "parameters", parameters)
        object.__setattr__(self, "rules", rules)
        object.__setattr__(self, "keyword_groups", keyword_groups)

    def by_concept(self, concept: str) -> list[Parameter]:
        """Parameters carrying a concept, shallowest first (the top-level one before overrides)."""
        found = [p for p in self.parameters if p.concept == concept]
        return sorted(found, key=lambda p: len(p.tokens))


def type_label(schema: dict[str, Any]) -> str:
    """A parameter's JSON type for people: `number`, `string/null`, `boolean or object`."""
    if "type" in schema:
        return "/".join(schema["type"]) if isinstance(schema["type"], list) else schema["type"]
    if "const" in schema:
        return "const"
    branches = schema.get("oneOf") or schema.get("anyOf")
    if branches:
        return " or ".join(str(b.get("type") or b.get("title") or b.get("$ref", "schema").rsplit("/", 1)[-1])
                           for b in branches if isinstance(b, dict))
    return "any"


_BOUNDS = (("minimum", "≥"), ("exclusiveMinimum", ">"), ("maximum", "≤"), ("exclusiveMaximum", "<"),
           ("minLength", "length ≥"), ("maxLength", "length ≤"), ("minItems", "items ≥"), ("maxItems", "items ≤"))


def constraint_label(schema: dict[str, Any], show: Callable[[Any], str] = json.dumps) -> str:
    """Allowed values, ranges and pattern of a parameter, each value rendered by `show`."""
    parts = []
    if "enum" in schema:
        parts.append(", ".join(show(v) for v in schema["enum"]))
    if "const" in schema:
        parts.append(show(schema["const"]))
    parts += [f"{symbol} {schema[key]}" for key, symbol in _BOUNDS if key in schema]
    if "pattern" in schema:
        parts.append(f"pattern `{schema['pattern']}`")
    return "; ".join(parts)


@derived
def index_of(registry: Registry, offering_id: str) -> OfferingIndex:
    return _build(registry, registry.offering(offering_id))


def _build(registry: Registry, offering: Offering) -> OfferingIndex:
    walker = _Walker(registry)
    parts, seen = walker.parts(offering.schema, offering.uri, frozenset())
    walker.walk(parts, seen, (), required=True, variant=None)
    groups: dict[tuple[str, ...], list[KeywordUse]] = {}
    for plan in walker.rules:
        groups.setdefault(plan.tokens, []).append(plan)
    return OfferingIndex(offering, tuple(walker.parameters), tuple(walker.rules),
                         tuple(KeywordGroup(tokens, tuple(plans)) for tokens, plans in groups.items()))


class _Walker:
    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.parameters: list[Parameter] = []
        self.rules: list[KeywordUse] = []

    def parts(self, schema: Any, uri: str, seen: frozenset[str]) -> tuple[list[SchemaPart], frozenset[str]]:
        """The schema, then what its `$ref` and `allOf` members add (siblings of `$ref` win),
        and the `$ref` targets entered on the way down, so a recursive schema stops."""
        if not isinstance(schema, dict):
            return [], seen
        found: list[SchemaPart] = [SchemaPart(schema, uri)]
        ref = schema.get("$ref")
        if isinstance(ref, str):
            target_uri, target = self.registry.resolve(uri, ref)
            if target_uri not in seen:
                more, seen = self.parts(target, reference_target(uri, ref)[1], seen | {target_uri})
                found += more
        for member in schema.get("allOf", ()):
            more, seen = self.parts(member, uri, seen)
            found += more
        return found, seen

    def walk(self, parts: list[SchemaPart], seen: frozenset[str], tokens: tuple[str, ...], *,
             required: bool, variant: str | None) -> None:
        # Inside a oneOf/anyOf branch (variant set) parameters are listed but rules are not
        # collected: which branch applies is only known once a payload is checked.
        if tokens:
            merged: dict[str, Any] = {}
            for schema, _ in parts:
                for key, value in schema.items():
                    merged.setdefault(key, value)
            self.parameters.append(Parameter(pointers.to_pointer(tokens), tokens, required, variant, merged))
        if variant is None:
            for schema, _ in parts:
                self.rules.extend(KeywordUse(k, tokens, schema[k]) for k in KEYWORDS if k in schema)
        self._children(parts, seen, tokens, variant)
        for schema, uri in parts:
            for keyword in ("oneOf", "anyOf"):
                for branch in schema.get(keyword, ()):
                    branch_parts, branch_seen = self.parts(branch, uri, seen)
                    self._children(branch_parts, branch_seen, tokens, _branch_name(branch_parts) or variant or "")

    def _children(self, parts: list[SchemaPart], seen: frozenset[str], tokens: tuple[str, ...],
                  variant: str | None) -> None:
        required_names = {name for schema, _ in parts for name in schema.get("required", ())}
        children: dict[str, tuple[list[SchemaPart], frozenset[str]]] = {}
        for schema, uri in parts:
            for name, sub in schema.get("properties", {}).items():
                sub_parts, sub_seen = self.parts(sub, uri, seen)
                known_parts, known_seen = children.get(name, ([], seen))
                children[name] = (known_parts + sub_parts, known_seen | sub_seen)
        for name, (child_parts, child_seen) in children.items():
            self.walk(child_parts, child_seen, (*tokens, name), required=name in required_names, variant=variant)
        for schema, uri in parts:
            items = schema.get("items")
            if isinstance(items, dict):
                item_parts, item_seen = self.parts(items, uri, seen)
                self.walk(item_parts, item_seen, (*tokens, "*"), required=False, variant=variant)


def _branch_name(parts: list[SchemaPart]) -> str | None:
    """A branch is named by its title, else by the value of its discriminating `const`."""
    for schema, _ in parts:
        if "title" in schema:
            return schema["title"]
        for sub in schema.get("properties", {}).values():
            if isinstance(sub, dict) and isinstance(sub.get("const"), str):
                return sub["const"]
    return None
