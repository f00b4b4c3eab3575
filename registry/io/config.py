"""`[tool.capreg]` in the nearest pyproject.toml: which offering a payload file is for.

    [tool.capreg.offerings]
    "payloads/runware/**" = "runware/lipsync-2"
    "examples/{provider}/{model}/**" = "{provider}/{model}"

Keys are globs over the file's path relative to the pyproject.toml (`*` within a segment,
`**` across segments); `{name}` matches one path segment and may be used in the value.
The first matching key wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from registry.base.errors import ConfigError
from registry.base.pyproject import capreg_table, nearest


@dataclass(frozen=True, slots=True)
class OfferingMap:
    base: Path
    rules: tuple[tuple[re.Pattern[str], str], ...]
    entries: tuple[tuple[str, str], ...] = ()  # the table as written: glob -> offering template

    def offering_for(self, file: str) -> str | None:
        try:
            relative = Path(file).resolve().relative_to(self.base).as_posix()
        except ValueError:
            return None
        for pattern, template in self.rules:
            match = pattern.fullmatch(relative)
            if match:
                return template.format(**match.groupdict())
        return None


def find_offering_map(start: Path) -> OfferingMap | None:
    pyproject = nearest(start)
    return None if pyproject is None else _read(pyproject)


def _read(pyproject: Path) -> OfferingMap | None:
    table = capreg_table(pyproject).get("offerings")
    if table is None:
        return None
    if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
        raise ConfigError(f"{pyproject}: [tool.capreg.offerings] must map glob strings to offering ids")
    return OfferingMap(pyproject.parent.resolve(), tuple((_compile(glob), value) for glob, value in table.items()),
                       tuple(table.items()))


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
