"""The cross-field rule engine: runs the checks of the `x-` keywords (registry/validation/keywords/).

It runs on the parsed payload and the rule plan of the offering's index, independently of
the JSON Schema engine, so the typed clients enforce the same rules by calling `check`.
Values of the wrong type are skipped here: the structural check reports them.

Each use of a rule keyword is prepared once per offering into a check (its patterns parsed,
its arguments unpacked) by the keyword's class; the checks stay linear in the payload (see
registry/validation/keywords/common.py).
"""

from __future__ import annotations

import functools
from typing import Any

from registry.base import pointers
from registry.base.findings import Finding, Listing
from registry.schema.index import OfferingIndex
from registry.validation.keywords import KEYWORDS
from registry.validation.keywords.common import Check, Reached, Tokens


def check(index: OfferingIndex, payload: Any) -> list[Finding]:
    findings: list[Finding] = []
    listing = Listing()
    # Rules are grouped by location: each is looked up once, and a location the payload
    # does not have (no segments, say) costs that one lookup and nothing more.
    for tokens, checks in prepared(index):
        values = pointers.values(payload, tokens)
        if values:
            reached = Reached(payload, tokens, values)
            for rule_check in checks:
                findings += rule_check(payload, reached, listing)
    return listing.close(findings)


@functools.lru_cache(maxsize=256)
def prepared(index: OfferingIndex) -> tuple[tuple[Tokens, tuple[Check, ...]], ...]:
    return tuple((tokens, tuple(KEYWORDS[plan.keyword].prepare(plan) for plan in plans))
                 for tokens, plans in index.rule_groups)
