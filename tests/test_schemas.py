"""The shipped schemas: well-formed, annotated, and covering the providers."""

from __future__ import annotations

from registry.schema.jsonformat import format_json
from registry.schema.sources import sources_of
from registry.schema.tree import COMMON_DIR, META_DIR
from registry.tools.lint import lint, render_text


def test_every_schema_file_passes_lint(real):
    assert lint(real) == []


def test_every_provider_folder_holds_offerings(real):
    folders = {p.name for p in real.root.iterdir() if p.is_dir() and p.name not in (META_DIR, COMMON_DIR)}
    assert len(real.offerings) >= 20
    assert {o.provider for o in real.offerings.values()} == folders


def test_every_offering_records_its_sources(real):
    for offering in real.offerings.values():
        assert sources_of(real, offering.uri), offering.id


def test_model_ids_are_detectable_where_the_payload_names_them(real):
    from registry.validation.validate import _detection_table

    table = _detection_table(real)
    for offering in real.offerings.values():
        if offering.model_id_pointer:
            assert table[offering.model_id_pointer][offering.model_id] == [offering], offering.id


def test_lint_reports_a_property_of_a_known_concept_left_untagged(tmp_path):
    import json
    import shutil

    import registry

    from .conftest import ROOT

    shutil.copytree(ROOT / "schemas", tmp_path / "schemas")
    path = tmp_path / "schemas" / "replicate" / "lipsync-2.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    del schema["properties"]["temperature"]["x-concept"]
    path.write_text(format_json(schema), encoding="utf-8")
    problems = lint(registry.load(tmp_path / "schemas"))
    assert render_text(problems) == ("replicate/lipsync-2.json: error[concept-untagged] "
                                     "/temperature carries temperature (by its name) but has no x-concept tag\n")
