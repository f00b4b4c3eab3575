from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

import registry
from registry.schema.jsonformat import format_json
from registry.schema.tree import Registry

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# The load cache of the whole session, the commands the tests run included: never the real home's.
SESSION_CACHE = tempfile.mkdtemp(prefix="capreg-test-cache-")
os.environ["CAPREG_CACHE_DIR"] = SESSION_CACHE
os.environ.pop("CAPREG_CACHE", None)


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(SESSION_CACHE, ignore_errors=True)


@pytest.fixture(scope="session")
def real() -> Registry:
    return registry.default_registry()


def example(path: str) -> dict:
    """A bundled example payload: `runware/lipsync-2/valid/minimal.json`."""
    return json.loads((ROOT / "examples" / path).read_text(encoding="utf-8"))


def example_offering(path: Path) -> str:
    """The offering of a bundled example: examples/<provider>/<offering>/<verdict>/<file>."""
    return f"{path.parts[-4]}/{path.parts[-3]}"


def toy_tree_copy(tmp_path: Path) -> Path:
    """A copy of the toy tree (tests/fixtures/registry) to edit: its folder."""
    root = tmp_path / "schemas"
    shutil.copytree(FIXTURES / "registry", root)
    return root


@pytest.fixture
def tree(tmp_path) -> Path:
    """A copy of the toy tree to edit."""
    return toy_tree_copy(tmp_path)


def rewrite(path: Path, change) -> None:
    """Change a schema file in place (`change` edits its parsed document), written back in
    the one schema format."""
    document = json.loads(path.read_text())
    change(document)
    path.write_text(format_json(document))


@pytest.fixture(scope="session")
def toy() -> Registry:
    """A small tree that uses every rule keyword once, independent of the provider facts."""
    return registry.load(FIXTURES / "registry")


@pytest.fixture
def tree_alone_as_default(monkeypatch):
    """`use(root)` makes a tree, alone (CAPREG_BUILTIN=0), the default registry, which the
    CLI and `registry.validate()` use, as a user of their own tree would."""
    from registry.validation import validate as validation

    def use(root):
        monkeypatch.setenv("CAPREG_SCHEMAS", str(root))
        monkeypatch.setenv("CAPREG_BUILTIN", "0")
        validation.default_registry.cache_clear()

    yield use
    validation.default_registry.cache_clear()


@pytest.fixture
def toy_as_default(tree_alone_as_default):
    """The toy tree alone as the default registry."""
    tree_alone_as_default(FIXTURES / "registry")
