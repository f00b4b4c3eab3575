"""`x-order`: one number of an object is greater than (or not less than) a sibling."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from registry.base.catalog import Rule
from registry.base.findings import Finding, Listing, Severity
from registry.base.text import code, shortened
from registry.schema.keywords import Keyword, KeywordUse
from registry.validation.keywords.common import Check, Reached, is_number, pointer_to, quieted


class Order(Keyword):
    name = "x-order"
    rule = Rule("out-of-order", Severity.ERROR, "cross-field", "One number must be greater than (or not less than) a sibling.",
                "{greater} ({greater_value}) must be {relation} {lesser} ({lesser_value})", "x-order")
    argument_schema = {
        "description": "A list of `{\"lesser\": a, \"greater\": b, \"allowEqual\": bool}`: when both are numbers, "
                       "`b > a` (or `b ≥ a`). The finding points at the `greater` property.",
        "type": "array",
        "items": {
            "type": "object", "required": ["lesser", "greater", "allowEqual"], "additionalProperties": False,
            "properties": {"lesser": {"type": "string", "minLength": 1}, "greater": {"type": "string", "minLength": 1},
                           "allowEqual": {"type": "boolean"}},
        },
    }
    where = "an object"
    example = ("a Runware segment with `startTime` 5 and `endTime` 5 (sync.so allows zero-length segments; "
               "Runware does not).")

    @classmethod
    def prepare(cls, plan: KeywordUse) -> Check:
        rule = cls.rule
        pairs = [(p["lesser"], p["greater"], p["allowEqual"]) for p in plan.argument]

        def quiet_order(payload: Any, objects: Sequence[Any], _: Sequence[list[Any]]) -> bool:
            for obj in objects:
                if type(obj) is dict:
                    for lesser_name, greater_name, allow_equal in pairs:
                        if _out_of_order(obj.get(lesser_name), obj.get(greater_name), allow_equal):
                            return False
            return True

        def check_order(payload: Any, reached: Reached, listing: Listing) -> list[Finding]:
            found = []
            for obj in reached.values:
                if type(obj) is not dict:
                    continue
                for lesser_name, greater_name, allow_equal in pairs:
                    lesser, greater = obj.get(lesser_name), obj.get(greater_name)
                    if not _out_of_order(lesser, greater, allow_equal) or not listing.wants(rule.id):
                        continue
                    found.append(rule.finding(
                        pointer_to(reached, obj, greater_name), greater=code(greater_name),
                        greater_value=shortened(str(greater)), lesser=code(lesser_name), lesser_value=shortened(str(lesser)),
                        relation="greater than or equal to" if allow_equal else "greater than",
                    ))
            return found

        return quieted(quiet_order, check_order)


def _out_of_order(lesser: Any, greater: Any, allow_equal: bool) -> bool:
    """Whether two values are numbers out of order (values of another type are the
    structural check's to report)."""
    return is_number(lesser) and is_number(greater) and not (greater > lesser or (allow_equal and greater == lesser))
