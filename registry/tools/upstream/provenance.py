"""An offering's `x-upstream`, for people: which provider documents it was last checked
against and the differences from them it accepts. `capreg show` and the docs print it."""

from __future__ import annotations

from typing import Any


def upstream_lines(recorded: Any) -> list[str]:
    """One line per document checked and per acknowledged difference; none without x-upstream."""
    if not isinstance(recorded, dict):
        return []
    lines = []
    for document in recorded.get("documents", ()):
        identity = "".join(f", {key} {document[key]}" for key in ("version", "updated_at") if key in document)
        lines.append(f"checked {document['checked']} against {document['url']}{identity} (sha256 {document['sha256']})")
    for entry in recorded.get("acknowledged", ()):
        scope = f" (in {entry['url']})" if "url" in entry else ""
        lines.append(f"accepted difference {entry['rule']} at {entry['pointer'] or '(payload)'}{scope}: {entry['reason']}")
    return lines
