"""`x-requires`: a payload location that must be present when another is."""

from __future__ import annotations

from typing import Any

from registry.base import pointers
from registry.base.catalog import Rule
from registry.base.findings import Finding, Listing, Severity
from registry.base.text import code
from registry.schema.keywords import Keyword, KeywordUse
from registry.validation.keywords.common import POINTER_PATTERN, Check, Reached, exists


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
        requirements = [(r["if"], pointers.parse(r["if"]), r["then"], pointers.parse(r["then"])) for r in plan.argument]

        def check_requires(payload: Any, reached: Reached, listing: Listing) -> list[Finding]:
            return [
                rule.finding(then, then=code(then), if_=code(if_))
                for if_, if_tokens, then, then_tokens in requirements
                if exists(payload, if_tokens) and not exists(payload, then_tokens) and listing.wants(rule.id)
            ]

        return check_requires
