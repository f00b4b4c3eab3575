"""`[tool.capreg]` in the nearest pyproject.toml: which offering a payload file is for, and
which rules `capreg validate` reports.

    [tool.capreg]
    ignore = ["implicit-default"]          # or select = [...]: report only these
    [tool.capreg.offerings]
    "payloads/runware/**" = "runware/lipsync-2"
    "examples/{provider}/{model}/**" = "{provider}/{model}"

Keys are globs over the file's path relative to the pyproject.toml (`*` within a segment,
`**` across segments); `{name}` matches one path segment and may be used in the value.
The first matching key wins. Any other key under `[tool.capreg]` is an error: a misspelt
key would otherwise be silently without effect.
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path

from registry.base.errors import ConfigError
from registry.base.frozen import record
from registry.base.pyproject import capreg_table, nearest
from registry.base.suggest import closest

# Every key `[tool.capreg]` may hold (`schemas` and `builtin`: the trees laid over one another,
# read by registry.schema.tree).
KEYS = ("offerings", "select", "ignore", "schemas", "builtin")


@record
class OfferingMap:
    base: Path
    rules: tuple[tuple[re.Pattern[str], str], ...]
    file: Path  # the pyproject.toml it was read from, for messages
    entries: tuple[tuple[str, str], ...] = ()  # the table as written: glob -> offering template

    def offering_for(self, file: str) -> str | None:
        try:
            relative = _resolved(file).relative_to(self.base).as_posix()
        except ValueError:
            return None
        for pattern, template in self.rules:
            match = pattern.fullmatch(relative)
            if match:
                return template.format(**match.groupdict())
        return None


@record
class Config:
    """`[tool.capreg]` of one pyproject.toml."""

    file: Path
    offerings: OfferingMap | None = None
    select: tuple[str, ...] | None = None  # rule ids or families to report; None: all
    ignore: tuple[str, ...] = ()  # rule ids or families not to report


def _resolved(file: str) -> Path:
    """Path(file).resolve(), resolving each folder once: pre-commit and CI pass thousands of
    files from a few folders, and resolving walks every component of the path."""
    folder, name = os.path.split(os.path.abspath(file))
    # `..` after a symbolic link leads out of the link's target, which abspath cannot know
    if ".." in Path(file).parts or name in ("", ".") or os.path.islink(file):
        return Path(file).resolve()
    return _resolved_folder(folder) / name


@functools.lru_cache(maxsize=256)
def _resolved_folder(folder: str) -> Path:
    return Path(folder).resolve()


def find_config(start: Path) -> Config | None:
    """`[tool.capreg]` of the nearest pyproject.toml, or None when there is none."""
    pyproject = nearest(start)
    return None if pyproject is None else _read(pyproject)


def find_offering_map(start: Path) -> OfferingMap | None:
    config = find_config(start)
    return config.offerings if config else None


def _read(pyproject: Path) -> Config:
    settings = capreg_table(pyproject)
    for key in settings:
        if key not in KEYS:
            suggestion = closest(key, KEYS)
            known = f"did you mean {suggestion!r}?" if suggestion else f"known keys: {', '.join(KEYS)}"
            raise ConfigError(f"{pyproject}: [tool.capreg] has an unknown key {key!r}; {known}")
    return Config(pyproject, _offering_map(pyproject, settings.get("offerings")),
                  _names(pyproject, "select", settings.get("select")), _names(pyproject, "ignore", settings.get("ignore")) or ())


def _offering_map(pyproject: Path, table: object) -> OfferingMap | None:
    if table is None:
        return None
    if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
        raise ConfigError(f"{pyproject}: [tool.capreg.offerings] must map glob strings to offering ids")
    return OfferingMap(pyproject.parent.resolve(), tuple((_compile(glob), value) for glob, value in table.items()),
                       pyproject, tuple(table.items()))


def _names(pyproject: Path, key: str, value: object) -> tuple[str, ...] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{pyproject}: [tool.capreg] {key} must be a list of rule ids")
    return tuple(value)


def _compile(glob: str) -> re.Pattern[str]:
    parts = re.split(r"(\*\*/?|\*|\?|\{[A-Za-z_][A-Za-z0-9_]*\})", glob)
    regex = []
    for part in parts:
        if part in ("**", "**/"):
            regex.append("(?:.*/)?" if part == "**/" else ".*")
        elif part == "*":
            regex.append("[^/]*")
        elif part == "?":
            regex.append("[^/]")
        elif part.startswith("{") and part.endswith("}"):
            regex.append(f"(?P<{part[1:-1]}>[^/]+)")
        else:
            regex.append(re.escape(part))
    return re.compile("".join(regex))
