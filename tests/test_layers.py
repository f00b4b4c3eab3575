"""The layers of DESIGN.md hold: nothing imports upward, no import cycles, and only the
commands (registry/cli/) import click. `lint-imports` checks the contracts of pyproject.toml;
the tests that break a copy of the package show that the contracts would catch it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """`lint-imports` with the contracts of root/pyproject.toml, on the `registry` found in root."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=root, env=env, capture_output=True, text=True)


def test_the_import_contracts_hold():
    done = lint_imports(ROOT)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout


@pytest.fixture
def package_copy(tmp_path):
    shutil.copytree(ROOT / "registry", tmp_path / "registry", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def _add_import(module: Path, statement: str) -> None:
    module.write_text(module.read_text(encoding="utf-8") + f"\n{statement}\n", encoding="utf-8")


def test_an_upward_import_breaks_the_layers(package_copy):
    _add_import(package_copy / "registry/base/text.py", "from registry.validation import validate")
    done = lint_imports(package_copy)
    assert done.returncode == 1
    assert "registry.base is not allowed to import registry.validation" in done.stdout


def test_a_cycle_inside_a_layer_breaks_the_no_cycle_contract(package_copy):
    _add_import(package_copy / "registry/tools/compare.py", "import registry.tools.translate")  # translate imports compare
    done = lint_imports(package_copy)
    assert done.returncode == 1
    assert re.search(r"No import cycles between sibling modules or packages BROKEN", done.stdout)


def test_click_outside_the_commands_breaks_the_contract(package_copy):
    _add_import(package_copy / "registry/report/reporters.py", "import click")
    done = lint_imports(package_copy)
    assert done.returncode == 1
    assert "registry.report is not allowed to import click" in done.stdout


def test_only_the_commands_import_click():
    importers = {path.relative_to(ROOT).as_posix() for path in (ROOT / "registry").rglob("*.py")
                 if re.search(r"^\s*(import click|from click\b)", path.read_text(encoding="utf-8"), re.MULTILINE)}
    outside = {name for name in importers if not name.startswith("registry/cli/")}
    assert outside == set()


@pytest.mark.parametrize("module", ["registry.tools.translate", "registry.tools.compare", "registry.tools.breaking",
                                    "registry.tools.plan", "registry.tools.lint", "registry.report.reporters"])
def test_the_tools_load_without_click(module):
    done = subprocess.run([sys.executable, "-c", f"import sys, {module}; print('click' in sys.modules)"],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.stdout.strip() == "False", done.stderr
