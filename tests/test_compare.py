"""`registry.compare` and `capreg compare`: one model's concepts across its providers."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

import registry
from registry.cli import main
from registry.base.catalog import RULES
from registry.tools.compare import compare
from registry.base.findings import Severity

SCHEMA = "https://json-schema.org/draft/2020-12/schema"


def _offering(provider, properties, required=()):
    return {"$schema": SCHEMA, "title": f"{provider} demo", "type": "object", "x-provider": provider,
            "x-model": "demo", "x-model-id": f"{provider}-demo", "x-model-id-pointer": None,
            "x-sources": {"t": "test"}, "required": list(required), "properties": properties}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """Two offerings of one model that differ in every way a comparison reports, and agree on one concept."""
    root = tmp_path_factory.mktemp("demo")
    files = {
        "meta/concepts.json": {"video": "v", "sync_mode": "s", "temperature": "t", "emotion": "e",
                               "webhook": "w"},
        "one/demo.json": _offering("one", {
            "video": {"type": "string", "x-concept": "video"},
            "sync_mode": {"enum": ["bounce", "loop"], "default": "bounce", "x-concept": "sync_mode"},
            "temperature": {"type": "number", "minimum": 0, "maximum": 1, "x-concept": "temperature"},
            "emotion": {"type": "string", "x-concept": "emotion"},
            "webhook": {"type": "string", "x-concept": "webhook"},
        }, required=["video"]),
        "two/demo.json": _offering("two", {
            "video": {"type": "string", "x-concept": "video"},
            "syncMode": {"enum": ["bounce", "cut_off"], "default": "cut_off", "x-concept": "sync_mode"},
            "temperature": {"type": "number", "minimum": 0, "maximum": 2, "x-concept": "temperature"},
            "webhook": {"type": "string", "x-concept": "webhook"},
        }),
    }
    for name, document in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(json.dumps(document))
    return registry.load(root)


EXPECTED = {
    "default-differs": ("sync_mode", 'sync mode default: "bounce" at one/demo; "cut_off" at two/demo'),
    "enum-differs": ("sync_mode", 'sync mode values differ: "loop" not at two/demo; "cut_off" not at one/demo'),
    "range-differs": ("temperature", "temperature range: 0–1 at one/demo; 0–2 at two/demo"),
    "required-differs": ("video", "video is required at one/demo; optional at two/demo"),
    "name-differs": ("sync_mode", "sync mode is `/sync_mode` at one/demo; `/syncMode` at two/demo"),
    "missing": ("emotion", "emotion: not offered by two/demo"),
}


def test_the_expected_cases_cover_every_finding_id():
    assert set(EXPECTED) == {r.id for r in RULES.values() if r.family == "comparison"}


@pytest.mark.parametrize("rule", sorted(EXPECTED))
def test_each_difference_is_a_finding_with_its_id_and_severity(demo, rule):
    concept, message = EXPECTED[rule]
    found = [d for d in compare(demo, "demo").differences if d.rule == rule]
    assert [(d.ctx["concept"], d.message) for d in found] == [(concept, message)]
    assert found[0].severity is RULES[rule].severity


def test_a_concept_carried_alike_has_no_difference(demo):
    row = compare(demo, "demo").row("webhook")
    assert row.differences == ()
    assert [c.path for c in row.cells] == ["/webhook", "/webhook"]


def test_lipsync_2_sync_mode_defaults_across_providers(real):
    row = registry.compare(real, "lipsync-2").row("sync_mode")
    defaults = {cell.offering: cell.default for cell in row.cells}
    assert defaults == {"runware/lipsync-2": "bounce", "fal/lipsync-2": "cut_off", "replicate/lipsync-2": "loop",
                        "scenario/lipsync-2": "loop", "sync/lipsync-2": "loop"}
    assert {c.offering: c.path for c in row.cells}["runware/lipsync-2"] == "/providerSettings/sync/syncMode"
    assert "default-differs" in [d.rule for d in row.differences]


def test_sync_3_runware_sync_mode_lacks_loop_that_scenario_has(real):
    row = compare(real, "sync-3").row("sync_mode")
    allowed = {c.offering: c.allowed for c in row.cells if c.present}
    assert "loop" not in allowed["runware/sync-3"] and "loop" in allowed["scenario/sync-3"]
    enum = [d for d in row.differences if d.rule == "enum-differs"]
    assert [d.message for d in enum] == ['sync mode values differ: "loop" not at runware/sync-3']


def test_every_cell_says_name_path_type_default_values_required_and_presence(real):
    cells = {c.offering: c.as_dict() for c in compare(real, "lipsync-2").row("temperature").cells}
    assert cells["replicate/lipsync-2"] == {
        "offering": "replicate/lipsync-2", "present": True, "path": "/temperature", "variant": None, "via": None,
        "type": "number", "default": 0.5, "has_default": True, "allowed": None, "range": [0, 1],
        "required": False, "ignored": None}
    assert cells["fal/lipsync-2"]["present"] is False


def test_a_concept_carried_only_through_a_part_is_present_via_that_part(real):
    cell = compare(real, "sync-3").row("tts_settings").cell("sync/sync-3")
    assert (cell.present, cell.path, cell.via) == (True, "/input/*/provider/stability", "tts_stability")


def test_required_inside_array_items_is_compared_item_to_item(real):
    row = compare(real, "lipsync-2").row("segment_start")
    assert {c.offering: c.required for c in row.cells if c.present} == {
        "runware/lipsync-2": True, "sync/lipsync-2": True}
    assert "required-differs" not in [d.rule for d in row.differences]


def test_unknown_model_raises_with_a_suggestion(real):
    with pytest.raises(registry.UnknownOffering, match="did you mean 'lipsync-2'"):
        compare(real, "lipsync2")


# -- the command ---------------------------------------------------------------------------
def run(*args):
    return CliRunner().invoke(main, ["compare", *args])


def test_text_is_a_table_per_concept():
    result = run("lipsync-2")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    start = lines.index(next(line for line in lines if line.startswith("sync_mode")))
    block = lines[start:start + 9]
    assert block[1].split() == ["OFFERING", "PATH", "TYPE", "DEFAULT", "ALLOWED", "REQUIRED"]
    assert block[4].split()[:4] == ["runware/lipsync-2", "/providerSettings/sync/syncMode", "string", '"bounce"']
    assert any(line.strip().startswith("warning[default-differs] sync mode default") for line in block)


def test_json_has_every_concept_cell_and_difference():
    result = run("sync-3", "--format", "json")
    document = json.loads(result.output)
    assert (document["version"], document["model"]) == (2, "sync-3")
    sync_mode = next(c for c in document["concepts"] if c["concept"] == "sync_mode")
    assert {c["offering"] for c in sync_mode["cells"]} == set(document["offerings"])
    assert {"rule": "enum-differs", "severity": "warning", "pointer": "", "hint": None,
            "message": 'sync mode values differ: "loop" not at runware/sync-3',
            "ctx": {"concept": "sync_mode", "label": "sync mode", "gaps": '"loop" not at runware/sync-3'}
            } in sync_mode["differences"]


def test_markdown_is_a_table_per_model():
    result = run("lipsync-2", "--format", "markdown")
    assert result.output.startswith("## lipsync-2\n\n| concept | fal/lipsync-2 | replicate/lipsync-2 |")
    assert '| sync_mode ⚠ | `/sync_mode` default `"cut_off"`' in result.output
    assert "- **enum-differs**" not in result.output.split("### Differences")[0]


def test_all_covers_every_model(real):
    result = run("--all", "--format", "json")
    assert result.exit_code == 0
    document = json.loads(result.output)
    assert document["version"] == 2
    assert [c["model"] for c in document["models"]] == real.models()


@pytest.mark.parametrize("args", [["lipsync2"], [], ["lipsync-2", "--all"]])
def test_bad_usage_exits_2_without_a_traceback(args):
    result = run(*args)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    if args == ["lipsync2"]:
        assert "unknown model 'lipsync2'; did you mean 'lipsync-2'?" in result.output


def test_fail_on_sets_the_exit_code():
    assert run("lipsync-2", "--fail-on", Severity.WARNING.value).exit_code == 1
    assert run("lipsync-2").exit_code == 0
