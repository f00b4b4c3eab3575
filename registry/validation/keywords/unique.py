"""`x-unique`: the ids found across a group of locations are distinct."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from registry.base import pointers
from registry.base.catalog import Rule
from registry.base.findings import Finding, Listing, Severity
from registry.base.text import code
from registry.schema.keywords import Keyword, KeywordUse
from registry.validation.keywords.common import POINTER_PATTERN, Check, Reached, pattern_groups, hashable, identity, quieted, read_each, shown


class Unique(Keyword):
    name = "x-unique"
    rule = Rule("id-duplicate", Severity.ERROR, "cross-field", "Ids that references point at must be unique.",
                "id {found} is used twice ({first} and here); ids in {targets} must be unique", "x-unique")
    argument_schema = {
        "description": "A list of groups of patterns; the values found across one group must be distinct. "
                       "The finding points at the second occurrence.",
        "type": "array", "items": {"type": "array", "minItems": 1, "items": POINTER_PATTERN},
    }
    where = "the root"
    example = "two sync.so audio inputs with `\"refId\": \"a\"`."

    @classmethod
    def prepare(cls, plan: KeywordUse) -> Check:
        rule = cls.rule
        groups, reads, group_reads = pattern_groups(plan.argument)

        def quiet_unique(payload: Any, _: Sequence[Any], values: Sequence[list[Any]]) -> bool:
            for group_values in group_reads:
                reached_ids = values[group_values]
                if sum(map(len, reached_ids)) > 1 and not _distinct(reached_ids):  # mostly none or one id
                    return False
            return True

        def check_unique(payload: Any, reached: Reached, listing: Listing) -> list[Finding]:
            found = []
            for group, patterns in groups:
                if _distinct(read_each(payload, patterns)):
                    continue
                first_seen: dict[Any, pointers.Path] = {}
                for path, value in (hit for t in patterns for hit in pointers.expand(payload, t)):
                    if not hashable(value):
                        continue
                    key = identity(value)
                    if key not in first_seen:
                        first_seen[key] = path
                        continue
                    if not listing.wants(rule.id):
                        continue
                    found.append(rule.finding(
                        pointers.to_pointer(path), hint="give every input its own id",
                        found=shown(value), first=pointers.to_pointer(first_seen[key]),
                        targets=", ".join(code(p) for p in group),
                    ))
            return found

        return quieted(quiet_unique, check_unique, reads)


def _distinct(reached: list[list[Any]]) -> bool:
    """Whether the ids reached are distinct. Loops, not comprehensions: this runs on every payload."""
    seen = set()
    count = 0
    for values in reached:
        for value in values:
            if hashable(value):
                seen.add(identity(value))
                count += 1
    return len(seen) == count
