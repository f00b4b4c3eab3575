"""Trees of one's own laid over the shipped tree: a made-up text-to-speech family
(tests/fixtures/tts-overlay: providers voxa and sonora, model speechy-1, its own concepts and
an `x-` rule, added as files only) goes through every command; a one-file tree adds a provider
for lipsync-2; a later tree's offering replaces one of the same id; `--no-builtin` leaves the
shipped tree out."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

import registry
from registry.base.errors import SchemaFileError
from registry.cli import main
from registry.tools.translate import translate

from .conftest import FIXTURES, ROOT

TTS = FIXTURES / "tts-overlay"
EXAMPLE = sorted(p.name for p in (ROOT / "examples/sync/lipsync-2/valid").glob("*.json"))[0]
VOXA = {"model": "speechy-1", "voice": "ada", "text": "Hello"}
BUILTIN_OFFERINGS = len(registry.load(builtin=True).offerings)


@pytest.fixture
def default_trees(monkeypatch):
    """Lay trees over the shipped one through $CAPREG_SCHEMAS, as a user would."""
    from registry.validation import validate as validation

    def use(*roots, builtin: str | None = None):
        monkeypatch.setenv("CAPREG_SCHEMAS", os.pathsep.join(str(root) for root in roots))
        if builtin is None:
            monkeypatch.delenv("CAPREG_BUILTIN", raising=False)
        else:
            monkeypatch.setenv("CAPREG_BUILTIN", builtin)
        validation.default_registry.cache_clear()

    yield use
    validation.default_registry.cache_clear()


def run(*args):
    return CliRunner().invoke(main, list(args))


def listed(*args):
    done = run(*args, "list", "--format", "json")
    assert done.exit_code == 0, done.output
    return {row["offering"]: row for row in json.loads(done.output)}


def write_json(path, document):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    return path


def acme_lipsync_2():
    """A made-up provider of lipsync-2: one file."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema", "title": "Acme lipsync-2 request (made up)",
        "x-provider": "acme", "x-model": "lipsync-2", "x-model-id": "acme/lipsync-2", "x-model-id-pointer": None,
        "x-sources": {"made-up": "invented for the tests"}, "type": "object", "additionalProperties": False,
        "required": ["video", "audio"],
        "properties": {
            "video": {"type": "string", "x-concept": "video", "x-source": ["made-up"]},
            "audio": {"type": "string", "x-concept": "audio", "x-source": ["made-up"]},
            "sync_mode": {"enum": ["loop", "bounce"], "default": "loop", "x-concept": "sync_mode",
                          "x-source": ["made-up"]},
        },
    }


# -- list -------------------------------------------------------------------------------
def test_the_family_is_listed_over_the_shipped_tree_with_its_tree(default_trees):
    default_trees(TTS)
    rows = listed()
    assert len(rows) == BUILTIN_OFFERINGS + 2
    assert rows["voxa/speechy-1"]["tree"] == rows["sonora/speechy-1"]["tree"] == "tests/fixtures/tts-overlay"
    assert rows["sync/lipsync-2"]["tree"] == "built-in"
    assert all(not row["replaces"] for row in rows.values())
    text = run("list").output
    assert text.rstrip().endswith(f"{BUILTIN_OFFERINGS + 2} offerings of 6 models at 7 providers from 2 trees")


def test_a_one_file_tree_adds_a_provider_for_lipsync_2(tmp_path, default_trees):
    write_json(tmp_path / "mine/acme/lipsync-2.json", acme_lipsync_2())
    default_trees(tmp_path / "mine")
    assert "24 offerings of 5 models at 6 providers from 2 trees" in run("list").output
    compared = run("compare", "lipsync-2", "--format", "json")
    assert compared.exit_code == 0, compared.output
    assert json.loads(compared.output)["offerings"] == [
        "acme/lipsync-2", "fal/lipsync-2", "replicate/lipsync-2", "runware/lipsync-2", "scenario/lipsync-2",
        "sync/lipsync-2"]


def test_a_later_trees_offering_replaces_the_one_of_the_same_id_and_list_says_so(tmp_path, default_trees):
    mine = {**acme_lipsync_2(), "x-provider": "fal", "x-model-id": "fal-ai/sync-lipsync/v2",
            "title": "fal lipsync-2 request (my own)"}
    write_json(tmp_path / "mine/fal/lipsync-2.json", mine)
    default_trees(tmp_path / "mine")
    rows = listed()
    assert len(rows) == BUILTIN_OFFERINGS
    assert rows["fal/lipsync-2"]["title"] == "fal lipsync-2 request (my own)"
    assert rows["fal/lipsync-2"]["replaces"] == ["built-in"]
    text = run("list").output
    assert "(replaces built-in)" in text
    assert "from 2 trees, 1 replaced by a later tree" in text


@pytest.mark.parametrize("how", ["option", "environment"])
def test_no_builtin_gives_the_trees_alone(default_trees, how):
    default_trees(TTS, builtin="0" if how == "environment" else None)
    rows = listed("--no-builtin") if how == "option" else listed()
    assert sorted(rows) == ["sonora/speechy-1", "voxa/speechy-1"]


def test_builtin_option_overrides_the_environment(default_trees):
    default_trees(TTS, builtin="0")
    assert len(listed("--builtin")) == BUILTIN_OFFERINGS + 2


def test_the_project_pyproject_names_trees_relative_to_itself(tmp_path, monkeypatch, default_trees):
    default_trees()
    monkeypatch.delenv("CAPREG_SCHEMAS")
    project = tmp_path / "project"
    shutil.copytree(TTS, project / "capreg-schemas")
    (project / "pyproject.toml").write_text('[tool.capreg]\nschemas = ["capreg-schemas"]\n', encoding="utf-8")
    (project / "src").mkdir()
    monkeypatch.chdir(project / "src")
    assert {"voxa/speechy-1", "sync/lipsync-2"} <= set(listed())
    (project / "pyproject.toml").write_text('[tool.capreg]\nschemas = "capreg-schemas"\n', encoding="utf-8")
    from registry.validation import validate as validation

    validation.default_registry.cache_clear()
    done = run("list")
    assert done.exit_code == 2
    assert "[tool.capreg] schemas must be a list of folder paths" in done.output


# -- validate ---------------------------------------------------------------------------
def test_validate_checks_the_family_and_its_rule(tmp_path, default_trees):
    default_trees(TTS)
    valid = write_json(tmp_path / "valid.json", {**VOXA, "speed": 1.5, "format": "mp3"})
    invalid = write_json(tmp_path / "invalid.json", {**VOXA, "ssml": "<speak/>", "speed": 3})
    assert run("validate", str(valid)).exit_code == 0
    shipped = ROOT / "examples/sync/lipsync-2/valid" / EXAMPLE
    assert run("validate", str(shipped)).exit_code == 0  # the shipped offerings are still there
    done = run("validate", "--format", "json", str(invalid))
    assert done.exit_code == 1
    findings = json.loads(done.output)["files"][0]["payloads"][0]["findings"]
    assert {(f["rule"], f["pointer"]) for f in findings if f["severity"] == "error"} == {
        ("exactly-one-of", ""), ("range", "/speed")}


# -- compare ----------------------------------------------------------------------------
def test_compare_lines_the_new_concepts_up(default_trees):
    default_trees(TTS)
    done = run("compare", "speechy-1", "--format", "json")
    assert done.exit_code == 0, done.output
    differences = {(row["concept"], d["rule"]) for row in json.loads(done.output)["concepts"] for d in row["differences"]}
    assert ("speech_speed", "range-differs") in differences
    assert ("speech_speed", "default-differs") not in differences  # 1 and 1.0 are one default
    assert ("audio_format", "enum-differs") in differences
    assert ("audio_format", "default-differs") in differences
    assert ("speech_voice", "name-differs") in differences


# -- translate --------------------------------------------------------------------------
def test_translate_both_ways(default_trees):
    default_trees(TTS)
    there = translate(VOXA, "sonora")
    assert there.payload == {"text": "Hello", "voice_id": "ada", "audio_format": "mp3"}  # no rate: 1 and 1.0 are one default
    assert [(f.rule, f.pointer) for f in there.findings] == [("default-made-explicit", "/audio_format")]
    back = translate({**there.payload, "rate": 0.9}, "voxa", source="sonora/speechy-1")
    assert back.payload == {"model": "speechy-1", "text": "Hello", "voice": "ada", "speed": 0.9, "format": "mp3"}


# -- generate ---------------------------------------------------------------------------
def test_generated_clients_work_without_the_environment_variable(tmp_path, default_trees):
    default_trees(TTS)
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text("", encoding="utf-8")
    done = run("generate", "--output", str(project / "generated"))
    assert done.exit_code == 0, done.output
    clients = sorted(p.relative_to(project / "generated").as_posix()
                     for p in (project / "generated/clients").rglob("*.py"))
    assert clients == ["clients/sonora/__init__.py", "clients/sonora/speechy_1.py",
                       "clients/voxa/__init__.py", "clients/voxa/speechy_1.py"]  # the shipped ones ship with capreg
    index = (project / "generated/docs/index.md").read_text(encoding="utf-8")
    assert "`generated.clients.voxa.speechy_1.VoxaSpeechy1Request`" in index
    assert "`registry.clients.sync.lipsync_2.SyncLipsync2Request`" in index
    assert run("generate", "--check", "--output", str(project / "generated")).exit_code == 0

    probe = (
        "import json\n"
        "from generated.clients.voxa.speechy_1 import VoxaSpeechy1Request\n"
        "from pydantic import ValidationError\n"
        f"print(json.dumps(VoxaSpeechy1Request.model_validate({VOXA!r}).to_payload()))\n"
        "try:\n"
        f"    VoxaSpeechy1Request.model_validate({{**{VOXA!r}, 'ssml': '<speak/>'}})\n"
        "except ValidationError as exc:\n"
        "    print(exc.errors()[0]['msg'])\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("CAPREG_SCHEMAS", "CAPREG_BUILTIN")}
    ran = subprocess.run([sys.executable, "-c", probe], cwd=project, env=env, capture_output=True, text=True)
    assert ran.returncode == 0, ran.stderr
    payload, error = ran.stdout.splitlines()
    assert json.loads(payload) == VOXA
    assert "[exactly-one-of]" in error


# -- lint and plan ----------------------------------------------------------------------
def test_lint_checks_the_overlay_and_names_its_files(tmp_path, default_trees):
    default_trees(TTS)
    done = run("lint")
    assert done.exit_code == 0, done.output
    mine = tmp_path / "mine"
    shutil.copytree(TTS, mine)
    voxa = mine / "voxa/speechy-1.json"
    document = json.loads(voxa.read_text(encoding="utf-8"))
    document["properties"]["rate"] = {"type": "number"}  # a name of speech_speed, untagged
    voxa.write_text(json.dumps(document, indent=2), encoding="utf-8")
    default_trees(mine)
    done = run("lint")
    assert done.exit_code == 1
    name = f"{mine}/voxa/speechy-1.json"
    assert f"{name}: error[concept-untagged]" in done.output
    assert f"{name}: warning[file-format]" in done.output or f"{name}: error[file-format]" in done.output


def test_plan_reads_the_shipped_matrix_under_an_overlay(default_trees):
    default_trees(TTS)
    done = run("plan", "--video", "4", "--audio", "8", "--format", "json")
    assert done.exit_code == 0, done.output
    assert [p["mode"] for p in json.loads(done.output)["modes"]] == ["bounce", "loop", "cut_off", "silence", "remap"]


def test_a_later_sync_mode_replaces_the_one_of_its_name(tmp_path):
    matrix = json.loads((ROOT / "schemas/meta/sync-modes.json").read_text(encoding="utf-8"))
    loop = {**matrix["modes"]["loop"], "summary": "my loop"}
    write_json(tmp_path / "mine/meta/sync-modes.json", {"modes": {"loop": loop}})
    write_json(tmp_path / "mine/acme/lipsync-2.json", acme_lipsync_2())
    from registry.tools.plan import plan

    plans = {p.mode: p for p in plan(registry.load(tmp_path / "mine", builtin=True), 4.0, 8.0)}
    assert list(plans) == ["bounce", "loop", "cut_off", "silence", "remap"]
    assert plans["loop"].summary == "my loop"


# -- breaking ---------------------------------------------------------------------------
def git(repo, *args):
    return subprocess.run(["git", "-c", "user.name=capreg", "-c", "user.email=capreg@example.invalid",
                           "-c", "commit.gpgsign=false", *args], cwd=repo, check=True, capture_output=True)


def test_breaking_reports_a_change_of_the_overlay_with_its_client_module(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(TTS, project / "tts")
    (project / "pyproject.toml").write_text('[tool.capreg]\nschemas = ["tts"]\n', encoding="utf-8")
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-q", "--no-verify", "-m", "base")
    voxa = project / "tts/voxa/speechy-1.json"
    document = json.loads(voxa.read_text(encoding="utf-8"))
    document["properties"]["speed"]["maximum"] = 1.5
    voxa.write_text(json.dumps(document, indent=2), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("CAPREG_SCHEMAS", "CAPREG_BUILTIN")}
    done = subprocess.run([sys.executable, "-m", "registry.cli", "breaking", "--against", "HEAD", "--format", "json"],
                          cwd=project, env=env, capture_output=True, text=True)
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert [(c["rule"], c["ctx"]["offering"], c["pointer"]) for c in report["changes"]] == [
        ("range-narrowed", "voxa/speechy-1", "/speed")]
    assert report["clients"] == {"voxa/speechy-1": "generated.clients.voxa.speechy_1"}


# -- loading ----------------------------------------------------------------------------
def test_references_stay_inside_their_tree(tmp_path):
    mine = acme_lipsync_2()
    mine["properties"]["sync_mode"] = {"$ref": "../common/sync-mode.json"}
    write_json(tmp_path / "mine/acme/lipsync-2.json", mine)
    loaded = registry.load(tmp_path / "mine", builtin=True)
    assert "acme/lipsync-2" in loaded.failures
    assert str(loaded.failures["acme/lipsync-2"]).startswith(f"{tmp_path}/mine/acme/lipsync-2.json at /properties/sync_mode/$ref")
    assert len(loaded.offerings) == BUILTIN_OFFERINGS  # the rest of the registry is untouched


def test_concepts_merge_and_a_concept_redefined_differently_is_an_error(tmp_path):
    loaded = registry.load(TTS, builtin=True)
    assert {"speech_speed", "sync_mode"} <= set(loaded.concepts)
    assert loaded.meta["concepts.json"]["$names"]["speech_speed"] == ["speed", "rate"]
    assert "active_speaker" in loaded.meta["concepts.json"]["$parts"]
    mine = tmp_path / "mine"
    shutil.copytree(TTS, mine)
    concepts = json.loads((mine / "meta/concepts.json").read_text(encoding="utf-8"))
    write_json(mine / "meta/concepts.json", {**concepts, "sync_mode": "Something else entirely."})
    with pytest.raises(SchemaFileError, match=r"meta/concepts.json at /sync_mode: defines concept 'sync_mode' again"):
        registry.load(mine, builtin=True)
    write_json(mine / "meta/concepts.json", {**concepts, "$names": ["speed"]})
    with pytest.raises(SchemaFileError, match=r"concepts.json at /\$names: must be an object mapping"):
        registry.load(mine, builtin=True)


def test_one_path_is_that_tree_alone():
    assert sorted(registry.load(TTS).offerings) == ["sonora/speechy-1", "voxa/speechy-1"]
