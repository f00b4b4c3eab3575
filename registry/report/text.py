"""`--format text`: for people."""

from __future__ import annotations

from typing import IO, TYPE_CHECKING

from registry.base.findings import Severity
from registry.base.text import plural
from registry.io.results import Result, Summary
from registry.report.base import Reporter
from registry.report.escapes import shown_pointer, visible

# A type only: the finder of positions is imported when a finding needs one
if TYPE_CHECKING:
    from registry.io.positions import Position


class TextReporter(Reporter):
    """One line per finding, `file:line:col: severity[rule] pointer: message`, a line per
    file without findings, then a summary. Quiet: the findings only, and the summary only
    after findings (silent on success, as linters and pre-commit hooks are)."""

    name = "text"

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
        lines = []
        for finding, position in result.located():
            location = _location(result, position)
            pointer = shown_pointer(finding.pointer)
            severity = f"{finding.severity}[{finding.rule}]"
            if self.color:
                severity = self.COLORS[finding.severity] + severity + self.RESET
                lines.append(visible(f"{location}: ") + severity + visible(f" {pointer}: {finding.message}"))
            else:  # a severity and a rule id show as they are: one pass over the whole line
                lines.append(visible(f"{location}: {severity} {pointer}: {finding.message}"))
            if finding.hint:
                lines.append(visible(f"    hint: {finding.hint}"))
        self.out.write("\n".join(lines) + "\n")

    def file_end(self, file: str) -> None:
        if self.quiet or not self._clean:
            return
        if self._payloads == 1:
            self.out.write(visible(f"{file}: ok ({self._offering})") + "\n")
        else:
            clean = "all" if self._clean == self._payloads else f"{self._clean}"
            self.out.write(visible(f"{file}: {self._payloads} payloads, {clean} ok") + "\n")

    def finish(self, summary: Summary) -> None:
        if self.quiet and not any(summary.by_severity.values()):
            return  # nothing was printed
        counts = summary.as_dict()
        parts = [f"{summary.files} file{'s' * (summary.files != 1)}",
                 f"{summary.payloads} payload{'s' * (summary.payloads != 1)}",
                 f"{summary.valid} valid", f"{summary.invalid} invalid"]
        if summary.unreadable:
            parts.append(f"{summary.unreadable} unreadable")
        parts.append(f"{plural(counts['errors'], 'error')}, {plural(counts['warnings'], 'warning')}")
        self.out.write(", ".join(parts) + "\n")


def _location(result: Result, position: Position | None) -> str:
    """`file:line:col`, the form editors and CI logs turn into links."""
    if position is not None:
        return f"{result.file}:{position[0]}:{position[1]}"
    return result.file if result.line is None else f"{result.file}:{result.line}"
