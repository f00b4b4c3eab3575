"""An `x-` rule keyword is one class, a reporter is one class: adding either is the class and
its registration, and every place that lists keywords or reporters follows from the table."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import registry
from registry.base import pointers
from registry.base.catalog import RULES, Rule
from registry.base.findings import Finding, Listing, Severity
from registry.cli import main
from registry.codegen.docs import pages
from registry.report.base import Reporter
from registry.report.reporters import REPORTERS, register as register_reporter
from registry.schema.index import index_of
from registry.schema.tree import offering_meta_schema, shipped_schema_root
from registry.tools.breaking import breaking_changes
from registry.tools.lint import lint, render_text
from registry.validation.keywords import KEYWORDS, Keyword, Reached, KeywordUse, register

from .conftest import FIXTURES, ROOT


class MaxSum(Keyword):
    """A keyword no file of capreg knows: the named numbers of an object add up to at most `max`."""

    name = "x-max-sum"
    rule = Rule("sum-too-large", Severity.ERROR, "cross-field", "Numbers of an object add up to too much.",
                "{names} add up to {found}; at most {max} allowed", "x-max-sum")
    argument_schema = {
        "description": "`{\"of\": [names], \"max\": n}`: the numbers named add up to at most n.",
        "type": "object", "required": ["of", "max"], "additionalProperties": False,
        "properties": {"of": {"type": "array", "minItems": 2, "items": {"type": "string"}}, "max": {"type": "number"}},
    }
    where = "an object"
    example = "`a` 3 and `b` 4 where they may add up to 5."

    @classmethod
    def prepare(cls, plan: KeywordUse):
        names, limit = plan.argument["of"], plan.argument["max"]

        def check(payload: Any, reached: Reached, listing: Listing) -> list[Finding]:
            found = []
            for obj in reached.values:
                total = sum(obj.get(n, 0) for n in names) if type(obj) is dict else 0
                if total > limit and listing.wants(cls.rule.id):
                    found.append(cls.rule.finding(pointers.to_pointer(reached.path_of(obj)),
                                                  names=", ".join(names), found=total, max=limit))
            return found

        return check


@pytest.fixture
def keyword_tables():
    """The keyword and rule tables as they were, once the test is done."""
    keywords, rules = dict(KEYWORDS), dict(RULES)
    yield
    KEYWORDS.clear(), KEYWORDS.update(keywords)
    RULES.clear(), RULES.update(rules)


def _tree(tmp_path: Path, argument: object) -> Path:
    """The toy tree (which has no meta/ offering schema) and an offering using x-max-sum."""
    root = tmp_path / "schemas"
    shutil.copytree(FIXTURES / "registry", root)
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema", "title": "fal sums", "description": "d",
        "x-provider": "fal", "x-model": "sums", "x-model-id": "sums", "x-model-id-pointer": None,
        "x-sources": {"t": "test"}, "type": "object",
        "properties": {"box": {"type": "object", "x-max-sum": argument,
                               "properties": {"a": {"type": "number"}, "b": {"type": "number"}}}},
    }
    (root / "fal" / "sums.json").write_text(json.dumps(schema, indent=2) + "\n", encoding="utf-8")
    return root


def test_a_keyword_of_ones_own_is_one_class_and_one_registration(tmp_path, keyword_tables, monkeypatch):
    register(MaxSum)
    root = _tree(tmp_path, {"of": ["a", "b"], "max": 5})
    reg = registry.load(root)

    report = registry.validate({"box": {"a": 3, "b": 4}}, "fal/sums", registry=reg)
    assert [(f.rule, f.pointer, f.message) for f in report.findings] == [
        ("sum-too-large", "/box", "a, b add up to 7; at most 5 allowed")]
    assert registry.validate({"box": {"a": 1, "b": 4}}, "fal/sums", registry=reg).ok
    assert [f.rule for f in lint(reg) if f.ctx["file"] == "fal/sums.json"] == ["file-format"]  # json.dumps' layout
    assert offering_meta_schema()["$defs"]["subschema"]["properties"]["x-max-sum"] == MaxSum.argument_schema

    page = pages(reg)["docs/rules.md"]
    assert "| `x-max-sum` | an object | [`sum-too-large`](#sum-too-large) | `{\"of\": [names]" in page
    assert "\n### sum-too-large\n\nerror. Numbers of an object add up to too much. Schema keyword: `x-max-sum`." in page
    assert f"\nExample: {MaxSum.example}\n" in page

    monkeypatch.setenv("CAPREG_SCHEMAS", str(root))
    monkeypatch.setenv("CAPREG_BUILTIN", "0")
    payload = tmp_path / "payload.json"
    payload.write_text(json.dumps({"box": {"a": 3, "b": 4}}), encoding="utf-8")
    registry.validation.validate.default_registry.cache_clear()
    try:
        sarif = CliRunner().invoke(main, ["validate", "--offering", "fal/sums", "--format", "sarif", str(payload)])
    finally:
        registry.validation.validate.default_registry.cache_clear()
    assert sarif.exit_code == 1, sarif.output
    run = json.loads(sarif.output)["runs"][0]
    (result,) = run["results"]
    assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == "sum-too-large"


def test_the_meta_schema_part_of_a_keyword_is_its_argument_schema(tmp_path, keyword_tables):
    register(MaxSum)
    reg = registry.load(_tree(tmp_path, {"of": ["a", "b"], "max": "five"}))
    with pytest.raises(registry.SchemaFileError, match=r"fal/sums.json at /properties/box/x-max-sum/max: "
                                                       r"malformed annotation: \"five\" is not of type \"number\""):
        reg.offering("fal/sums")
    assert render_text(lint(reg)).startswith("fal/sums.json: error[file-unusable] at /properties/box/x-max-sum/")
    assert "fal/toy" in reg.offerings  # the other offerings are not affected


def test_a_keyword_unregistered_is_no_rule_at_all(tmp_path):
    reg = registry.load(_tree(tmp_path, {"of": ["a", "b"], "max": 5}))
    assert "x-max-sum" not in KEYWORDS and "sum-too-large" not in RULES
    assert index_of(reg, "fal/sums").rules == ()
    assert registry.validate({"box": {"a": 3, "b": 4}}, "fal/sums", registry=reg).ok


def test_names_and_rule_ids_stay_unique(keyword_tables):
    with pytest.raises(ValueError, match="'x-order': a name must start with x- and be new"):
        register(type("Again", (MaxSum,), {"name": "x-order"}))
    taken = Rule("out-of-order", Severity.ERROR, "cross-field", "s", "t", "x-other")
    with pytest.raises(ValueError, match="rule id 'out-of-order' is defined twice"):
        register(type("Other", (MaxSum,), {"name": "x-other", "rule": taken}))
    with pytest.raises(ValueError, match="its rule must be of the cross-field family, for this keyword"):
        register(type("Mismatch", (MaxSum,), {"name": "x-mismatch"}))
    assert "x-other" not in KEYWORDS and "x-mismatch" not in KEYWORDS


def test_every_place_that_lists_keywords_reads_the_classes(real):
    rule_page = pages(real)["docs/rules.md"]
    shipped = json.loads((shipped_schema_root() / "meta/offering.schema.json").read_text(encoding="utf-8"))
    composed = offering_meta_schema()["$defs"]["subschema"]["properties"]
    for name, keyword in KEYWORDS.items():
        assert RULES[keyword.rule.id] is keyword.rule and keyword.rule.keyword == name
        assert composed[name] == keyword.argument_schema and name not in json.dumps(shipped)  # no hand copy
        assert f"| `{name}` | {keyword.where} | [`{keyword.rule.id}`](#{keyword.rule.id}) |" in rule_page
        assert f"\nExample: {keyword.example}\n" in rule_page
    used = {plan.keyword for offering in real.offerings for plan in index_of(real, offering).rules}
    assert used == set(KEYWORDS)  # the shipped schemas use every keyword, and nothing else is collected
    assert not (FIXTURES / "registry/meta/offering.schema.json").exists()
    assert [name for name, keyword in KEYWORDS.items() if keyword.whole] == ["x-ref"]


def test_breaking_compares_a_whole_keyword_as_one_rule(tmp_path):
    before = registry.load(FIXTURES / "registry")
    root = tmp_path / "schemas"
    shutil.copytree(FIXTURES / "registry", root)
    toy = json.loads((root / "sync/toy.json").read_text(encoding="utf-8"))
    toy["x-unique"].append(["/clips/*"])
    (root / "sync/toy.json").write_text(json.dumps(toy), encoding="utf-8")
    changes = [c for c in breaking_changes(before, registry.load(root)) if c.rule.startswith("rule-")]
    assert [(c.rule, c.ctx["keyword"], c.ctx["removed"]) for c in changes] == [("rule-added", "x-unique", "")]


def test_a_tree_without_a_meta_schema_is_linted_against_capregs(tmp_path):
    root = tmp_path / "schemas"
    shutil.copytree(FIXTURES / "registry", root)
    toy = json.loads((root / "fal/toy.json").read_text(encoding="utf-8"))
    del toy["description"]
    (root / "fal/toy.json").write_text(json.dumps(toy, indent=2), encoding="utf-8")
    problems = render_text(lint(registry.load(root)))
    assert "fal/toy.json: error[meta-schema] 'description' is a required property" in problems
    assert "meta-missing" not in problems


def test_the_catalog_holds_the_keyword_rules_whatever_is_imported_first():
    done = subprocess.run([sys.executable, "-c", "import json; from registry.base.catalog import RULES; "
                           "print(json.dumps(sorted(r.id for r in RULES.values() if r.family == 'cross-field')))"],
                          capture_output=True, text=True, cwd=ROOT, check=True)
    assert json.loads(done.stdout) == sorted(
        ["ref-unknown", "id-duplicate", "out-of-order", "co-required", "mutually-exclusive", "exactly-one-of",
         "requires", "count"])


# -- reporters -------------------------------------------------------------------------------
class CountReporter(Reporter):
    """A reporter no module of capreg knows: one line, the number of findings."""

    name = "count"

    def finish(self, summary) -> None:
        self.out.write(f"{sum(summary.by_severity.values())} findings\n")


@pytest.fixture
def reporter_table():
    reporters = dict(REPORTERS)
    yield
    REPORTERS.clear(), REPORTERS.update(reporters)


@pytest.mark.usefixtures("toy_as_default")
def test_a_reporter_is_one_class_in_one_table(tmp_path, reporter_table):
    payload = tmp_path / "payload.json"
    payload.write_text(json.dumps({"model": "toy-1", "dub": "yes"}), encoding="utf-8")
    assert "count" not in CliRunner().invoke(main, ["validate", "--help"]).output
    register_reporter(CountReporter)
    assert "[text|json|github|sarif|count]" in CliRunner().invoke(main, ["validate", "--help"]).output
    done = CliRunner().invoke(main, ["validate", "--format", "count", str(payload)])
    assert (done.exit_code, done.output) == (1, "3 findings\n")
    with pytest.raises(ValueError, match="a reporter named 'count' is registered already"):
        register_reporter(CountReporter)
