"""Reporters: how `capreg validate` prints results. They stream, one payload at a time, so
a million-line JSONL file is reported in bounded memory (SARIF, a single JSON document
whose rules table comes first, keeps only the findings).

`--format json` is a stable, documented shape (README, "JSON output")::

    {"version": 2,
     "files": [{"file": "a.json",
                "payloads": [{"index": 0, "line": null, "offering": "runware/lipsync-2",
                              "valid": false,
                              "findings": [{"rule", "severity", "pointer", "message", "hint", "ctx",
                                            "line", "column"[, "omitted"]}]}]}],
     "summary": {"files", "payloads", "valid", "invalid", "unreadable", "errors", "warnings", "infos"}}

Version 2 added `ctx` to each finding: the values its message was built from.
"""

from __future__ import annotations

import itertools
import json
import re
import textwrap
from dataclasses import dataclass, field
from typing import IO

from registry.base.catalog import RULES, VALIDATION_FAMILIES
from registry.base.findings import Finding, Severity
from registry.base.text import plural, shortened
from registry.io.positions import Position
from registry.io.results import Result

JSON_VERSION = 2
# The rules `capreg validate` can report: the SARIF rules table.
VALIDATION_RULES = tuple(r for r in RULES.values() if r.family in VALIDATION_FAMILIES)


@dataclass(slots=True)
class Summary:
    files: int = 0
    payloads: int = 0
    valid: int = 0
    invalid: int = 0
    unreadable: int = 0  # payloads (or whole files) that could not be read
    by_severity: dict[Severity, int] = field(default_factory=lambda: dict.fromkeys(Severity, 0))

    def add(self, result: Result) -> None:
        self.payloads += 1
        if result.unreadable:
            self.unreadable += 1
        elif result.valid:
            self.valid += 1
        else:
            self.invalid += 1
        for finding in result.findings:
            self.by_severity[finding.severity] += 1 + finding.omitted

    def as_dict(self) -> dict[str, int]:
        return {
            "files": self.files, "payloads": self.payloads, "valid": self.valid, "invalid": self.invalid,
            "unreadable": self.unreadable, "errors": self.by_severity[Severity.ERROR],
            "warnings": self.by_severity[Severity.WARNING], "infos": self.by_severity[Severity.INFO],
        }


# A payload's keys and values and the names of its files end up in messages, and a terminal,
# a CI log or a code review page must show them, not act on them. C0 controls (but tab): ESC
# sequences, BEL, CR. Then what JSON leaves raw: DEL and C1 controls (0x9b is a one-byte CSI);
# bidi controls and marks, which reorder the text around them ("Trojan Source"); the line and
# paragraph separators; lone surrogates, Python's stand-ins for the bytes of a file name that
# are not UTF-8 (written back raw, such a byte is a C1 control, or leaves the output not UTF-8).
_C0_CONTROLS = ((0x00, 0x08), (0x0A, 0x1F))  # ranges of code points, both ends included
_INVISIBLE = ((0x7F, 0x9F), (0x061C, 0x061C), (0x200E, 0x200F), (0x2028, 0x202E), (0x2066, 0x2069),
              (0xD800, 0xDFFF))


def _any_of(*ranges: tuple[int, int]) -> re.Pattern[str]:
    # A character class, not str.translate: translate looks up every character of a text that
    # is not ASCII (~80 ns each, four times what json.dumps costs); the class scans in ~7 ns.
    return re.compile("[" + "".join(f"{re.escape(chr(first))}-{re.escape(chr(last))}" for first, last in ranges) + "]")


_CONTROL_PATTERN = _any_of(*_C0_CONTROLS, *_INVISIBLE)
_JSON_ESCAPE_PATTERN = _any_of(*_INVISIBLE)


def _escape(match: re.Match[str]) -> str:
    code = ord(match[0])
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(text: str) -> str:
    return _CONTROL_PATTERN.sub(_escape, text)


def json_text(value: object, indent: int | None = None) -> str:
    """`value` as JSON in which every character shows: the characters `visible` escapes become
    JSON escapes (json.dumps already escapes C0), so a consumer reads back the exact strings and
    the file, shown in a terminal, hides nothing. Other scripts stay as they are (ensure_ascii
    would escape every letter of them too)."""
    text = json.dumps(value, ensure_ascii=False, indent=indent)
    return _JSON_ESCAPE_PATTERN.sub(lambda match: f"\\u{ord(match[0]):04x}", text)


def shown_pointer(pointer: str) -> str:
    """A finding's pointer as text output shows it: JSON output keeps it whole, but a line
    of text must not carry a 15 MiB key."""
    return shortened(pointer, 200) if pointer else "(payload)"


def markdown_cell(text: object) -> str:
    """Text safe inside a Markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ")


# A wrapped column is never made narrower than this, however narrow the terminal.
NARROWEST_WRAPPED = 12


def text_table(rows: list[tuple[str, ...]], width: int | None = None, wrap: tuple[int, ...] = ()) -> str:
    """Rows as aligned columns for a terminal; the first row is the header. Given a `width`,
    the columns numbered in `wrap` are narrowed, widest first, and their cells wrapped onto
    more lines, until the table fits (or they reach NARROWEST_WRAPPED)."""
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    while width is not None and sum(widths) + 2 * (len(widths) - 1) > width:
        widest = max(wrap, key=lambda i: widths[i], default=None)
        if widest is None or widths[widest] <= NARROWEST_WRAPPED:
            break
        widths[widest] -= 1
    lines = []
    for row in rows:
        cells = [textwrap.wrap(str(cell), w) or [""] if i in wrap else [str(cell)]
                 for i, (cell, w) in enumerate(zip(row, widths))]
        for parts in itertools.zip_longest(*cells, fillvalue=""):
            lines.append("  ".join(part.ljust(w) for part, w in zip(parts, widths)).rstrip())
    return "\n".join(lines)


class Reporter:
    def __init__(self, out: IO[str]) -> None:
        self.out = out

    def file_begin(self, file: str) -> None: ...
    def result(self, result: Result) -> None: ...
    def file_end(self, file: str) -> None: ...
    def finish(self, summary: Summary) -> None: ...


class TextReporter(Reporter):
    """One line per finding, `file:line:col: severity[rule] pointer: message`, a line per
    file without findings, then a summary."""

    # ANSI: red, yellow, cyan, each bold.
    COLORS = {Severity.ERROR: "\x1b[31m\x1b[1m", Severity.WARNING: "\x1b[33m\x1b[1m", Severity.INFO: "\x1b[36m\x1b[1m"}
    RESET = "\x1b[0m"

    def __init__(self, out: IO[str], quiet: bool = False, color: bool = False) -> None:
        super().__init__(out)
        self.quiet = quiet
        self.color = color
        self._payloads = self._clean = 0
        self._offering: str | None = None  # of the file's first clean payload

    def file_begin(self, file: str) -> None:
        self._payloads = self._clean = 0
        self._offering = None

    def result(self, result: Result) -> None:
        self._payloads += 1
        if not result.findings:
            self._clean += 1
            self._offering = self._offering or result.offering
            return
        for finding, position in result.located():
            location = _location(result, position)
            pointer = shown_pointer(finding.pointer)
            severity = f"{finding.severity}[{finding.rule}]"
            if self.color:
                severity = self.COLORS[finding.severity] + severity + self.RESET
            self.out.write(visible(f"{location}: ") + severity + visible(f" {pointer}: {finding.message}") + "\n")
            if finding.hint:
                self.out.write(visible(f"    hint: {finding.hint}") + "\n")

    def file_end(self, file: str) -> None:
        if self.quiet or not self._clean:
            return
        if self._payloads == 1:
            self.out.write(visible(f"{file}: ok ({self._offering})") + "\n")
        else:
            clean = "all" if self._clean == self._payloads else f"{self._clean}"
            self.out.write(visible(f"{file}: {self._payloads} payloads, {clean} ok") + "\n")

    def finish(self, summary: Summary) -> None:
        counts = summary.as_dict()
        parts = [f"{summary.files} file{'s' * (summary.files != 1)}",
                 f"{summary.payloads} payload{'s' * (summary.payloads != 1)}",
                 f"{summary.valid} valid", f"{summary.invalid} invalid"]
        if summary.unreadable:
            parts.append(f"{summary.unreadable} unreadable")
        parts.append(f"{plural(counts['errors'], 'error')}, {plural(counts['warnings'], 'warning')}")
        self.out.write(", ".join(parts) + "\n")


class JsonReporter(Reporter):
    """Writes the JSON document as results arrive instead of building it in memory."""

    def __init__(self, out: IO[str]) -> None:
        super().__init__(out)
        self._first_file = True
        self._first_payload = True
        self.out.write('{"version": ' + str(JSON_VERSION) + ', "files": [')

    def file_begin(self, file: str) -> None:
        self.out.write(("" if self._first_file else ", ") + '{"file": ' + json_text(file) + ', "payloads": [')
        self._first_file, self._first_payload = False, True

    def result(self, result: Result) -> None:
        findings = []
        for finding, position in result.located():
            line, column = position or (None, None)
            findings.append({**finding.as_dict(), "line": line, "column": column})
        record = {
            "index": result.index, "line": result.line, "offering": result.offering, "valid": result.valid,
            "findings": findings,
        }
        self.out.write(("" if self._first_payload else ", ") + json_text(record))
        self._first_payload = False

    def file_end(self, file: str) -> None:
        self.out.write("]}")

    def finish(self, summary: Summary) -> None:
        self.out.write('], "summary": ' + json.dumps(summary.as_dict()) + "}\n")


def _location(result: Result, position: Position | None) -> str:
    """`file:line:col`, the form editors and CI logs turn into links."""
    if position is not None:
        return f"{result.file}:{position[0]}:{position[1]}"
    return result.file if result.line is None else f"{result.file}:{result.line}"


class GithubReporter(Reporter):
    """GitHub Actions workflow commands: each finding becomes an annotation on its line."""

    COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}

    def result(self, result: Result) -> None:
        for finding, position in result.located():
            properties = [f"file={_escape_property(result.file)}"]
            line = position[0] if position else result.line
            if line is not None:
                properties.append(f"line={line}")
            if position is not None:
                properties.append(f"col={position[1]}")
            properties.append(f"title={_escape_property(f'capreg {finding.rule}')}")
            text = f"{shown_pointer(finding.pointer)}: {finding.message}" + (f" (hint: {finding.hint})" if finding.hint else "")
            self.out.write(f"::{self.COMMANDS[finding.severity]} {','.join(properties)}::{_escape_data(text)}\n")

    def finish(self, summary: Summary) -> None:
        counts = summary.as_dict()
        self.out.write(f"capreg: {plural(summary.payloads, 'payload')}, {plural(counts['errors'], 'error')}, "
                       f"{plural(counts['warnings'], 'warning')}\n")


def _escape_data(text: str) -> str:
    return visible(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _uri(file: str) -> str:
    """A file name as the URI reference SARIF asks for: a space, a bidi control or a byte that
    is not UTF-8 percent-encoded, `/` kept."""
    from urllib.parse import quote

    return quote(file, errors="surrogateescape")


class SarifReporter(Reporter):
    """SARIF 2.1.0, for code-scanning dashboards. One run; the rules table lists every rule id."""

    LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}

    def __init__(self, out: IO[str]) -> None:
        super().__init__(out)
        self.results: list[dict[str, object]] = []

    def result(self, result: Result) -> None:
        for finding, position in result.located():
            physical: dict[str, object] = {"artifactLocation": {"uri": _uri(result.file)}}
            line = position[0] if position else result.line
            if line is not None:
                region: dict[str, int] = {"startLine": line}
                if position is not None:
                    region["startColumn"] = position[1]
                physical["region"] = region
            location: dict[str, object] = {"physicalLocation": physical}
            if finding.pointer:
                location["logicalLocations"] = [{"fullyQualifiedName": finding.pointer, "kind": "member"}]
            text = finding.message + (f" (hint: {finding.hint})" if finding.hint else "")
            self.results.append({
                "ruleId": finding.rule, "ruleIndex": VALIDATION_RULES.index(RULES[finding.rule]),
                "level": self.LEVELS[finding.severity], "message": {"text": text}, "locations": [location],
            })

    def finish(self, summary: Summary) -> None:
        from importlib.metadata import PackageNotFoundError, version

        try:
            tool_version = version("capreg")
        except PackageNotFoundError:
            tool_version = "0"
        rules = [{"id": r.id, "shortDescription": {"text": r.summary},
                  "defaultConfiguration": {"level": self.LEVELS[r.severity]}} for r in VALIDATION_RULES]
        log = {
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{"tool": {"driver": {"name": "capreg", "version": tool_version, "rules": rules}},
                      "results": self.results}],
        }
        self.out.write(json_text(log, indent=2) + "\n")


REPORTERS = {"text": TextReporter, "json": JsonReporter, "github": GithubReporter, "sarif": SarifReporter}
