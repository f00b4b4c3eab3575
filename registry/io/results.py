"""The outcome of checking one payload of one file, and the counts over a run: what the
reporters print."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from registry.base.catalog import RULES
from registry.base.findings import Finding, Severity
from registry.base.frozen import record

# A type only: the finder of positions is imported when a finding needs one
if TYPE_CHECKING:
    from registry.io.positions import Position


@record
class Result:
    """The outcome for one payload of one file."""

    file: str
    index: int
    line: int | None
    offering: str | None
    findings: tuple[Finding, ...]
    positions: tuple[Position | None, ...] = ()  # (line, column) of each finding, when known

    def only(self, keep: Callable[[Finding], bool]) -> Result:
        """The same result with only the findings `keep` accepts (`--select`, `--ignore`)."""
        kept = [(finding, position) for finding, position in self.located() if keep(finding)]
        return self._replace(findings=tuple(f for f, _ in kept),
                             positions=tuple(p for _, p in kept) if self.positions else ())

    def located(self) -> list[tuple[Finding, Position | None]]:
        return list(zip(self.findings, self.positions or (None,) * len(self.findings)))

    @property
    def valid(self) -> bool:
        return not any(f.severity is Severity.ERROR for f in self.findings)

    @property
    def unreadable(self) -> bool:
        """The payload (or its whole file) could not be read, so nothing was checked."""
        return any(RULES[f.rule].family == "input" for f in self.findings)


class Summary:
    """The counts over a run of `capreg validate`, which every reporter ends with."""

    __slots__ = ("files", "payloads", "valid", "invalid", "unreadable", "by_severity")

    def __init__(self) -> None:
        self.files = 0
        self.payloads = 0
        self.valid = 0
        self.invalid = 0
        self.unreadable = 0  # payloads (or whole files) that could not be read
        self.by_severity = dict.fromkeys(Severity, 0)

    def add(self, result: Result) -> None:
        self.payloads += 1
        if not result.findings:
            self.valid += 1
        elif result.unreadable:
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
