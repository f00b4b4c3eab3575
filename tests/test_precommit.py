"""The pre-commit hooks of .pre-commit-hooks.yaml, run by the real pre-commit."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from registry.io.payloads import JSON_SUFFIXES, JSONL_SUFFIXES, YAML_SUFFIXES

from .conftest import ROOT

PRE_COMMIT = Path(sys.executable).with_name("pre-commit")
GOOD = ROOT / "examples/runware/lipsync-2/valid/seed-001-lipsync-2-segments.json"


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@t"})


# Every suffix `capreg validate` reads by name, in lower and upper case.
SUFFIXES = [s for suffix in (*JSON_SUFFIXES, *YAML_SUFFIXES, *JSONL_SUFFIXES) for s in (suffix, suffix.upper())]
# Where the bad payload's finding sits in each kind of file.
BAD_AT = {".json": "29:11", ".yaml": "19:7", ".yml": "19:7", ".jsonl": "2:445", ".ndjson": "2:445"}


def _name(kind: str, suffix: str) -> str:
    return f"payloads/{kind}{'-upper' * suffix.isupper()}{suffix}"


def _payload_text(value: dict[str, object], suffix: str) -> str:
    """`value` as a file of this suffix; a JSONL file holds a payload with no finding before it."""
    if suffix.lower() in JSONL_SUFFIXES:
        clean = json.loads(GOOD.read_text())
        clean["providerSettings"]["sync"]["syncMode"] = "bounce"
        return json.dumps(clean) + "\n" + json.dumps(value) + "\n"
    if suffix.lower() in YAML_SUFFIXES:
        return yaml.safe_dump(value, sort_keys=False)
    return json.dumps(value, indent=2)


@pytest.fixture(scope="module")
def hook_runs(tmp_path_factory) -> dict[str, subprocess.CompletedProcess[str]]:
    """Two runs of the hook over a repository with a good and a bad payload of every suffix
    (and a note that is no payload): over the good files only, and over every file."""
    tmp_path = tmp_path_factory.mktemp("precommit")
    repo = tmp_path / "project"
    (repo / "payloads").mkdir(parents=True)
    good = json.loads(GOOD.read_text())
    bad = json.loads(GOOD.read_text())
    bad["providerSettings"]["sync"]["segments"][1]["ref"] = "part-3"
    for suffix in SUFFIXES:
        (repo / _name("good", suffix)).write_text(_payload_text(good, suffix))
        (repo / _name("bad", suffix)).write_text(_payload_text(bad, suffix))
    (repo / "payloads" / "notes.md").write_text("# Not a payload\n")
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}

    def try_repo(*files: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(PRE_COMMIT), "try-repo", str(ROOT), "capreg-validate", "--verbose",
                               "--files", *files],
                              cwd=repo, capture_output=True, text=True, env=env, timeout=600)

    return {"good": try_repo(*(_name("good", suffix) for suffix in SUFFIXES)),
            "all": try_repo(*(str(path.relative_to(repo)) for path in sorted((repo / "payloads").iterdir())))}


def _checked(run: subprocess.CompletedProcess[str]) -> tuple[int, int, int]:
    """Files, payloads and valid payloads over every call (pre-commit splits the files among
    parallel calls, each printing its own summary)."""
    summaries = re.findall(r"^(\d+) files?, (\d+) payloads?, (\d+) valid", run.stdout, re.MULTILINE)
    return tuple(sum(int(summary[i]) for summary in summaries) for i in range(3))  # type: ignore[return-value]


def test_validate_hook_passes_good_payloads_of_every_suffix(hook_runs):
    good = hook_runs["good"]
    assert good.returncode == 0, good.stdout + good.stderr
    assert "Passed" in good.stdout
    jsonl_files = sum(suffix.lower() in JSONL_SUFFIXES for suffix in SUFFIXES)
    payloads = len(SUFFIXES) + jsonl_files  # a JSONL file holds two
    assert _checked(good) == (len(SUFFIXES), payloads, payloads), good.stdout
    assert not re.search(r"^payloads/[^:]+: (ok \(|\d+ payloads, \w+ ok$)", good.stdout, re.MULTILINE), good.stdout


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_validate_hook_fails_a_bad_payload_of_every_suffix(hook_runs, suffix):
    failed = hook_runs["all"]
    assert failed.returncode == 1, failed.stdout + failed.stderr
    at = BAD_AT[suffix.lower()]
    assert f"{_name('bad', suffix)}:{at}: error[ref-unknown] /providerSettings/sync/segments/1/ref" in failed.stdout
    good_lines = [line for line in failed.stdout.splitlines() if line.startswith(f"{_name('good', suffix)}:")]
    assert good_lines and all("warning[implicit-default]" in line for line in good_lines)  # checked, no error


def test_validate_hook_leaves_files_of_other_suffixes_alone(hook_runs):
    failed = hook_runs["all"]
    assert "notes.md" not in failed.stdout
    assert _checked(failed)[0] == 2 * len(SUFFIXES), failed.stdout


def test_the_hook_manifest_runs_what_the_readme_documents():
    hooks = {hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert hooks["capreg-validate"]["entry"] == "capreg validate --quiet"
    assert hooks["capreg-validate"]["require_serial"] is False
    assert hooks["capreg-generated"]["pass_filenames"] is False
    entry = hooks["capreg-generated"]["entry"].split()
    done = subprocess.run([str(Path(sys.executable).with_name(entry[0])), *entry[1:]], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_validate_hook_takes_every_suffix_capreg_reads_and_no_other():
    pattern = re.compile(yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())[0]["files"])
    assert all(pattern.search(f"payloads/a{suffix}") for suffix in SUFFIXES)
    assert not any(pattern.search(f"payloads/a{suffix}") for suffix in (".md", ".json5", ".jsonld", ".yaml.bak", ".txt"))
