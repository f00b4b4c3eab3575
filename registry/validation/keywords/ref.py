"""`x-ref`: a string names an id defined elsewhere in the payload."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from registry.base import pointers
from registry.base.catalog import Rule
from registry.base.findings import Finding, Listing, Severity
from registry.base.text import code
from registry.schema.keywords import Keyword, KeywordUse
from registry.base.suggest import closest
from registry.validation.keywords.common import POINTER_PATTERN, Check, Reached, hashable, ids, quieted, read_each, shown


class Ref(Keyword):
    name = "x-ref"
    rule = Rule("ref-unknown", Severity.ERROR, "cross-field", "A reference names an id that no input defines.",
                "{name} is {found}, but no {targets} has that id; defined: {defined}", "x-ref")
    argument_schema = {
        "description": "The value must equal a value found at one of the patterns, e.g. "
                       "`[\"/inputs/audio/*/id\", \"/inputs/speech/*/id\"]`. The finding points at the reference.",
        "type": "array", "minItems": 1, "items": POINTER_PATTERN,
    }
    where = "a string property"
    example = "a Runware segment with `\"ref\": \"part-3\"` when the audio inputs are `part-1` and `part-2`."
    whole = True

    @classmethod
    def prepare(cls, plan: KeywordUse) -> Check:
        rule = cls.rule
        target_patterns = [pointers.parse(p) for p in plan.argument]
        described = " or ".join(code(p) for p in plan.argument)

        def quiet_refs(payload: Any, references: Sequence[Any], at_targets: Sequence[list[Any]]) -> bool:
            defined = _defined(at_targets)
            for value in references:
                if type(value) is str and value not in defined:
                    return False
            return True

        def check_refs(payload: Any, reached: Reached, listing: Listing) -> list[Finding]:
            defined = _defined(read_each(payload, target_patterns))
            candidates = [d for d in defined if isinstance(d, str)]
            found = []
            for path, value in pointers.expand(payload, plan.tokens):
                if isinstance(value, str) and value not in defined and listing.wants(rule.id):
                    suggestion = closest(value, candidates)
                    found.append(rule.finding(
                        pointers.to_pointer(path),
                        hint=f"did you mean {json.dumps(suggestion)}?" if suggestion else (
                            f"give an input the id {shown(value)}" if value.strip() else None),
                        name=code(path[-1]), found=shown(value), targets=described, defined=ids(defined),
                    ))
            return found

        return quieted(quiet_refs, check_refs, target_patterns)


def _defined(reached: Sequence[list[Any]]) -> dict[Any, None]:
    """The ids defined, in document order. Loops, not comprehensions: this runs on every payload."""
    defined: dict[Any, None] = {}
    for values in reached:
        for value in values:
            if hashable(value):
                defined[value] = None
    return defined
