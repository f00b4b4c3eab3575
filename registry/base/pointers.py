"""JSON pointers (RFC 6901) and the pointer patterns of the rule keywords.

A pattern is a pointer in which the token `*` matches every item of an array or every
member of an object, so `/inputs/audio/*/id` reaches the id of every audio input.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any

Path = tuple[str | int, ...]


def escape(token: str | int) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def to_pointer(path: Iterable[str | int]) -> str:
    # A list, not a generator, for join: every finding's pointer is made here.
    return "".join(["/" + escape(token) for token in path]) if path else ""


@functools.lru_cache(maxsize=4096)
def parse(pointer: str) -> tuple[str, ...]:
    """Split a pointer (or pattern) into unescaped tokens; "" is the whole document."""
    if pointer == "":
        return ()
    if not pointer.startswith("/"):
        raise ValueError(f"JSON pointer must start with '/': {pointer!r}")
    return tuple(t.replace("~1", "/").replace("~0", "~") for t in pointer[1:].split("/"))


def is_index(token: str) -> bool:
    """An array index as RFC 6901 writes it: ASCII digits, no leading zero. ("³".isdigit()
    is true, so str.isdigit alone would take a superscript for an index.)"""
    return token.isascii() and token.isdigit() and (token == "0" or token[0] != "0")


def expand(document: Any, tokens: tuple[str, ...]) -> list[tuple[Path, Any]]:
    """Every (path, value) of `document` the pattern reaches, in document order.

    Breadth-first over the tokens rather than recursive generators: this runs for every
    rule of every payload, so it is on the hot path of validation."""
    frontier: list[tuple[Path, Any]] = [((), document)]
    for token in tokens:
        reached: list[tuple[Path, Any]] = []
        for path, value in frontier:
            if token == "*":
                if isinstance(value, dict):
                    reached.extend(((*path, key), item) for key, item in value.items())
                elif isinstance(value, list):
                    reached.extend(((*path, index), item) for index, item in enumerate(value))
            elif isinstance(value, dict):
                if token in value:
                    reached.append(((*path, token), value[token]))
            elif isinstance(value, list) and is_index(token):
                index = int(token)
                if index < len(value):
                    reached.append(((*path, index), value[index]))
        if not reached:
            return reached
        frontier = reached
    return frontier


def values(document: Any, tokens: tuple[str, ...]) -> list[Any]:
    """The values `expand` reaches, without their paths: the cheap question rules ask of
    every payload; paths are worked out only for a value that breaks a rule."""
    current = [document]
    for token in tokens:
        reached: list[Any] = []
        if token == "*":
            for value in current:
                if type(value) is dict:
                    reached.extend(value.values())
                elif type(value) is list:
                    reached.extend(value)
        else:
            for value in current:
                if type(value) is dict:
                    if token in value:
                        reached.append(value[token])
                elif type(value) is list and is_index(token):
                    if int(token) < len(value):
                        reached.append(value[int(token)])
        if not reached:
            return reached
        current = reached
    return current


def paths_by_id(document: Any, tokens: tuple[str, ...]) -> dict[int, Path]:
    """The path of each value the pattern reaches, keyed by the value's id: one walk answers
    "where is this value?" for all of them. (A value reached twice, through a YAML alias,
    keeps its first path.)"""
    paths: dict[int, Path] = {}
    for path, value in expand(document, tokens):
        paths.setdefault(id(value), path)
    return paths


def exists(document: Any, tokens: tuple[str, ...]) -> bool:
    return bool(values(document, tokens))


# Several patterns read together: for each, the list `values` gives.
Reader = Callable[[Any], list[list[Any]]]


def reader(patterns: Iterable[tuple[str, ...]]) -> Reader:
    """A function reading the patterns in a document, as often as every payload is checked:
    one walk that follows each prefix they share once (the rules of an offering sit at
    `/segments/*`, `/segments/*/audioInput`, ...) and stops at the first token the
    document does not have.

    The walk is written out once for the patterns, as the nested loops and lookups one
    would write by hand (`_steps_source`): a generic walk spends a loop turn or a call on
    each token, about as much as the lookup itself."""
    return _reader(tuple(patterns))


# Python nests at most 20 loops in one function: deeper patterns (no schema has one) are
# read one by one.
_WRITTEN_OUT_DEPTH = 16


@functools.lru_cache(maxsize=1024)
def _reader(patterns: tuple[tuple[str, ...], ...]) -> Reader:
    if any(len(tokens) > _WRITTEN_OUT_DEPTH for tokens in patterns):
        return lambda document: [values(document, tokens) for tokens in patterns]
    tree: dict[str, Any] = {}  # token -> [the place of the first pattern that ends there, tree below]
    ending = list(range(len(patterns)))  # each pattern's first place: equal patterns are read once
    for place, tokens in enumerate(patterns):
        level, node = tree, None
        for token in tokens:
            node = level.setdefault(token, [None, {}])
            level = node[1]
        if node is None:
            ending[place] = patterns.index(())
        else:
            if node[0] is None:
                node[0] = place
            ending[place] = node[0]
    lines = ["def values(value0):"]
    lines += [f"    found{place} = [value0]" if not patterns[place] else f"    found{place} = NOTHING"
              for place in sorted(set(ending))]
    lines += _steps_source(tree, 0, "    ", False)
    lines.append(f"    return [{', '.join(f'found{place}' for place in ending)}]")
    namespace: dict[str, Any] = {"NOTHING": ()}
    # exec of the text, not of compile()'s code object: a process's first call of the builtin
    # compile() costs ~1 ms more. The tokens are written as literals (repr).
    exec("\n".join(lines), namespace)  # noqa: S102
    return namespace["values"]


def _steps_source(tree: dict[str, Any], depth: int, indent: str, in_loop: bool) -> list[str]:
    """The walk below `value{depth}` as Python source. `found{place}` holds what the pattern
    first at `place` reaches: NOTHING (shared, empty) until it reaches something, a list of
    one value for a pattern without `*`, and a list made when the walk enters the first `*`
    on its way for one with."""
    at, below, inner = f"value{depth}", f"value{depth + 1}", indent + "    "
    lines = []
    for token, (place, subtree) in tree.items():
        if token == "*":
            if not in_loop:
                lines += [f"{indent}found{p} = []" for p in _ending_below(place, subtree)]
            lines.append(f"{indent}for {below} in ({at}.values() if type({at}) is dict else {at} if type({at}) is list else ()):")
        elif is_index(token):
            lines += [f"{indent}if type({at}) is dict and {token!r} in {at} or type({at}) is list and {int(token)} < len({at}):",
                      f"{inner}{below} = {at}[{token!r} if type({at}) is dict else {int(token)}]"]
        else:
            lines += [f"{indent}if type({at}) is dict and {token!r} in {at}:", f"{inner}{below} = {at}[{token!r}]"]
        looping = in_loop or token == "*"
        if place is not None:
            lines.append(f"{inner}found{place}.append({below})" if looping else f"{inner}found{place} = [{below}]")
        lines += _steps_source(subtree, depth + 1, inner, looping)
    return lines


def _ending_below(place: int | None, tree: dict[str, Any]) -> list[int]:
    """The places of the patterns that end at a node (`place`) or below it (`tree`)."""
    found = [] if place is None else [place]
    for below_place, subtree in tree.values():
        found += _ending_below(below_place, subtree)
    return found
