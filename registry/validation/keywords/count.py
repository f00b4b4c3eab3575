"""`x-count`: how many items of a kind an array holds."""

from __future__ import annotations

from typing import Any, NamedTuple

from registry.base import pointers
from registry.base.catalog import Rule
from registry.base.findings import Finding, Listing, Severity
from registry.base.text import code
from registry.schema.keywords import Keyword, KeywordUse
from registry.validation.keywords.common import POINTER_PATTERN, Check, Reached, Tokens, hashable


class _Counted(NamedTuple):
    """One entry of an `x-count` argument, unpacked once. Its patterns are places among
    those the check reads together, and what it counts (kinds at a field of the items of
    the arrays at a pattern) a place among the tallies the check makes: the entries of one
    keyword mostly share them (`/input` five times, audio or text inputs three times)."""

    when: int | None  # applies only when this is present
    unless: int | None  # applies only when this is absent
    tally: int  # the count in each array
    low: int | None
    high: int | None
    where: int  # the arrays
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
        patterns: dict[Tokens, int] = {}  # each pattern read, by its place among them
        tallies: dict[tuple[int, str, frozenset[Any]], int] = {}  # (arrays, field, kinds counted) by place

        def place(pointer: str) -> int:
            return patterns.setdefault(pointers.parse(pointer), len(patterns))

        counting = []
        for spec in plan.argument:
            ((field, accepted),) = spec["where"].items()
            when, unless, where = spec.get("when"), spec.get("unless"), place(spec["in"])
            condition = f" when {code(when)} is given" if when else (f" without {code(unless)}" if unless else "")
            counting.append(_Counted(place(when) if when else None, place(unless) if unless else None,
                                     tallies.setdefault((where, field, frozenset(accepted)), len(tallies)),
                                     spec.get("min"), spec.get("max"), where, condition, spec["label"], unless))
        read = pointers.reader([*patterns, ()])  # the root last: present whatever the payload
        tokens_at, tallied = list(patterns), list(tallies)
        # The entries again, for the loop below that runs on every payload: the root's place
        # for no `when` (always present) and for no `unless` (never absent), bounds that
        # always hold for no `min` or `max`.
        root = len(patterns)
        bounds = [(root if c.when is None else c.when, root if c.unless is None else c.unless, c.unless is None,
                   c.tally, -1 if c.low is None else c.low, _UNBOUNDED if c.high is None else c.high, c)
                  for c in counting]

        def check_count(payload: Any, reached: Reached, listing: Listing) -> list[Finding]:
            found: list[Finding] = []
            values = read(payload)
            counts: list[list[int | None] | None] = [None] * len(tallied)  # per tally, the count in each array
            for when, unless, unconditional, tally, low, high, counted in bounds:
                if not values[when] or (values[unless] and not unconditional):
                    continue
                in_arrays = counts[tally]
                if in_arrays is None:
                    in_arrays = counts[tally] = _counts(values[counted.where], *tallied[tally][1:])
                for position, count in enumerate(in_arrays):
                    if count is None or low <= count <= high or not listing.wants(cls.rule.id):
                        continue
                    # One walk finds the paths of all the arrays at the pattern.
                    where = counted.where
                    path = Reached(payload, tokens_at[where], values[where]).path_of(values[where][position])
                    found.append(_finding(counted, path, count))
            return found

        return check_count


# More than any array holds.
_UNBOUNDED = float("inf")


def _counts(arrays: list[Any], field: str, accepted: frozenset[Any]) -> list[int | None]:
    """For each array, how many of its items name one of the kinds `accepted` at `field`
    (None for a value that is no array). Loops, not comprehensions: this runs on every payload."""
    counts: list[int | None] = []
    for array in arrays:
        if type(array) is not list:
            counts.append(None)
            continue
        count = 0
        for item in array:
            if type(item) is dict and hashable(kind := item.get(field)) and kind in accepted:
                count += 1
        counts.append(count)
    return counts


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
