"""The exit codes of every command and the one `--fail-on` policy, without click (the
click-free `capreg validate` uses them too). The table: registry.cli.common."""

from __future__ import annotations

from collections.abc import Iterable

from registry.base.findings import Finding, Severity

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def fails(findings: Iterable[Finding], fail_on: str | None) -> bool:
    """The one `--fail-on` policy: a finding at or above the threshold fails the command."""
    if fail_on is None:
        return False
    threshold = Severity(fail_on).rank
    return any(finding.severity.rank >= threshold for finding in findings)


def exit_code(findings: Iterable[Finding], fail_on: str | None) -> int:
    return EXIT_FINDINGS if fails(findings, fail_on) else EXIT_OK
