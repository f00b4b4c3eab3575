"""`.vscode/settings.json`: the editor schemas associated with the payload files that the
`[tool.capreg.offerings]` mapping names, for VS Code's JSON service (`json.schemas`, the
Draft 2020-12 flavour) and yaml-language-server (`yaml.schemas`, the draft-07 flavour).

Merging only adds: a file pattern missing from capreg's entry for a schema, or the entry
itself. Nothing of the user's is dropped or reordered, so running it again changes nothing.
A settings file with comments (VS Code allows them) is not rewritten, since rewriting it
would lose them: the caller gets the entries to paste instead.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from registry.base.errors import ConfigError
from registry.io.modeline import editor_schema_path

SETTINGS = ".vscode/settings.json"
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True, slots=True)
class Association:
    """The workspace file patterns of one offering's payloads."""

    offering: str
    patterns: tuple[str, ...]


def associations(entries: Iterable[tuple[str, str]], offerings: Iterable[str]) -> list[Association]:
    """Each offering's patterns from the mapping's (glob, offering template) entries: a
    `{name}` bound by the offering id is filled in, any other becomes `*`. Patterns are
    anchored at the workspace folder (a leading `/`), as both services read them."""
    found: dict[str, list[str]] = {}
    known = list(offerings)
    for glob, template in entries:
        for offering in known:
            bound = _bindings(template, offering)
            if bound is None:
                continue
            pattern = _PLACEHOLDER.sub(lambda m: bound.get(m[1], "*"), glob)
            patterns = found.setdefault(offering, [])
            if "/" + pattern.lstrip("/") not in patterns:
                patterns.append("/" + pattern.lstrip("/"))
    return [Association(offering, tuple(patterns)) for offering, patterns in sorted(found.items())]


def _bindings(template: str, offering: str) -> dict[str, str] | None:
    """The placeholder values that make `template` the offering id; None when none do."""
    pieces = _PLACEHOLDER.split(template)
    regex = "".join(re.escape(piece) if n % 2 == 0 else f"(?P<{piece}>[^/]+)" for n, piece in enumerate(pieces))
    try:
        match = re.fullmatch(regex, offering)
    except re.error:  # a placeholder used twice: not a template capreg's mapping can fill
        return None
    return match.groupdict() if match else None


def wanted(found: Iterable[Association], generated: str) -> dict[str, Any]:
    """The entries capreg wants: `generated` is the generated/ folder relative to the workspace."""
    base = PurePosixPath(generated)
    json_schemas = [{"fileMatch": list(a.patterns), "url": f"./{base / editor_schema_path(a.offering)}"}
                    for a in found]
    yaml_schemas = {f"./{base / editor_schema_path(a.offering, draft_07=True)}": list(a.patterns) for a in found}
    return {"json.schemas": json_schemas, "yaml.schemas": yaml_schemas}


def parse(text: str, where: str) -> dict[str, Any]:
    """The settings, from strict JSON; ConfigError for anything capreg cannot rewrite
    without loss (comments, trailing commas) or that is not a settings object."""
    if not text.strip():
        return {}
    try:
        settings = json.loads(text)
    except ValueError as exc:
        raise ConfigError(f"{where} is not plain JSON ({exc}); VS Code allows comments there, but capreg "
                          "would drop them by rewriting it: add the entries below yourself") from None
    if not isinstance(settings, dict):
        raise ConfigError(f"{where} does not hold a JSON object")
    for key, kind in (("json.schemas", list), ("yaml.schemas", dict)):
        if key in settings and not isinstance(settings[key], kind):
            raise ConfigError(f"{where}: `{key}` must be {'an array' if kind is list else 'an object'}")
    return settings


def merged(settings: Mapping[str, Any], want: Mapping[str, Any]) -> dict[str, Any]:
    """`settings` with every wanted entry present; nothing removed, nothing reordered."""
    result = json.loads(json.dumps(settings))  # a deep copy: the caller's value is left alone
    schemas = result.setdefault("json.schemas", [])
    for entry in want["json.schemas"]:
        mine = next((e for e in schemas if isinstance(e, dict) and e.get("url") == entry["url"]), None)
        if mine is None:
            schemas.append(entry)
            continue
        patterns = mine.setdefault("fileMatch", [])
        if isinstance(patterns, list):
            patterns.extend(p for p in entry["fileMatch"] if p not in patterns)
    yaml_schemas = result.setdefault("yaml.schemas", {})
    for url, patterns in want["yaml.schemas"].items():
        present = yaml_schemas.get(url)
        listed = [present] if isinstance(present, str) else list(present) if isinstance(present, list) else []
        extra = [p for p in patterns if p not in listed]
        if present is None or extra:
            yaml_schemas[url] = listed + extra
    return result


def render(settings: Mapping[str, Any]) -> str:
    """As VS Code writes its settings: four spaces, non-ASCII kept."""
    return json.dumps(settings, indent=4, ensure_ascii=False) + "\n"
