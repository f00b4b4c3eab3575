"""validate(payload) -> Report, in one line of steps: the value as JSON data, the offering
(named, or detected from the model id in the payload), then the offering's CompiledOffering
checks it (registry.validation.compiled). Also the default registry, and `preload`."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from registry.base import pointers
from registry.base.catalog import rule
from registry.base.errors import UnknownOffering
from registry.base.findings import Finding, Report
from registry.base.text import shortened
from registry.schema.index import index_of
from registry.base.suggest import closest
from registry.schema.tree import FORK_LOCK, Offering, Registry, default_builtin, default_roots, derived, load
from registry.validation import jsondata, structural
from registry.validation.compiled import compiled, concepts_by_name, homes


_loaded: dict[str, Registry] = {}  # "default" | "shipped" -> its registry


def _once(key: str, build: Callable[[], Registry]) -> Registry:
    """The registry `key`, built on first use, once however many threads ask at the same time."""
    registry = _loaded.get(key)
    if registry is None:
        with FORK_LOCK:
            registry = _loaded.get(key)
            if registry is None:
                registry = _loaded[key] = build()
    return registry


def default_registry() -> Registry:
    """The shipped schemas with the trees of one's own laid over them (`[tool.capreg] schemas`,
    $CAPREG_SCHEMAS; $CAPREG_BUILTIN=0 leaves the shipped ones out), loaded on first use and
    shared by every caller."""
    return _once("default", _load_default)


def _load_default() -> Registry:
    roots, builtin = default_roots(), default_builtin()
    return shipped_registry() if builtin and not roots else load(*roots, builtin=builtin)


def shipped_registry() -> Registry:
    """The shipped tree alone, whatever trees are laid over it: what the shipped typed
    clients were generated from. The default registry when there is no tree of one's own."""
    return _once("shipped", lambda: load(builtin=True))


def _forget_default_registry() -> None:
    _loaded.clear()


# Named as when functools.cache made it: tests point the default registry at another tree.
default_registry.cache_clear = _forget_default_registry  # type: ignore[attr-defined]


def preload(registry: Registry | None = None) -> Registry:
    """Load the registry (the default one unless given) and compile every offering: both
    engines' validators, the index, the prepared rule keywords, the advisories, and the
    tables detection, the unknown-property hints and `validate_request`'s routes read. A
    pre-fork server calls it once before forking, so its workers start with nothing left
    to load or compile and share the compiled schemas."""
    from registry.validation.routes import preload_routes  # imported when a service preloads, not by validate

    registry = registry or default_registry()
    _detection_table(registry)
    concepts_by_name(registry)
    preload_routes(registry)
    for offering_id in registry.offerings:
        compiled(registry, offering_id).detailed()
        homes(registry, offering_id)
    return registry


def validate(payload: Any, offering: str | None = None, *, registry: Registry | None = None) -> Report:
    """Check one request payload. The offering (`runware/lipsync-2`) is read from the
    payload's model id when not given. Problems with the payload are findings, never raised;
    an offering whose schemas could not be loaded raises its RegistryError.

    The payload may be any Mapping with string keys and any Sequence other than a string
    (an OrderedDict, a tuple...): the findings are those of the same plain dicts and lists.
    What JSON cannot hold (bytes, a set, NaN, a cycle, a key that is not a string) is a
    `value-not-json` finding at its place.

    Raises TypeError when `offering` is neither a string nor None: that is a mistake in the
    calling code, not in the payload."""
    if offering is not None and not isinstance(offering, str):
        raise TypeError(f"offering must be an offering id such as 'runware/lipsync-2', or None; "
                        f"got {type(offering).__name__} {offering!r:.60}")
    registry = registry or default_registry()
    try:
        # Also what keeps a deep payload from jsonschema-rs, which follows a recursive schema
        # down the payload on the native stack: an overflow is a crash no handler sees.
        payload = jsondata.as_json(payload)
    except jsondata.NotJsonData as exc:
        return Report(offering, (exc.finding,))
    return validate_json_data(payload, offering, registry)


def validate_json_data(payload: Any, offering: str | None, registry: Registry) -> Report:
    """`validate` of a value that is plain JSON data within the limits already, as
    `jsondata.as_json` would give it back: what the file reader makes of JSON text, which
    refuses everything as_json does (registry.io.payloads). The reader's payloads skip that
    second pass over every value."""
    if not isinstance(payload, dict):
        return Report(offering, (rule("payload-not-object").finding("", found=structural.show(payload)),))
    chosen = detect(registry, payload) if offering is None else _named(registry, offering)
    if isinstance(chosen, Finding):
        return Report(None, (chosen,))
    return compiled(registry, chosen.id).check(payload)


def _named(registry: Registry, offering_id: str) -> Offering | Finding:
    """The offering `offering_id`, or the finding that there is none (an offering whose
    schemas are broken raises its error)."""
    try:
        return registry.offering(offering_id)
    except UnknownOffering as exc:
        hint = f"did you mean {exc.suggestion!r}?" if exc.suggestion else "`capreg list` shows every offering"
        return rule("offering-unknown").finding("", hint=hint, what="offering", value=json.dumps(offering_id))


def detect(registry: Registry, payload: dict[str, Any]) -> Offering | Finding:
    """The offering whose model id the payload names, or the finding that says why there is none."""
    table = _detection_table(registry)
    named: list[tuple[str, str]] = []
    candidates: list[Offering] = []
    for pointer, by_id in table.items():
        value = next(iter(pointers.values(payload, pointers.parse(pointer))), None)
        if isinstance(value, str):
            named.append((pointer, value))
            candidates += by_id.get(value, [])
    if len(candidates) == 1:
        return candidates[0]
    if len(candidates) > 1:
        pointer, value = next((p, v) for p, v in named if v in table[p])
        return rule("offering-ambiguous").finding(
            pointer, hint="choose one with --offering (library: offering=...)",
            value=json.dumps(value), at=pointer, candidates=", ".join(o.id for o in candidates),
        )
    if named:
        pointer, value = named[0]
        suggestion = closest(value, table[pointer])
        hint = f"did you mean {json.dumps(suggestion)}?" if suggestion else "`capreg list` shows every model id"
        return rule("offering-unknown").finding(pointer, hint=hint + _not_loaded(registry), what="model id",
                                                value=shortened(json.dumps(value)))
    by_url = sorted({o.provider for o in registry.offerings.values() if o.model_id_pointer is None})
    by_url_note = f" ({', '.join(by_url)} select the model by URL, not in the payload)" if by_url else ""
    return rule("offering-undetected").finding(
        "", hint="name the offering with --offering (library: offering=...)" + _likely(registry, payload)
        + _not_loaded(registry), reason=f"no model id at {', '.join(table) or 'any known place'}{by_url_note}",
    )


# How many offerings a hint names before it says how many more there are.
_NAMED_OFFERINGS = 6


def _likely(registry: Registry, payload: dict[str, Any]) -> str:
    """The offerings selected by URL whose schema accepts the payload; when none does, those
    whose parameters the payload's top-level names match best."""
    by_url = [o for o in registry.offerings.values() if o.model_id_pointer is None]
    accepting = [o.id for o in by_url if compiled(registry, o.id).fast.is_valid(payload)]
    if accepting:
        return f"; it is valid for {_some(accepting)}"
    overlap = {o.id: len(payload.keys() & _top_level_names(registry, o.id)) for o in by_url}
    best = max(overlap.values(), default=0)
    if not best:
        return ""
    return f"; its names match {_some([oid for oid, count in overlap.items() if count == best])}"


def _some(offering_ids: list[str]) -> str:
    named = ", ".join(offering_ids[:_NAMED_OFFERINGS])
    more = len(offering_ids) - _NAMED_OFFERINGS
    return named + (f" and {more} more" if more > 0 else "")


def _top_level_names(registry: Registry, offering_id: str) -> set[str]:
    return {p.name for p in index_of(registry, offering_id).parameters if len(p.tokens) == 1}


def _not_loaded(registry: Registry) -> str:
    """A payload not matched may be for an offering whose schemas are broken: say which."""
    if not registry.failures:
        return ""
    return f"; offerings that could not be loaded: {', '.join(registry.failures)} (`capreg lint` says why)"


@derived
def _detection_table(registry: Registry) -> dict[str, dict[str, list[Offering]]]:
    """pointer -> model id -> offerings that declare that id at that pointer."""
    table: dict[str, dict[str, list[Offering]]] = {}
    for offering in registry.offerings.values():
        if offering.model_id_pointer is None:
            continue
        for model_id in offering.model_ids:
            table.setdefault(offering.model_id_pointer, {}).setdefault(model_id, []).append(offering)
    return table
