"""Loading schemas/ into a Registry: the offerings, their schemas and the concepts.

Every schema file gets a synthetic base URI under BASE_URI so relative `$ref`s between
files resolve to other files of the tree. Loading checks, without importing a JSON Schema
engine, that every `$ref` lands on a file and location inside the tree: a reference to the
network, outside schemas/, to a missing file or pointer is a SchemaRefError, because a
validator that fetched (or silently skipped) schemas would not be reproducible offline.
The slower meta-schema checks live in `registry.lint`.
"""

from __future__ import annotations

import difflib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Collection, Iterator
from typing import Any, Callable, TypeVar
from urllib.parse import urldefrag, urljoin

from . import pointers
from .errors import SchemaFileError, SchemaRefError, UnknownOffering

# `.invalid` is reserved (RFC 2606): this host can never be reached, even by mistake.
BASE_URI = "https://schemas.capreg.invalid/"
META_DIR = "meta"
COMMON_DIR = "common"
PROVIDERS = ("sync", "runware", "scenario", "fal", "replicate")

T = TypeVar("T")


def default_schema_root() -> Path:
    """$CAPREG_SCHEMAS when set (a tree of your own), else the schemas/ shipped in the
    installed wheel, else the source checkout's schemas/."""
    override = os.environ.get("CAPREG_SCHEMAS")
    if override:
        return Path(override)
    packaged = Path(__file__).with_name("schemas")
    return packaged if packaged.is_dir() else Path(__file__).resolve().parent.parent / "schemas"


@dataclass(frozen=True, slots=True)
class Offering:
    """One model at one provider, described by one schema file."""

    id: str
    provider: str
    model: str
    variant: str | None
    model_id: str
    model_id_pointer: str | None
    model_id_aliases: tuple[str, ...]
    title: str
    path: str  # relative to the schema root, posix
    uri: str
    schema: dict[str, Any] = field(repr=False, compare=False)

    @property
    def sources(self) -> dict[str, str]:
        return self.schema.get("x-sources", {})

    @property
    def notes(self) -> tuple[str, ...]:
        return tuple(self.schema.get("x-notes", ()))


class Registry:
    """Every offering of a schema tree, loaded once per process.

    Derived artefacts (compiled validators, rule plans) are built on first use through
    `cached`, so a run that checks one offering compiles one offering.
    """

    def __init__(self, root: Path, documents: dict[str, Any], offerings: dict[str, Offering],
                 concepts: dict[str, str]) -> None:
        self.root = root
        self.documents = documents  # uri -> parsed JSON, every file of the tree
        self.offerings = offerings  # id -> Offering, sorted by id
        self.concepts = concepts
        self._cache: dict[tuple[str, str], Any] = {}

    # -- lookup -------------------------------------------------------------------------
    def offering(self, offering_id: str) -> Offering:
        try:
            return self.offerings[offering_id]
        except KeyError:
            raise UnknownOffering(offering_id, closest(offering_id, self.offerings)) from None

    def models(self) -> list[str]:
        return sorted({o.model for o in self.offerings.values()})

    def offerings_of(self, model: str) -> list[Offering]:
        return [o for o in self.offerings.values() if o.model == model]

    def documents_for(self, offering: Offering) -> dict[str, Any]:
        """The offering's schema and every document its `$ref`s reach: all an engine needs
        (compiling only these keeps `capreg validate` on one file quick)."""
        found: dict[str, Any] = {}
        pending = [offering.uri]
        while pending:
            uri = pending.pop()
            if uri in found:
                continue
            found[uri] = self.documents[uri]
            pending.extend(urldefrag(urljoin(uri, ref))[0] for ref in _refs_in(found[uri]))
        return found

    def cached(self, kind: str, key: str, build: Callable[[], T]) -> T:
        try:
            return self._cache[kind, key]
        except KeyError:
            value = self._cache[kind, key] = build()
            return value

    # -- references ---------------------------------------------------------------------
    def resolve(self, base_uri: str, ref: str) -> tuple[str, Any]:
        """Return (absolute uri with fragment, target subschema) of a `$ref`; load-checked."""
        target = urljoin(base_uri, ref)
        document_uri, fragment = urldefrag(target)
        return target, locate(self.documents[document_uri], fragment)


def locate(document: Any, fragment: str) -> Any:
    """The node a JSON-pointer fragment names; LookupError/ValueError when it names none."""
    node = document
    for token in pointers.parse(fragment):
        if isinstance(node, list):
            node = node[int(token)]
        elif isinstance(node, dict):
            node = node[token]
        else:
            raise KeyError(token)
    return node


# A did-you-mean search is bounded: a payload can hold a 100 MB word (difflib took 16 s and
# 4 GB on one) or thousands of ids to compare with, once per dangling reference. difflib's
# work grows with the product of the word's and each candidate's length; past these bounds
# (far above a schema's names or a real payload's ids) there is no suggestion.
SUGGESTION_CANDIDATES = 1_000
SUGGESTION_WORK = 20_000  # character pairs
SUGGESTION_CUTOFF = 0.6


def closest(word: str, candidates: Collection[str]) -> str | None:
    if len(candidates) > SUGGESTION_CANDIDATES:
        return None
    # Only a candidate of comparable length can reach the cutoff (difflib's own first test,
    # `real_quick_ratio`), so dropping the others first changes no suggestion.
    comparable = [c for c in candidates if _length_ratio(len(word), len(c)) >= SUGGESTION_CUTOFF]
    if not comparable or len(word) * sum(len(c) for c in comparable) > SUGGESTION_WORK:
        return None
    matches = difflib.get_close_matches(word, comparable, n=1, cutoff=SUGGESTION_CUTOFF)
    return matches[0] if matches else None


def _length_ratio(length: int, other: int) -> float:
    """The best similarity two strings of these lengths can have, as difflib works it out."""
    return 2.0 * min(length, other) / (length + other) if length + other else 1.0


def load(root: Path | None = None) -> Registry:
    root = (root or default_schema_root()).resolve()
    if not root.is_dir():
        raise SchemaFileError(str(root), "schema directory does not exist")
    documents: dict[str, Any] = {}
    for path in sorted(root.rglob("*.json")):
        relative = path.relative_to(root).as_posix()
        documents[BASE_URI + relative] = _read_json(path, relative)

    for uri, document in documents.items():
        _check_refs(documents, uri, document)

    concepts_uri = f"{BASE_URI}{META_DIR}/concepts.json"
    concepts = {k: v for k, v in documents.get(concepts_uri, {}).items() if not k.startswith("$")}
    offerings: dict[str, Offering] = {}
    for uri, document in documents.items():
        relative = uri[len(BASE_URI):]
        folder = relative.split("/", 1)[0]
        if folder in (META_DIR, COMMON_DIR) or "/" not in relative:
            continue
        offering = _offering(uri, relative, document)
        offerings[offering.id] = offering
    return Registry(root, documents, dict(sorted(offerings.items())), concepts)


def _read_json(path: Path, relative: str) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SchemaFileError(relative, f"cannot be read: {exc}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise SchemaFileError(relative, f"is not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None


def _offering(uri: str, relative: str, schema: Any) -> Offering:
    if not isinstance(schema, dict):
        raise SchemaFileError(relative, "an offering schema must be a JSON object")
    provider, _, filename = relative.partition("/")
    stem = filename.removesuffix(".json")
    missing = [k for k in ("x-provider", "x-model", "x-model-id", "x-model-id-pointer") if k not in schema]
    if missing:
        raise SchemaFileError(relative, f"missing registry annotation(s) {', '.join(missing)}")
    model, variant = schema["x-model"], schema.get("x-variant")
    expected_stem = f"{model}-{variant}" if variant else model
    if schema["x-provider"] != provider or stem != expected_stem or "/" in filename:
        raise SchemaFileError(
            relative,
            f"file must be at {schema['x-provider']}/{expected_stem}.json to match its "
            "x-provider, x-model and x-variant",
        )
    return Offering(
        id=f"{provider}/{stem}",
        provider=provider,
        model=model,
        variant=variant,
        model_id=schema["x-model-id"],
        model_id_pointer=schema["x-model-id-pointer"],
        model_id_aliases=tuple(schema.get("x-model-id-aliases", ())),
        title=schema.get("title", stem),
        path=relative,
        uri=uri,
        schema=schema,
    )


def _check_refs(documents: dict[str, Any], uri: str, document: Any) -> None:
    """Every `$ref` must name a location inside the tree, and no chain of `$ref`s may loop."""
    relative = uri[len(BASE_URI):]
    for ref in _refs_in(document):
        target = urljoin(uri, ref)
        document_uri, fragment = urldefrag(target)
        if not document_uri.startswith(BASE_URI):
            where = "points at the network" if "://" in ref else "leaves the schema directory"
            raise SchemaRefError(relative, ref, f"{where}; capreg resolves references only inside schemas/ and never fetches")
        if document_uri not in documents:
            escaped = ".." in ref and _escapes(relative, ref)
            problem = "leaves the schema directory" if escaped else f"names a file that does not exist ({document_uri[len(BASE_URI):]})"
            raise SchemaRefError(relative, ref, problem)
        if fragment and not fragment.startswith("/"):
            raise SchemaRefError(relative, ref, "uses a plain-name fragment; only JSON-pointer fragments are supported")
        try:
            locate(documents[document_uri], fragment)
        except (LookupError, ValueError):
            raise SchemaRefError(relative, ref, f"names a location that does not exist in {document_uri[len(BASE_URI):]}") from None
        _check_no_cycle(documents, relative, ref, target)


def _escapes(relative: str, ref: str) -> bool:
    depth = relative.count("/")
    for part in urldefrag(ref)[0].split("/")[:-1]:
        depth += -1 if part == ".." else (0 if part in ("", ".") else 1)
        if depth < 0:
            return True
    return False


def _check_no_cycle(documents: dict[str, Any], relative: str, ref: str, start: str) -> None:
    """A `$ref` whose target is itself a `$ref` chain leading back to it can never resolve."""
    seen = {start}
    target = start
    while True:
        document_uri, fragment = urldefrag(target)
        try:
            node = locate(documents[document_uri], fragment)
        except (LookupError, ValueError):
            return  # reported by the caller when it is this ref; else when its file is checked
        if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
            return
        target = urljoin(document_uri, node["$ref"])
        if target in seen:
            raise SchemaRefError(relative, ref, "is part of a $ref cycle that never reaches a schema")
        seen.add(target)


# Values of these keywords are data, not schemas: a "$ref" key inside them is not a reference.
_DATA_KEYWORDS = frozenset({"enum", "const", "default", "examples"})
# Values of these keywords map names to schemas: the names are not keywords.
_SCHEMA_MAPS = frozenset({"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"})


def subschemas(document: Any) -> Iterator[dict[str, Any]]:
    """Every schema object of a document in document order, found by walking it as a schema
    (so the values of `enum`/`const`/`default` are skipped, and property names are not
    taken for keywords)."""
    stack = [document]
    while stack:
        schema = stack.pop()
        if isinstance(schema, list):
            stack.extend(reversed(schema))
            continue
        if not isinstance(schema, dict):
            continue
        yield schema
        children: list[Any] = []
        for keyword, value in schema.items():
            if keyword in _SCHEMA_MAPS and isinstance(value, dict):
                children.extend(value.values())
            elif keyword not in _DATA_KEYWORDS:
                children.append(value)
        stack.extend(reversed(children))


def _refs_in(document: Any) -> list[str]:
    return [schema["$ref"] for schema in subschemas(document) if isinstance(schema.get("$ref"), str)]
