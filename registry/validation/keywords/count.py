"""`x-count`: how many items of a kind an array holds."""

from __future__ import annotations

from typing import Any, NamedTuple

from registry.base import pointers
from registry.base.catalog import Rule
from registry.base.findings import Finding, Listing, Severity
from registry.base.text import code
from registry.schema.keywords import Keyword, KeywordUse
from registry.validation.keywords.common import POINTER_PATTERN, Check, Reached, Tokens, exists, hashable


class _Counted(NamedTuple):
    """One entry of an `x-count` argument, unpacked once."""

    when: Tokens | None  # applies only when this is present
    unless: Tokens | None  # applies only when this is absent
    where: Tokens  # the array
    field: str  # the member of an item that says its kind
    accepted: frozenset[Any]  # the kinds counted
    low: int | None
    high: int | None
    condition: str  # how the message says when it applies
    label: str  # how the message names what is counted
    unless_text: str | None  # the `unless` pattern as written, for the hint


class Count(Keyword):
    name = "x-count"
    rule = Rule("count", Severity.ERROR, "cross-field", "How many items of a kind an array may hold.",
                "the number of {label} in {name}{condition} is {found}; expected {expected}", "x-count")
    argument_schema = {
        "description": "A list of `{\"in\": pattern-of-array, \"where\": {property: [values]}, \"min\": n, "
                       "\"max\": n, \"label\": text, \"when\": pattern, \"unless\": pattern}`: the number of items "
                       "of the array whose `property` is one of `values` lies in `[min, max]`; applied only when "
                       "`when` is present / `unless` is absent. The finding points at the array.",
        "type": "array",
        "items": {
            "type": "object", "required": ["in", "where", "label"],
            "anyOf": [{"required": ["min"]}, {"required": ["max"]}],
            "additionalProperties": False,
            "properties": {
                "in": POINTER_PATTERN,
                "where": {"type": "object", "minProperties": 1, "maxProperties": 1,
                          "additionalProperties": {"type": "array", "minItems": 1}},
                "min": {"type": "integer", "minimum": 0},
                "max": {"type": "integer", "minimum": 0},
                "label": {"type": "string", "minLength": 1},
                "when": POINTER_PATTERN,
                "unless": POINTER_PATTERN,
            },
        },
    }
    where = "the root"
    example = "a sync.so request with two audio inputs and no `segments`."

    @classmethod
    def prepare(cls, plan: KeywordUse) -> Check:
        rule = cls.rule
        counting = []
        for spec in plan.argument:
            ((field, accepted),) = spec["where"].items()
            when, unless = spec.get("when"), spec.get("unless")
            low, high = spec.get("min"), spec.get("max")
            condition = f" when {code(when)} is given" if when else (f" without {code(unless)}" if unless else "")
            counting.append(_Counted(pointers.parse(when) if when else None, pointers.parse(unless) if unless else None,
                                  pointers.parse(spec["in"]), field, frozenset(accepted), low, high, condition,
                                  spec["label"], unless))

        def check_count(payload: Any, reached: Reached, listing: Listing) -> list[Finding]:
            found = []
            for counted in counting:
                if (counted.when is not None and not exists(payload, counted.when)) or exists(payload, counted.unless):
                    continue
                low, high, field = counted.low, counted.high, counted.field
                arrays = Reached(payload, counted.where, pointers.values(payload, counted.where))
                for array in arrays.values:
                    if type(array) is not list:
                        continue
                    count = sum(1 for item in array if type(item) is dict and hashable(kind := item.get(field))
                                and kind in counted.accepted)
                    if ((low is None or count >= low) and (high is None or count <= high)) or not listing.wants(rule.id):
                        continue
                    path = arrays.path_of(array)
                    found.append(rule.finding(
                        pointers.to_pointer(path),
                        hint=f"add {code(counted.unless_text)} to use more"
                        if counted.unless_text and high is not None and count > high else None,
                        name=code(path[-1] if path else ""), expected=_expectation(low, high), label=counted.label,
                        condition=counted.condition, found=count,
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
