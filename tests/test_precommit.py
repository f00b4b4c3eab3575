"""The pre-commit hooks of .pre-commit-hooks.yaml, run by the real pre-commit."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from .conftest import ROOT

PRE_COMMIT = Path(sys.executable).with_name("pre-commit")
GOOD = ROOT / "examples/runware/lipsync-2/valid/seed-001-lipsync-2-segments.json"


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@t"})


def test_validate_hook_passes_good_payloads_and_fails_bad_ones(tmp_path):
    repo = tmp_path / "project"
    (repo / "payloads").mkdir(parents=True)
    shutil.copy(GOOD, repo / "payloads" / "good.json")
    bad = json.loads(GOOD.read_text())
    bad["providerSettings"]["sync"]["segments"][1]["ref"] = "part-3"
    (repo / "payloads" / "bad.json").write_text(json.dumps(bad, indent=2))
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}

    def try_repo(*files: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(PRE_COMMIT), "try-repo", str(ROOT), "capreg-validate", "--files", *files],
                              cwd=repo, capture_output=True, text=True, env=env, timeout=600)

    good = try_repo("payloads/good.json")
    assert good.returncode == 0, good.stdout + good.stderr
    assert "Passed" in good.stdout

    failed = try_repo("payloads/good.json", "payloads/bad.json")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "payloads/bad.json:29:11: error[ref-unknown] /providerSettings/sync/segments/1/ref" in failed.stdout
    assert "2 files, 2 payloads, 1 valid, 1 invalid" in failed.stdout  # the good file was still checked


def test_the_hook_manifest_runs_what_the_readme_documents():
    hooks = {hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert hooks["capreg-validate"]["entry"] == "capreg validate"
    assert hooks["capreg-validate"]["require_serial"] is False
    assert hooks["capreg-generated"]["pass_filenames"] is False
    entry = hooks["capreg-generated"]["entry"].split()
    done = subprocess.run([str(Path(sys.executable).with_name(entry[0])), *entry[1:]], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
