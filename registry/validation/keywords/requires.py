"""`x-requires`: a payload location that must be present when another is."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from registry.base import pointers
from registry.base.catalog import Rule
from registry.base.findings import Finding, Listing, Severity
from registry.base.text import code
from registry.schema.keywords import Keyword, KeywordUse
from registry.validation.keywords.common import POINTER_PATTERN, Check, Reached, quieted, read_each


class Requires(Keyword):
    name = "x-requires"
    rule = Rule("requires", Severity.ERROR, "cross-field", "A location that must be present when another is.",
                "{then} is required when {if_} is given", "x-requires")
    argument_schema = {
        "description": "A list of `{\"if\": pattern, \"then\": pattern}`: when `if` is present, `then` must be. "
                       "The finding points at the missing location.",
        "type": "array",
        "items": {"type": "object", "required": ["if", "then"], "additionalProperties": False,
                  "properties": {"if": POINTER_PATTERN, "then": POINTER_PATTERN}},
    }
    where = "the root"
    example = "Runware sync-3 `settings.tts` without `inputs.speech`."

    @classmethod
    def prepare(cls, plan: KeywordUse) -> Check:
        rule = cls.rule
        requirements = [(r["if"], r["then"]) for r in plan.argument]
        # Read together: the `if` of each requirement, then its `then`.
        patterns = [pointers.parse(p) for requirement in requirements for p in requirement]

        def quiet_requires(payload: Any, _: Sequence[Any], values: Sequence[list[Any]]) -> bool:
            for present, then_present in zip(values[::2], values[1::2]):
                if present and not then_present:
                    return False
            return True

        def check_requires(payload: Any, reached: Reached, listing: Listing) -> list[Finding]:
            values = read_each(payload, patterns)
            found = []
            for (if_, then), present, then_present in zip(requirements, values[::2], values[1::2]):
                if present and not then_present and listing.wants(rule.id):
                    found.append(rule.finding(then, then=code(then), if_=code(if_)))
            return found

        return quieted(quiet_requires, check_requires, patterns)
