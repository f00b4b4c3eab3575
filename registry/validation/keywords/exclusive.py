"""`x-exclusive`: properties of an object of which at most one is given."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from registry.base.catalog import Rule
from registry.base.findings import Finding, Listing, Severity
from registry.base.text import code
from registry.schema.keywords import Keyword, KeywordUse
from registry.validation.keywords.common import NAMES, Check, Reached, held, pointer_to, quieted


class Exclusive(Keyword):
    name = "x-exclusive"
    rule = Rule("mutually-exclusive", Severity.ERROR, "cross-field", "Properties that cannot be used together.",
                "{name} cannot be used together with {other}", "x-exclusive")
    argument_schema = {
        "description": "A list of groups of property names: at most one of a group. The finding points at each "
                       "later member present.",
        "type": "array", "items": NAMES,
    }
    where = "an object"
    example = "`boundingBoxes` and `coordinates` in one `activeSpeakerDetection`."

    @classmethod
    def prepare(cls, plan: KeywordUse) -> Check:
        rule = cls.rule
        groups = [tuple(group) for group in plan.argument]

        def quiet_exclusive(payload: Any, objects: Sequence[Any], _: Sequence[list[Any]]) -> bool:
            for obj in objects:
                if type(obj) is dict:
                    for group in groups:
                        if held(obj, group) > 1:
                            return False
            return True

        def check_exclusive(payload: Any, reached: Reached, listing: Listing) -> list[Finding]:
            found = []
            for obj in reached.values:
                if type(obj) is not dict:
                    continue
                for group in groups:
                    if held(obj, group) < 2:
                        continue
                    present = [name for name in group if name in obj]
                    found += [
                        rule.finding(pointer_to(reached, obj, later),
                                     hint=f"keep only one of {', '.join(code(p) for p in present)}",
                                     name=code(later), other=code(present[0]))
                        for later in present[1:] if listing.wants(rule.id)
                    ]
            return found

        return quieted(quiet_exclusive, check_exclusive)
