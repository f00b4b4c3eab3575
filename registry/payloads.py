"""Reading payload files: JSON, YAML (one or more documents), JSONL (one payload a line), or
stdin. Every problem is a finding that names the file and the place; nothing is raised, so
one bad file never stops the others from being checked.

JSONL is read line by line and yielded lazily, so a stream of millions of payloads is
checked in bounded memory.
"""

from __future__ import annotations

import io
import json
import os
import stat
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from .catalog import rule
from .findings import Finding

# Request payloads are a few kilobytes; anything near this size is a mistake or an attack,
# and reading it whole would cost memory for nothing.
MAX_DOCUMENT_BYTES = 16 * 1024 * 1024
STDIN = "-"
JSON_SUFFIXES = (".json",)
YAML_SUFFIXES = (".yaml", ".yml")
JSONL_SUFFIXES = (".jsonl", ".ndjson")


@dataclass(frozen=True, slots=True)
class Payload:
    """One payload of a file, or the finding that says why it could not be read."""

    index: int  # 0-based position in the file
    line: int | None  # where it starts (JSONL, multi-document YAML), when known
    value: Any = None
    problem: Finding | None = None
    source: str | None = field(default=None, repr=False)  # the text it was parsed from, to locate findings
    syntax: str = "json"  # json | yaml


class ReadError(Exception):
    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.message)
        self.finding = finding


def read(name: str) -> Iterator[Payload]:
    """The payloads of a file (`-` is stdin). A file that cannot be read yields one Payload
    carrying the problem."""
    try:
        if name == STDIN:
            yield from _read_stream(sys.stdin.buffer, suffix="")
            return
        _check_regular_file(name)
        suffix = os.path.splitext(name)[1].lower()
        with open(name, "rb") as handle:
            yield from _read_stream(handle, suffix)
    except ReadError as exc:
        yield Payload(0, None, problem=exc.finding)
    except OSError as exc:
        yield Payload(0, None, problem=rule("file-unreadable").finding("", reason=exc.strerror or str(exc)))


def _check_regular_file(name: str) -> None:
    try:
        mode = os.stat(name).st_mode
    except OSError as exc:
        raise ReadError(rule("file-unreadable").finding("", reason=exc.strerror or str(exc))) from None
    if not stat.S_ISREG(mode):
        kind = "a directory" if stat.S_ISDIR(mode) else "a FIFO" if stat.S_ISFIFO(mode) else "not a regular file"
        raise ReadError(rule("file-unreadable").finding("", reason=f"it is {kind}; expected a payload file"))


def _read_stream(handle: IO[bytes], suffix: str) -> Iterator[Payload]:
    if suffix in JSONL_SUFFIXES:
        yield from _read_jsonl(handle)
        return
    data = _read_limited(handle)
    if len(data) > MAX_DOCUMENT_BYTES:
        raise ReadError(rule("file-unreadable").finding(
            "", reason=f"it is larger than {MAX_DOCUMENT_BYTES // (1024 * 1024)} MiB; a request payload is far smaller"))
    text = _decode(data)
    if not text.strip():
        raise ReadError(rule("file-empty").finding(""))
    if suffix in JSON_SUFFIXES:
        yield Payload(0, None, _parse_json(text), source=text)
    elif suffix in YAML_SUFFIXES:
        yield from _parse_yaml(text)
    else:
        yield from _sniff(text)


def _read_limited(handle: IO[bytes]) -> bytes:
    """At most MAX_DOCUMENT_BYTES + 1 bytes. A regular file says its size up front, so it is
    read in one call sized to it (asking for 16 MiB would allocate 16 MiB every time)."""
    try:
        size = os.fstat(handle.fileno()).st_size
    except (OSError, ValueError, io.UnsupportedOperation):
        size = 0
    if size:
        return handle.read(min(size, MAX_DOCUMENT_BYTES) + 1)
    chunks, total = [], 0
    while total <= MAX_DOCUMENT_BYTES:
        chunk = handle.read(1 << 16)
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def _sniff(text: str) -> Iterator[Payload]:
    """stdin and unknown suffixes: JSON, else JSONL when every line is JSON, else YAML."""
    try:
        yield Payload(0, None, _parse_json(text), source=text)
        return
    except ReadError as json_error:
        lines = [line for line in text.splitlines() if line.strip()]
        if len(lines) > 1 and lines[0].lstrip().startswith(("{", "[")):
            yield from _read_jsonl(io.BytesIO(text.encode("utf-8")))
            return
        if text.lstrip().startswith(("{", "[")):
            raise json_error
    yield from _parse_yaml(text)


def _read_jsonl(handle: IO[bytes]) -> Iterator[Payload]:
    index = 0
    for number, raw in enumerate(iter(lambda: handle.readline(MAX_DOCUMENT_BYTES + 1), b""), start=1):
        if len(raw) > MAX_DOCUMENT_BYTES:
            yield Payload(index, number, problem=rule("file-unreadable").finding(
                "", reason=f"line {number} is longer than {MAX_DOCUMENT_BYTES // (1024 * 1024)} MiB"))
            return
        try:
            text = _decode(raw, line=number)
            if not text.strip():
                continue
            yield Payload(index, number, _parse_json(text, line=number), source=text)
        except ReadError as exc:
            yield Payload(index, number, problem=exc.finding)
        index += 1


def _decode(data: bytes, line: int | None = None) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]  # RFC 8259 lets parsers ignore a UTF-8 byte order mark
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        finding = rule("file-not-utf8").finding("", byte=data[exc.start], offset=exc.start)
        if line is not None:
            finding = Finding(finding.rule, finding.severity, "", f"line {line}: {finding.message}", finding.hint)
        raise ReadError(finding) from None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        # json.loads would keep the last one silently; the provider may keep the first.
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise ValueError(f"duplicate key {key!r} in one object")
            seen.add(key)
    return result


_DECODER = json.JSONDecoder(parse_constant=_reject_constant, object_pairs_hook=_unique_keys)


def _parse_json(text: str, line: int | None = None) -> Any:
    try:
        return _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        detail = f"{exc.msg} at line {line or exc.lineno} column {exc.colno}"
    except RecursionError:
        detail = "nested too deeply" + (f" on line {line}" if line else "")
    except ValueError as exc:  # duplicate keys, NaN/Infinity, integers too long to convert
        detail = str(exc) + (f" on line {line}" if line else "")
    raise ReadError(rule("parse-error").finding("", format="JSON", detail=detail))


# Aliases let a few lines of YAML stand for billions of nodes; a payload never needs more.
MAX_YAML_NODES = 1_000_000


def _parse_yaml(text: str) -> Iterator[Payload]:
    import yaml  # only YAML inputs pay for it

    class JsonCompatibleLoader(yaml.SafeLoader):
        """SafeLoader whose scalars are JSON's: dates and times stay strings."""

    JsonCompatibleLoader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def fail(detail: str) -> ReadError:
        return ReadError(rule("parse-error").finding("", format="YAML", detail=detail))

    try:
        documents = list(yaml.compose_all(text, Loader=JsonCompatibleLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        raise fail(f"{getattr(exc, 'problem', None) or exc}{at}") from None
    except RecursionError:
        raise fail("nested too deeply") from None
    constructor = JsonCompatibleLoader("")
    for index, node in enumerate(documents):
        if node is None:
            continue
        if _expanded_size(node, {}) > MAX_YAML_NODES:
            raise fail(f"its aliases expand to more than {MAX_YAML_NODES:,} nodes")
        try:
            value = constructor.construct_document(node)
        except (yaml.YAMLError, RecursionError) as exc:
            raise fail(str(exc)) from None
        problem = _not_json(value)
        if problem:
            raise fail(problem)
        yield Payload(index, node.start_mark.line + 1 if len(documents) > 1 else None, value, source=text, syntax="yaml")


def _expanded_size(node: Any, sizes: dict[int, int]) -> int:
    """How many nodes the document has once every alias is expanded (memoised per node)."""
    known = sizes.get(id(node))
    if known is not None:
        return known
    sizes[id(node)] = 1  # a node that contains itself is cut here, not followed forever
    children = node.value if isinstance(node.value, list) else []
    total = 1
    for child in children:
        for part in child if isinstance(child, tuple) else (child,):
            total += _expanded_size(part, sizes)
            if total > MAX_YAML_NODES:
                break
    sizes[id(node)] = total
    return total


def _not_json(value: Any) -> str | None:
    """What in a constructed YAML document has no JSON equivalent, if anything."""
    on_path: set[int] = set()  # containers being visited: meeting one again is a cycle
    stack: list[tuple[Any, bool]] = [(value, False)]
    while stack:
        current, leaving = stack.pop()
        if leaving:
            on_path.discard(id(current))
        elif isinstance(current, (dict, list)):
            if id(current) in on_path:
                return "an alias makes it contain itself; JSON cannot"
            on_path.add(id(current))
            stack.append((current, True))
            if isinstance(current, dict):
                for key, item in current.items():
                    if not isinstance(key, str):
                        return f"key {key!r} is not a string; JSON object keys are strings"
                    stack.append((item, False))
            else:
                stack.extend((item, False) for item in current)
        elif isinstance(current, float) and (current != current or current in (float("inf"), float("-inf"))):
            return f"{current} is not a JSON number"
        elif current is not None and not isinstance(current, (str, int, float, bool)):
            return f"a {type(current).__name__} value has no JSON equivalent"
    return None
