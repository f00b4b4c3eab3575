"""JSON pointers (RFC 6901) and the pointer patterns of the rule keywords.

A pattern is a pointer in which the token `*` matches every item of an array or every
member of an object, so `/inputs/audio/*/id` reaches the id of every audio input.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

Path = tuple[str | int, ...]


def escape(token: str | int) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def to_pointer(path: Iterable[str | int]) -> str:
    return "".join("/" + escape(token) for token in path)


def parse(pointer: str) -> tuple[str, ...]:
    """Split a pointer (or pattern) into unescaped tokens; "" is the whole document."""
    if pointer == "":
        return ()
    if not pointer.startswith("/"):
        raise ValueError(f"JSON pointer must start with '/': {pointer!r}")
    return tuple(t.replace("~1", "/").replace("~0", "~") for t in pointer[1:].split("/"))


def _child(value: Any, token: str) -> tuple[bool, Any]:
    if isinstance(value, dict):
        return (token in value, value.get(token))
    if isinstance(value, list) and token.isdigit() and (token == "0" or token[0] != "0"):
        index = int(token)
        return (index < len(value), value[index] if index < len(value) else None)
    return (False, None)


def expand(document: Any, tokens: tuple[str, ...], start: Path = ()) -> Iterator[tuple[Path, Any]]:
    """Yield (path, value) for every location of `document` the pattern reaches."""
    if not tokens:
        yield start, document
        return
    head, rest = tokens[0], tokens[1:]
    if head == "*":
        if isinstance(document, dict):
            for key, value in document.items():
                yield from expand(value, rest, (*start, key))
        elif isinstance(document, list):
            for index, value in enumerate(document):
                yield from expand(value, rest, (*start, index))
        return
    found, value = _child(document, head)
    if found:
        key: str | int = int(head) if isinstance(document, list) else head
        yield from expand(value, rest, (*start, key))


def exists(document: Any, tokens: tuple[str, ...]) -> bool:
    return next(expand(document, tokens), None) is not None
