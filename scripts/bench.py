"""capreg benchmark: everything measured side by side in one run on one machine, printed
as ratios against the targets. Not a test: shared machines are noisy, so read the ratios.

    ./scripts/bench                  # everything (a few minutes)
    ./scripts/bench --jsonl-lines 100000 --runs 5

1. in-process, per provider: registry.validate (structure + rules + advisories) vs plain
   jsonschema and jsonschema-rs on the same bundled schema, valid and invalid payloads;
2. `capreg validate` on 1, 1,000 and 10,000 files vs check-jsonschema, ajv-cli (installed
   with npm into a cache folder; skipped with a note without npm) and the floor: a script
   that does only `json.loads` and jsonschema-rs `is_valid`. The runs of all commands
   alternate, so a change in the machine's load hits them alike. Per file at 10,000 files
   is (wall at 10,000 files - wall at 1 file) / 9,999: the start-up taken out;
3. a JSONL stream of N lines: payloads/s on one core (-j1), on every core, from stdin, and
   the floor; peak memory;
4. a cold service: `import registry` and the first `registry.validate`, in a new process;
5. scaling: one payload of 1,000 vs 16,000 segments, every one out of order or naming a
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
    "valid": "valid payload incl. rules <= 8 us, worst provider median",
    "invalid": "invalid payload with all findings <= 40 us, worst provider median",
    "invalid-vs-jsonschema": "invalid payload faster than plain jsonschema on every provider",
    "cli1": "one valid file <= 0.25x check-jsonschema",
    "cli1-floor": "one valid file <= 1.5x the floor script",
    "cli1000": "1,000 files >= 5x faster than check-jsonschema",
    "per-file": "per file at 10,000 files <= 40 us",
    "jsonl": "JSONL >= 60,000 payloads/s on one core",
    "jsonl-memory": "JSONL peak memory < 100 MiB",
    "cold": "cold service: import registry + first validate <= 20 ms",
    "scaling": "16x the segments cost at most 32x the time (linear, not quadratic)",
    "hostile": "16,000 hostile segments: CLI <= 2 s and < 200 MiB",
}
CAPREG = [str(BIN / "capreg"), "validate"]
# The floor: what any checker of these files has to do, and nothing else.
FLOOR_SCRIPT = """import json, sys, jsonschema_rs
validator = jsonschema_rs.validator_for(json.load(open(sys.argv[1])))
lines = sys.argv[2].endswith(".jsonl")
for name in sys.argv[2:]:
    with open(name, "rb") as handle:
        for text in (handle if lines else [handle.read()]):
            validator.is_valid(json.loads(text))
"""
AJV_CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "capreg-bench" / "ajv-cli"


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
        worst, slower_than_jsonschema = 0.0, []
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
            if o >= p:
                slower_than_jsonschema.append(provider)
            print(f"{provider:<10} {kind:<8} {len(cases):>3} {o:>9.1f} {p:>11.1f} {r:>14.1f} "
                  f"{p / o:>19.1f}x {o / r:>12.1f}x")
        limit = 8 if kind == "valid" else 40
        verdicts.append((f"{TARGETS[kind]}: {worst:.1f} µs", worst <= limit))
        if kind == "invalid":
            verdicts.append((f"{TARGETS['invalid-vs-jsonschema']}: "
                             f"{'slower on ' + ', '.join(slower_than_jsonschema) if slower_than_jsonschema else 'yes'}",
                             not slower_than_jsonschema))
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


def ajv_cli() -> list[str] | None:
    """ajv-cli, installed by npm into a cache folder the first time; None without npm."""
    command = AJV_CACHE / "node_modules" / ".bin" / "ajv"
    if not command.exists():
        npm = shutil.which("npm")
        if npm is None:
            return None
        done = subprocess.run([npm, "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(AJV_CACHE),
                               "ajv-cli@5"], capture_output=True, text=True)
        if done.returncode != 0 or not command.exists():
            print(f"   (npm could not install ajv-cli: {done.stderr.strip()[-200:]})")
            return None
    return [str(command), "validate", "--spec=draft2020", "--strict=false", "--validate-formats=false"]


def floor_files(work: Path) -> tuple[registry.Offering, Path, Path]:
    """The offering the CLI runs check, its bundled schema for the other tools, and the floor
    script, written into `work` (once: the CLI and the JSONL measurements both use them)."""
    reg = registry.default_registry()
    offering = reg.offering("runware/lipsync-2")
    schema_file, floor = work / "runware-lipsync-2.schema.json", work / "floor.py"
    if not schema_file.exists():
        schema_file.write_text(json.dumps(codegen.bundle(reg, offering)))
        floor.write_text(FLOOR_SCRIPT)
    return offering, schema_file, floor


def cli(work: Path, runs: int, one_file_only: bool = False) -> list[tuple[str, bool]]:
    checker = shutil.which("check-jsonschema", path=str(BIN))
    if checker is None:
        print("\n2. CLI: check-jsonschema is not installed (pip install check-jsonschema); skipped")
        return [("CLI comparisons: skipped, check-jsonschema missing", False)]
    offering, schema_file, floor = floor_files(work)
    source = ROOT / "examples/runware/lipsync-2/valid/seed-001-lipsync-2-segments.json"
    files = work / "files"
    files.mkdir()
    names = []
    for number in range(1 if one_file_only else 10_000):
        name = f"files/payload-{number:05}.json"
        shutil.copy(source, work / name)
        names.append(name)
    ajv = ajv_cli()
    tools = {"capreg": lambda n: [*CAPREG, "--offering", offering.id, "-q", *n],
             "capreg -j1": lambda n: [*CAPREG, "--offering", offering.id, "-q", "-j1", *n],
             "check-jsonschema": lambda n: [checker, "--schemafile", str(schema_file), *n],
             "floor": lambda n: [sys.executable, str(floor), str(schema_file), *n]}
    if ajv is not None:
        # ajv-cli takes many files as one glob: these match the first 1,000 and all 10,000
        globs = {1_000: "files/payload-00???.json", 10_000: "files/payload-?????.json"}
        tools["ajv-cli"] = lambda n: [*ajv, "-s", str(schema_file), "-d", globs.get(len(n), n[0])]
    print("\n2. CLI wall time, median of interleaved runs (s)")
    if ajv is None:
        print("   (ajv-cli skipped: npm is not installed)")
    print(f"{'files':>6} " + " ".join(f"{tool:>16}" for tool in tools))
    measured = {}
    counts = ((1, runs),) if one_file_only else ((1, runs), (1_000, max(3, runs // 2)), (10_000, max(3, runs // 4)))
    for count, repeat in counts:
        picked = names[:count]
        measured[count] = dict(zip(tools, walls([build(picked) for build in tools.values()], work, repeat)))
        print(f"{count:>6} " + " ".join(f"{measured[count][tool]:>16.3f}" for tool in tools))
    one = measured[1]
    start_up = [(f"{TARGETS['cli1']}: {one['capreg'] / one['check-jsonschema']:.2f}x",
                 one["capreg"] / one["check-jsonschema"] <= 0.25),
                (f"{TARGETS['cli1-floor']}: {one['capreg'] / one['floor']:.2f}x", one["capreg"] / one["floor"] <= 1.5)]
    if one_file_only:
        return start_up
    per_file = {tool: (measured[10_000][tool] - measured[1][tool]) / 9_999 * 1e6 for tool in tools}
    print("per file at 10,000 files (µs): " + ", ".join(f"{tool} {per_file[tool]:.0f}" for tool in tools))
    thousand = measured[1_000]
    print(f"one file: capreg / check-jsonschema {one['capreg'] / one['check-jsonschema']:.2f}x, "
          f"capreg / floor {one['capreg'] / one['floor']:.2f}x; 1,000 files: capreg "
          f"{thousand['check-jsonschema'] / thousand['capreg']:.1f}x faster than check-jsonschema")
    beside = f" (ajv-cli {per_file['ajv-cli']:.0f} µs)" if "ajv-cli" in per_file else " (ajv-cli skipped: no npm)"
    return [*start_up,
            (f"{TARGETS['cli1000']}: {thousand['check-jsonschema'] / thousand['capreg']:.1f}x",
             thousand["check-jsonschema"] / thousand["capreg"] >= 5),
            (f"{TARGETS['per-file']}: {per_file['capreg']:.0f} µs default, {per_file['capreg -j1']:.0f} µs -j1{beside}",
             per_file["capreg"] <= 40)]


def jsonl(work: Path, lines: int) -> list[tuple[str, bool]]:
    source = json.loads((ROOT / "examples/runware/lipsync-2/valid/seed-001-lipsync-2-audio.json").read_text())
    stream = work / "stream.jsonl"
    with stream.open("w") as out:
        for number in range(lines):
            source["taskUUID"] = f"{number:08x}-0000-4000-8000-000000000000"
            out.write(json.dumps(source) + "\n")
    size = stream.stat().st_size
    _, schema_file, floor = floor_files(work)
    print(f"\n3. JSONL stream: {lines:,} lines, {size / 2**20:.0f} MiB")
    verdicts = []
    # Not -q, which is silent on success: a file of clean payloads is one line, then the summary.
    runs = {"one core (-j1)": [*CAPREG, "-j1", str(stream)],
            "every core": [*CAPREG, str(stream)],
            "stdin, every core": [*CAPREG, "-"],
            "floor (json.loads + is_valid)": [sys.executable, str(floor), str(schema_file), str(stream)]}
    for label, command in runs.items():
        seconds, peak_mib, last_line = measured_run(command, stdin=stream if command[-1] == "-" else None)
        print(f"   {label:<30} {seconds:6.1f} s {lines / seconds:>10,.0f} payloads/s  peak {peak_mib:4.0f} MiB")
        if label.startswith("one core"):
            print(f"   capreg: {last_line}")
            verdicts.append((f"{TARGETS['jsonl']}: {lines / seconds:,.0f}/s", lines / seconds >= 60_000))
        if label.startswith(("one core", "every", "stdin")):
            verdicts.append((f"{TARGETS['jsonl-memory']}: {label} {peak_mib:.0f} MiB", peak_mib < 100))
    return verdicts


COLD_SERVICE = """import json, sys, time
payload = json.loads(open(sys.argv[1]).read())
start = time.perf_counter()
import registry
imported = time.perf_counter()
registry.validate(payload, "runware/lipsync-2")
done = time.perf_counter()
print(imported - start, done - imported)
"""
# What any service checking payloads with jsonschema-rs pays before its first payload.
ENGINE_IMPORT = "import time; start = time.perf_counter(); import jsonschema_rs; print(time.perf_counter() - start)"


def cold_service(work: Path, runs: int) -> list[tuple[str, bool]]:
    script = work / "cold.py"
    script.write_text(COLD_SERVICE)
    payload = ROOT / "examples/runware/lipsync-2/valid/seed-001-lipsync-2-audio.json"
    imports, firsts, engine = [], [], []
    for _ in range(runs):
        out = subprocess.run([sys.executable, str(script), str(payload)], capture_output=True, text=True, check=True)
        imported, first = (float(v) for v in out.stdout.split())
        imports.append(imported)
        firsts.append(first)
        out = subprocess.run([sys.executable, "-c", ENGINE_IMPORT], capture_output=True, text=True, check=True)
        engine.append(float(out.stdout))
    total = statistics.median(i + f for i, f in zip(imports, firsts)) * 1000
    print(f"\n4. cold service (median of {runs} new processes): import registry "
          f"{statistics.median(imports) * 1000:.1f} ms + first validate {statistics.median(firsts) * 1000:.1f} ms; "
          f"`import jsonschema_rs` alone: {statistics.median(engine) * 1000:.1f} ms")
    return [(f"{TARGETS['cold']}: {total:.1f} ms", total <= 20)]


def measured_run(command: list[str], stdin: Path | None = None) -> tuple[float, float, str]:
    """Wall seconds, peak memory (MiB) and the last line of output of one command."""
    # A fresh parent whose only child is the command, so the peak it reports is the command's alone.
    probe = ("import resource, subprocess, sys, time\n"
             "source = open(sys.argv[1], 'rb') if sys.argv[1] else None\n"
             "start = time.perf_counter()\n"
             "done = subprocess.run(sys.argv[2:], stdin=source, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)\n"
             "print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
             "print((done.stdout.strip().splitlines() or [''])[-1])\n")
    measured = subprocess.run([sys.executable, "-c", probe, str(stdin or ""), *command],
                              capture_output=True, text=True, check=True).stdout.splitlines()
    seconds, peak_kib = (float(v) for v in measured[0].split())
    return seconds, peak_kib / 1024, measured[1] if len(measured) > 1 else ""


def scaling(work: Path, rounds: int) -> list[tuple[str, bool]]:
    from tests import hostile_payloads

    reg = registry.default_registry()
    small, large = 1_000, 16_000
    print("\n5. scaling: one payload of N segments, each breaking a rule; in-process median (ms), then the CLI")
    print(f"{'payload':<14} {f'{small:,}':>8} {f'{large:,}':>8} {'ratio':>7}   {'CLI ' + f'{large:,}':>10} {'peak':>9}")
    check = functools.partial(registry.validate, offering=hostile_payloads.OFFERING, registry=reg)
    verdicts = []
    for kind in ("out-of-order", "dangling-refs"):
        build = hostile_payloads.KINDS[kind]
        few, many = (median_us(check, build(n), rounds) / 1000 for n in (small, large))
        path = work / f"{kind}-{large}.json"
        path.write_text(json.dumps(build(large)))
        seconds, peak_mib, _ = measured_run([*CAPREG, "-q", "--offering",
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
    cuts = {name: statistics.quantiles(measured, n=100) for name, measured in times.items()}
    return {name: (cut[49] * 1e6, cut[98] * 1e6) for name, cut in cuts.items()}


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
    parser.add_argument("--jsonl-lines", type=int, default=300_000)
    parser.add_argument("--only-guard", action="store_true", help="measure the request guard only")
    parser.add_argument("--only-files", action="store_true", help="measure the CLI on files and JSONL only (2 and 3)")
    parser.add_argument("--only-start", action="store_true",
                        help="measure the start-up only: `capreg validate` on one file (2.) and the cold service (4.)")
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
    elif args.only_files:
        with tempfile.TemporaryDirectory() as scratch:
            verdicts = cli(Path(scratch), args.runs) + jsonl(Path(scratch), args.jsonl_lines)
    elif args.only_start:
        with tempfile.TemporaryDirectory() as scratch:
            verdicts = cli(Path(scratch), args.runs, one_file_only=True) + cold_service(Path(scratch), args.runs)
    else:
        verdicts = in_process(args.rounds)
        with tempfile.TemporaryDirectory() as scratch:
            work = Path(scratch)
            verdicts += cli(work, args.runs)
            verdicts += jsonl(work, args.jsonl_lines)
            verdicts += cold_service(work, args.runs)
            verdicts += scaling(work, max(3, args.rounds // 30))
        verdicts += guard(args.rounds * 10)
    print("\nTargets")
    for text, met in verdicts:
        print(f"  [{'met' if met else 'MISSED'}] {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
