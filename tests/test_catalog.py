"""One finding model and one catalog: every rule id any command prints is in the catalog,
once, with the severity the command reports, and each message is its template filled with
the finding's ctx."""

from __future__ import annotations

import json
import pickle
from types import MappingProxyType

import pytest

from registry.base.catalog import FAMILIES, RULES, Rule, _by_id
from registry.base.findings import Finding, Severity
from registry.codegen.docs import pages
from registry.tools.compare import compare
from registry.tools.lint import lint
from registry.tools.plan import plan
from registry.tools.translate import translate
from registry.validation.validate import validate

from .conftest import ROOT


def _printed_findings(real) -> list[Finding]:
    """What validate, compare, translate, lint and plan say about the shipped tree and examples."""
    found: list[Finding] = []
    for path in sorted(ROOT.glob("examples/*/*/*/*.json")):
        offering = "/".join(path.relative_to(ROOT / "examples").parts[:2])
        payload = json.loads(path.read_text(encoding="utf-8"))
        found += validate(payload, offering, registry=real).findings
        if path.parent.name == "valid" and offering.startswith("runware/lipsync-2"):
            for target in ("fal", "sync", "replicate"):
                found += translate(payload, target, registry=real).findings
    for model in real.models():
        found += compare(real, model).differences
    found += lint(real)
    found += [w for p in plan(real, 4.0, 8.64) + plan(real, 10.0, 1.74) for w in p.warnings]
    return found


def test_every_printed_finding_is_a_catalog_rule_with_its_severity_and_template(real):
    found = _printed_findings(real)
    assert {f.rule for f in found} >= {"enum", "implicit-default", "default-differs", "not-expressible",
                                       "visible-repetition"}  # each family is exercised
    for finding in found:
        rule = RULES[finding.rule]
        assert finding.severity is rule.severity, finding
        assert finding.message == rule.template.format(**finding.ctx), finding
        json.dumps(finding.as_dict())  # ctx is part of the JSON outputs


def test_rule_ids_are_unique_across_the_families():
    with pytest.raises(ValueError, match="'default-differs' is defined twice"):
        _by_id([RULES["default-differs"], Rule("default-differs", Severity.WARNING, "advisory", "", "")])
    assert {r.family for r in RULES.values()} == set(FAMILIES)
    assert all(r.id == r.id.lower() and " " not in r.id for r in RULES.values())


def test_a_finding_is_frozen_hashable_and_crosses_processes():
    finding = RULES["enum"].finding("/a", hint="h", name="`a`", expected='"x"', found='"y"')
    assert isinstance(finding.ctx, MappingProxyType)
    with pytest.raises(TypeError):
        finding.ctx["name"] = "b"  # type: ignore[index]
    assert pickle.loads(pickle.dumps(finding)) == finding
    assert len({finding, pickle.loads(pickle.dumps(finding))}) == 1
    assert finding.as_dict()["ctx"] == {"name": "`a`", "expected": '"x"', "found": '"y"'}


def test_the_rules_page_lists_every_rule_of_the_catalog(real):
    page = pages(real)["docs/rules.md"]
    for rule in RULES.values():
        assert f"\n### {rule.id}\n\n{rule.severity}. {rule.summary}" in page
