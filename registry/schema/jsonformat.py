"""The one format of the schema files: what `capreg fmt` writes and `capreg lint` checks.

Two-space indentation, members in their written order, text unescaped (UTF-8), a final
newline; an array or object holding only plain values (strings, numbers, booleans, null)
on one line when that line fits in WIDTH columns (`"required": ["model", "input"]`,
`{"type": "string", "minLength": 1}`), one member a line otherwise.
"""

from __future__ import annotations

import json
from typing import Any

WIDTH = 100
INDENT = "  "


def format_json(document: Any) -> str:
    return _value(document, "", 0) + "\n"


def _value(value: Any, prefix: str, depth: int) -> str:
    """`value` written after `prefix` (its key, if any) on a line indented `depth` levels."""
    if not isinstance(value, (dict, list)) or not value:
        return prefix + _plain(value)
    is_object = isinstance(value, dict)
    members = list(value.items()) if is_object else [(None, item) for item in value]
    open_, close = "{}" if is_object else "[]"
    if not any(isinstance(item, (dict, list)) for _, item in members):
        one_line = open_ + ", ".join(_key(key) + _plain(item) for key, item in members) + close
        if len(INDENT * depth) + len(prefix) + len(one_line) + 1 <= WIDTH:  # +1: a following comma
            return prefix + one_line
    inner = INDENT * (depth + 1)
    lines = [inner + _value(item, _key(key), depth + 1) for key, item in members]
    return prefix + open_ + "\n" + ",\n".join(lines) + "\n" + INDENT * depth + close


def _key(key: str | None) -> str:
    return "" if key is None else f"{_plain(key)}: "


def _plain(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def reformatted(text: str) -> str:
    """`text` (a JSON document) in the one format; ValueError when it is not JSON or repeats a
    key, which rewriting would silently drop."""
    return format_json(json.loads(text, object_pairs_hook=_unique_members))


def _unique_members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    members: dict[str, Any] = {}
    for key, value in pairs:
        if key in members:
            raise ValueError(f"the key {key!r} appears twice in one object")
        members[key] = value
    return members
