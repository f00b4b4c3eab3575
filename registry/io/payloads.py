"""Reading payload files: JSON, YAML (one or more documents), JSONL (one payload a line), or
stdin. Every problem is a finding that names the file and the place; nothing is raised, so
one bad file never stops the others from being checked.

JSONL is read line by line and yielded lazily, so a stream of millions of payloads is
checked in bounded memory.

Hostile input is refused here, with a finding, before it can reach the engines: more than
MAX_DOCUMENT_BYTES, more values than MAX_VALUES (JSON) or MAX_YAML_NODES (YAML, aliases
expanded), nesting deeper than MAX_DEPTH (the JSON Schema engines and `repr` recurse;
jsonschema-rs overflows its stack on deep enough input), NaN/Infinity and numbers a double
cannot hold, integers longer than Python converts, strings holding half a UTF-16
surrogate pair (they cannot be printed as UTF-8), duplicate keys, and a UTF-8 byte order
mark at the start of JSON. YAML may start with a BOM: YAML allows one (JSON does not, and
providers' JSON parsers reject it, so a JSON file that has one would fail when sent).
"""

from __future__ import annotations

import contextlib
import functools
import io
import itertools
import json
import json.scanner
import math
import os
import re
import stat
import sys
from collections.abc import Callable, Iterator
from typing import IO, TYPE_CHECKING, Any

from registry.base.catalog import rule
from registry.base.errors import ReadError
from registry.base.findings import Finding
from registry.base.frozen import record
from registry.base.limits import MAX_DEPTH, MAX_DOCUMENT_BYTES, MAX_VALUES, MAX_YAML_NODES
from registry.base.pointers import to_pointer
from registry.base.text import half_surrogate, not_unicode_text, shortened

# A type only: the finder of positions is imported when a finding needs one
if TYPE_CHECKING:
    from registry.io.positions import Position

STDIN = "-"
JSON_SUFFIXES = (".json",)
YAML_SUFFIXES = (".yaml", ".yml")
JSONL_SUFFIXES = (".jsonl", ".ndjson")


@record
class Payload:
    """One payload of a file, or the finding that says why it could not be read."""

    index: int  # 0-based position in the file
    line: int | None  # where it starts (JSONL, several documents in one file), when known
    value: Any = None
    problem: Finding | None = None
    source: str | None = None  # the text it was parsed from, to locate findings
    syntax: str = "json"  # json | jsonl (one line of a file of one document a line) | yaml
    origin: int = 1  # the line of the file that `source` starts on (JSON; a YAML source is the whole file)
    problem_position: Position | None = None  # (line, column) of the problem in the file, when it has a place
    named: str | None = None  # the offering a yaml-language-server modeline names (registry.io.modeline)


def read(name: str) -> Iterator[Payload]:
    """The payloads of a file (`-` is stdin). A file that cannot be read yields one Payload
    carrying the problem."""
    return _read(name, batched=False)  # type: ignore[return-value]  # no LineBatch when not batched


def read_batched(name: str) -> Iterator[Payload | LineBatch]:
    """`read`, but the lines of JSONL (a .jsonl file, or stdin that turns out to be one
    payload a line) come in LineBatches, read by whoever checks them."""
    return _read(name, batched=True)


def _read(name: str, batched: bool) -> Iterator[Payload | LineBatch]:
    try:
        if name == STDIN:
            yield from _read_stream(sys.stdin.buffer, "", batched)
            return
        suffix = os.path.splitext(name)[1].lower()
        if suffix in JSON_SUFFIXES or suffix in YAML_SUFFIXES:
            yield from _whole_payloads(_whole_text(_read_regular_file(name)), suffix)
            return
        with _open_regular_file(name) as handle:
            yield from _read_stream(handle, suffix, batched)
    except ReadError as exc:
        yield Payload(0, None, problem=exc.finding, problem_position=exc.position)
    except OSError as exc:
        yield Payload(0, None, problem=rule("file-unreadable").finding("", reason=exc.strerror or str(exc)))


def _opened_regular_file(name: str) -> tuple[int, int]:
    """The file's descriptor, opened for reading, and its size. Opening never blocks (O_NONBLOCK: a FIFO
    with no writer would hang a plain open), and the check is made on what was opened, so
    nothing can be swapped in between a check and the open."""
    try:
        fd = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except IsADirectoryError:
        raise ReadError(_not_a_file("a directory")) from None
    except OSError as exc:
        raise ReadError(rule("file-unreadable").finding("", reason=exc.strerror or str(exc))) from None
    try:
        status = os.fstat(fd)
        mode = status.st_mode
        if not stat.S_ISREG(mode):
            raise ReadError(_not_a_file(
                "a directory" if stat.S_ISDIR(mode) else "a FIFO" if stat.S_ISFIFO(mode) else "not a regular file"))
    except BaseException:
        os.close(fd)
        raise
    return fd, status.st_size


def _open_regular_file(name: str) -> IO[bytes]:
    fd, _ = _opened_regular_file(name)
    try:
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _read_regular_file(name: str) -> bytes:
    """A file read whole (at most MAX_DOCUMENT_BYTES + 1 bytes of it), straight from its
    descriptor: a file object would only be one more copy."""
    fd, size = _opened_regular_file(name)
    try:
        return _read_limited(functools.partial(os.read, fd), size)
    finally:
        os.close(fd)


def _not_a_file(kind: str) -> Finding:
    return rule("file-unreadable").finding("", reason=f"it is {kind}; expected a payload file")


def _read_stream(handle: IO[bytes], suffix: str, batched: bool) -> Iterator[Payload | LineBatch]:
    """The payloads of JSONL, stdin or a file of another suffix, read as they come."""
    if suffix in JSONL_SUFFIXES:
        numbered = _numbered_lines(handle)
        yield from _line_batches(numbered) if batched else _line_payloads(numbered)
    else:
        yield from _sniff(handle, batched)


def _whole_payloads(text: str, suffix: str) -> Iterator[Payload]:
    if suffix in JSON_SUFFIXES:
        yield Payload(0, None, _parse_json(text), source=text)
    else:
        yield from _parse_yaml(text)


def _read_whole(handle: IO[bytes], start: bytes = b"") -> str:
    """The text of the file (after `start`, what was read of it already)."""
    try:
        size = os.fstat(handle.fileno()).st_size
    except (OSError, ValueError, io.UnsupportedOperation):
        size = 0
    return _whole_text(start + _read_limited(handle.read, size))


def _whole_text(data: bytes) -> str:
    """The text of a file, refused beyond MAX_DOCUMENT_BYTES or when it holds nothing."""
    if len(data) > MAX_DOCUMENT_BYTES:
        raise ReadError(rule("file-unreadable").finding(
            "", reason=f"it is larger than {MAX_DOCUMENT_BYTES // (1024 * 1024)} MiB; a request payload is far smaller"))
    text = _decode(data)
    if not text.removeprefix(BOM).strip():
        raise ReadError(rule("file-empty").finding(""))
    return text


def _read_limited(read: Callable[[int], bytes], size: int) -> bytes:
    """At most MAX_DOCUMENT_BYTES + 1 bytes (a little more from a stream). A regular file
    says its size up front (`size`, 0 when unknown), so it is read in one call sized to it
    (asking for 16 MiB would allocate 16 MiB every time); a read may return less, so
    reading goes on to the end."""
    chunks, total = [], 0
    wanted = min(size, MAX_DOCUMENT_BYTES) + 1 if size else 1 << 16
    while total <= MAX_DOCUMENT_BYTES:
        chunk = read(wanted)
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        if size and total == size:  # all the file said it holds, and a read asked for more: its end
            break
        wanted = 1 << 16
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


NumberedLines = Iterator[tuple[int, bytes]]  # (1-based line number, the line's bytes)


def _sniff(handle: IO[bytes], batched: bool = False) -> Iterator[Payload | LineBatch]:
    """stdin and unknown suffixes, decided on the first line that is not blank, so a long
    stream is never held whole:

    - it is a whole JSON value, or broken within itself: one document a line (JSONL), or
      plain JSON when it is the only line; a broken line is that line's parse-error, and
      the lines after it are still checked;
    - it opens a JSON value that goes on (`{` alone, as pretty-printed JSON starts): one or
      several JSON documents, each a payload (`capreg translate` writes several that way);
    - anything else is read whole: JSON (a comment first is JSONC, so it stays JSON, for
      the hint), else YAML.
    """
    lines = _numbered_lines(handle)
    leading: list[tuple[int, bytes]] = []
    for number, raw in lines:
        leading.append((number, raw))
        if raw.strip():
            break
    first = leading[-1][1] if leading else b""
    text = first.decode("utf-8", "replace").removeprefix(BOM).lstrip() if len(first) <= MAX_DOCUMENT_BYTES else ""
    if text.startswith(("{", "[")):
        numbered = itertools.chain(leading, lines)
        if _goes_on(text):
            yield from _only_payload_unnumbered(_documents(numbered))
        elif batched:
            yield from _line_batches(numbered, only_unnumbered=True)
        else:
            yield from _only_payload_unnumbered(_line_payloads(numbered))
        return
    whole = _read_whole(handle, b"".join(raw for _, raw in leading))
    if whole.removeprefix(BOM).lstrip().startswith("/"):
        yield Payload(0, None, _parse_json(whole), source=whole)
        return
    try:
        yield Payload(0, None, _parse_json(whole), source=whole)
    except ReadError:
        yield from _parse_yaml(whole)


_PLAIN_DECODER = json.JSONDecoder()


def _goes_on(line: str) -> bool:
    """Whether a line holds the start of a JSON value that continues on the next lines: the
    decoder runs out of text, rather than meeting something wrong within the line."""
    try:
        _PLAIN_DECODER.raw_decode(line)
    except json.JSONDecodeError as exc:
        return exc.pos >= len(line.rstrip())
    except RecursionError:
        return False
    return False


def _numbered_lines(handle: IO[bytes]) -> NumberedLines:
    """Each line with its number; an over-long line is cut at MAX_DOCUMENT_BYTES + 1 bytes."""
    for number, raw in enumerate(iter(lambda: handle.readline(MAX_DOCUMENT_BYTES + 1), b""), start=1):
        yield number, raw
        if len(raw) > MAX_DOCUMENT_BYTES:
            _skip_line(handle, raw)


def _skip_line(handle: IO[bytes], start: bytes) -> None:
    """Read past the rest of an over-long line, a chunk at a time, so the lines after it
    are still checked and the line never sits in memory whole."""
    chunk = start
    while chunk and not chunk.endswith(b"\n"):
        chunk = handle.readline(1 << 20)


def _only_payload_unnumbered(payloads: Iterator[Payload]) -> Iterator[Payload]:
    """`payloads`, or, when there is only one, that one without a line number: a stream
    holding one document is a plain JSON file."""
    first = next(payloads, None)
    second = next(payloads, None)
    if first is None:
        raise ReadError(rule("file-empty").finding(""))
    if second is None:
        yield first._replace(line=None, syntax="yaml" if first.syntax == "yaml" else "json")
        return
    yield first
    yield second
    yield from payloads


def _line_payloads(numbered: NumberedLines) -> Iterator[Payload]:
    index = 0
    for number, raw in numbered:
        if not _blank_line(raw):
            yield _line_payload(index, number, raw)
            index += 1


def _blank_line(raw: bytes) -> bool:
    """Whether a JSONL line holds nothing: no payload, and no problem either (a line that is
    not UTF-8, or too long, is a payload that could not be read)."""
    stripped = raw.strip()
    if not stripped:
        return True
    if 0x21 <= stripped[0] <= 0x7E:  # printable ASCII first: whatever follows, not blank
        return False
    if len(raw) > MAX_DOCUMENT_BYTES:
        return False
    try:
        return not raw.decode("utf-8").removeprefix(BOM).strip()
    except UnicodeDecodeError:
        return False


def _line_payload(index: int, number: int, raw: bytes) -> Payload:
    """The payload of a JSONL line that is not blank."""
    if len(raw) > MAX_DOCUMENT_BYTES:
        return Payload(index, number, problem=rule("file-unreadable").finding(
            "", reason=f"line {number} is longer than {MAX_DOCUMENT_BYTES // (1024 * 1024)} MiB"))
    try:
        text = _decode(raw, line=number)
        return Payload(index, number, _parse_json(text, line=number), source=text, syntax="jsonl", origin=number)
    except ReadError as exc:
        return Payload(index, number, problem=exc.finding, problem_position=exc.position)


# A batch of JSONL lines ends at whichever of these comes first: enough lines to be worth
# sending to a worker process, and few enough bytes to keep the batches in flight small.
BATCH_LINES = 1_000
BATCH_BYTES = 1 << 20


@record
class LineBatch:
    """Consecutive payloads of a JSONL stream, not read yet, so that another process can read
    and check them: each line that is not blank, with its number; the first is payload
    `first_index` of the stream."""

    first_index: int
    lines: tuple[tuple[int, bytes], ...]

    def payloads(self) -> Iterator[Payload]:
        for index, (number, raw) in enumerate(self.lines, self.first_index):
            yield _line_payload(index, number, raw)


def _line_batches(numbered: NumberedLines, only_unnumbered: bool = False) -> Iterator[LineBatch | Payload]:
    """The lines of a JSONL stream in batches, as they are read. With `only_unnumbered`
    (stdin), a stream of one payload is that payload, unnumbered (`_only_payload_unnumbered`)."""
    batch: list[tuple[int, bytes]] = []
    index = size = 0
    for number, raw in numbered:
        if _blank_line(raw):
            continue
        batch.append((number, raw))
        size += len(raw)
        if (len(batch) >= BATCH_LINES or size >= BATCH_BYTES) and not (only_unnumbered and index == 0 and len(batch) < 2):
            yield LineBatch(index, tuple(batch))
            index, batch, size = index + len(batch), [], 0
    if only_unnumbered and index == 0 and len(batch) < 2:
        yield from _only_payload_unnumbered(LineBatch(0, tuple(batch)).payloads())
    elif batch:
        yield LineBatch(index, tuple(batch))


# What changes the nesting of JSON text: a bracket, or a string (skipped whole; one left
# open runs to the end of its line, as JSON strings cannot hold a line break).
_NESTING = re.compile(r'[\[{]|[\]}]|"(?:[^"\\\n]|\\.)*(?:"|$)', re.DOTALL | re.MULTILINE)


def _documents(numbered: NumberedLines) -> Iterator[Payload]:
    """JSON documents one after another, pretty-printed or not (as `jq` reads them): each is
    the text from its first character to the bracket that closes it, parsed on its own with
    every limit. A broken document is its own parse-error and the next one is still read;
    only an unclosed bracket takes the rest of the stream with it. Memory holds one document
    (at most MAX_DOCUMENT_BYTES of it) at a time."""
    index = depth = size = 0
    start: tuple[int, int] | None = None  # line and column where the current document starts
    parts: list[str] = []
    for number, raw in numbered:
        try:
            text = _decode(raw, line=number)
        except ReadError as exc:
            yield Payload(index, number, problem=exc.finding, problem_position=exc.position)
            return
        offset = 0
        while offset < len(text):
            if start is None:
                first = len(text) - len(text[offset:].lstrip())
                if first == len(text):
                    break
                start, offset, size = (number, first + 1), first, 0
                parts = [" " * first]  # kept in its column, so the decoder's columns are the file's
            end = None
            for match in _NESTING.finditer(text, offset):
                char = match.group()[0]
                if char in "[{":
                    depth += 1
                elif char in "]}":
                    depth -= 1
                    if depth <= 0:
                        end = match.end()
                        break
            piece = text[offset:end]
            size += len(piece)
            if size <= MAX_DOCUMENT_BYTES:
                parts.append(piece)
            if end is None:
                break
            yield _document(index, start, "".join(parts), size)
            index, depth, start, parts, offset = index + 1, 0, None, [], end
    if start is not None:
        yield _document(index, start, "".join(parts), size)


def _document(index: int, start: tuple[int, int], text: str, size: int) -> Payload:
    line = start[0]
    if size > MAX_DOCUMENT_BYTES:
        return Payload(index, line, problem=rule("file-unreadable").finding(
            "", reason=f"the document at line {line} is larger than {MAX_DOCUMENT_BYTES // (1024 * 1024)} MiB"),
            problem_position=start)
    try:
        return Payload(index, line, _parse_json(text, line=line), source=text, origin=line)
    except ReadError as exc:
        return Payload(index, line, problem=exc.finding, problem_position=exc.position)


BOM = "\ufeff"
_UTF16_32_BOMS = ((b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"),
                  (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16"))


def _decode(data: bytes, line: int | None = None) -> str:
    """UTF-8 text. A UTF-8 byte order mark is kept: what it means depends on the syntax."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        encoding = next((name for bom, name in _UTF16_32_BOMS if data.startswith(bom)), None)
        hint = (f"it starts with a {encoding} byte order mark: save it as UTF-8" if encoding
                else "save it as UTF-8")
        finding = rule("file-not-utf8").finding("", hint=hint, byte=data[exc.start], offset=exc.start)
        if line is not None:
            finding = Finding(finding.rule, finding.severity, "", f"line {line}: {finding.message}", finding.hint,
                              {**finding.ctx, "line": line})
        raise ReadError(finding, _position(data[:exc.start].decode("utf-8"), exc.start, line or 1)) from None


def _position(text: str, offset: int, first_line: int = 1) -> Position:
    """The 1-based line and column of `offset` in `text`, which starts on line `first_line`."""
    line_start = text.rfind("\n", 0, offset) + 1
    return first_line + text.count("\n", 0, offset), offset - line_start + 1


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _parse_float(text: str) -> float:
    value = float(text)
    if value in (math.inf, -math.inf):
        shown = text if len(text) <= 24 else f"{text[:12]}...{text[-8:]} ({len(text):,} characters)"
        raise ValueError(f"the number {shown} is too large for a 64-bit float (it would become Infinity)")
    return value


def _parse_int(text: str) -> int:
    try:
        return int(text)
    except ValueError:  # longer than sys.get_int_max_str_digits(): quadratic to convert
        raise ValueError(_long_integer(text)) from None


def _long_integer(text: str) -> str:
    digits = sum(c.isdigit() for c in text)
    return f"an integer has {digits:,} digits; capreg reads integers of up to {sys.get_int_max_str_digits():,} digits"


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        # json.loads would keep the last one silently; the provider may keep the first.
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise ValueError(f"duplicate key {shortened(repr(key))} in one object")
            seen.add(key)
    return result


_DECODER = json.JSONDecoder(parse_constant=_reject_constant, parse_float=_parse_float, parse_int=_parse_int,
                            object_pairs_hook=_unique_keys)
# A JSON string literal, to take separators inside strings out of a count of separators.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_EMPTY_ARRAY = re.compile(r"\[\s*\]")


def _parse_json(text: str, line: int | None = None) -> Any:
    """The value of one JSON document. `line` is the line of the file the text starts on, when
    the file holds several (JSONL lines, concatenated documents): messages and positions
    name the file's lines."""
    first_line = line or 1
    on_line = f" on line {line}" if line else ""

    def fail(detail: str, hint: str | None = None, position: Position | None = None) -> ReadError:
        # Without a place of its own, a problem of the whole document is at its first character.
        start = len(text) - len(text.lstrip())
        return ReadError(rule("parse-error").finding("", hint=hint, format="JSON", detail=detail),
                         position or _position(text, start, first_line))

    value = _plainly_parsed(text)
    if value is not _UNSURE:
        return value
    if text.startswith(BOM):
        raise fail(f"it starts with a UTF-8 byte order mark (U+FEFF){on_line}; JSON text must not (RFC 8259, "
                   "section 8.1), and the JSON parsers of the providers reject it",
                   hint="save the file as UTF-8 without a byte order mark", position=(first_line, 1))
    if _value_count_exceeds(text, MAX_VALUES):
        raise fail(f"it holds more than {MAX_VALUES:,} values{on_line}; a request payload holds far fewer")
    try:
        value = _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        at = (first_line + exc.lineno - 1, exc.colno)
        raise fail(f"{exc.msg} at line {at[0]} column {at[1]}", _jsonc_hint(text, exc.pos), at) from None
    except RecursionError:
        raise fail(f"it is nested too deeply{on_line}; capreg reads at most {MAX_DEPTH} levels of arrays and objects"
                   ) from None
    except ValueError as exc:  # duplicate keys, NaN/Infinity, numbers out of range
        raise fail(str(exc) + on_line) from None
    problem = _unreadable_structure(value, text)
    if problem is None:
        return value
    detail, path = problem
    from registry.io.positions import locate_all

    located = locate_all(text, "json", [to_pointer(path)])[0]
    raise fail(detail + on_line, position=(first_line + located[0] - 1, located[1]) if located else None)


_UNSURE = object()  # what _plainly_parsed returns when the hooked decoder has to decide
_SCAN_PLAIN = json.scanner.make_scanner(json.JSONDecoder())  # (value, end): the C scanner without hooks
_JSON_SPACE = " \t\n\r"


def _plainly_parsed(text: str) -> Any:
    """The value of JSON text that plainly needs none of the checks the hooked decoder makes,
    parsed by the C scanner alone; else _UNSURE (then _parse_json decides, finding and all).

    Plainly is: no byte order mark, no backslash (so no escaped half of a surrogate pair,
    and every `"` opens or closes a string), few enough separators for MAX_VALUES, and once
    parsed, no deeper than MAX_DEPTH, every number finite (no NaN, Infinity or overflow)
    and as many strings, keys included, as the text has pairs of quotes: a key given twice
    is one key fewer in the parsed value. The value is then exactly the hooked decoder's."""
    if text.startswith(BOM) or "\\" in text or (
            len(text) >= MAX_VALUES and 1 + text.count("[") + text.count(",") + text.count(":") > MAX_VALUES):
        return _UNSURE
    start = len(text) - len(text.lstrip(_JSON_SPACE))
    try:
        value, end = _SCAN_PLAIN(text, start)
    except (StopIteration, ValueError, RecursionError):  # broken text, an integer too long to convert
        return _UNSURE
    if end != len(text) and text[end:].strip(_JSON_SPACE):
        return _UNSURE
    if _strings_if_plain(value) != text.count('"') // 2:
        return _UNSURE
    return value


def _strings_if_plain(value: Any) -> int:
    """The number of strings in a parsed value, keys included; -1 when it is nested deeper
    than MAX_DEPTH or holds a number that is not finite."""
    strings = 0
    level = [value]
    for depth in range(MAX_DEPTH + 1):  # the containers' levels, then their items'
        below: list[Any] = []
        for item in level:
            kind = type(item)
            if kind is str:
                strings += 1
            elif kind is dict:
                if depth == MAX_DEPTH:
                    return -1
                strings += len(item)
                below.extend(item.values())
            elif kind is list:
                if depth == MAX_DEPTH:
                    return -1
                below.extend(item)
            elif kind is float and not math.isfinite(item):
                return -1
        if not below:
            return strings
        level = below
    return -1


def _jsonc_hint(text: str, offset: int) -> str | None:
    """What to do when the decoder stopped at what JSONC or JSON5 allow and JSON does not."""
    if text.startswith(("//", "/*"), offset):
        return "JSON has no comments (JSONC) — remove them"
    if text.startswith(("}", "]"), offset) and text[:offset].rstrip().endswith(","):
        return "JSON has no trailing commas (JSONC) — remove the comma before the closing bracket"
    if text.startswith("'", offset):
        return "JSON has no single quotes (JSON5) — write strings and keys in double quotes"
    return None


def _value_count_exceeds(text: str, limit: int) -> bool:
    """Whether the JSON text holds more than `limit` values, counted before parsing it (so a
    huge one never costs the memory of its parse). Every value but the first follows a `[`,
    `,` or `:`; the cheap count is exact unless strings hold separators or arrays are empty."""
    if 1 + text.count("[") + text.count(",") + text.count(":") <= limit:
        return False
    skeleton = _STRING.sub('""', text)
    empty_arrays = sum(1 for _ in _EMPTY_ARRAY.finditer(skeleton))
    return 1 + skeleton.count("[") + skeleton.count(",") + skeleton.count(":") - empty_arrays > limit


def _unreadable_structure(value: Any, text: str) -> tuple[str, tuple[str | int, ...]] | None:
    """Why a parsed JSON value cannot be checked, and where: nested deeper than MAX_DEPTH, or
    a string that is not Unicode text (an escaped half of a surrogate pair). Most payloads
    skip the walk: they have too few brackets to be that deep and no `\\u` escape."""
    deep = text.count("[") + text.count("{") > MAX_DEPTH
    escapes = "\\u" in text
    if not (deep or escapes):
        return None
    stack: list[tuple[Any, int, tuple[str | int, ...]]] = [(value, 0, ())]
    while stack:
        current, depth, path = stack.pop()
        if type(current) is dict:
            if depth == MAX_DEPTH:
                return _too_deep(), path
            for key, item in current.items():
                if escapes and not_unicode_text(key):
                    return half_surrogate("a key", key, path), path
                stack.append((item, depth + 1, (*path, key)))
        elif type(current) is list:
            if depth == MAX_DEPTH:
                return _too_deep(), path
            stack.extend((item, depth + 1, (*path, index)) for index, item in enumerate(current))
        elif escapes and type(current) is str and not_unicode_text(current):
            return half_surrogate("the string", current, path), path
    return None


def _too_deep() -> str:
    return f"it is nested more than {MAX_DEPTH} levels deep; capreg reads at most {MAX_DEPTH} levels of arrays and objects"


def _parse_yaml(text: str) -> Iterator[Payload]:
    import yaml  # only YAML inputs pay for it

    # libyaml when PyYAML has it: ~10x faster and half the memory of the pure-Python parser.
    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class JsonCompatibleLoader(base):  # type: ignore[misc, valid-type]
        """SafeLoader whose scalars are JSON's: dates and times stay strings."""

    JsonCompatibleLoader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def construct_int(loader: Any, node: Any) -> int:
        try:
            return yaml.SafeLoader.construct_yaml_int(loader, node)
        except ValueError:  # longer than Python converts
            raise yaml.constructor.ConstructorError(None, None, _long_integer(node.value), node.start_mark) from None

    JsonCompatibleLoader.add_constructor("tag:yaml.org,2002:int", construct_int)

    def problem(exc: Any) -> ReadError:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        return _yaml_error(f"{getattr(exc, 'problem', None) or exc}{at}", mark)

    try:
        # The events first (streamed, no recursion, little memory), so a huge or deep file is
        # refused before the composer, which recurses and keeps every node, sees it.
        _check_yaml_events(yaml.parse(text, Loader=JsonCompatibleLoader))
    except yaml.YAMLError as exc:
        if base is not yaml.SafeLoader:
            _check_yaml_events_in_pure_python(text)
        raise problem(exc) from None
    try:
        documents = list(yaml.compose_all(text, Loader=JsonCompatibleLoader))
    except yaml.YAMLError as exc:
        raise problem(exc) from None
    constructor = JsonCompatibleLoader("")
    from registry.io.modeline import modeline_offering  # YAML's alone

    named = modeline_offering(text)
    for index, node in enumerate(documents):
        if node is None:
            continue
        unfit = _document_problem(node)
        if unfit:
            raise _yaml_error(*unfit)
        try:
            value = constructor.construct_document(node)
        except yaml.YAMLError as exc:
            raise problem(exc) from None
        not_json = _not_json(value)
        if not_json:
            raise _yaml_error(not_json, node.start_mark)
        yield Payload(index, node.start_mark.line + 1 if len(documents) > 1 else None, value, source=text, syntax="yaml",
                      named=named)


def _yaml_error(detail: str, mark: Any) -> ReadError:
    """A YAML parse-error at a PyYAML mark (0-based line and column), when there is one."""
    position = (mark.line + 1, mark.column + 1) if mark is not None else None
    return ReadError(rule("parse-error").finding("", format="YAML", detail=detail), position)


def _check_yaml_events(events: Iterator[Any]) -> None:
    import yaml

    nodes = depth = 0
    for event in events:
        if isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent)):
            nodes += 1
        elif isinstance(event, yaml.CollectionStartEvent):
            nodes += 1
            depth += 1
            if depth > MAX_DEPTH:
                raise _yaml_error(_too_deep(), event.start_mark)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        if nodes > MAX_YAML_NODES:
            raise _yaml_error(f"it has more than {MAX_YAML_NODES:,} nodes; capreg reads YAML payloads up to that size "
                              "(write large payloads as JSON)", event.start_mark)


def _check_yaml_events_in_pure_python(text: str) -> None:
    """capreg's limits over the events of PyYAML's pure-Python parser, for a text libyaml
    refused. libyaml has a nesting limit of its own, and its scanner reads ahead, so a deep
    file can trip that limit (with libyaml's wording, which changes between versions) before
    capreg sees the events; the pure-Python parser has no such limit, so capreg's own finding
    comes first whatever libyaml is installed. A syntax error it meets instead is left to
    libyaml's message."""
    import yaml

    with contextlib.suppress(yaml.YAMLError):
        _check_yaml_events(yaml.parse(text, Loader=yaml.SafeLoader))


def _document_problem(root: Any) -> tuple[str, Any] | None:
    """What makes a composed YAML document unfit to check, and its mark, if anything: more than
    MAX_YAML_NODES nodes or MAX_DEPTH levels once every alias is expanded, or a key given
    twice in one mapping (PyYAML would keep the last silently; JSON input gets the same
    finding). Aliases share nodes, so each node is measured once, bottom up, without
    recursion. A node met again inside itself (an alias to an enclosing node) counts once
    here; `_not_json` refuses the constructed value."""
    measured: dict[int, tuple[int, int]] = {}  # id -> (nodes, depth), aliases expanded
    entered: set[int] = set()
    stack = [root]
    while stack:
        node = stack[-1]
        if id(node) in measured:
            stack.pop()
            continue
        mapping = node.id == "mapping"
        children = [part for pair in node.value for part in pair] if mapping else (
            node.value if node.id == "sequence" else [])
        if id(node) not in entered:
            entered.add(id(node))
            if mapping and (duplicate := _duplicate_key(node)) is not None:
                return (f"duplicate key {shortened(repr(duplicate.value))} in one mapping "
                        f"(line {duplicate.start_mark.line + 1} column {duplicate.start_mark.column + 1})",
                        duplicate.start_mark)
            stack.extend(child for child in children if id(child) not in measured and id(child) not in entered)
            continue
        stack.pop()
        size, depth = 1, 0
        for child in children:
            child_size, child_depth = measured.get(id(child), (1, 0))
            size = min(size + child_size, MAX_YAML_NODES + 1)
            depth = max(depth, child_depth)
        measured[id(node)] = (size, depth + 1 if node.id != "scalar" else 0)
    size, depth = measured[id(root)]
    if size > MAX_YAML_NODES:
        return f"its aliases expand to more than {MAX_YAML_NODES:,} nodes", root.start_mark
    if depth > MAX_DEPTH:
        return f"with its aliases expanded, {_too_deep()}", root.start_mark
    return None


def _duplicate_key(mapping: Any) -> Any:
    """The second occurrence of a plain key in a mapping node, if any (merge keys `<<` may
    repeat what they merge: explicit keys override merged ones)."""
    seen: set[tuple[str, str]] = set()
    for key, _ in mapping.value:
        if key.tag == "tag:yaml.org,2002:merge" or not isinstance(key.value, str):
            continue
        if (key.tag, key.value) in seen:
            return key
        seen.add((key.tag, key.value))
    return None


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
                    if not_unicode_text(key):
                        return half_surrogate("a key", key, ())
                    stack.append((item, False))
            else:
                stack.extend((item, False) for item in current)
        elif isinstance(current, float) and (current != current or current in (math.inf, -math.inf)):
            return f"{current} is not a JSON number"
        elif isinstance(current, str) and not_unicode_text(current):
            return half_surrogate("the string", current, ())
        elif current is not None and not isinstance(current, (str, int, float, bool)):
            return f"a {type(current).__name__} value has no JSON equivalent"
    return None
