"""In-process payloads: what `registry.validate()` and the typed clients are given from Python.

- Any Mapping with string keys and any Sequence that is not a string gets exactly the
  findings of the same plain dicts and lists: every example, valid and invalid, with the
  offering given and detected, converted to OrderedDict, UserDict, MappingProxyType, a
  Mapping of our own, tuples and UserLists (all at once, and mixed by Hypothesis).
- Every value gives a Report: what JSON cannot hold (bytes, a set, NaN, an integer longer
  than the file reader reads, a non-string key, a lone surrogate, a cycle) is a
  `value-not-json` finding at its place; too deep or too large is `uncheckable`, at the
  file reader's limits. A wrong `offering` type is a TypeError.
- The typed clients take the same values and give a ValidationError, never a RecursionError.

`scripts/fuzz` runs the conversion property for many more cases (see `converted_twin`).
"""

from __future__ import annotations

import enum
import importlib
import json
import math
import sys
import types
from collections import OrderedDict, UserDict, UserList
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import pydantic
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import registry
from registry.codegen import clients as codegen
from registry.validation import jsondata
from registry.io import payloads
from registry.base import pointers
from registry.base.limits import MAX_DEPTH, MAX_VALUES

from . import test_properties as properties
from .conftest import ROOT

EXAMPLES = ROOT / "examples"


class OwnMapping(Mapping[str, Any]):
    """A Mapping that is no dict: what a caller's own container class looks like."""

    def __init__(self, items: Mapping[str, Any]) -> None:
        self._items = dict(items)

    def __getitem__(self, key: str) -> Any:
        return self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)


MAPPINGS: dict[str, Callable[[dict[str, Any]], Mapping[str, Any]]] = {
    "dict": dict, "OrderedDict": OrderedDict, "UserDict": UserDict,
    "MappingProxyType": types.MappingProxyType, "OwnMapping": OwnMapping,
}
SEQUENCES: dict[str, Callable[[list[Any]], Any]] = {"list": list, "tuple": tuple, "UserList": UserList}


def converted(value: Any, mapping: Callable[[dict[str, Any]], Any], sequence: Callable[[list[Any]], Any]) -> Any:
    if isinstance(value, dict):
        return mapping({key: converted(item, mapping, sequence) for key, item in value.items()})
    if isinstance(value, list):
        return sequence([converted(item, mapping, sequence) for item in value])
    return value


@st.composite
def mixed(draw: st.DrawFn, value: Any) -> Any:
    """`value` with each object and array made a container kind of its own, drawn."""
    if isinstance(value, dict):
        kind = draw(st.sampled_from(list(MAPPINGS.values())))
        return kind({key: draw(mixed(item)) for key, item in value.items()})
    if isinstance(value, list):
        kind = draw(st.sampled_from(list(SEQUENCES.values())))
        return kind([draw(mixed(item)) for item in value])
    return value


def all_examples() -> list[tuple[str, str, Any]]:
    """(offering id, file, payload) of every example, valid and invalid."""
    found = []
    for path in sorted(EXAMPLES.glob("*/*/*/*.json")):
        (payload,) = payloads.read(str(path))
        assert payload.problem is None, path
        found.append((f"{path.parents[2].name}/{path.parents[1].name}", str(path.relative_to(EXAMPLES)), payload.value))
    return found


EXAMPLE_PAYLOADS = all_examples()


def findings(payload: Any, offering: str | None) -> tuple[tuple[str, str, str, str, str | None], ...]:
    report = registry.validate(payload, offering)
    return tuple((f.rule, f.severity.value, f.pointer, f.message, f.hint) for f in report.findings)


def same_as_plain(offering: str, plain: Any, twin: Any) -> list[str]:
    """How validating `twin` differs from validating the plain payload, offering given and
    detected ([] when it does not)."""
    problems = []
    for given in (offering, None):
        expected, found = findings(plain, given), findings(twin, given)
        if found != expected:
            how = f"offering given: {given}" if given else "offering detected"
            problems.append(f"{how}: plain gives {expected}, converted gives {found}")
    return problems


# -- any Mapping, any Sequence ------------------------------------------------------------------

def test_the_examples_hold_invalid_and_valid_payloads_of_every_kind_of_check():
    verdicts = {registry.validate(p, o).ok for o, _, p in EXAMPLE_PAYLOADS}
    assert len(EXAMPLE_PAYLOADS) >= 100 and verdicts == {True, False}


@pytest.mark.parametrize(("mapping", "sequence"), [(m, s) for m in MAPPINGS for s in SEQUENCES if (m, s) != ("dict", "list")])
def test_every_example_in_other_containers_gets_the_findings_of_the_plain_payload(mapping, sequence):
    problems = [f"{name}: {problem}" for offering, name, plain in EXAMPLE_PAYLOADS
                for problem in same_as_plain(offering, plain, converted(plain, MAPPINGS[mapping], SEQUENCES[sequence]))]
    assert problems == []


@settings(properties.CI, max_examples=150)
@given(data=st.data())
def test_an_example_with_its_containers_mixed_gets_the_findings_of_the_plain_payload(data):
    offering, name, plain = data.draw(st.sampled_from(EXAMPLE_PAYLOADS))
    assert same_as_plain(offering, plain, data.draw(mixed(plain))) == [], name


class Mode(enum.StrEnum):
    BOUNCE = "bounce"


class Seconds(enum.IntEnum):
    FIVE = 5


class Key(str):
    def __str__(self) -> str:
        return "not the key"


def test_subclasses_of_str_int_and_float_are_their_plain_values():
    offering, _, plain = _example("runware/lipsync-2/valid/seed-001-lipsync-2-segments.json")
    twin = json.loads(json.dumps(plain))
    segment = twin["providerSettings"]["sync"]["segments"][0]
    segment["endTime"] = Seconds.FIVE
    segment["startTime"] = type("Seconds", (float,), {"__str__": lambda self: "?"})(0.0)
    twin["providerSettings"]["sync"]["syncMode"] = Mode.BOUNCE
    twin = {Key(key): value for key, value in twin.items()}
    expected = json.loads(json.dumps(plain))
    expected["providerSettings"]["sync"]["syncMode"] = "bounce"
    assert same_as_plain(offering, expected, twin) == []


def test_a_plain_payload_is_checked_as_it_is_and_a_converted_one_is_plain():
    _, _, plain = _example("runware/lipsync-2/valid/seed-001-lipsync-2-segments.json")
    assert jsondata.as_json(plain) is plain  # no copy on the common path
    twin = jsondata.as_json(converted(plain, OrderedDict, tuple))
    assert twin == plain and type(twin) is dict and type(twin["inputs"]["audio"]) is list
    assert type(twin["inputs"]) is dict
    assert json.dumps(twin) == json.dumps(plain)


# -- every value gives a Report -----------------------------------------------------------------

def _example(name: str) -> tuple[str, str, Any]:
    (found,) = [e for e in EXAMPLE_PAYLOADS if e[1] == name]
    return found


SEGMENT = ("providerSettings", "sync", "segments", 0)


def runware_with(path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    """The Runware segments example with the value at `path` replaced."""
    _, _, plain = _example("runware/lipsync-2/valid/seed-001-lipsync-2-segments.json")
    payload = json.loads(json.dumps(plain))
    node = payload
    for token in path[:-1]:
        node = node[token]
    node[path[-1]] = value
    return payload


def errors(payload: Any, offering: str | None = None) -> list[tuple[str, str, str]]:
    return [(f.rule, f.pointer, f.message) for f in registry.validate(payload, offering).errors]


NOT_FINITE = "is not a finite number; JSON numbers are finite"
LONE = "holds half of a UTF-16 surrogate pair without its other half, which is not Unicode text"
NO_JSON_FORM = "has no JSON form; JSON holds objects, arrays, strings, numbers, true, false and null"


@pytest.mark.parametrize(("payload", "pointer", "message"), [
    (b'{"model": "sync:lipsync-2@1"}', "", "not JSON data: bytes — decode/parse it first"),
    (bytearray(b"{}"), "", "not JSON data: bytearray — decode/parse it first"),
    (10**10000, "", "not JSON data: the integer has about 10,001 digits; capreg reads integers of up to 4,300 digits"),
    (runware_with((*SEGMENT, "startTime"), 10**10000), "/providerSettings/sync/segments/0/startTime",
     "not JSON data: the integer has about 10,001 digits; capreg reads integers of up to 4,300 digits"),
    (runware_with((*SEGMENT, "startTime"), -(10**5000)), "/providerSettings/sync/segments/0/startTime",
     "not JSON data: the integer has about 5,001 digits; capreg reads integers of up to 4,300 digits"),
    (runware_with((*SEGMENT, "startTime"), math.nan), "/providerSettings/sync/segments/0/startTime",
     f"not JSON data: NaN {NOT_FINITE}"),
    (runware_with((*SEGMENT, "endTime"), math.inf), "/providerSettings/sync/segments/0/endTime",
     f"not JSON data: Infinity {NOT_FINITE}"),
    (runware_with((*SEGMENT, "endTime"), -math.inf), "/providerSettings/sync/segments/0/endTime",
     f"not JSON data: -Infinity {NOT_FINITE}"),
    (runware_with(("inputs", "audio", 1, "source"), "https://example.com/\ud800.wav"), "/inputs/audio/1/source",
     f'not JSON data: the string "https://example.com/\\ud800.wav" {LONE}'),
    (runware_with(("inputs", "\udfff"), 1), "/inputs", f'not JSON data: a key "\\udfff" {LONE}'),
    (runware_with(("inputs", "audio"), {"a", "b"}), "/inputs/audio", f"not JSON data: a value of type set {NO_JSON_FORM}"),
    (runware_with(("providerSettings", "sync", "x"), object()), "/providerSettings/sync/x",
     f"not JSON data: a value of type object {NO_JSON_FORM}"),
    (runware_with(("providerSettings", "sync", 3), "x"), "/providerSettings/sync",
     "not JSON data: key 3 (int) is not a string; JSON object keys are strings"),
    (runware_with(("inputs", None), "x"), "/inputs", "not JSON data: key None (NoneType) is not a string; JSON object keys are strings"),
    (runware_with(("inputs", ("a", 1)), "x"), "/inputs",
     "not JSON data: key ('a', 1) (tuple) is not a string; JSON object keys are strings"),
], ids=["bytes", "bytearray", "huge-int", "huge-startTime", "huge-negative", "nan", "inf", "-inf", "lone-surrogate",
        "lone-surrogate-key", "set", "object", "int-key", "None-key", "tuple-key"])
def test_a_value_json_cannot_hold_is_a_finding_at_its_place(payload, pointer, message):
    for offering in (None, "runware/lipsync-2"):
        assert errors(payload, offering) == [("value-not-json", pointer, message)]


def test_a_cyclic_payload_is_a_finding_at_the_place_it_meets_itself():
    payload = runware_with(("x",), None)
    payload["x"] = payload
    assert errors(payload) == [("value-not-json", "/x", "not JSON data: this object is the payload again: "
                                "the payload contains itself, which JSON cannot")]
    audio = payload["inputs"]["audio"]
    del payload["x"]
    audio[1]["more"] = audio
    assert errors(payload) == [("value-not-json", "/inputs/audio/1/more", "not JSON data: this array is the array "
                                "at /inputs/audio again: the payload contains itself, which JSON cannot")]


def test_a_value_seen_twice_without_a_cycle_is_fine():
    payload = runware_with(("inputs", "audio", 1, "id"), "part-1")
    payload["inputs"]["audio"][1] = payload["inputs"]["audio"][0]
    segment = payload["providerSettings"]["sync"]["segments"][0]
    payload["providerSettings"]["sync"]["segments"] = [segment, segment]
    assert findings(payload, None) == findings(json.loads(json.dumps(payload)), None)


def nested(depth: int, leaf: Any) -> Any:
    for _ in range(depth):
        leaf = [leaf]
    return leaf


@pytest.mark.parametrize("depth", [497, 5_000])
def test_a_deep_payload_is_uncheckable_at_the_place_it_gets_too_deep(depth):
    payload = runware_with(("x",), nested(depth, 1))  # /x is the second level
    assert errors(payload) == [("uncheckable", "/x" + "/0" * (MAX_DEPTH - 1),
                                f"the payload cannot be checked: it is nested more than {MAX_DEPTH} levels deep")]


def test_the_library_and_the_file_reader_share_their_limits(tmp_path):
    """What the reader refuses, validate() refuses; what it reads, validate() checks."""
    limit = sys.get_int_max_str_digits()
    cases = {  # name: (payload, whether the reader and validate() refuse it)
        "deepest": ({"x": nested(MAX_DEPTH - 2, [])}, False),
        "too deep": ({"x": nested(MAX_DEPTH - 1, [])}, True),
        "longest integer": ({"x": 10**limit - 1}, False),
        "integer too long": ({"x": 10**limit}, True),
    }
    for name, (payload, refused) in cases.items():
        path = tmp_path / "payload.json"
        path.write_text(json.dumps(payload) if name != "integer too long" else '{"x": 1' + "0" * limit + "}")
        (read,) = payloads.read(str(path))
        assert (read.problem is not None) is refused, name
        found = {rule for rule, _, _ in errors(payload, "fal/lipsync-2")}
        assert bool(found & {"uncheckable", "value-not-json"}) is refused, (name, found)


def test_a_payload_of_more_values_than_the_reader_reads_is_uncheckable():
    assert errors({"x": range(10**12)}, "fal/lipsync-2") == [
        ("uncheckable", f"/x/{MAX_VALUES - 2}",
         f"the payload cannot be checked: it holds more than {MAX_VALUES:,} values; a request payload holds far fewer")]


@pytest.mark.parametrize("offering", [123, ["x"], b"fal/lipsync-2", {"id": "x"}])
def test_an_offering_that_is_not_a_string_is_a_type_error(offering):
    with pytest.raises(TypeError, match=r"^offering must be an offering id such as 'runware/lipsync-2', or None; got "):
        registry.validate({"model": "sync:lipsync-2@1"}, offering)


def oversized(depth: int) -> list[tuple[Any, str, str]]:
    """Values too large for JSON or for capreg, to put `depth` levels down: (value, rule,
    where below that place it is reported)."""
    limit = sys.get_int_max_str_digits()
    too_deep = max(MAX_DEPTH - depth, 0)
    return [(10**limit, "value-not-json", ""), (-(10**(2 * limit)), "value-not-json", ""),
            (math.nan, "value-not-json", ""), (math.inf, "value-not-json", ""), (-math.inf, "value-not-json", ""),
            (nested(too_deep + 3, 1), "uncheckable", "/0" * too_deep)]


@st.composite
def converted_twin(draw: st.DrawFn) -> tuple[str, Any, Any, tuple[str, str] | None]:
    """(offering, plain payload, the same in drawn containers, the finding an oversized value
    put in both must give: rule and pointer, or None): an example, valid or invalid, or a
    valid example with any value changed, sometimes with a value too large for JSON."""
    offering, plain = draw(st.one_of(st.sampled_from(EXAMPLE_PAYLOADS).map(lambda e: (e[0], e[2])),
                                     properties.anything_changed()))
    expected = None
    if draw(st.booleans()):
        paths = [path for path in properties._all_paths(plain) if path]
        path = draw(st.sampled_from(paths))
        value, rule, below = draw(st.sampled_from(oversized(len(path))))
        plain = properties._set(plain, path, value)
        expected = (rule, pointers.to_pointer(path) + below)
    return offering, plain, draw(mixed(plain)), expected


def check_twin(offering: str, plain: Any, twin: Any, expected: tuple[str, str] | None) -> list[str]:
    """What is wrong: the twin's findings differ from the plain payload's, or an oversized
    value is not the finding at its place ([] when nothing)."""
    problems = [f"converted twin disagrees, {problem}" for problem in same_as_plain(offering, plain, twin)]
    if expected is not None:
        found = [(f.rule, f.pointer) for f in registry.validate(plain, offering).errors]
        if found != [expected]:
            problems.append(f"oversized value not reported: expected {expected}, got {found}")
    return problems


@settings(properties.CI, max_examples=150)
@given(case=converted_twin())
def test_any_payload_in_any_containers_with_an_oversized_value_anywhere_is_reported_alike(case):
    assert check_twin(*case) == []


# -- the typed clients --------------------------------------------------------------------------

def client(offering_id: str) -> type[Any]:
    offering = registry.default_registry().offering(offering_id)
    return getattr(importlib.import_module(codegen.import_path(offering)), codegen.class_name(offering))


def client_error(payload: Any) -> str:
    with pytest.raises(pydantic.ValidationError) as raised:
        client("runware/lipsync-2").model_validate(payload)
    return str(raised.value)


def test_a_client_reports_a_deep_payload_as_a_validation_error():
    message = client_error(runware_with(("providerSettings",), nested(497, [])))
    assert f"/providerSettings{'/0' * (MAX_DEPTH - 1)}: the payload cannot be checked: it is nested more than" in message


def test_a_client_reports_a_cyclic_payload_as_a_validation_error():
    payload = runware_with(("x",), None)
    payload["x"] = payload
    assert "/x: not JSON data: this object is the payload again" in client_error(payload)


def test_a_client_reports_nan_as_validate_does():
    assert f"/providerSettings/sync/segments/0/startTime: not JSON data: NaN {NOT_FINITE}" in client_error(
        runware_with((*SEGMENT, "startTime"), math.nan))


def test_a_client_takes_any_mapping_and_sequence_as_validate_does():
    _, _, plain = _example("runware/lipsync-2/valid/seed-001-lipsync-2-segments.json")
    request = client("runware/lipsync-2").model_validate(converted(plain, types.MappingProxyType, tuple))
    assert request.to_payload() == plain


def test_a_client_still_takes_model_instances_for_its_fields():
    offering, _, plain = _example("runware/lipsync-2/valid/seed-001-lipsync-2-segments.json")
    model = client(offering)
    inputs = model.model_fields["inputs"].annotation.model_validate(plain["inputs"])
    assert model(**{**plain, "inputs": inputs}).to_payload() == plain


def test_a_client_refuses_what_json_cannot_hold_where_its_field_takes_anything():
    # runware/sync-3 leaves `inputs.audio` undescribed: the client types it Any.
    offering, _, plain = _example("runware/sync-3/valid/minimal-audio.json")
    payload = {**plain, "inputs": {**plain["inputs"], "audio": {"a.wav", "b.wav"}}}
    assert errors(payload, offering) == [("value-not-json", "/inputs/audio", f"not JSON data: a value of type set {NO_JSON_FORM}")]
    with pytest.raises(pydantic.ValidationError, match=f"/inputs/audio: not JSON data: a value of type set"):
        client(offering).model_validate(payload)
