"""Checks of the schema files themselves, beyond what loading needs: the Draft 2020-12
meta-schema, capreg's own meta-schema (schemas/meta/offering.schema.json), and the
cross-file facts a meta-schema cannot see (known concepts, properties of a known concept
left untagged, cited sources, unique titles).

Loading stays cheap (no JSON Schema engine); `capreg lint` and the test suite run these.
"""

from __future__ import annotations

from typing import Any

from .index import index_of
from .loading import BASE_URI, COMMON_DIR, META_DIR, Registry

OFFERING_META = f"{BASE_URI}{META_DIR}/offering.schema.json"


def lint(registry: Registry) -> list[str]:
    """Every problem found, as `path: message` lines; empty when the tree is clean. The
    files that cannot be used at all (`registry.problems`, which disable their offerings)
    come first, and are not checked further."""
    from jsonschema import Draft202012Validator

    problems = [str(error) for error in registry.problems.values()]
    meta = registry.documents.get(OFFERING_META)
    if meta is None:
        return [*problems, f"{META_DIR}/offering.schema.json: missing"]
    offering_check = Draft202012Validator(meta)
    subschema_check = Draft202012Validator({**meta["$defs"]["subschema"], "$defs": meta["$defs"]})

    for uri, document in registry.documents.items():
        relative = uri[len(BASE_URI):]
        if relative.startswith(f"{META_DIR}/") or relative in registry.problems:
            continue
        for error in Draft202012Validator(Draft202012Validator.META_SCHEMA).iter_errors(document):
            problems.append(f"{relative}: not a Draft 2020-12 schema: {error.message} at {error.json_path}")
        check = subschema_check if relative.startswith(f"{COMMON_DIR}/") else offering_check
        for error in check.iter_errors(document):
            problems.append(f"{relative}: {error.message} at {error.json_path}")

    from .comparison import tag_problems, vocabulary

    if vocabulary(registry).names:  # a tree whose vocabulary lists the names that carry each concept
        problems += [problem.message for problem in tag_problems(registry)]
    titles: dict[str, str] = {}
    for offering in registry.offerings.values():
        if offering.title in titles:
            problems.append(f"{offering.path}: title {offering.title!r} is also used by {titles[offering.title]}")
        titles[offering.title] = offering.path
        sources = offering.sources
        for parameter in index_of(registry, offering.id).parameters:
            concept = parameter.concept
            if concept is not None and concept not in registry.concepts:
                problems.append(f"{offering.path}: {parameter.pattern}: unknown concept {concept!r} "
                                f"(known: {', '.join(sorted(registry.concepts))})")
            for key in _source_keys(parameter.facts):
                if key not in sources:
                    problems.append(f"{offering.path}: {parameter.pattern}: cites {key!r}, not in x-sources")
    return problems


def _source_keys(facts: dict[str, Any]) -> list[str]:
    keys = facts.get("x-source", [])
    return [k for k in keys if isinstance(k, str)] if isinstance(keys, list) else []
