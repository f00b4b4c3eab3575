"""Many threads, and forks, on a cold registry: one load, one compilation per offering, no hang."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections import Counter

import jsonschema_rs
import pytest

import registry
from registry.schema.tree import BASE_URI
from registry.schema import index
from registry.validation import structural
from registry.validation import validate as validation

from .conftest import ROOT

EXAMPLES = ROOT / "examples"
THREADS = 32
FORKS = 40
CHILD_TIMEOUT = 10.0  # seconds a forked child may take to validate before it counts as hung

# Each trial is a fresh process holding a cold registry: one thread starts the first validate,
# the main thread forks a little later (each trial later than the one before, so the forks land
# all along the first validate), and the child validates the same payload and exits.
FORK_SCRIPT = """
import json, os, signal, sys, threading, time
import registry

payload, trials, child_timeout = json.loads(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])


def child_outcome(delay):
    first = threading.Thread(target=registry.validate, args=(payload,))
    first.start()
    time.sleep(delay)
    child = os.fork()
    if child == 0:
        os._exit(0 if registry.validate(payload).ok else 1)
    first.join()
    deadline = time.monotonic() + child_timeout
    while time.monotonic() < deadline:
        done, status = os.waitpid(child, os.WNOHANG)
        if done:
            return "ok" if os.waitstatus_to_exitcode(status) == 0 else "wrong verdict"
        time.sleep(0.01)
    os.kill(child, signal.SIGKILL)
    os.waitpid(child, 0)
    return "hung"


OUTCOMES = ("ok", "wrong verdict", "hung")
counts = dict.fromkeys(OUTCOMES, 0)
for trial in range(trials):
    pid = os.fork()
    if pid == 0:
        os._exit(OUTCOMES.index(child_outcome(trial * 0.0005)))
    _, status = os.waitpid(pid, 0)
    counts[OUTCOMES[os.waitstatus_to_exitcode(status)]] += 1
print(json.dumps(counts))
"""


def _first_example(offering_dir, verdict):
    return json.loads(next(iter(sorted((offering_dir / verdict).glob("*.json")))).read_text(encoding="utf-8"))


def test_forking_during_the_first_validate_never_hangs_the_child():
    payload = _first_example(EXAMPLES / "runware/lipsync-2", "valid")
    done = subprocess.run(
        [sys.executable, "-W", "ignore::DeprecationWarning", "-c", FORK_SCRIPT,
         json.dumps(payload), str(FORKS), str(CHILD_TIMEOUT)],
        capture_output=True, text=True, cwd=ROOT, timeout=FORKS * (CHILD_TIMEOUT + 10),
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout) == {"ok": FORKS, "wrong verdict": 0, "hung": 0}


@pytest.fixture
def cold_default_registry():
    validation.default_registry.cache_clear()
    yield
    validation.default_registry.cache_clear()


def _counting(counts, key_of, build):
    """`build`, counting its calls by key; a call whose key is None is not counted."""

    def counted(*args, **kwargs):
        key = key_of(*args, **kwargs)
        if key is not None:
            counts[key] += 1
        return build(*args, **kwargs)

    return counted


@pytest.fixture
def compiled(monkeypatch) -> Counter[tuple[str, str]]:
    """How many times each artefact of an offering (by schema URI) is built from now on."""
    counts: Counter[tuple[str, str]] = Counter()
    monkeypatch.setattr(jsonschema_rs, "Draft202012Validator", _counting(
        # an offering's validator; the loader's own validators (patterns, annotation shapes) are not counted
        counts, lambda schema, **_: ("fast", schema["$ref"]) if schema.get("$ref", "").startswith(BASE_URI) else None,
        jsonschema_rs.Draft202012Validator))
    detailed_class = structural._ecma_validator_class()
    monkeypatch.setattr(structural, "_ecma_validator_class", lambda: _counting(
        counts, lambda schema, **_: ("detailed", schema["$ref"]), detailed_class))
    monkeypatch.setattr(index, "_build", _counting(
        counts, lambda _registry, offering: ("index", offering.uri), index._build))
    return counts


def _cases() -> list[tuple[str, dict, bool]]:
    """(offering, payload, valid): one valid and one invalid example of every offering that has them."""
    return [(f"{d.parent.name}/{d.name}", _first_example(d, verdict), verdict == "valid")
            for d in sorted(EXAMPLES.glob("*/*")) for verdict in ("valid", "invalid")
            if any((d / verdict).glob("*.json"))]


def test_threads_on_a_cold_registry_load_it_once_and_compile_each_offering_once(
        monkeypatch, cold_default_registry, compiled):
    cases = _cases()
    loads: Counter[str] = Counter()
    monkeypatch.setattr(validation, "load", _counting(loads, lambda *a, **k: "load", validation.load))
    start = threading.Barrier(THREADS)
    verdicts: list[list[tuple[str, bool]]] = [[] for _ in range(THREADS)]

    def run(thread: int) -> None:
        start.wait()
        # each thread starts at a different case, so several threads reach each offering cold
        for offering, payload, _ in cases[thread % len(cases):] + cases[:thread % len(cases)]:
            verdicts[thread].append((offering, registry.validate(payload, offering).ok))

    threads = [threading.Thread(target=run, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(thread.is_alive() for thread in threads)

    expected_verdicts = Counter((offering, valid) for offering, _, valid in cases)
    assert all(Counter(found) == expected_verdicts for found in verdicts)
    assert loads == {"load": 1}
    offerings = registry.default_registry().offerings
    uris = {offerings[offering].uri for offering, _, _ in cases}
    assert {("fast", u) for u in uris} | {("index", u) for u in uris} <= set(compiled)
    # payloads the fast engine rejects were explained from its own errors: jsonschema was never needed
    assert not any(kind == "detailed" for kind, _ in compiled)
    assert [key for key, times in compiled.items() if times != 1] == []


def test_preload_builds_everything_validate_needs(compiled):
    tree = registry.load()
    assert registry.preload(tree) is tree
    built_by_preload = set(compiled)
    assert built_by_preload == {(kind, o.uri) for o in tree.offerings.values() for kind in ("fast", "detailed", "index")}
    compiled.clear()
    artefacts = set(tree._derived.values)
    for offering, payload, valid in _cases():
        assert registry.validate(payload, offering, registry=tree).ok is valid
    assert compiled == {}
    assert set(tree._derived.values) == artefacts  # the compiled offerings and the detection table too


def test_preload_defaults_to_the_default_registry(cold_default_registry):
    assert registry.preload() is registry.default_registry()


def test_preload_builds_what_validate_request_reads():
    tree = registry.load()
    registry.preload(tree)
    artefacts = set(tree._derived.values)
    payload = json.loads((ROOT / "examples/runware/lipsync-2/valid/seed-001-lipsync-2-audio.json").read_text())
    (report,) = registry.validate_request("https://api.runware.ai/v1", [payload], registry=tree)
    assert report.offering == "runware/lipsync-2"
    assert set(tree._derived.values) == artefacts
