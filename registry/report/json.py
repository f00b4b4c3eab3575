"""`--format json`: a stable, documented shape (README, "JSON output")::

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

import json
from typing import IO

from registry.io.results import Result, Summary
from registry.report.base import Reporter
from registry.report.escapes import json_text

JSON_VERSION = 2


class JsonReporter(Reporter):
    """Writes the JSON document as results arrive instead of building it in memory."""

    name = "json"

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
