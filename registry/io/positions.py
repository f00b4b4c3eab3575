"""Where findings' JSON pointers sit in the text a payload was parsed from: line and column.

Positions are worked out only for payloads that have findings, all of a payload's findings
in one pass over its text (JSON) or one composition of its document (YAML), so valid
payloads never pay for position tracking and a payload with many findings costs no more
than reading it again. A pointer to a property that is missing (a `required` finding)
resolves to the object that should hold it; a pointer to a member resolves to its key.
"""

from __future__ import annotations

import json
import json.scanner
import re
from json.decoder import scanstring
from typing import Any

from registry.base import pointers

Position = tuple[int, int]  # 1-based line and column
Tokens = tuple[str, ...]


_UNKNOWN = object()


def locate_all(source: str, syntax: str, pointer_list: list[str], document_index: int = 0,
               document: Any = _UNKNOWN) -> list[Position | None]:
    """The position of each pointer, in order; None where the text cannot tell. `document`:
    the value parsed from a JSON `source`, when the caller has it (then a key the text
    names once is found by a search instead of a walk)."""
    wanted = [pointers.parse(p) for p in pointer_list]
    try:
        if syntax == "yaml":
            return _locate_yaml(source, wanted, document_index)
        searched = None if document is _UNKNOWN else _searched(source, wanted, document)
        if searched is not None:
            return _line_columns(source, searched)
        offsets = _JsonIndex(source, wanted).offsets
    except (ValueError, IndexError, RecursionError):
        return [None] * len(wanted)
    return _line_columns(source, [_deepest(offsets, tokens) for tokens in wanted])


# Characters the searches of one payload may read: ~30 µs of str.find, about what the walk
# takes over a text of a few kilobytes (a payload's size).
_SEARCH_BUDGET = 1 << 18


def _searched(text: str, wanted: list[Tokens], document: Any) -> list[int] | None:
    """The offset of each pointer's deepest member in the JSON text, found with str.find: the
    member is looked up in the parsed document, and its key's quoted name occurs once in the
    text, so that occurrence is the key (without a backslash in the text, every quote opens
    or closes a string, and a quoted name is a whole string). None as soon as a pointer passes
    an array item or its key occurs more than once: the walk then finds them all. A
    member of a payload's settings takes ~3 µs so, ~11 µs by the walk.

    Each pointer costs a search of the whole text, the walk one pass for all of them that
    stops once they are found: past _SEARCH_BUDGET characters (a long text, many findings)
    the walk is the quicker, and the search is not tried."""
    if len(text) * len(wanted) > _SEARCH_BUDGET or "\\" in text:
        return None
    found = []
    for tokens in wanted:
        node, key = document, None
        for token in tokens:
            if type(node) is dict and token in node:
                node, key = node[token], token
            elif type(node) is list and pointers.is_index(token) and int(token) < len(node):
                return None
            else:
                break
        if key is None:  # the pointer names the document itself, or a member it lacks
            found.append(len(text) - len(text.lstrip(_JSON_SPACE)))
            continue
        quoted = f'"{key}"'
        at = text.find(quoted)
        if at == -1 or text.find(quoted, at + 1) != -1:
            return None
        found.append(at)
    return found


def _line_columns(text: str, offsets: list[int]) -> list[Position | None]:
    """Line and column of each offset, in one pass over the text up to the last of them:
    str.count and str.rfind run in C, far quicker than listing every line's start."""
    located: list[Position | None] = [None] * len(offsets)
    line, line_start, previous = 1, 0, 0
    for index in sorted(range(len(offsets)), key=offsets.__getitem__):
        offset = offsets[index]
        newlines = text.count("\n", previous, offset)
        if newlines:
            line += newlines
            line_start = text.rfind("\n", previous, offset) + 1
        located[index] = (line, offset - line_start + 1)
        previous = offset
    return located


def _deepest(found: dict[Tokens, Any], tokens: Tokens) -> Any:
    """What was found for the longest prefix of `tokens` (the root always is)."""
    for length in range(len(tokens), -1, -1):
        if tokens[:length] in found:
            return found[tokens[:length]]
    raise ValueError("the document root was not found")


# JSON's whitespace: the reader refuses a byte order mark, so the text has no other.
_JSON_SPACE = " \t\r\n"
_SPACE = re.compile(r"[ \t\r\n]*")
_COLON = re.compile(r"[ \t\r\n]*:[ \t\r\n]*")
_AFTER_VALUE = re.compile(r"[ \t\r\n]*(?:,[ \t\r\n]*)?")  # up to the next member or the bracket
_SCAN = json.scanner.make_scanner(json.JSONDecoder())  # (value, end) of the JSON value at an offset


class _JsonIndex:
    """Offsets of the members and items the wanted pointers pass through, found in one walk
    over the JSON text (parsed whole already, within every limit) that skips every subtree
    no pointer enters, and stops once every one of them is found."""

    def __init__(self, text: str, wanted: list[Tokens]) -> None:
        self.text = text
        self.below: dict[Tokens, set[str]] = {}  # a path the pointers pass -> the tokens they take next
        for tokens in wanted:
            for length in range(len(tokens)):
                self.below.setdefault(tokens[:length], set()).add(tokens[length])
        self.missing = sum(len(tokens) for tokens in self.below.values())  # members and items not met yet
        start = _SPACE.match(text).end()  # type: ignore[union-attr]  # the pattern matches empty
        self.offsets: dict[Tokens, int] = {(): start}
        self._walk(start, ())

    def _walk(self, i: int, path: Tokens) -> int | None:
        """Record the wanted children of the value at `i`; return the offset just past it, or
        None once nothing more is wanted anywhere."""
        text = self.text
        wanted = self.below.get(path)
        if wanted is None:
            return self._skip(i)
        if text[i] == "{":
            i = _SPACE.match(text, i + 1).end()  # type: ignore[union-attr]
            while text[i] != "}":
                key_start = i
                key, i = scanstring(text, i + 1)
                i = _COLON.match(text, i).end()  # type: ignore[union-attr]  # parsed JSON: the colon is there
                after = self._child(i, path, key, wanted, key_start)
                if after is None:
                    return None
                i = after
            return i + 1
        if text[i] == "[":
            i = _SPACE.match(text, i + 1).end()  # type: ignore[union-attr]
            index = 0
            while text[i] != "]":
                after = self._child(i, path, str(index), wanted, i)
                if after is None:
                    return None
                i = after
                index += 1
            return i + 1
        return self._skip(i)

    def _child(self, i: int, path: Tokens, token: str, wanted: set[str], mark: int) -> int | None:
        """Past the member or item at `i` and the comma after it (None: nothing more is wanted)."""
        if token in wanted:
            child = (*path, token)
            self.offsets[child] = mark  # the reader's JSON has no key twice: each is met once
            self.missing -= 1
            after = self._walk(i, child)
            if after is None or not self.missing:
                return None
            i = after
        else:
            i = self._skip(i)
        return _AFTER_VALUE.match(self.text, i).end()  # type: ignore[union-attr]

    def _skip(self, i: int) -> int:
        """The offset just past the value that starts at `i`, without looking inside it: the
        json module's C scanner reads it."""
        try:
            return _SCAN(self.text, i)[1]
        except StopIteration:
            raise ValueError("no JSON value here") from None


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
