"""The concept vocabulary (schemas/meta/concepts.json) and the x-concept tags agree."""

from __future__ import annotations

import json
import shutil

import pytest

import registry
from registry.tools.compare import tag_problems, vocabulary

from .conftest import ROOT


def test_every_property_of_a_known_concept_is_tagged_with_it(real):
    assert [p.message for p in tag_problems(real)] == []


def test_the_vocabulary_is_consistent(real):
    words = vocabulary(real)
    known = set(words.descriptions)
    assert set(words.names) == known, "every concept lists the property names that carry it"
    assert set(words.parents) <= known and set(words.parents.values()) <= known
    assert not set(words.parents.values()) & set(words.parents), "a part is never itself a whole"
    for whole, part in words.flags.items():
        assert words.parents[part] == whole
    used = {p.concept for o in real.offerings for p in registry.schema.index.index_of(real, o).parameters if p.concept}
    assert used <= known


@pytest.fixture
def schema_copy(tmp_path):
    root = tmp_path / "schemas"
    shutil.copytree(ROOT / "schemas", root)
    return root


def _edit(path, change):
    document = json.loads(path.read_text())
    change(document)
    path.write_text(json.dumps(document, indent=2))


def test_an_untagged_property_of_a_known_concept_is_a_problem(schema_copy):
    _edit(schema_copy / "fal/lipsync-2.json", lambda d: d["properties"]["sync_mode"].pop("x-concept"))
    problems = tag_problems(registry.load(schema_copy))
    assert [(p.ctx["offering"], p.pointer, p.ctx["concept"], p.ctx["carries"]) for p in problems] == [
        ("fal/lipsync-2", "/sync_mode", None, ["sync_mode"])]
    assert "has no x-concept tag" in problems[0].message


def test_a_tag_against_the_property_name_is_a_problem(schema_copy):
    _edit(schema_copy / "replicate/lipsync-2.json",
          lambda d: d["properties"]["temperature"].update({"x-concept": "sync_mode"}))
    problems = tag_problems(registry.load(schema_copy))
    assert [(p.rule, p.pointer, p.ctx["concept"], p.ctx["carries"]) for p in problems] == [
        ("concept-mismatch", "/temperature", "sync_mode", ["temperature"])]


def test_a_tag_on_a_name_the_vocabulary_does_not_list_is_a_problem(schema_copy):
    _edit(schema_copy / "replicate/lipsync-2.json",
          lambda d: d["properties"].update({"clip": {"type": "string", "x-concept": "video"}}))
    problems = tag_problems(registry.load(schema_copy))
    assert [(p.rule, p.pointer, p.ctx["concept"], p.ctx["carries"]) for p in problems] == [
        ("concept-unlisted-name", "/clip", "video", [])]
    assert "not among the names" in problems[0].message


def test_the_longest_matching_name_decides(real):
    """`settings/mode` is the edit region at Runware sync-3; `safety/mode` is nothing."""
    parameters = {p.pattern: p for p in registry.schema.index.index_of(real, "runware/sync-3").parameters}
    assert parameters["/settings/mode"].concept == "edit_region"
    assert parameters["/safety/mode"].concept is None
    assert parameters["/settings/segments/*/audio"].concept == "segment_audio"
    assert parameters["/inputs/audio"].concept == "audio"
