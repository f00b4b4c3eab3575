"""How names and values are written inside messages, the same way by every part of capreg."""

from __future__ import annotations

import json
import os
from pathlib import Path as FilePath
from typing import Any

from registry.base.pointers import Path, to_pointer

# The placeholder of a bound that is not set (a range open on one side, a bound added or removed).
NO_BOUND = "(none)"


def code(name: object) -> str:
    """A property name, path or keyword as code: `syncMode`."""
    return f"`{name}`"


def show(value: Any) -> str:
    """A JSON value as JSON text, keys sorted so that equal values are shown alike."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def show_json_value(value: Any) -> str:
    """`show`, with a number written the same however the schema wrote it: JSON has one
    number type, so 1 and 1.0 are one value (a boolean stays a boolean: true is not 1)."""
    return show(integral_floats_as_integers(value))


def integral_floats_as_integers(value: Any) -> Any:
    """JSON data with every float that is an integer (48.0) made an int."""
    if type(value) is float and value.is_integer():
        return int(value)
    if type(value) is dict:
        return {key: integral_floats_as_integers(item) for key, item in value.items()}
    if type(value) is list:
        return [integral_floats_as_integers(item) for item in value]
    return value


def plural(count: int, noun: str) -> str:
    """`1 change`, `2 changes`, `1,000 changes`."""
    return f"{count:,} {noun if count == 1 else noun + 's'}"


def bound(value: Any) -> str:
    """One bound of a range: the JSON value, or NO_BOUND when there is none."""
    return NO_BOUND if value is None else show(value)


def shortened(text: str, limit: int = 60) -> str:
    """`text` cut in the middle to at most `limit` characters: a payload's strings and keys
    end up in messages, and a 15 MiB key must not make a 15 MiB message."""
    if len(text) <= limit:
        return text
    tail = limit // 5
    return f"{text[:limit - tail - 3]}...{text[-tail:]}"


def not_unicode_text(string: str) -> bool:
    """A Python string that is not Unicode text: it holds half of a surrogate pair (what
    `json.loads` makes of a lone `\\ud800`, and Python of undecodable file-name bytes)."""
    if string.isascii():
        return False
    try:
        string.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def half_surrogate(what: str, string: str, path: Path) -> str:
    """Why such a string cannot be checked, for a message."""
    where = f" at {to_pointer(path)}" if path else ""
    return (f"{what} {shortened(json.dumps(string))}{where} holds half of a UTF-16 surrogate pair without its other "
            "half, which is not Unicode text")


def shown_path(path: FilePath | str) -> str:
    """`path` as the user can open it: relative to the current directory when inside it, else absolute."""
    absolute = FilePath(os.path.abspath(path))
    try:
        return absolute.relative_to(FilePath.cwd()).as_posix()
    except ValueError:
        return str(absolute)
