"""The schema files themselves: one format (`capreg fmt`, checked by `capreg lint`) and
every cited source defined once, where the files that rely on it can reach it."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

import registry
from registry.cli import main
from registry.schema.jsonformat import format_json, reformatted
from registry.tools.lint import lint, render_text

from .conftest import rewrite


def test_flat_arrays_and_objects_share_a_line_when_they_fit():
    document = {"required": ["model", "input"], "type": {"type": "string", "minLength": 1},
                "long": ["x" * 40, "y" * 40, "z" * 40], "nested": [{"a": 1}]}
    assert format_json(document) == (
        '{\n'
        '  "required": ["model", "input"],\n'
        '  "type": {"type": "string", "minLength": 1},\n'
        '  "long": [\n'
        f'    "{"x" * 40}",\n    "{"y" * 40}",\n    "{"z" * 40}"\n'
        '  ],\n'
        '  "nested": [\n'
        '    {"a": 1}\n'
        '  ]\n'
        '}\n')


def test_formatting_never_changes_what_a_file_says(real):
    for uri, document in real.documents.items():
        assert json.loads(format_json(document)) == document, uri


def test_a_repeated_key_is_not_formatted_away():
    with pytest.raises(ValueError, match="'a' appears twice"):
        reformatted('{"a": 1, "a": 2}')


def test_lint_names_a_file_out_of_format_and_fmt_rewrites_it(tree, monkeypatch):
    path = tree / "sync" / "toy.json"
    path.write_text(json.dumps(json.loads(path.read_text()), indent=4))
    assert render_text(lint(registry.load(tree))) == (
        "sync/toy.json: warning[file-format] not in the schema file format; `capreg fmt` rewrites it\n")

    runner = CliRunner()
    check = runner.invoke(main, ["fmt", "--check", str(tree)])
    assert check.exit_code == 1 and f"{path}: not in the schema file format" in check.output
    fixed = runner.invoke(main, ["fmt", str(tree)])
    assert fixed.exit_code == 0 and f"formatted {path}" in fixed.output
    assert lint(registry.load(tree)) == []


def test_a_cited_source_must_be_defined_where_the_file_can_reach_it(tree):
    rewrite(tree / "sync" / "toy.json", lambda d: d["properties"]["model"].update({"x-source": ["nowhere"]}))
    assert render_text(lint(registry.load(tree))) == (
        "sync/toy.json: error[source-undefined] cites 'nowhere', which neither its x-sources nor a file it "
        "references defines\n")


def test_a_source_is_defined_once_along_the_files_an_offering_reaches(tree):
    common = json.loads((tree / "common" / "toy.json").read_text())
    key, citation = next(iter(common["x-sources"].items()))
    rewrite(tree / "sync" / "toy.json", lambda d: d["x-sources"].update({key: citation}))
    assert render_text(lint(registry.load(tree))) == (
        f"sync/toy.json: error[source-defined-twice] x-sources defines {key!r}, which common/toy.json already defines\n")


def test_an_offering_relies_on_the_sources_of_the_files_it_references(real):
    from registry.schema.sources import sources_of

    offering = real.offering("sync/lipsync-2")
    assert "x-sources" not in offering.schema  # every citation it needs is defined in common/sync.json
    assert {"S1", "S2", "S5a", "seed-000"} <= set(sources_of(real, offering.uri))
