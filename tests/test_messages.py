"""Messages and hints that point at the fix, one finding per problem, findings in file
order, rule selection, and the command-line details of issue 15."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import registry
from registry.cli import main

from .test_cli import run
from .test_startup import importtime_modules

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


# -- translate -----------------------------------------------------------------------------

def translate_cli(*args: str):
    return CliRunner().invoke(main, ["translate", *args])


SYNC_3_LOOP = {"model": "sync-3", "input": SYNC_LIPSYNC_2["input"], "options": {"sync_mode": "loop"}}


def test_translate_exits_1_when_a_value_is_not_allowed_at_the_target(tmp_path):
    path = tmp_path / "loop.json"
    path.write_text(json.dumps(SYNC_3_LOOP))
    result = translate_cli(str(path), "--to", "runware")
    assert result.exit_code == 1, result.stderr
    assert "valid at the target, but 1 value of the source is not carried" in result.stderr
    assert 'it is left out, so runware/sync-3 uses its default "cut_off"' in result.stderr
    assert translate_cli(str(path), "--to", "runware", "--allow-loss").exit_code == 0


def test_translate_exits_1_when_segments_are_dropped_going_to_fal():
    result = translate_cli("examples/sync/lipsync-2/valid/rich.json", "--to", "fal")
    assert result.exit_code == 1, result.stderr
    assert "segments (3 items): no counterpart at fal/lipsync-2" in result.stderr
    assert translate_cli("examples/sync/lipsync-2/valid/rich.json", "--to", "fal", "--allow-loss").exit_code == 0


def test_translate_names_the_line_of_each_payload_of_a_file(tmp_path):
    path = tmp_path / "two.jsonl"
    path.write_text(json.dumps(SYNC_3_LOOP) + "\n" + json.dumps(SYNC_LIPSYNC_2) + "\n")
    result = translate_cli(str(path), "--to", "fal")
    assert f"{path}:1: sync/sync-3 -> fal/sync-3: valid at the target" in result.stderr
    assert f"{path}:2: sync/lipsync-2 -> fal/lipsync-2: valid at the target" in result.stderr


def test_translate_output_has_no_implicit_default_and_no_default_unknown_for_ignored_parameters(real):
    from registry.tools.translate import translate

    translation = translate(SYNC_3_LOOP, "runware", registry=real)
    rules = [(f.rule, f.pointer) for f in (*translation.findings, *translation.report.findings)]
    assert "implicit-default" not in [rule for rule, _ in rules]
    # temperature and occlusion detection are x-ignored by runware/sync-3
    assert ("default-unknown", "/options/temperature") not in rules
    assert ("default-unknown", "/options/occlusion_detection_enabled") not in rules


def _tree_with_temperature_default(tmp_path: Path, default: str, at_replicate: str) -> Path:
    import shutil

    from registry.schema.tree import shipped_schema_root

    tree = tmp_path / "schemas"
    shutil.copytree(shipped_schema_root(), tree)
    for file in tree.rglob("*.json"):
        text = file.read_text(encoding="utf-8")
        if '"default": 0.5,' in text:
            wanted = at_replicate if file.relative_to(tree).as_posix() == "replicate/lipsync-2.json" else default
            file.write_text(text.replace('"default": 0.5,', f'"default": {wanted},'), encoding="utf-8")
    return tree


def test_defaults_1_and_1_0_are_the_same_default_in_compare_and_translate(tmp_path):
    from registry.tools.compare import compare
    from registry.tools.translate import translate

    tree = registry.load(_tree_with_temperature_default(tmp_path, "1", "1.0"))
    temperature = next(row for row in compare(tree, "lipsync-2").rows if row.concept == "temperature")
    assert "default-differs" not in [d.rule for d in temperature.differences]
    runware = json.loads(Path("examples/runware/lipsync-2/valid/minimal.json").read_text())
    translation = translate(runware, "replicate", registry=tree)
    assert "/temperature" not in translation.payload and "temperature" not in translation.payload
    assert not [f for f in translation.findings if f.rule == "default-made-explicit" and "temperature" in f.message]


# -- wording -------------------------------------------------------------------------------

def test_counts_are_written_in_the_singular_when_there_is_one(real, tmp_path):
    path = tmp_path / "one.json"
    path.write_text(json.dumps({**SYNC_LIPSYNC_2, "options": {"sync_mode": "loop"}, "sync_mode": "loop"}))
    assert "1 file, 1 payload, 0 valid, 1 invalid, 1 error, 0 warnings" in run("validate", str(path)).output


# -- which offering, [tool.capreg], --select/--ignore --------------------------------------

def test_a_payload_selected_by_url_gets_the_offerings_that_accept_it(real):
    report = registry.validate(FAL_LIPSYNC_2, registry=real)
    (finding,) = report.findings
    assert finding.rule == "offering-undetected"
    assert "it is valid for fal/lipsync-1.9.0-beta, fal/lipsync-2, fal/lipsync-2-pro, fal/sync-3" in finding.hint
    replicate = registry.validate({"video": "https://e.com/v.mp4", "audio": "https://e.com/a.wav"}, registry=real)
    assert "replicate/lipsync-2" in replicate.findings[0].hint and "fal/" not in replicate.findings[0].hint


def project(tmp_path: Path, capreg_table: str) -> Path:
    (tmp_path / "pyproject.toml").write_text(capreg_table, encoding="utf-8")
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "a.json").write_text(json.dumps(FAL_LIPSYNC_2), encoding="utf-8")
    return tmp_path


def test_a_misspelt_offering_in_the_mapping_names_pyproject_toml(tmp_path):
    root = project(tmp_path, '[tool.capreg.offerings]\n"p/*.json" = "fal/lipsync2"\n')
    result = run("validate", "p/a.json", cwd=root)
    assert result.exit_code == 2
    assert (f"{root / 'pyproject.toml'}: [tool.capreg.offerings] maps p/a.json to 'fal/lipsync2', which is not an "
            "offering; did you mean 'fal/lipsync-2'?") in result.output


def test_an_unknown_key_under_tool_capreg_is_an_error_naming_pyproject_toml(tmp_path):
    root = project(tmp_path, '[tool.capreg]\nselct = ["structure"]\nschemas = "my-schemas"\n')
    result = run("validate", "p/a.json", cwd=root)
    assert result.exit_code == 2
    assert f"{root / 'pyproject.toml'}: [tool.capreg] has an unknown key 'selct'; did you mean 'select'?" in result.output


def test_ignore_and_select_rules_on_the_command_line_and_in_pyproject(tmp_path):
    root = project(tmp_path, '[tool.capreg.offerings]\n"p/*.json" = "fal/lipsync-2"\n')
    assert "implicit-default" in run("validate", "p/a.json", cwd=root).output
    ignored = run("validate", "p/a.json", "--ignore", "implicit-default", "--fail-on", "warning", cwd=root)
    assert (ignored.exit_code, "implicit-default" in ignored.output) == (0, False)
    selected = run("validate", "p/a.json", "--select", "structure,cross-field", cwd=root)
    assert "implicit-default" not in selected.output and "0 warnings" in selected.output
    (root / "pyproject.toml").write_text('[tool.capreg]\nignore = ["advisory"]\n[tool.capreg.offerings]\n'
                                         '"p/*.json" = "fal/lipsync-2"\n', encoding="utf-8")
    configured = run("validate", "p/a.json", "--fail-on", "warning", cwd=root)
    assert (configured.exit_code, "implicit-default" in configured.output) == (0, False)


@pytest.mark.parametrize("table, exit_code, shown", [
    ('[tool.capreg]\nignore = ["advisory"]\n', 0, "p/a.json: ok (fal/lipsync-2)"),
    ('[tool.capreg]\nselect = ["structur"]\n', 2, "[tool.capreg] select: 'structur' is not a rule id or family of "
                                                 "`capreg validate`; did you mean 'structure'?"),
])
def test_the_console_command_takes_the_rules_of_pyproject_without_click(tmp_path, table, exit_code, shown):
    # the click-free path (registry.cli.fast) reads them as the click command does; only a
    # usage error is left to click
    root = project(tmp_path, table + '[tool.capreg.offerings]\n"p/*.json" = "fal/lipsync-2"\n')
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "registry.cli", "validate", "p/a.json"],
                          capture_output=True, text=True, cwd=root)
    assert done.returncode == exit_code
    assert shown in done.stdout + done.stderr
    assert ("click" in importtime_modules(done.stderr)) == bool(exit_code)
    if not exit_code:
        assert done.stdout == run("validate", "p/a.json", cwd=root).output


@pytest.mark.parametrize("args, origin", [
    (("--ignore", "implicit-defaults"), "--ignore"),
    (("--select", "structur"), "--select"),
])
def test_an_unknown_rule_id_is_a_usage_error_with_a_did_you_mean(tmp_path, args, origin):
    root = project(tmp_path, "")
    result = run("validate", "p/a.json", *args, cwd=root)
    assert result.exit_code == 2
    assert f"{origin}: {args[1]!r} is not a rule id or family of `capreg validate`; did you mean" in result.output


# -- plan ----------------------------------------------------------------------------------

def test_plan_mode_gets_a_did_you_mean():
    result = run("plan", "--video", "4", "--audio", "8", "--mode", "cutoff")
    assert result.exit_code == 2
    assert "unknown sync mode 'cutoff'; did you mean 'cut_off'?" in result.output


@pytest.mark.parametrize("written, seconds", [("90", 90.0), ("8.64", 8.64), ("90s", 90.0), ("1m30s", 90.0),
                                              ("1:30", 90.0), ("1:02:03", 3723.0)])
def test_plan_durations_accept_clock_and_unit_forms(written, seconds):
    result = run("plan", "--video", written, "--audio", "8.64", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["video"] == seconds


@pytest.mark.parametrize("written", ["abc", "1:75", "-3", "0", "1:3x"])
def test_plan_refuses_what_is_not_a_duration(written):
    result = run("plan", "--video", written, "--audio", "8.64")
    assert result.exit_code == 2 and "Invalid value for '--video'" in result.output


# -- typed clients -------------------------------------------------------------------------

def test_the_wheel_ships_the_py_typed_marker(tmp_path):
    import zipfile

    from hatchling.builders.wheel import WheelBuilder

    from .conftest import ROOT

    (wheel,) = WheelBuilder(str(ROOT)).build(directory=str(tmp_path), versions=["standard"])
    assert "registry/py.typed" in zipfile.ZipFile(wheel).namelist()


def test_to_payload_keeps_0_as_0():
    from registry.clients.runware.lipsync_2 import RunwareLipsync2Request

    task = {**RUNWARE_LIPSYNC_2, "providerSettings": {"sync": {"temperature": 0, "syncMode": "loop"}}}
    sent = RunwareLipsync2Request.model_validate(task).to_payload()
    assert json.dumps(sent["providerSettings"]["sync"]["temperature"]) == "0"
    assert sent == task


# -- compare -------------------------------------------------------------------------------

def test_compare_has_a_summary_and_a_differences_view():
    full = run("compare", "lipsync-2")
    assert full.output.splitlines()[1].startswith("summary: 38 concepts, ")
    assert "warnings (required-differs" in full.output.splitlines()[1]
    compact = run("compare", "lipsync-2", "--differences")
    lines = compact.output.splitlines()
    assert lines[1] == full.output.splitlines()[1]
    differences = [line for line in lines[2:] if line]
    assert all(line.startswith(("  warning[", "  info[")) for line in differences)
    assert differences[0].startswith("  warning[")  # those that change behaviour come first
    assert len(lines) < len(full.output.splitlines()) / 4


def test_compare_does_not_call_the_model_selecting_field_a_required_difference(real):
    from registry.tools.compare import compare

    model = compare(real, "lipsync-2").row("model")
    assert "required-differs" not in [d.rule for d in model.differences]


# -- show ----------------------------------------------------------------------------------

@pytest.mark.parametrize("columns", [80, 120])
def test_show_fits_the_terminal(monkeypatch, columns):
    monkeypatch.setenv("COLUMNS", str(columns))
    result = run("show", "runware/sync-3")
    assert result.exit_code == 0
    assert max(len(line) for line in result.output.splitlines()) <= columns
    assert any(line.startswith("/settings/sync") for line in result.output.splitlines())


def test_show_as_json_and_markdown():
    document = json.loads(run("show", "runware/sync-3", "--format", "json").output)
    assert (document["version"], document["offering"], document["detected_at"]) == (2, "runware/sync-3", "/model")
    sync_mode = next(p for p in document["parameters"] if p["pointer"] == "/settings/syncMode")
    assert (sync_mode["default"], sync_mode["concept"]) == ("cut_off", "sync_mode")
    markdown = run("show", "runware/sync-3", "--format", "markdown").output
    assert markdown.startswith("## runware/sync-3 — ")
    assert '| /settings/syncMode | string |  | "cut_off" |' in markdown


# -- sources users can open ----------------------------------------------------------------

@pytest.mark.parametrize("offering", ["runware/sync-3", "fal/sync-3", "sync/sync-3", "sync/lipsync-1.9.0-beta"])
def test_ignored_parameter_reasons_cite_what_users_can_open(real, offering):
    from registry.validation.compiled import compiled

    reasons = [ignored.reason for ignored in compiled(real, offering).advisories.ignored]
    assert reasons
    for reason in reasons:
        assert "seed-" not in reason and "providers.md" not in reason and "seeds/" not in reason, reason
    assert any("https://" in reason for reason in reasons)


def test_an_ignored_parameter_finding_names_the_providers_page(real):
    payload = json.loads(Path("examples/runware/sync-3/valid/ignored-options.json").read_text())
    (temperature,) = [f for f in registry.validate(payload, registry=real).findings if f.pointer == "/settings/temperature"]
    assert temperature.message.endswith("(https://sync.so/docs/models/lipsync, https://sync.so/docs/models/sync-3)")
