"""The environment the tests run in: the installed packages are those of uv.lock; third-party
test data comes pinned from packages (tests/packaged_data.py); and what users read does not
depend on the versions installed around capreg (a too-deep YAML file gets capreg's own
finding whichever layer, libyaml, PyYAML or capreg, notices the depth first)."""

from __future__ import annotations

import hashlib
import io
import tarfile
from pathlib import Path
from typing import Any

import pytest
import yaml

from registry.io import payloads

from . import packaged_data

TOO_DEEP = (f"not valid YAML: it is nested more than {payloads.MAX_DEPTH} levels deep; "
            f"capreg reads at most {payloads.MAX_DEPTH} levels of arrays and objects")


def _finding(text: str) -> str:
    with pytest.raises(payloads.ReadError) as refused:
        list(payloads._parse_yaml(text))
    return str(refused.value)


class NestingLimitedLoader(yaml.SafeLoader):
    """A YAML parser with a nesting limit of its own below capreg's, worded its own way, as a
    libyaml of another version may have: it refuses the text before capreg sees that deep."""

    def check_event(self, *choices: Any) -> bool:
        # The parser's own state: how many collections are open, counted by PyYAML.
        if len(self.states) > 8:
            raise yaml.scanner.ScannerError("while increasing flow level", None,
                                            "some other wording of a nesting limit", self.get_mark())
        return super().check_event(*choices)


@pytest.mark.parametrize("text", [
    pytest.param("model: " + "[" * 100_000 + "]" * 100_000, id="flow, 10^5 levels on one line"),
    pytest.param("model: " + "[" * (payloads.MAX_DEPTH + 1) + "]" * (payloads.MAX_DEPTH + 1), id="flow, one too many"),
    pytest.param("".join("  " * level + f"k{level}:\n" for level in range(payloads.MAX_DEPTH + 1)) + "  " * 66 + "x: 1\n",
                 id="block mappings"),
])
@pytest.mark.parametrize("parser", ["installed", "pure Python", "another nesting limit"])
def test_too_deep_yaml_gets_capregs_finding_whichever_parser_notices_first(monkeypatch, text, parser):
    if parser == "pure Python":
        monkeypatch.delattr(yaml, "CSafeLoader", raising=False)
    elif parser == "another nesting limit":
        monkeypatch.setattr(yaml, "CSafeLoader", NestingLimitedLoader, raising=False)
    assert _finding(text) == TOO_DEEP


def test_another_parse_error_keeps_the_parsers_message(monkeypatch):
    monkeypatch.setattr(yaml, "CSafeLoader", NestingLimitedLoader, raising=False)
    assert _finding("a: [1, 2\nb: 3\n").startswith("not valid YAML: ")
    assert _finding("a: [1, 2\nb: 3\n") != TOO_DEEP


def test_the_environment_is_the_lock():
    """Every locked package that is installed has the locked version (the scripts install
    from uv.lock, not from pyproject.toml's ranges)."""
    import importlib.metadata
    import tomllib

    lock = tomllib.loads((packaged_data.ROOT / "uv.lock").read_text(encoding="utf-8"))
    installed = {dist.metadata["Name"].lower().replace("_", "-"): dist.version
                 for dist in importlib.metadata.distributions()}
    drift = {p["name"]: (p["version"], installed[p["name"]]) for p in lock["package"]
             if p["name"] in installed and p["name"] != "capreg" and installed[p["name"]] != p["version"]}
    assert drift == {}
    assert installed["pyyaml"] == packaged_data.locked_sdist("pyyaml").version


def _fake_sdist(work: Path, sdist: packaged_data.LockedSdist) -> Path:
    prefix = f"{sdist.name}-{sdist.version}/json/"
    archive = work / f"{sdist.name}-{sdist.version}.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for name, body in ((prefix + "tests/draft2020-12/type.json", b"[]"), (prefix + "remotes/a.json", b"{}"),
                           (prefix + "LICENSE", b"MIT"), (prefix + "tests/draft7/type.json", b"[]"),
                           (prefix + "remotes/../../escaped.json", b"{}"), (f"{sdist.name}-{sdist.version}/setup.py", b"")):
            member = tarfile.TarInfo(name)
            member.size = len(body)
            tar.addfile(member, io.BytesIO(body))
    return archive


def test_the_suite_is_fetched_once_cached_outside_the_tree_and_only_the_parts_read(tmp_path, monkeypatch):
    downloads = []

    def download(sdist, work):
        downloads.append(sdist)
        return _fake_sdist(work, sdist)

    monkeypatch.setattr(packaged_data, "CACHE", tmp_path / "cache")
    monkeypatch.setattr(packaged_data, "_pip_download", download)
    suite = packaged_data.jsonschema_test_suite()
    assert packaged_data.jsonschema_test_suite() == suite
    assert downloads == [packaged_data.locked_sdist("jsonschema")]
    assert suite.parent == tmp_path / "cache"
    assert sorted(p.relative_to(suite).as_posix() for p in suite.rglob("*") if p.is_file()) == [
        "LICENSE", "remotes/a.json", "tests/draft2020-12/type.json"]
    assert [p.name for p in (tmp_path / "cache").iterdir()] == [suite.name]  # nothing staged is left


def test_an_archive_whose_hash_is_not_the_pinned_one_is_refused(tmp_path):
    archive = tmp_path / "a.tar.gz"
    archive.write_bytes(b"not the pinned file")
    with pytest.raises(packaged_data.Unavailable, match="the pin says"):
        packaged_data._check_digest(archive, "sha256", hashlib.sha256(b"the pinned file").digest())
    packaged_data._check_digest(archive, "sha256", hashlib.sha256(b"not the pinned file").digest())


@pytest.mark.parametrize(("ci", "outcome"), [("true", pytest.fail.Exception), ("", pytest.skip.Exception)])
def test_data_that_cannot_be_fetched_fails_in_ci_and_is_skipped_with_the_reason_elsewhere(monkeypatch, ci, outcome):
    def offline() -> Path:
        raise packaged_data.Unavailable("pip could not download the jsonschema 4.26.0 sdist (exit 1): no network")

    monkeypatch.setenv("CI", ci)
    with pytest.raises(outcome, match="test data unavailable: pip could not download .* no network"):
        packaged_data.fetched(offline)
