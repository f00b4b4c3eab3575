"""Payload translation between the providers of one model (`capreg translate`)."""

from __future__ import annotations

import itertools
import json
import re

import pytest
from click.testing import CliRunner

import registry
from registry.base import pointers
from registry.base.catalog import RULES
from registry.cli import main
from registry.schema.index import NO_DEFAULT
from registry.base.errors import InvalidSource, TranslationError
from registry.tools.compare import vocabulary
from registry.tools.translate import Records, _ConceptReader, layout, translate

from .conftest import ROOT

PROVIDERS = tuple(o.provider for o in registry.default_registry().offerings_of("lipsync-2"))
EXAMPLES = ROOT / "examples"
UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def example(offering, name):
    return json.loads((EXAMPLES / offering / "valid" / name).read_text())


def lipsync_2_examples():
    for provider in PROVIDERS:
        for path in sorted((EXAMPLES / provider / "lipsync-2" / "valid").glob("*.json")):
            yield f"{provider}/lipsync-2", path.name


def at(translation, rule):
    return {f.pointer: f for f in translation.findings if f.rule == rule}


# -- every pair of lipsync-2 providers ------------------------------------------------------
PAIRS = list(itertools.permutations(PROVIDERS, 2))
# Scenario's minimal example names its media by asset id; Replicate's video and audio are URIs,
# so that translation leaves them out (and says so) instead of producing a valid payload.
ASSET_IDS_TO_URIS = {("scenario", "replicate")}


@pytest.mark.parametrize(("source", "target"), PAIRS, ids=[f"{s}->{t}" for s, t in PAIRS])
def test_a_minimal_payload_translates_to_a_valid_payload(real, source, target):
    translation = translate(example(f"{source}/lipsync-2", "minimal.json"), target,
                            source=f"{source}/lipsync-2", registry=real)
    assert translation.target == f"{target}/lipsync-2"
    if (source, target) in ASSET_IDS_TO_URIS:
        assert not translation.ok
        assert set(at(translation, "value-not-allowed")) == {"/video", "/audio"}
        return
    assert translation.ok, translation.report.findings
    assert registry.validate(translation.payload, translation.target, registry=real).ok


def concepts_in(real, offering, payload):
    """What a payload sets, by concept: values, and the records of each array as lists of dicts."""
    def plain(record):
        return {k: [plain(i) for i in v.items] if isinstance(v, Records) else v.value for k, v in record.items()}

    return plain(_ConceptReader(vocabulary(real)).record(layout(real, offering), payload, ()))


def _effective(real, offering, payload, concept):
    """The value a payload means for a concept: the one it sets, else the documented default."""
    values = concepts_in(real, offering, payload)
    if concept in values:
        return values[concept]
    slot = layout(real, offering).slot(concept)
    if slot is None or slot.parameter.default is NO_DEFAULT:
        return None
    return slot.parameter.default


KEPT = ("sync_mode", "temperature", "occlusion_detection")


CROSSINGS = [(offering, name, target) for offering, name in lipsync_2_examples() for target in PROVIDERS
             if not offering.startswith(f"{target}/")]


@pytest.mark.parametrize(("offering", "name", "target"), CROSSINGS,
                         ids=[f"{o}:{n}->{t}" for o, n, t in CROSSINGS])
def test_behaviour_is_kept_or_a_finding_says_why(real, offering, name, target):
    """For every example of every lipsync-2 offering and every other provider: each concept
    both carry means the same at the target (defaults made explicit where they differ), and
    every value of the source is carried over or named by a finding: nothing is dropped silently."""
    payload = example(offering, name)
    translation = translate(payload, target, source=offering, registry=real)
    flagged = {f.pointer for f in translation.findings if f.rule in ("not-expressible", "value-not-allowed")}
    for concept in KEPT:
        before = _effective(real, offering, payload, concept)
        target_slot = layout(real, translation.target).slot(concept)
        if before is None or target_slot is None:
            continue
        source_slot = layout(real, offering).slot(concept)
        if source_slot.parameter.pattern in flagged:
            continue
        assert _effective(real, translation.target, translation.payload, concept) == before, concept

    carried = {json.dumps(v) for _, v in _leaves(translation.payload, ())}
    named = {f.pointer for f in translation.findings}
    fixed = {json.dumps(v) for p in registry.schema.index.index_of(real, offering).parameters
             for v in ([p.schema["const"]] if "const" in p.schema else p.schema.get("enum", [])[:1]
                       if len(p.schema.get("enum", ())) == 1 else [])}
    for path, value in _leaves(payload, ()):
        pointer = pointers.to_pointer(path)
        assert (json.dumps(value) in carried or json.dumps(value) in fixed
                or any(pointer == p or pointer.startswith(p + "/") for p in named)), f"{pointer} dropped silently"

    # A value the target rejects is taken out: what remains wrong is a missing value or a
    # cross-field rule of the target (a zero-length segment, allowed by sync.so, is not by Runware).
    assert all(f.rule == "required" or RULES[f.rule].family == "cross-field" for f in translation.report.errors)


def _leaves(node, path):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(node, list) and node and any(isinstance(v, (dict, list)) for v in node):
        for n, value in enumerate(node):
            yield from _leaves(value, (*path, n))
    else:
        yield path, node


# -- each finding ---------------------------------------------------------------------------
RUNWARE_WITHOUT_SYNC_MODE = {
    "taskType": "videoInference", "taskUUID": "0b7c5b7e-8e2f-4c55-9d4c-3a1e2f6b7c8d", "model": "sync:lipsync-2@1",
    "inputs": {"video": "https://example.com/v.mp4", "audio": [{"source": "https://example.com/a.wav"}]},
}


def test_a_default_left_out_is_written_where_the_target_default_differs(real):
    translation = translate(RUNWARE_WITHOUT_SYNC_MODE, "replicate", registry=real)
    assert translation.payload == {"video": "https://example.com/v.mp4", "audio": "https://example.com/a.wav",
                                   "sync_mode": "bounce"}
    finding = at(translation, "default-made-explicit")["/sync_mode"]
    assert finding.message == ('sync mode is left out, which means "bounce" at runware/lipsync-2; '
                               'replicate/lipsync-2 would use "loop", so /sync_mode is set to "bounce"')
    # The same default is not repeated where the target shares it.
    assert "temperature" not in translation.payload


def test_a_default_the_source_does_not_document(real):
    translation = translate(example("sync/lipsync-2", "minimal.json"), "replicate", registry=real)
    assert "/options/active_speaker_detection" in at(translation, "default-unknown")
    assert "active_speaker" not in translation.payload


def test_values_the_target_cannot_express_are_reported(real):
    translation = translate(example("runware/lipsync-2", "rich-mixed-segments.json"), "fal", registry=real)
    lost = at(translation, "not-expressible")
    assert {"/providerSettings/sync/temperature", "/providerSettings/sync/segments", "/inputs/speech",
            "/inputs/audio/1", "/ttl", "/webhookURL"} <= set(lost)
    assert lost["/providerSettings/sync/segments"].message == (
        "segments (3 items): no counterpart at fal/lipsync-2; left out")
    assert lost["/inputs/audio/1"].message == "audio 2: no counterpart at fal/lipsync-2, which takes only one audio; left out"
    assert translation.payload["audio_url"] == "32754c50-4506-4b37-87a7-fdb75a7a55df"
    assert translation.ok


def test_a_value_the_target_rejects_is_taken_out_and_reported(real):
    payload = {"model": "sync-3", "input": [{"type": "video", "url": "https://e.com/v.mp4"},
                                            {"type": "audio", "url": "https://e.com/a.wav"}],
               "options": {"sync_mode": "loop"}}
    translation = translate(payload, "runware", registry=real)
    finding = at(translation, "value-not-allowed")["/options/sync_mode"]
    assert finding.message.startswith('sync mode "loop" is not accepted at runware/sync-3: `syncMode` must be one of')
    assert "syncMode" not in translation.payload.get("settings", {})
    assert translation.ok
    assert translate(payload, "scenario", registry=real).payload["syncMode"] == "loop"


def test_a_per_request_id_is_not_carried_and_generated_where_required(real):
    to_sync = translate(RUNWARE_WITHOUT_SYNC_MODE, "sync", registry=real)
    assert at(to_sync, "not-carried")["/taskUUID"].severity.value == "info"
    to_runware = translate(example("fal/lipsync-2", "minimal.json"), "runware", source="fal/lipsync-2", registry=real)
    assert UUID4.match(to_runware.payload["taskUUID"])
    assert "/taskUUID" in at(to_runware, "value-generated")
    assert (to_runware.payload["taskType"], to_runware.payload["model"]) == ("videoInference", "sync:lipsync-2@1")
    fixed = translate(example("fal/lipsync-2", "minimal.json"), "runware", source="fal/lipsync-2", registry=real,
                      new_task_id=lambda: "9b2f0c1e-1d2c-4b6a-9a1e-2c3d4e5f6a7b")
    assert fixed.payload["taskUUID"] == "9b2f0c1e-1d2c-4b6a-9a1e-2c3d4e5f6a7b"


def test_a_cross_field_rule_of_the_target_is_reported_not_hidden(real):
    translation = translate(example("sync/lipsync-2", "zero-length-segment.json"), "runware", registry=real)
    assert translation.payload["providerSettings"]["sync"]["segments"] == [
        {"startTime": 3, "endTime": 3, "ref": "a1", "audioStartTime": 1, "audioEndTime": 1}]
    assert [(f.rule, f.pointer) for f in translation.report.errors] == [
        ("out-of-order", "/providerSettings/sync/segments/0/audioEndTime"),
        ("out-of-order", "/providerSettings/sync/segments/0/endTime")]


def test_the_cases_cover_every_finding_id():
    tested = {"not-expressible", "value-not-allowed", "default-made-explicit", "default-unknown", "not-carried",
              "value-generated"}
    assert tested == {r.id for r in RULES.values() if r.family == "translation"}


# -- shapes ---------------------------------------------------------------------------------
def test_media_become_typed_input_items_at_sync(real):
    translation = translate(example("fal/lipsync-2", "minimal.json"), "sync", source="fal/lipsync-2", registry=real)
    source = example("fal/lipsync-2", "minimal.json")
    assert translation.payload["model"] == "lipsync-2"
    assert translation.payload["input"] == [{"type": "video", "url": source["video_url"]},
                                            {"type": "audio", "url": source["audio_url"]}]


def test_segments_and_their_inputs_move_between_sync_and_runware(real):
    payload = example("sync/lipsync-2", "rich.json")
    there = translate(payload, "runware", registry=real)
    sync_settings = there.payload["providerSettings"]["sync"]
    assert [s["ref"] for s in sync_settings["segments"]] == ["host", "guest", "host"]
    assert sync_settings["segments"][2] == {"startTime": 12, "endTime": 15.25, "ref": "host",
                                            "audioStartTime": 6.5, "audioEndTime": 9.75}
    assert there.payload["inputs"]["audio"] == [{"id": "host", "source": payload["input"][1]["url"]}]
    assert there.payload["inputs"]["speech"][0]["text"] == payload["input"][2]["provider"]["script"]
    assert {"/segments/1/optionsOverride/sync_mode", "/input/2/provider/stability"} <= set(at(there, "not-expressible"))
    back = translate(there.payload, "sync", registry=real)
    assert back.payload["segments"] == [{k: v for k, v in s.items() if k != "optionsOverride"}
                                        for s in payload["segments"]]
    # Runware documents autoDetect false when left out; sync.so documents nothing, so the way back says so.
    assert back.payload["options"]["active_speaker_detection"] == {"auto_detect": False, "frame_number": 120,
                                                                   "coordinates": [640, 360]}
    assert "/options/active_speaker_detection/auto_detect" in at(back, "default-made-explicit")


def test_active_speaker_as_one_boolean_or_as_settings(real):
    replicate = {"video": "https://e.com/v.mp4", "audio": "https://e.com/a.wav", "active_speaker": True}
    to_sync = translate(replicate, "sync", source="replicate/lipsync-2", registry=real)
    assert to_sync.payload["options"]["active_speaker_detection"] == {"auto_detect": True}
    to_runware = translate(replicate, "runware", source="replicate/lipsync-2", registry=real)
    assert to_runware.payload["providerSettings"]["sync"]["activeSpeakerDetection"] == {"autoDetect": True}
    sync = {"model": "lipsync-2-pro", "input": [{"type": "video", "url": "v"}, {"type": "audio", "url": "a"}],
            "options": {"active_speaker_detection": {"auto_detect": True}}}
    assert translate(sync, "scenario", registry=real).payload["activeSpeaker"] is True
    with_point = {**sync, "options": {"active_speaker_detection": {"frame_number": 3, "coordinates": [1, 2]}}}
    lost = at(translate(with_point, "replicate", registry=real), "not-expressible")
    assert {"/options/active_speaker_detection/frame_number", "/options/active_speaker_detection/coordinates"} <= set(lost)


# -- usage errors -----------------------------------------------------------------------------
def test_usage_errors(real):
    minimal = example("sync/lipsync-2", "minimal.json")
    with pytest.raises(TranslationError, match="unknown offering 'wavespeed/lipsync-2'; lipsync-2 is also offered as"):
        translate(minimal, "wavespeed", registry=real)
    with pytest.raises(TranslationError, match="already for sync/lipsync-2"):
        translate(minimal, "sync", registry=real)
    with pytest.raises(TranslationError, match="fal/react-1 is another model"):
        translate(minimal, "fal/react-1", registry=real)
    with pytest.raises(TranslationError, match="cannot tell which offering"):
        translate(example("fal/lipsync-2", "minimal.json"), "sync", registry=real)
    with pytest.raises(InvalidSource) as raised:
        translate({**minimal, "options": {"sync_mode": "bouncy"}}, "fal", registry=real)
    assert [f.rule for f in raised.value.report.errors] == ["enum"]


# -- the command ------------------------------------------------------------------------------
def run(*args):
    return CliRunner().invoke(main, ["translate", *args])


def test_cli_prints_the_payload_and_the_findings():
    result = run("examples/runware/lipsync-2/valid/minimal.json", "--to", "replicate")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["video"]
    assert result.stderr.startswith("runware/lipsync-2 -> replicate/lipsync-2: valid at the target")


def test_cli_json(tmp_path):
    path = tmp_path / "task.json"
    path.write_text(json.dumps(RUNWARE_WITHOUT_SYNC_MODE))
    result = run(str(path), "--to", "fal", "--format", "json")
    document = json.loads(result.stdout)
    assert (document["version"], document["target"], document["valid"], document["payload"]["sync_mode"]) == (
        2, "fal/lipsync-2", True, "bounce")
    assert "default-made-explicit" in [f["rule"] for f in document["findings"]]


def test_cli_exit_codes(tmp_path):
    assert run("examples/sync/lipsync-2/valid/text-to-speech.json", "--to", "replicate").exit_code == 1
    assert run("examples/sync/lipsync-2/valid/minimal.json", "--to", "fal", "--fail-on", "info").exit_code == 1
    unreadable = run(str(tmp_path / "missing.json"), "--to", "fal")
    assert unreadable.exit_code == 2 and "cannot read the file" in unreadable.stderr
    unknown = run("examples/sync/lipsync-2/valid/minimal.json", "--to", "wavespeed")
    assert unknown.exit_code == 2 and "unknown offering 'wavespeed/lipsync-2'" in unknown.stderr
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"model": "lipsync-2", "input": [], "options": {"sync_mode": "bouncy"}}))
    invalid = run(str(bad), "--to", "fal")
    assert invalid.exit_code == 1 and "not valid for sync/lipsync-2" in invalid.stderr
    for result in (unreadable, unknown, invalid):
        assert "Traceback" not in result.stderr + result.stdout
