"""`capreg generate` owns only what it wrote: its manifest, folders it did not make, files
edited since, disk errors, and what `--check` reports."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import registry
from registry.codegen import generate
from registry.cli import main

from .conftest import FIXTURES

MANIFEST = ".capreg-manifest.json"  # the name the committed generated/ carries


@pytest.fixture
def schemas(tmp_path) -> Path:
    """A copy of the toy tree (two offerings: sync/toy and fal/toy) that a test may change."""
    tree = tmp_path / "schemas"
    shutil.copytree(FIXTURES / "registry", tree)
    return tree


def run(schemas: Path, output: Path | str, *options: str) -> Result:
    return CliRunner().invoke(main, ["generate", *options, "--schemas", str(schemas), "--output", str(output)])


def refused(result: Result) -> bool:
    """Exit 2 with a message, not 1 (stale) and not a traceback."""
    return result.exit_code == 2 and isinstance(result.exception, SystemExit) and "Error:" in result.output


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_folder_capreg_did_not_make_is_refused_and_left_untouched(schemas, tmp_path, monkeypatch):
    project = tmp_path / "project"
    (project / "src").mkdir(parents=True)
    (project / "NOTES.md").write_text("my notes\n")
    (project / "src/main.py").write_text("print('mine')\n")
    monkeypatch.chdir(project)
    result = run(schemas, ".")
    assert refused(result), result.output
    assert "not empty" in result.output and MANIFEST in result.output and "removed" not in result.output
    assert snapshot(project) == {"NOTES.md": b"my notes\n", "src/main.py": b"print('mine')\n"}


def test_the_manifest_lists_every_generated_file_with_its_sha256(schemas, tmp_path):
    output = tmp_path / "out"
    assert run(schemas, output).exit_code == 0
    expected = generate.outputs(registry.load(schemas))
    manifest = json.loads((output / MANIFEST).read_text())
    assert manifest["files"] == {name: hashlib.sha256(content.encode()).hexdigest() for name, content in expected.items()}
    assert set(snapshot(output)) == {*expected, MANIFEST}


def test_the_committed_generated_folder_carries_its_manifest():
    from .conftest import ROOT

    manifest = json.loads((ROOT / "generated" / MANIFEST).read_text())
    for name, digest in manifest["files"].items():
        assert hashlib.sha256((ROOT / "generated" / name).read_bytes()).hexdigest() == digest, name


def test_files_it_generated_earlier_are_removed_and_files_of_the_user_kept(schemas, tmp_path):
    output = tmp_path / "out"
    assert run(schemas, output).exit_code == 0
    (output / "NOTES.md").write_text("mine\n")
    (output / "docs/offerings/mine.md").write_text("")
    (schemas / "fal/toy.json").unlink()
    result = run(schemas, output)
    assert result.exit_code == 0, result.output
    assert f"removed {output}/clients/fal/toy.py" in result.output
    assert not (output / "clients/fal/toy.py").exists() and not (output / "docs/offerings/fal/toy.md").exists()
    assert (output / "NOTES.md").read_text() == "mine\n" and (output / "docs/offerings/mine.md").exists()
    assert "fal/toy.md" not in json.loads((output / MANIFEST).read_text())["files"]


def _change_the_description(schemas: Path) -> None:
    """A schema edit that changes the sync/toy client and its page."""
    path = schemas / "sync/toy.json"
    document = json.loads(path.read_text())
    document["description"] += " Changed."
    path.write_text(json.dumps(document, indent=2))


@pytest.mark.parametrize("edited", ["docs/offerings/sync/toy.md", "docs/offerings/fal/toy.md"],
                         ids=["would-be-overwritten", "would-be-removed"])
def test_a_generated_file_edited_since_is_neither_overwritten_nor_removed(schemas, tmp_path, edited):
    output = tmp_path / "out"
    assert run(schemas, output).exit_code == 0
    (output / edited).write_text((output / edited).read_text() + "my own note\n")
    before = snapshot(output)
    _change_the_description(schemas)
    (schemas / "fal/toy.json").unlink()
    result = run(schemas, output)
    assert refused(result), result.output
    assert f"{output}/{edited}: edited since capreg generate wrote it" in result.output
    assert "wrote nothing" in result.output
    assert snapshot(output) == before  # all or nothing: not one other file written either
    # moved away, it is generated afresh (or, no longer generated, simply absent)
    (output / edited).rename(tmp_path / "kept.md")
    assert run(schemas, output).exit_code == 0
    assert run(schemas, output, "--check").exit_code == 0


def test_a_file_of_the_user_where_a_generated_file_goes_is_not_overwritten(schemas, tmp_path):
    output = tmp_path / "out"
    assert run(schemas, output).exit_code == 0
    (output / "clients/fal/toy.py").unlink()
    (schemas / "fal/toy.json").unlink()
    assert run(schemas, output).exit_code == 0  # fal/toy.py no longer in the manifest
    (output / "clients/fal").mkdir(exist_ok=True)
    (output / "clients/fal/toy.py").write_text("# mine\n")
    shutil.copy(FIXTURES / "registry/fal/toy.json", schemas / "fal/toy.json")
    result = run(schemas, output)
    assert refused(result), result.output
    assert f"{output}/clients/fal/toy.py: capreg generate did not write it" in result.output
    assert (output / "clients/fal/toy.py").read_text() == "# mine\n"


def test_a_user_file_named_like_the_old_temporary_file_survives(schemas, tmp_path):
    output = tmp_path / "out"
    assert run(schemas, output).exit_code == 0
    (output / "docs/offerings/sync/toy.md.tmp").write_text("mine\n")
    _change_the_description(schemas)
    result = run(schemas, output)
    assert f"wrote {output}/docs/offerings/sync/toy.md" in result.output
    assert (output / "docs/offerings/sync/toy.md.tmp").read_text() == "mine\n"


def test_an_output_below_a_file_is_a_clear_error(schemas, tmp_path):
    # Tests run as root, where a chmod'ed folder stays writable: a path below a regular file
    # fails for root too (ENOTDIR), the same way a read-only one fails (EROFS) below.
    (tmp_path / "a-file").write_text("")
    result = run(schemas, tmp_path / "a-file" / "out")
    assert refused(result), result.output
    assert "cannot write" in result.output and "Not a directory" in result.output


@pytest.mark.parametrize("failure", [errno.EROFS, errno.ENOSPC], ids=["read-only", "full"])
def test_a_disk_that_refuses_writes_is_a_clear_error_and_a_rerun_recovers(schemas, tmp_path, monkeypatch, failure):
    output = tmp_path / "out"
    real_write = os.write
    calls = []

    def failing_write(descriptor: int, data: bytes) -> int:
        calls.append(descriptor)
        if len(calls) > 3:  # three files fit, the fourth does not
            raise OSError(failure, os.strerror(failure))
        return real_write(descriptor, data)

    monkeypatch.setattr(os, "write", failing_write)
    result = run(schemas, output)
    monkeypatch.setattr(os, "write", real_write)
    assert refused(result), result.output
    assert f"cannot write {output}/" in result.output and os.strerror(failure) in result.output
    assert not [p for p in output.rglob("*.tmp")]  # no half-written temporary file left behind
    assert run(schemas, output).exit_code == 0
    assert run(schemas, output, "--check").exit_code == 0


def test_check_lists_stray_files_of_any_size_and_missing_ones(schemas, tmp_path):
    output = tmp_path / "out"
    assert run(schemas, output).exit_code == 0
    (output / "docs/empty.md").write_text("")
    (output / "blob.bin").write_bytes(bytes(range(256)) * 4096)
    (output / "docs/index.md").unlink()
    result = run(schemas, output, "--check")
    assert result.exit_code == 1, result.output
    stray = result.output.split("does not write (delete or move them):\n", 1)[1].split("\n\n", 1)[0]
    assert stray.split() == [f"{output}/blob.bin", f"{output}/docs/empty.md"]
    missing = result.output.split(f"{MANIFEST} but missing:\n", 1)[1].split("\n\n", 1)[0]
    assert missing.split() == [f"{output}/docs/index.md"]
    assert "1 file(s) differ, 2 stray, 1 missing" in result.output


def test_check_names_a_folder_without_manifest_stale(schemas, tmp_path):
    output = tmp_path / "out"
    assert run(schemas, output).exit_code == 0
    (output / MANIFEST).unlink()
    result = run(schemas, output, "--check")
    assert result.exit_code == 1 and f"+++ {output}/{MANIFEST}" in result.output


def test_without_the_code_generator_generate_says_what_to_install(schemas, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "datamodel_code_generator", None)  # what `import` sees when it is not installed
    for options in ([], ["--check"]):
        result = run(schemas, tmp_path / "out", *options)
        assert refused(result), result.output
        assert "pip install 'capreg[codegen]'" in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("entry", ["../outside.txt", "/etc/hostname", "./docs/index.md"])
def test_a_manifest_cannot_point_outside_its_folder(schemas, tmp_path, entry):
    output = tmp_path / "out"
    assert run(schemas, output).exit_code == 0
    (tmp_path / "outside.txt").write_text("mine\n")
    manifest = json.loads((output / MANIFEST).read_text())
    manifest["files"][entry] = hashlib.sha256(b"mine\n").hexdigest()
    (output / MANIFEST).write_text(json.dumps(manifest))
    result = run(schemas, output)
    assert refused(result) and "is not a manifest written by capreg generate" in result.output
    assert (tmp_path / "outside.txt").read_text() == "mine\n"
