"""The quick paths give what the slow ones gave: rejections explained from jsonschema-rs's own
errors, `capreg validate` without click, positions placed in one pass. Behaviour only: the
speed itself is what ./scripts/bench measures."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import registry
from registry.cli.group import main
from registry.io import positions
from registry.validation import structural

from .conftest import ROOT, example_offering, rewrite
from .test_startup import importtime_modules

INVALID_EXAMPLES = sorted(ROOT.glob("examples/*/*/invalid/*.json"))


@pytest.mark.parametrize("example", INVALID_EXAMPLES, ids=lambda p: str(p.relative_to(ROOT / "examples")))
def test_engine_errors_explain_every_example_as_jsonschema_errors_do(example, real, monkeypatch):
    try:
        payload = json.loads(example.read_text())
    except ValueError:
        pytest.skip("not JSON: a reading example")
    explained = registry.validate(payload, example_offering(example), registry=real)
    monkeypatch.setattr(structural, "_engine_errors", lambda *args: None)  # jsonschema explains everything
    assert registry.validate(payload, example_offering(example), registry=real) == explained


@pytest.fixture
def tree_with(tree):
    """The toy tree with more properties on fal/toy."""

    def build(properties: dict) -> registry.Registry:
        rewrite(tree / "fal/toy.json", lambda schema: schema["properties"].update(properties))
        return registry.load(tree)

    return build


def test_a_keyword_worded_from_jsonschemas_message_still_is(tree_with):
    tree = tree_with({"tags": {"type": "array", "uniqueItems": True}})
    report = registry.validate({"video_url": "v", "sync_mode": "loop", "tags": ["a", "a"]}, "fal/toy", registry=tree)
    [finding] = report.findings
    assert finding.rule == "unique-items"
    assert "['a', 'a'] has non-unique elements" in finding.message  # jsonschema's own words


def test_the_branch_a_payload_meant_is_explained_from_engine_errors(tree_with, monkeypatch):
    tree = tree_with({"shape": {"oneOf": [
        {"title": "circle", "type": "object", "properties": {"kind": {"const": "circle"}, "radius": {"type": "number"}},
         "required": ["kind", "radius"]},
        {"title": "square", "type": "object", "properties": {"kind": {"const": "square"}, "side": {"maximum": 3}},
         "required": ["kind", "side"]},
        False]}})
    payloads = [{"video_url": "v", "sync_mode": "loop", "shape": shape}
                for shape in ({"kind": "square", "side": 5}, {"kind": "circle"}, {"kind": "hexagon"}, 3)]
    from_engine = [registry.validate(payload, "fal/toy", registry=tree) for payload in payloads]
    monkeypatch.setattr(structural, "_engine_errors", lambda *args: None)
    assert [registry.validate(payload, "fal/toy", registry=tree) for payload in payloads] == from_engine
    assert [[f.rule for f in report.findings] for report in from_engine] == [
        ["range"], ["required"], ["no-match"], ["no-match"]]


def _command(*args: str, stdin: str | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-X", "importtime", "-m", "registry.cli", *args], input=stdin,
                          capture_output=True, text=True, cwd=cwd)


GOOD = "examples/runware/lipsync-2/valid/seed-001-lipsync-2-audio.json"
BAD = sorted(str(p.relative_to(ROOT)) for p in ROOT.glob("examples/runware/lipsync-2/invalid/*.json"))


def test_validate_files_runs_without_click_or_a_toml_parser(tmp_path):
    files = [str(ROOT / name) for name in (GOOD, *BAD)]
    done = _command("validate", "-q", "--offering", "runware/lipsync-2", *files, cwd=tmp_path)  # no pyproject.toml
    assert done.returncode == 1
    assert "registry.validation.validate" in importtime_modules(done.stderr)
    assert {"click", "tomllib"} & importtime_modules(done.stderr) == set()


@pytest.mark.parametrize("args", [
    ("validate", GOOD),
    ("validate", "-q", *BAD),
    ("validate", "--offering", "runware/lipsync-2", "--format", "json", GOOD, *BAD[:3]),
    ("validate", "--format=github", "--fail-on", "warning", "-j1", GOOD),
    ("validate", "--format", "sarif", *BAD[:2]),
    ("validate", "--color", "always", "-j", "2", BAD[0], "missing.json"),
    ("validate", "examples/runware/lipsync-2"),
])
def test_validate_without_click_prints_and_exits_as_the_click_command(args):
    done = _command(*args)
    assert not {"click"} & importtime_modules(done.stderr)
    clicked = CliRunner().invoke(main, list(args))
    assert (done.returncode, done.stdout) == (clicked.exit_code, clicked.output)


def test_validate_from_stdin_without_click_is_the_click_command():
    text = (ROOT / GOOD).read_text()
    done = _command("validate", "-", stdin=text)
    assert (done.returncode, done.stdout) == (0, CliRunner().invoke(main, ["validate", "-"], input=text).output)


@pytest.mark.parametrize("args", [
    ("validate", "--offering", "nope/none", GOOD),  # a usage message
    ("validate", "--select", "type", GOOD),  # an option the quick path leaves to click
    ("validate", "-j", "x", GOOD),
    ("validate",),
])
def test_anything_else_goes_to_the_click_command(args):
    done = _command(*args)
    assert "click" in importtime_modules(done.stderr)
    clicked = CliRunner().invoke(main, list(args))
    assert done.returncode == clicked.exit_code


def test_a_mapping_to_no_offering_is_the_click_commands_usage_message(tmp_path):
    shutil.copy(ROOT / GOOD, tmp_path / "p.json")
    (tmp_path / "pyproject.toml").write_text('[tool.capreg.offerings]\n"*.json" = "runware/nope"\n')
    done = _command("validate", "p.json", cwd=tmp_path)
    assert done.returncode == 2
    assert "maps p.json to 'runware/nope', which is not an offering" in done.stderr


def test_positions_of_many_findings_on_one_long_line_are_the_line_and_column_of_each():
    items = ",".join(json.dumps({"k": i}) for i in range(300))
    text = '{"a": [' + items + '],\n  "b":\n\n   {"c": [1, 2]}}'
    wanted = [f"/a/{i}" for i in range(299, -1, -7)] + ["/b/c/1", "/b/missing", "/a"]
    located = positions.locate_all(text, "json", wanted)

    def naive(offset: int) -> tuple[int, int]:
        return text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)
    assert located[0] == naive(text.index('{"k": 299}'))
    assert located[-3:] == [naive(text.index("2]}")), naive(text.index('"b"')), naive(text.index('"a"'))]
    assert all(line == 1 for line, _ in located[:-3])


def test_a_schema_key_escaped_in_the_engines_location_is_found(tree_with, monkeypatch):
    tree = tree_with({"labels": {"type": "object", "patternProperties": {"^a b%/~$": {"type": "string"}}}})
    payload = {"video_url": "v", "sync_mode": "loop", "labels": {"a b%/~": 1}}
    from_engine = registry.validate(payload, "fal/toy", registry=tree)
    monkeypatch.setattr(structural, "_engine_errors", lambda *args: None)
    assert registry.validate(payload, "fal/toy", registry=tree) == from_engine
    assert [(f.rule, f.pointer) for f in from_engine.findings] == [("type", "/labels/a b%~1~0")]
