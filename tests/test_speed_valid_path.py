"""The valid-payload path: what the rule engine reads in one walk, and what its quiet tests
let it skip, changes no finding.

The oracle is the engine as it was: every location read on its own with `pointers.values`,
every check run with its Reached and Listing, no quiet test asked.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import registry
from registry.base import pointers
from registry.base.findings import Finding, Listing
from registry.schema.index import index_of
from registry.schema.keywords import KeywordUse
from registry.validation import rules
from registry.validation.keywords import KEYWORDS, Reached, count, exactly_one_of, exclusive, order, ref, requires, together, unique

from . import hostile_payloads as hostile

ROOT = Path(__file__).resolve().parent.parent
KEYWORD_MODULES = (count, exactly_one_of, exclusive, order, ref, requires, together, unique)
CI = settings(max_examples=300, derandomize=True, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def examples() -> list[tuple[str, Any]]:
    """(offering, payload) of every example, valid and invalid."""
    found = []
    for path in sorted(ROOT.glob("examples/*/*/*valid/*.json")):
        try:
            payload = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            continue
        if isinstance(payload, dict):
            found.append((f"{path.parts[-4]}/{path.parts[-3]}", payload))
    return found


def mutations(payload: Any) -> list[Any]:
    """The payload with one member removed, one array item doubled, or one value replaced,
    wherever that can happen: what makes counts, ids, references and pairs change."""
    changed = []
    stack: list[tuple[pointers.Path, Any]] = [((), payload)]
    while stack:
        path, value = stack.pop()
        members = list(value.items()) if isinstance(value, dict) else list(enumerate(value)) if isinstance(value, list) else []
        for key, item in members:
            stack.append(((*path, key), item))
            for replacement in (None, 0, 7, -1, "", "a", "host", [], {}, True, item):
                twin = copy.deepcopy(payload)
                parent = _at(twin, path)
                if replacement is item and isinstance(parent, list):
                    parent.insert(key, copy.deepcopy(item))  # an item doubled
                elif replacement is item:
                    del parent[key]  # a member removed
                else:
                    parent[key] = replacement
                changed.append(twin)
    return changed


def _at(document: Any, path: pointers.Path) -> Any:
    for token in path:
        document = document[token]
    return document


@pytest.fixture
def findings_only(monkeypatch):
    """Prepare a keyword's checks without their quiet tests: each works out its findings."""

    def prepare(use: KeywordUse) -> Any:
        with monkeypatch.context() as patched:
            for module in KEYWORD_MODULES:
                patched.setattr(module, "quieted", lambda quiet, findings, reads=(): findings)
            return KEYWORDS[use.keyword].prepare(use)

    return prepare


def oracle(groups: list[tuple[tuple[str, ...], list[Any]]], payload: Any) -> list[Finding]:
    """The findings of the checks, every location read on its own, no quiet test asked."""
    listing, found = Listing(), []
    for tokens, checks in groups:
        values = pointers.values(payload, tokens)
        if values:
            reached = Reached(payload, tokens, values)
            for check in checks:
                found += check(payload, reached, listing)
    return listing.close(found)


def oracle_groups(offering_id: str, prepare: Any) -> list[tuple[tuple[str, ...], list[Any]]]:
    keyword_groups = index_of(registry.default_registry(), offering_id).keyword_groups
    return [(group.tokens, [prepare(use) for use in group.uses]) for group in keyword_groups]


def test_the_rule_engine_finds_what_the_checks_find_on_every_example_and_its_mutations(findings_only):
    plans, groups = {}, {}
    for offering_id, _ in examples():
        if offering_id not in plans:
            plans[offering_id] = rules.keyword_checks(registry.default_registry(), offering_id)
            groups[offering_id] = oracle_groups(offering_id, findings_only)
    assert all(plan.quiet is not None for plan in plans.values())  # capreg's keywords all have quiet tests
    checked, with_findings = 0, 0
    for offering_id, payload in examples():
        for variant in [payload, *mutations(payload)]:
            expected = oracle(groups[offering_id], variant)
            assert rules.keyword_findings(plans[offering_id], variant) == expected, (offering_id, variant)
            checked, with_findings = checked + 1, with_findings + bool(expected)
    assert with_findings > 1_000 and checked - with_findings > 1_000  # both paths taken, many times


@pytest.mark.parametrize("build", [hostile.out_of_order, hostile.dangling_refs])
def test_the_rule_engine_finds_what_the_checks_find_on_hostile_payloads(findings_only, build):
    plan = rules.keyword_checks(registry.default_registry(), hostile.OFFERING)
    groups = oracle_groups(hostile.OFFERING, findings_only)
    for size in (0, 1, 2, 150):
        payload = build(size)
        assert rules.keyword_findings(plan, payload) == oracle(groups, payload)


def test_each_quiet_test_says_whether_its_check_finds_anything(findings_only):
    """Exact both ways: quiet only when there is nothing to find (else findings would be
    lost), and not quiet when there is something (else the fast path would be wasted)."""
    reg = registry.default_registry()
    for offering_id, payload in examples():
        for group in index_of(reg, offering_id).keyword_groups:
            for use in group.uses:
                check, full = KEYWORDS[use.keyword].prepare(use), findings_only(use)
                for variant in [payload, *mutations(payload)[:200]]:
                    values = pointers.values(variant, group.tokens)
                    if not values:
                        continue
                    reads = [pointers.values(variant, tokens) for tokens in check.reads]
                    found = full(variant, Reached(variant, group.tokens, values), Listing())
                    assert check.quiet(variant, values, reads) == (not found), (use, variant)


# -- x-count: the bounds of the entries that apply, merged per tally ----------------------------

COUNT_ARGUMENT = [
    {"in": "/items", "where": {"kind": ["a"]}, "min": 1, "label": "a items"},
    {"in": "/items", "where": {"kind": ["a"]}, "max": 0, "when": "/closed", "label": "a items"},  # contradicts the first
    {"in": "/items", "where": {"kind": ["a", "b"]}, "max": 2, "unless": "/open", "label": "a or b items"},
    {"in": "/items", "where": {"kind": ["b", 1]}, "min": 1, "max": 1, "when": "/open", "label": "b items"},
    {"in": "/groups/*", "where": {"kind": ["a"]}, "max": 1, "label": "a items of a group"},
]
KINDS = st.sampled_from(["a", "b", "c", 1, 1.0, True, None, [], {}])
ITEM = st.one_of(st.fixed_dictionaries({}, optional={"kind": KINDS}), KINDS)
COUNTED = st.fixed_dictionaries({}, optional={
    "items": st.one_of(st.lists(ITEM, max_size=5), ITEM),
    "groups": st.one_of(st.lists(st.lists(ITEM, max_size=3), max_size=3), st.dictionaries(st.sampled_from("xy"), st.lists(ITEM, max_size=3))),
    "closed": st.booleans(), "open": st.booleans(),
})


@CI
@given(payload=COUNTED)
def test_x_count_is_quiet_exactly_when_no_entry_is_broken(payload):
    use = KeywordUse("x-count", (), COUNT_ARGUMENT)
    check = KEYWORDS["x-count"].prepare(use)
    reads = [pointers.values(payload, tokens) for tokens in check.reads]
    found = check(payload, Reached(payload, (), [payload]), Listing())
    assert check.quiet(payload, [payload], reads) == (not found)
    # ... and each entry counted as one would by hand
    expected = []
    for spec in COUNT_ARGUMENT:
        if ("when" in spec and not pointers.values(payload, pointers.parse(spec["when"]))) or (
                "unless" in spec and pointers.values(payload, pointers.parse(spec["unless"]))):
            continue
        ((field, kinds),) = spec["where"].items()
        for array in pointers.values(payload, pointers.parse(spec["in"])):
            if type(array) is list:
                number = sum(1 for item in array if type(item) is dict and isinstance(item.get(field), (str, int, float))
                             and item.get(field) in kinds)
                if number < spec.get("min", 0) or number > spec.get("max", number):
                    expected.append(number)
    assert [f.ctx["found"] for f in found] == expected


# -- the pattern reader --------------------------------------------------------------------------

TOKENS = st.sampled_from(["a", "b", "*", "0", "1", "01", "~", "a/b"])
DOCUMENTS = st.recursive(st.one_of(st.none(), st.integers(-3, 3), st.sampled_from(["a", "b", ""])),
                         lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TOKENS, inner, max_size=4),
                         max_leaves=25)
PATTERNS = st.lists(st.lists(TOKENS, max_size=4).map(tuple), min_size=1, max_size=8)


@CI
@given(document=DOCUMENTS, patterns=PATTERNS)
def test_a_reader_gives_what_values_gives_for_each_pattern(document, patterns):
    """Shared prefixes, equal patterns, the whole document, `*` over objects and arrays, a
    token that is an object member or an array index."""
    assert [list(found) for found in pointers.reader(patterns)(document)] == [pointers.values(document, p) for p in patterns]


def test_a_reader_reads_patterns_deeper_than_it_writes_out():
    deep = {"a": [{"a": [{"a": [{"a": 1}]}]}]}
    for _ in range(6):
        deep = {"a": [deep]}
    patterns = [("a", "*") * 9 + ("a",), ("a",), ("a", "*") * 20]
    assert [list(found) for found in pointers.reader(patterns)(deep)] == [pointers.values(deep, p) for p in patterns]
    assert pointers.reader(patterns)(deep)[0] == [1]


def test_what_a_reader_gives_is_fresh_for_every_document():
    read = pointers.reader([("a",), ("a", "*")])
    first = read({"a": [1, 2]})
    first[1].append(3)
    assert read({"a": [1, 2]}) == [[[1, 2]], [1, 2]]
