"""`--format github`: GitHub Actions workflow commands."""

from __future__ import annotations

from registry.base.findings import Severity
from registry.base.text import plural
from registry.io.results import Result, Summary
from registry.report.base import Reporter
from registry.report.escapes import shown_pointer, visible


class GithubReporter(Reporter):
    """GitHub Actions workflow commands: each finding becomes an annotation on its line."""

    name = "github"

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
