"""What the checks of the rule keywords share: the values a location reaches, the
argument shapes their schemas reuse, and the way messages quote a payload.

A check looks at the values its location reaches and works out paths and messages only
for a value that breaks the rule, so valid payloads stay cheap. A payload that breaks a
rule many times costs one walk for all the paths, and only the findings the `Listing`
lists are built, so every check stays linear in the payload.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from registry.base import pointers
from registry.base.findings import Finding, Listing
from registry.base.frozen import record
from registry.base.text import shortened

Tokens = tuple[str, ...]
# How many of the ids a dangling reference could name its message lists.
IDS_SHOWN = 10

# Argument shapes: a pointer pattern from the payload root (`*` matches every array item or
# object member), and a group of property names of the object the keyword sits on.
POINTER_PATTERN: dict[str, Any] = {"type": "string", "pattern": "^(/[^/]+)+$"}
NAMES: dict[str, Any] = {"type": "array", "minItems": 2, "uniqueItems": True, "items": {"type": "string", "minLength": 1}}


class Reached:
    """The values a pattern reaches, and the path of each object or array among them,
    worked out on first need. (Equal strings and numbers can be one object in memory, so
    their paths come from `pointers.expand`, never from their identity.)"""

    __slots__ = ("payload", "tokens", "values", "_paths")

    def __init__(self, payload: Any, tokens: Tokens, values: Sequence[Any]) -> None:
        self.payload, self.tokens, self.values = payload, tokens, values
        self._paths: dict[int, pointers.Path] | None = None

    def path_of(self, value: Any) -> pointers.Path:
        # One walk for every finding at this location, not one per finding: that made
        # 16,000 segments out of order take minutes.
        if self._paths is None:
            self._paths = pointers.paths_by_id(self.payload, self.tokens)
        return self._paths[id(value)]


# A prepared rule: (the whole payload, what its location reaches, the listing) -> findings
Check = Callable[[Any, Reached, Listing], list[Finding]]
# Whether a rule finds nothing: (the whole payload, the values its location reaches, the
# values each of the patterns it reads reaches) -> bool
Quiet = Callable[[Any, Sequence[Any], Sequence[list[Any]]], bool]


def quieted(quiet: Quiet, findings: Check, reads: Sequence[Tokens] = ()) -> Check:
    """The check that asks `quiet` first and works out `findings` only when it says no;
    `reads`: the patterns (from the root) whose values `quiet` is given.

    The rule engine also asks `check.quiet` alone, its `check.reads` read in the walk that
    reads the locations: for a payload every rule is quiet on (most payloads), it walks
    the payload once and builds no Reached, no Listing and no list of findings."""

    def check(payload: Any, reached: Reached, listing: Listing) -> list[Finding]:
        return [] if quiet(payload, reached.values, read_each(payload, reads)) else findings(payload, reached, listing)

    check.quiet, check.reads = quiet, tuple(reads)  # type: ignore[attr-defined]
    return check


@record
class PatternGroups:
    """A keyword argument that is a list of groups of patterns, parsed once."""

    groups: list[tuple[list[str], list[Tokens]]]  # each group as written, and its patterns parsed
    reads: list[Tokens]  # the patterns of every group, one group after the other: what the check reads
    places: list[slice]  # where each group's patterns are among `reads`


def pattern_groups(argument: list[list[str]]) -> PatternGroups:
    found = PatternGroups([], [], [])
    for group in argument:
        patterns = [pointers.parse(p) for p in group]
        found.groups.append((group, patterns))
        found.places.append(slice(len(found.reads), len(found.reads) + len(patterns)))
        found.reads.extend(patterns)
    return found


def read_each(payload: Any, patterns: Sequence[Tokens]) -> list[list[Any]]:
    """What each pattern reaches, read one by one: for a check asked on its own and for the
    findings of a rule broken, rarer than a written-out walk (pointers.reader) is worth
    compiling for."""
    return [pointers.values(payload, tokens) for tokens in patterns]


def held(obj: dict[str, Any], names: tuple[str, ...]) -> int:
    """How many of the names the object holds. A loop, not a comprehension: the checks ask
    it of every object they reach, and a comprehension costs a call."""
    count = 0
    for name in names:
        if name in obj:
            count += 1
    return count


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def hashable(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool)) or value is None


def identity(value: Any) -> tuple[bool, Any]:
    """Ids compare by value, but the string "1" and the number 1 are different ids."""
    return (type(value) is str, value)


def pointer_to(reached: Reached, target: Any, *more: str) -> str:
    """The pointer of `target` (one of the reached values), or of a member of it."""
    return pointers.to_pointer((*reached.path_of(target), *more))


def shown(value: Any) -> str:
    """A payload's value as a message quotes it: JSON, cut short when long."""
    return shortened(json.dumps(value))


def ids(defined: dict[Any, None]) -> str:
    listed = ", ".join(shown(d) for d in list(defined)[:IDS_SHOWN]) or "none"
    return listed + (f" and {len(defined) - IDS_SHOWN:,} more" if len(defined) > IDS_SHOWN else "")
