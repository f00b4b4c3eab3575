"""Where a schema file's facts come from.

A file defines, in its root `x-sources`, the sources its own `x-source` lists cite that no
file it references defines already: the shared definitions in common/ define what they
cite, and an offering relies on those as well as on its own. So every citation is written
once, and an offering's sources are its own and those of every file it reaches by `$ref`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any
from urllib.parse import urldefrag, urljoin

from registry.base.catalog import rule
from registry.base.findings import Finding
from registry.schema.tree import Registry, derived, subschemas


def sources_of(registry: Registry, uri: str) -> dict[str, str]:
    """The sources a document relies on: its own `x-sources`, then those its `$ref`s reach
    and the reached definitions cite (a shared file's other citations are not its sources)."""
    return dict(_citations(registry, uri)[0])


@derived
def _citations(registry: Registry, uri: str) -> tuple[Mapping[str, str], re.Pattern[str] | None]:
    """The document's sources (read-only) and the pattern of their keys, worked out once:
    an offering cites them in the note of every parameter it ignores."""
    sources = _sources(registry, uri)
    if not sources:
        return MappingProxyType(sources), None
    keys = re.compile(r"\b(" + "|".join(re.escape(k) for k in sorted(sources, key=len, reverse=True)) + r")\b")
    return MappingProxyType(sources), keys


def _sources(registry: Registry, uri: str) -> dict[str, str]:
    own = _defined(registry.documents[uri])
    cited = _cited_through_refs(registry, uri)
    found = dict(own)
    for document_uri in _reached(registry, uri)[1:]:
        found.update({k: v for k, v in _defined(registry.documents[document_uri]).items()
                      if k in cited and k not in found})
    return found


_URL = r"https?://[^\s,;()]+"
_STORED_COPY = r"stored copy of ([\w.-]+)"  # both compiled by `re` on first use


def openable(registry: Registry, uri: str, text: str) -> str:
    """`text` with each source key it cites (`seed-003`, `S5d`) replaced by what a user can
    open: the URL of the source, or its title when it has none. A key means nothing outside
    the schema file, and some name stored copies that do not ship with capreg."""
    sources, keys = _citations(registry, uri)
    if keys is None:
        return text

    def cited(match: re.Match[str]) -> str:
        run = [k for k in re.split(r"[/,; ]+", match.group(0).replace("–", " ")) if k]
        if "–" in match.group(0):  # a range, `S1–S3`: the keys defined between its ends too
            run = list(sources)[list(sources).index(run[0]):list(sources).index(run[-1]) + 1] or run
        return ", ".join(dict.fromkeys(_where(sources, k) for k in run))

    # A run of keys joined by `/`, `, ` or a range dash (`seed-003/S5d`, `S1–S3`) becomes one list.
    return re.sub(rf"{keys.pattern}(?:\s*[/,–]\s*{keys.pattern})*", cited, text)


def _where(sources: Mapping[str, str], key: str, seen: frozenset[str] = frozenset()) -> str:
    citation = sources.get(key, key)
    copy = re.search(_STORED_COPY, citation)
    if copy and copy.group(1) in sources and copy.group(1) not in seen:
        return _where(sources, copy.group(1), seen | {key})
    url = re.search(_URL, citation)
    if url:
        return url.group(0).rstrip(".")
    # `seeds/003_….txt — sync.so Lipsync models page (…)`: a stored copy that does not ship; its title does
    title = citation.split(" — ", 1)[1] if " — " in citation and "/" in citation.split(" — ", 1)[0] else citation
    return title.split(" (", 1)[0]


def source_problems(registry: Registry) -> list[Finding]:
    """Citations that resolve to no source, and sources defined again in a file already reached."""
    problems: list[Finding] = []
    for uri in registry.documents:
        relative = registry.file_name(uri)
        reached = _reached(registry, uri)
        available = {k for other in reached for k in _defined(registry.documents[other])}
        own = _defined(registry.documents[uri])
        for key in sorted(own):
            elsewhere = [registry.file_name(other) for other in reached[1:] if key in _defined(registry.documents[other])]
            if elsewhere:
                problems.append(rule("source-defined-twice").finding("", file=relative, key=repr(key),
                                                                     elsewhere=", ".join(elsewhere)))
        for key in sorted(_cited(registry.documents[uri]) - available):
            problems.append(rule("source-undefined").finding("", file=relative, key=repr(key)))
    return problems


def _reached(registry: Registry, uri: str) -> list[str]:
    """The document and every document its `$ref`s reach, the document first."""
    order, pending = [], [uri]
    while pending:
        current = pending.pop(0)
        if current in order:
            continue
        order.append(current)
        for schema in subschemas(registry.documents[current]):
            if isinstance(schema.get("$ref"), str):
                pending.append(urldefrag(urljoin(current, schema["$ref"]))[0])
    return order


def _cited_through_refs(registry: Registry, uri: str) -> set[str]:
    """The source keys cited by a document and by every definition its `$ref`s reach."""
    cited: set[str] = set()
    seen: set[int] = set()
    pending: list[tuple[Any, str]] = [(registry.documents[uri], uri)]
    while pending:
        node, base = pending.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        cited |= _cited(node)
        for schema in subschemas(node):
            if isinstance(schema.get("$ref"), str):
                target_uri, target = registry.resolve(base, schema["$ref"])
                pending.append((target, urldefrag(target_uri)[0]))
    return cited


def _defined(document: Any) -> dict[str, str]:
    sources = document.get("x-sources") if isinstance(document, dict) else None
    return sources if isinstance(sources, dict) else {}


def _cited(document: Any) -> set[str]:
    return {key for schema in subschemas(document) if isinstance(schema.get("x-source"), list)
            for key in schema["x-source"] if isinstance(key, str)}

