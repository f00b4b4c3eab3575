"""Checks of the schema files themselves, beyond what loading needs: the Draft 2020-12
meta-schema, capreg's own meta-schema (schemas/meta/offering.schema.json), and the
cross-file facts a meta-schema cannot see (known concepts, properties of a known concept
left untagged, cited sources, unique titles).

Loading stays cheap (no JSON Schema engine); `capreg lint` and the test suite run these.
"""

from __future__ import annotations

from registry.schema.index import index_of
from registry.schema.jsonformat import format_json
from registry.schema.sources import source_problems
from registry.schema.tree import BASE_URI, COMMON_DIR, META_DIR, Registry

OFFERING_META = f"{BASE_URI}{META_DIR}/offering.schema.json"


def lint(registry: Registry) -> list[str]:
    """Every problem found, as `path: message` lines; empty when the tree is clean."""
    from jsonschema import Draft202012Validator

    problems: list[str] = []
    meta = registry.documents.get(OFFERING_META)
    if meta is None:
        return [f"{META_DIR}/offering.schema.json: missing"]
    offering_check = Draft202012Validator(meta)
    common_check = Draft202012Validator({**meta["$defs"]["common"], "$defs": meta["$defs"]})

    for uri, document in registry.documents.items():
        relative = uri[len(BASE_URI):]
        if relative.startswith(f"{META_DIR}/"):
            continue
        for error in Draft202012Validator(Draft202012Validator.META_SCHEMA).iter_errors(document):
            problems.append(f"{relative}: not a Draft 2020-12 schema: {error.message} at {error.json_path}")
        check = common_check if relative.startswith(f"{COMMON_DIR}/") else offering_check
        for error in check.iter_errors(document):
            problems.append(f"{relative}: {error.message} at {error.json_path}")

    from registry.tools.compare import tag_problems, vocabulary

    if vocabulary(registry).names:  # a tree whose vocabulary lists the names that carry each concept
        problems += [problem.message for problem in tag_problems(registry)]
    titles: dict[str, str] = {}
    for offering in registry.offerings.values():
        if offering.title in titles:
            problems.append(f"{offering.path}: title {offering.title!r} is also used by {titles[offering.title]}")
        titles[offering.title] = offering.path
        for parameter in index_of(registry, offering.id).parameters:
            concept = parameter.concept
            if concept is not None and concept not in registry.concepts:
                problems.append(f"{offering.path}: {parameter.pattern}: unknown concept {concept!r} "
                                f"(known: {', '.join(sorted(registry.concepts))})")
    problems += source_problems(registry)
    problems += _format_problems(registry)
    return problems


def _format_problems(registry: Registry) -> list[str]:
    """Files not written in the one format (registry/schema/jsonformat.py)."""
    problems = []
    for uri, document in registry.documents.items():
        relative = uri[len(BASE_URI):]
        try:
            written = (registry.root / relative).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # a file that cannot be read again is not a format problem; loading read it
        if written != format_json(document):
            problems.append(f"{relative}: not in the schema file format; `capreg fmt` rewrites it")
    return problems
