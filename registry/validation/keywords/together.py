"""`x-together`: properties of an object that are given all or none."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from registry.base.catalog import Rule
from registry.base.findings import Finding, Listing, Severity
from registry.base.text import code
from registry.schema.keywords import Keyword, KeywordUse
from registry.validation.keywords.common import NAMES, Check, Reached, held, pointer_to, quieted


class Together(Keyword):
    name = "x-together"
    rule = Rule("co-required", Severity.ERROR, "cross-field", "Properties that are only meaningful together.",
                "{missing} is required when {present} is given: {group} are used together", "x-together")
    argument_schema = {
        "description": "A list of groups of property names: all or none of a group. The finding points at each "
                       "missing member.",
        "type": "array", "items": NAMES,
    }
    where = "an object"
    example = "`audioStartTime` without `audioEndTime`."

    @classmethod
    def prepare(cls, plan: KeywordUse) -> Check:
        rule = cls.rule
        groups = [tuple(group) for group in plan.argument]

        def quiet_together(payload: Any, objects: Sequence[Any], _: Sequence[list[Any]]) -> bool:
            for obj in objects:
                if type(obj) is dict:
                    for group in groups:
                        if 0 < held(obj, group) < len(group):
                            return False
            return True

        def check_together(payload: Any, reached: Reached, listing: Listing) -> list[Finding]:
            found = []
            for obj in reached.values:
                if type(obj) is not dict:
                    continue
                for group in groups:
                    if not 0 < held(obj, group) < len(group):
                        continue
                    present = [name for name in group if name in obj]
                    found += [
                        rule.finding(pointer_to(reached, obj, missing),
                                     hint=f"add {code(missing)} or remove {', '.join(code(p) for p in present)}",
                                     missing=code(missing), present=" and ".join(code(p) for p in present),
                                     group=" and ".join(code(n) for n in group))
                        for missing in group if missing not in obj and listing.wants(rule.id)
                    ]
            return found

        return quieted(quiet_together, check_together)
