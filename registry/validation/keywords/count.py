"""`x-count`: how many items of a kind an array holds."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from registry.base import pointers
from registry.base.catalog import Rule
from registry.base.findings import Finding, Listing, Severity
from registry.base.frozen import record
from registry.base.text import code
from registry.schema.keywords import Keyword, KeywordUse
from registry.validation.keywords.common import POINTER_PATTERN, Check, Reached, Tokens, quieted, read_each


@record
class _Counted:
    """One entry of an `x-count` argument, unpacked once. Its patterns are places among
    those the check reads together, and what it counts (kinds at a field of the items of
    the arrays at a pattern) a place among the tallies the check makes: the entries of one
    keyword mostly share them (`/input` five times, audio or text inputs three times)."""

    when: int | None  # applies only when this is present
    unless: int | None  # applies only when this is absent
    tally: int  # the count in each array
    low: int | None
    high: int | None
    condition: str  # how the message says when it applies
    label: str  # how the message names what is counted
    unless_text: str | None  # the `unless` pattern as written, for the hint

    def applies(self, present: tuple[bool, ...]) -> bool:
        """Whether the entry applies, given which of the patterns are present."""
        return (self.when is None or present[self.when]) and (self.unless is None or not present[self.unless])


@record
class _Tally:
    where: int  # the arrays
    field: str
    accepted: frozenset[Any]  # the kinds counted


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
        patterns: dict[Tokens, int] = {}  # each pattern read, by its place among them
        tallies: dict[_Tally, int] = {}  # each tally made, by its place among them

        def place(pointer: str) -> int:
            return patterns.setdefault(pointers.parse(pointer), len(patterns))

        counting = []
        for spec in plan.argument:
            ((field, accepted),) = spec["where"].items()
            when, unless, where = spec.get("when"), spec.get("unless"), place(spec["in"])
            condition = f" when {code(when)} is given" if when else (f" without {code(unless)}" if unless else "")
            counting.append(_Counted(place(when) if when else None, place(unless) if unless else None,
                                     tallies.setdefault(_Tally(where, field, frozenset(accepted)), len(tallies)),
                                     spec.get("min"), spec.get("max"), condition, spec["label"], unless))
        tokens_at, tallied = list(patterns), list(tallies)
        limits_when: dict[tuple[bool, ...], tuple[_Limit, ...]] = {}  # see _limits

        def quiet_count(payload: Any, _: Sequence[Any], values: Sequence[list[Any]]) -> bool:
            present = tuple(map(bool, values))
            limits = limits_when.get(present)
            if limits is None:
                limits = limits_when.setdefault(present, _limits(counting, tallied, present))
            for where, field, accepted, low, high in limits:
                for array in values[where]:
                    if type(array) is list and not low <= _count(array, field, accepted) <= high:
                        return False
            return True

        def check_count(payload: Any, reached: Reached, listing: Listing) -> list[Finding]:
            return _findings(counting, tallied, tokens_at, payload, read_each(payload, tokens_at), listing)

        return quieted(quiet_count, check_count, tokens_at)


# More than any array holds.
_UNBOUNDED = float("inf")


# A tally and its bounds: (arrays, field, kinds counted, low, high)
_Limit = tuple[int, str, frozenset[Any], float, float]


def _limits(counting: list[_Counted], tallied: list[_Tally], present: tuple[bool, ...]) -> tuple[_Limit, ...]:
    """The bounds of each tally that the entries applying hold it to, together: every entry
    holds when each tally lies within them, so a payload is checked one tally at a time,
    not one entry at a time (sync.so's five entries count three kinds)."""
    limits: dict[int, tuple[float, float]] = {}
    for counted in counting:
        if counted.applies(present):
            low, high = limits.get(counted.tally, (0, _UNBOUNDED))
            limits[counted.tally] = (max(low, counted.low or 0),
                                     min(high, _UNBOUNDED if counted.high is None else counted.high))
    return tuple((*tallied[tally], low, high) for tally, (low, high) in limits.items())


def _findings(counting: list[_Counted], tallied: list[_Tally], tokens_at: list[Tokens], payload: Any,
              values: list[list[Any]], listing: Listing) -> list[Finding]:
    """The findings of a payload some entry does not hold for, entry by entry."""
    found: list[Finding] = []
    present = tuple(map(bool, values))
    located: dict[int, Reached] = {}  # the arrays at a pattern, whose paths a finding needs: one walk for all
    for counted in counting:
        if not counted.applies(present):
            continue
        tally = tallied[counted.tally]
        low, high, where = counted.low, counted.high, tally.where
        for array in values[where]:
            if type(array) is not list:
                continue
            count = _count(array, tally.field, tally.accepted)
            if (low is None or count >= low) and (high is None or count <= high):
                continue
            if not listing.wants(Count.rule.id):
                continue
            if where not in located:
                located[where] = Reached(payload, tokens_at[where], values[where])
            found.append(_finding(counted, located[where].path_of(array), count))
    return found


def _count(array: list[Any], field: str, accepted: frozenset[Any]) -> int:
    """How many items of the array name one of the kinds `accepted` at `field`. A loop, not
    a comprehension, and no test that a kind is hashable: this runs on every payload."""
    count = 0
    for item in array:
        if type(item) is dict:
            try:
                if item.get(field) in accepted:
                    count += 1
            except TypeError:  # an object or an array there names no kind
                pass
    return count


def _finding(counted: _Counted, path: pointers.Path, count: int) -> Finding:
    low, high = counted.low, counted.high
    return Count.rule.finding(
        pointers.to_pointer(path),
        hint=f"add {code(counted.unless_text)} to use more" if counted.unless_text and high is not None and count > high else None,
        name=code(path[-1] if path else ""), expected=_expectation(low, high), label=counted.label,
        condition=counted.condition, found=count,
    )


def _expectation(low: int | None, high: int | None) -> str:
    if low is not None and low == high:
        return f"exactly {low}"
    if high is None:
        return f"at least {low}"
    if low is None or low == 0:
        return "none" if high == 0 else f"at most {high}"
    return f"between {low} and {high}"
