"""What `capreg validate` does once its arguments are known, without click: check the files
and report them. Shared by the click command (registry.cli.validate) and the click-free
path (registry.cli.fast)."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import IO, Any

from registry.base.findings import Finding
from registry.cli.exits import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, fails
from registry.io.batch import Unmatched, check_files
from registry.io.results import Summary
from registry.report.base import Reporter
from registry.report.reporters import REPORTERS
from registry.schema.tree import Registry


def reporter_for(output_format: str, color: str, quiet: bool, out: IO[str]) -> Reporter:
    if output_format != "text":
        return REPORTERS[output_format](out)
    use_color = color == "always" or (color == "auto" and out.isatty() and not os.environ.get("NO_COLOR"))
    return REPORTERS["text"](out, quiet=quiet, color=use_color)  # type: ignore[call-arg]


def check_and_report(files: list[str | Unmatched], offering_for: Callable[[str], str | None], registry: Registry,
                     reporter: Reporter, keep: Callable[[Finding], bool] | None, fail_on: str | None,
                     jobs: int, modelines: bool, progress: Any = None) -> int:
    """Check every file, report as results come; the exit code. `keep` filters the findings
    (`--select`, `--ignore`); None keeps them all. `progress` (registry.cli.progress), when
    given, is told of each payload and file."""
    summary = Summary()
    failed = unreadable = False
    for display, results in check_files(files, offering_for, registry, jobs, modelines=modelines):
        summary.files += 1
        reporter.file_begin(display)
        for result in results:
            if keep is not None:
                result = result.only(keep)
            if result.findings:
                unreadable |= result.unreadable
                failed |= fails(result.findings, fail_on)
            summary.add(result)
            reporter.result(result)
            if progress:
                progress.payload()
        reporter.file_end(display)
        if progress:
            progress.file()
    reporter.finish(summary)
    return EXIT_USAGE if unreadable else EXIT_FINDINGS if failed else EXIT_OK

