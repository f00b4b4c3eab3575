"""`capreg validate -q` is silent on success."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from registry.cli import main

from .conftest import ROOT

WARNED = json.loads((ROOT / "examples/runware/lipsync-2/valid/seed-001-lipsync-2-segments.json").read_text())
CLEAN = {**WARNED, "providerSettings": {"sync": {**WARNED["providerSettings"]["sync"], "syncMode": "bounce"}}}
BAD_SETTINGS = json.loads(json.dumps(CLEAN["providerSettings"]))
BAD_SETTINGS["sync"]["segments"][1]["ref"] = "part-3"
BAD = {**CLEAN, "providerSettings": BAD_SETTINGS}


def _line(payload: dict) -> bytes:
    return (json.dumps(payload) + "\n").encode()


def _files(tmp_path: Path, **payloads: dict) -> list[str]:
    names = []
    for name, payload in payloads.items():
        (tmp_path / f"{name}.json").write_text(json.dumps(payload, indent=2))
        names.append(str(tmp_path / f"{name}.json"))
    return names


def test_quiet_prints_nothing_for_valid_files_and_nothing_for_a_clean_run(tmp_path):
    clean = _files(tmp_path, one=CLEAN, two=CLEAN)
    loud = CliRunner().invoke(main, ["validate", *clean])
    assert loud.exit_code == 0 and f"{clean[0]}: ok (runware/lipsync-2)" in loud.output
    quiet = CliRunner().invoke(main, ["validate", "-q", *clean])
    assert quiet.exit_code == 0
    assert quiet.output == ""


def test_quiet_prints_findings_and_then_the_summary_but_no_line_for_valid_files(tmp_path):
    clean, warned, bad = _files(tmp_path, clean=CLEAN, warned=WARNED, bad=BAD)
    result = CliRunner().invoke(main, ["validate", "--quiet", clean, warned, bad])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert not any(line.startswith(f"{clean}:") for line in lines)
    assert any(line.startswith(f"{warned}:19:5: warning[implicit-default]") for line in lines)
    assert any(line.startswith(f"{bad}:29:11: error[ref-unknown]") for line in lines)
    assert lines[-1] == "3 files, 3 payloads, 2 valid, 1 invalid, 1 error, 1 warning"


def test_the_pre_commit_hook_runs_quietly():
    import yaml

    hooks = {hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert hooks["capreg-validate"]["entry"].split()[2:] == ["--quiet"]  # in entry: a user's `args:` adds to it

