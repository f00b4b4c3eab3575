"""Editor schemas, the SchemaStore-format catalog, registry.json, `capreg editor` and the
yaml-language-server modeline; and the editor schemas inside the editors' own language
services (npm packages pinned in tests/editor/package-lock.json, run with node)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import jsonschema
import pytest
import yaml
from click.testing import CliRunner
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

import registry
from registry.base.catalog import RULES
from registry.cli import main
from registry.codegen import editor, generate, registry_json
from registry.io.modeline import editor_schema_path, modeline_offering, offering_of_schema

from . import packaged_data
from .conftest import FIXTURES, ROOT, example_offering
from .test_examples import _cases

GENERATED = ROOT / "generated"


class JSONSnapshot(SingleFileSnapshotExtension):
    _write_mode = WriteMode.TEXT
    file_extension = "json"


@pytest.fixture(scope="module")
def outputs(real) -> dict[str, Any]:
    """The generated editor files and registry.json of the shipped tree, parsed."""
    return {name: json.loads(text) for name, text in {**editor.files(real), **registry_json.files(real)}.items()}


def _editor_schema(outputs, offering_id: str, draft_07: bool = False) -> dict[str, Any]:
    return outputs[editor_schema_path(offering_id, draft_07)]


def _nodes(node: Any):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from _nodes(value)


def _validator(schema: dict[str, Any]) -> jsonschema.protocols.Validator:
    cls = jsonschema.Draft7Validator if schema["$schema"] == editor.DRAFT_07_URI else jsonschema.Draft202012Validator
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


# -- the editor schemas ---------------------------------------------------------------------
def test_each_offering_has_a_self_contained_schema_in_each_draft(real, outputs):
    for offering_id in real.offerings:
        for draft_07, meta in ((False, jsonschema.Draft202012Validator), (True, jsonschema.Draft7Validator)):
            schema = _editor_schema(outputs, offering_id, draft_07)
            assert schema["$schema"] == (editor.DRAFT_07_URI if draft_07 else "https://json-schema.org/draft/2020-12/schema")
            meta.check_schema(schema)
            refs = [n["$ref"] for n in _nodes(schema) if isinstance(n.get("$ref"), str)]
            assert all(ref.startswith("#") for ref in refs), (offering_id, refs)  # nothing to fetch
            keys = {k for n in _nodes(schema) for k in n}
            assert not {k for k in keys if k.startswith("x-")}, offering_id
            if draft_07:
                assert not keys & {"$defs", "prefixItems", "unevaluatedProperties", "dependentRequired"}, offering_id


STRUCTURAL = {rule_id for rule_id, entry in RULES.items() if entry.family == "structure"}


def _structurally_invalid(path: Path) -> bool:
    expected = path.with_suffix(".expect").read_text(encoding="utf-8").split()
    return bool(STRUCTURAL & set(expected))


@pytest.mark.parametrize("path", _cases("valid") + [p for p in _cases("invalid") if _structurally_invalid(p)],
                         ids=lambda p: str(p.relative_to(ROOT / "examples")))
def test_the_editor_schemas_accept_valid_examples_and_reject_structurally_invalid_ones(outputs, path):
    (payload,) = list(registry.io.payloads.read(str(path)))
    for draft_07 in (False, True):
        errors = list(_validator(_editor_schema(outputs, example_offering(path), draft_07)).iter_errors(payload.value))
        if path.parent.name == "valid":
            assert errors == [], (draft_07, [e.message for e in errors])
        else:
            assert errors, f"the {'draft-07' if draft_07 else '2020-12'} editor schema accepts {path.name}"


def test_every_offering_offers_a_minimal_payload_that_capreg_accepts(real, outputs):
    for offering_id in real.offerings:
        for draft_07 in (False, True):
            (snippet,) = _editor_schema(outputs, offering_id, draft_07)["defaultSnippets"]
            report = registry.validate(snippet["body"], offering_id, registry=real)
            assert report.ok, (offering_id, [f.message for f in report.errors])


def test_a_property_tells_the_defaults_of_the_other_providers(outputs):
    sync = _editor_schema(outputs, "runware/lipsync-2")["properties"]["providerSettings"]["properties"]["sync"]
    mode = sync["properties"]["syncMode"]
    text = mode["markdownDescription"]
    assert "default `bounce` here" in text
    assert "`cut_off` at fal/lipsync-2" in text and "`loop` at replicate/lipsync-2" in text
    assert "`/sync_mode` at fal/lipsync-2" in text  # its name there
    modes = json.loads((ROOT / "schemas/meta/sync-modes.json").read_text(encoding="utf-8"))["modes"]
    assert len(mode["enumDescriptions"]) == len(mode["enum"])
    for value, description in zip(mode["enum"], mode["enumDescriptions"]):
        assert description.startswith(modes[value]["summary"])
    fal = _editor_schema(outputs, "fal/lipsync-2")["properties"]["sync_mode"]["markdownDescription"]
    assert "default `cut_off` here; " in fal and "`loop` at replicate/lipsync-2, scenario/lipsync-2, sync/lipsync-2" in fal


def test_deprecated_fields_carry_a_deprecation_message(outputs):
    deprecated = [n for n in _nodes(_editor_schema(outputs, "sync/lipsync-2")) if n.get("deprecated") is True]
    assert deprecated
    assert all(n["deprecationMessage"].startswith("Deprecated.") for n in deprecated)


def test_ranges_and_defaults_are_in_the_hover_text(outputs):
    quality = _editor_schema(outputs, "runware/lipsync-2")["properties"]["outputQuality"]
    assert (quality["minimum"], quality["maximum"], quality["default"]) == (20, 99, 95)
    assert "Default `95` · Range [20, 99]" in quality["markdownDescription"]


def _recursive_tree(tmp_path: Path) -> Path:
    """The toy tree with a recursive definition: a node whose children are nodes."""
    tree = tmp_path / "schemas"
    shutil.copytree(FIXTURES / "registry", tree)
    common = json.loads((tree / "common/toy.json").read_text(encoding="utf-8"))
    common["$defs"]["node"] = {"type": "object", "additionalProperties": False,
                               "properties": {"name": {"type": "string"},
                                              "children": {"type": "array", "items": {"$ref": "#/$defs/node"}}}}
    (tree / "common/toy.json").write_text(json.dumps(common), encoding="utf-8")
    offering = json.loads((tree / "sync/toy.json").read_text(encoding="utf-8"))
    offering["properties"]["tree"] = {"$ref": "../common/toy.json#/$defs/node"}
    (tree / "sync/toy.json").write_text(json.dumps(offering), encoding="utf-8")
    return tree


def test_a_recursive_definition_becomes_one_local_definition(tmp_path):
    files = editor.files(registry.load(_recursive_tree(tmp_path)))
    latest = json.loads(files["editor/sync/toy.json"])
    older = json.loads(files["editor/draft-07/sync/toy.json"])
    assert list(latest["$defs"]) == ["common.toy.node"]
    assert latest["properties"]["tree"]["$ref"] == "#/$defs/common.toy.node"
    assert latest["$defs"]["common.toy.node"]["properties"]["children"]["items"] == {"$ref": "#/$defs/common.toy.node"}
    assert list(older["definitions"]) == ["common.toy.node"] and "$defs" not in older
    assert older["properties"]["tree"] == {"$ref": "#/definitions/common.toy.node"}
    children = older["definitions"]["common.toy.node"]["properties"]["children"]
    assert children == {"type": "array", "items": {"$ref": "#/definitions/common.toy.node"}}
    deep = {"name": "a", "children": [{"name": "b", "children": [{"name": "c"}]}]}
    wrong = {"name": "a", "children": [{"name": "b", "children": [{"name": 3}]}]}
    for schema in (latest, older):
        tree = _validator(schema)
        assert not list(tree.iter_errors({**_minimal(schema), "tree": deep}))
        assert [e.json_path for e in tree.iter_errors({**_minimal(schema), "tree": wrong})] == [
            "$.tree.children[0].children[0].name"]


def _minimal(schema: dict[str, Any]) -> dict[str, Any]:
    return schema["defaultSnippets"][0]["body"]


def test_editor_snapshot(toy, snapshot):
    files = editor.files(toy)
    assert files["editor/sync/toy.json"] == snapshot(name="2020-12", extension_class=JSONSnapshot)
    assert files["editor/draft-07/fal/toy.json"] == snapshot(name="draft-07", extension_class=JSONSnapshot)
    assert files["editor/catalog.json"] == snapshot(name="catalog", extension_class=JSONSnapshot)


def test_registry_json_snapshot(toy, snapshot):
    assert registry_json.files(toy)["registry.json"] == snapshot(extension_class=JSONSnapshot)


# -- the catalog ------------------------------------------------------------------------------
# SchemaStore's rules for a catalog file (its schema-catalog.json, as read on 2025-06), checked
# here one by one:
#   1. an object with `$schema`, `version` and `schemas`, and no other member;
#   2. `$schema` is "https://json.schemastore.org/schema-catalog.json"; `version` is a number;
#   3. `schemas` is an array of objects with `name`, `description` and `url` (strings), and
#      optionally `fileMatch` and `versions`, nothing else;
#   4. `url` (and each `versions` value) is an absolute URI whose scheme is https;
#   5. `fileMatch` is an array of strings without duplicates.
# And capreg's own: one entry per offering, whose URL names that offering's editor schema.
def _check_schemastore_catalog(catalog: Any) -> None:
    assert isinstance(catalog, dict) and set(catalog) == {"$schema", "version", "schemas"}
    assert catalog["$schema"] == "https://json.schemastore.org/schema-catalog.json"
    assert isinstance(catalog["version"], (int, float)) and not isinstance(catalog["version"], bool)
    assert isinstance(catalog["schemas"], list)
    for entry in catalog["schemas"]:
        assert isinstance(entry, dict) and {"name", "description", "url"} <= set(entry), entry
        assert set(entry) <= {"name", "description", "url", "fileMatch", "versions"}, entry
        assert all(isinstance(entry[key], str) and entry[key] for key in ("name", "description", "url"))
        for url in [entry["url"], *entry.get("versions", {}).values()]:
            parsed = urlparse(url)
            assert parsed.scheme == "https" and parsed.netloc and parsed.path, url
        if "fileMatch" in entry:
            patterns = entry["fileMatch"]
            assert isinstance(patterns, list) and all(isinstance(p, str) for p in patterns)
            assert len(set(patterns)) == len(patterns)


def test_the_catalog_follows_schemastores_rules(real, outputs):
    catalog = outputs[editor.CATALOG]
    _check_schemastore_catalog(catalog)
    assert [offering_of_schema(e["url"]) for e in catalog["schemas"]] == list(real.offerings)
    assert all(e["url"].endswith(editor_schema_path(offering_of_schema(e["url"]), draft_07=True))
               for e in catalog["schemas"])


@pytest.mark.parametrize("broken", [
    {"version": 1, "schemas": []},
    {"$schema": "https://json.schemastore.org/schema-catalog.json", "version": 1,
     "schemas": [{"name": "a", "description": "b", "url": "./runware/lipsync-2.json"}]},
    {"$schema": "https://json.schemastore.org/schema-catalog.json", "version": 1,
     "schemas": [{"name": "a", "description": "b", "url": "http://x.test/a.json"}]},
    {"$schema": "https://json.schemastore.org/schema-catalog.json", "version": 1,
     "schemas": [{"name": "a", "url": "https://x.test/a.json"}]},
    {"$schema": "https://json.schemastore.org/schema-catalog.json", "version": 1,
     "schemas": [{"name": "a", "description": "b", "url": "https://x.test/a.json", "fileMatch": ["*.json", "*.json"]}]},
], ids=["no-$schema", "relative-url", "http-url", "no-description", "duplicate-fileMatch"])
def test_the_catalog_rules_reject_what_schemastore_rejects(broken):
    with pytest.raises(AssertionError):
        _check_schemastore_catalog(broken)


# -- registry.json -------------------------------------------------------------------------------
def test_registry_json_follows_its_own_schema(real, outputs):
    schema, document = outputs[registry_json.REGISTRY_SCHEMA], outputs[registry_json.REGISTRY_JSON]
    _validator(schema).validate(document)
    assert document["version"] == registry_json.VERSION
    assert [o["id"] for o in document["offerings"]] == list(real.offerings)
    runware = next(o for o in document["offerings"] if o["id"] == "runware/lipsync-2")
    assert runware["model_id"] == "sync:lipsync-2@1" and runware["model_id_pointer"] == "/model"
    mode = next(p for p in runware["parameters"] if p["path"] == "/providerSettings/sync/syncMode")
    assert (mode["concept"], mode["default"], mode["enum"], mode["availability"]) == (
        "sync_mode", "bounce", ["bounce", "loop", "cut_off", "silence", "remap"], "accepted")
    assert runware["sources"] and all(source in runware["sources"] for source in mode["sources"])
    lipsync = next(m for m in document["models"] if m["model"] == "lipsync-2")
    row = next(c for c in lipsync["concepts"] if c["concept"] == "sync_mode")
    assert row["paths"]["fal/lipsync-2"] == "/sync_mode"
    assert "default-differs" in {d["rule"] for d in row["differences"]}
    ignored = [p for o in document["offerings"] for p in o["parameters"] if p["availability"] == "ignored"]
    assert ignored and all(p["availability_note"] for p in ignored)


def test_generate_check_covers_the_editor_files_and_registry_json(tmp_path):
    output = tmp_path / "generated"
    expected = generate.outputs(registry.default_registry())
    generate.write(expected, output)
    (output / "editor/catalog.json").unlink()
    path = output / "registry.json"
    path.write_text(path.read_text(encoding="utf-8").replace('"version": 1', '"version": 0'), encoding="utf-8")
    result = CliRunner().invoke(main, ["generate", "--check", "--output", str(output)])
    assert result.exit_code == 1
    assert f"+++ {output}/editor/catalog.json" in result.output and f"+++ {output}/registry.json" in result.output
    assert f"  {output}/editor/catalog.json" in result.output  # listed by the manifest, missing


# -- the modeline -----------------------------------------------------------------------------------
FAL_PAYLOAD = "video_url: https://example.com/v.mp4\naudio_url: https://example.com/a.wav\nsync_mode: loop\n"


def _validate_json(tmp_path: Path, text: str, *args: str) -> dict[str, Any]:
    path = tmp_path / "payload.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", "--format", "json", *args, str(path)])
    return json.loads(result.output)["files"][0]["payloads"][0]


@pytest.mark.parametrize("target", [
    "../generated/editor/draft-07/fal/lipsync-2.json",
    "generated/editor/fal/lipsync-2.json",
    editor.PUBLISHED_AT + "editor/draft-07/fal/lipsync-2.json",
    "file:///home/me/project/generated/editor/fal/lipsync-2.json#",
])
def test_validate_takes_the_offering_from_the_modeline(tmp_path, monkeypatch, target):
    monkeypatch.chdir(tmp_path)  # no pyproject.toml mapping here
    result = _validate_json(tmp_path, f"# yaml-language-server: $schema={target}\n{FAL_PAYLOAD}")
    assert (result["offering"], result["valid"]) == ("fal/lipsync-2", True)


def test_without_a_modeline_a_fal_payload_is_undetected(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = _validate_json(tmp_path, FAL_PAYLOAD)
    assert [f["rule"] for f in result["findings"]] == ["offering-undetected"]


def test_the_modeline_comes_after_offering_and_before_the_mapping(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.capreg.offerings]\n"*.yaml" = "replicate/lipsync-2"\n')
    modeline = "# yaml-language-server: $schema=generated/editor/fal/lipsync-2.json\n"
    assert _validate_json(tmp_path, modeline + FAL_PAYLOAD)["offering"] == "fal/lipsync-2"
    assert _validate_json(tmp_path, FAL_PAYLOAD)["offering"] == "replicate/lipsync-2"
    assert _validate_json(tmp_path, modeline + FAL_PAYLOAD, "--offering", "scenario/lipsync-2")["offering"] == \
        "scenario/lipsync-2"


def test_a_modeline_naming_another_schema_or_no_offering(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    other = _validate_json(tmp_path, f"# yaml-language-server: $schema=https://json.schemastore.org/x.json\n{FAL_PAYLOAD}")
    assert [f["rule"] for f in other["findings"]] == ["offering-undetected"]
    unknown = _validate_json(tmp_path, f"# yaml-language-server: $schema=generated/editor/fal/lipsync-9.json\n{FAL_PAYLOAD}")
    assert [f["rule"] for f in unknown["findings"]] == ["offering-unknown"]
    assert "fal/lipsync-9" in unknown["findings"][0]["message"]


def test_modeline_reading():
    assert modeline_offering("#yaml-language-server: $schema=editor/sync/react-1.json\nmodel: react-1\n") == "sync/react-1"
    assert modeline_offering("model: x\n  # yaml-language-server: $schema=editor/sync/react-1.json\n") == "sync/react-1"
    assert modeline_offering("# yaml-language-server: $schema=editor/draft-07/lipsync-2.json\n") == "draft-07/lipsync-2"
    assert modeline_offering("model: x  # yaml-language-server: $schema=editor/sync/react-1.json\n") is None
    assert modeline_offering("# $schema=editor/sync/react-1.json\n") is None
    far = "a: 1\n" * 2000 + "# yaml-language-server: $schema=editor/sync/react-1.json\n"
    assert modeline_offering(far) is None  # a modeline sits at the top; a 16 MiB payload is not searched


# -- capreg editor ----------------------------------------------------------------------------------
MAPPING = ('[tool.capreg.offerings]\n"payloads/fal/*.json" = "fal/lipsync-2"\n'
           '"examples/{provider}/{model}/**" = "{provider}/{model}"\n')
USER_SETTINGS = {
    "editor.tabSize": 2,
    "json.schemas": [{"fileMatch": ["/mine/*.json"], "url": "./mine.schema.json"},
                     {"fileMatch": ["/old/*.json"], "url": "./generated/editor/fal/lipsync-2.json"}],
    "yaml.schemas": {"./mine.schema.json": "/mine/*.yaml"},
}


def test_capreg_editor_merges_and_keeps_the_users_entries(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text(MAPPING)
    settings = tmp_path / ".vscode/settings.json"
    settings.parent.mkdir()
    settings.write_text(json.dumps(USER_SETTINGS, indent=4))
    first = CliRunner().invoke(main, ["editor"])
    assert first.exit_code == 0, first.output
    assert '+                "/payloads/fal/*.json",' in first.output  # the diff shows what changed
    assert "updated .vscode/settings.json: 23 offering(s)" in first.output
    merged = json.loads(settings.read_text())
    assert merged["editor.tabSize"] == 2
    assert merged["json.schemas"][0] == USER_SETTINGS["json.schemas"][0]
    assert merged["json.schemas"][1] == {"fileMatch": ["/old/*.json", "/payloads/fal/*.json", "/examples/fal/lipsync-2/**"],
                                         "url": "./generated/editor/fal/lipsync-2.json"}
    assert merged["yaml.schemas"]["./mine.schema.json"] == "/mine/*.yaml"
    assert merged["yaml.schemas"]["./generated/editor/draft-07/runware/lipsync-2.json"] == ["/examples/runware/lipsync-2/**"]
    assert len(merged["json.schemas"]) == 1 + 23
    written = settings.read_bytes()
    again = CliRunner().invoke(main, ["editor"])
    assert again.exit_code == 0 and "nothing to change" in again.output
    assert settings.read_bytes() == written  # idempotent
    assert CliRunner().invoke(main, ["editor", "--check"]).exit_code == 0


def test_capreg_editor_check_writes_nothing_and_commented_settings_are_left_alone(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text(MAPPING)
    check = CliRunner().invoke(main, ["editor", "--check"])
    assert check.exit_code == 1 and not (tmp_path / ".vscode").exists()
    settings = tmp_path / ".vscode/settings.json"
    settings.parent.mkdir()
    commented = '{\n    // my font\n    "editor.fontSize": 14,\n}\n'
    settings.write_text(commented)
    refused = CliRunner().invoke(main, ["editor"])
    assert refused.exit_code == 2 and "comments" in refused.output and '"json.schemas"' in refused.output
    assert settings.read_text() == commented


def test_capreg_editor_needs_a_mapping(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["editor"])
    assert result.exit_code == 2 and "[tool.capreg.offerings]" in result.output


# -- in the editors' own language services ---------------------------------------------------------------
def _probe(queries: list[dict[str, Any]], schemas: dict[str, Any]) -> list[dict[str, Any]]:
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI", "").lower() in ("true", "1"):
            pytest.fail("node is not installed; CI must run the language-service test")
        pytest.skip("node is not installed: the editors' language services run on node")
    modules = packaged_data.fetched(packaged_data.editor_node_modules)
    done = subprocess.run([node, str(packaged_data.EDITOR_PROBE / "probe.mjs")],
                          input=json.dumps({"schemas": schemas, "queries": queries}), capture_output=True,
                          text=True, timeout=300, env={**os.environ, "NODE_PATH": str(modules)}, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


RUNWARE = {"taskType": "videoInference", "taskUUID": "6ba7b810-9dad-41d1-80b4-00c04fd430c8",
           "model": "sync:lipsync-2@1", "inputs": {"video": "v"}}
LATEST, OLDER = "file:///schemas/runware-lipsync-2.json", "file:///schemas/runware-lipsync-2.draft-07.json"


def _runware_queries() -> list[dict[str, Any]]:
    empty = json.dumps({**RUNWARE, "providerSettings": {"sync": {}}})
    chosen = json.dumps({**RUNWARE, "providerSettings": {"sync": {"syncMode": "loop"}}})
    wrong = json.dumps({**RUNWARE, "providerSettings": {"sync": {"syncMode": "bouncy"}}})
    yaml_head = yaml.safe_dump(RUNWARE, sort_keys=False) + "providerSettings:\n  sync:\n    "
    return [
        {"language": "json", "schema": LATEST, "text": empty, "complete": empty.index('"sync": {}') + 9},
        {"language": "json", "schema": LATEST, "text": chosen, "hover": chosen.index("syncMode") + 2},
        {"language": "json", "schema": LATEST, "text": wrong},
        {"language": "yaml", "schema": OLDER, "text": yaml_head + "\n", "complete": len(yaml_head)},
        {"language": "yaml", "schema": OLDER, "text": yaml_head + "syncMode: loop\n", "hover": len(yaml_head) + 2},
        {"language": "yaml", "schema": OLDER, "text": yaml_head + "syncMode: bouncy\n"},
    ]


def test_the_language_services_complete_hover_and_diagnose(outputs):
    schemas = {LATEST: _editor_schema(outputs, "runware/lipsync-2"),
               OLDER: _editor_schema(outputs, "runware/lipsync-2", draft_07=True)}
    answers = _probe(_runware_queries(), schemas)
    for completion, hover, diagnosis in (answers[0:3], answers[3:6]):
        assert {"syncMode", "temperature", "segments"} <= set(completion["completions"]), completion
        assert "default `bounce` here" in hover["hover"] and "`cut_off` at fal/lipsync-2" in hover["hover"]
        assert hover["diagnostics"] == []
        messages = [d["message"] for d in diagnosis["diagnostics"]]
        assert len(messages) == 1 and '"bounce"' in messages[0], messages


def test_the_language_services_accept_every_valid_example(real, outputs):
    schemas, queries = {}, []
    for path in _cases("valid"):
        (payload,) = list(registry.io.payloads.read(str(path)))
        offering = example_offering(path)
        latest, older = f"file:///schemas/{offering}.json", f"file:///schemas/{offering}.draft-07.json"
        schemas[latest] = _editor_schema(outputs, offering)
        schemas[older] = _editor_schema(outputs, offering, draft_07=True)
        queries.append({"language": "json", "schema": latest, "text": json.dumps(payload.value), "name": str(path)})
        queries.append({"language": "yaml", "schema": older, "text": yaml.safe_dump(payload.value), "name": str(path)})
    answers = _probe(queries, schemas)
    # Errors only (LSP severity 1): a valid payload may still use a deprecated field, which an
    # editor marks with a warning ("Deprecated. Use ..."), as it should.
    errors = {(q["language"], q["name"]): [d for d in a["diagnostics"] if d["severity"] == 1]
              for q, a in zip(queries, answers)}
    assert {case: found for case, found in errors.items() if found} == {}
    deprecated = [d for a in answers for d in a["diagnostics"] if d["message"].startswith("Deprecated")]
    assert deprecated and all(d["severity"] != 1 for d in deprecated)
