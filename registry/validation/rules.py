"""The cross-field rule engine: what the `x-` keywords of schemas/README.md mean.

It runs on the parsed payload and the rule plan of the offering's index, independently of
the JSON Schema engine, so the typed clients enforce the same rules by calling `check`.
Values of the wrong type are skipped here: the structural check reports them.

Each rule keyword is prepared once per offering into a check (its patterns parsed, its
arguments unpacked); a check looks at the values its location reaches and works out
paths and messages only for a value that breaks the rule, so valid payloads stay cheap.
A payload that breaks a rule many times costs one walk for all the paths, and only the
findings the `Listing` lists are built, so every check stays linear in the payload.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from registry.base import pointers
from registry.base.catalog import rule
from registry.base.findings import Finding, Listing
from registry.base.text import code as _code
from registry.base.text import shortened
from registry.schema.index import OfferingIndex, RulePlan
from registry.schema.tree import closest

Tokens = tuple[str, ...]
# How many of the ids a dangling reference could name its message lists.
IDS_SHOWN = 10


class _Reached:
    """The values a pattern reaches, and the path of each object or array among them,
    worked out on first need. (Equal strings and numbers can be one object in memory, so
    their paths come from `pointers.expand`, never from their identity.)"""

    __slots__ = ("payload", "tokens", "values", "_paths")

    def __init__(self, payload: Any, tokens: Tokens, values: list[Any]) -> None:
        self.payload, self.tokens, self.values = payload, tokens, values
        self._paths: dict[int, pointers.Path] | None = None

    def path_of(self, value: Any) -> pointers.Path:
        # One walk for every finding at this location, not one per finding: that made
        # 16,000 segments out of order take minutes.
        if self._paths is None:
            self._paths = pointers.paths_by_id(self.payload, self.tokens)
        return self._paths[id(value)]


# A prepared rule: (the whole payload, what its location reaches, the listing) -> findings
Check = Callable[[Any, _Reached, Listing], list[Finding]]


def check(index: OfferingIndex, payload: Any) -> list[Finding]:
    findings: list[Finding] = []
    listing = Listing()
    # Rules are grouped by location: each is looked up once, and a location the payload
    # does not have (no segments, say) costs that one lookup and nothing more.
    for tokens, checks in prepared(index):
        values = pointers.values(payload, tokens)
        if values:
            reached = _Reached(payload, tokens, values)
            for rule_check in checks:
                findings += rule_check(payload, reached, listing)
    return listing.close(findings)


@functools.lru_cache(maxsize=256)
def prepared(index: OfferingIndex) -> tuple[tuple[Tokens, tuple[Check, ...]], ...]:
    return tuple((tokens, tuple(_PREPARE[plan.keyword](plan) for plan in plans)) for tokens, plans in index.rule_groups)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _hashable(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool)) or value is None


def _identity(value: Any) -> tuple[bool, Any]:
    """Ids compare by value, but the string "1" and the number 1 are different ids."""
    return (type(value) is str, value)


def _pointer_to(reached: _Reached, target: Any, *more: str) -> str:
    """The pointer of `target` (one of the reached values), or of a member of it."""
    return pointers.to_pointer((*reached.path_of(target), *more))


def _shown(value: Any) -> str:
    """A payload's value as a message quotes it: JSON, cut short when long."""
    return shortened(json.dumps(value))


def _ids(defined: dict[Any, None]) -> str:
    shown = ", ".join(_shown(d) for d in list(defined)[:IDS_SHOWN]) or "none"
    return shown + (f" and {len(defined) - IDS_SHOWN:,} more" if len(defined) > IDS_SHOWN else "")


def _exists(payload: Any, tokens: Tokens | None) -> bool:
    return tokens is not None and pointers.exists(payload, tokens)


def _ref(plan: RulePlan) -> Check:
    targets = [pointers.parse(p) for p in plan.argument]
    described = " or ".join(_code(p) for p in plan.argument)

    def check_refs(payload: Any, reached: _Reached, listing: Listing) -> list[Finding]:
        references = [v for v in reached.values if type(v) is str]
        if not references:
            return []
        defined = dict.fromkeys(v for t in targets for v in pointers.values(payload, t) if _hashable(v))
        if all(reference in defined for reference in references):
            return []
        candidates = [d for d in defined if isinstance(d, str)]
        found = []
        for path, value in pointers.expand(payload, plan.tokens):
            if isinstance(value, str) and value not in defined and listing.wants("ref-unknown"):
                suggestion = closest(value, candidates)
                found.append(rule("ref-unknown").finding(
                    pointers.to_pointer(path),
                    hint=f"did you mean {json.dumps(suggestion)}?" if suggestion else (
                        f"give an input the id {_shown(value)}" if value.strip() else None),
                    name=_code(path[-1]), found=_shown(value), targets=described, defined=_ids(defined),
                ))
        return found

    return check_refs


def _unique(plan: RulePlan) -> Check:
    groups = [(group, [pointers.parse(p) for p in group]) for group in plan.argument]

    def check_unique(payload: Any, reached: _Reached, listing: Listing) -> list[Finding]:
        found = []
        for group, patterns in groups:
            ids = [_identity(v) for t in patterns for v in pointers.values(payload, t) if _hashable(v)]
            if len(set(ids)) == len(ids):
                continue
            first_seen: dict[Any, pointers.Path] = {}
            for path, value in (hit for t in patterns for hit in pointers.expand(payload, t)):
                if not _hashable(value):
                    continue
                key = _identity(value)
                if key not in first_seen:
                    first_seen[key] = path
                    continue
                if not listing.wants("id-duplicate"):
                    continue
                found.append(rule("id-duplicate").finding(
                    pointers.to_pointer(path), hint="give every input its own id",
                    found=_shown(value), first=pointers.to_pointer(first_seen[key]),
                    targets=", ".join(_code(p) for p in group),
                ))
        return found

    return check_unique


def _order(plan: RulePlan) -> Check:
    pairs = [(p["lesser"], p["greater"], p["allowEqual"]) for p in plan.argument]

    def check_order(payload: Any, reached: _Reached, listing: Listing) -> list[Finding]:
        found = []
        for obj in reached.values:
            if type(obj) is not dict:
                continue
            for lesser_name, greater_name, allow_equal in pairs:
                lesser, greater = obj.get(lesser_name), obj.get(greater_name)
                if not (_is_number(lesser) and _is_number(greater)):
                    continue
                if greater > lesser or (allow_equal and greater == lesser) or not listing.wants("out-of-order"):
                    continue
                found.append(rule("out-of-order").finding(
                    _pointer_to(reached, obj, greater_name), greater=_code(greater_name),
                    greater_value=shortened(str(greater)), lesser=_code(lesser_name), lesser_value=shortened(str(lesser)),
                    relation="greater than or equal to" if allow_equal else "greater than",
                ))
        return found

    return check_order


def _together(plan: RulePlan) -> Check:
    groups = [tuple(group) for group in plan.argument]

    def check_together(payload: Any, reached: _Reached, listing: Listing) -> list[Finding]:
        found = []
        for obj in reached.values:
            if type(obj) is not dict:
                continue
            for group in groups:
                present = [name for name in group if name in obj]
                if not present or len(present) == len(group):
                    continue
                for missing in (name for name in group if name not in obj and listing.wants("co-required")):
                    found.append(rule("co-required").finding(
                        _pointer_to(reached, obj, missing),
                        hint=f"add {_code(missing)} or remove {', '.join(_code(p) for p in present)}",
                        missing=_code(missing), present=" and ".join(_code(p) for p in present),
                        group=" and ".join(_code(n) for n in group),
                    ))
        return found

    return check_together


def _exclusive(plan: RulePlan) -> Check:
    groups = [tuple(group) for group in plan.argument]

    def check_exclusive(payload: Any, reached: _Reached, listing: Listing) -> list[Finding]:
        found = []
        for obj in reached.values:
            if type(obj) is not dict:
                continue
            for group in groups:
                present = [name for name in group if name in obj]
                for later in (name for name in present[1:] if listing.wants("mutually-exclusive")):
                    found.append(rule("mutually-exclusive").finding(
                        _pointer_to(reached, obj, later),
                        hint=f"keep only one of {', '.join(_code(p) for p in present)}",
                        name=_code(later), other=_code(present[0]),
                    ))
        return found

    return check_exclusive


def _exactly_one_of(plan: RulePlan) -> Check:
    groups = [(group, [pointers.parse(p) for p in group]) for group in plan.argument]

    def check_exactly_one(payload: Any, reached: _Reached, listing: Listing) -> list[Finding]:
        found = []
        for obj in reached.values:
            if type(obj) is not dict:
                continue
            for group, patterns in groups:
                present = [p for p, tokens in zip(group, patterns) if _exists(payload, tokens)]
                if len(present) == 1 or not listing.wants("exactly-one-of"):
                    continue
                counted = "none" if not present else f"{len(present)}: " + ", ".join(_code(p) for p in present)
                found.append(rule("exactly-one-of").finding(
                    _pointer_to(reached, obj),
                    hint="remove all but one" if present else f"add one of {', '.join(_code(p) for p in group)}",
                    group=", ".join(_code(p) for p in group), found=counted,
                ))
        return found

    return check_exactly_one


def _requires(plan: RulePlan) -> Check:
    requirements = [(r["if"], pointers.parse(r["if"]), r["then"], pointers.parse(r["then"])) for r in plan.argument]

    def check_requires(payload: Any, reached: _Reached, listing: Listing) -> list[Finding]:
        return [
            rule("requires").finding(then, then=_code(then), if_=_code(if_))
            for if_, if_tokens, then, then_tokens in requirements
            if _exists(payload, if_tokens) and not _exists(payload, then_tokens) and listing.wants("requires")
        ]

    return check_requires


def _count(plan: RulePlan) -> Check:
    specs = []
    for spec in plan.argument:
        ((field, accepted),) = spec["where"].items()
        when, unless = spec.get("when"), spec.get("unless")
        low, high = spec.get("min"), spec.get("max")
        condition = f" when {_code(when)} is given" if when else (f" without {_code(unless)}" if unless else "")
        specs.append((pointers.parse(when) if when else None, pointers.parse(unless) if unless else None,
                      pointers.parse(spec["in"]), field, frozenset(accepted), low, high, condition, spec["label"], unless))

    def check_count(payload: Any, reached: _Reached, listing: Listing) -> list[Finding]:
        found = []
        for when, unless, where, field, accepted, low, high, condition, label, unless_text in specs:
            if (when is not None and not _exists(payload, when)) or _exists(payload, unless):
                continue
            arrays = _Reached(payload, where, pointers.values(payload, where))
            for array in arrays.values:
                if type(array) is not list:
                    continue
                count = sum(1 for item in array if type(item) is dict and _hashable(kind := item.get(field))
                            and kind in accepted)
                if ((low is None or count >= low) and (high is None or count <= high)) or not listing.wants("count"):
                    continue
                path = arrays.path_of(array)
                found.append(rule("count").finding(
                    pointers.to_pointer(path),
                    hint=f"add {_code(unless_text)} to use more" if unless_text and high is not None and count > high else None,
                    name=_code(path[-1] if path else ""), expected=_expectation(low, high), label=label,
                    condition=condition, found=count,
                ))
        return found

    return check_count


def _expectation(low: int | None, high: int | None) -> str:
    if low is not None and low == high:
        return f"exactly {low}"
    if high is None:
        return f"at least {low}"
    if low is None or low == 0:
        return "none" if high == 0 else f"at most {high}"
    return f"between {low} and {high}"


_PREPARE: dict[str, Callable[[RulePlan], Check]] = {
    "x-ref": _ref,
    "x-unique": _unique,
    "x-order": _order,
    "x-together": _together,
    "x-exclusive": _exclusive,
    "x-exactly-one-of": _exactly_one_of,
    "x-requires": _requires,
    "x-count": _count,
}
