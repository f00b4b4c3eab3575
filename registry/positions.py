"""Where a finding's JSON pointer sits in the text it was parsed from: line and column.

Positions are worked out only for payloads that have findings, by walking the source text
along the pointer, so valid payloads (the common case) never pay for position tracking.
A pointer to a property that is missing (a `required` finding) resolves to the object that
should hold it; a pointer to a member resolves to its key.
"""

from __future__ import annotations

import bisect
import re
from json.decoder import scanstring
from typing import Any

from . import pointers

Position = tuple[int, int]  # 1-based line and column


def locate(source: str, syntax: str, pointer: str, document_index: int = 0) -> Position | None:
    try:
        tokens = pointers.parse(pointer)
        if syntax == "yaml":
            return _locate_yaml(source, tokens, document_index)
        offset = _JsonWalker(source).find(tokens)
    except (ValueError, IndexError, RecursionError):
        return None
    if offset is None:
        return None
    starts = _line_starts(source)
    line = bisect.bisect_right(starts, offset)
    return line, offset - starts[line - 1] + 1


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


class _JsonWalker:
    """Follows a path through JSON text without building the document."""

    def __init__(self, text: str) -> None:
        self.text = text

    def _space(self, i: int) -> int:
        return _SPACE.match(self.text, i).end()  # type: ignore[union-attr]  # the pattern matches empty

    def _skip(self, i: int) -> int:
        """The offset just past the value that starts at `i`."""
        text = self.text
        i = self._space(i)
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

    def find(self, tokens: tuple[str, ...]) -> int | None:
        text = self.text
        i = self._space(0)
        found = i  # the deepest location reached so far
        for token in tokens:
            char = text[i]
            if char == "{":
                i = self._space(i + 1)
                while text[i] != "}":
                    key_start = i
                    key, i = scanstring(text, i + 1)
                    i = self._space(self._space(i) + 1)  # past the colon
                    if key == token:
                        found = key_start
                        break
                    i = self._space(self._skip(i))
                    if text[i] == ",":
                        i = self._space(i + 1)
                else:
                    return found  # no such member: point at the object
            elif char == "[" and token.isdigit():
                i = self._space(i + 1)
                for _ in range(int(token)):
                    if text[i] == "]":
                        return found
                    i = self._space(self._skip(i))
                    if text[i] == ",":
                        i = self._space(i + 1)
                if text[i] == "]":
                    return found
                found = i
            else:
                return found
        return found


def _locate_yaml(source: str, tokens: tuple[str, ...], document_index: int) -> Position | None:
    import yaml

    documents = [d for d in yaml.compose_all(source, Loader=yaml.SafeLoader)]
    node: Any = documents[document_index]
    mark = node.start_mark
    for token in tokens:
        if isinstance(node, yaml.MappingNode):
            match = next(((k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == token), None)
            if match is None:
                break
            mark, node = match[0].start_mark, match[1]
        elif isinstance(node, yaml.SequenceNode) and token.isdigit() and int(token) < len(node.value):
            node = node.value[int(token)]
            mark = node.start_mark
        else:
            break
    return mark.line + 1, mark.column + 1

