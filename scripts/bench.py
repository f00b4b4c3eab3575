"""capreg benchmark: everything measured side by side in one run on one machine, printed
as ratios against the targets. Not a test: shared machines are noisy, so read the ratios.

    ./scripts/bench                  # everything (about two minutes)
    ./scripts/bench --jsonl-lines 100000

1. in-process, per provider: registry.validate (structure + rules + advisories) vs plain
   jsonschema and jsonschema-rs on the same bundled schema, valid and invalid payloads;
2. `capreg validate` on 1 file and on 1,000 files vs check-jsonschema on the same files;
3. a JSONL stream of N lines (default 1,000,000): wall time and peak memory;
4. scaling: one payload of 1,000 vs 16,000 segments, every one out of order or naming a
   missing id: time in-process and the ratio (linear is ~16x, quadratic ~256x), and
   `capreg validate` on the 16,000-segment files: wall time and peak memory;
5. the request guard: p50/p99 per valid request through httpx.Client(transport=
   GuardTransport(MockTransport)) vs the same client without the guard vs registry.validate.
"""

from __future__ import annotations

import argparse
import compileall
import functools
import gc
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import jsonschema
import jsonschema_rs

import registry
from registry.codegen import clients as codegen
from registry.io import payloads

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))  # tests.hostile_payloads builds the scaling payloads
TARGETS = {
    "valid": "valid payload incl. rules <= 20 us median",
    "invalid": "invalid payload with all findings <= 1 ms median",
    "cli1": "one-file CLI <= 0.4x check-jsonschema wall",
    "cli1000": "1,000 files >= 5x faster than check-jsonschema",
    "jsonl": "JSONL peak memory < 100 MiB",
    "scaling": "16x the segments cost at most 32x the time (linear, not quadratic)",
    "hostile": "16,000 hostile segments: CLI <= 2 s and < 200 MiB",
}


def median_us(call, payload, rounds: int) -> float:
    call(payload)
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        call(payload)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e6


def examples(verdict: str) -> dict[str, list[tuple[str, object]]]:
    """provider -> [(offering, payload)] from examples/<provider>/<offering>/<verdict>/."""
    found: dict[str, list[tuple[str, object]]] = {}
    for path in sorted(ROOT.glob(f"examples/*/*/{verdict}/*.json")):
        provider, stem = path.parts[-4], path.parts[-3]
        (payload,) = list(payloads.read(str(path)))
        found.setdefault(provider, []).append((f"{provider}/{stem}", payload.value))
    return found


def in_process(rounds: int) -> list[tuple[str, bool]]:
    reg = registry.default_registry()
    verdicts = []
    print("1. in-process, median per payload, then the median over the provider's example payloads (µs)")
    print(f"{'provider':<10} {'kind':<8} {'n':>3} {'capreg':>9} {'jsonschema':>11} {'jsonschema-rs':>14} "
          f"{'capreg vs jsonschema':>21} {'capreg vs rs':>13}")
    for kind in ("valid", "invalid"):
        worst = 0.0
        for provider, cases in examples(kind).items():
            ours, plain, rust = [], [], []
            for offering_id, payload in cases:
                offering = reg.offering(offering_id)
                schema = codegen.bundle(reg, offering)
                python_validator = jsonschema.Draft202012Validator(schema)
                rust_validator = jsonschema_rs.validator_for(schema)
                ours.append(median_us(lambda p: registry.validate(p, offering_id, registry=reg), payload, rounds))
                if kind == "valid":
                    plain.append(median_us(python_validator.is_valid, payload, rounds))
                    rust.append(median_us(rust_validator.is_valid, payload, rounds))
                else:  # every error, as capreg reports every finding
                    plain.append(median_us(lambda p: list(python_validator.iter_errors(p)), payload, rounds))
                    rust.append(median_us(lambda p: list(rust_validator.iter_errors(p)), payload, rounds))
            o, p, r = statistics.median(ours), statistics.median(plain), statistics.median(rust)
            worst = max(worst, o)
            print(f"{provider:<10} {kind:<8} {len(cases):>3} {o:>9.1f} {p:>11.1f} {r:>14.1f} "
                  f"{p / o:>19.1f}x {o / r:>12.1f}x")
        limit = 20 if kind == "valid" else 1000
        verdicts.append((f"{TARGETS[kind]}: worst provider median {worst:.1f} µs", worst <= limit))
    return verdicts


def walls(commands: list[list[str]], cwd: Path, runs: int) -> list[float]:
    """Median wall time of each command; runs alternate between the commands, so a change
    in the machine's load during the measurement hits all of them alike."""
    times: list[list[float]] = [[] for _ in commands]
    for _ in range(runs):
        for command, measured in zip(commands, times):
            start = time.perf_counter()
            subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            measured.append(time.perf_counter() - start)
    return [statistics.median(measured) for measured in times]


def cli(work: Path, runs: int) -> list[tuple[str, bool]]:
    checker = shutil.which("check-jsonschema", path=str(BIN))
    if checker is None:
        print("\n2. CLI: check-jsonschema is not installed (pip install check-jsonschema); skipped")
        return [("CLI comparisons: skipped, check-jsonschema missing", False)]
    reg = registry.default_registry()
    offering = reg.offering("runware/lipsync-2")
    schema_file = work / "runware-lipsync-2.schema.json"
    schema_file.write_text(json.dumps(codegen.bundle(reg, offering)))
    source = ROOT / "examples/runware/lipsync-2/valid/seed-001-lipsync-2-segments.json"
    files = work / "files"
    files.mkdir()
    names = []
    for number in range(1000):
        name = f"files/payload-{number:04}.json"
        shutil.copy(source, work / name)
        names.append(name)
    ours = [str(BIN / "capreg"), "validate", "--offering", offering.id, "-q"]
    theirs = [checker, "--schemafile", str(schema_file)]
    one_ours, one_theirs = walls([ours + names[:1], theirs + names[:1]], work, runs)
    all_ours, all_theirs = walls([ours + names, theirs + names], work, max(3, runs // 2))
    print("\n2. CLI wall time, median of runs (s)")
    print(f"{'files':>6} {'capreg':>8} {'check-jsonschema':>17} {'capreg / check-jsonschema':>26}")
    print(f"{1:>6} {one_ours:>8.3f} {one_theirs:>17.3f} {one_ours / one_theirs:>25.2f}x")
    print(f"{1000:>6} {all_ours:>8.3f} {all_theirs:>17.3f} {all_ours / all_theirs:>25.2f}x "
          f"(capreg {all_theirs / all_ours:.1f}x faster)")
    return [(f"{TARGETS['cli1']}: {one_ours / one_theirs:.2f}x", one_ours / one_theirs <= 0.4),
            (f"{TARGETS['cli1000']}: {all_theirs / all_ours:.1f}x", all_theirs / all_ours >= 5)]


def jsonl(work: Path, lines: int) -> list[tuple[str, bool]]:
    source = json.loads((ROOT / "examples/runware/lipsync-2/valid/seed-001-lipsync-2-audio.json").read_text())
    stream = work / "stream.jsonl"
    with stream.open("w") as out:
        for number in range(lines):
            source["taskUUID"] = f"{number:08x}-0000-4000-8000-000000000000"
            out.write(json.dumps(source) + "\n")
    size = stream.stat().st_size
    seconds, peak_mib, last_line = measured_run([str(BIN / "capreg"), "validate", "-q", str(stream)])
    print(f"\n3. JSONL stream: {lines:,} lines, {size / 2**20:.0f} MiB: {seconds:.1f} s "
          f"({lines / seconds:,.0f} payloads/s), peak memory {peak_mib:.0f} MiB")
    print(f"   capreg: {last_line}")
    return [(f"{TARGETS['jsonl']}: {peak_mib:.0f} MiB for {lines:,} lines", peak_mib < 100)]


def measured_run(command: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak memory (MiB) and the last line of output of one command."""
    # A fresh parent whose only child is the command, so the peak it reports is the command's alone.
    probe = ("import resource, subprocess, sys, time\n"
             "start = time.perf_counter()\n"
             "done = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)\n"
             "print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
             "print(done.stdout.strip().splitlines()[-1])\n")
    measured = subprocess.run([sys.executable, "-c", probe, *command],
                              capture_output=True, text=True, check=True).stdout.splitlines()
    seconds, peak_kib = (float(v) for v in measured[0].split())
    return seconds, peak_kib / 1024, measured[1]


def scaling(work: Path, rounds: int) -> list[tuple[str, bool]]:
    from tests import hostile_payloads

    reg = registry.default_registry()
    small, large = 1_000, 16_000
    print("\n4. scaling: one payload of N segments, each breaking a rule; in-process median (ms), then the CLI")
    print(f"{'payload':<14} {f'{small:,}':>8} {f'{large:,}':>8} {'ratio':>7}   {'CLI ' + f'{large:,}':>10} {'peak':>9}")
    check = functools.partial(registry.validate, offering=hostile_payloads.OFFERING, registry=reg)
    verdicts = []
    for kind in ("out-of-order", "dangling-refs"):
        build = hostile_payloads.KINDS[kind]
        few, many = (median_us(check, build(n), rounds) / 1000 for n in (small, large))
        path = work / f"{kind}-{large}.json"
        path.write_text(json.dumps(build(large)))
        seconds, peak_mib, _ = measured_run([str(BIN / "capreg"), "validate", "-q", "--offering",
                                             hostile_payloads.OFFERING, str(path)])
        print(f"{kind:<14} {few:>8.1f} {many:>8.1f} {many / few:>6.1f}x   {seconds:>9.2f}s {peak_mib:>5.0f} MiB")
        verdicts += [(f"{TARGETS['scaling']}: {kind} {many / few:.1f}x", many / few <= 32),
                     (f"{TARGETS['hostile']}: {kind} {seconds:.2f} s, {peak_mib:.0f} MiB", seconds <= 2 and peak_mib < 200)]
    return verdicts


def percentiles_us(calls: dict, rounds: int) -> dict[str, tuple[float, float]]:
    """p50 and p99 of each call; the calls take turns, so a change in the machine's load
    during the measurement hits all of them alike."""
    times: dict[str, list[float]] = {name: [] for name in calls}
    for call in calls.values():
        call()
    for _ in range(rounds):
        for name, call in calls.items():
            start = time.perf_counter()
            call()
            times[name].append(time.perf_counter() - start)
    return {name: (statistics.quantiles(measured, n=100)[49] * 1e6, statistics.quantiles(measured, n=100)[98] * 1e6)
            for name, measured in times.items()}


def guard(rounds: int) -> list[tuple[str, bool]]:
    """A valid request sent through httpx with and without the guard, to a MockTransport
    (no network: the client's own cost plus the guard's), against the bare validate."""
    try:
        import httpx
    except ImportError:
        print("\n5. guard: httpx is not installed (pip install capreg[guard]); skipped")
        return [("guard: skipped, httpx missing", False)]
    from registry.guard import GuardTransport

    reg = registry.default_registry()
    payload = json.loads((ROOT / "examples/runware/lipsync-2/valid/seed-001-lipsync-2-audio.json").read_text())
    payload["providerSettings"]["sync"].setdefault("syncMode", "bounce")  # valid without warnings
    body = [payload]
    mock = httpx.MockTransport(lambda request: httpx.Response(200, json={"data": []}))
    bare_client = httpx.Client(transport=mock)
    guarded_client = httpx.Client(transport=GuardTransport(mock, registry=reg))
    url = "https://api.runware.ai/v1"
    measured = percentiles_us({
        "registry.validate": lambda: registry.validate(payload, "runware/lipsync-2", registry=reg),
        "registry.validate_request": lambda: registry.validate_request(url, body, registry=reg),
        "httpx, no guard": lambda: bare_client.post(url, json=body),
        "httpx + GuardTransport": lambda: guarded_client.post(url, json=body),
    }, rounds)
    print("\n5. request guard: one valid Runware task, µs per request")
    print(f"{'':<27} {'p50':>8} {'p99':>8}")
    for name, (p50, p99) in measured.items():
        print(f"{name:<27} {p50:>8.1f} {p99:>8.1f}")
    overhead = [g - b for g, b in zip(measured["httpx + GuardTransport"], measured["httpx, no guard"])]
    bare = measured["registry.validate"]
    print(f"{'guard overhead':<27} {overhead[0]:>8.1f} {overhead[1]:>8.1f}   "
          f"({overhead[0] / bare[0]:.1f}x bare validate at p50, {overhead[1] / bare[1]:.1f}x at p99)")
    return []


def _installed(name: str) -> bool:
    try:
        version(name)
    except PackageNotFoundError:
        return False
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=300, help="timings per payload in-process")
    parser.add_argument("--runs", type=int, default=11, help="runs per CLI measurement")
    parser.add_argument("--jsonl-lines", type=int, default=1_000_000)
    parser.add_argument("--only-guard", action="store_true", help="measure the request guard only")
    args = parser.parse_args()
    versions = ", ".join(f"{name} {version(name)}" for name in ("jsonschema", "jsonschema-rs", "check-jsonschema")
                         if _installed(name))
    print(f"capreg bench: Python {sys.version.split()[0]}, {versions}, {os.cpu_count()} CPUs")
    # pip compiles an installed package to bytecode; an editable checkout under
    # PYTHONDONTWRITEBYTECODE never is. Compile it, so both tools start from bytecode.
    compileall.compile_dir(ROOT / "registry", quiet=1)
    print()
    gc.collect()
    if args.only_guard:
        verdicts = guard(args.rounds * 10)
    else:
        verdicts = in_process(args.rounds)
        with tempfile.TemporaryDirectory() as scratch:
            work = Path(scratch)
            verdicts += cli(work, args.runs)
            verdicts += jsonl(work, args.jsonl_lines)
            verdicts += scaling(work, max(3, args.rounds // 30))
        verdicts += guard(args.rounds * 10)
    print("\nTargets")
    for text, met in verdicts:
        print(f"  [{'met' if met else 'MISSED'}] {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
