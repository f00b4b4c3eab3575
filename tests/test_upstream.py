"""`capreg upstream check` and `capreg upstream import` on documents the project writes itself
(tests/fixtures/upstream/documents: fal with and without its listing wrapper, Replicate version,
model and extract, Runware, sync.so), against a small tree of made-up offerings."""

from __future__ import annotations

import json
import shutil
import os
import subprocess
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

import registry
from registry.base.catalog import RULES
from registry.base.findings import Severity
from registry.cli import main
from registry.tools.lint import lint
from registry.tools.upstream.check import check
from registry.tools.upstream.documents import read
from registry.tools.upstream.draft import draft

from .conftest import FIXTURES, ROOT

HERE = FIXTURES / "upstream"
DOCS = HERE / "documents"


@pytest.fixture(scope="module")
def tree():
    return registry.load(HERE / "tree")


def _found(tree, *names, offering=None):
    report = check(tree, [str(DOCS / n) for n in names], offering)
    return report, {(f.rule, f.pointer): f for f in report.findings}


def test_every_kind_of_difference_is_reported_at_its_parameter(tree):
    _, found = _found(tree, "fal-acme.openapi.json")
    expected = {
        ("upstream-property-missing", "/speed"), ("upstream-property-extra", "/only_here"),
        ("upstream-type-differs", "/seed"), ("upstream-nullable-differs", "/options"),
        ("upstream-enum-differs", "/mode"), ("upstream-default-differs", "/mode"),
        ("upstream-range-differs", "/temperature"), ("upstream-required-differs", "/audio_url"),
        ("upstream-format-differs", "/video_url"), ("upstream-closed-differs", ""),
    }
    assert expected <= found.keys()
    assert found["upstream-range-differs", "/temperature"].ctx["keywords"] == ["maximum"]
    assert found["upstream-type-differs", "/seed"].message == "`/seed`: type integer in capreg, number upstream"
    assert "/options" in found["upstream-closed-differs", ""].message


def test_the_openapi_dialect_is_translated(tree):
    _, found = _found(tree, "fal-acme.openapi.json")
    # nullable: true, and anyOf [T, null] one level down inside array items
    assert ("upstream-nullable-differs", "/options/level") in found
    assert ("upstream-nullable-differs", "/options/boxes/*") in found
    # allOf [$ref enum] is the enum; OpenAPI's `example` is not a value restriction
    assert found["upstream-enum-differs", "/mode"].ctx["upstream_values"] == ["a", "b", "c"]
    # default 1 (capreg) and 1.0 (upstream) are the same number; equal facts give nothing
    assert not any(pointer == "/strength" for _, pointer in found)
    assert not any(pointer == "/temperature" and r != "upstream-range-differs" for r, pointer in found)
    schema = read(str(DOCS / "fal-acme.openapi.json")).targets[0].schema
    assert list(schema["properties"])[:3] == ["video_url", "audio_url", "mode"]  # x-fal-order-properties
    assert schema["properties"]["options"]["type"] == ["object", "null"]


def test_an_acknowledged_difference_is_an_info_with_its_reason_and_a_stale_one_is_reported(tree):
    report, found = _found(tree, "fal-acme.openapi.json")
    acknowledged = found["upstream-format-differs", "/video_url"]
    assert acknowledged.severity is Severity.INFO
    assert acknowledged.ctx["acknowledged"] == "the endpoint only fetches URLs"
    assert "the endpoint only fetches URLs" in acknowledged.hint
    assert found["upstream-type-differs", "/seed"].severity is Severity.WARNING
    stale = found["upstream-acknowledgement-stale", "/x-upstream/acknowledged/2"]
    assert stale.severity is Severity.WARNING and stale.ctx["acknowledged_rule"] == "upstream-type-differs"
    assert report.stale == (stale,)


def test_provenance_says_when_this_copy_is_not_the_one_recorded(tree):
    _, found = _found(tree, "fal-acme.openapi.json")
    note = found["upstream-unrecorded", ""]
    assert note.severity is Severity.INFO and "000000000000… checked 2026-01-02" in note.message
    document = read(str(DOCS / "fal-acme.openapi.json"))
    assert document.updated_at == "2026-02-03T04:05:06Z" and len(document.sha256) == 64


def test_each_format_finds_its_offering(tree):
    formats = {name: read(str(DOCS / name)) for name in
               ("fal-acme.openapi.json", "fal-acme-bare.openapi.json", "replicate-acme-version.json",
                "replicate-acme-model.json", "replicate-extract.json", "runware-acme.json", "sync-openapi.json")}
    assert {n: d.format for n, d in formats.items()} == {
        "fal-acme.openapi.json": "fal-openapi", "fal-acme-bare.openapi.json": "fal-openapi",
        "replicate-acme-version.json": "replicate-version", "replicate-acme-model.json": "replicate-model",
        "replicate-extract.json": "replicate-extract", "runware-acme.json": "runware", "sync-openapi.json": "sync-openapi"}
    report, found = _found(tree, *formats)
    assert [c.offerings for c in report.documents] == [
        ("fal/acme",), ("fal/acme",), ("replicate/acme",), ("replicate/acme",), ("replicate/acme",),
        ("runware/acme",), ("sync/acme-1",)]
    # the Replicate version names no model: the version recorded in x-upstream does; Cog's allOf enum is read
    assert found["upstream-enum-differs", "/sync_mode"].ctx["offering"] == "replicate/acme"
    assert found["upstream-default-differs", "/syncMode"].ctx["offering"] == "runware/acme"  # $defs ref followed
    assert found["upstream-model-not-offered", ""].ctx["model_id"] == "acme-0"
    # sync.so's item branches merge alike on both sides: no difference at /input/*
    assert not [f for f in report.documents[-1].findings if f.pointer.startswith("/input")]


def test_a_document_without_an_offering_says_how_to_name_one(real):
    report = check(real, [str(DOCS / "fal-acme.openapi.json"), str(DOCS / "replicate-acme-version.json")])
    unknown = [f for f in report.findings if f.rule == "upstream-offering-unknown"]
    assert [f.ctx["model_id"] for f in unknown] == ["acme/lipsync", "version " + "1" * 64]
    assert all("--offering" in f.hint for f in unknown) and not any(c.offerings for c in report.documents)
    named = check(real, [str(DOCS / "replicate-acme-version.json")], "replicate/lipsync-2")
    assert named.documents[0].offerings == ("replicate/lipsync-2",)


@pytest.mark.parametrize("text, reason", [
    ('{"swagger": "2.0"}', "not a fal or sync.so OpenAPI document"),
    ("[1, 2]", "holds a JSON list"),
    ('{"openapi": "3.0.0", "info": {"x-fal-metadata": {"endpointId": "a/b"}}, "paths": {"/a/b": {"post": {"requestBody": '
     '{"content": {"application/json": {"schema": {"$ref": "https://example.com/s.json"}}}}}}}}', "capreg fetches nothing"),
    ('{"openapi": "3.0.0", "info": {"x-fal-metadata": {"endpointId": "a/b"}}, "paths": {"/a/b": {"post": {}}}}',
     "no JSON request body"),
    ('{"requestSchema": {"$ref": "#/$defs/nope"}}', "names nothing in the document"),
])
def test_an_unusable_document_is_a_finding_naming_why(tree, tmp_path, text, reason):
    path = tmp_path / "doc.json"
    path.write_text(text, encoding="utf-8")
    (problem,) = check(tree, [str(path)]).findings
    assert problem.rule == "upstream-document-unsupported" and reason in problem.message
    assert problem.ctx["file"] == str(path)


def test_unreadable_files_and_recursive_or_exploding_refs_give_findings_not_tracebacks(tree, tmp_path):
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    recursive = {"requestSchema": {"type": "object", "properties": {"model": {"const": "acme:1@1"},
                                                                    "node": {"$ref": "#/$defs/node"}},
                                   "$defs": {"node": {"type": "object", "properties": {"next": {"$ref": "#/$defs/node"}}}}}}
    (tmp_path / "recursive.json").write_text(json.dumps(recursive), encoding="utf-8")
    defs = {f"d{n}": {"type": "object", "properties": {"a": {"$ref": f"#/$defs/d{n + 1}"}, "b": {"$ref": f"#/$defs/d{n + 1}"}}}
            for n in range(40)} | {"d40": {"type": "string"}}
    (tmp_path / "bomb.json").write_text(json.dumps({"requestSchema": {"$ref": "#/$defs/d0", "$defs": defs}}), encoding="utf-8")
    report = check(tree, [str(tmp_path / n) for n in ("bad.json", "missing.json", "recursive.json", "bomb.json")])
    rules = [[f.rule for f in c.findings] for c in report.documents]
    assert rules[0] == ["parse-error"] and rules[1] == ["file-unreadable"]
    assert "upstream-property-missing" in rules[2]
    assert rules[3] == ["upstream-document-unsupported"] and "expands to more than" in report.documents[3].findings[0].message


def test_every_finding_is_a_catalog_rule_with_its_template(tree):
    report = check(tree, sorted(str(p) for p in DOCS.glob("*.json")))
    assert {f.rule for f in report.findings} >= {"upstream-document-unsupported", "upstream-acknowledgement-stale"}
    for finding in report.findings:
        entry = RULES[finding.rule]
        assert finding.message == entry.template.format(**finding.ctx)
        assert finding.severity is (Severity.INFO if "acknowledged" in finding.ctx else entry.severity)
        json.dumps(finding.as_dict())


@pytest.fixture
def tree_as_default(tree_alone_as_default):
    tree_alone_as_default(HERE / "tree")


def test_the_command_outputs_and_exit_codes(tree_as_default):
    runner = CliRunner()
    fal = str(DOCS / "fal-acme.openapi.json")
    done = runner.invoke(main, ["upstream", "check", fal, "--format", "json"])
    document = json.loads(done.output)
    assert done.exit_code == 1 and document["version"] == 2
    assert document["summary"]["acknowledged"] == 2 and document["documents"][0]["offerings"] == ["fal/acme"]
    assert runner.invoke(main, ["upstream", "check", fal, "--fail-on", "error"]).exit_code == 0
    markdown = runner.invoke(main, ["upstream", "check", fal, "--format", "markdown"]).output
    assert "| warning | upstream-type-differs | fal/acme | `/seed` |" in markdown
    text = runner.invoke(main, ["upstream", "check", fal]).output
    assert text.endswith("1 documents: 0 errors, 13 warnings, 3 infos (2 acknowledged differences)\n")


def _draft_tree(tmp_path: Path, text: str) -> Path:
    root = tmp_path / "schemas"
    shutil.copytree(ROOT / "schemas", root)
    (root / "fal" / "acme-draft.json").write_text(text, encoding="utf-8")
    return root


def test_import_drafts_a_schema_that_lints_accepts_the_examples_and_matches_its_document(real, tmp_path):
    fal = str(DOCS / "fal-acme.openapi.json")
    text = draft(real, fal, "fal/acme-draft")
    root = _draft_tree(tmp_path, text)
    drafted = registry.load(root)
    assert [f for f in lint(drafted) if f.ctx.get("file", "").startswith("fal/acme-draft")] == []
    schema = json.loads(text)
    assert schema["x-upstream"]["documents"][0]["sha256"] == read(fal).sha256
    assert schema["properties"]["video_url"]["x-concept"] == "video"
    assert schema["properties"]["mode"]["x-source"] == ["upstream"]
    examples = {name: sub["examples"][0] for name, sub in schema["properties"].items() if "examples" in sub}
    assert set(examples) >= {"video_url", "audio_url", "mode", "temperature"}
    jsonschema.Draft202012Validator(schema).validate(examples)
    # Checked against the document it came from, the draft differs in nothing, and the copy is recorded.
    report = check(drafted, [fal], "fal/acme-draft")
    assert report.findings == ()


def test_import_never_overwrites_and_says_why_it_cannot_draft(tmp_path):
    runner = CliRunner()
    output = tmp_path / "acme.json"
    output.write_text("mine", encoding="utf-8")
    done = runner.invoke(main, ["upstream", "import", str(DOCS / "fal-acme.openapi.json"), "--offering", "fal/acme-x",
                                "--output", str(output)])
    assert done.exit_code == 2 and "does not overwrite" in done.output and output.read_text() == "mine"
    done = runner.invoke(main, ["upstream", "import", str(DOCS / "unsupported.json"), "--offering", "fal/x"])
    assert done.exit_code == 2 and "not a provider request spec" in done.output
    done = runner.invoke(main, ["upstream", "import", str(DOCS / "sync-openapi.json"), "--offering", "sync/other"])
    assert done.exit_code == 2 and "several models (acme-1, acme-0)" in done.output
    done = runner.invoke(main, ["upstream", "import", str(DOCS / "sync-openapi.json"), "--offering", "sync/acme-1"])
    assert done.exit_code == 0 and json.loads(done.output)["properties"]["model"]["const"] == "acme-1"


def test_show_and_the_docs_print_the_provenance(real, tmp_path, monkeypatch):
    from registry.codegen.docs import pages

    text = draft(real, str(DOCS / "fal-acme.openapi.json"), "fal/acme-draft")
    root = _draft_tree(tmp_path, text)
    page = pages(registry.load(root))["docs/offerings/fal/acme-draft.md"]
    assert "## Checked against the provider's own spec" in page
    assert "against https://fal.ai/api/openapi/queue/openapi.json?endpoint_id=acme/lipsync, updated_at" in page
    monkeypatch.setenv("CAPREG_SCHEMAS", str(HERE / "tree"))
    monkeypatch.setenv("CAPREG_BUILTIN", "0")
    # Wide enough that `show` keeps each line checked below whole.
    monkeypatch.setenv("COLUMNS", "1000")
    shown = subprocess.run([str(ROOT / ".venv/bin/capreg"), "show", "fal/acme"], capture_output=True, text=True).stdout
    assert "accepted difference upstream-format-differs at /video_url: the endpoint only fetches URLs" in shown
    assert "checked 2026-01-02 against https://fal.ai/api/openapi/queue/openapi.json?endpoint_id=acme/lipsync" in shown


def test_the_script_checks_a_folder_and_skips_a_missing_one(tmp_path):
    script = str(ROOT / "scripts" / "upstream-check")
    env = {"PATH": "/usr/bin:/bin", "CAPREG_SCHEMAS": str(HERE / "tree"), "CAPREG_BUILTIN": "0",
           "CAPREG_CACHE_DIR": os.environ["CAPREG_CACHE_DIR"]}  # the session's load cache, not the home's
    missing = subprocess.run([script, str(tmp_path / "none")], capture_output=True, text=True, env=env)
    assert missing.returncode == 0 and "skipped" in missing.stdout
    (tmp_path / "notes.md").write_text("not a spec", encoding="utf-8")
    shutil.copy(DOCS / "runware-acme.json", tmp_path)
    done = subprocess.run([script, str(tmp_path)], capture_output=True, text=True, env=env)
    assert done.returncode == 1, done.stderr
    assert done.stdout.endswith("1 documents: 0 errors, 1 warnings, 1 infos (0 acknowledged differences)\n")
