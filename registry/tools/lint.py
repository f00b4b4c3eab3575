"""Checks of the schema files themselves, beyond what loading needs: the Draft 2020-12
meta-schema, capreg's own meta-schema (schemas/meta/offering.schema.json with the argument
schema of every x- rule keyword: `offering_meta_schema`, the same for every tree), and the
cross-file facts a meta-schema cannot see (known concepts, properties of a known concept
left untagged, cited sources, unique titles).

Loading stays cheap (no JSON Schema engine); `capreg lint` and the test suite run these.
Each problem is a finding of the `lint` family of the catalog; `ctx["file"]` is the schema
file (relative to the tree) and the pointer is the place in it (a meta-schema problem) or
the pattern of the parameter (a property problem).
"""

from __future__ import annotations

from typing import Any

from registry.base.catalog import rule
from registry.base.findings import Finding
from registry.base.pointers import to_pointer
from registry.schema.index import index_of
from registry.schema.jsonformat import format_json
from registry.schema.sources import source_problems
from registry.base.suggest import closest
from registry.schema.tree import COMMON_DIR, META_DIR, Registry, located_subschemas, offering_meta_schema


def lint(registry: Registry) -> list[Finding]:
    """Every problem found; empty when the tree is clean. The files that cannot be used at
    all (`registry.problems`, which disable their offerings) come first, and are not checked
    further."""
    from jsonschema import Draft202012Validator

    problems = [rule("file-unusable").finding(getattr(error, "pointer", None) or "", file=relative,
                                              detail=str(error).removeprefix(relative).lstrip(": "))
                for relative, error in registry.problems.items()]
    meta = offering_meta_schema()  # capreg's own, rule keywords included: no tree needs a copy
    offering_check = Draft202012Validator(meta)
    common_check = Draft202012Validator({**meta["$defs"]["common"], "$defs": meta["$defs"]})
    known = _x_keywords(meta)

    for uri, document in registry.documents.items():
        tree = registry.tree_of(uri)
        relative = tree.file_name(uri)
        if tree.relative(uri).startswith(f"{META_DIR}/") or relative in registry.problems:
            continue
        for error in Draft202012Validator(Draft202012Validator.META_SCHEMA).iter_errors(document):
            problems.append(rule("not-draft-2020-12").finding(to_pointer(error.absolute_path), file=relative,
                                                             detail=error.message, at=error.json_path))
        check = common_check if tree.relative(uri).startswith(f"{COMMON_DIR}/") else offering_check
        for error in check.iter_errors(document):
            problems.append(rule("meta-schema").finding(to_pointer(error.absolute_path), file=relative,
                                                       detail=error.message, at=error.json_path))
        problems += _unknown_keywords(document, relative, known)

    from registry.tools.compare import tag_problems, vocabulary

    if vocabulary(registry).names:  # a tree whose vocabulary lists the names that carry each concept
        problems += tag_problems(registry)
    titles: dict[str, str] = {}
    for offering in registry.offerings.values():
        file = registry.file_name(offering.uri)
        if offering.title in titles:
            problems.append(rule("title-duplicate").finding("", file=file, title=repr(offering.title),
                                                           other=titles[offering.title]))
        titles[offering.title] = file
        for parameter in index_of(registry, offering.id).parameters:
            concept = parameter.concept
            if concept is not None and concept not in registry.concepts:
                problems.append(rule("concept-unknown").finding(
                    parameter.pattern, file=file, pattern=parameter.pattern, tagged=repr(concept),
                    known=", ".join(sorted(registry.concepts))))
    problems += source_problems(registry)
    problems += _format_problems(registry)
    return problems


def _x_keywords(meta: Any) -> frozenset[str]:
    """Every x- name capreg's meta-schema declares somewhere: rule keywords and annotations."""
    names: set[str] = set()
    stack = [meta]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            names.update(name for name in node.get("properties", {}) if name.startswith("x-"))
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return frozenset(names)


def _unknown_keywords(document: Any, file: str, known: frozenset[str]) -> list[Finding]:
    """x- keys of schema objects that capreg does not know: the meta-schema lets any key
    through (JSON Schema ignores unknown keywords), so `x-uniqe` would check nothing."""
    problems = []
    for path, schema in located_subschemas(document):
        if any(isinstance(token, str) and token.startswith("x-") for token in path):
            continue  # inside an annotation's value: data, not a schema
        for name in schema:
            if name.startswith("x-") and name not in known:
                suggestion = closest(name, known)
                pointer = to_pointer((*path, name))
                problems.append(rule("keyword-unknown").finding(
                    pointer, file=file, name=f"`{name}`", at=pointer,
                    suggestion=f"; did you mean `{suggestion}`?" if suggestion else ""))
    return problems


def render_text(problems: list[Finding]) -> str:
    """One line per problem, `file: severity[rule] message`, the form editors link."""
    return "".join(f"{p.ctx['file']}: {p.severity}[{p.rule}] {p.message}\n" for p in problems)


def _format_problems(registry: Registry) -> list[Finding]:
    """Files not written in the one format (registry/schema/jsonformat.py)."""
    problems = []
    for uri, document in registry.documents.items():
        tree = registry.tree_of(uri)
        relative = tree.file_name(uri)
        if relative in registry.problems:
            continue  # reported as unusable; its format is the least of its problems
        if tree.root is None:
            continue  # held in memory: there is no file whose format to check
        try:
            written = (tree.root / tree.relative(uri)).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # a file that cannot be read again is not a format problem; loading read it
        if written != format_json(document):
            problems.append(rule("file-format").finding("", file=relative))
    return problems

