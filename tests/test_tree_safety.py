"""A schema tree of one's own can neither slow capreg down nor reach outside itself.

Explanations never run a backtracking regex engine on payload text; every reference keyword
resolves inside the tree; a broken file is a clear load error that disables only its offering.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import registry
from registry import SchemaFileError, SchemaRefError
from registry.codegen import clients as codegen
from registry.cli import main
from registry.schema.tree import subschemas

from .conftest import FIXTURES, ROOT
from .test_loading import offering, tree

# Python's re needs 2**40 steps to reject this; a linear engine needs 41.
CATASTROPHIC = "^(a+)+$"
EVIL = "a" * 40 + "!"


def _validate_in_subprocess(root, payload, seconds=60):
    """The findings of validating `payload` against fal/other, from a process that is killed
    (failing the test) if it runs longer than `seconds`."""
    script = ("import json, pathlib, sys, registry\n"
              "reg = registry.load(pathlib.Path(sys.argv[1]))\n"
              "report = registry.validate(json.loads(sys.argv[2]), 'fal/other', registry=reg)\n"
              "print(json.dumps([[f.rule, f.pointer] for f in report.findings]))\n")
    done = subprocess.run([sys.executable, "-c", script, str(root), json.dumps(payload)],
                          capture_output=True, text=True, timeout=seconds, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    return [tuple(f) for f in json.loads(done.stdout)]


def test_a_catastrophic_pattern_is_explained_without_backtracking(tmp_path):
    root = tree(tmp_path, fal__other=offering(properties={"name": {"type": "string", "pattern": CATASTROPHIC}}))
    assert _validate_in_subprocess(root, {"name": EVIL}) == [("pattern", "/name")]


def test_a_catastrophic_pattern_property_is_explained_without_backtracking(tmp_path):
    schema = offering(patternProperties={"^(b+)+$": {"type": "string"}}, additionalProperties=False)
    root = tree(tmp_path, fal__other=schema)
    evil_key = "b" * 40 + "!"
    assert _validate_in_subprocess(root, {evil_key: "x"}) == [("unknown-property", f"/{evil_key}")]


def test_unevaluated_properties_with_pattern_properties_are_explained_by_jsonschema_rs(tmp_path):
    # jsonschema would match these patterns with Python's re inside `unevaluatedProperties`.
    schema = offering(patternProperties={"^(b+)+$": {"type": "string"}}, unevaluatedProperties=False)
    root = tree(tmp_path, fal__other=schema)
    evil_key = "b" * 40 + "!"
    assert _validate_in_subprocess(root, {evil_key: "x", "bbb": "x"}) == [("schema", "")]
    reg = registry.load(root)
    assert registry.validate({"bbb": "x"}, "fal/other", registry=reg).ok


# -- references stay inside the tree ---------------------------------------------------------
OUTSIDE = {"type": "object", "properties": {"OUTSIDE_SECRET": {"type": "string"}}}


@pytest.mark.parametrize(
    ("keyword", "value", "pointer", "problem"),
    [
        ("$dynamicRef", "file:///{outside}", "/properties/a/$dynamicRef", "leaves the schema directory"),
        ("$dynamicRef", "../../outside.json", "/properties/a/$dynamicRef", "leaves the schema directory"),
        ("$dynamicRef", "http://127.0.0.1:9/x.json", "/properties/a/$dynamicRef", "points at the network"),
        ("$dynamicRef", "#meta", "/properties/a/$dynamicRef", "plain-name fragment"),
        ("$ref", "file:///{outside}", "/properties/a/$ref", "leaves the schema directory"),
        ("$id", "file:///{folder}/", "/properties/a/$id", "is not supported"),
        ("$schema", "file:///{outside}", "/properties/a/$schema", "is not supported"),
    ],
)
def test_every_reference_keyword_resolves_inside_the_tree_or_the_offering_fails(tmp_path, keyword, value, pointer, problem):
    (tmp_path / "outside.json").write_text(json.dumps(OUTSIDE), encoding="utf-8")
    value = value.format(outside=(tmp_path / "outside.json").as_posix().lstrip("/"), folder=tmp_path.as_posix().lstrip("/"))
    schema = offering(properties={"a": {keyword: value, "$dynamicAnchor": "meta"}})
    reg = registry.load(tree(tmp_path, fal__other=schema))
    with pytest.raises(SchemaRefError) as caught:
        reg.offering("fal/other")
    assert (caught.value.path, caught.value.pointer, caught.value.keyword) == ("fal/other.json", pointer, keyword)
    assert problem in str(caught.value)
    assert str(caught.value).startswith(f"fal/other.json at {pointer}: {keyword} ")


def test_a_root_id_and_dialect_are_checked_too(tmp_path):
    schema = offering(**{"$id": "https://example.com/other.json"})
    with pytest.raises(SchemaRefError, match=r"fal/other.json at /\$id: \$id 'https://example.com/other.json'"):
        registry.load(tree(tmp_path, fal__other=schema)).offering("fal/other")
    schema = offering(**{"$schema": "http://json-schema.org/draft-07/schema#"})
    with pytest.raises(SchemaRefError, match=r"at /\$schema: \$schema .* capreg uses Draft 2020-12"):
        registry.load(tree(tmp_path / "2", fal__other=schema)).offering("fal/other")


def test_an_in_tree_dynamic_ref_is_bundled_so_the_generator_follows_nothing(tmp_path):
    schema = offering(properties={"source": {"$dynamicRef": "../common/toy.json#/$defs/source"}})
    reg = registry.load(tree(tmp_path, fal__other=schema))
    bundled = codegen.bundle(reg, reg.offering("fal/other"))
    references = [s[k] for s in subschemas(bundled) for k in ("$ref", "$dynamicRef") if k in s]
    assert references == ["#/$defs/source"]
    assert bundled["$defs"]["source"]["required"] == ["id", "source"]


def test_generate_refuses_a_tree_that_reaches_outside_and_writes_nothing(tmp_path, monkeypatch):
    (tmp_path / "outside.json").write_text(json.dumps(OUTSIDE), encoding="utf-8")
    root = tree(tmp_path, fal__other=offering(properties={"a": {"$dynamicRef": "../../outside.json"}}))
    monkeypatch.chdir(root / "fal")  # where the generator would resolve a relative reference from
    output = tmp_path / "generated"
    result = CliRunner().invoke(main, ["generate", "--schemas", str(root), "--output", str(output)])
    assert result.exit_code == 2, result.output
    assert "fal/other.json at /properties/a/$dynamicRef: $dynamicRef '../../outside.json' leaves the schema directory" \
        in result.output
    assert not output.exists()


# -- a broken file is a load error with file and pointer, and disables its offering alone -------
BROKEN = {
    "bad-regex": (offering(properties={"a": {"type": "string", "pattern": "a{2,1}"}}),
                  "fal/other.json at /properties/a/pattern: pattern 'a{2,1}' is not an ECMA-262 regular expression"),
    "bad-pattern-property": (offering(patternProperties={"(": {"type": "string"}}),
                             "fal/other.json at /patternProperties/(: pattern '(' is not an ECMA-262"),
    "unknown-type": (offering(properties={"a": {"type": "strnig"}}),
                     "fal/other.json at /properties/a/type: not a Draft 2020-12 schema"),
    "non-string-ref": (offering(properties={"a": {"$ref": 5}}),
                       "fal/other.json at /properties/a/$ref: not a Draft 2020-12 schema"),
    "bad-x-order": (offering(properties={"a": {"type": "object", "x-order": [{"lesser": "a"}]}}),
                    "fal/other.json at /properties/a/x-order/0: malformed annotation: \"greater\" is a required property"),
    "bad-x-count": (offering(**{"x-count": [{"in": "/a", "where": {}, "label": "x", "max": 1}]}),
                    "fal/other.json at /x-count/0/where: malformed annotation"),
    "unhashable-concept": (offering(properties={"a": {"type": "string", "x-concept": ["video"]}}),
                           "fal/other.json at /properties/a/x-concept: malformed annotation"),
    "bad-model-id-pointer": (offering(**{"x-model-id-pointer": "model"}),
                             "fal/other.json at /x-model-id-pointer: malformed annotation"),
    "not-json": ("{nope", "fal/other.json: is not JSON"),
}
TOY_PAYLOAD = {"model": "toy-1", "inputs": {"audio": [{"id": "a", "source": "s"}]}}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_offering_is_a_load_error_that_disables_it_alone(tmp_path, tree_alone_as_default, case):
    content, message = BROKEN[case]
    root = tree(tmp_path, fal__other=content)
    tree_alone_as_default(root)
    payload = tmp_path / "payload.json"
    payload.write_text(json.dumps({"a": "x"}), encoding="utf-8")
    toy = tmp_path / "toy.json"
    toy.write_text(json.dumps(TOY_PAYLOAD), encoding="utf-8")

    linted = CliRunner().invoke(main, ["lint"])
    assert linted.exit_code == 2, linted.output
    where = message.removeprefix("fal/other.json").lstrip(": ")
    assert linted.output.startswith(f"fal/other.json: error[file-unusable] {where}"), linted.output
    asked = CliRunner().invoke(main, ["validate", "--offering", "fal/other", str(payload)])
    assert asked.exit_code == 2, asked.output
    assert f"offering fal/other cannot be used: {message}" in asked.output
    assert "Traceback" not in asked.output
    other = CliRunner().invoke(main, ["validate", str(toy)])
    assert other.exit_code == 0, other.output
    with pytest.raises(registry.RegistryError, match=re.escape(message)):
        registry.validate({"a": "x"}, "fal/other")
    assert registry.validate(TOY_PAYLOAD).ok


def test_a_broken_shared_file_disables_only_the_offerings_that_use_it(tmp_path):
    shared = json.loads((FIXTURES / "registry" / "common" / "toy.json").read_text(encoding="utf-8"))
    shared["$defs"]["source"]["properties"]["id"]["pattern"] = "("
    reg = registry.load(tree(tmp_path, common__toy=shared))
    assert sorted(reg.offerings) == ["fal/toy"]  # sync/toy refers to common/toy.json, fal/toy does not
    with pytest.raises(SchemaFileError, match=r"^common/toy.json at /\$defs/source/properties/id/pattern: "):
        reg.offering("sync/toy")
    assert list(reg.problems) == ["common/toy.json"]
    report = registry.validate({"model": "toy-1"}, registry=reg)
    (finding,) = report.findings
    assert finding.rule == "offering-undetected"
    assert finding.hint.endswith("; offerings that could not be loaded: sync/toy (`capreg lint` says why)")


def test_the_failure_is_recorded_once_not_reloaded_on_every_call(tmp_path, tree_alone_as_default, monkeypatch):
    root = tree(tmp_path, fal__other="{nope")
    tree_alone_as_default(root)
    reads = []
    read_bytes = Path.read_bytes

    def counting(path, *args, **kwargs):
        if root in path.parents:
            reads.append(path)
        return read_bytes(path, *args, **kwargs)

    monkeypatch.setattr(Path, "read_bytes", counting)
    for _ in range(20):
        assert registry.validate(TOY_PAYLOAD).offering == "sync/toy"
        with pytest.raises(SchemaFileError, match="fal/other.json: is not JSON"):
            registry.validate({}, "fal/other")
    assert len(reads) == len(list(root.rglob("*.json")))


@pytest.mark.parametrize("content", ["empty", "meta only"])
def test_a_tree_without_offerings_is_a_configuration_error(tmp_path, tree_alone_as_default, content):
    root = tmp_path / "mine"
    root.mkdir()
    if content == "meta only":
        shutil.copytree(FIXTURES / "registry" / "meta", root / "meta")
    with pytest.raises(SchemaFileError, match="holds no offering schemas"):
        registry.load(str(root))
    tree_alone_as_default(root)
    result = CliRunner().invoke(main, ["validate", "-"], input=json.dumps(TOY_PAYLOAD))
    assert result.exit_code == 2
    assert "holds no offering schemas" in result.output
