"""The official JSON-Schema-Test-Suite (Draft 2020-12) through capreg's own structural check.

Every test of the suite is put to each engine capreg uses:

- `jsonschema-rs`: `structural.fast_validator(...).is_valid`, the fast "is it valid?" path;
- `jsonschema`: `structural.detailed_validator(...).iter_errors`, which explains rejections;
- `capreg`: `structural.schema_findings`, the two together as `validate` uses them (fast first, then
  the explanation): a valid instance gets no finding, an invalid one at least one.

Each must give the suite's answer, so the engines agree with each other. Both are built
by capreg's own code, with its registries that refuse to fetch: the suite's `remotes/` are
registered as documents under `http://localhost:1234/`, and the socket module is patched
so that any attempt to resolve a host or open a connection fails the run.

Where an engine is known to give the wrong answer (KNOWN_GAPS) the test checks the other
engines, then checks that the known one is still wrong and reports an xfail with the
reason; once the engine is fixed the test fails, so the list stays true. The optional
`format` tests are skipped: capreg treats `format` as an annotation, as Draft 2020-12 does
by default. The suite is the one in the sdist of the jsonschema locked in uv.lock, fetched
once and cached (tests/packaged_data.py); CAPREG_TEST_SUITE points at another checkout.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import socket
import threading
from pathlib import Path
from typing import Any

import pytest

from registry.validation import structural
from registry.schema.tree import BASE_URI, Offering, Registry

from . import packaged_data

SUITE = (Path(os.environ["CAPREG_TEST_SUITE"]) if os.environ.get("CAPREG_TEST_SUITE")
         else packaged_data.fetched(packaged_data.jsonschema_test_suite))
TESTS = SUITE / "tests" / "draft2020-12"
REMOTES = SUITE / "remotes"
REMOTES_URI = "http://localhost:1234/"
ENGINES = ("jsonschema-rs", "jsonschema", "capreg")

if not TESTS.is_dir():
    pytest.skip(f"JSON-Schema-Test-Suite not found at {SUITE} (set CAPREG_TEST_SUITE to a checkout of it)",
                allow_module_level=True)

FORMAT_SKIP = ("format assertion is optional in Draft 2020-12 and capreg treats `format` as an annotation "
               "(jsonschema-rs is built with validate_formats=False, jsonschema without a format checker)")

# Where an engine gives the wrong answer: (file, group description) -> engine -> (reason, the
# tests it fails, or None for every test of the group).
NO_VOCABULARIES = "jsonschema does not implement $vocabulary: validation keywords apply whatever the meta-schema says"
NO_DEPENDENCIES = "jsonschema's Draft 2020-12 validator does not implement the pre-2019 `dependencies` keyword"

# Which tests of a group an engine fails: all of them (None), those the suite marks invalid
# ("invalid"), or the ones named.
Selector = "frozenset[str] | str | None"
KNOWN_GAPS: dict[tuple[str, str], dict[str, tuple[str, Selector]]] = {
    ("vocabulary.json", "schema that uses custom metaschema with with no validation vocabulary"): {
        "jsonschema": (NO_VOCABULARIES, frozenset({"no validation: invalid number, but it still validates"}))},
    **{("optional/dependencies-compatibility.json", group): {"jsonschema": (NO_DEPENDENCIES, "invalid")} for group in (
        "single dependency", "multiple dependents required", "dependencies with escaped characters",
        "single schema dependency", "boolean subschemas", "schema dependencies with escaped characters",
    )},
}


def _gap(engine: str, file: str, group: dict[str, Any], test: dict[str, Any]) -> str | None:
    """Why `engine` is known to get this test wrong, or None."""
    known = KNOWN_GAPS.get((file, group["description"]), {})
    if engine in known:
        reason, tests = known[engine]
        if tests is None or (tests == "invalid" and not test["valid"]) or (
                isinstance(tests, frozenset) and test["description"] in tests):
            return reason
    return None


def _cases() -> list[Any]:
    cases = []
    for path in sorted(TESTS.rglob("*.json")):
        file = path.relative_to(TESTS).as_posix()
        groups = json.loads(path.read_text(encoding="utf-8"))
        if file.startswith(("optional/format/", "optional/format-assertion.json")):
            count = sum(len(group["tests"]) for group in groups)
            cases.append(pytest.param(file, None, None, id=file, marks=pytest.mark.skip(
                reason=f"{file}: its {count} tests skipped: {FORMAT_SKIP}")))
            continue
        for group_index, group in enumerate(groups):
            for test_index, test in enumerate(group["tests"]):
                cases.append(pytest.param(file, group_index, test_index,
                                          id=f"{file}|{group['description']}|{test['description']}"))
    return cases


class SuiteRegistry(Registry):
    """A registry of one suite schema and the remotes. Suite schemas name each other by
    `$id`, which capreg's own schemas never use, so the engines get every document rather
    than those reached by following `$ref`s as file paths."""

    def documents_for(self, offering: Offering) -> dict[str, Any]:
        return self.documents


@functools.cache
def _remotes() -> dict[str, Any]:
    # remotes/v1 and remotes/draft-next belong to unreleased dialects, whose meta-schemas no
    # engine knows.
    unreleased = ("v1/", "draft-next/")
    return {REMOTES_URI + path.relative_to(REMOTES).as_posix(): json.loads(path.read_text(encoding="utf-8"))
            for path in sorted(REMOTES.rglob("*.json")) if not path.relative_to(REMOTES).as_posix().startswith(unreleased)}


@functools.cache
def _group(file: str, group_index: int) -> dict[str, Any]:
    return json.loads((TESTS / file).read_text(encoding="utf-8"))[group_index]


@functools.cache
def _subject(file: str, group_index: int) -> tuple[Registry, Offering]:
    """The group's schema as an offering of a registry, registered under its own `$id`
    (its base URI, as the suite intends) or else under a capreg-style URI."""
    schema = _group(file, group_index)["schema"]
    own_id = schema.get("$id") if isinstance(schema, dict) else None
    uri = own_id.rstrip("#") if own_id else f"{BASE_URI}conformance/{file}/{group_index}.json"
    offering = Offering(
        id=f"conformance/{file}/{group_index}", provider="conformance", model=file, variant=None, model_id="",
        model_id_pointer=None, model_id_aliases=(), title=file, path=file, uri=uri, schema=schema,
    )
    return SuiteRegistry((), {**_remotes(), uri: schema}, {offering.id: offering}, {}), offering


def _verdict(engine: str, registry: Registry, offering: Offering, instance: Any) -> bool:
    if engine == "jsonschema-rs":
        return bool(structural.fast_validator(registry, offering).is_valid(instance))
    if engine == "jsonschema":
        return next(iter(structural.detailed_validator(registry, offering).iter_errors(instance)), None) is None
    explain = functools.partial(structural.detailed_validator, registry, offering)
    findings = structural.schema_findings(offering, structural.fast_validator(registry, offering),
                                          explain if structural.explainable(registry, offering) else None,
                                          instance, lambda *_: None, documents=registry.documents)
    assert all(f.message for f in findings)
    return not findings


@pytest.fixture(scope="module", autouse=True)
def no_network():
    """Any attempt to resolve a host or open a connection fails the module."""
    attempts: list[str] = []

    def refuse(name: str):
        def refused(*args: Any, **kwargs: Any) -> Any:
            attempts.append(f"{name}{args!r}")
            raise OSError(f"the conformance tests must not touch the network ({name})")
        return refused

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket, "create_connection", refuse("create_connection"))
        patch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
        patch.setattr(socket.socket, "connect", refuse("connect"))
        patch.setattr(socket.socket, "connect_ex", refuse("connect_ex"))
        yield attempts
    assert attempts == [], f"network access attempted: {attempts}"


@pytest.mark.parametrize(("file", "group_index", "test_index"), _cases())
def test_suite(file, group_index, test_index):
    group = _group(file, group_index)
    test = group["tests"][test_index]
    registry, offering = _subject(file, group_index)
    expected = "valid" if test["valid"] else "invalid"
    gaps = {engine: reason for engine in ENGINES if (reason := _gap(engine, file, group, test)) is not None}
    for engine in ENGINES:
        try:
            verdict: Any = "valid" if _verdict(engine, registry, offering, test["data"]) else "invalid"
        except Exception as exc:  # a crash is a wrong answer, reported as such
            verdict = f"{type(exc).__name__}: {exc}"
        if engine in gaps:
            assert verdict != expected, f"{engine} now passes; remove this test from KNOWN_GAPS ({gaps[engine]})"
        else:
            assert verdict == expected, (
                f"{engine} says {verdict}, the suite says {expected}\n"
                f"schema: {json.dumps(group['schema'])}\ninstance: {json.dumps(test['data'])}")
    if gaps:
        pytest.xfail("; ".join(f"{engine}: {reason}" for engine, reason in gaps.items()))


def test_the_required_suite_is_all_there():
    """A truncated copy would pass by running nothing."""
    required = [p for p in TESTS.glob("*.json")]
    assert len(required) >= 40
    assert sum(len(g["tests"]) for p in required for g in json.loads(p.read_text(encoding="utf-8"))) >= 1200
    assert (REMOTES / "draft2020-12" / "subSchemas.json").is_file()


class _CountingHandler(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self.requests.append(self.path)
        body = b'{"type": "string"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/schema+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.mark.parametrize("engine", ENGINES)
def test_a_reference_to_a_document_not_in_the_registry_is_refused_not_fetched(engine):
    """A live server that would answer is never asked: not by Python code, and not by the
    Rust engine either (which the socket patch cannot see)."""
    _CountingHandler.requests = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _CountingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/schema.json"
        uri = f"{BASE_URI}conformance/remote-ref.json"
        schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$ref": url}
        offering = Offering(id="conformance/remote-ref", provider="conformance", model="remote-ref", variant=None,
                            model_id="", model_id_pointer=None, model_id_aliases=(), title="remote", path="remote",
                            uri=uri, schema=schema)
        registry = SuiteRegistry((), {uri: schema}, {offering.id: offering}, {})
        with pytest.raises(Exception) as refused:
            _verdict(engine, registry, offering, 1)
        assert url in str(refused.value) or "Unresolvable" in str(refused.value) or "not in" in str(refused.value)
    finally:
        server.shutdown()
        server.server_close()
    assert _CountingHandler.requests == []
