"""An invalid payload is explained with less work: jsonschema-rs asked once whether it is
valid, no difflib matcher built for a misspelling, a did-you-mean searched once for the same
mistake, findings built without the frozen dataclass's __init__. Behaviour only (the same
findings, in the same order; the work not repeated): the speed is what ./scripts/bench measures."""

from __future__ import annotations

import difflib
import json
import pickle
import random
from types import MappingProxyType

import pytest

import registry
from registry.base import pointers, suggest
from registry.base.catalog import rule
from registry.base.findings import Finding, Severity
from registry.validation import structural
from registry.validation.compiled import compiled

from .conftest import ROOT, example_offering

INVALID = sorted(ROOT.glob("examples/*/*/invalid/*.json"))


def test_a_rules_finding_is_the_finding_the_dataclass_builds():
    built = rule("required").finding("/image", hint="A photo.", name="`image`", context="")
    plain = Finding("required", Severity.ERROR, "/image", "`image` is required; it is missing", "A photo.",
                    {"name": "`image`", "context": ""})
    assert built == plain and hash(built) == hash(plain) and repr(built) == repr(plain)
    assert pickle.loads(pickle.dumps(built)) == built and built.as_dict() == plain.as_dict()
    assert built.omitted == 0 and isinstance(built.ctx, MappingProxyType)
    with pytest.raises(TypeError):
        built.ctx["name"] = "other"  # type: ignore[index]
    with pytest.raises(AttributeError):
        built.rule = "other"  # type: ignore[misc]


@pytest.mark.parametrize("example", INVALID, ids=lambda p: "/".join(p.parts[-4:]))
def test_findings_are_in_reading_order(example, real):
    """Errors, then warnings, then infos; each in payload order, array items by index, then by rule."""
    report = registry.validate(json.loads(example.read_text()), example_offering(example), registry=real)
    order = [(-f.severity.rank, tuple((0, int(t), "") if pointers.is_index(t) else (1, 0, t)
                                      for t in pointers.parse(f.pointer)), f.rule) for f in report.findings]
    assert order == sorted(order)


def test_an_invalid_payload_is_judged_valid_or_not_once(real):
    payload = json.loads((ROOT / "examples/scenario/sync-3/invalid/image-input.json").read_text())
    expected = registry.validate(payload, "scenario/sync-3", registry=real)
    engine = compiled(real, "scenario/sync-3")
    fast, asked = engine.fast, []

    class Counting:
        def __getattr__(self, name):
            return getattr(fast, name)

        def is_valid(self, value):
            asked.append(value)
            return fast.is_valid(value)

    object.__setattr__(engine, "fast", Counting())  # the compiled offering is frozen
    try:
        assert registry.validate(payload, "scenario/sync-3", registry=real) == expected
    finally:
        object.__setattr__(engine, "fast", fast)
    assert len(asked) == 1


def test_a_misspelt_required_name_is_found_without_a_difflib_matcher(real, monkeypatch):
    payload = json.loads((ROOT / "examples/fal/sync-3-image-to-video/invalid/video-url.json").read_text())
    monkeypatch.setattr(difflib, "SequenceMatcher", lambda *a, **k: (_ for _ in ()).throw(AssertionError()))
    report = registry.validate(payload, "fal/sync-3-image-to-video", registry=real)
    assert [(f.rule, f.pointer, f.hint) for f in report.findings if f.rule == "unknown-property"] == [
        ("unknown-property", "/video_url", "did you mean `image_url`?")]
    assert structural._misspelling("vidoe_url", ("video_url", "audio_url")) == "video_url"


@pytest.mark.parametrize("alphabet", ["ab_", "abcdefgh_", "aAbB-ü"])
def test_a_misspelling_is_what_difflibs_ratio_says(alphabet):
    rng = random.Random(alphabet)
    for _ in range(2_000):
        name = "".join(rng.choices(alphabet, k=rng.randint(1, 14)))
        missing = tuple("".join(rng.choices(alphabet, k=rng.randint(1, 14))) for _ in range(rng.randint(1, 4)))
        meant = suggest.closest(name, missing)
        expected = meant if meant is not None and difflib.SequenceMatcher(None, name, meant).ratio() >= 0.8 else None
        assert structural._misspelling_of(name, missing) == expected, (name, missing)


def test_the_same_mistake_is_searched_for_a_suggestion_once(real, monkeypatch):
    payload = {"video": "asset_1", "audio": "asset_2", "syncMode": "cutof", "imaage": 1}
    first = registry.validate(payload, "scenario/sync-3", registry=real)
    searched = []
    monkeypatch.setattr(structural, "closest", lambda *a: searched.append(a) or suggest.closest(*a))
    assert registry.validate(payload, "scenario/sync-3", registry=real) == first
    assert searched == []
    assert [(f.rule, f.hint) for f in first.findings if f.severity is Severity.ERROR] == [
        ("unknown-property", "allowed here: `video`, `audio`, `syncMode`"), ("enum", 'did you mean "cut_off"?')]


def test_a_long_word_is_searched_but_not_remembered(real):
    structural._remembered_suggestion.cache_clear()
    word = "x" * (structural._REMEMBERED_WORD + 1)
    payload = {"video": "asset_1", "audio": "asset_2", word: 1}
    report = registry.validate(payload, "scenario/sync-3", registry=real)
    assert [f.rule for f in report.findings if f.severity is Severity.ERROR] == ["unknown-property"]
    assert structural._remembered_suggestion.cache_info().currsize == 0
