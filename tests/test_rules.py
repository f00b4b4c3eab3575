"""Every rule keyword of schemas/README.md, failing and passing, on the toy offering."""

from __future__ import annotations

import copy
from typing import Any

import pytest

import registry

VALID: dict[str, Any] = {
    "model": "toy-1",
    "inputs": {"audio": [{"id": "a1", "source": "s1"}, {"id": "a2", "source": "s2"}]},
    "items": [{"type": "video", "url": "v"}, {"type": "audio", "url": "a"}],
    "settings": {
        "syncMode": "loop",
        "speaker": {"coordinates": [1, 2], "frame": 0},
        "segments": [],
    },
}


def errors(toy, payload: dict[str, Any]) -> set[tuple[str, str]]:
    report = registry.validate(payload, registry=toy)
    return {(f.rule, f.pointer) for f in report.errors}


def changed(**edits: Any) -> dict[str, Any]:
    """VALID with `path=value` edits; path uses `__` between keys, value None deletes."""
    payload = copy.deepcopy(VALID)
    for dotted, value in edits.items():
        *parents, last = dotted.split("__")
        node = payload
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node[key]
        if value is None:
            del node[last]
        elif isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value
    return payload


def test_the_valid_payload_passes(toy):
    payload = changed(settings__segments=None)
    assert errors(toy, payload) == set()


def segments(*items: dict[str, Any]) -> dict[str, Any]:
    payload = changed(inputs=None)
    payload["settings"]["segments"] = list(items)
    payload["inputs"] = {"speech": [{"id": "a1", "source": "t"}]}
    return payload


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (segments({"start": 0, "end": 1, "ref": "a1"}), set()),
        (segments({"start": 0, "end": 1, "ref": "a9"}), {("ref-unknown", "/settings/segments/0/ref")}),
        (segments({"start": 0, "end": 1, "ref": "A1"}), {("ref-unknown", "/settings/segments/0/ref")}),
    ],
    ids=["known", "unknown", "case-differs"],
)
def test_x_ref(toy, payload, expected):
    assert errors(toy, payload) == expected


def test_x_ref_message_lists_what_is_defined_and_suggests(toy):
    report = registry.validate(segments({"start": 0, "end": 1, "ref": "a"}), registry=toy)
    (finding,) = report.errors
    assert finding.message == ('`ref` is "a", but no `/inputs/audio/*/id` or `/inputs/speech/*/id` has that id; '
                               'defined: "a1"')
    assert finding.hint == 'did you mean "a1"?'


def test_x_unique(toy):
    assert errors(toy, changed(settings__segments=None)) == set()
    duplicate = changed(settings__segments=None, inputs__audio__1={"id": "a1", "source": "s2"})
    assert errors(toy, duplicate) == {("id-duplicate", "/inputs/audio/1/id")}


def test_x_unique_spans_every_location_of_its_group(toy):
    payload = segments({"start": 0, "end": 1, "ref": "a1"})
    payload["inputs"]["speech"].append({"id": "a1", "source": "again"})
    assert ("id-duplicate", "/inputs/speech/1/id") in errors(toy, payload)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [(0, 1, set()), (1, 1, {("out-of-order", "/settings/segments/0/end")}),
     (2, 1, {("out-of-order", "/settings/segments/0/end")}), (0.5, 0.51, set())],
)
def test_x_order_strict(toy, start, end, expected):
    assert errors(toy, segments({"start": start, "end": end, "ref": "a1"})) == expected


def test_x_order_skips_values_of_the_wrong_type(toy):
    # the structural check reports the string; the order rule has nothing to compare
    found = errors(toy, segments({"start": 2, "end": "1", "ref": "a1"}))
    assert found == {("type", "/settings/segments/0/end")}


def test_x_together(toy):
    both = segments({"start": 0, "end": 1, "ref": "a1", "audioStart": 0, "audioEnd": 2})
    one = segments({"start": 0, "end": 1, "ref": "a1", "audioEnd": 2})
    assert errors(toy, both) == set()
    assert errors(toy, one) == {("co-required", "/settings/segments/0/audioStart")}


def test_x_exclusive(toy):
    payload = changed(settings__segments=None, settings__speaker={"boxes": [], "coordinates": [1, 2], "frame": 0})
    assert errors(toy, payload) == {("mutually-exclusive", "/settings/speaker/coordinates")}
    assert errors(toy, changed(settings__segments=None, settings__speaker={"boxes": []})) == set()


def test_x_exactly_one_of(toy):
    none = changed(settings__segments=None, inputs=None)
    two = changed(settings__segments=None, clips=["c"])
    assert errors(toy, none) == {("exactly-one-of", "")}
    assert errors(toy, two) == {("exactly-one-of", "")}
    report = registry.validate(two, registry=toy)
    assert report.errors[0].message == (
        "exactly one of `/inputs/audio`, `/inputs/speech`, `/clips` must be given; found 2: `/inputs/audio`, `/clips`")
    assert errors(toy, changed(settings__segments=None, inputs=None, clips=["c"])) == set()


def test_x_requires(toy):
    payload = changed(settings__segments=None)
    payload["settings"]["tts"] = {}
    assert errors(toy, payload) == {("requires", "/inputs/speech")}
    payload["inputs"] = {"speech": [{"id": "s", "source": "t"}]}
    assert errors(toy, payload) == set()


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        ([{"type": "video", "url": "v"}], set()),
        ([], {("count", "/items")}),
        ([{"type": "video", "url": "v"}, {"type": "image", "url": "i"}], {("count", "/items")}),
        ([{"type": "video", "url": "v"}, {"type": "audio", "url": "a"}, {"type": "audio", "url": "b"}],
         {("count", "/items")}),
    ],
    ids=["one-visual", "no-visual", "two-visual", "two-audio-without-segments"],
)
def test_x_count(toy, items, expected):
    assert errors(toy, changed(settings__segments=None, items=items)) == expected


def test_x_count_unless_and_when(toy):
    two_audio = [{"type": "video", "url": "v"}, {"type": "audio", "url": "a"}, {"type": "audio", "url": "b"}]
    with_segments = segments({"start": 0, "end": 1, "ref": "a1"})
    with_segments["items"] = two_audio
    assert errors(toy, with_segments) == set()  # `unless` present: several audio items are fine
    dubbed = changed(settings__segments=None)
    dubbed["dub"] = True
    assert errors(toy, dubbed) == {("count", "/items")}  # `when` present: no audio item allowed
    report = registry.validate(dubbed, registry=toy)
    assert report.errors[0].message == "the number of audio items in `items` when `/dub` is given is 1; expected none"


def test_rules_ignore_payload_parts_of_the_wrong_shape(toy):
    payload = {"model": "toy-1", "inputs": "not an object", "items": {"type": "video"}, "settings": []}
    found = {rule for rule, _ in errors(toy, payload)}
    assert found <= {"type", "exactly-one-of"}
