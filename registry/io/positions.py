"""Where findings' JSON pointers sit in the text a payload was parsed from: line and column.

Positions are worked out only for payloads that have findings, all of a payload's findings
in one pass over its text (JSON) or one composition of its document (YAML), so valid
payloads never pay for position tracking and a payload with many findings costs no more
than reading it again. A pointer to a property that is missing (a `required` finding)
resolves to the object that should hold it; a pointer to a member resolves to its key.
"""

from __future__ import annotations

import bisect
import re
from json.decoder import scanstring
from typing import Any

from registry.base import pointers

Position = tuple[int, int]  # 1-based line and column
Tokens = tuple[str, ...]


def locate_all(source: str, syntax: str, pointer_list: list[str], document_index: int = 0) -> list[Position | None]:
    """The position of each pointer, in order; None where the text cannot tell."""
    wanted = [pointers.parse(p) for p in pointer_list]
    try:
        if syntax == "yaml":
            return _locate_yaml(source, wanted, document_index)
        offsets = _JsonIndex(source, wanted).offsets
    except (ValueError, IndexError, RecursionError):
        return [None] * len(wanted)
    starts = _line_starts(source)
    located: list[Position | None] = []
    for tokens in wanted:
        offset = _deepest(offsets, tokens)
        line = bisect.bisect_right(starts, offset)
        located.append((line, offset - starts[line - 1] + 1))
    return located


def _deepest(found: dict[Tokens, Any], tokens: Tokens) -> Any:
    """What was found for the longest prefix of `tokens` (the root always is)."""
    for length in range(len(tokens), -1, -1):
        if tokens[:length] in found:
            return found[tokens[:length]]
    raise ValueError("the document root was not found")


def _line_starts(text: str) -> list[int]:
    starts = [0]
    index = text.find("\n")
    while index != -1:
        starts.append(index + 1)
        index = text.find("\n", index + 1)
    return starts


_SPACE = re.compile(r"[ \t\r\n\ufeff]*")
_STRUCTURE = re.compile(r'["\[\]{}]')  # what matters when skipping a value: strings and nesting
_SCALAR_END = re.compile(r"[,\]}\s]|$")


class _JsonIndex:
    """Offsets of the members and items the wanted pointers pass through, found in one walk
    over the JSON text that skips every subtree no pointer enters."""

    def __init__(self, text: str, wanted: list[Tokens]) -> None:
        self.text = text
        self.prefixes = {tokens[:length] for tokens in wanted for length in range(len(tokens) + 1)}
        start = self._space(0)
        self.offsets: dict[Tokens, int] = {(): start}
        self._walk(start, ())

    def _space(self, i: int) -> int:
        return _SPACE.match(self.text, i).end()  # type: ignore[union-attr]  # the pattern matches empty

    def _walk(self, i: int, path: Tokens) -> int:
        """Record the wanted children of the value at `i`; return the offset just past it."""
        text = self.text
        if text[i] == "{":
            i = self._space(i + 1)
            while text[i] != "}":
                key_start = i
                key, i = scanstring(text, i + 1)
                i = self._space(self._space(i) + 1)  # past the colon
                i = self._child(i, (*path, key), key_start)
                if text[i] == ",":
                    i = self._space(i + 1)
            return i + 1
        if text[i] == "[":
            i = self._space(i + 1)
            index = 0
            while text[i] != "]":
                i = self._child(i, (*path, str(index)), i)
                index += 1
                if text[i] == ",":
                    i = self._space(i + 1)
            return i + 1
        return self._skip(i)

    def _child(self, i: int, path: Tokens, mark: int) -> int:
        if path in self.prefixes:
            self.offsets[path] = mark
            return self._space(self._walk(i, path))
        return self._space(self._skip(i))

    def _skip(self, i: int) -> int:
        """The offset just past the value that starts at `i`, without looking inside it."""
        text = self.text
        if text[i] == '"':
            return scanstring(text, i + 1)[1]
        if text[i] not in "[{":
            return _SCALAR_END.search(text, i).start()  # type: ignore[union-attr]  # `$` always matches
        depth = 0
        while True:
            match = _STRUCTURE.search(text, i)
            if match is None:
                raise ValueError("unterminated value")
            char, i = match.group(), match.end()
            if char == '"':
                i = scanstring(text, i)[1]
            elif char in "[{":
                depth += 1
            else:
                depth -= 1
                if depth == 0:
                    return i


def _locate_yaml(source: str, wanted: list[Tokens], document_index: int) -> list[Position | None]:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: same marks, far faster
    node: Any = list(yaml.compose_all(source, Loader=loader))[document_index]
    members: dict[int, dict[str, tuple[Any, Any]]] = {}  # a mapping node's keys, indexed once
    located: list[Position | None] = []
    for tokens in wanted:
        current, mark = node, node.start_mark
        for token in tokens:
            if isinstance(current, yaml.MappingNode):
                by_key = members.get(id(current))
                if by_key is None:
                    by_key = members[id(current)] = {
                        k.value: (k, v) for k, v in reversed(current.value) if isinstance(k, yaml.ScalarNode)}
                if token not in by_key:
                    break
                key, current = by_key[token]
                mark = key.start_mark
            elif isinstance(current, yaml.SequenceNode) and pointers.is_index(token) and int(token) < len(current.value):
                current = current.value[int(token)]
                mark = current.start_mark
            else:
                break
        located.append((mark.line + 1, mark.column + 1))
    return located
