"""The `[tool.capreg]` table of the nearest pyproject.toml: a project's capreg settings.

The nearest pyproject.toml above a folder is the project's, whether or not it has the
table: capreg never reads a settings file of a project the folder is not part of."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from registry.base.errors import ConfigError


def nearest(start: Path) -> Path | None:
    """The pyproject.toml in `start` or the closest folder above it."""
    for directory in (start.resolve(), *start.resolve().parents):
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file():
            return pyproject
    return None


def capreg_table(pyproject: Path) -> dict[str, Any]:
    """Its `[tool.capreg]` table, empty when it has none. Read once while the file stays as
    it is: a run asks for it for the trees, the built-in tree and the settings."""
    try:
        status = pyproject.stat()
    except OSError as exc:
        raise ConfigError(f"{pyproject}: cannot read [tool.capreg]: {exc}") from None
    version = (status.st_mtime_ns, status.st_size)
    known = _READ.get(pyproject)
    if known is not None and known[0] == version:
        return known[1]
    table = _read_table(pyproject)
    _READ[pyproject] = (version, table)
    return table


# pyproject.toml -> ((mtime_ns, size) when read, its table)
_READ: dict[Path, tuple[tuple[int, int], dict[str, Any]]] = {}


def _read_table(pyproject: Path) -> dict[str, Any]:
    import tomllib  # only where there is a pyproject.toml: `capreg validate` elsewhere never pays for it

    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{pyproject}: cannot read [tool.capreg]: {exc}") from None
    table = data.get("tool", {}).get("capreg", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{pyproject}: [tool.capreg] must be a table")
    return table
