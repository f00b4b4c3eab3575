"""Generated typed clients and docs: snapshots, staleness, imports, agreement with the validator."""

from __future__ import annotations

import difflib
import importlib
import json
import os
import shutil
import subprocess
import sys
import venv

import pydantic
import pytest
from click.testing import CliRunner
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

import registry
from registry.codegen import clients as codegen
from registry.codegen import docs
from registry.codegen import generate
from registry.io import payloads
from registry.cli import main

from .conftest import ROOT, example_offering
from .test_examples import _cases


class PythonSnapshot(SingleFileSnapshotExtension):
    """Snapshots stored as reviewable .py files."""

    _write_mode = WriteMode.TEXT
    file_extension = "py"


class MarkdownSnapshot(SingleFileSnapshotExtension):
    _write_mode = WriteMode.TEXT
    file_extension = "md"


@pytest.mark.parametrize("offering_id", ["sync/toy", "fal/toy"], ids=["sync", "fal"])
def test_client_snapshot(toy, snapshot, offering_id):
    code = codegen.client_module(toy, toy.offering(offering_id))
    assert code == snapshot(extension_class=PythonSnapshot)


@pytest.mark.parametrize("page", ["docs/index.md", "docs/rules.md", "docs/offerings/sync/toy.md", "docs/models/toy.md"],
                         ids=["index", "rules", "offering", "model"])
def test_docs_snapshot(toy, snapshot, page):
    assert docs.pages(toy)[page] == snapshot(extension_class=MarkdownSnapshot)


def test_generate_check_passes_on_the_committed_output():
    result = CliRunner().invoke(main, ["generate", "--check"])
    assert result.exit_code == 0, "generated/ is stale; run `capreg generate`\n" + result.output[:4000]


def test_generate_check_shows_a_diff_and_generate_repairs_it(tmp_path):
    output = tmp_path / "generated"
    assert CliRunner().invoke(main, ["generate", "--output", str(output)]).exit_code == 0
    client = output / "clients/replicate/lipsync_2.py"
    client.write_text(client.read_text().replace('"loop"', '"bounce"', 1))
    (output / "docs/stray.md").write_text("left over\n")
    stale = CliRunner().invoke(main, ["generate", "--check", "--output", str(output)])
    assert stale.exit_code == 1
    assert f"--- {output}/clients/replicate/lipsync_2.py" in stale.output
    lines = stale.output.splitlines()
    assert any(line.startswith("-") and '"bounce"' in line for line in lines)  # the hand edit, undone
    assert any(line.startswith("+") and '"loop"' in line for line in lines)
    assert f"  {output}/docs/stray.md\n" in stale.output  # named, never read nor deleted: capreg did not write it
    client.unlink()  # generate replaces no hand edit: its author discards it
    repaired = CliRunner().invoke(main, ["generate", "--output", str(output)])
    assert f"wrote {output}/clients/replicate/lipsync_2.py" in repaired.output and "removed" not in repaired.output
    assert (output / "docs/stray.md").read_text() == "left over\n"
    (output / "docs/stray.md").unlink()
    assert CliRunner().invoke(main, ["generate", "--check", "--output", str(output)]).exit_code == 0


def test_generation_is_reproducible(real):
    assert generate.outputs(real) == generate.outputs(registry.load())


def test_changing_one_default_changes_exactly_the_affected_lines(tmp_path):
    schemas = tmp_path / "schemas"
    shutil.copytree(ROOT / "schemas", schemas)
    path = schemas / "replicate" / "lipsync-2.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    assert schema["properties"]["temperature"]["default"] == 0.5
    before = generate.outputs(registry.load(schemas))
    schema["properties"]["temperature"]["default"] = 0.6
    path.write_text(json.dumps(schema, indent=2), encoding="utf-8")
    after = generate.outputs(registry.load(schemas))

    changed = {name for name in before if before[name] != after[name]}
    # The editor schemas of the lipsync-2 offerings with a temperature state the other defaults, and
    # registry.json holds every parameter: they change with it (their lines are JSON).
    data = {name for name in changed if name.startswith("editor/") or name == "registry.json"}
    assert {name for name in data if name.startswith("editor/")} == {
        f"editor/{flavour}{o}/lipsync-2.json" for flavour in ("", "draft-07/")
        for o in ("replicate", "runware", "scenario", "sync")}  # fal has no temperature
    assert changed - data == {"clients/replicate/lipsync_2.py", "docs/offerings/replicate/lipsync-2.md",
                              "docs/models/lipsync-2.md"}
    for name in changed - data:
        diff = difflib.unified_diff(before[name].splitlines(), after[name].splitlines(), lineterm="", n=0)
        lines = [line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")]
        # A client of a tree of one's own also carries a copy of its schema: there the default's own line changes.
        copied = [line for line in lines if line.strip("+- ") in ("'default': 0.5,", "'default': 0.6,")]
        assert all("temperature" in line for line in lines if line not in copied), (name, lines)
        assert len(copied) == (2 if name.startswith("clients/") else 0), (name, lines)
        assert any(line.startswith("+") and "0.6" in line for line in lines), (name, lines)


def test_every_client_module_imports_with_its_root_model(real):
    for offering in real.offerings.values():
        module = importlib.import_module(codegen.import_path(offering))
        model = getattr(module, codegen.class_name(offering))
        assert issubclass(model, registry.typed.RequestModel)
        assert model.offering == offering.id


def _client_accepts(offering_id: str, payload: object) -> bool:
    offering = registry.default_registry().offering(offering_id)
    model = getattr(importlib.import_module(codegen.import_path(offering)), codegen.class_name(offering))
    try:
        model.model_validate(payload)
    except pydantic.ValidationError:
        return False
    return True


@pytest.mark.parametrize("path", _cases("valid") + _cases("invalid"), ids=lambda p: str(p.relative_to(ROOT / "examples")))
def test_client_and_validator_agree(real, path):
    (payload,) = list(payloads.read(str(path)))
    verdict = registry.validate(payload.value, example_offering(path), registry=real).ok
    assert _client_accepts(example_offering(path), payload.value) == verdict


def test_a_client_enforces_the_cross_field_rules():
    from registry.clients.runware.lipsync_2 import RunwareLipsync2Request

    payload = json.loads((ROOT / "examples/runware/lipsync-2/valid/seed-001-lipsync-2-segments.json").read_text())
    task = RunwareLipsync2Request.model_validate(payload)
    assert task.to_payload() == payload
    payload["providerSettings"]["sync"]["segments"][1]["ref"] = "part-3"
    with pytest.raises(pydantic.ValidationError, match=r"\[ref-unknown\] /providerSettings/sync/segments/1/ref"):
        RunwareLipsync2Request.model_validate(payload)


def test_the_wheel_installs_and_imports_in_a_fresh_environment(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(wheels), str(ROOT)],
                   check=True, capture_output=True)
    (wheel,) = wheels.glob("capreg-*.whl")
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(wheel)], check=True, capture_output=True)
    probe = (
        "import json, registry\n"
        "from registry.clients.runware.lipsync_2 import RunwareLipsync2Request\n"
        "from registry.clients.fal.sync_3 import FalSync3Request\n"
        "payload = json.load(open('payload.json'))\n"
        "report = registry.validate(payload)\n"
        "RunwareLipsync2Request.model_validate(payload)\n"
        "print(json.dumps({'ok': report.ok, 'offering': report.offering, 'file': registry.__file__,"
        " 'offerings': len(registry.default_registry().offerings)}))\n"
    )
    shutil.copy(ROOT / "examples/runware/lipsync-2/valid/seed-001-lipsync-2-audio.json", tmp_path / "payload.json")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "CAPREG_SCHEMAS", "CAPREG_BUILTIN")}
    done = subprocess.run([str(python), "-c", probe], cwd=tmp_path, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["ok"] and result["offering"] == "runware/lipsync-2"
    assert "site-packages" in result["file"]
    assert result["offerings"] == len(registry.default_registry().offerings)

    # `capreg generate`: without the codegen extra, what to install; with it, the output goes
    # beside the user (never into site-packages) and every path printed opens from there.
    capreg, project = env_dir / "bin" / "capreg", tmp_path / "project"
    project.mkdir()
    bare = subprocess.run([str(capreg), "generate"], cwd=project, capture_output=True, text=True, env=env)
    assert bare.returncode == 2 and "pip install 'capreg[codegen]'" in bare.stderr, bare.stderr
    assert "Traceback" not in bare.stderr
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", f"{wheel}[codegen]"], check=True, capture_output=True)
    made = subprocess.run([str(capreg), "generate"], cwd=project, capture_output=True, text=True, env=env)
    assert made.returncode == 0, made.stderr
    assert "wrote generated/clients/runware/lipsync_2.py" in made.stdout.splitlines()
    assert (project / "generated/clients/runware/lipsync_2.py").is_file()
    assert not list(env_dir.glob("lib/*/site-packages/generated"))
    check = subprocess.run([str(capreg), "generate", "--check"], cwd=project, capture_output=True, text=True, env=env)
    assert check.returncode == 0, check.stdout[-2000:] + check.stderr
