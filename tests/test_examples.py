"""The example payloads under examples/<provider>/<offering>/{valid,invalid}/, discovered.

A valid example must raise no error. An invalid example `<name>.json` comes with
`<name>.expect`: one `<rule-id> <pointer>` per line, exactly the errors it must raise.
Adding a case is adding files.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import registry
from registry.io import payloads
from registry.base.catalog import RULES

from .conftest import ROOT, example_offering

EXAMPLES = ROOT / "examples"
PAYLOAD_SUFFIXES = {".json", ".yaml", ".yml", ".jsonl"}


def _cases(verdict: str) -> list[Path]:
    return sorted(p for p in EXAMPLES.glob(f"*/*/{verdict}/*") if p.suffix in PAYLOAD_SUFFIXES)


def _read_one(path: Path):
    (payload,) = list(payloads.read(str(path)))
    assert payload.problem is None, payload.problem
    return payload.value


def _expected(path: Path) -> set[tuple[str, str]]:
    lines = path.with_suffix(".expect").read_text(encoding="utf-8").splitlines()
    expected = set()
    for line in lines:
        if line.strip() and not line.startswith("#"):
            rule, _, pointer = line.strip().partition(" ")
            expected.add((rule, pointer.strip()))
    return expected


@pytest.mark.parametrize("path", _cases("valid"), ids=lambda p: str(p.relative_to(EXAMPLES)))
def test_valid_example(real, path):
    report = registry.validate(_read_one(path), example_offering(path), registry=real)
    assert [f for f in report.errors] == []


@pytest.mark.parametrize("path", _cases("invalid"), ids=lambda p: str(p.relative_to(EXAMPLES)))
def test_invalid_example(real, path):
    report = registry.validate(_read_one(path), example_offering(path), registry=real)
    assert {(f.rule, f.pointer) for f in report.errors} == _expected(path)


# the providers whose payloads name their model
DETECTABLE = {o.provider for o in registry.default_registry().offerings.values() if o.model_id_pointer is not None}


@pytest.mark.parametrize("path", [p for p in _cases("valid") if p.parents[2].name in DETECTABLE],
                         ids=lambda p: str(p.relative_to(EXAMPLES)))
def test_detection_agrees_with_the_folder(real, path):
    offering = real.offering(example_offering(path))
    assert registry.validate(_read_one(path), registry=real).offering == offering.id


def test_every_invalid_example_declares_its_rules():
    for path in _cases("invalid"):
        assert path.with_suffix(".expect").is_file(), f"{path} has no .expect file"
        unknown = {rule for rule, _ in _expected(path)} - set(RULES)
        assert not unknown, f"{path.with_suffix('.expect')} names unknown rule ids {unknown}"
    for expect in EXAMPLES.glob("*/*/invalid/*.expect"):
        assert any(expect.with_suffix(s).is_file() for s in PAYLOAD_SUFFIXES), f"{expect} has no payload"


def test_every_offering_has_valid_and_invalid_examples(real):
    for offering in real.offerings.values():
        folder = EXAMPLES / offering.provider / offering.id.split("/", 1)[1]
        assert any((folder / "valid").glob("*")), f"no valid example for {offering.id}"
        assert any((folder / "invalid").glob("*.json")), f"no invalid example for {offering.id}"


def test_every_rule_keyword_in_the_schemas_has_a_failing_example(real):
    from registry.schema.index import index_of

    used = {RULES_BY_KEYWORD[plan.keyword] for o in real.offerings for plan in index_of(real, o).rules}
    raised = {rule for path in _cases("invalid") for rule, _ in _expected(path)}
    assert used - raised == set()


RULES_BY_KEYWORD = {rule.keyword: rule.id for rule in RULES.values() if rule.family == "cross-field"}


@pytest.mark.parametrize("path", _cases("valid") + _cases("invalid"), ids=lambda p: str(p.relative_to(EXAMPLES)))
def test_both_engines_agree(real, path):
    from registry.validation.compiled import compiled

    engines = compiled(real, example_offering(path))
    payload = _read_one(path)
    fast = engines.fast.is_valid(payload)
    detailed = not any(True for _ in engines.detailed().iter_errors(payload))
    assert fast == detailed
