"""An invalid payload is explained with less work per payload: the did-you-mean search,
the table of where an offering takes each name, the engine's errors read once per schema
location. Behaviour only (the same findings, the work not repeated): the speed itself is
what ./scripts/bench measures."""

from __future__ import annotations

import difflib
import json
import random
import string

import pytest

import registry
from registry.base import suggest
from registry.validation import advisories, structural

from .conftest import ROOT


def _difflibs_choice(word: str, candidates: list[str]) -> str | None:
    """What `closest` must give: difflib's own search, within closest's bounds."""
    if len(candidates) > suggest.SUGGESTION_CANDIDATES:
        return None
    comparable = [c for c in candidates if suggest._length_ratio(len(word), len(c)) >= suggest.SUGGESTION_CUTOFF]
    if not comparable or len(word) * sum(len(c) for c in comparable) > suggest.SUGGESTION_WORK:
        return None
    found = difflib.get_close_matches(word, comparable, n=1, cutoff=suggest.SUGGESTION_CUTOFF)
    return found[0] if found else None


def test_closest_is_difflibs_choice_on_words_long_enough_for_difflibs_junk_heuristic(monkeypatch):
    # words this long are past the work closest does for a hint: the bound is lifted, so the
    # comparison reaches difflib's heuristic for popular characters (past 200 of them)
    monkeypatch.setattr(suggest, "SUGGESTION_WORK", 10**6)
    rng = random.Random(200)
    letters = string.ascii_letters + string.digits  # some characters frequent enough to be junk, some not

    def edited(word: str) -> str:
        chars = list(word)
        for _ in range(rng.randint(0, 60)):
            chars[rng.randrange(len(chars))] = rng.choice(letters)
        return "".join(chars)

    matched = 0
    for _ in range(200):
        word = "".join(rng.choices(letters, k=rng.randint(190, 260)))
        candidates = [edited(word) if rng.random() < 0.7 else "".join(rng.choices(letters, k=rng.randint(150, 260)))
                      for _ in range(rng.randint(1, 3))]
        chosen = suggest.closest(word, candidates)
        assert chosen == _difflibs_choice(word, candidates), (word, candidates)
        matched += chosen is not None
    assert matched > 20


def test_closest_on_names_and_enum_values_needs_no_difflib_matcher(monkeypatch):
    def refused(*args, **kwargs):
        raise AssertionError("a difflib matcher was built")

    monkeypatch.setattr(difflib, "SequenceMatcher", refused)
    assert suggest.closest("Cut_off", ["cut_off", "loop", "bounce", "silence", "remap"]) == "cut_off"
    assert suggest.closest("vidoe_url", ["video_url", "audio_url", "sync_mode"]) == "video_url"
    assert suggest.closest("furious", ["angry", "happy", "sad", "neutral", "surprised"]) is None


def test_an_invalid_payload_is_explained_the_same_without_any_difflib_matcher(real, monkeypatch):
    """The did-you-mean hints of an example with a misspelt enum value and a misnamed
    property, with difflib's matcher made to fail: the findings are still those expected."""
    example = ROOT / "examples/scenario/sync-3/invalid/image-input.json"
    expected = registry.validate(json.loads(example.read_text()), "scenario/sync-3", registry=real)
    monkeypatch.setattr(difflib, "SequenceMatcher", lambda *a, **k: (_ for _ in ()).throw(AssertionError()))
    report = registry.validate(json.loads(example.read_text()), "scenario/sync-3", registry=real)
    assert report == expected
    assert [(f.rule, f.hint) for f in report.findings] == [
        ("unknown-property", "allowed here: `video`, `audio`, `syncMode`"),
        ("enum", 'did you mean "cut_off"?'),
        ("required", "Input video file."),
    ]


def test_where_an_offering_takes_each_name_is_worked_out_once(real, monkeypatch):
    payload = {"video_url": "https://example.com/v.mp4", "audio_url": "https://example.com/a.wav",
               "providerSettings": {"sync_mode": "loop"}}
    first = registry.validate(payload, "replicate/lipsync-2", registry=real)
    looked_up = []
    primary = advisories.primary
    monkeypatch.setattr(advisories, "primary", lambda *args: looked_up.append(args) or primary(*args))
    again = registry.validate(payload, "replicate/lipsync-2", registry=real)
    assert again == first and looked_up == []
    assert [(f.pointer, f.ctx.get("belongs_at")) for f in again.findings if f.rule == "unknown-property"] == [
        ("/audio_url", ["/audio"]), ("/providerSettings", ["/sync_mode"]), ("/video_url", ["/video"])]


@pytest.mark.parametrize(("offering", "name"), [
    ("replicate/lipsync-2", "video_url"),  # another provider's name for a concept
    ("runware/lipsync-2", "syncMode"),  # a parameter one level deeper
    ("sync/lipsync-2", "sync_mode"),  # a parameter inside `options`
    ("fal/lipsync-2", "nothing_like_it"),
])
def test_the_home_of_a_name_is_the_shallowest_parameter_outside_arrays_and_branches(real, offering, name):
    from registry.schema.index import index_of
    from registry.validation.compiled import concepts_by_name, homes

    index = index_of(real, offering)
    placed = [p for p in index.parameters if p.name == name and "*" not in p.tokens and p.variant is None]
    by_concept = [advisories.primary(index, c) for c in sorted(concepts_by_name(real).get(name, ()))]
    expected = min(placed, key=lambda p: len(p.tokens)) if placed else next(filter(None, by_concept), None)
    assert homes(real, offering).get(name) == expected


def test_a_misspelling_of_a_missing_required_name_is_still_found_among_unlike_unknown_names(real):
    payload = {"vidoe": "asset_1", "audio": "asset_2", "imagination": 1, "x": 2}
    report = registry.validate(payload, "scenario/sync-3", registry=real)
    assert [(f.rule, f.pointer, f.hint) for f in report.findings if f.rule != "implicit-default"] == [
        ("unknown-property", "/imagination", "allowed here: `video`, `audio`, `syncMode`"),
        ("unknown-property", "/vidoe", "did you mean `video`? (it is required)"),
        ("unknown-property", "/x", "allowed here: `video`, `audio`, `syncMode`"),
    ]


def test_the_same_engine_error_location_in_two_registries_reads_each_registrys_schema(tmp_path):
    """Keyword locations are parsed once per location, but the schema they point into is
    each registry's own: two trees with the same offering and different enums."""
    import shutil

    from .conftest import FIXTURES

    trees = []
    for values in (["loop", "bounce"], ["remap", "silence"]):
        root = tmp_path / values[0]
        shutil.copytree(FIXTURES / "registry", root)
        schema_file = root / "fal/toy.json"
        schema = json.loads(schema_file.read_text())
        schema["properties"]["sync_mode"] = {"enum": values}
        schema_file.write_text(json.dumps(schema))
        trees.append(registry.load(root))
    payload = {"video_url": "v", "sync_mode": "lop"}
    messages = [registry.validate(payload, "fal/toy", registry=tree_).findings[0] for tree_ in trees]
    assert [(f.rule, f.ctx["expected"], f.hint) for f in messages] == [
        ("enum", '"loop", "bounce"', 'did you mean "loop"?'), ("enum", '"remap", "silence"', None)]
    assert structural._keyword_location.cache_info().hits > 0
