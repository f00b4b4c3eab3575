"""`x-exactly-one-of`: exactly one of several payload locations is present."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from registry.base.catalog import Rule
from registry.base.findings import Finding, Listing, Severity
from registry.base.text import code
from registry.schema.keywords import Keyword, KeywordUse
from registry.validation.keywords.common import POINTER_PATTERN, Check, Reached, pattern_groups, pointer_to, quieted, read_each


class ExactlyOneOf(Keyword):
    name = "x-exactly-one-of"
    rule = Rule("exactly-one-of", Severity.ERROR, "cross-field", "Exactly one of several payload locations must be present.",
                "exactly one of {group} must be given; found {found}", "x-exactly-one-of")
    argument_schema = {
        "description": "A list of groups of patterns: exactly one location of a group is present. The finding "
                       "points at the object the keyword sits on.",
        "type": "array", "items": {"type": "array", "minItems": 2, "items": POINTER_PATTERN},
    }
    where = "the root"
    example = "a Runware sync-3 task with both `inputs.audio` and `settings.segments`."

    @classmethod
    def prepare(cls, plan: KeywordUse) -> Check:
        rule = cls.rule
        groups, reads, group_reads = pattern_groups(plan.argument)

        def quiet_exactly_one(payload: Any, objects: Sequence[Any], values: Sequence[list[Any]]) -> bool:
            for obj in objects:
                if type(obj) is dict:
                    for group_values in group_reads:
                        if sum(map(bool, values[group_values])) != 1:
                            return False
            return True

        def check_exactly_one(payload: Any, reached: Reached, listing: Listing) -> list[Finding]:
            found = []
            for obj in reached.values:
                if type(obj) is not dict:
                    continue
                for group, patterns in groups:
                    reached_group = read_each(payload, patterns)
                    if sum(map(bool, reached_group)) == 1 or not listing.wants(rule.id):
                        continue
                    present = [p for p, values in zip(group, reached_group) if values]
                    counted = "none" if not present else f"{len(present)}: " + ", ".join(code(p) for p in present)
                    found.append(rule.finding(
                        pointer_to(reached, obj),
                        hint="remove all but one" if present else f"add one of {', '.join(code(p) for p in group)}",
                        group=", ".join(code(p) for p in group), found=counted,
                    ))
            return found

        return quieted(quiet_exactly_one, check_exactly_one, reads)
