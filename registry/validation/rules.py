"""The cross-field rule engine: runs the checks of the `x-` keywords (registry/validation/keywords/).

It runs on the parsed payload and the prepared checks of one offering, independently of the
JSON Schema engine, so the typed clients enforce the same rules by calling `keyword_findings`.
Values of the wrong type are skipped here: the structural check reports them.

Each use of a rule keyword is prepared once per offering into a check (its patterns parsed,
its arguments unpacked) by the keyword's class; the checks stay linear in the payload (see
registry/validation/keywords/common.py).
"""

from __future__ import annotations

from typing import Any

from registry.base import pointers
from registry.base.findings import Finding, Listing
from registry.base.frozen import record
from registry.schema.index import index_of
from registry.schema.tree import Registry, derived
from registry.validation.keywords import KEYWORDS
from registry.validation.keywords.common import Check, Quiet, Reached, Tokens


@record
class KeywordChecks:
    """The prepared checks of the rule keywords that sit at one location of the payload."""

    tokens: Tokens
    checks: tuple[Check, ...]


@record
class KeywordPlan:
    """An offering's rule keywords prepared into checks, grouped by location, and the
    locations read together (registry.base.pointers.reader)."""

    groups: tuple[KeywordChecks, ...]
    # The group's locations, then the patterns the quiet tests read.
    locations: pointers.Reader
    # Every check's position among them, quiet test (keywords.common.quieted), the place of
    # its location and those of the patterns it reads, when every check has a quiet test: a
    # keyword of one's own may not. The position is stored, not enumerated: the loop over
    # them runs on every payload, and enumerate costs ~10 ns a check more.
    quiet: tuple[tuple[int, Quiet, int, slice], ...] | None


@derived
def keyword_checks(registry: Registry, offering_id: str) -> KeywordPlan:
    """Every rule keyword of the offering prepared into its check, grouped by location."""
    groups = tuple(KeywordChecks(group.tokens, tuple(KEYWORDS[use.keyword].prepare(use) for use in group.uses))
                   for group in index_of(registry, offering_id).keyword_groups)
    patterns = [group.tokens for group in groups]
    quiet = []
    for place, group in enumerate(groups):
        for check in group.checks:
            reads = getattr(check, "reads", ())
            quiet.append((len(quiet), getattr(check, "quiet", None), place, slice(len(patterns), len(patterns) + len(reads))))
            patterns += reads
    every_quiet = all(test for _, test, _, _ in quiet)
    return KeywordPlan(groups, pointers.reader(patterns), tuple(quiet) if every_quiet else None)  # type: ignore[arg-type]


def keyword_findings(prepared: KeywordPlan, payload: Any) -> list[Finding]:
    """What the payload breaks of the offering's rule keywords."""
    # A location the payload does not have (no segments, say) is one lookup in the walk
    # that reads them all, and its checks do not run.
    located = prepared.locations(payload)
    loud = _first_loud(prepared, payload, located)
    if loud is None:
        return []  # every rule is quiet: most payloads
    findings: list[Finding] = []
    listing = Listing()
    position = 0  # of a group's first check among all
    for (tokens, checks), values in zip(prepared.groups, located):
        if values and position + len(checks) > loud:
            reached = Reached(payload, tokens, values)
            # The checks found quiet have nothing to report: they are not asked again.
            for check in checks[max(loud - position, 0):]:
                findings += check(payload, reached, listing)
        position += len(checks)
    return listing.close(findings) if findings else findings


def _first_loud(prepared: KeywordPlan, payload: Any, located: list[list[Any]]) -> int | None:
    """The position of the first check whose quiet test says it has something to report
    (0 when the checks have no quiet tests), None when every one is quiet."""
    if prepared.quiet is None:
        return 0
    for position, quiet, place, reads in prepared.quiet:
        if located[place] and not quiet(payload, located[place], located[reads]):
            return position
    return None
