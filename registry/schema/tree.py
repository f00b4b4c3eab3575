"""Loading schemas/ into a Registry: the offerings, their schemas and the concepts.

Every schema file gets a synthetic base URI under BASE_URI so relative `$ref`s between
files resolve to other files of the tree. Loading checks that every reference keyword
(`$ref`, `$dynamicRef`, `$schema`; `$id` is not allowed) lands on a file and location
inside the tree: a reference to the network, outside schemas/, to a missing file or
pointer is a SchemaRefError, because a validator (or code generator) that fetched or
read schemas from elsewhere would not be reproducible offline, nor safe. It also checks
with jsonschema-rs what would otherwise fail only when a payload is checked: the Draft
2020-12 meta-schema, that every regular expression compiles, and the shapes of the `x-`
annotations capreg's code reads. A file that fails disables only the offerings that use
it: `Registry.offering` raises its error, `Registry.problems` lists every one.
The slower checks of capreg's own meta-schema and conventions live in `registry.tools.lint`.
"""

from __future__ import annotations

import difflib
import functools
import json
import os
import threading
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Collection, Iterator
from typing import Any, Callable, TypeVar
from urllib.parse import urldefrag, urljoin

from registry.base import pointers
from registry.base.errors import RegistryError, SchemaFileError, SchemaRefError, UnknownOffering
from registry.schema.keywords import KEYWORDS, meta_schema
from registry.schema.patterns import PatternError, matcher

# `.invalid` is reserved (RFC 2606): this host can never be reached, even by mistake.
BASE_URI = "https://schemas.capreg.invalid/"
META_DIR = "meta"
COMMON_DIR = "common"
DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"
# The keywords whose value is a URI reference an engine follows.
REFERENCE_KEYWORDS = ("$ref", "$dynamicRef")

T = TypeVar("T")

# Held while the default registry loads and while an engine is first imported, and taken by
# os.fork (see _after_fork_in_child): a child is never forked halfway through an import,
# whose module lock it would otherwise wait on forever.
FORK_LOCK = threading.RLock()


def default_schema_root() -> Path:
    """$CAPREG_SCHEMAS when set (a tree of your own), else the schemas/ shipped in the
    installed wheel, else the source checkout's schemas/."""
    override = os.environ.get("CAPREG_SCHEMAS")
    return Path(override) if override else shipped_schema_root()


def shipped_schema_root() -> Path:
    """The schemas/ shipped in the installed wheel, else the source checkout's schemas/."""
    packaged = Path(__file__).parents[1] / "schemas"
    return packaged if packaged.is_dir() else Path(__file__).resolve().parents[2] / "schemas"


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
    def notes(self) -> tuple[str, ...]:
        return tuple(self.schema.get("x-notes", ()))


class Registry:
    """Every offering of a schema tree, loaded once per process.

    Derived artefacts (compiled validators, rule plans) are built on first use through
    `cached`, so a run that checks one offering compiles one offering, once however many
    threads ask for it.
    """

    def __init__(self, root: Path, documents: dict[str, Any], offerings: dict[str, Offering],
                 concepts: dict[str, str], failures: dict[str, RegistryError] | None = None,
                 problems: dict[str, RegistryError] | None = None) -> None:
        self.root = root
        self.documents = documents  # uri -> parsed JSON, every file of the tree that is JSON
        self.offerings = offerings  # id -> Offering, sorted by id: the usable ones
        self.concepts = concepts
        self.failures = failures or {}  # offering id -> the error that makes it unusable
        self.problems = problems or {}  # relative path -> the error of a file that cannot be used
        self._cache: dict[tuple[str, str], Any] = {}
        self._building: dict[tuple[str, str], threading.RLock] = {}
        _LIVE_REGISTRIES.add(self)

    # -- lookup -------------------------------------------------------------------------
    def offering(self, offering_id: str) -> Offering:
        """The offering; its load error (naming the file) when its schemas are broken."""
        try:
            return self.offerings[offering_id]
        except KeyError:
            if offering_id in self.failures:
                raise self.failures[offering_id].with_traceback(None) from None
            raise UnknownOffering(offering_id, closest(offering_id, self.offerings)) from None

    def check_complete(self) -> None:
        """Raise the first problem of the tree: for commands that need every offering."""
        for error in self.problems.values():
            raise error.with_traceback(None)

    def models(self) -> list[str]:
        return sorted({o.model for o in self.offerings.values()})

    def offerings_of(self, model: str) -> list[Offering]:
        return [o for o in self.offerings.values() if o.model == model]

    def documents_for(self, offering: Offering) -> dict[str, Any]:
        """The offering's schema and every document its `$ref`s reach: all an engine needs
        (compiling only these keeps `capreg validate` on one file quick)."""
        links = self.cached("links", "", lambda: _links(self.documents))
        return {uri: self.documents[uri] for uri in _reachable(links, offering.uri)}

    def cached(self, kind: str, key: str, build: Callable[[], T]) -> T:
        try:
            return self._cache[kind, key]
        except KeyError:
            pass
        # One lock per artefact, so compiling one offering holds up no other. setdefault is
        # atomic: threads racing here all get the same lock, and the first one builds.
        with self._building.setdefault((kind, key), threading.RLock()):
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


_LIVE_REGISTRIES: weakref.WeakSet[Registry] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    FORK_LOCK.release()
    # A build another thread was running at the fork never finishes in the child, and the
    # lock it held would stay held: the child starts with fresh locks and builds it again.
    for registry in _LIVE_REGISTRIES:
        registry._building = {}


if hasattr(os, "register_at_fork"):  # not on Windows, which has no fork
    os.register_at_fork(before=FORK_LOCK.acquire, after_in_parent=FORK_LOCK.release,
                        after_in_child=_after_fork_in_child)


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


def load(root: Path | str | None = None) -> Registry:
    root = Path(root or default_schema_root()).resolve()
    if not root.is_dir():
        raise SchemaFileError(str(root), "schema directory does not exist")
    files = {BASE_URI + path.relative_to(root).as_posix(): path for path in sorted(root.rglob("*.json"))}
    documents: dict[str, Any] = {}
    broken: dict[str, RegistryError] = {}  # uri -> why the file cannot be used
    for uri, path in files.items():
        try:
            documents[uri] = _read_json(path, uri[len(BASE_URI):])
        except SchemaFileError as exc:
            broken[uri] = exc
    for uri, document in documents.items():
        try:
            _check_document(files, documents, uri, document)
        except RegistryError as exc:
            broken[uri] = exc
    for uri, error in broken.items():
        if _folder(uri) == META_DIR:  # the tree's own configuration: nothing can be checked without it
            raise error

    concepts_uri = f"{BASE_URI}{META_DIR}/concepts.json"
    concepts = {k: v for k, v in documents.get(concepts_uri, {}).items() if not k.startswith("$")}
    offerings: dict[str, Offering] = {}
    failures: dict[str, RegistryError] = {}
    links = _links(documents)
    for uri in files:
        relative = uri[len(BASE_URI):]
        if _folder(uri) in (META_DIR, COMMON_DIR) or "/" not in relative:
            continue
        # The offering's own error, or that of a file it refers to, disables it alone.
        problem = next((broken[reached] for reached in _reachable(links, uri) if reached in broken), None)
        if problem is None:
            try:
                offering = _offering(uri, relative, documents[uri])
            except SchemaFileError as exc:
                problem = broken[uri] = exc
            else:
                offerings[offering.id] = offering
                continue
        failures[relative.removesuffix(".json")] = problem
    if not offerings and not failures:
        raise SchemaFileError(str(root), "holds no offering schemas (<provider>/<model>.json files)")
    problems = {uri[len(BASE_URI):]: error for uri, error in broken.items()}
    return Registry(root, documents, dict(sorted(offerings.items())), concepts, failures, problems)


def _folder(uri: str) -> str:
    return uri[len(BASE_URI):].split("/", 1)[0]


def _links(documents: dict[str, Any]) -> dict[str, frozenset[str]]:
    """uri -> the documents its reference keywords name."""
    return {uri: frozenset(urldefrag(urljoin(uri, ref))[0] for ref in _refs_in(document))
            for uri, document in documents.items()}


def _reachable(links: dict[str, frozenset[str]], start: str) -> list[str]:
    """The document `start` and every document its references reach, transitively (an
    unreadable one is listed, and not followed)."""
    found: list[str] = []
    pending = [start]
    while pending:
        uri = pending.pop()
        if uri not in found:
            found.append(uri)
            pending.extend(links.get(uri, ()))
    return found


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


def _check_document(files: dict[str, Path], documents: dict[str, Any], uri: str, document: Any) -> None:
    """Raise the first problem of one file: a reference that leaves the tree or, outside
    meta/ (configuration, not all of it schemas), what a JSON Schema engine or the rule
    engine would otherwise reject only once a payload is checked."""
    relative = uri[len(BASE_URI):]
    located = list(located_subschemas(document))
    for path, schema in located:
        pointer = pointers.to_pointer(path)
        if "$id" in schema:
            raise SchemaRefError(relative, schema["$id"], "is not supported: capreg names every schema by its "
                                 "path in schemas/ (a relative $ref names another file)", f"{pointer}/$id", "$id")
        if "$schema" in schema and schema["$schema"] != DRAFT_2020_12:
            raise SchemaRefError(relative, schema["$schema"], f"is not supported: capreg uses Draft 2020-12 "
                                 f"({DRAFT_2020_12}) and never fetches a meta-schema", f"{pointer}/$schema", "$schema")
        for keyword in REFERENCE_KEYWORDS:
            if isinstance(schema.get(keyword), str):
                _check_ref(files, documents, relative, uri, schema[keyword], f"{pointer}/{keyword}", keyword)
    if _folder(uri) != META_DIR:
        _check_schema(relative, document, located)


def _check_ref(files: dict[str, Path], documents: dict[str, Any], relative: str, uri: str, ref: str,
               pointer: str, keyword: str) -> None:
    """A reference must name a location inside the tree, and no chain of references may loop."""
    target = urljoin(uri, ref)
    document_uri, fragment = urldefrag(target)

    def refuse(problem: str) -> SchemaRefError:
        return SchemaRefError(relative, ref, problem, pointer, keyword)

    if not document_uri.startswith(BASE_URI):
        where = "points at the network" if "://" in ref and not ref.startswith("file:") else "leaves the schema directory"
        raise refuse(f"{where}; capreg resolves references only inside schemas/ and never fetches")
    if document_uri not in files:
        escaped = ".." in ref and _escapes(relative, ref)
        raise refuse("leaves the schema directory" if escaped else
                     f"names a file that does not exist ({document_uri[len(BASE_URI):]})")
    if fragment and not fragment.startswith("/"):
        raise refuse("uses a plain-name fragment; only JSON-pointer fragments are supported")
    if document_uri not in documents:
        return  # an unreadable file: its own error disables whatever refers to it
    try:
        locate(documents[document_uri], fragment)
    except (LookupError, ValueError):
        raise refuse(f"names a location that does not exist in {document_uri[len(BASE_URI):]}") from None
    _check_no_cycle(documents, relative, ref, target, pointer, keyword)


def _check_schema(relative: str, document: Any, located: list[tuple[pointers.Path, dict[str, Any]]]) -> None:
    """The Draft 2020-12 meta-schema, regular expressions that compile, well-formed `x-` annotations."""
    import jsonschema_rs

    try:
        jsonschema_rs.meta.validate(document)
    except jsonschema_rs.ValidationError as exc:
        raise SchemaFileError(relative, f"not a Draft 2020-12 schema: {exc.message}",
                              pointers.to_pointer(exc.instance_path)) from None
    for path, schema in located:
        pattern, named = schema.get("pattern"), schema.get("patternProperties")
        expressions = [("pattern", pattern)] if isinstance(pattern, str) else []
        if isinstance(named, dict):
            expressions += [(f"patternProperties/{pointers.escape(name)}", name) for name in named]
        for where, expression in expressions:
            try:
                matcher(expression)
            except PatternError as exc:
                raise SchemaFileError(relative, f"pattern {exc}", f"{pointers.to_pointer(path)}/{where}") from None
    shapes = _annotation_shapes(tuple(KEYWORDS))[relative.startswith(f"{COMMON_DIR}/")]
    error = next(iter(shapes.iter_errors(document)), None)
    if error is not None:
        raise SchemaFileError(relative, f"malformed annotation: {error.message}", pointers.to_pointer(error.instance_path))


def offering_meta_schema() -> dict[str, Any]:
    """capreg's meta-schema for offering files, the same for every tree: the shipped
    meta/offering.schema.json with the rule keywords registered now (a tree of one's own
    needs no copy of it). The caller must not change it."""
    return _composed_meta_schema(tuple(KEYWORDS))


@functools.lru_cache(maxsize=4)
def _composed_meta_schema(keywords: tuple[str, ...]) -> dict[str, Any]:
    # Keyed by the registered keywords: one registered later gets a meta-schema with it.
    meta_path = shipped_schema_root() / META_DIR / "offering.schema.json"
    return meta_schema(json.loads(meta_path.read_text(encoding="utf-8")))


@functools.lru_cache(maxsize=4)
def _annotation_shapes(keywords: tuple[str, ...]) -> tuple[Any, Any]:
    """jsonschema-rs validators of the `x-` annotations capreg's code reads, for an offering
    file and for a file under common/: the shapes of `offering_meta_schema` (its other rules,
    such as the root annotations an offering must carry, are `capreg lint`'s)."""
    import jsonschema_rs

    meta = _composed_meta_schema(keywords)
    annotations = {k: v for k, v in meta["properties"].items() if k.startswith("x-") and k != "x-provider"}
    subschema = {"$ref": "#/$defs/subschema", "$defs": meta["$defs"]}
    return (jsonschema_rs.Draft202012Validator({**subschema, "properties": annotations}, validate_formats=False),
            jsonschema_rs.Draft202012Validator(subschema, validate_formats=False))


def _escapes(relative: str, ref: str) -> bool:
    depth = relative.count("/")
    for part in urldefrag(ref)[0].split("/")[:-1]:
        depth += -1 if part == ".." else (0 if part in ("", ".") else 1)
        if depth < 0:
            return True
    return False


def _check_no_cycle(documents: dict[str, Any], relative: str, ref: str, start: str, pointer: str, keyword: str) -> None:
    """A reference whose target is itself a chain of references leading back to it can never resolve."""
    seen = {start}
    target = start
    while True:
        document_uri, fragment = urldefrag(target)
        try:
            node = locate(documents[document_uri], fragment)
        except (LookupError, ValueError):
            return  # reported by the caller when it is this ref; else when its file is checked
        next_ref = next((node[k] for k in REFERENCE_KEYWORDS if isinstance(node, dict) and isinstance(node.get(k), str)), None)
        if next_ref is None:
            return
        target = urljoin(document_uri, next_ref)
        if target in seen:
            raise SchemaRefError(relative, ref, "is part of a $ref cycle that never reaches a schema", pointer, keyword)
        seen.add(target)


# Values of these keywords are data, not schemas: a "$ref" key inside them is not a reference.
_DATA_KEYWORDS = frozenset({"enum", "const", "default", "examples"})
# Values of these keywords map names to schemas: the names are not keywords.
_SCHEMA_MAPS = frozenset({"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"})


def subschemas(document: Any) -> Iterator[dict[str, Any]]:
    """Every schema object of a document in document order, found by walking it as a schema
    (so the values of `enum`/`const`/`default` are skipped, and property names are not
    taken for keywords)."""
    return (schema for _, schema in located_subschemas(document))


def located_subschemas(document: Any) -> Iterator[tuple[pointers.Path, dict[str, Any]]]:
    """`subschemas`, each with its path in the document."""
    stack: list[tuple[pointers.Path, Any]] = [((), document)]
    while stack:
        path, schema = stack.pop()
        if isinstance(schema, list):
            stack.extend(reversed([((*path, index), item) for index, item in enumerate(schema)]))
            continue
        if not isinstance(schema, dict):
            continue
        yield path, schema
        children: list[tuple[pointers.Path, Any]] = []
        for keyword, value in schema.items():
            if keyword in _SCHEMA_MAPS and isinstance(value, dict):
                children.extend(((*path, keyword, name), sub) for name, sub in value.items())
            elif keyword not in _DATA_KEYWORDS:
                children.append(((*path, keyword), value))
        stack.extend(reversed(children))


def _refs_in(document: Any) -> list[str]:
    return [schema[keyword] for schema in subschemas(document) for keyword in REFERENCE_KEYWORDS
            if isinstance(schema.get(keyword), str)]
