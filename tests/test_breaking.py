"""Breaking-change classification against a git ref, on a temporary git repository holding
a copy of the toy schema tree."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

import registry
from registry.base.catalog import RULES
from registry.base.errors import GitRefError
from registry.tools.breaking import breaking_changes, schemas_at
from registry.base.findings import Severity

from .conftest import FIXTURES, ROOT


def git(repo, *args):
    return subprocess.run(["git", "-c", "user.name=capreg", "-c", "user.email=capreg@example.invalid",
                           "-c", "commit.gpgsign=false", *args], cwd=repo, check=True, capture_output=True, text=True)


@pytest.fixture
def repo(tmp_path):
    """A git work tree whose schemas/ (the toy tree) is committed at HEAD."""
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "registry", root / "schemas")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "--no-verify", "-m", "base")
    return root


def edit(repo, name, change):
    path = repo / "schemas" / name
    document = json.loads(path.read_text())
    change(document)
    path.write_text(json.dumps(document, indent=2))


def changes(repo, ref="HEAD"):
    with schemas_at(ref, repo / "schemas") as old:
        return breaking_changes(old, registry.load(repo / "schemas"))


def settings(document):
    return document["properties"]["settings"]["properties"]


def test_an_unchanged_tree_has_no_changes(repo):
    assert changes(repo) == ()


# One edit per change class: (file, edit, expected rule, expected pointer, words of the message).
CASES = {
    "enum-value-removed": ("sync/toy.json", lambda d: settings(d)["syncMode"].update(enum=["bounce", "cut_off"]),
                           "/settings/syncMode", '"loop" no longer allowed'),
    "enum-value-added": ("fal/toy.json", lambda d: d["properties"]["sync_mode"]["enum"].append("remap"),
                         "/sync_mode", 'now also allows "remap"'),
    "enum-added": ("fal/toy.json", lambda d: d["properties"]["video_url"].update(enum=["a", "b"]),
                   "/video_url", 'now restricted to "a", "b"'),
    "enum-removed": ("fal/toy.json", lambda d: d["properties"]["sync_mode"].pop("enum"),
                     "/sync_mode", "no longer restricted"),
    "range-narrowed": ("sync/toy.json", lambda d: settings(d)["temperature"].update(maximum=0.8),
                       "/settings/temperature", "maximum 1 → 0.8"),
    "range-widened": ("sync/toy.json", lambda d: settings(d)["temperature"].pop("minimum"),
                      "/settings/temperature", "minimum 0 → (none)"),
    "required-added": ("fal/toy.json", lambda d: d["required"].append("sync_mode"),
                       "/sync_mode", "is now required"),
    "required-removed": ("fal/toy.json", lambda d: d.update(required=[]), "/video_url", "no longer required"),
    "property-removed": ("sync/toy.json", lambda d: d["properties"].pop("dub"), "/dub", "was removed"),
    "property-added": ("fal/toy.json", lambda d: d["properties"].update(seed={"type": "integer"}),
                       "/seed", "new property `/seed`"),
    "type-narrowed": ("fal/toy.json", lambda d: d["properties"]["temperature"].update(type="integer"),
                      "/temperature", "number → integer"),
    "type-widened": ("fal/toy.json", lambda d: d["properties"]["video_url"].update(type=["string", "null"]),
                     "/video_url", "string → null/string"),
    "const-changed": ("sync/toy.json", lambda d: d["properties"]["model"].update(const="toy-2"),
                      "/model", 'must now be "toy-2" (was "toy-1")'),
    "const-removed": ("sync/toy.json", lambda d: d["properties"]["model"].pop("const"),
                      "/model", 'no longer fixed to "toy-1"'),
    "pattern-changed": ("fal/toy.json", lambda d: d["properties"]["video_url"].update(pattern="^https://"),
                        "/video_url", 'pattern (none) → "^https://"'),
    "default-changed": ("sync/toy.json", lambda d: settings(d)["syncMode"].update(default="loop"),
                        "/settings/syncMode", 'default "bounce" → "loop"'),
    "default-added": ("fal/toy.json", lambda d: d["properties"]["video_url"].update(default="x"),
                      "/video_url", 'default "x" is now documented'),
    "default-removed": ("fal/toy.json", lambda d: d["properties"]["sync_mode"].pop("default"),
                        "/sync_mode", 'default "cut_off" is no longer documented'),
    "concept-changed": ("fal/toy.json", lambda d: d["properties"]["temperature"].update({"x-concept": "emotion"}),
                        "/temperature", "concept temperature → emotion"),
    "rule-added": ("sync/toy.json", lambda d: d.update({"x-requires": d["x-requires"] + [{"if": "/dub", "then": "/items"}]}),
                   "", 'new x-requires at the payload: {"if": "/dub", "then": "/items"}'),
    "rule-removed": ("sync/toy.json", lambda d: d.pop("x-unique"), "", "x-unique at the payload removed"),
    "rule-changed": ("common/toy.json",
                     lambda d: d["$defs"]["segment"]["x-order"][0].update(allowEqual=True),
                     "/settings/segments/*", "x-order at /settings/segments/*:"),
    "model-id-changed": ("sync/toy.json", lambda d: d.update({"x-model-id": "toy-2"}),
                         "", "model id 'toy-1' at /model is now 'toy-2' at /model"),
}


def test_the_cases_cover_every_change_class():
    tested_apart = {"offering-removed", "offering-added", "pattern-removed"}
    assert set(CASES) | tested_apart == {r.id for r in RULES.values() if r.family == "change"}


@pytest.mark.parametrize("rule", sorted(CASES))
def test_each_change_class(repo, rule):
    name, change, pointer, words = CASES[rule]
    edit(repo, name, change)
    found = [c for c in changes(repo) if c.rule == rule]
    assert len(found) == 1, changes(repo)
    assert (found[0].pointer, found[0].severity) == (pointer, RULES[rule].severity)
    assert words in found[0].message


def test_pattern_removed(repo):
    edit(repo, "fal/toy.json", lambda d: d["properties"]["video_url"].update(pattern="^https://"))
    git(repo, "commit", "-q", "--no-verify", "-am", "pattern")
    edit(repo, "fal/toy.json", lambda d: d["properties"]["video_url"].pop("pattern"))
    assert [(c.rule, c.pointer, c.message) for c in changes(repo)] == [
        ("pattern-removed", "/video_url", '`/video_url`: pattern "^https://" removed')]


def test_a_committed_change_is_compared_with_the_ref_not_head(repo):
    edit(repo, "sync/toy.json", lambda d: settings(d)["syncMode"].update(enum=["bounce"]))
    git(repo, "commit", "-q", "--no-verify", "-am", "narrow")
    assert changes(repo) == ()
    assert [c.rule for c in changes(repo, "HEAD~1")] == ["enum-value-removed"]


def test_offerings_removed_and_added(repo):
    (repo / "schemas/fal/toy.json").unlink()
    shutil.copy(FIXTURES / "registry/fal/toy.json", repo / "schemas/fal/toy2.json")
    edit(repo, "fal/toy2.json", lambda d: d.update({"x-model": "toy2", "title": "fal toy2 request"}))
    assert [(c.rule, c.ctx["offering"], c.severity) for c in changes(repo)] == [
        ("offering-removed", "fal/toy", Severity.ERROR), ("offering-added", "fal/toy2", Severity.INFO)]


def test_a_removed_subtree_is_reported_once_at_its_top(repo):
    edit(repo, "sync/toy.json", lambda d: d["properties"].pop("inputs"))
    assert [(c.rule, c.pointer) for c in changes(repo)] == [("property-removed", "/inputs")]


def test_a_new_required_member_of_a_new_optional_object_is_not_breaking(repo):
    edit(repo, "fal/toy.json", lambda d: d["properties"].update(
        extra={"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}}}))
    assert [(c.rule, c.pointer) for c in changes(repo)] == [("property-added", "/extra")]


def test_a_bad_ref_or_a_tree_outside_git_is_an_error(repo, tmp_path):
    with pytest.raises(GitRefError, match="'nope' names no commit"):
        changes(repo, "nope")
    outside = tmp_path / "plain"
    shutil.copytree(FIXTURES / "registry", outside)
    with pytest.raises(GitRefError, match="not a git repository"), schemas_at("HEAD", outside):
        pass


# -- the command ---------------------------------------------------------------------------
def capreg(repo, *args):
    env = {**os.environ, "CAPREG_SCHEMAS": str(repo / "schemas"), "CAPREG_BUILTIN": "0"}
    return subprocess.run([sys.executable, "-m", "registry.cli", *args], cwd=repo, env=env,
                          capture_output=True, text=True)


def test_cli_text_json_and_exit_codes(repo):
    # The toy tree is a tree of one's own: its clients are generated into the project's
    # generated/, imported as generated.clients.<provider>.<model>.
    (repo / "pyproject.toml").write_text("", encoding="utf-8")
    edit(repo, "sync/toy.json", lambda d: settings(d)["syncMode"].update(enum=["bounce", "cut_off"], default="cut_off"))
    text = capreg(repo, "breaking", "--against", "HEAD", "--output", "generated")
    assert text.returncode == 1
    assert text.stdout.splitlines()[:3] == [
        "sync/toy (client generated.clients.sync.toy)",
        '  error[enum-value-removed] `/settings/syncMode`: "loop" no longer allowed; payloads with it are rejected',
        '  warning[default-changed] `/settings/syncMode`: default "bounce" → "cut_off"; '
        "payloads that leave it out behave differently"]
    document = json.loads(capreg(repo, "breaking", "--against", "HEAD", "--format", "json", "--output", "generated").stdout)
    assert document["version"] == 2
    assert [c["rule"] for c in document["changes"]] == ["enum-value-removed", "default-changed"]
    assert document["changes"][0]["ctx"] == {"offering": "sync/toy", "name": "`/settings/syncMode`", "values": '"loop"'}
    assert document["clients"] == {"sync/toy": "generated.clients.sync.toy"}
    markdown = capreg(repo, "breaking", "--against", "HEAD", "--format", "markdown").stdout
    assert "| error | `enum-value-removed` | sync/toy | `/settings/syncMode` |" in markdown


def test_cli_fail_on(repo):
    edit(repo, "sync/toy.json", lambda d: settings(d)["syncMode"].update(default="loop"))
    assert capreg(repo, "breaking", "--against", "HEAD").returncode == 0
    assert capreg(repo, "breaking", "--against", "HEAD", "--fail-on", "warning").returncode == 1


def test_cli_bad_ref_exits_2_without_a_traceback(repo):
    done = capreg(repo, "breaking", "--against", "no-such-branch")
    assert done.returncode == 2
    assert "cannot read the schemas at no-such-branch: 'no-such-branch' names no commit" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_project_schemas_at_head_load_and_compare():
    """The repository itself: its schemas at HEAD load from git and compare with the working tree."""
    with schemas_at("HEAD", ROOT / "schemas") as old:
        assert isinstance(breaking_changes(old, registry.load(ROOT / "schemas")), tuple)
