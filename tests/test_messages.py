"""Messages and hints that point at the fix, one finding per problem, findings in file
order, rule selection, and the command-line details of issue 15."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

import registry
from registry.cli import main

RUNWARE_SYNC_3 = {
    "taskType": "videoInference", "taskUUID": "3e4f5a6b-7c8d-4e9f-8a0b-2c3d4e5f6a7b", "model": "sync:3@0",
    "inputs": {"video": "https://example.com/v.mp4", "audio": "https://example.com/a.wav"},
}
RUNWARE_LIPSYNC_2 = {
    "taskType": "videoInference", "taskUUID": "3e4f5a6b-7c8d-4e9f-8a0b-2c3d4e5f6a7b", "model": "sync:lipsync-2@1",
    "inputs": {"video": "https://example.com/v.mp4", "audio": [{"source": "https://example.com/a.wav"}]},
}
SYNC_LIPSYNC_2 = {
    "model": "lipsync-2",
    "input": [{"type": "video", "url": "https://example.com/v.mp4"}, {"type": "audio", "url": "https://example.com/a.wav"}],
}
FAL_LIPSYNC_2 = {"video_url": "https://example.com/v.mp4", "audio_url": "https://example.com/a.wav"}


def run(*args: str, cwd: Path | None = None, stdin: str | None = None):
    old = os.getcwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        return CliRunner().invoke(main, list(args), input=stdin)
    finally:
        os.chdir(old)


def rules_of(report) -> list[tuple[str, str]]:
    return [(f.rule, f.pointer) for f in report.findings]


# -- wrong nesting -------------------------------------------------------------------------

def test_runware_sync_3_parameters_in_provider_settings_sync_are_told_where_they_go(real):
    payload = {**RUNWARE_SYNC_3, "providerSettings": {"sync": {"syncMode": "bounce", "temperature": 0.5}}}
    report = registry.validate(payload, registry=real)
    assert rules_of(report) == [("unknown-property", "/providerSettings")]
    assert report.findings[0].hint == ("runware/sync-3 takes what this holds at other places: move `syncMode` to "
                                       "`/settings/syncMode`, `temperature` to `/settings/temperature`")


def test_sync_mode_one_level_too_high_is_moved_not_did_you_mean_sync(real):
    payload = {**RUNWARE_LIPSYNC_2, "providerSettings": {"syncMode": "bounce"}}
    report = registry.validate(payload, registry=real)
    assert rules_of(report) == [("unknown-property", "/providerSettings/syncMode")]
    assert report.findings[0].hint == "move it to `/providerSettings/sync/syncMode`"
    assert report.findings[0].ctx["belongs_at"] == ["/providerSettings/sync/syncMode"]


def test_sync_mode_at_the_root_of_a_sync_payload_is_moved_into_options(real):
    report = registry.validate({**SYNC_LIPSYNC_2, "sync_mode": "bounce"}, registry=real)
    assert rules_of(report) == [("unknown-property", "/sync_mode")]
    assert report.findings[0].hint == "move it to `/options/sync_mode`"


def test_another_providers_name_at_the_wrong_place_names_this_offerings_place(real):
    report = registry.validate({**RUNWARE_LIPSYNC_2, "sync_mode": "bounce"}, registry=real)
    assert rules_of(report) == [("unknown-property", "/sync_mode")]
    assert "calls it `syncMode` at /providerSettings/sync/syncMode" in report.findings[0].hint


def test_a_misplaced_parameter_is_not_also_reported_unset(real):
    # Without the move, the payload leaves sync mode out and gets the implicit-default warning.
    assert "implicit-default" in [f.rule for f in registry.validate(SYNC_LIPSYNC_2, registry=real).findings]
    report = registry.validate({**SYNC_LIPSYNC_2, "sync_mode": "bounce"}, registry=real)
    assert "implicit-default" not in [f.rule for f in report.findings]


# -- one problem, one finding --------------------------------------------------------------

def test_a_misspelt_required_field_is_one_finding(real):
    payload = {"vidoe_url": FAL_LIPSYNC_2["video_url"], "audio_url": FAL_LIPSYNC_2["audio_url"], "sync_mode": "loop"}
    report = registry.validate(payload, "fal/lipsync-2", registry=real)
    assert rules_of(report) == [("unknown-property", "/vidoe_url")]
    assert report.findings[0].hint == "did you mean `video_url`? (it is required)"


def test_a_different_input_where_another_is_required_stays_two_findings(real):
    # video_url on an image model is not a typo of image_url: both facts are worth saying.
    payload = {"video_url": FAL_LIPSYNC_2["video_url"], "audio_url": FAL_LIPSYNC_2["audio_url"]}
    report = registry.validate(payload, "fal/sync-3-image-to-video", registry=real)
    assert {("unknown-property", "/video_url"), ("required", "/image_url")} <= set(rules_of(report))


def test_an_empty_ref_id_is_one_finding_and_never_asks_for_an_input_with_the_id_empty(real):
    payload = {**SYNC_LIPSYNC_2, "options": {"sync_mode": "loop"},
               "segments": [{"startTime": 0, "endTime": 2, "audioInput": {"refId": ""}}]}
    payload["input"][1] = {**payload["input"][1], "refId": "a"}
    report = registry.validate(payload, registry=real)
    assert rules_of(report) == [("length", "/segments/0/audioInput/refId")]
    assert not any('give an input the id ""' in (f.hint or "") for f in report.findings)


# -- file order ----------------------------------------------------------------------------

def test_findings_of_a_file_are_in_line_and_column_order(tmp_path):
    text = """{
  "providerSettings": {
    "sync": {"syncMode": "bouncy"}
  },
  "taskType": "videoInference",
  "taskUUID": "3e4f5a6b-7c8d-4e9f-8a0b-2c3d4e5f6a7b",
  "model": "sync:lipsync-2@1",
  "inputs": {
    "video": 5,
    "audio": [{"source": "https://example.com/a.wav"}]
  },
  "outputFormat": 3
}
"""
    path = tmp_path / "payload.json"
    path.write_text(text, encoding="utf-8")
    result = run("validate", "--format", "json", str(path))
    findings = json.loads(result.output)["files"][0]["payloads"][0]["findings"]
    places = [(f["line"], f["column"]) for f in findings]
    assert places[:3] == [(3, 14), (9, 5), (12, 3)] and places == sorted(places), places
    # The library keeps its own order: errors by pointer.
    report = registry.validate(json.loads(text))
    assert [f.pointer for f in report.findings][::len(report.findings) - 1] == ["/inputs/video",
                                                                                "/providerSettings/sync/syncMode"]
