"""`--format sarif`: SARIF 2.1.0, for code-scanning dashboards. A single JSON document whose
rules table comes first, so it keeps the findings (not the payloads) until the end."""

from __future__ import annotations

from typing import IO

from registry.base.catalog import RULES, VALIDATION_FAMILIES
from registry.base.findings import Severity
from registry.io.results import Result, Summary
from registry.report.base import Reporter
from registry.report.escapes import json_text


def _uri(file: str) -> str:
    """A file name as the URI reference SARIF asks for: a space, a bidi control or a byte that
    is not UTF-8 percent-encoded, `/` kept."""
    from urllib.parse import quote

    return quote(file, errors="surrogateescape")


class SarifReporter(Reporter):
    """SARIF 2.1.0, for code-scanning dashboards. One run; the rules table lists every rule id."""

    name = "sarif"

    LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}

    def __init__(self, out: IO[str]) -> None:
        super().__init__(out)
        self.results: list[dict[str, object]] = []
        # The rules `capreg validate` can report, read when the run starts: the catalog holds
        # the rules of every keyword registered by then.
        self.rules = tuple(r for r in RULES.values() if r.family in VALIDATION_FAMILIES)
        self.rule_index = {r.id: index for index, r in enumerate(self.rules)}

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
                "ruleId": finding.rule, "ruleIndex": self.rule_index[finding.rule],
                "level": self.LEVELS[finding.severity], "message": {"text": text}, "locations": [location],
            })

    def finish(self, summary: Summary) -> None:
        from importlib.metadata import PackageNotFoundError, version

        try:
            tool_version = version("capreg")
        except PackageNotFoundError:
            tool_version = "0"
        rules = [{"id": r.id, "shortDescription": {"text": r.summary},
                  "defaultConfiguration": {"level": self.LEVELS[r.severity]}} for r in self.rules]
        log = {
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{"tool": {"driver": {"name": "capreg", "version": tool_version, "rules": rules}},
                      "results": self.results}],
        }
        self.out.write(json_text(log, indent=2) + "\n")
