"""The structural check: the offering's JSON Schema, run by two engines.

Valid payloads are the common case, so `is_valid` asks jsonschema-rs, which compiles the
schema to native code. A payload it rejects is explained from its own errors (the keyword,
where in the schema, each branch of a `oneOf` and what it found there) read with the
schema documents: the branch the payload meant, every missing property. Only a keyword
whose finding quotes jsonschema's message (`uniqueItems`, `not` …) brings in the
pure-Python jsonschema. Both engines see the same documents through registries that refuse
to fetch anything.
"""

from __future__ import annotations

import itertools
import functools
import json
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from registry.base import pointers
from registry.base.catalog import rule
from registry.base.findings import Finding, Listing
from registry.base.frozen import record
from registry.base.text import code as _code
from registry.base.text import shortened
from registry.schema.patterns import matches
from registry.base.suggest import closest, matching_characters
from registry.schema.tree import DRAFT_2020_12, FORK_LOCK, Offering, Registry, derived, subschemas

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError



@record
class UnknownAdvice:
    """What to say about an unknown property: the hint, and where the offering takes the
    parameters the property holds (or is), when it is one placed at the wrong level."""

    hint: str | None
    belongs_at: tuple[str, ...] = ()  # pointer patterns of the parameters it should be moved to


# Advice about an unknown property of the offering's payload, or None: (name, value) -> advice
UnknownHint = Callable[[str, Any], "UnknownAdvice | None"]


def _refuse(uri: str) -> Any:
    raise LookupError(f"{uri} is not in schemas/; capreg never fetches schemas")


def fast_validator(registry: Registry, offering: Offering) -> Any:
    """The offering's schema compiled by jsonschema-rs (registry.validation.compiled holds it)."""
    with FORK_LOCK:
        import jsonschema_rs

    resources = jsonschema_rs.Registry(list(registry.documents_for(offering).items()), retriever=_refuse)
    return jsonschema_rs.Draft202012Validator(
        {"$ref": offering.uri}, registry=resources, retriever=_refuse, validate_formats=False
    )


@derived
def detailed_validator(registry: Registry, offering: Offering) -> Any:
    """The offering's schema for jsonschema, built on the first payload to explain: a run
    whose payloads are all valid never imports jsonschema."""
    with FORK_LOCK:
        import referencing
        import referencing.exceptions
        from jsonschema import Draft202012Validator
        from referencing.jsonschema import DRAFT202012

    def refuse(uri: str) -> referencing.Resource:
        raise referencing.exceptions.NoSuchResource(ref=uri)

    # Without `$schema`: jsonschema picks the class of a document's declared dialect when
    # it follows a `$ref` into it, which would drop the ECMA-262 `pattern` below.
    resources = referencing.Registry(retrieve=refuse).with_resources(
        (uri, DRAFT202012.create_resource(_without_dialect(doc)))
        for uri, doc in registry.documents_for(offering).items()
    )
    return _ecma_validator_class()({"$ref": offering.uri}, registry=resources)


def _without_dialect(document: Any) -> Any:
    if isinstance(document, dict) and document.get("$schema") == DRAFT_2020_12:
        return {k: v for k, v in document.items() if k != "$schema"}
    return document


@functools.cache
def _ecma_validator_class() -> Any:
    """Draft 2020-12 whose regular expressions are ECMA-262's, matched by jsonschema-rs
    (registry.patterns): Python's `re` has other semantics (its `$` also matches before a
    final newline) and backtracks, so a payload the fast check rejected in microseconds
    could take minutes to explain. These are the keywords that match payload text."""
    from jsonschema import Draft202012Validator, ValidationError, validators

    def pattern(validator: Any, expected: str, instance: Any, schema: Any) -> Any:
        if validator.is_type(instance, "string") and not matches(expected, instance):
            yield ValidationError(f"{instance!r} does not match {expected!r}")

    def pattern_properties(validator: Any, expected: dict[str, Any], instance: Any, schema: Any) -> Any:
        if not validator.is_type(instance, "object"):
            return
        for name_pattern, subschema in expected.items():
            for name, value in instance.items():
                if matches(name_pattern, name):
                    yield from validator.descend(value, subschema, path=name, schema_path=name_pattern)

    def additional_properties(validator: Any, additional: Any, instance: Any, schema: Any) -> Any:
        if not validator.is_type(instance, "object"):
            return
        extras = _additional_names(instance, schema)
        if validator.is_type(additional, "object"):
            for extra in extras:
                yield from validator.descend(instance[extra], additional, path=extra)
        elif additional is False and extras:
            yield ValidationError(f"Additional properties are not allowed ({', '.join(map(repr, extras))} unexpected)")

    return validators.extend(Draft202012Validator, {
        "pattern": pattern, "patternProperties": pattern_properties, "additionalProperties": additional_properties})


def _additional_names(instance: dict[str, Any], schema: dict[str, Any]) -> list[str]:
    """The names of `instance` neither `properties` nor `patternProperties` of `schema` covers."""
    named, name_patterns = schema.get("properties", {}), schema.get("patternProperties", {})
    if not name_patterns:
        return [name for name in instance if name not in named]
    return [name for name in instance
            if name not in named and not any(matches(pattern, name) for pattern in name_patterns)]


def explainable(registry: Registry, offering: Offering) -> bool:
    """Whether the detailed engine may explain this offering's rejections. jsonschema works
    out `unevaluatedProperties` with a helper that matches `patternProperties` with Python's
    backtracking `re`, beyond the keywords replaced above: when an offering uses both, its
    rejections are explained by jsonschema-rs's own errors instead."""

    keywords = {keyword for document in registry.documents_for(offering).values()
                for schema in subschemas(document) for keyword in schema}
    return not {"unevaluatedProperties", "patternProperties"} <= keywords


# The pure-Python engine builds an object per error, ~0.1 ms each: past this many, explaining
# more would take seconds on a hostile payload and tell nothing the first ones do not.
EXPLAINED_ERRORS = 1_000


def schema_findings(offering: Offering, fast: Any, detailed: Callable[[], Any] | None, payload: Any,
                    unknown_hint: UnknownHint, *, documents: Mapping[str, Any], rejected: bool = False) -> list[Finding]:
    """What the payload breaks of the offering's JSON Schema; empty when it satisfies it.
    `fast`: the jsonschema-rs validator; `detailed`: gives the jsonschema one, None when the
    offering is not `explainable`; `documents`: the registry's, where jsonschema-rs's errors
    point (a rejection is explained from them, and by jsonschema only where they cannot be);
    `rejected`: the caller had `fast` say the payload is invalid, so it is not asked again."""
    try:
        if not rejected and fast.is_valid(payload):
            return []
        findings: list[Finding] = []
        if detailed is not None:
            try:
                errors = _engine_errors(documents, fast, payload) or list(itertools.islice(
                    detailed().iter_errors(payload), EXPLAINED_ERRORS + 1))
                explainer = _Explainer(offering, unknown_hint)
                explainer.explain(errors[:EXPLAINED_ERRORS])
                findings = explainer.listing.close(explainer.found)
                if len(errors) > EXPLAINED_ERRORS and findings:
                    findings[-1] = findings[-1].replaced(message=(
                        f"{findings[-1].message} (capreg stopped after the first {EXPLAINED_ERRORS:,} "
                        "schema errors of this payload; there are more)"))
            except Exception:  # noqa: BLE001 - e.g. deep nesting
                pass
        # The detailed engine failed, or found nothing where jsonschema-rs found something
        # (the engines differ on some ECMA-262 regex semantics): a rejection is never lost.
        if findings:
            return findings
        listing = Listing()
        return listing.close([
            rule("schema").finding(pointers.to_pointer(error.instance_path),
                                   name=describe(tuple(error.instance_path)), detail=_detail(error))
            for error in fast.iter_errors(payload) if listing.wants("schema")
        ])
    except ValueError as exc:  # jsonschema-rs cannot take the value at all: too deep, or not JSON
        reason = "it is nested too deeply" if "recursion" in str(exc).lower() else str(exc)
        return [rule("uncheckable").finding("", reason=reason)]


# The keywords whose jsonschema-rs errors the explainer words as it words jsonschema's: every
# other one (`uniqueItems`, `not`, `dependentRequired` …) is worded from jsonschema's message.
_ENGINE_KEYWORDS = frozenset({
    "required", "additionalProperties", "unevaluatedProperties", "oneOf", "anyOf", "type", "enum", "const",
    "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minLength", "maxLength",
    "pattern", "format", "minItems", "maxItems", "minProperties", "maxProperties"})
# Applicators whose errors stand for something else than the value at the error's path
# (`propertyNames` checks a name, `not` and `contains` invert or gather).
_FOREIGN_APPLICATORS = frozenset({"propertyNames", "not", "contains", "unevaluatedItems"})


@record
class _EngineError:
    """One jsonschema-rs error in the shape of jsonschema's ValidationError, as far as the
    explainer reads it: the keyword, its value and schema, the payload value and its path,
    and for `oneOf`/`anyOf` the errors of every branch."""

    validator: str | None  # None: a `false` schema
    validator_value: Any
    schema: Any
    instance: Any
    absolute_path: pointers.Path
    relative_schema_path: tuple[str | int, ...]  # from the enclosing `oneOf`/`anyOf`: the branch first
    context: tuple[_EngineError, ...]


class _Unexplained(Exception):
    """A jsonschema-rs error the explainer cannot word from the engine's own error."""


def _engine_errors(documents: Mapping[str, Any], fast: Any, payload: Any) -> list[_EngineError] | None:
    """jsonschema-rs's own errors, ready for the explainer (a few microseconds, where
    jsonschema takes a hundred and more and imports for 50 ms), or None when one of them
    is only worded right from jsonschema's error."""
    try:
        return [_engine_error(documents, error, payload, ())
                for error in itertools.islice(fast.iter_errors(payload), EXPLAINED_ERRORS + 1)]
    except _Unexplained:
        return None


def _engine_error(documents: Mapping[str, Any], error: Any, payload: Any, enclosing: tuple[Any, ...]) -> _EngineError:
    location = error.absolute_keyword_location
    evaluated = tuple(error.evaluation_path)
    own = evaluated[len(enclosing):]
    if location is None or not _FOREIGN_APPLICATORS.isdisjoint(own):
        raise _Unexplained
    if error.kind.name == "falseSchema":
        if not enclosing:  # worded from jsonschema's message; within a branch, it only rejects the branch
            raise _Unexplained
        keyword, value, schema = None, None, False
    else:
        uri, tokens = _keyword_location(location)
        keyword = tokens[-1] if tokens else None
        if keyword not in _ENGINE_KEYWORDS:
            raise _Unexplained
        try:
            schema = documents[uri]
            for token in tokens[:-1]:
                schema = schema[int(token)] if isinstance(schema, list) else schema[token]
            value = schema[keyword]
        except (KeyError, IndexError, ValueError, TypeError):
            raise _Unexplained from None
    context = ()
    if keyword in ("oneOf", "anyOf"):
        branches = getattr(error.kind, "context", None) or ()
        context = tuple(_engine_error(documents, sub, payload, evaluated) for branch in branches for sub in branch)
    path = tuple(error.instance_path)
    return _EngineError(keyword, value, schema, _value_at(payload, path), path, own, context)


@functools.lru_cache(maxsize=4096)
def _keyword_location(location: str) -> tuple[str, tuple[str, ...]]:
    """The document URI and the tokens to the keyword of a jsonschema-rs keyword location:
    a schema's keywords are few, and the same ones fail payload after payload."""
    uri, _, fragment = location.partition("#")
    if "%" in fragment:  # a schema key a URI must escape (`^[a-z]+$` under patternProperties)
        import urllib.parse

        fragment = urllib.parse.unquote(fragment)
    return uri, pointers.parse(fragment)


def _value_at(payload: Any, path: pointers.Path) -> Any:
    """The payload's own value at `path` (jsonschema-rs would hand over a copy)."""
    for token in path:
        payload = payload[token]
    return payload


@functools.lru_cache(maxsize=1024)
def _allowed_here(allowed: tuple[str, ...]) -> str | None:
    """The hint naming an object's properties, worded once per object schema: the same
    unknown names come back payload after payload."""
    return f"allowed here: {', '.join(_code(a) for a in allowed)}" if allowed else None


class _Explainer:
    """Turns jsonschema errors into findings with a rule id, a pointer and a plain message,
    in `found` (a list filled in place: an invalid payload is explained in microseconds, and
    generators nested per error would cost a good part of them)."""

    def __init__(self, offering: Offering, unknown_hint: UnknownHint) -> None:
        self.offering = offering
        self.unknown_hint = unknown_hint
        self.listing = Listing()
        self.found: list[Finding] = []

    def explain(self, errors: list[ValidationError]) -> None:
        misnamed = _misnamed(errors)
        reported_required: set[tuple[Any, ...]] = set()
        for error in errors:
            path = tuple(error.absolute_path)
            keyword = error.validator
            if keyword == "required":
                # jsonschema raises one error per missing name; report each name once.
                if path in reported_required:
                    continue
                reported_required.add(path)
                self._required(error, path, misnamed.get(path, _NONE_MISNAMED))
            elif keyword in ("additionalProperties", "unevaluatedProperties"):
                self._unknown(error, path, misnamed.get(path, _NONE_MISNAMED))
            elif keyword in ("oneOf", "anyOf"):
                self._one_of(error, path)
            else:
                finding = self._simple(error, path)
                if self.listing.wants(finding.rule):
                    self.found.append(finding)

    def _required(self, error: ValidationError, path: pointers.Path, misnamed: Mapping[str, str]) -> None:
        instance = error.instance
        if not isinstance(instance, dict):
            return
        spelt_otherwise = misnamed.values()  # the unknown-property finding says it
        properties = error.schema.get("properties", {})
        for name in error.validator_value:
            if name not in instance and name not in spelt_otherwise and self.listing.wants("required"):
                self.found.append(rule("required").finding(
                    _pointer_to(path, name), hint=_describe_schema(properties.get(name)),
                    name=_code(name), context=f" in {describe(path)}" if path else "",
                ))

    def _unknown(self, error: ValidationError, path: pointers.Path, misnamed: Mapping[str, str]) -> None:
        instance, schema = error.instance, error.schema
        for name in _additional_names(instance, schema):
            if not self.listing.wants("unknown-property"):
                continue
            meant = misnamed.get(name)
            if meant is not None:
                hint, belongs_at = f"did you mean {_code(meant)}? (it is required)", ()
            else:
                advice = self.unknown_hint(name, instance[name])
                hint, belongs_at = (advice.hint, advice.belongs_at) if advice is not None else (None, ())
            if hint is None:
                allowed = tuple(schema.get("properties", {}))
                suggestion = _suggestion(name, allowed)
                hint = f"did you mean {_code(suggestion)}?" if suggestion else _allowed_here(allowed)
            extra = {"belongs_at": list(belongs_at)} if belongs_at else {}
            self.found.append(rule("unknown-property").finding(
                _pointer_to(path, name), hint=hint, name=_code(shortened(name)), offering=self.offering.id,
                context=f" (in {describe(path)})" if path else "", **extra,
            ))

    def _one_of(self, error: ValidationError, path: pointers.Path) -> None:
        branches: dict[int | None, list[ValidationError]] = {}
        for sub in error.context or ():
            # an error of a `false` branch has no schema path: it rejects everything anyway
            branches.setdefault(sub.relative_schema_path[0] if sub.relative_schema_path else None, []).append(sub)
        depth = len(path)

        def rejects(sub: ValidationError) -> bool:
            # The payload did not mean this branch: its discriminating constant differs,
            # or the value is not even of the branch's type.
            sub_depth = len(sub.absolute_path)
            return sub.validator is None or (sub.validator == "const" and sub_depth <= depth + 1) or (
                sub.validator == "type" and sub_depth == depth)

        meant = [errs for errs in branches.values() if not any(rejects(e) for e in errs)]
        if len(meant) > 1:
            fewest = min(len(errs) for errs in meant)
            meant = [errs for errs in meant if len(errs) == fewest]
        if len(meant) == 1:
            self.explain(meant[0])
            return
        if not self.listing.wants("no-match"):
            return
        names = [_branch_label(b) for b in error.validator_value]
        self.found.append(rule("no-match").finding(
            pointers.to_pointer(path), name=describe(path), expected=" or ".join(names), found=show(error.instance),
        ))

    def _simple(self, error: ValidationError, path: pointers.Path) -> Finding:
        keyword, value, instance, schema = error.validator, error.validator_value, error.instance, error.schema
        name, pointer = describe(path), pointers.to_pointer(path)
        if keyword == "type":
            expected = " or ".join(_a(t) for t in ([value] if isinstance(value, str) else value))
            return rule("type").finding(pointer, name=name, expected=expected, found=show(instance))
        if keyword == "enum":
            expected, words = _enum_wording(value)
            suggestion = _suggestion(instance, words) if isinstance(instance, str) else None
            return rule("enum").finding(
                pointer, hint=f"did you mean {json.dumps(suggestion)}?" if suggestion else None,
                name=name, expected=expected, found=show(instance),
            )
        if keyword == "const":
            return rule("const").finding(pointer, name=name, expected=json.dumps(value), found=show(instance))
        if keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"):
            return rule("range").finding(pointer, name=name, expected=_range(schema), found=show(instance))
        if keyword in ("minLength", "maxLength"):
            return rule("length").finding(
                pointer, name=name, expected=_bounds(schema, "minLength", "maxLength", "character"),
                found=f"{len(instance)} characters")
        if keyword == "pattern":
            return rule("pattern").finding(
                pointer, hint=_describe_schema(schema), name=name, expected=f"match the pattern {value}",
                found=show(instance))
        if keyword == "format":
            return rule("format").finding(pointer, name=name, expected=f"a {value}", found=show(instance))
        if keyword in ("minItems", "maxItems"):
            return rule("item-count").finding(
                pointer, name=name, expected=_bounds(schema, "minItems", "maxItems", "item"),
                found=f"{len(instance)}")
        if keyword == "uniqueItems":
            return rule("unique-items").finding(pointer, name=name, found=_detail(error))
        if keyword in ("minProperties", "maxProperties"):
            return rule("property-count").finding(
                pointer, name=name, expected=_bounds(schema, "minProperties", "maxProperties", "property"),
                found=f"{len(instance)}")
        return rule("schema").finding(pointer, name=name, detail=_detail(error))


# How alike an unknown name and a missing required one must be to count as one misspelling:
# stricter than a did-you-mean, so `video_url` where an image model requires `image_url`
# stays two findings (a wrong input, not a typo).
_MISSPELT = 0.8
# object path -> unknown property name -> the missing required name it is a misspelling of
_Misnamed = dict[pointers.Path, dict[str, str]]
_NONE_MISNAMED: Mapping[str, str] = MappingProxyType({})


def _misnamed(errors: list[ValidationError]) -> _Misnamed:
    """Unknown properties that are close to a required property missing from the same
    object: one mistake (`vidoe_url` for `video_url`), reported once, as the unknown name."""
    missing: dict[pointers.Path, list[str]] = {}
    for error in errors:
        if error.validator == "required" and isinstance(error.instance, dict):
            missing.setdefault(tuple(error.absolute_path), []).extend(
                name for name in error.validator_value if isinstance(name, str) and name not in error.instance)
    found: _Misnamed = {}
    for error in errors:
        path = tuple(error.absolute_path)
        if error.validator not in ("additionalProperties", "unevaluatedProperties") or path not in missing:
            continue
        for name in _additional_names(error.instance, error.schema):
            meant = _misspelling(name, tuple(missing[path]))
            if meant is not None and meant not in found.get(path, {}).values():
                found.setdefault(path, {})[name] = meant
    return found


# How long a word `_suggestion` and `_misspelling` remember the answer for: a payload's
# names and enum values are short, and a long string is no one's typo to search twice.
_REMEMBERED_WORD = 100


def _suggestion(word: str, candidates: tuple[str, ...]) -> str | None:
    """`closest(word, candidates)`, remembered for a short word: a client that sends the same
    wrong name or value payload after payload (one misconfigured integration) has it searched once."""
    return _remembered_suggestion(word, candidates) if len(word) <= _REMEMBERED_WORD else closest(word, candidates)


@functools.lru_cache(maxsize=1024)
def _remembered_suggestion(word: str, candidates: tuple[str, ...]) -> str | None:
    return closest(word, candidates)


def _misspelling(name: str, missing: tuple[str, ...]) -> str | None:
    """The missing name `name` is a misspelling of, or None; remembered like `_suggestion`."""
    return _remembered_misspelling(name, missing) if len(name) <= _REMEMBERED_WORD else _misspelling_of(name, missing)


@functools.lru_cache(maxsize=1024)
def _remembered_misspelling(name: str, missing: tuple[str, ...]) -> str | None:
    return _misspelling_of(name, missing)


def _misspelling_of(name: str, missing: tuple[str, ...]) -> str | None:
    if not _alike_enough(name, missing):  # most unknown names: no search
        return None
    meant = closest(name, missing)
    # difflib's ratio, as closest works it out (difflib's own matcher costs ten times more)
    if meant is not None and 2.0 * matching_characters(name, meant) / (len(name) + len(meant)) >= _MISSPELT:
        return meant
    return None


def _alike_enough(name: str, missing: tuple[str, ...]) -> bool:
    """Whether a missing name may be alike enough to `name` to count as its misspelling: the
    characters it shares with `name` however placed bound how alike they are, so most
    unknown names are ruled out without comparing them."""
    comparable = [meant for meant in missing
                  if 2.0 * min(len(meant), len(name)) / (len(meant) + len(name)) >= _MISSPELT]
    if not comparable:
        return False
    in_name = dict.fromkeys(map(ord, name))
    return any(2.0 * (len(meant) - len(meant.translate(in_name))) / (len(meant) + len(name)) >= _MISSPELT
               for meant in comparable)


def _pointer_to(path: pointers.Path, name: str) -> str:
    """The pointer to member `name` of the object at `path`."""
    return f"{pointers.to_pointer(path)}/{pointers.escape(name)}"


def describe(path: pointers.Path) -> str:
    """A readable name for a payload location: `syncMode`, item 2 of `input`, the payload."""
    if not path:
        return "the payload"
    last = path[-1]
    if isinstance(last, int):
        parent = path[-2] if len(path) > 1 else None
        return f"item {last} of {_code(shortened(str(parent)))}" if parent is not None else f"item {last}"
    return _code(shortened(last))


def _detail(error: Any) -> str:
    """An engine's own message, which quotes the whole value it rejects, cut short."""
    return shortened(error.message, 200)


# json.dumps(value, ensure_ascii=False), without building an encoder per value.
_as_json_text = json.JSONEncoder(ensure_ascii=False).encode


def show(value: Any) -> str:
    """A short rendering of a found value that also tells its JSON type."""
    if isinstance(value, dict):
        return "an object" if value else "an empty object"
    if isinstance(value, list):
        return f"an array of {len(value)} item{'' if len(value) == 1 else 's'}"
    text = _as_json_text(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"the string {text}" if isinstance(value, str) else text


# id of an `enum` list of the schemas -> (that list, its values listed, its strings): an enum
# is worded once, not on each payload that misses it. The list is kept, so its id stays its own.
_ENUM_WORDINGS: dict[int, tuple[list[Any], str, tuple[str, ...]]] = {}
_ENUM_WORDINGS_KEPT = 1024


def _enum_wording(values: list[Any]) -> tuple[str, tuple[str, ...]]:
    """The enum's values as the finding lists them, and those of them a misspelt string may mean."""
    known = _ENUM_WORDINGS.get(id(values))
    if known is not None and known[0] is values:
        return known[1], known[2]
    listed, words = _listed(values), tuple(v for v in values if isinstance(v, str))
    if len(_ENUM_WORDINGS) >= _ENUM_WORDINGS_KEPT:
        _ENUM_WORDINGS.clear()
    _ENUM_WORDINGS[id(values)] = (values, listed, words)
    return listed, words


def _listed(values: list[Any]) -> str:
    """The values as JSON, comma-separated: the array's own JSON text without its brackets."""
    return json.dumps(values)[1:-1]


def _a(json_type: str) -> str:
    return {"object": "an object", "array": "an array", "integer": "an integer", "null": "null"}.get(json_type, f"a {json_type}")


def _range(schema: dict[str, Any]) -> str:
    parts = []
    if "minimum" in schema:
        parts.append(f"≥ {schema['minimum']}")
    if "exclusiveMinimum" in schema:
        parts.append(f"> {schema['exclusiveMinimum']}")
    if "maximum" in schema:
        parts.append(f"≤ {schema['maximum']}")
    if "exclusiveMaximum" in schema:
        parts.append(f"< {schema['exclusiveMaximum']}")
    if "multipleOf" in schema:
        parts.append(f"a multiple of {schema['multipleOf']}")
    return " and ".join(parts)


def _bounds(schema: dict[str, Any], low_key: str, high_key: str, unit: str) -> str:
    low, high = schema.get(low_key), schema.get(high_key)
    plural = "ies" if unit.endswith("y") else "s"
    units = unit[:-1] + plural if unit.endswith("y") else unit + plural
    if low is not None and high is not None:
        return f"{low} to {high} {units}"
    if low is not None:
        return f"at least {low} {unit if low == 1 else units}"
    return f"at most {high} {unit if high == 1 else units}"


def _describe_schema(schema: Any) -> str | None:
    return schema.get("description") if isinstance(schema, dict) else None


def _branch_label(branch: Any) -> str:
    if not isinstance(branch, dict):
        return json.dumps(branch)
    if "title" in branch:
        return str(branch["title"])
    for name, sub in branch.get("properties", {}).items():
        if isinstance(sub, dict) and "const" in sub:
            return f"{name} {json.dumps(sub['const'])}"
    if "type" in branch:
        return _a(branch["type"]) if isinstance(branch["type"], str) else "/".join(branch["type"])
    if "$ref" in branch:
        return branch["$ref"].rsplit("/", 1)[-1]
    return "a schema"
