"""Loading schemas/ into a Registry: the offerings, their schemas and the concepts.

Every schema file gets a synthetic URI under its tree's base URI (BASE_URI for the bottom
tree, a host of its own for each tree laid over it) so relative `$ref`s between files
resolve to other files of the same tree. Loading checks that every reference keyword
(`$ref`, `$dynamicRef`, `$schema`; `$id` is not allowed) lands on a file and location
inside the tree: a reference to the network, outside schemas/, to a missing file or
pointer is a SchemaRefError, because a validator (or code generator) that fetched or
read schemas from elsewhere would not be reproducible offline, nor safe. It also checks
with jsonschema-rs what would otherwise fail only when a payload is checked: the Draft
2020-12 meta-schema, that every regular expression compiles, and the shapes of the `x-`
annotations capreg's code reads. A file that fails disables only the offerings that use
it: `Registry.offering` raises its error, `Registry.problems` lists every one.
The slower checks of capreg's own meta-schema and conventions live in `registry.tools.lint`.

A registry is one or more trees laid bottom first (`load(*roots, builtin=...)`; the default
registry is the shipped tree with the trees of `[tool.capreg] schemas` and $CAPREG_SCHEMAS
over it). A provider is a folder of a tree, never a list in code. A later tree adds
offerings, and its offering of an id an earlier tree has replaces that one
(`Registry.replaced`); its meta/concepts.json and meta/sync-modes.json are merged into those
below (`_merged_meta`); it needs no copy of capreg's own meta/offering.schema.json. A `$ref`
resolves inside its own tree only: each tree's files live under a host of their own.
"""

from __future__ import annotations

import functools
import io
import json
import os
import weakref
from _thread import RLock  # threading's own reentrant lock, without importing threading (~0.6 ms)
from pathlib import Path
from collections.abc import Callable, Collection, Hashable, Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import Any, TypeVar, overload
from urllib.parse import urldefrag, urljoin

from registry.base import pointers
from registry.base.frozen import Compared, DataclassFields, Frozen, record
from registry.base.errors import ConfigError, RegistryError, SchemaFileError, SchemaRefError, UnknownOffering
from registry.base.pyproject import capreg_table, nearest
from registry.base.suggest import closest
from registry.base.text import shown_path
from registry.schema import cache
from registry.schema.keywords import KEYWORDS, meta_schema
from registry.schema.patterns import PatternError, matcher

# `.invalid` is reserved (RFC 2606): this host can never be reached, even by mistake.
BASE_URI = "https://schemas.capreg.invalid/"
BUILTIN_NAME = "built-in"
SCHEMAS_ENV = "CAPREG_SCHEMAS"  # trees of one's own, laid over the shipped one
BUILTIN_ENV = "CAPREG_BUILTIN"  # 0: the default registry leaves the shipped tree out
META_DIR = "meta"
COMMON_DIR = "common"
DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"
# The keywords whose value is a URI reference an engine follows.
REFERENCE_KEYWORDS = ("$ref", "$dynamicRef")

T = TypeVar("T")
_NONE: Mapping[str, Any] = MappingProxyType({})

# Held while the default registry loads and while an engine is first imported, and taken by
# os.fork (see _after_fork_in_child): a child is never forked halfway through an import,
# whose module lock it would otherwise wait on forever.
FORK_LOCK = RLock()


def default_roots() -> tuple[Path, ...]:
    """The trees of one's own the default registry lays over the shipped one, bottom first:
    `[tool.capreg] schemas` of the nearest pyproject.toml above the current directory
    (relative to that file), then $CAPREG_SCHEMAS (folders separated by os.pathsep): the
    setting of one run lies over the project's."""
    pyproject = nearest(Path.cwd())
    listed = capreg_table(pyproject).get("schemas", []) if pyproject else []
    if not isinstance(listed, list) or not all(isinstance(folder, str) for folder in listed):
        raise ConfigError(f"{pyproject}: [tool.capreg] schemas must be a list of folder paths")
    configured = tuple(pyproject.parent / folder for folder in listed) if pyproject else ()
    return configured + tuple(Path(folder) for folder in os.environ.get(SCHEMAS_ENV, "").split(os.pathsep) if folder)


def default_builtin() -> bool:
    """Whether the default registry includes the shipped tree: $CAPREG_BUILTIN, else
    `[tool.capreg] builtin` of the nearest pyproject.toml, else yes."""
    setting = os.environ.get(BUILTIN_ENV, "").strip().lower()
    if setting:
        if setting not in _SWITCH:
            raise ConfigError(f"${BUILTIN_ENV} must be one of {', '.join(_SWITCH)}; got {setting!r}")
        return _SWITCH[setting]
    pyproject = nearest(Path.cwd())
    configured = capreg_table(pyproject).get("builtin", True) if pyproject else True
    if not isinstance(configured, bool):
        raise ConfigError(f"{pyproject}: [tool.capreg] builtin must be true or false")
    return configured


_SWITCH = {"1": True, "true": True, "yes": True, "on": True, "0": False, "false": False, "no": False, "off": False}


def shipped_schema_root() -> Path:
    """The schemas/ shipped in the installed wheel, else the source checkout's schemas/."""
    packaged = Path(__file__).parents[1] / "schemas"
    return packaged if packaged.is_dir() else Path(__file__).resolve().parents[2] / "schemas"


def tree_base_uri(index: int) -> str:
    """The base URI of a registry's index-th tree, bottom first. Each tree has a host of its
    own, so a relative `$ref` never resolves into another tree (`..` stops at the host)."""
    return BASE_URI if index == 0 else f"https://tree{index}.schemas.capreg.invalid/"


@record
class Tree:
    """One folder of schema files of a registry; a later tree is laid over the earlier ones."""

    root: Path | None  # None: documents held in memory (a generated client's copy of its schemas)
    base_uri: str
    name: str  # BUILTIN_NAME for the shipped tree, else its folder as the user can open it
    builtin: bool
    # What precedes a file's path in messages: nothing in the bottom tree (the built-in one,
    # or the only one), so its files keep the names they have on their own.
    prefix: str = ""

    def relative(self, uri: str) -> str:
        """The path of the document `uri` inside this tree."""
        return uri[len(self.base_uri):]

    def file_name(self, uri: str) -> str:
        """How messages name the document `uri`."""
        return self.prefix + self.relative(uri)


class Offering(Compared):
    """One model at one provider, described by one schema file."""

    # What a frozen dataclass had, written out (registry.base.frozen): the schema is left out
    # of equality, hash and repr.
    __slots__ = __match_args__ = ("id", "provider", "model", "variant", "model_id", "model_id_pointer",
                                  "model_id_aliases", "title", "path", "uri", "schema")
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
    schema: dict[str, Any]

    def __init__(self, id: str, provider: str, model: str, variant: str | None, model_id: str,  # noqa: A002
                 model_id_pointer: str | None, model_id_aliases: tuple[str, ...], title: str, path: str, uri: str,
                 schema: dict[str, Any]) -> None:
        for name, value in zip(self.__slots__, (id, provider, model, variant, model_id, model_id_pointer,
                                                model_id_aliases, title, path, uri, schema)):
            object.__setattr__(self, name, value)

    def _compared(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.__slots__[:-1])

    @property
    def model_ids(self) -> tuple[str, ...]:
        """The model id and its aliases: each one names this offering in a payload."""
        return (self.model_id, *self.model_id_aliases)

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__[:-1])
        return f"{type(self).__qualname__}({shown})"

    def __replace__(self, **changes: Any) -> Offering:
        """The same offering with `changes` (copy.replace, dataclasses.replace)."""
        return type(self)(**{**{name: getattr(self, name) for name in self.__slots__}, **changes})

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), tuple(getattr(self, name) for name in self.__slots__)

    @property
    def notes(self) -> tuple[str, ...]:
        return tuple(self.schema.get("x-notes", ()))


Offering.__dataclass_fields__ = DataclassFields()  # type: ignore[attr-defined]


class Registry(Frozen):  # one per load: identity is equality, and it hashes
    """Every offering of one or more schema trees, loaded once per process, read-only.

    The trees are laid bottom first: a later tree adds offerings, concepts and sync modes,
    and its offering of an id an earlier tree has replaces that one (`replaced` says which).
    What is worked out from a registry (an offering's index, its compiled validators, the
    detection table) is built on first use by a function decorated with `derived`, so a run
    that checks one offering compiles one offering, once however many threads ask for it.
    """

    trees: tuple[Tree, ...]
    documents: Mapping[str, Any]  # uri -> parsed JSON, every file of every tree that is JSON
    offerings: Mapping[str, Offering]  # id -> Offering, sorted by id: the usable ones
    meta: Mapping[str, Any]  # file name in meta/ -> its content, merged across the trees
    failures: Mapping[str, RegistryError]  # offering id -> why it is unusable
    problems: Mapping[str, RegistryError]  # file name -> why it cannot be used
    replaced: Mapping[str, tuple[Tree, ...]]  # offering id -> the trees it hides
    concepts: Mapping[str, str]  # concept -> its description, from meta/concepts.json
    _derived: _Derived

    def __init__(self, trees: tuple[Tree, ...], documents: Mapping[str, Any], offerings: Mapping[str, Offering],
                 meta: Mapping[str, Any], failures: Mapping[str, RegistryError] = _NONE,
                 problems: Mapping[str, RegistryError] = _NONE, replaced: Mapping[str, tuple[Tree, ...]] = _NONE) -> None:
        object.__setattr__(self, "trees", trees)
        for name, given in (("documents", documents), ("offerings", offerings), ("meta", meta),
                            ("failures", failures), ("problems", problems), ("replaced", replaced)):
            object.__setattr__(self, name, MappingProxyType(dict(given)))
        object.__setattr__(self, "concepts", MappingProxyType(
            {k: v for k, v in self.meta.get(CONCEPTS_FILE, {}).items() if not k.startswith("$")}))
        object.__setattr__(self, "_derived", _Derived())
        _LIVE_REGISTRIES.add(self)

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in _REGISTRY_SHOWN)
        return f"{type(self).__qualname__}({shown})"

    @property
    def root(self) -> Path | None:
        """The folder of the bottom tree."""
        return self.trees[0].root

    def tree_of(self, uri: str) -> Tree:
        """The tree that holds the document `uri`."""
        return next(tree for tree in self.trees if uri.startswith(tree.base_uri))

    def file_name(self, uri: str) -> str:
        """How messages name the document `uri`: its path in its tree, after the tree's
        folder unless it is the bottom tree."""
        return self.tree_of(uri).file_name(uri)

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
        reached = _reachable(functools.partial(_document_links, self), offering.uri)
        return {uri: self.documents[uri] for uri in reached}

    # -- references ---------------------------------------------------------------------
    def resolve(self, base_uri: str, ref: str) -> tuple[str, Any]:
        """Return (absolute uri with fragment, target subschema) of a `$ref`; load-checked."""
        target, document_uri, fragment = reference_target(base_uri, ref)
        return target, locate(self.documents[document_uri], fragment)


_REGISTRY_SHOWN = ("trees", "documents", "offerings", "meta", "failures", "problems", "replaced", "concepts")


Registry.__dataclass_fields__ = DataclassFields()  # type: ignore[attr-defined]


class _Derived:
    """The values `derived` functions built from one registry, and a lock per value."""

    __slots__ = ("values", "building")

    def __init__(self) -> None:
        self.values: dict[tuple[Callable[..., Any], tuple[Hashable, ...]], Any] = {}
        self.building: dict[tuple[Callable[..., Any], tuple[Hashable, ...]], RLock] = {}


K = TypeVar("K", bound=Hashable)


@overload
def derived(build: Callable[[Registry], T]) -> Callable[[Registry], T]: ...
@overload
def derived(build: Callable[[Registry, K], T]) -> Callable[[Registry, K], T]: ...
def derived(build: Callable[..., T]) -> Callable[..., T]:
    """Make `build(registry)` or `build(registry, key)` (an offering id, say) a value of the
    registry: built on first use, then kept with it. The value must depend on the registry
    and the key alone; the function itself (not a name) tells the values apart.

    It is built once however many threads ask at the same time: each value has a lock of its
    own, so compiling one offering holds up no other, and a value being built in a thread at
    a fork is built again in the child (`_after_fork_in_child`). A build that raises keeps
    nothing: the next call tries again (and raises again)."""

    @functools.wraps(build)
    def value_of(registry: Registry, *key: Hashable) -> T:
        memo, slot = registry._derived, (build, key)
        try:
            return memo.values[slot]
        except KeyError:
            pass
        # setdefault is atomic: threads racing here all get the same lock, and the first one builds.
        with memo.building.setdefault(slot, RLock()):
            try:
                return memo.values[slot]
            except KeyError:
                value = memo.values[slot] = build(registry, *key)
                return value

    return value_of


_LIVE_REGISTRIES: weakref.WeakSet[Registry] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    FORK_LOCK.release()
    # A build another thread was running at the fork never finishes in the child, and the
    # lock it held would stay held: the child starts with fresh locks and builds it again.
    for registry in _LIVE_REGISTRIES:
        registry._derived.building = {}


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


def load(*roots: Path | str, builtin: bool | None = None) -> Registry:
    """The registry of the schema trees `roots`, each laid over the ones before it, over the
    shipped tree when `builtin`. `load(folder)` is that tree alone; `load()` is the default
    registry's trees (`default_roots`, over the shipped tree unless `default_builtin()` says no)."""
    if not roots and builtin is None:
        roots, builtin = default_roots(), default_builtin()
    folders = [shipped_schema_root()] if builtin else []
    folders += [Path(root) for root in roots]
    if not folders:
        raise RegistryError(f"no schema tree to load: the shipped tree is left out (${BUILTIN_ENV}=0, "
                            f"--no-builtin or [tool.capreg] builtin = false) and no tree of your own is named "
                            f"(${SCHEMAS_ENV}, [tool.capreg] schemas)")
    trees = _trees(folders)
    layers = [_read_tree(tree) for tree in trees]
    for index, (tree, layer) in enumerate(zip(trees, layers)):
        # A tree laid over another may only add concepts or sync modes; one without
        # anything is most likely the wrong folder.
        if not layer.offerings and not layer.failures and (index == 0 or not layer.meta):
            raise SchemaFileError(str(tree.root), "holds no offering schemas (<provider>/<model>.json files)")
    return _layered(trees, layers)


def from_documents(documents: dict[str, Any], name: str) -> Registry:
    """The registry of one tree held in memory: path inside the tree -> parsed JSON. It is
    checked as a tree of files is: references stay inside it."""
    tree = Tree(None, BASE_URI, name, builtin=False)
    return _layered((tree,), [_checked_layer(tree, {BASE_URI + path: doc for path, doc in documents.items()}, {})])


def _trees(folders: list[Path]) -> tuple[Tree, ...]:
    """The folders as trees, bottom first; a folder named twice is laid once, at its first place."""
    shipped = shipped_schema_root().resolve()
    given_as: dict[Path, Path] = {}  # resolved -> as first given
    for folder in folders:
        given_as.setdefault(folder.resolve(), folder)
    trees = []
    for index, (root, given) in enumerate(given_as.items()):
        if not root.is_dir():
            raise SchemaFileError(str(given), "schema directory does not exist")
        name = BUILTIN_NAME if root == shipped else shown_path(given)
        trees.append(Tree(root, tree_base_uri(index), name, root == shipped, f"{name}/" if index else ""))
    return tuple(trees)


@record
class _Layer:
    """What one tree holds, before it is laid over the others."""

    documents: dict[str, Any]
    offerings: dict[str, Offering]
    failures: dict[str, RegistryError]
    problems: dict[str, RegistryError]  # file name -> why it cannot be used
    meta: dict[str, Any]  # file name in meta/ -> its content


def _read_tree(tree: Tree) -> _Layer:
    """The tree's files, parsed and checked; the checks are skipped when the same files passed
    them before (registry.schema.cache)."""
    assert tree.root is not None
    documents: dict[str, Any] = {}
    broken: dict[str, RegistryError] = {}  # uri -> why the file cannot be used
    contents: dict[str, bytes] = {}  # relative path -> the bytes parsed: the cache key is of what was checked
    for path in sorted(tree.root.rglob("*.json")):
        uri = tree.base_uri + path.relative_to(tree.root).as_posix()
        try:
            contents[tree.relative(uri)] = data = _read_bytes(path, tree.file_name(uri))
            documents[uri] = _parsed_json(data, tree.file_name(uri))
        except SchemaFileError as exc:
            broken[uri] = exc
    key = None if broken else cache.tree_key(tree.base_uri, contents, _checks_read())
    if key is not None and cache.proven(tree.base_uri, contents, key):
        return _checked_layer(tree, documents, broken, checked=True)
    layer = _checked_layer(tree, documents, broken)
    if key is not None and not layer.problems:
        cache.remember(tree.base_uri, contents, key)
    return layer


def _checks_read() -> tuple[bytes, ...]:
    """What the checks of a file read besides the file: capreg's meta-schema for offering
    files and the registered keywords (registry.schema.cache keys a tree by them too)."""
    meta_path = shipped_schema_root() / META_DIR / "offering.schema.json"
    try:
        meta = meta_path.read_bytes()
    except OSError:
        meta = b""  # the checks then fail as they would without a cache
    return meta, cache.keywords_schemas(KEYWORDS)


def _checked_layer(tree: Tree, documents: dict[str, Any], broken: dict[str, RegistryError],
                   checked: bool = False) -> _Layer:
    """The layer of a tree's documents; `checked`: they passed `_check_document` before."""
    files = {*documents, *broken}
    for uri, document in documents.items() if not checked else ():
        try:
            _check_document(tree, files, documents, uri, document)
        except RegistryError as exc:
            broken[uri] = exc
    for uri, error in broken.items():
        if _folder(tree, uri) == META_DIR:  # the tree's own configuration: nothing can be checked without it
            raise error

    offerings: dict[str, Offering] = {}
    failures: dict[str, RegistryError] = {}
    links: dict[str, frozenset[str]] | None = None  # worked out once a file is broken: only then is it needed
    for uri in sorted(files):
        relative = tree.relative(uri)
        if _folder(tree, uri) in (META_DIR, COMMON_DIR) or "/" not in relative:
            continue
        # The offering's own error, or that of a file it refers to, disables it alone.
        if broken and links is None:
            links = _links(documents)
        problem = next((broken[reached] for reached in _reachable(links.get, uri) if reached in broken),
                       None) if links is not None else None
        if problem is None:
            try:
                offering = _offering(uri, relative, tree.file_name(uri), documents[uri])
            except SchemaFileError as exc:
                problem = broken[uri] = exc
            else:
                offerings[offering.id] = offering
                continue
        failures[relative.removesuffix(".json")] = problem
    meta = {tree.relative(uri).removeprefix(f"{META_DIR}/"): document for uri, document in documents.items()
            if _folder(tree, uri) == META_DIR}
    problems = {tree.file_name(uri): error for uri, error in broken.items()}
    return _Layer(documents, offerings, failures, problems, meta)


def _layered(trees: tuple[Tree, ...], layers: list[_Layer]) -> Registry:
    """The layers laid bottom first: a later offering (usable or not) of an id hides an earlier one."""
    documents: dict[str, Any] = {}
    offerings: dict[str, Offering] = {}
    failures: dict[str, RegistryError] = {}
    problems: dict[str, RegistryError] = {}
    meta: dict[str, Any] = {}
    replaced: dict[str, tuple[Tree, ...]] = {}
    holder: dict[str, Tree] = {}  # offering id -> the tree of its current offering
    for tree, layer in zip(trees, layers):
        documents.update(layer.documents)
        problems.update(layer.problems)
        for offering_id in [*layer.offerings, *layer.failures]:
            if offering_id in holder:
                replaced[offering_id] = (*replaced.get(offering_id, ()), holder[offering_id])
            offerings.pop(offering_id, None)
            failures.pop(offering_id, None)
            holder[offering_id] = tree
        offerings.update(layer.offerings)
        failures.update(layer.failures)
        for name, document in layer.meta.items():
            meta[name] = _merged_meta(name, meta.get(name), document, f"{tree.prefix}{META_DIR}/{name}")
    return Registry(trees, documents, dict(sorted(offerings.items())), meta, failures, problems,
                    {i: t for i, t in sorted(replaced.items()) if i in offerings or i in failures})


CONCEPTS_FILE = "concepts.json"
SYNC_MODES_FILE = "sync-modes.json"
# The members of concepts.json that list, per concept, its names or parts: lists are joined.
_CONCEPT_LISTS = ("$names", "$parts")


def _merged_meta(name: str, earlier: Any, later: Any, file_name: str) -> Any:
    """A meta file of a later tree merged into the same file of the trees below it.

    concepts.json: the union of the concepts, and of each concept's `$names` and `$parts`;
    a concept (or `$flags` entry) defined again must say the same, else the later file is in
    error: one word with two meanings would line different things up in a comparison.
    sync-modes.json: merged by member, and each member object by its keys, the later tree's
    entry replacing the earlier's (a sync mode by its name). Another file (capreg's own
    offering.schema.json): the later tree's replaces it."""
    if name == CONCEPTS_FILE:
        _check_concepts_shape(later, file_name)
    if name not in (CONCEPTS_FILE, SYNC_MODES_FILE) or not isinstance(earlier, dict) or not isinstance(later, dict):
        return later
    merged = dict(earlier)
    for key, value in later.items():
        before = earlier.get(key)
        if name == CONCEPTS_FILE and key in _CONCEPT_LISTS + ("$flags",):
            before = before or {}
        if name == CONCEPTS_FILE and key in _CONCEPT_LISTS:
            merged[key] = {**before, **{concept: list(dict.fromkeys([*before.get(concept, []), *items]))
                                        for concept, items in value.items()}}
        elif name == CONCEPTS_FILE and key == "$flags":
            for concept, part in value.items():
                if before.get(concept, part) != part:
                    raise SchemaFileError(file_name, f"gives concept {concept!r} the flag {part!r}, but a tree below "
                                          f"gives it {before[concept]!r}", f"/$flags/{pointers.escape(concept)}")
            merged[key] = {**before, **value}
        elif name == CONCEPTS_FILE and not key.startswith("$") and before not in (None, value):
            raise SchemaFileError(file_name, f"defines concept {key!r} again, differently from a tree below "
                                  f"({before!r}): name a new concept, or use the same words", f"/{pointers.escape(key)}")
        elif isinstance(before, dict) and isinstance(value, dict):
            merged[key] = {**before, **value}
        else:
            merged[key] = value
    if name == CONCEPTS_FILE:
        _check_one_whole(merged, file_name)
    return merged


def _check_concepts_shape(document: Any, file_name: str) -> None:
    """The shapes of concepts.json the comparison reads: a clear error, not a traceback."""
    def wrong(pointer: str, shape: str) -> SchemaFileError:
        return SchemaFileError(file_name, f"must be {shape}", pointer or None)

    if not isinstance(document, dict):
        raise wrong("", "an object of concept names and their descriptions")
    for key, value in document.items():
        pointer = f"/{pointers.escape(key)}"
        if key in _CONCEPT_LISTS:
            if not isinstance(value, dict) or not all(
                    isinstance(items, list) and all(isinstance(item, str) for item in items) for items in value.values()):
                raise wrong(pointer, "an object mapping each concept to a list of strings")
        elif key == "$flags":
            if not isinstance(value, dict) or not all(isinstance(part, str) for part in value.values()):
                raise wrong(pointer, "an object mapping each concept to one of its parts")
        elif not key.startswith("$") and not isinstance(value, str):
            raise wrong(pointer, "a string: the concept's description")


def _check_one_whole(concepts: dict[str, Any], file_name: str) -> None:
    wholes: dict[str, str] = {}
    for whole, parts in concepts.get("$parts", {}).items():
        for part in parts:
            if wholes.setdefault(part, whole) != whole:
                raise SchemaFileError(file_name, f"makes {part!r} a part of both {wholes[part]!r} and {whole!r}",
                                      f"/$parts/{pointers.escape(whole)}")


def _folder(tree: Tree, uri: str) -> str:
    return tree.relative(uri).split("/", 1)[0]


@derived
def _document_links(registry: Registry, uri: str) -> frozenset[str]:
    """The documents the reference keywords of the document `uri` name (none for a file not
    loaded): every offering compiled lists the common documents it reaches, each walked once."""
    document = registry.documents.get(uri)
    return frozenset() if document is None else _named_documents(uri, document)


def _links(documents: Mapping[str, Any]) -> dict[str, frozenset[str]]:
    """uri -> the documents its reference keywords name."""
    return {uri: _named_documents(uri, document) for uri, document in documents.items()}


def _named_documents(uri: str, document: Any) -> frozenset[str]:
    return frozenset(reference_target(uri, ref)[1] for ref in _refs_in(document))


@functools.lru_cache(maxsize=4096)
def reference_target(base_uri: str, ref: str) -> tuple[str, str, str]:
    """(target URI, its document's URI, its fragment) of a reference made in `base_uri`:
    urllib.parse takes ~8 µs to work it out, and every offering of a model makes the same
    references to the common documents."""
    target = urljoin(base_uri, ref)
    document_uri, fragment = urldefrag(target)
    return target, document_uri, fragment


def _reachable(links: Callable[[str], Iterable[str] | None], start: str) -> list[str]:
    """The document `start` and every document its references reach, transitively (`links`:
    uri -> the documents it names; an unreadable one is listed, and not followed)."""
    found: list[str] = []
    pending = [start]
    while pending:
        uri = pending.pop()
        if uri not in found:
            found.append(uri)
            pending.extend(links(uri) or ())
    return found


def _read_bytes(path: Path, relative: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise SchemaFileError(relative, f"cannot be read: {exc}") from None


def _parsed_json(data: bytes, relative: str) -> Any:
    try:
        # As Path.read_text reads a file: UTF-8, and universal newlines (line numbers count "\r" too).
        text = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8").read()
    except UnicodeDecodeError as exc:
        raise SchemaFileError(relative, f"cannot be read: {exc}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise SchemaFileError(relative, f"is not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None


def _offering(uri: str, relative: str, file_name: str, schema: Any) -> Offering:
    if not isinstance(schema, dict):
        raise SchemaFileError(file_name, "an offering schema must be a JSON object")
    provider, _, filename = relative.partition("/")
    stem = filename.removesuffix(".json")
    missing = [k for k in ("x-provider", "x-model", "x-model-id", "x-model-id-pointer") if k not in schema]
    if missing:
        raise SchemaFileError(file_name, f"missing registry annotation(s) {', '.join(missing)}")
    model, variant = schema["x-model"], schema.get("x-variant")
    expected_stem = f"{model}-{variant}" if variant else model
    if schema["x-provider"] != provider or stem != expected_stem or "/" in filename:
        raise SchemaFileError(
            file_name,
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


def _check_document(tree: Tree, files: Collection[str], documents: dict[str, Any], uri: str, document: Any) -> None:
    """Raise the first problem of one file: a reference that leaves the tree or, outside
    meta/ (configuration, not all of it schemas), what a JSON Schema engine or the rule
    engine would otherwise reject only once a payload is checked."""
    relative = tree.file_name(uri)
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
                _check_ref(tree, files, documents, uri, schema[keyword], f"{pointer}/{keyword}", keyword)
    if _folder(tree, uri) != META_DIR:
        _check_schema(relative, document, located, common=_folder(tree, uri) == COMMON_DIR)


def _check_ref(tree: Tree, files: Collection[str], documents: dict[str, Any], uri: str, ref: str,
               pointer: str, keyword: str) -> None:
    """A reference must name a location inside the tree, and no chain of references may loop."""
    relative = tree.file_name(uri)
    target, document_uri, fragment = reference_target(uri, ref)

    def refuse(problem: str) -> SchemaRefError:
        return SchemaRefError(relative, ref, problem, pointer, keyword)

    if not document_uri.startswith(tree.base_uri):
        where = "points at the network" if "://" in ref and not ref.startswith("file:") else "leaves the schema directory"
        raise refuse(f"{where}; capreg resolves references only inside schemas/ and never fetches")
    if document_uri not in files:
        escaped = ".." in ref and _escapes(tree.relative(uri), ref)
        raise refuse("leaves the schema directory" if escaped else
                     f"names a file that does not exist ({tree.file_name(document_uri)})")
    if fragment and not fragment.startswith("/"):
        raise refuse("uses a plain-name fragment; only JSON-pointer fragments are supported")
    if document_uri not in documents:
        return  # an unreadable file: its own error disables whatever refers to it
    try:
        locate(documents[document_uri], fragment)
    except (LookupError, ValueError):
        raise refuse(f"names a location that does not exist in {tree.file_name(document_uri)}") from None
    _check_no_cycle(documents, relative, ref, target, pointer, keyword)


def _check_schema(relative: str, document: Any, located: list[tuple[pointers.Path, dict[str, Any]]], common: bool) -> None:
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
    shapes = _annotation_shapes(tuple(KEYWORDS))[common]
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
