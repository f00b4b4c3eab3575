"""Did-you-mean: the known word closest to a misspelt one, as difflib would choose it."""

from __future__ import annotations

from collections.abc import Collection

# A did-you-mean search is bounded: a payload can hold a 100 MB word (difflib took 16 s and
# 4 GB on one) or thousands of ids to compare with, once per dangling reference. difflib's
# work grows with the product of the word's and each candidate's length; past these bounds
# (far above a schema's names or a real payload's ids) there is no suggestion.
SUGGESTION_CANDIDATES = 1_000
SUGGESTION_WORK = 20_000  # character pairs
SUGGESTION_CUTOFF = 0.6


def closest(word: str, candidates: Collection[str]) -> str | None:
    """The candidate `difflib.get_close_matches(word, candidates, n=1, cutoff=SUGGESTION_CUTOFF)`
    gives (the greatest ratio, then the greatest string), or None; within the bounds above."""
    if len(candidates) > SUGGESTION_CANDIDATES:
        return None
    # Only a candidate of comparable length can reach the cutoff (difflib's own first test,
    # `real_quick_ratio`), so dropping the others first changes no suggestion.
    length = len(word)
    comparable = [c for c in candidates if _length_ratio(length, len(c)) >= SUGGESTION_CUTOFF]
    if not comparable or length * sum(map(len, comparable)) > SUGGESTION_WORK:
        return None
    if not length:
        return comparable[0]  # "", the only string like ""
    # difflib's ratio (the characters of its matching blocks) costs the most. Two bounds of it
    # rule most candidates out first: the characters of the candidate found in the word at all
    # (what one `str.translate` deleting them leaves out), then difflib's own `quick_ratio`
    # (the characters in common, each as often as both have it). The others are compared from
    # the highest bound down, until no bound left can beat the best so far.
    not_in_word = dict.fromkeys(map(ord, word))
    in_word = set(word)
    ranked = []
    for candidate in comparable:
        total = length + len(candidate)
        if 2.0 * (len(candidate) - len(candidate.translate(not_in_word))) / total >= SUGGESTION_CUTOFF:
            quick = 2.0 * sum([min(candidate.count(c), word.count(c)) for c in in_word.intersection(candidate)]) / total
            if quick >= SUGGESTION_CUTOFF:
                ranked.append((quick, candidate))
    ranked.sort(reverse=True)
    best: tuple[float, str] | None = None
    for bound in ranked:
        if best is not None and bound < best:
            break
        # difflib's own arithmetic, so that equal ratios tie as they tie there
        found = (2.0 * matching_characters(bound[1], word) / (length + len(bound[1])), bound[1])
        if found[0] >= SUGGESTION_CUTOFF and (best is None or found > best):
            best = found
    return best[1] if best else None


# From this length on, difflib treats the characters frequent in the second string as junk.
_DIFFLIB_AUTOJUNK = 200


def matching_characters(a: str, b: str) -> int:
    """The characters `difflib.SequenceMatcher(None, a, b)` matches (its blocks' sizes summed),
    found as it finds them: the longest common substring (the first in `a`, then in `b`),
    then the same on each side of it. One `str.find` per step instead of difflib's table of
    positions: a few times faster on names and enum values."""
    if len(b) >= _DIFFLIB_AUTOJUNK:
        import difflib  # only for a long word: imported here to keep it off every run's start-up

        return sum(block.size for block in difflib.SequenceMatcher(None, a, b).get_matching_blocks())
    matched = 0
    pending = [(0, len(a), 0, len(b))]
    while pending:
        a_low, a_high, b_low, b_high = pending.pop()
        start, at, size = a_low, b_low, 0
        for i in range(a_low, a_high - size):
            # Only a match longer than the longest so far counts: try one character more.
            while i + size < a_high and (j := b.find(a[i:i + size + 1], b_low, b_high)) >= 0:
                start, at, size = i, j, size + 1
        if size:
            matched += size
            if a_low < start and b_low < at:
                pending.append((a_low, start, b_low, at))
            if start + size < a_high and at + size < b_high:
                pending.append((start + size, a_high, at + size, b_high))
    return matched


def _length_ratio(length: int, other: int) -> float:
    """The best similarity two strings of these lengths can have, as difflib works it out."""
    return 2.0 * min(length, other) / (length + other) if length + other else 1.0
