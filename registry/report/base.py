"""What every reporter of `capreg validate` is: it is told of each file, each payload's
result and the summary at the end, as they come, so it can stream."""

from __future__ import annotations

from typing import IO

from registry.io.results import Result, Summary


class Reporter:
    name: str  # its `--format` value

    def __init__(self, out: IO[str]) -> None:
        self.out = out

    def file_begin(self, file: str) -> None: ...
    def result(self, result: Result) -> None: ...
    def file_end(self, file: str) -> None: ...
    def finish(self, summary: Summary) -> None: ...
