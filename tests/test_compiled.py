"""The read-only Registry, the values derived from it, and each offering compiled once."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import threading

import pytest

import registry
from registry.schema.index import index_of
from registry.schema.tree import derived
from registry.validation.compiled import CompiledOffering, compiled

from .conftest import ROOT

PAYLOAD = json.loads((ROOT / "examples/runware/lipsync-2/valid/seed-001-lipsync-2-audio.json").read_text())


@pytest.fixture
def fresh():
    return registry.load()


def test_a_registry_cannot_be_changed(fresh):
    with pytest.raises(dataclasses.FrozenInstanceError):
        fresh.offerings = {}  # type: ignore[misc]
    for mapping in (fresh.documents, fresh.offerings, fresh.meta, fresh.concepts, fresh.failures, fresh.problems,
                    fresh.replaced):
        with pytest.raises(TypeError):
            mapping["new"] = None  # type: ignore[index]


def test_a_registry_hashes_by_identity_so_caches_can_be_keyed_by_it(fresh):
    other = registry.load()
    assert fresh == fresh and fresh != other
    assert len({fresh, other, fresh}) == 2


def test_each_offering_is_compiled_once_and_holds_its_engines_and_plans(fresh):
    engines = compiled(fresh, "runware/lipsync-2")
    assert isinstance(engines, CompiledOffering)
    assert compiled(fresh, "runware/lipsync-2") is engines
    assert engines.index is index_of(fresh, "runware/lipsync-2")
    assert engines.fast.is_valid(PAYLOAD)
    assert engines.keyword_checks and engines.advisories.unset_defaults
    assert engines.check(PAYLOAD) == registry.validate(PAYLOAD, "runware/lipsync-2", registry=fresh)
    # another registry compiles its own
    assert compiled(registry.load(), "runware/lipsync-2") is not engines


def test_validate_is_the_compiled_offerings_check(fresh, monkeypatch):
    seen = []
    real_check = CompiledOffering.check
    monkeypatch.setattr(CompiledOffering, "check", lambda self, payload: seen.append(self.offering.id) or real_check(self, payload))
    report = registry.validate(PAYLOAD, registry=fresh)
    assert seen == ["runware/lipsync-2"] and report.offering == "runware/lipsync-2"


def test_a_derived_value_is_built_once_per_registry_and_key_however_many_threads_ask(fresh):
    calls = []
    start = threading.Barrier(8)

    @derived
    def slow_length(reg: registry.Registry, offering_id: str) -> int:
        calls.append(offering_id)
        return len(reg.offering(offering_id).schema)

    def ask() -> None:
        start.wait()
        for offering_id in fresh.offerings:
            slow_length(fresh, offering_id)

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(calls) == sorted(fresh.offerings)


def test_a_derived_value_whose_build_raises_is_not_kept(fresh):
    attempts = []

    @derived
    def failing(reg: registry.Registry) -> int:
        attempts.append(1)
        raise ValueError("no")

    for _ in range(2):
        with pytest.raises(ValueError):
            failing(fresh)
    assert len(attempts) == 2


def test_an_unknown_or_broken_offering_is_not_compiled(fresh):
    with pytest.raises(registry.UnknownOffering):
        compiled(fresh, "runware/nothing")


def test_a_valid_payload_compiles_without_jsonschema():
    """jsonschema is built on the first rejection jsonschema-rs's own errors cannot explain,
    not when the offering compiles (and not for this rejection either)."""
    script = ("import json, sys, registry\n"
              "from registry.validation.compiled import compiled\n"
              f"engines = compiled(registry.default_registry(), 'runware/lipsync-2')\n"
              f"assert registry.validate(json.loads(sys.argv[1])).ok\n"
              "print('jsonschema' in sys.modules)\n"
              "engines.check({'taskType': 'lipsync'})\n"
              "print('jsonschema' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", script, json.dumps(PAYLOAD)], capture_output=True, text=True,
                          cwd=ROOT, check=True)
    assert done.stdout.split() == ["False", "False"]
