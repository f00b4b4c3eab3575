"""The shipped offerings' provenance: each records which provider document it was last checked
against (x-upstream) or says why there is none, and each difference it accepts names a rule
`capreg upstream check` reports and a reason a reviewer can trace to dated sources."""

from __future__ import annotations

import re

import pytest

import registry
from registry.base.catalog import RULES
from registry.tools.upstream.check import acknowledgements, provenance

from .conftest import ROOT

# The rules `upstream check` turns into an info when acknowledged: the per-parameter differences.
DIFFERENCE_RULES = frozenset(r for r in RULES if r.startswith("upstream-") and (
    r.endswith("-differs") or r in ("upstream-property-missing", "upstream-property-extra")))
# A source is traceable when the reason dates it (2026-01) or names its version or commit (c44d8de5).
DATED = re.compile(r"\b20\d\d-\d\d\b|\b[0-9a-f]{8}")

SHIPPED = registry.load(ROOT / "schemas")
OFFERINGS = sorted(SHIPPED.offerings.values(), key=lambda o: o.id)


@pytest.mark.parametrize("offering", OFFERINGS, ids=lambda o: o.id)
def test_every_offering_records_its_upstream_check_or_says_why_not(offering):
    documents = provenance(offering).get("documents", [])
    why_not = [n for n in offering.schema.get("x-notes", []) if n.startswith("No x-upstream: ")]
    assert bool(documents) != bool(why_not), f"{offering.path}: x-upstream.documents or a 'No x-upstream:' note, one of them"


@pytest.mark.parametrize("offering", [o for o in OFFERINGS if acknowledgements(o)], ids=lambda o: o.id)
def test_every_acknowledgement_names_a_difference_rule_once_with_a_dated_reason(offering):
    entries = acknowledgements(offering)
    assert not {e.rule for e in entries} - DIFFERENCE_RULES, offering.path
    keys = [(e.rule, e.pointer, e.url) for e in entries]
    assert len(keys) == len(set(keys)), f"{offering.path}: a difference acknowledged twice"
    undated = [e.position for e in entries if not DATED.search(e.reason)]
    assert undated == [], f"{offering.path}: x-upstream/acknowledged/{undated} name no dated source"
