"""The reporters of `capreg validate`, one class each (registry/report/<name>.py), in one
table: `--format` offers its keys. They stream, one payload at a time, so a million-line
JSONL file is reported in bounded memory.

Adding a reporter is one class (a `Reporter` with a `name`) and `register`.
"""

from __future__ import annotations

from registry.report.base import Reporter
from registry.report.github import GithubReporter
from registry.report.json import JsonReporter
from registry.report.sarif import SarifReporter
from registry.report.text import TextReporter

REPORTERS: dict[str, type[Reporter]] = {}


def register(reporter: type[Reporter]) -> type[Reporter]:
    """Add a reporter (usable as a class decorator) under its new `name`."""
    if reporter.name in REPORTERS:
        raise ValueError(f"a reporter named {reporter.name!r} is registered already")
    REPORTERS[reporter.name] = reporter
    return reporter


for _reporter in (TextReporter, JsonReporter, GithubReporter, SarifReporter):
    register(_reporter)
