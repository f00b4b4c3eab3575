"""The cross-field rule engine: what the `x-` keywords of schemas/README.md mean.

It runs on the parsed payload and the rule plan of the offering's index, independently of
the JSON Schema engine, so the typed clients enforce the same rules by calling `check`.
Values of the wrong type are skipped here: the structural check reports them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from . import pointers
from .catalog import rule
from .findings import Finding
from .index import OfferingIndex, RulePlan
from .loading import closest


def check(index: OfferingIndex, payload: Any) -> list[Finding]:
    findings: list[Finding] = []
    # Rules are grouped by location: each is looked up once, and a location the payload
    # does not have (no segments, say) costs that one lookup and nothing more.
    for tokens, plans in index.rule_groups:
        reached = pointers.values(payload, tokens)
        if reached:
            for plan in plans:
                findings.extend(_KEYWORDS[plan.keyword](plan, payload, reached))
    return findings


def _objects(reached: list[Any]) -> Iterator[dict[str, Any]]:
    return (value for value in reached if type(value) is dict)


def _at(payload: Any, plan: RulePlan, obj: dict[str, Any], name: str) -> str:
    """The pointer of property `name` of an object the plan reached."""
    return pointers.to_pointer((*pointers.path_of(payload, plan.tokens, obj), name))


def _code(pattern_or_name: str) -> str:
    return f"`{pattern_or_name}`"


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _hashable(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool)) or value is None


def _identity(value: Any) -> tuple[bool, Any]:
    """Ids compare by value, but the string "1" and the number 1 are different ids."""
    return (type(value) is str, value)


def _values_at(payload: Any, patterns: list[str]) -> Iterator[tuple[pointers.Path, Any]]:
    for pattern in patterns:
        yield from pointers.expand(payload, pointers.parse(pattern))


def _ref(plan: RulePlan, payload: Any, reached: list[Any]) -> Iterator[Finding]:
    references = [v for v in reached if type(v) is str]
    if not references:
        return
    defined = list(dict.fromkeys(v for p in plan.argument for v in pointers.values(payload, pointers.parse(p))
                                 if _hashable(v)))
    if all(reference in defined for reference in references):
        return
    targets = " or ".join(_code(p) for p in plan.argument)
    for path, value in pointers.expand(payload, plan.tokens):
        if isinstance(value, str) and value not in defined:
            suggestion = closest(value, [d for d in defined if isinstance(d, str)])
            yield rule("ref-unknown").finding(
                pointers.to_pointer(path),
                hint=f"did you mean {json.dumps(suggestion)}?" if suggestion else f"give an input the id {json.dumps(value)}",
                name=_code(path[-1]), found=json.dumps(value), targets=targets,
                defined=", ".join(json.dumps(d) for d in defined) or "none",
            )


def _unique(plan: RulePlan, payload: Any, reached: list[Any]) -> Iterator[Finding]:
    for group in plan.argument:
        ids = [v for p in group for v in pointers.values(payload, pointers.parse(p)) if _hashable(v)]
        if len(set(map(_identity, ids))) == len(ids):
            continue
        first_seen: dict[Any, pointers.Path] = {}
        for path, value in _values_at(payload, group):
            if not _hashable(value):
                continue
            key = _identity(value)
            if key in first_seen:
                yield rule("id-duplicate").finding(
                    pointers.to_pointer(path), hint="give every input its own id",
                    found=json.dumps(value), first=pointers.to_pointer(first_seen[key]),
                    targets=", ".join(_code(p) for p in group),
                )
            else:
                first_seen[key] = path


def _order(plan: RulePlan, payload: Any, reached: list[Any]) -> Iterator[Finding]:
    for obj in _objects(reached):
        for pair in plan.argument:
            lesser, greater = obj.get(pair["lesser"]), obj.get(pair["greater"])
            if not (_is_number(lesser) and _is_number(greater)):
                continue
            if greater > lesser or (pair["allowEqual"] and greater == lesser):
                continue
            relation = "greater than or equal to" if pair["allowEqual"] else "greater than"
            yield rule("out-of-order").finding(
                _at(payload, plan, obj, pair["greater"]),
                greater=_code(pair["greater"]), greater_value=greater, relation=relation,
                lesser=_code(pair["lesser"]), lesser_value=lesser,
            )


def _together(plan: RulePlan, payload: Any, reached: list[Any]) -> Iterator[Finding]:
    for obj in _objects(reached):
        for group in plan.argument:
            present = [name for name in group if name in obj]
            if not present or len(present) == len(group):
                continue
            for missing in (name for name in group if name not in obj):
                yield rule("co-required").finding(
                    _at(payload, plan, obj, missing),
                    hint=f"add {_code(missing)} or remove {', '.join(_code(p) for p in present)}",
                    missing=_code(missing), present=" and ".join(_code(p) for p in present),
                    group=" and ".join(_code(n) for n in group),
                )


def _exclusive(plan: RulePlan, payload: Any, reached: list[Any]) -> Iterator[Finding]:
    for obj in _objects(reached):
        for group in plan.argument:
            present = [name for name in group if name in obj]
            for later in present[1:]:
                yield rule("mutually-exclusive").finding(
                    _at(payload, plan, obj, later), hint=f"keep only one of {', '.join(_code(p) for p in present)}",
                    name=_code(later), other=_code(present[0]),
                )


def _exactly_one_of(plan: RulePlan, payload: Any, reached: list[Any]) -> Iterator[Finding]:
    for obj in _objects(reached):
        for group in plan.argument:
            present = [p for p in group if pointers.exists(payload, pointers.parse(p))]
            if len(present) == 1:
                continue
            found = "none" if not present else f"{len(present)}: " + ", ".join(_code(p) for p in present)
            yield rule("exactly-one-of").finding(
                pointers.to_pointer(pointers.path_of(payload, plan.tokens, obj)),
                hint="remove all but one" if present else f"add one of {', '.join(_code(p) for p in group)}",
                group=", ".join(_code(p) for p in group), found=found,
            )


def _requires(plan: RulePlan, payload: Any, reached: list[Any]) -> Iterator[Finding]:
    for _obj in _objects(reached):
        for requirement in plan.argument:
            if pointers.exists(payload, pointers.parse(requirement["if"])) and not pointers.exists(
                payload, pointers.parse(requirement["then"])
            ):
                yield rule("requires").finding(
                    requirement["then"], then=_code(requirement["then"]), if_=_code(requirement["if"]),
                )


def _count(plan: RulePlan, payload: Any, reached: list[Any]) -> Iterator[Finding]:
    for _obj in _objects(reached):
        for spec in plan.argument:
            when, unless = spec.get("when"), spec.get("unless")
            if when and not pointers.exists(payload, pointers.parse(when)):
                continue
            if unless and pointers.exists(payload, pointers.parse(unless)):
                continue
            ((field, accepted),) = spec["where"].items()
            low, high = spec.get("min"), spec.get("max")
            where = pointers.parse(spec["in"])
            for array in pointers.values(payload, where):
                if type(array) is not list:
                    continue
                found = 0
                for item in array:
                    if type(item) is dict and _hashable(kind := item.get(field)) and kind in accepted:
                        found += 1
                if (low is None or found >= low) and (high is None or found <= high):
                    continue
                path = pointers.path_of(payload, where, array)
                condition = f" when {_code(when)} is given" if when else (f" without {_code(unless)}" if unless else "")
                yield rule("count").finding(
                    pointers.to_pointer(path),
                    hint=f"add {_code(unless)} to use more" if unless and high is not None and found > high else None,
                    name=_code(path[-1] if path else ""), expected=_expectation(low, high), label=spec["label"],
                    condition=condition, found=found,
                )


def _expectation(low: int | None, high: int | None) -> str:
    if low is not None and low == high:
        return f"exactly {low}"
    if high is None:
        return f"at least {low}"
    if low is None or low == 0:
        return "none" if high == 0 else f"at most {high}"
    return f"between {low} and {high}"


_KEYWORDS: dict[str, Callable[[RulePlan, Any, list[Any]], Iterator[Finding]]] = {
    "x-ref": _ref,
    "x-unique": _unique,
    "x-order": _order,
    "x-together": _together,
    "x-exclusive": _exclusive,
    "x-exactly-one-of": _exactly_one_of,
    "x-requires": _requires,
    "x-count": _count,
}
