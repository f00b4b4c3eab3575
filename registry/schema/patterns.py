"""ECMA-262 regular expressions of the schemas (`pattern`, `patternProperties`), matched by
jsonschema-rs.

Its Rust engine runs in time linear in the text, where Python's backtracking `re` can
take seconds on a few dozen characters of payload (`^(a+)+$` against "aaa…!"), and it
already has ECMA-262 semantics (`$` only at the end, ASCII `\\d`/`\\w`, `\\p{L}`): so
the explanations of a rejection match patterns exactly as the check that rejected it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable


class PatternError(ValueError):
    """A pattern jsonschema-rs cannot compile."""


@functools.lru_cache(maxsize=1024)
def matcher(pattern: str) -> Callable[[str], bool]:
    """Whether a string contains a match of `pattern` (the JSON Schema meaning: a search,
    not a full match); compiled once per pattern."""
    import jsonschema_rs

    try:
        return jsonschema_rs.Draft202012Validator({"pattern": pattern}).is_valid
    except jsonschema_rs.ValidationError:
        raise PatternError(f"{pattern!r} is not an ECMA-262 regular expression jsonschema-rs can compile") from None


def matches(pattern: str, text: str) -> bool:
    return matcher(pattern)(text)
