"""The load cache: a tree whose files passed the checks is not checked again, and nothing
the cache holds (or fails to hold) ever changes what loading says."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import registry
from registry import SchemaFileError, SchemaRefError
from registry.schema import cache, tree as tree_module

from .conftest import ROOT, toy_tree_copy


@pytest.fixture
def cache_dir(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("CAPREG_CACHE_DIR", str(folder))
    monkeypatch.delenv("CAPREG_CACHE", raising=False)
    return folder


@pytest.fixture
def checks(monkeypatch) -> list[str]:
    """The documents `_check_document` checked, in order."""
    checked: list[str] = []
    check = tree_module._check_document

    def counting(tree, files, documents, uri, document):
        checked.append(uri)
        return check(tree, files, documents, uri, document)

    monkeypatch.setattr(tree_module, "_check_document", counting)
    return checked


def same_registry(first: registry.Registry, second: registry.Registry) -> None:
    assert dict(second.documents) == dict(first.documents)
    assert list(second.offerings) == list(first.offerings)
    assert all(second.offerings[i] == first.offerings[i] for i in first.offerings)
    assert dict(second.meta) == dict(first.meta)
    assert dict(second.problems) == dict(first.problems) == {}


def test_a_tree_that_passed_is_not_checked_again_and_loads_the_same(tmp_path, cache_dir, checks):
    root = toy_tree_copy(tmp_path)
    first = registry.load(root)
    checked_first = len(checks)
    assert checked_first == len(list(root.rglob("*.json")))
    second = registry.load(root)
    assert len(checks) == checked_first  # the second load checked nothing
    same_registry(first, second)
    for offering_id in first.offerings:
        assert second.documents_for(second.offerings[offering_id]) == first.documents_for(first.offerings[offering_id])
    assert [p.name.startswith(f"load-{sys.implementation.cache_tag}-") for p in cache_dir.iterdir()] == [True]


def test_the_shipped_tree_loads_the_same_from_the_cache(cache_dir, checks):
    first = registry.load(builtin=True)
    checked_first = len(checks)
    second = registry.load(builtin=True)
    assert len(checks) == checked_first
    same_registry(first, second)
    payload = json.loads((ROOT / "examples/runware/lipsync-2/valid/seed-001-lipsync-2-audio.json").read_text())
    assert registry.validate(payload, "runware/lipsync-2", registry=second) == \
        registry.validate(payload, "runware/lipsync-2", registry=first)


def test_an_edit_the_checks_catch_is_caught_after_a_clean_load(tmp_path, cache_dir, checks):
    """The same file names, a file still JSON: only a key of the files' bytes tells them apart."""
    root = toy_tree_copy(tmp_path)
    registry.load(root)
    toy = root / "fal" / "toy.json"
    schema = json.loads(toy.read_text())
    schema["properties"] = {**schema.get("properties", {}), "broken": {"$ref": "../common/missing.json"}}
    toy.write_text(json.dumps(schema))
    broken = registry.load(root)
    assert str(toy.relative_to(root)) in broken.problems
    with pytest.raises(SchemaRefError, match="names a file that does not exist"):
        broken.offering("fal/toy")


def test_a_broken_tree_is_checked_and_reported_alike_every_time(tmp_path, cache_dir, checks):
    root = toy_tree_copy(tmp_path)
    (root / "fal" / "other.json").write_text('{"type": "object", "pattern": "("}')
    messages = []
    for _ in range(2):
        loaded = registry.load(root)
        messages.append({name: str(error) for name, error in loaded.problems.items()})
    assert messages[0] == messages[1] and messages[0]
    assert len(checks) == 2 * len(list(root.rglob("*.json")))


def test_back_to_a_clean_state_after_a_broken_one(tmp_path, cache_dir, checks):
    root = toy_tree_copy(tmp_path)
    toy = root / "sync" / "toy.json"
    clean = toy.read_bytes()
    registry.load(root)
    toy.write_text("{nope")
    with pytest.raises(SchemaFileError, match="is not JSON"):
        registry.load(root).offering("sync/toy")
    toy.write_bytes(clean)
    before = len(checks)
    assert "sync/toy" in registry.load(root).offerings
    assert len(checks) == before  # the clean files' key was kept through the broken state


@pytest.mark.parametrize("setting", ["0", "false", "off", " No "])
def test_capreg_cache_0_turns_it_off(tmp_path, cache_dir, checks, monkeypatch, setting):
    monkeypatch.setenv("CAPREG_CACHE", setting)
    root = toy_tree_copy(tmp_path)
    registry.load(root)
    registry.load(root)
    assert len(checks) == 2 * len(list(root.rglob("*.json")))
    assert not cache_dir.exists()


@pytest.mark.parametrize("content", [b"", b"garbage\n", b"capreg load cache 1\n" + b"0" * 64 + b"\n", b"\xff" * 5000])
def test_a_corrupt_or_foreign_cache_file_is_a_miss_and_a_foreign_one_is_left_alone(tmp_path, cache_dir, checks, content):
    root = toy_tree_copy(tmp_path)
    registry.load(root)
    (place,) = cache_dir.iterdir()
    place.write_bytes(content)
    loaded = registry.load(root)
    assert len(checks) == 2 * len(list(root.rglob("*.json")))  # checked again
    assert sorted(loaded.offerings) == ["fal/toy", "sync/toy"]
    if not content.startswith(b"capreg load cache 1\n"):
        assert place.read_bytes() == content  # not capreg's: never overwritten


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="giving a file away needs root")
def test_a_cache_file_of_another_user_is_no_proof(tmp_path, cache_dir, checks):
    root = toy_tree_copy(tmp_path)
    registry.load(root)
    (place,) = cache_dir.iterdir()
    os.chown(place, 12345, 12345)
    registry.load(root)
    assert len(checks) == 2 * len(list(root.rglob("*.json")))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_in_place_of_the_cache_file_does_not_hang_the_load(tmp_path, cache_dir):
    root = toy_tree_copy(tmp_path)
    script = ("import registry, sys\n"
              "print(sorted(registry.load(sys.argv[1]).offerings))\n")
    # the cache_dir fixture set CAPREG_CACHE_DIR for the commands too
    first = subprocess.run([sys.executable, "-c", script, str(root)], capture_output=True, text=True, timeout=60)
    (place,) = cache_dir.iterdir()
    place.unlink()
    os.mkfifo(place)
    again = subprocess.run([sys.executable, "-c", script, str(root)], capture_output=True, text=True, timeout=60)
    assert again.returncode == 0, again.stderr
    assert again.stdout == first.stdout == "['fal/toy', 'sync/toy']\n"


def test_an_unwritable_cache_folder_is_no_cache_and_no_error(tmp_path, monkeypatch, checks):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("CAPREG_CACHE_DIR", str(blocker / "cache"))
    root = toy_tree_copy(tmp_path)
    assert sorted(registry.load(root).offerings) == sorted(registry.load(root).offerings) == ["fal/toy", "sync/toy"]
    assert blocker.read_text() == "not a folder"


def test_files_capreg_did_not_write_are_left_alone(tmp_path, cache_dir):
    cache_dir.mkdir()
    mine = cache_dir / "notes.txt"
    mine.write_text("keep me")
    root = toy_tree_copy(tmp_path)
    registry.load(root)
    registry.load(root)
    assert mine.read_text() == "keep me"
    assert sorted(p.name for p in cache_dir.iterdir() if p != mine)[0].startswith("load-")
    assert not [p for p in cache_dir.iterdir() if p.name.endswith(".tmp")]


def test_the_key_covers_every_input_of_the_checks():
    contents = {"fal/a.json": b"{}", "meta/concepts.json": b"{}"}
    checks = (b"meta-schema", b"keywords")
    key = cache.tree_key("https://a.invalid/", contents, checks)
    assert key is not None and len(key) == 64
    variants = [
        cache.tree_key("https://b.invalid/", contents, checks),
        cache.tree_key("https://a.invalid/", {**contents, "fal/a.json": b"{ }"}, checks),
        cache.tree_key("https://a.invalid/", {"fal/b.json": b"{}", "meta/concepts.json": b"{}"}, checks),
        cache.tree_key("https://a.invalid/", {**contents, "fal/c.json": b""}, checks),
        cache.tree_key("https://a.invalid/", contents, (b"meta-schema2", b"keywords")),
        cache.tree_key("https://a.invalid/", contents, (b"meta-schema", b"keywords2")),
        # no two inputs run together alike
        cache.tree_key("https://a.invalid/", contents, (b"meta-schemak", b"eywords")),
    ]
    assert key not in variants and len(set(variants)) == len(variants)
    assert cache.tree_key("https://a.invalid/", dict(reversed(contents.items())), checks) == key


def test_a_keyword_registered_later_changes_the_key(tmp_path, cache_dir, checks, monkeypatch):
    """A keyword's argument schema is part of what the checks read."""
    root = toy_tree_copy(tmp_path)
    registry.load(root)
    before = len(checks)

    class Extra:
        argument_schema = {"type": "string"}

    monkeypatch.setitem(tree_module.KEYWORDS, "x-extra-for-test", Extra)
    registry.load(root)
    assert len(checks) == 2 * before


def test_the_default_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("CAPREG_CACHE_DIR")
    monkeypatch.delenv("CAPREG_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.folder() == tmp_path / "xdg" / "capreg"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.folder() == tmp_path / "home" / ".cache" / "capreg"
    monkeypatch.setenv("CAPREG_CACHE_DIR", str(tmp_path / "moved"))
    assert cache.folder() == tmp_path / "moved"
    monkeypatch.setenv("CAPREG_CACHE", "0")
    assert cache.folder() is None


def test_the_cli_gives_the_same_output_with_a_cold_and_a_warm_cache(tmp_path, cache_dir):
    payload = ROOT / "examples/runware/lipsync-2/valid/seed-001-lipsync-2-segments.json"
    command = [sys.executable, "-m", "registry.cli", "validate", "--offering", "runware/lipsync-2", str(payload)]
    runs = [subprocess.run(command, capture_output=True, text=True, cwd=tmp_path) for _ in range(2)]
    off = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, env={**os.environ, "CAPREG_CACHE": "0"})
    assert runs[0].returncode == runs[1].returncode == off.returncode == 0
    assert runs[0].stdout == runs[1].stdout == off.stdout and "1 valid" in off.stdout
    assert [p.name.startswith("load-") for p in cache_dir.iterdir()] == [True]


def test_no_home_to_find_is_no_cache_and_no_error(tmp_path, monkeypatch, checks):
    monkeypatch.delenv("CAPREG_CACHE_DIR")
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)

    def no_home(cls):
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(Path, "home", classmethod(no_home))
    root = toy_tree_copy(tmp_path)
    assert sorted(registry.load(root).offerings) == ["fal/toy", "sync/toy"]
    assert cache.folder() is None
