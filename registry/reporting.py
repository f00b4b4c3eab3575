"""Reporters: how `capreg validate` prints results. They stream, one payload at a time, so
a million-line JSONL file is reported in bounded memory.

`--format json` is a stable, documented shape (README, "JSON output")::

    {"version": 1,
     "files": [{"file": "a.json",
                "payloads": [{"index": 0, "line": null, "offering": "runware/lipsync-2",
                              "valid": false,
                              "findings": [{"rule", "severity", "pointer", "message", "hint"}]}]}],
     "summary": {"files", "payloads", "valid", "invalid", "unreadable", "errors", "warnings", "infos"}}
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import IO

from .findings import Finding, Severity


@dataclass(frozen=True, slots=True)
class Result:
    """The outcome for one payload of one file."""

    file: str
    index: int
    line: int | None
    offering: str | None
    findings: tuple[Finding, ...]

    @property
    def valid(self) -> bool:
        return not any(f.severity is Severity.ERROR for f in self.findings)


@dataclass(slots=True)
class Summary:
    files: int = 0
    payloads: int = 0
    valid: int = 0
    invalid: int = 0
    unreadable: int = 0  # payloads (or whole files) that could not be read
    by_severity: dict[Severity, int] = field(default_factory=lambda: dict.fromkeys(Severity, 0))

    def add(self, result: Result, unreadable: bool) -> None:
        self.payloads += 1
        if unreadable:
            self.unreadable += 1
        elif result.valid:
            self.valid += 1
        else:
            self.invalid += 1
        for finding in result.findings:
            self.by_severity[finding.severity] += 1

    def as_dict(self) -> dict[str, int]:
        return {
            "files": self.files, "payloads": self.payloads, "valid": self.valid, "invalid": self.invalid,
            "unreadable": self.unreadable, "errors": self.by_severity[Severity.ERROR],
            "warnings": self.by_severity[Severity.WARNING], "infos": self.by_severity[Severity.INFO],
        }


class Reporter:
    def __init__(self, out: IO[str]) -> None:
        self.out = out

    def file_begin(self, file: str) -> None: ...
    def result(self, result: Result) -> None: ...
    def file_end(self, file: str) -> None: ...
    def finish(self, summary: Summary) -> None: ...


class TextReporter(Reporter):
    """One line per finding, `file[:line]: severity[rule] pointer: message`, then a summary."""

    def __init__(self, out: IO[str], quiet: bool = False) -> None:
        super().__init__(out)
        self.quiet = quiet
        self._clean: list[Result] = []
        self._payloads = 0

    def file_begin(self, file: str) -> None:
        self._clean, self._payloads = [], 0

    def result(self, result: Result) -> None:
        self._payloads += 1
        if not result.findings:
            if len(self._clean) < 2:  # the first one names the offering; the count is enough after
                self._clean.append(result)
            return
        location = result.file if result.line is None else f"{result.file}:{result.line}"
        for finding in result.findings:
            pointer = finding.pointer or "(payload)"
            self.out.write(f"{location}: {finding.severity}[{finding.rule}] {pointer}: {finding.message}\n")
            if finding.hint:
                self.out.write(f"    hint: {finding.hint}\n")

    def file_end(self, file: str) -> None:
        if self.quiet or not self._clean:
            return
        if self._payloads == 1:
            self.out.write(f"{file}: ok ({self._clean[0].offering})\n")
        else:
            clean = "all" if len(self._clean) == self._payloads else "the others"
            self.out.write(f"{file}: {self._payloads} payloads, {clean} ok\n")

    def finish(self, summary: Summary) -> None:
        counts = summary.as_dict()
        parts = [f"{summary.files} file{'s' * (summary.files != 1)}",
                 f"{summary.payloads} payload{'s' * (summary.payloads != 1)}",
                 f"{summary.valid} valid", f"{summary.invalid} invalid"]
        if summary.unreadable:
            parts.append(f"{summary.unreadable} unreadable")
        parts.append(f"{counts['errors']} errors, {counts['warnings']} warnings")
        self.out.write(", ".join(parts) + "\n")


class JsonReporter(Reporter):
    """Writes the JSON document as results arrive instead of building it in memory."""

    def __init__(self, out: IO[str]) -> None:
        super().__init__(out)
        self._first_file = True
        self._first_payload = True
        self.out.write('{"version": 1, "files": [')

    def file_begin(self, file: str) -> None:
        self.out.write(("" if self._first_file else ", ") + '{"file": ' + json.dumps(file) + ', "payloads": [')
        self._first_file, self._first_payload = False, True

    def result(self, result: Result) -> None:
        record = {
            "index": result.index, "line": result.line, "offering": result.offering, "valid": result.valid,
            "findings": [f.as_dict() for f in result.findings],
        }
        self.out.write(("" if self._first_payload else ", ") + json.dumps(record, ensure_ascii=False))
        self._first_payload = False

    def file_end(self, file: str) -> None:
        self.out.write("]}")

    def finish(self, summary: Summary) -> None:
        self.out.write('], "summary": ' + json.dumps(summary.as_dict()) + "}\n")


REPORTERS = {"text": TextReporter, "json": JsonReporter}
