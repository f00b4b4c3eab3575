"""`capreg` end to end: exit codes, formats, and every kind of bad input file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from registry.cli import main

from .conftest import FIXTURES

GOOD = {"model": "toy-1", "inputs": {"audio": [{"id": "a", "source": "s"}]}, "settings": {"syncMode": "loop"}}
BAD = {"model": "toy-1", "inputs": {"audio": [{"id": "a", "source": "s"}]}, "settings": {"syncMode": "bouncy"}}


pytestmark = pytest.mark.usefixtures("toy_as_default")


def run(*args: str, stdin: str | None = None, cwd: Path | None = None):
    runner = CliRunner()
    if cwd is None:
        return runner.invoke(main, list(args), input=stdin)
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return runner.invoke(main, list(args), input=stdin)
    finally:
        os.chdir(old)


def write(path: Path, content: str | bytes) -> str:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return str(path)


def test_exit_0_when_clean(tmp_path):
    result = run("validate", write(tmp_path / "good.json", json.dumps(GOOD)))
    assert result.exit_code == 0, result.output
    assert f"{tmp_path / 'good.json'}: ok (sync/toy)" in result.output


def test_exit_1_on_an_error_finding_with_its_line_and_column(tmp_path):
    path = write(tmp_path / "bad.json", json.dumps(BAD, indent=2))  # "syncMode" is on line 12, column 5
    result = run("validate", path)
    assert result.exit_code == 1
    assert (f'{path}:12:5: error[enum] /settings/syncMode: `syncMode` must be one of "bounce", "loop", "cut_off"; '
            'found the string "bouncy"\n    hint: did you mean "bounce"?') in result.output


def test_fail_on_warning(tmp_path):
    warned = json.loads(json.dumps(GOOD))
    del warned["settings"]["syncMode"]  # default differs between sync/toy and fal/toy
    path = write(tmp_path / "warned.json", json.dumps(warned))
    assert run("validate", path).exit_code == 0
    result = run("validate", "--fail-on", "warning", path)
    assert result.exit_code == 1
    assert "warning[implicit-default] /settings/syncMode" in result.output


def test_exit_2_on_usage_errors(tmp_path):
    path = write(tmp_path / "good.json", json.dumps(GOOD))
    assert run("validate").exit_code == 2
    result = run("validate", "--offering", "sync/toi", path)
    assert result.exit_code == 2
    assert "unknown offering 'sync/toi'; did you mean 'sync/toy'?" in result.output
    assert run("validate", "--format", "xml", path).exit_code == 2


@pytest.mark.parametrize(
    ("name", "content", "rule", "place", "message"),
    [
        ("empty.json", "", "file-empty", "", "the file is empty"),
        ("blank.yaml", "  \n\n", "file-empty", "", "the file is empty"),
        ("latin1.json", b'{"model": "caf\xe9"}', "file-not-utf8", ":1:15", "invalid byte 0xe9 at offset 14"),
        ("broken.json", '{"model": ', "parse-error", ":1:11", "not valid JSON: Expecting value at line 1 column 11"),
        ("broken.yaml", "a: [1, 2\nb: 3\n", "parse-error", ":2:2", "not valid YAML"),
        ("dupes.json", '{"model": "toy-1", "model": "toy-1"}', "parse-error", ":1:1", "duplicate key 'model'"),
        ("nan.json", '{"model": "toy-1", "x": NaN}', "parse-error", ":1:1", "NaN is not a JSON number"),
    ],
)
def test_unreadable_files_exit_2_and_the_others_are_still_checked(tmp_path, name, content, rule, place, message):
    bad = write(tmp_path / name, content)
    good = write(tmp_path / "good.json", json.dumps(GOOD))
    result = run("validate", bad, good)
    assert result.exit_code == 2, result.output
    assert f"{bad}{place}: error[{rule}] (payload): " in result.output
    assert message in result.output
    assert f"{good}: ok (sync/toy)" in result.output


def test_missing_file_and_directory(tmp_path):
    good = write(tmp_path / "good.json", json.dumps(GOOD))
    (tmp_path / "empty").mkdir()
    result = run("validate", str(tmp_path / "nope.json"), str(tmp_path / "empty"), good)
    assert result.exit_code == 2
    assert f"{tmp_path / 'nope.json'}: error[file-unreadable] (payload): cannot read the file: No such file or directory" in result.output
    assert (f"{tmp_path / 'empty'}: error[file-unreadable] (payload): cannot read the file: it is a directory with no "
            "payload files in it") in result.output
    assert f"{good}: ok (sync/toy)" in result.output


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_not_opened(tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    result = run("validate", str(fifo))  # opening it would block forever
    assert result.exit_code == 2
    assert "it is a FIFO" in result.output


def test_payload_that_is_not_an_object_is_a_finding_not_an_input_error(tmp_path):
    path = write(tmp_path / "list.json", "[1, 2]")
    result = run("validate", path)
    assert result.exit_code == 1
    assert "error[payload-not-object] (payload): expected a request payload (a JSON object), found an array of 2 items" in result.output


def test_jsonl_one_payload_a_line_with_a_broken_line(tmp_path):
    lines = [json.dumps(GOOD), "{oops", "", json.dumps(BAD)]
    path = write(tmp_path / "batch.jsonl", "\n".join(lines) + "\n")
    result = run("validate", "--format", "json", path)
    assert result.exit_code == 2
    report = json.loads(result.output)
    (entry,) = report["files"]
    assert [(p["index"], p["line"], p["valid"]) for p in entry["payloads"]] == [(0, 1, True), (1, 2, False), (2, 4, False)]
    assert entry["payloads"][1]["findings"][0]["rule"] == "parse-error"
    assert "line 2 column 2" in entry["payloads"][1]["findings"][0]["message"]
    enum_finding = entry["payloads"][2]["findings"][0]
    assert (enum_finding["rule"], enum_finding["line"], enum_finding["column"]) == ("enum", 4, 84)
    assert report["summary"] == {"files": 1, "payloads": 3, "valid": 1, "invalid": 1, "unreadable": 1,
                                 "errors": 2, "warnings": 0, "infos": 0}


def test_yaml_with_several_documents(tmp_path):
    path = write(tmp_path / "two.yaml", "model: toy-1\ninputs: {audio: [{id: a, source: s}]}\nsettings: {syncMode: loop}\n"
                                         "---\nmodel: toy-1\nsettings: {syncMode: loop}\n")
    result = run("validate", "--format", "json", path)
    payloads = json.loads(result.output)["files"][0]["payloads"]
    assert [(p["line"], p["valid"]) for p in payloads] == [(1, True), (5, False)]
    assert result.exit_code == 1


def test_yaml_positions(tmp_path):
    path = write(tmp_path / "bad.yaml", "model: toy-1\ninputs:\n  audio:\n    - id: a\n      source: s\n"
                                         "settings:\n  syncMode: bouncy\n")
    result = run("validate", path)
    assert f"{path}:7:3: error[enum] /settings/syncMode" in result.output


def test_github_annotations(tmp_path):
    path = write(tmp_path / "bad,file.json", json.dumps(BAD, indent=2))
    result = run("validate", "--format", "github", path)
    assert result.exit_code == 1
    line = next(line for line in result.output.splitlines() if line.startswith("::error"))
    escaped = path.replace(",", "%2C")
    assert line == (f"::error file={escaped},line=12,col=5,title=capreg enum::/settings/syncMode: `syncMode` must be one of "
                    '"bounce", "loop", "cut_off"; found the string "bouncy" (hint: did you mean "bounce"?)')


def test_sarif_output_validates_against_the_sarif_2_1_0_schema(tmp_path):
    from jsonschema import Draft202012Validator

    from . import packaged_data

    bad = write(tmp_path / "bad.json", json.dumps(BAD, indent=2))
    broken = write(tmp_path / "broken.json", "{")
    warned = dict(GOOD, settings={})
    warn = write(tmp_path / "warn.json", json.dumps(warned))
    result = run("validate", "--format", "sarif", bad, broken, warn)
    assert result.exit_code == 2
    log = json.loads(result.output)
    schema = json.loads(packaged_data.fetched(packaged_data.sarif_schema).read_text(encoding="utf-8"))
    errors = [e.message for e in Draft202012Validator(schema).iter_errors(log)]
    assert errors == []
    results = log["runs"][0]["results"]
    assert [(r["ruleId"], r["level"]) for r in results] == [("enum", "error"), ("parse-error", "error"),
                                                             ("implicit-default", "warning")]
    assert results[0]["locations"][0]["physicalLocation"]["region"] == {"startLine": 12, "startColumn": 5}
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in results)


def test_colour_only_when_asked_or_on_a_terminal(tmp_path, monkeypatch):
    path = write(tmp_path / "bad.json", json.dumps(BAD))
    assert "\x1b[" not in run("validate", path).output  # not a terminal
    coloured = CliRunner().invoke(main, ["validate", "--color", "always", path], color=True)
    assert "\x1b[31m\x1b[1merror[enum]" in coloured.output
    monkeypatch.setattr("sys.stdout.isatty", lambda: True, raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in CliRunner().invoke(main, ["validate", path], color=True).output


def test_stdin(tmp_path):
    result = run("validate", "-", stdin=json.dumps(BAD))
    assert result.exit_code == 1
    assert "<stdin>:1:84: error[enum]" in result.output
    result = run("validate", "-", stdin="model: toy-1\ninputs: {audio: [{id: a, source: s}]}\nsettings: {syncMode: loop}\n")
    assert result.exit_code == 0, result.output


def test_json_output_shape(tmp_path):
    path = write(tmp_path / "bad.json", json.dumps(BAD))
    report = json.loads(run("validate", "--format", "json", path).output)
    assert report == {
        "version": 2,
        "files": [{"file": path, "payloads": [{
            "index": 0, "line": None, "offering": "sync/toy", "valid": False,
            "findings": [{"rule": "enum", "severity": "error", "pointer": "/settings/syncMode",
                          "message": '`syncMode` must be one of "bounce", "loop", "cut_off"; found the string "bouncy"',
                          "hint": 'did you mean "bounce"?', "line": 1, "column": 84,
                          "ctx": {"name": "`syncMode`", "expected": '"bounce", "loop", "cut_off"',
                                  "found": 'the string "bouncy"'}}]}]}],
        "summary": {"files": 1, "payloads": 1, "valid": 0, "invalid": 1, "unreadable": 0,
                    "errors": 1, "warnings": 0, "infos": 0},
    }


def test_offering_from_flag_and_from_pyproject_mapping(tmp_path):
    fal_payload = {"video_url": "v.mp4", "sync_mode": "loop"}
    (tmp_path / "payloads" / "fal").mkdir(parents=True)
    path = write(tmp_path / "payloads" / "fal" / "one.json", json.dumps(fal_payload))
    undetected = run("validate", path)
    assert undetected.exit_code == 1
    assert "offering-undetected" in undetected.output
    assert run("validate", "--offering", "fal/toy", path).exit_code == 0
    (tmp_path / "pyproject.toml").write_text('[tool.capreg.offerings]\n"payloads/{provider}/*.json" = "{provider}/toy"\n')
    mapped = run("validate", "payloads/fal/one.json", cwd=tmp_path)
    assert mapped.exit_code == 0, mapped.output
    assert "ok (fal/toy)" in mapped.output


def test_list_show_and_lint():
    listed = run("list")
    assert listed.exit_code == 0
    assert "sync/toy  toy    toy-1       /model" in listed.output
    assert "2 offerings of 1 model at 2 providers" in listed.output
    assert json.loads(run("list", "--format", "json").output)[0]["offering"] == "fal/toy"
    shown = run("show", "sync/toy")
    assert shown.exit_code == 0
    assert "/settings/syncMode" in shown.output and '"bounce"' in shown.output
    assert "x-ref at /settings/segments/*/ref" in shown.output
    assert run("show", "sync/nope").exit_code == 2
    assert json.loads(run("show", "--schema", "fal/toy").output)["x-model-id"] == "fal-ai/toy"
    assert run("lint").exit_code == 0


def test_the_installed_command_runs(tmp_path):
    path = write(tmp_path / "bad.json", json.dumps(BAD))
    env = {**os.environ, "CAPREG_SCHEMAS": str(FIXTURES / "registry"), "CAPREG_BUILTIN": "0"}
    done = subprocess.run([sys.executable, "-m", "registry.cli", "validate", path], capture_output=True, text=True, env=env)
    assert done.returncode == 1
    assert "error[enum]" in done.stdout
    assert done.stderr == ""


@pytest.mark.parametrize("output_format", ["json", "text"])
def test_many_files_in_worker_processes_report_exactly_as_one_process(tmp_path, monkeypatch, output_format):
    from registry.io import batch

    monkeypatch.setattr(batch, "FILES_PER_WORKER", 100)  # the real threshold would take 20,000 files
    names = []
    for number in range(2 * batch.FILES_PER_WORKER + 10):
        payload = BAD if number % 7 == 0 else GOOD
        # some pretty-printed: the findings' lines and columns come back from the workers too
        names.append(write(tmp_path / f"p{number:03}.json", json.dumps(payload, indent=2 if number % 2 else None)))
    names.insert(50, write(tmp_path / "stream.jsonl", json.dumps(GOOD) + "\n" + json.dumps(BAD) + "\n"))
    one = run("validate", "--format", output_format, "--jobs", "1", *names)
    many = run("validate", "--format", output_format, "--jobs", "2", *names)
    assert one.exit_code == many.exit_code == 1
    assert many.output == one.output
    if output_format == "json":
        assert json.loads(many.output)["summary"]["invalid"] == 31  # every 7th file, and one JSONL line


def test_a_file_of_clean_payloads_is_one_line(tmp_path):
    path = write(tmp_path / "batch.jsonl", "\n".join([json.dumps(GOOD)] * 5))
    assert f"{path}: 5 payloads, all ok\n" in run("validate", path).output
    mixed = write(tmp_path / "mixed.jsonl", "\n".join([json.dumps(GOOD)] * 3 + [json.dumps(BAD)]))
    assert f"{mixed}: 4 payloads, 3 ok\n" in run("validate", mixed).output
