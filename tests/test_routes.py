"""validate_request: every provider's real URL shapes resolve to the right offering (from
the `x-route` data of the schemas), envelopes are unwrapped with pointers into the body,
requests that are none capreg checks are ignored, unknown routes are a finding."""

from __future__ import annotations

import json

import pytest

import registry

from .conftest import example

VIDEO, AUDIO = "https://example.com/v.mp4", "https://example.com/a.wav"
FAL = {"video_url": VIDEO, "audio_url": AUDIO}
REPLICATE = {"input": {"video": VIDEO, "audio": AUDIO}}
SCENARIO = {"video": VIDEO, "audio": AUDIO}
SYNC_INPUT = [{"type": "video", "url": VIDEO}, {"type": "audio", "url": AUDIO}]
V2 = "3190ef7dc0cbca29458d0032c032ef140a840087141cf10333e8d19a213f9194"


def runware_task(model: str) -> dict:
    return {**example("runware/lipsync-2/valid/minimal.json"), "model": model}


ROUTES = [
    # fal: the path is the endpoint id, on the run and queue hosts and their backups
    ("https://fal.run/fal-ai/sync-lipsync", FAL, "fal/lipsync-1.9.0-beta"),
    ("https://fal.run/fal-ai/sync-lipsync/v2", FAL, "fal/lipsync-2"),
    ("https://fal.run/fal-ai/sync-lipsync/v2/pro", FAL, "fal/lipsync-2-pro"),
    ("https://queue.fal.run/fal-ai/sync-lipsync/v2", FAL, "fal/lipsync-2"),
    ("https://queue.fal.run/fal-ai/sync-lipsync/v2/pro", FAL, "fal/lipsync-2-pro"),
    ("https://falrun.com/fal-ai/sync-lipsync/v2/pro", FAL, "fal/lipsync-2-pro"),
    ("https://queue.falrun.com/fal-ai/sync-lipsync/react-1", {**FAL, "emotion": "happy"}, "fal/react-1"),
    ("https://queue.fal.run/fal-ai/sync-lipsync/v3", FAL, "fal/sync-3"),
    ("https://queue.fal.run/fal-ai/sync-lipsync/v3/image-to-video", {"image_url": VIDEO, "audio_url": AUDIO},
     "fal/sync-3-image-to-video"),
    ("https://queue.fal.run/fal-ai/sync-lipsync/v2/?fal_webhook=https%3A%2F%2Fexample.com%2Fhook", FAL, "fal/lipsync-2"),
    # Replicate: the model route (its sync/lipsync-2 is not capreg's sync/lipsync-2), a version id, owner/name:version
    ("https://api.replicate.com/v1/models/sync/lipsync-2/predictions", REPLICATE, "replicate/lipsync-2"),
    ("https://api.replicate.com/v1/models/sync/lipsync-2-pro/predictions", REPLICATE, "replicate/lipsync-2-pro"),
    ("https://api.replicate.com/v1/models/sync/react-1/predictions", REPLICATE, "replicate/react-1"),
    ("https://api.replicate.com/v1/predictions", {**REPLICATE, "version": V2}, "replicate/lipsync-2"),
    ("https://api.replicate.com/v1/predictions", {**REPLICATE, "version": "186310d5" + "0" * 56}, "replicate/lipsync-2-pro"),
    ("https://api.replicate.com/v1/predictions", {**REPLICATE, "version": "sync/react-1:c44d8de5"}, "replicate/react-1"),
    # Scenario: the model id in the path
    ("https://api.cloud.scenario.com/v1/generate/custom/model_sync-lipsync-v2", SCENARIO, "scenario/lipsync-2"),
    ("https://api.cloud.scenario.com/v1/generate/custom/model_sync-lipsync-v2-pro", SCENARIO, "scenario/lipsync-2-pro"),
    ("https://api.cloud.scenario.com/v1/generate/custom/model_sync-lipsync-v3-image-to-video",
     {"image": VIDEO, "audio": AUDIO}, "scenario/sync-3-image-to-video"),
    # sync.so: one path, the model in the body
    ("https://api.sync.so/v2/generate", {"model": "lipsync-2", "input": SYNC_INPUT}, "sync/lipsync-2"),
    ("https://api.sync.so/v2/generate", {"model": "lipsync-2-pro", "input": SYNC_INPUT}, "sync/lipsync-2-pro"),
    ("https://api.sync.so/v2/generate", {"model": "sync-3", "input": SYNC_INPUT}, "sync/sync-3"),
    # Runware: one path, a task array, the model in each task (an alias included)
    ("https://api.runware.ai/v1", [runware_task("sync:lipsync-2@1")], "runware/lipsync-2"),
    ("https://api.runware.ai/v1", [runware_task("sync:react-1@1")], "runware/react-1"),
    ("https://api.runware.ai/v1", [example("runware/sync-3/valid/minimal-audio.json")], "runware/sync-3"),
]


@pytest.mark.parametrize(("url", "body", "offering"), ROUTES, ids=[f"{o}<-{u.split('//')[1]}" for u, _, o in ROUTES])
def test_each_real_url_resolves_to_its_offering(url, body, offering):
    (report,) = registry.validate_request(url, body)
    assert report.offering == offering
    assert report.ok, report.findings


def test_every_offering_has_a_route_and_every_provider_is_in_the_table():
    offerings = registry.default_registry().offerings.values()
    assert [o.id for o in offerings if "x-route" not in o.schema] == []
    assert {o.provider for o in offerings} == {offering.split("/")[0] for _, _, offering in ROUTES}


def test_a_model_id_alias_in_a_task_chooses_the_offering():
    task = {**example("runware/sync-3/valid/minimal-audio.json"), "model": "sync:lipsync@3"}
    (report,) = registry.validate_request("https://api.runware.ai/v1", [task])
    assert report.offering == "runware/sync-3"


@pytest.mark.parametrize(("method", "url", "body"), [
    ("GET", "https://queue.fal.run/fal-ai/sync-lipsync/requests/r1/status", None),
    ("PUT", "https://queue.fal.run/fal-ai/sync-lipsync/requests/r1/cancel", None),
    ("POST", "https://queue.fal.run/fal-ai/sync-lipsync/v2/requests/r1", {}),
    ("GET", "https://api.replicate.com/v1/predictions/p1", None),
    ("POST", "https://api.replicate.com/v1/files", {}),
    ("POST", "https://api.sync.so/v2/assets", {"x": 1}),
    ("GET", "https://api.sync.so/v2/generate/gen-1", None),
    ("POST", "https://example.com/v2/generate", {"model": "nope"}),
    ("POST", "https://rest.fal.ai/storage/upload/initiate", {}),
])
def test_requests_that_are_not_generations_are_ignored(method, url, body):
    assert registry.validate_request(url, body, method) == ()


@pytest.mark.parametrize(("url", "body", "words", "hint"), [
    ("https://fal.run/fal-ai/flux/dev", {"prompt": "a cat"}, "no offering is sent there", None),
    ("https://fal.run/fal-ai/sync-lipsync/v2/pr0", FAL, "no offering is sent there", "/fal-ai/sync-lipsync/v2/pro"),
    ("https://api.replicate.com/v1/models/acme/other/predictions", REPLICATE, "no offering is sent there", None),
    ("https://api.replicate.com/v1/predictions", {**REPLICATE, "version": "f" * 64}, "not in capreg's version table", None),
    ("https://api.replicate.com/v1/predictions", REPLICATE, "names no version at /version", None),
    ("https://api.replicate.com/v1/deployments/acme/lips/predictions", REPLICATE, "deployment", "routes="),
    ("https://api.cloud.scenario.com/v1/generate/custom/model_flux", {}, "no offering is sent there", None),
])
def test_unknown_routes_are_a_finding_not_an_error(url, body, words, hint):
    (report,) = registry.validate_request(url, body)
    (finding,) = report.findings
    assert (finding.rule, finding.severity.value, report.offering) == ("route-unknown", "info", None)
    assert words in finding.message
    assert hint is None or hint in finding.hint


def test_a_deployment_is_checked_through_the_callers_mapping():
    url = "https://api.replicate.com/v1/deployments/acme/lips/predictions"
    (report,) = registry.validate_request(url, {"input": {"video": VIDEO}}, routes_map={url: "replicate/lipsync-2"})
    assert (report.offering, [(f.rule, f.pointer) for f in report.errors]) == ("replicate/lipsync-2", [("required", "/input/audio")])
    (report,) = registry.validate_request(url, REPLICATE, routes_map={"/v1/deployments/acme/lips/predictions": "replicate/lipsync-3"})
    assert [f.rule for f in report.findings] == ["offering-unknown"] and "replicate/lipsync-2" in report.findings[0].hint


def test_runware_task_array_each_task_at_its_index_other_tasks_not_covered():
    good = runware_task("sync:lipsync-2@1")
    bad = {**good, "providerSettings": {"sync": {"syncMode": "sideways"}}}
    body = [{"taskType": "authentication", "apiKey": "k"}, good, bad, {"taskType": "imageInference", "model": "runware:101@1"}]
    reports = registry.validate_request("https://api.runware.ai/v1", body)
    assert [r.offering for r in reports] == [None, "runware/lipsync-2", "runware/lipsync-2", None]
    assert [[(f.rule, f.severity.value, f.pointer) for f in r.findings if f.rule != "implicit-default"] for r in reports] == [
        [("task-not-covered", "info", "/0")], [], [("enum", "error", "/2/providerSettings/sync/syncMode")],
        [("task-not-covered", "info", "/3")]]
    assert reports[0].findings[0].message == "task 0 (authentication) is not checked: it names no model at /model"
    assert reports[3].findings[0].message == 'task 3 (imageInference) is not checked: no offering has model id "runware:101@1"'


def test_replicate_prediction_fields_are_checked():
    body = {"input": {"video": VIDEO, "audio": AUDIO, "sync_mode": "sideways"}, "webhook": "not a url",
            "webhook_events_filter": ["start", "done"], "stream": "yes", "extra": 1}
    (report,) = registry.validate_request("https://api.replicate.com/v1/models/sync/lipsync-2/predictions", body)
    assert sorted((f.rule, f.pointer) for f in report.errors) == [
        ("enum", "/input/sync_mode"), ("enum", "/webhook_events_filter/1"), ("format", "/webhook"),
        ("type", "/stream"), ("unknown-property", "/extra")]
    (report,) = registry.validate_request("https://api.replicate.com/v1/models/sync/lipsync-2/predictions", {"video": VIDEO})
    assert [(f.rule, f.pointer) for f in report.findings] == [("required", "/input"), ("unknown-property", "/video")]
    (report,) = registry.validate_request("https://api.replicate.com/v1/models/sync/lipsync-2/predictions", [1])
    assert [f.rule for f in report.findings] == ["payload-not-object"]


def test_fal_webhook_query_parameter_is_checked():
    (report,) = registry.validate_request("https://queue.fal.run/fal-ai/sync-lipsync/v2?fal_webhook=not%20a%20url", FAL)
    assert [(f.rule, f.pointer) for f in report.errors] == [("format", "")]
    assert "fal_webhook" in report.errors[0].message


def test_sync_body_with_an_unknown_or_missing_model():
    (report,) = registry.validate_request("https://api.sync.so/v2/generate", {"model": "lipsync-2-prp", "input": SYNC_INPUT})
    assert [(f.rule, f.pointer) for f in report.findings] == [("offering-unknown", "/model")]
    assert report.findings[0].hint == 'did you mean "lipsync-2-pro"?'
    (report,) = registry.validate_request("https://api.sync.so/v2/generate", {"input": SYNC_INPUT})
    assert [f.rule for f in report.findings] == ["offering-undetected"]
    # A Runware model id sent to sync.so is not taken for the Runware offering.
    (report,) = registry.validate_request("https://api.sync.so/v2/generate", {"model": "sync:lipsync-2@1", "input": SYNC_INPUT})
    assert report.offering is None and [f.rule for f in report.findings] == ["offering-unknown"]


def test_hostile_bodies_give_findings():
    url = "https://api.runware.ai/v1"
    assert [f.rule for r in registry.validate_request(url, [b"bytes"]) for f in r.findings] == ["task-not-covered"]
    assert [f.rule for r in registry.validate_request(url, "text") for f in r.findings] == ["task-not-covered"]
    (report,) = registry.validate_request("https://fal.run/fal-ai/sync-lipsync/v2", {"video_url": float("nan")})
    assert "value-not-json" in {f.rule for f in report.findings}
    assert registry.validate_request(url, []) == ()


# -- envelopes in payload files: capreg validate -------------------------------------------

def validate_files(*args: str) -> tuple[int, dict]:
    from click.testing import CliRunner

    from registry.cli import main

    result = CliRunner().invoke(main, ["validate", "--format", "json", *args])
    return result.exit_code, json.loads(result.output)


def test_a_task_array_file_is_one_payload_per_task_located_in_the_file(tmp_path):
    good = runware_task("sync:lipsync-2@1")
    bad = {**good, "providerSettings": {"sync": {"syncMode": "sideways"}}}
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps([good, bad], indent=2))
    code, report = validate_files(str(path))
    entries = report["files"][0]["payloads"]
    assert code == 1 and [e["offering"] for e in entries] == ["runware/lipsync-2"] * 2
    (enum,) = [f for f in entries[1]["findings"] if f["rule"] == "enum"]
    assert enum["pointer"] == "/1/providerSettings/sync/syncMode"
    lines = path.read_text().splitlines()
    assert '"sideways"' in lines[enum["line"] - 1]
    assert report["summary"]["payloads"] == 2


def test_an_array_of_other_values_is_still_one_payload(tmp_path):
    path = tmp_path / "numbers.json"
    path.write_text("[" + "0," * 99_999 + "0]")
    _, report = validate_files(str(path))
    (entry,) = report["files"][0]["payloads"]
    assert [f["rule"] for f in entry["findings"]] == ["payload-not-object"]


def test_a_replicate_prediction_file_by_offering_or_by_recorded_version(tmp_path):
    body = {"input": {"video": VIDEO, "audio": AUDIO, "sync_mode": "sideways"}, "webhook": "not a url"}
    named = tmp_path / "named.json"
    named.write_text(json.dumps(body, indent=2))
    _, report = validate_files("--offering", "replicate/lipsync-2", str(named))
    (entry,) = report["files"][0]["payloads"]
    assert sorted((f["rule"], f["pointer"]) for f in entry["findings"] if f["severity"] == "error") == [
        ("enum", "/input/sync_mode"), ("format", "/webhook")]
    versioned = tmp_path / "versioned.json"
    versioned.write_text(json.dumps({**body, "version": V2}, indent=2))
    code, report = validate_files(str(versioned))
    (entry,) = report["files"][0]["payloads"]
    assert entry["offering"] == "replicate/lipsync-2" and code == 1
    # A sync.so payload has `input` too: it is no prediction.
    sync_payload = tmp_path / "sync.json"
    sync_payload.write_text(json.dumps({"model": "lipsync-2", "input": SYNC_INPUT}))
    code, report = validate_files(str(sync_payload))
    assert (code, report["files"][0]["payloads"][0]["offering"]) == (0, "sync/lipsync-2")
