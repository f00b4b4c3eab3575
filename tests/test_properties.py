"""Property tests over the real schemas.

- Payloads generated from each offering's schema pass the structural check, and the
  generated typed client reaches the same verdict as the validator.
- Valid example payloads, mutated, raise the rule the mutation breaks: a required field
  dropped -> `required`, a number out of range -> `range`, a value outside an enum ->
  `enum`, a segment `ref` naming no input -> `ref-unknown`, start and end swapped ->
  `out-of-order`; and the client rejects them too.
- Whatever the payload, the two engines agree (a payload jsonschema-rs rejects always gets a
  structural finding from jsonschema) and nothing raises: not validate, not the clients,
  not the file reader given mangled bytes.

The strategies are built here from each offering's bundled schema (`codegen.bundle`) for
the keywords capreg's schemas use. hypothesis-jsonschema would have been the tool, but
0.23.1 (its latest) drives a Hypothesis internal (`many.more()`) that current Hypothesis
no longer has. CI runs a few hundred cases, derandomized; `scripts/fuzz` runs the same
properties for 100,000 cases and more.
"""

from __future__ import annotations

import copy
import functools
import importlib
import math
import re
import string
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pydantic
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import registry
from registry.codegen import clients as codegen
from registry.io import payloads
from registry.base import pointers
from registry.validation.compiled import compiled
from registry.schema.index import index_of

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

CI = settings(max_examples=25, derandomize=True, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])


# -- the system under test, as the properties see it -----------------------------------------

def the_registry() -> registry.Registry:
    # The default registry: the clients check their cross-field rules against it.
    return registry.default_registry()


@functools.cache
def client_class(offering_id: str) -> type[Any]:
    offering = the_registry().offering(offering_id)
    return getattr(importlib.import_module(codegen.import_path(offering)), codegen.class_name(offering))


@dataclass(frozen=True)
class Verdicts:
    fast: bool  # jsonschema-rs: structurally valid
    detailed: bool  # jsonschema: no error
    structural: tuple[Any, ...]  # CompiledOffering.schema_findings: the structural findings
    report: registry.Report  # validate()
    client: bool  # the typed client accepts
    client_errors: tuple[str, ...] = ()  # pydantic's error types when it does not

    def disagreements(self) -> list[str]:
        found = []
        if self.fast != self.detailed:
            found.append(f"jsonschema-rs says {_valid(self.fast)}, jsonschema says {_valid(self.detailed)}")
        if self.fast == bool(self.structural):
            found.append(f"jsonschema-rs says {_valid(self.fast)}, the structural check gives {len(self.structural)} findings")
        if self.report.ok and not self.client:
            found.append(f"validate says ok, the client rejects ({', '.join(sorted(set(self.client_errors)))})")
        elif not self.report.ok and self.client:
            found.append(f"validate says not ok ({', '.join(sorted({f.rule for f in self.report.errors}))}), "
                         f"the client accepts: {[(f.rule, f.pointer) for f in self.report.errors]}")
        return found


def _valid(flag: bool) -> str:
    return "valid" if flag else "invalid"


def verdicts(offering_id: str, payload: Any) -> Verdicts:
    reg = the_registry()
    engines = compiled(reg, offering_id)
    fast = bool(engines.fast.is_valid(payload))
    detailed = next(iter(engines.detailed().iter_errors(payload)), None) is None
    findings = tuple(engines.schema_findings(payload))
    report = registry.validate(payload, offering_id, registry=reg)
    try:
        client_class(offering_id).model_validate(copy.deepcopy(payload))
    except pydantic.ValidationError as exc:
        return Verdicts(fast, detailed, findings, report, False, tuple(e["type"] for e in exc.errors()))
    return Verdicts(fast, detailed, findings, report, True)


# -- payloads from a schema ----------------------------------------------------------------

JSON_SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text()
JSON_VALUES = st.recursive(JSON_SCALARS, lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=6)
URL_PATHS = st.text(alphabet=string.ascii_letters + string.digits + "-_", min_size=1, max_size=12)


class SchemaStrategies:
    """Hypothesis strategies for the instances of a bundled schema (every `$ref` local):
    the keywords capreg's schemas use, each value valid by construction."""

    def __init__(self, bundle: dict[str, Any]) -> None:
        self.bundle = bundle

    def for_schema(self, schema: Any) -> st.SearchStrategy[Any]:
        if schema is True or schema == {}:
            return JSON_VALUES
        if schema is False:
            return st.nothing()
        schema = self.flatten(schema)
        if "const" in schema:
            return st.just(schema["const"])
        if "enum" in schema:
            return st.sampled_from(schema["enum"])
        for keyword in ("oneOf", "anyOf"):
            if keyword in schema:
                rest = {k: v for k, v in schema.items() if k != keyword}
                return st.one_of([self.for_schema(self.merge(rest, branch)) for branch in schema[keyword]])
        kinds = schema.get("type", ["object"] if "properties" in schema else None)
        if kinds is None:
            return JSON_VALUES
        kinds = [kinds] if isinstance(kinds, str) else kinds
        return st.one_of([self.typed(kind, schema) for kind in kinds])

    def flatten(self, schema: dict[str, Any]) -> dict[str, Any]:
        """The schema with its `$ref` and `allOf` merged in."""
        result = {k: v for k, v in schema.items() if k not in ("$ref", "allOf")}
        if "$ref" in schema:
            result = self.merge(self.flatten(self.resolve(schema["$ref"])), result)
        for member in schema.get("allOf", ()):
            result = self.merge(result, self.flatten(member))
        return result

    def resolve(self, ref: str) -> Any:
        assert ref.startswith("#"), ref
        node: Any = self.bundle
        for token in pointers.parse(ref[1:]):
            node = node[token]
        return node

    @staticmethod
    def merge(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
        merged = {**first, **second}
        if "properties" in first and "properties" in second:
            merged["properties"] = dict(first["properties"])
            for name, sub in second["properties"].items():
                merged["properties"][name] = {"allOf": [first["properties"][name], sub]} \
                    if name in first["properties"] else sub
        if "required" in first or "required" in second:
            merged["required"] = list(dict.fromkeys([*first.get("required", ()), *second.get("required", ())]))
        return merged

    def typed(self, kind: str, schema: dict[str, Any]) -> st.SearchStrategy[Any]:
        if kind == "object":
            properties = schema.get("properties", {})
            required = schema.get("required", [])
            return st.fixed_dictionaries(
                {name: self.for_schema(properties.get(name, True)) for name in required},
                optional={name: self.for_schema(sub) for name, sub in properties.items() if name not in required})
        if kind == "array":
            low = schema.get("minItems", 0)
            high = min(schema.get("maxItems", low + 3), low + 3)
            return st.lists(self.for_schema(schema.get("items", True)), min_size=low, max_size=high)
        if kind == "string":
            low, high = schema.get("minLength", 0), schema.get("maxLength")
            if "pattern" in schema:
                text = st.from_regex(schema["pattern"], fullmatch=True)
            elif schema.get("format") == "uri":
                text = URL_PATHS.map(lambda path: f"https://example.com/{path}")
            else:
                return st.text(min_size=low, max_size=min(high if high is not None else 20, low + 20))
            return text.filter(lambda s: len(s) >= low and (high is None or len(s) <= high))
        if kind in ("integer", "number"):
            return self.number(kind, schema)
        if kind == "boolean":
            return st.booleans()
        if kind == "null":
            return st.none()
        raise AssertionError(f"no strategy for type {kind!r}")

    @staticmethod
    def number(kind: str, schema: dict[str, Any]) -> st.SearchStrategy[Any]:
        low, high = schema.get("minimum"), schema.get("maximum")
        low_open, high_open = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
        if kind == "integer":
            lowest = math.ceil(low) if low is not None else (math.floor(low_open) + 1 if low_open is not None else None)
            highest = math.floor(high) if high is not None else (math.ceil(high_open) - 1 if high_open is not None else None)
            return st.integers(min_value=lowest, max_value=highest)
        floats = st.floats(
            min_value=low if low is not None else low_open, max_value=high if high is not None else high_open,
            exclude_min=low is None and low_open is not None, exclude_max=high is None and high_open is not None,
            allow_nan=False, allow_infinity=False)
        integers = SchemaStrategies.number("integer", schema)
        return floats | integers


@functools.cache
def payload_strategy(offering_id: str) -> st.SearchStrategy[Any]:
    reg = the_registry()
    bundle = codegen.bundle(reg, reg.offering(offering_id))
    return SchemaStrategies(bundle).for_schema(bundle)


def offering_ids() -> list[str]:
    return list(registry.load(ROOT / "schemas").offerings)


# -- mutations of valid examples --------------------------------------------------------------

@functools.cache
def valid_examples() -> tuple[tuple[str, str, Any], ...]:
    """(offering id, file, payload) of every valid example."""
    found = []
    for path in sorted(EXAMPLES.glob("*/*/valid/*")):
        offering_id = "/".join(path.relative_to(EXAMPLES).parts[:2])
        for payload in payloads.read(str(path)):
            assert payload.problem is None, path
            found.append((offering_id, str(path.relative_to(ROOT)), payload.value))
    return tuple(found)


@dataclass(frozen=True)
class Site:
    """A place in a valid example where a mutation breaks exactly one rule."""

    offering: str
    example: str
    payload: Any
    path: pointers.Path
    facts: Any  # what the mutation needs: a parameter's facts, or a rule's argument

    @property
    def pointer(self) -> str:
        return pointers.to_pointer(self.path)


def _parameters(offering_id: str) -> list[Any]:
    return [p for p in index_of(the_registry(), offering_id).parameters if p.variant is None]


def _sites(find: Callable[[str, Any], list[tuple[pointers.Path, Any]]]) -> list[Site]:
    return [Site(offering, example, payload, path, facts)
            for offering, example, payload in valid_examples() for path, facts in find(offering, payload)]


@functools.cache
def required_sites() -> list[Site]:
    def find(offering: str, payload: Any) -> list[tuple[pointers.Path, Any]]:
        return [(path, p.schema) for p in _parameters(offering) if p.required
                for path, _ in pointers.expand(payload, p.tokens)]
    return _sites(find)


def _settable(payload: Any, tokens: tuple[str, ...]) -> list[pointers.Path]:
    """Where a parameter is, or could be added to an object that is there."""
    return [(*path, tokens[-1]) for path, parent in pointers.expand(payload, tokens[:-1]) if type(parent) is dict]


@functools.cache
def range_sites() -> list[Site]:
    bounds = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")

    def find(offering: str, payload: Any) -> list[tuple[pointers.Path, Any]]:
        return [(path, p.schema) for p in _parameters(offering)
                if any(b in p.schema for b in bounds) and p.schema.get("type") in ("number", "integer")
                for path in _settable(payload, p.tokens)]
    return _sites(find)


@functools.cache
def enum_sites() -> list[Site]:
    def find(offering: str, payload: Any) -> list[tuple[pointers.Path, Any]]:
        return [(path, p.schema) for p in _parameters(offering)
                if "enum" in p.schema and all(isinstance(v, str) for v in p.schema["enum"])
                for path in _settable(payload, p.tokens)]
    return _sites(find)


@functools.cache
def pattern_sites() -> list[Site]:
    def find(offering: str, payload: Any) -> list[tuple[pointers.Path, Any]]:
        return [(path, p.schema) for p in _parameters(offering)
                if isinstance(p.schema.get("pattern"), str) for path in _settable(payload, p.tokens)]
    return _sites(find)


def _plans(offering_id: str, keyword: str) -> list[Any]:
    return [plan for plan in index_of(the_registry(), offering_id).rules if plan.keyword == keyword]


@functools.cache
def ref_sites() -> list[Site]:
    def find(offering: str, payload: Any) -> list[tuple[pointers.Path, Any]]:
        return [(path, plan.argument) for plan in _plans(offering, "x-ref")
                for path, value in pointers.expand(payload, plan.tokens) if isinstance(value, str)]
    return _sites(find)


@functools.cache
def order_sites() -> list[Site]:
    def find(offering: str, payload: Any) -> list[tuple[pointers.Path, Any]]:
        found = []
        for plan in _plans(offering, "x-order"):
            for path, obj in pointers.expand(payload, plan.tokens):
                for pair in plan.argument if type(obj) is dict else ():
                    lesser, greater = obj.get(pair["lesser"]), obj.get(pair["greater"])
                    if _number(lesser) and _number(greater) and lesser < greater:
                        found.append((path, pair))
        return found
    return _sites(find)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _set(payload: Any, path: pointers.Path, value: Any) -> Any:
    mutated = copy.deepcopy(payload)
    node = mutated
    for token in path[:-1]:
        node = node[token]
    node[path[-1]] = value
    return mutated


def _delete(payload: Any, path: pointers.Path) -> Any:
    mutated = copy.deepcopy(payload)
    node = mutated
    for token in path[:-1]:
        node = node[token]
    del node[path[-1]]
    return mutated


def _get(payload: Any, path: pointers.Path) -> Any:
    for token in path:
        payload = payload[token]
    return payload


# A mutation: (sites, draw a mutated payload and the pointer it must be reported at, rule id)
Mutation = tuple[Callable[[], list[Site]], Callable[[st.DrawFn, Site], tuple[Any, str]], str]


def drop_required(draw: st.DrawFn, site: Site) -> tuple[Any, str]:
    return _delete(site.payload, site.path), site.pointer


def out_of_range(draw: st.DrawFn, site: Site) -> tuple[Any, str]:
    facts = site.facts
    integer = facts.get("type") == "integer"
    step = 1 if integer else draw(st.sampled_from([1e-6, 0.5, 1, 1e9]))
    choices = []
    if "maximum" in facts:
        choices.append(facts["maximum"] + step)
    if "exclusiveMaximum" in facts:
        choices.append(facts["exclusiveMaximum"] + (step if draw(st.booleans()) else 0))
    if "minimum" in facts:
        choices.append(facts["minimum"] - step)
    if "exclusiveMinimum" in facts:
        choices.append(facts["exclusiveMinimum"] - (step if draw(st.booleans()) else 0))
    return _set(site.payload, site.path, draw(st.sampled_from(choices))), site.pointer


def wrong_enum(draw: st.DrawFn, site: Site) -> tuple[Any, str]:
    allowed = site.facts["enum"]
    value = draw(st.one_of(st.sampled_from(allowed).map(lambda v: v + draw(st.sampled_from(["x", " ", "_2"]))),
                           st.sampled_from(allowed).map(str.upper), st.text(max_size=12))
                 .filter(lambda v: v not in allowed))
    return _set(site.payload, site.path, value), site.pointer


def dangling_ref(draw: st.DrawFn, site: Site) -> tuple[Any, str]:
    defined = {v for pattern in site.facts for v in pointers.values(site.payload, pointers.parse(pattern))}
    current = _get(site.payload, site.path)
    value = draw(st.one_of(st.just(current + "-missing"), st.text(min_size=1, max_size=12)).filter(
        lambda v: v not in defined))
    return _set(site.payload, site.path, value), site.pointer


def swapped_times(draw: st.DrawFn, site: Site) -> tuple[Any, str]:
    obj = _get(site.payload, site.path)
    lesser, greater = site.facts["lesser"], site.facts["greater"]
    mutated = _set(site.payload, (*site.path, lesser), obj[greater])
    mutated = _set(mutated, (*site.path, greater), obj[lesser])
    return mutated, pointers.to_pointer((*site.path, greater))


def _ecma_full_match(pattern: str, value: str) -> bool:
    """Whether an anchored ECMA-262 pattern `^...$` of plain classes matches: there `$` is
    the end of the string (Python's also matches before a final newline)."""
    assert pattern.startswith("^") and pattern.endswith("$"), pattern
    return re.fullmatch(pattern[1:-1], value, re.ASCII) is not None


def pattern_broken(draw: st.DrawFn, site: Site) -> tuple[Any, str]:
    pattern = site.facts["pattern"]
    valid = draw(st.from_regex(pattern, fullmatch=True))
    value = draw(st.one_of(st.just(valid + "!"), st.just(" " + valid), st.text(max_size=40)).filter(
        lambda v: not _ecma_full_match(pattern, v)))
    return _set(site.payload, site.path, value), site.pointer


MUTATIONS: dict[str, Mutation] = {
    "drop-required": (required_sites, drop_required, "required"),
    "out-of-range": (range_sites, out_of_range, "range"),
    "wrong-enum": (enum_sites, wrong_enum, "enum"),
    "dangling-ref": (ref_sites, dangling_ref, "ref-unknown"),
    "swapped-times": (order_sites, swapped_times, "out-of-order"),
    "pattern-broken": (pattern_sites, pattern_broken, "pattern"),
}


@st.composite
def mutated(draw: st.DrawFn, name: str) -> tuple[Site, Any, str]:
    sites, mutate, _ = MUTATIONS[name]
    site = draw(st.sampled_from(sites()))
    payload, pointer = mutate(draw, site)
    return site, payload, pointer


@st.composite
def anything_changed(draw: st.DrawFn) -> tuple[str, Any]:
    """A valid example with one value anywhere replaced by any JSON value, or removed."""
    offering, _, payload = draw(st.sampled_from(valid_examples()))
    paths = [path for path in _all_paths(payload) if path]
    path = draw(st.sampled_from(paths))
    if draw(st.booleans()) and isinstance(_get(payload, path[:-1]), dict):
        return offering, _delete(payload, path)
    return offering, _set(payload, path, draw(JSON_VALUES))


def _all_paths(value: Any, path: pointers.Path = ()) -> list[pointers.Path]:
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _all_paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _all_paths(item, (*path, index))
    return found


@st.composite
def mangled_file(draw: st.DrawFn) -> tuple[str, bytes]:
    """An example file's bytes with a few bytes inserted, deleted or replaced."""
    path = draw(st.sampled_from(sorted(EXAMPLES.glob("*/*/*/*.*"))))
    data = bytearray(path.read_bytes())
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["insert", "delete", "replace"]))
        chunk = draw(st.binary(min_size=1, max_size=4) | st.sampled_from(
            [b"\xef\xbb\xbf", b"\xff", b"NaN", b"1e999", b"[[[[", b"\\ud800", b'"', b"&a", b"*a", b"\n", b"\x00"]))
        if action == "insert":
            data[at:at] = chunk
        elif action == "delete":
            del data[at:at + len(chunk)]
        else:
            data[at:at + len(chunk)] = chunk
    return path.suffix, bytes(data)


# -- the properties ---------------------------------------------------------------------------

def check_generated(offering_id: str, payload: Any) -> list[str]:
    """What is wrong with a payload generated from the offering's schema ([] when nothing)."""
    result = verdicts(offering_id, payload)
    problems = result.disagreements()
    if not result.fast:
        problems.append(f"generated from the schema, yet structurally invalid: {[f.rule for f in result.structural]}")
    return problems


def check_mutation(name: str, site: Site, payload: Any, pointer: str) -> list[str]:
    rule_id = MUTATIONS[name][2]
    result = verdicts(site.offering, payload)
    problems = result.disagreements()
    found = {(f.rule, f.pointer) for f in result.report.errors}
    if (rule_id, pointer) not in found:
        problems.append(f"{name} at {pointer} of {site.example}: expected {rule_id}, got {sorted(found)}")
    if result.client:
        problems.append(f"{name} at {pointer} of {site.example}: the client accepts it")
    return problems


def check_changed(offering_id: str, payload: Any) -> list[str]:
    result = verdicts(offering_id, payload)
    problems = result.disagreements()
    if not result.fast and not result.report.errors:
        problems.append("jsonschema-rs rejects it, validate reports no error")
    return problems


def check_file(suffix: str, data: bytes, directory: Path) -> list[str]:
    """Reading mangled bytes never raises; each payload read validates without raising."""
    path = directory / f"mangled{suffix}"
    path.write_bytes(data)
    for payload in payloads.read(str(path)):
        if payload.problem is None:
            offering = None if isinstance(payload.value, dict) and "model" in payload.value else "fal/lipsync-2"
            registry.validate(payload.value, offering, registry=the_registry())
        elif not payload.problem.message:
            return ["a problem finding without a message"]
    return []


@pytest.mark.parametrize("offering_id", offering_ids())
@CI
@given(data=st.data())
def test_payloads_generated_from_the_schema_pass_the_structural_check(offering_id, data):
    payload = data.draw(payload_strategy(offering_id))
    assert check_generated(offering_id, payload) == []


@pytest.mark.parametrize("name", list(MUTATIONS))
@settings(CI, max_examples=60)
@given(data=st.data())
def test_a_mutation_raises_the_rule_it_breaks(name, data):
    site, payload, pointer = data.draw(mutated(name))
    assert check_mutation(name, site, payload, pointer) == []


@settings(CI, max_examples=150)
@given(change=anything_changed())
def test_any_change_leaves_the_engines_and_the_client_in_agreement(change):
    assert check_changed(*change) == []


@settings(CI, max_examples=150)
@given(file=mangled_file())
def test_mangled_files_are_read_and_checked_without_raising(tmp_path_factory, file):
    assert check_file(*file, tmp_path_factory.mktemp("mangled")) == []


def test_every_mutation_has_somewhere_to_happen():
    for name, (sites, _, _) in MUTATIONS.items():
        assert len(sites()) >= 5, name


def test_a_trailing_newline_breaks_a_pattern():
    offering, payload = _example("runware/lipsync-2/valid/seed-001-lipsync-2-segments.json")
    mutated_payload = _set(payload, ("taskUUID",), payload["taskUUID"] + "\n")
    problems = check_mutation("pattern-broken", Site(offering, "seed-001", payload, ("taskUUID",), {}),
                              mutated_payload, "/taskUUID")
    assert problems == []


# -- found by scripts/fuzz ---------------------------------------------------------------------

def _example(suffix: str) -> tuple[str, Any]:
    (offering, _, payload), = [e for e in valid_examples() if e[1].endswith(suffix)]
    return offering, payload


def test_a_key_that_is_a_unicode_digit_is_reported_not_raised():
    offering, payload = _example("runware/lipsync-2/valid/seed-001-lipsync-2-segments.json")
    report = registry.validate({**payload, "³": 1}, offering, registry=the_registry())
    assert [(f.rule, f.pointer) for f in report.errors] == [("unknown-property", "/³")]


def test_the_client_is_strict_inside_root_models():
    offering, payload = _example("sync/lipsync-2-pro/valid/rich.json")
    payload = _set(payload, ("options", "active_speaker_detection", "bounding_boxes"), [[10, 20, True, 40]])
    result = verdicts(offering, payload)
    assert [f.rule for f in result.report.errors] == ["type"]
    assert result.disagreements() == []


def test_client_and_validator_agree_on_format_uri():
    offering, payload = _example("replicate/lipsync-2/valid/minimal.json")
    result = verdicts(offering, _set(payload, ("video",), "not a url"))
    assert result.disagreements() == []


def test_client_and_validator_agree_on_integer_valued_floats():
    offering, payload = _example("fal/sync-3/valid/rich.json")
    detection = payload["options"]["active_speaker_detection"]
    result = verdicts(offering, _set(payload, ("options", "active_speaker_detection", "frame_number"),
                                     float(detection["frame_number"])))
    assert result.disagreements() == []


def test_the_client_rejects_null_where_the_schema_does():
    offering, payload = _example("runware/lipsync-2/valid/seed-001-lipsync-2-segments.json")
    payload = _set(payload, ("inputs", "audio", 0, "source"), None)
    result = verdicts(offering, payload)
    assert [(f.rule, f.pointer) for f in result.report.errors] == [("type", "/inputs/audio/0/source")]
    assert result.disagreements() == []


@pytest.mark.parametrize("field", ["syncMode", "activeSpeakerDetection"])
def test_the_client_rejects_null_where_the_schema_has_a_default(field):
    offering, payload = _example("runware/lipsync-2/valid/seed-001-lipsync-2-segments.json")
    result = verdicts(offering, _set(payload, ("providerSettings", "sync", field), None))
    assert not result.report.ok
    assert result.disagreements() == []
