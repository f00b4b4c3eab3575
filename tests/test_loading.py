"""Loading a schema tree: offline references only, clear errors for broken trees."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import registry
from registry import SchemaFileError, SchemaRefError, UnknownOffering
from registry.tools.lint import lint, render_text

from .conftest import FIXTURES


def tree(tmp_path: Path, **files: object) -> Path:
    """A copy of the toy tree with files added or replaced (`fal__x` is fal/x.json)."""
    root = tmp_path / "schemas"
    shutil.copytree(FIXTURES / "registry", root)
    for name, content in files.items():
        path = root / (name.replace("__", "/") + ".json")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return root


def offering(model: str = "other", provider: str = "fal", **extra: object) -> dict[str, object]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema", "title": f"{provider} {model}",
        "description": "d", "x-provider": provider, "x-model": model, "x-model-id": model,
        "x-model-id-pointer": None, "x-sources": {"t": "test"}, "type": "object", "properties": {}, **extra,
    }


def test_toy_tree_loads_and_lints_clean(toy):
    assert sorted(toy.offerings) == ["fal/toy", "sync/toy"]
    assert lint(toy) == []


def test_a_local_relative_ref_resolves(toy):
    target_uri, target = toy.resolve(toy.offering("sync/toy").uri, "../common/toy.json#/$defs/source")
    assert target_uri.endswith("/common/toy.json#/$defs/source")
    assert target["required"] == ["id", "source"]


@pytest.mark.parametrize(
    ("ref", "problem"),
    [
        ("https://example.com/schema.json", "points at the network"),
        ("http://schemas.capreg.invalid.evil.com/x.json", "points at the network"),
        ("../../outside.json", "leaves the schema directory"),
        ("../common/missing.json", "names a file that does not exist"),
        ("../common/toy.json#/$defs/nothing", "names a location that does not exist"),
        ("#anchor", "plain-name fragment"),
    ],
)
def test_unresolvable_refs_are_load_errors(tmp_path, ref, problem):
    root = tree(tmp_path, fal__other=offering(properties={"a": {"$ref": ref}}))
    with pytest.raises(SchemaRefError) as caught:
        registry.load(root).offering("fal/other")
    assert caught.value.path == "fal/other.json"
    assert caught.value.ref == ref
    assert problem in str(caught.value)


def test_a_ref_cycle_is_a_load_error(tmp_path):
    schema = offering(properties={"a": {"$ref": "#/$defs/one"}},
                      **{"$defs": {"one": {"$ref": "#/$defs/two"}, "two": {"$ref": "#/$defs/one"}}})
    with pytest.raises(SchemaRefError, match=r"\$ref cycle"):
        registry.load(tree(tmp_path, fal__other=schema)).offering("fal/other")


def test_a_recursive_schema_is_indexed_once_per_level(tmp_path):
    from registry.schema.index import index_of

    schema = offering(properties={"node": {"$ref": "#/$defs/node"}},
                      **{"$defs": {"node": {"type": "object", "properties": {"child": {"$ref": "#/$defs/node"}}}}})
    reg = registry.load(tree(tmp_path, fal__other=schema))
    patterns = [p.pattern for p in index_of(reg, "fal/other").parameters]
    assert patterns == ["/node", "/node/child"]
    assert registry.validate({"node": {"child": {"child": {}}}}, "fal/other", registry=reg).ok


def test_a_schema_file_that_is_not_json(tmp_path):
    with pytest.raises(SchemaFileError, match=r"fal/other.json: is not JSON: .* line 1 column 2"):
        registry.load(tree(tmp_path, fal__other="{nope")).offering("fal/other")


def test_a_schema_in_the_wrong_folder(tmp_path):
    with pytest.raises(SchemaFileError, match=r"must be at replicate/other.json"):
        registry.load(tree(tmp_path, fal__other=offering(provider="replicate"))).offering("fal/other")


def test_meta_schema_problems_are_reported_by_lint(tmp_path):
    # Malformed x- annotations are load errors (tests/test_tree_safety.py); these are lint's alone.
    bad = offering(properties={"a": {"type": "string", "x-source": ["nowhere"]}})
    del bad["description"]
    reg = registry.load(tree(tmp_path, fal__other=bad))
    problems = render_text(lint(reg))
    assert "fal/other.json: error[meta-schema] 'description' is a required property" in problems
    assert ("fal/other.json: error[source-undefined] cites 'nowhere', which neither its x-sources nor a file it "
            "references defines") in problems


def test_lint_catches_an_invalid_draft_2020_12_schema(tmp_path):
    reg = registry.load(tree(tmp_path, fal__other=offering(properties={"a": {"type": "strnig"}})))
    assert any(p.rule == "file-unusable" and p.pointer == "/properties/a/type" and "not a Draft 2020-12 schema"
               in p.message for p in lint(reg))


def test_unknown_offering_suggests_the_closest(toy):
    with pytest.raises(UnknownOffering) as caught:
        toy.offering("sync/toi")
    assert str(caught.value) == "unknown offering 'sync/toi'; did you mean 'sync/toy'?"
    assert isinstance(caught.value, KeyError)


def test_nothing_is_fetched_even_by_the_engines(tmp_path, monkeypatch):
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("capreg tried to open a network connection")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    reg = registry.load(FIXTURES / "registry")
    report = registry.validate({"model": "toy-1", "inputs": {"audio": "x"}}, registry=reg)
    assert [(f.rule, f.pointer) for f in report.errors] == [("type", "/inputs/audio")]


def test_a_ref_under_a_property_named_like_a_keyword_is_still_checked(tmp_path):
    schema = offering(properties={"default": {"$ref": "https://example.com/x.json"}, "enum": {"type": "string"}})
    with pytest.raises(SchemaRefError, match="points at the network"):
        registry.load(tree(tmp_path, fal__other=schema)).offering("fal/other")


def test_a_ref_like_string_inside_data_is_not_a_reference(tmp_path):
    schema = offering(properties={"a": {"const": {"$ref": "https://example.com/x.json"},
                                        "default": {"$ref": "https://example.com/y.json"}}})
    reg = registry.load(tree(tmp_path, fal__other=schema))
    assert registry.validate({"a": {"$ref": "https://example.com/x.json"}}, "fal/other", registry=reg).ok


def test_an_ecma_262_pattern_python_cannot_compile_is_explained(tmp_path):
    # \p{L} is ECMA-262, which Python's re cannot even compile: both engines match it with jsonschema-rs.
    schema = offering(properties={"name": {"type": "string", "pattern": "^\\p{L}+$"}})
    reg = registry.load(tree(tmp_path, fal__other=schema))
    assert registry.validate({"name": "Zoë"}, "fal/other", registry=reg).ok
    (finding,) = registry.validate({"name": "123"}, "fal/other", registry=reg).findings
    assert (finding.rule, finding.pointer) == ("pattern", "/name")
