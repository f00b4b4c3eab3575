"""Nothing quadratic, nothing unbounded: a payload that breaks a rule thousands of times, or
holds a multi-megabyte key or value, costs work in proportion to its size and yields a
bounded report. Counted (walks, searches, findings, characters, traced bytes), not timed:
shared machines are noisy. scripts/bench.py prints the times."""

from __future__ import annotations

import difflib
import json
import random
import tracemalloc

import pytest
from click.testing import CliRunner

import registry
from registry.base import suggest
from registry.base import pointers
from registry.cli import main
from registry.base.findings import LISTED_PER_RULE

from . import hostile_payloads as hostile


def check(payload):
    return registry.validate(payload, hostile.OFFERING)


def of_rule(report, rule_id):
    return [f for f in report.findings if f.rule == rule_id]


@pytest.fixture
def expansions(monkeypatch):
    """How often the payload is walked with paths (pointers.expand), by any caller."""
    calls = []
    real_expand = pointers.expand
    monkeypatch.setattr(pointers, "expand", lambda *args: calls.append(1) or real_expand(*args))
    return calls


def test_the_rule_engine_walks_the_payload_as_often_for_ten_findings_as_for_two_thousand(expansions):
    check(hostile.out_of_order(10))
    few = len(expansions)
    expansions.clear()
    check(hostile.out_of_order(2_000))
    assert len(expansions) == few  # not one walk per finding


@pytest.mark.parametrize(("build", "rule_id"), [(hostile.out_of_order, "out-of-order"),
                                                 (hostile.dangling_refs, "ref-unknown")])
def test_findings_of_one_rule_are_listed_up_to_the_limit_and_the_rest_counted(build, rule_id):
    listed = of_rule(check(build(1_000)), rule_id)
    assert len(listed) == LISTED_PER_RULE
    assert [f.omitted for f in listed] == [0] * (LISTED_PER_RULE - 1) + [1_000 - LISTED_PER_RULE]
    assert listed[-1].message.endswith(f"(and 900 more `{rule_id}` findings in this payload, not listed)")
    assert listed[0].pointer == "/providerSettings/sync/segments/0/" + ("endTime" if rule_id == "out-of-order" else "ref")


def test_up_to_the_limit_every_finding_is_listed_and_none_says_more():
    listed = of_rule(check(hostile.out_of_order(LISTED_PER_RULE)), "out-of-order")
    assert len(listed) == LISTED_PER_RULE and not any(f.omitted for f in listed)
    assert "more" not in listed[-1].message


def test_a_dangling_reference_lists_ten_of_the_defined_ids():
    listed = of_rule(check(hostile.dangling_refs(2_000)), "ref-unknown")
    assert listed[0].message.endswith('defined: "part-0", "part-1", "part-2", "part-3", "part-4", "part-5", '
                                      '"part-6", "part-7", "part-8", "part-9" and 1,990 more')
    assert max(len(f.message) for f in listed) < 500


def test_a_dangling_reference_among_thousands_of_ids_searches_no_suggestion(monkeypatch):
    searches = []
    real = difflib.get_close_matches
    monkeypatch.setattr(difflib, "get_close_matches", lambda *a, **k: searches.append(1) or real(*a, **k))
    report = check(hostile.dangling_refs(2_000))
    assert searches == [] and of_rule(report, "ref-unknown")[0].hint == 'give an input the id "missing-0"'


@pytest.mark.parametrize("build", [hostile.long_enum_value, hostile.long_key])
def test_a_four_megabyte_value_or_key_is_never_handed_to_difflib(build, monkeypatch):
    searches = []
    real = difflib.SequenceMatcher.set_seq2
    monkeypatch.setattr(difflib.SequenceMatcher, "set_seq2", lambda self, b: searches.append(len(b)) or real(self, b))
    report = check(build(4_000_000))
    assert report.errors and max(searches, default=0) < 1_000


@pytest.mark.parametrize(("build", "rule_id"), [(hostile.long_enum_value, "enum"),
                                                 (hostile.long_key, "unknown-property")])
def test_a_four_megabyte_value_or_key_costs_memory_in_proportion_and_makes_a_short_message(build, rule_id):
    payload = build(4_000_000)
    check(hostile.out_of_order(1))  # the validators are compiled before measuring
    tracemalloc.start()
    try:
        report = check(payload)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 5 * 4_000_000  # a few copies of the string, no more
    (finding,) = of_rule(report, rule_id)
    assert len(finding.message) < 300 and len(finding.hint or "") < 300


@pytest.mark.parametrize("alphabet", ["ab", "abcde", "abc_", "abcdefghij_", "aAbBcC-_ü"])
def test_the_suggestion_search_bounds_change_no_suggestion(alphabet):
    # Dropping the candidates that cannot reach the cutoff by length, and the bounds that
    # rank the others, are exact: compare with plain difflib on words and candidates of every
    # length relation. Few letters make ties, repeated letters and near misses, where a bound
    # or the order of the comparisons could pick another candidate than difflib does.
    rng = random.Random(alphabet)
    for _ in range(2_000):
        word = "".join(rng.choices(alphabet, k=rng.randint(0, 14)))
        candidates = ["".join(rng.choices(alphabet, k=rng.randint(0, 14))) for _ in range(rng.randint(0, 8))]
        expected = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
        assert suggest.closest(word, candidates) == (expected[0] if expected else None), (word, candidates)


def test_the_suggestion_search_gives_up_on_too_many_candidates():
    many = [f"id-{i}" for i in range(suggest.SUGGESTION_CANDIDATES + 1)]
    assert suggest.closest("id-7x", many[:100]) == "id-7"
    assert suggest.closest("id-7x", many) is None


def write(tmp_path, name, payload):
    path = tmp_path / name
    path.write_text(json.dumps(payload), encoding="utf-8")
    return str(path)


def test_text_output_of_a_fifteen_mebibyte_key_is_short_and_json_keeps_its_exact_pointer(tmp_path):
    path = write(tmp_path, "long-key.json", hostile.long_key(15 * 2**20))
    text = CliRunner().invoke(main, ["validate", "--offering", hostile.OFFERING, path])
    assert text.exit_code == 1 and "error[unknown-property]" in text.output
    assert len(text.output) < 2_000
    key = "segment" + "s" * (15 * 2**20 - 7)
    shown = json.loads(CliRunner().invoke(main, ["validate", "--format", "json", "--offering", hostile.OFFERING,
                                                 path]).output)
    (finding,) = [f for f in shown["files"][0]["payloads"][0]["findings"] if f["rule"] == "unknown-property"]
    assert finding["pointer"] == "/providerSettings/sync/" + key
    assert len(finding["message"]) < 300


def test_json_output_carries_the_omitted_count_and_the_summary_counts_every_finding(tmp_path):
    path = write(tmp_path, "segments.json", hostile.out_of_order(1_000))
    shown = json.loads(CliRunner().invoke(main, ["validate", "--format", "json", "--offering", hostile.OFFERING,
                                                 path]).output)
    findings = [f for f in shown["files"][0]["payloads"][0]["findings"] if f["rule"] == "out-of-order"]
    assert len(findings) == LISTED_PER_RULE
    assert [f.get("omitted", 0) for f in findings][-1] == 900 and "omitted" not in findings[0]
    assert shown["summary"]["errors"] == 1_000


def test_many_unknown_properties_are_listed_up_to_the_limit_with_one_hint_search_each(monkeypatch):
    searches = []
    real = suggest.closest
    monkeypatch.setattr("registry.validation.structural.closest", lambda *a: searches.append(1) or real(*a))
    payload = hostile.out_of_order(0)
    payload["providerSettings"]["sync"].update({f"unknown{i}": i for i in range(1_500)})
    listed = of_rule(check(payload), "unknown-property")
    assert len(listed) == LISTED_PER_RULE and listed[-1].omitted == 1_400
    assert len(searches) == LISTED_PER_RULE


def test_the_engine_errors_explained_are_bounded(monkeypatch):
    """50,000 segments with two type errors each: 100,000 error objects to word (seconds);
    capreg takes the first EXPLAINED_ERRORS and says that it stopped."""
    from registry.validation import structural

    pulled = []
    real_engine_error = structural._engine_error

    def counting_engine_error(*args):
        pulled.append(1)
        return real_engine_error(*args)

    monkeypatch.setattr(structural, "_engine_error", counting_engine_error)
    segments = [{"startTime": "x", "endTime": "y", "ref": "a"} for _ in range(50_000)]
    report = check(hostile._runware(["a"], segments))
    assert len(pulled) == structural.EXPLAINED_ERRORS + 1
    [last] = [f for f in report.findings if f.omitted]
    assert last.omitted == structural.EXPLAINED_ERRORS - LISTED_PER_RULE
    assert last.message.endswith(f"(capreg stopped after the first {structural.EXPLAINED_ERRORS:,} "
                                 "schema errors of this payload; there are more)")
