"""capreg fuzz: the properties of tests/test_properties.py, run long, counted rather than
stopped at the first failure.

    ./scripts/fuzz                    # 100,000 cases (a few minutes)
    ./scripts/fuzz --cases 1000000 --seed 7

Each case is one of: a payload generated from an offering's schema; a valid example
mutated to break one rule (required, range, enum, ref-unknown, out-of-order, pattern); a
valid example with any value replaced or removed; an example file with bytes inserted,
deleted or replaced, read from disk; an example (valid, invalid or changed) whose objects and
arrays are made other Mappings and Sequences (OrderedDict, MappingProxyType, tuple...),
sometimes holding a value too large for JSON (an over-long integer, NaN, nesting too deep). A *crash* is an exception escaping capreg (the reader,
validate, the structural check, a typed client other than its ValidationError); a
*failure* is a property that does not hold (a wrong or missing rule, the engines or the
client disagreeing with validate, a converted twin whose findings differ from the plain
payload's). Prints the counts; exits 1 if either is not zero.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, Phase, given, seed, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tests import test_properties as properties  # noqa: E402
from tests import test_python_values as values  # noqa: E402

SHOWN = 5  # examples kept of each kind of problem


class Tally:
    def __init__(self) -> None:
        self.cases: Counter[str] = Counter()
        self.crashes: Counter[str] = Counter()
        self.failures: Counter[str] = Counter()
        self.causes: Counter[str] = Counter()  # failures by what was wrong, details left out
        self.examples: dict[str, list[str]] = {}

    def record(self, kind: str, check: Callable[[], list[str]], shown: Callable[[], str]) -> None:
        self.cases[kind] += 1
        try:
            problems = check()
        except Exception:  # noqa: BLE001 -- a crash is what is being counted
            self.crashes[kind] += 1
            self._keep(f"crash in {kind}", f"{shown()}\n{traceback.format_exc()}")
            return
        if problems:
            self.failures[kind] += 1
            for problem in problems:
                self.causes[_cause(problem)] += 1
            self._keep(f"failure in {kind}", f"{shown()}\n" + "\n".join(problems))

    def _keep(self, key: str, text: str) -> None:
        kept = self.examples.setdefault(key, [])
        if len(kept) < SHOWN:
            kept.append(text)


def _cause(problem: str) -> str:
    """A problem without its particulars (pointers, files, values), to count alike ones together."""
    return re.sub(r" at /\S*| of \S+", "", problem.split(":")[0])


def _shown(case: Any) -> str:
    try:
        return repr(case)[:2000]
    except ValueError:  # an integer longer than Python converts to text (an oversized value)
        digits = sys.get_int_max_str_digits()
        sys.set_int_max_str_digits(0)
        try:
            return repr(case)[:2000]
        finally:
            sys.set_int_max_str_digits(digits)


def run(tally: Tally, kind: str, strategy: st.SearchStrategy[Any], cases: int, seed_value: int,
        check: Callable[[Any], list[str]]) -> None:
    @seed(seed_value)
    @settings(max_examples=cases, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def one(case: Any) -> None:
        tally.record(kind, lambda: check(case), lambda: _shown(case))

    one()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000, help="how many cases in all (default 100,000)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    offerings = properties.offering_ids()
    mutations = list(properties.MUTATIONS)
    # Shares of the cases: generated payloads, mutations, any change, converted twins, mangled files.
    share = {"generated": 0.27, "mutation": 0.27, "changed": 0.22, "twin": 0.1, "file": 0.14}
    plan: list[tuple[str, st.SearchStrategy[Any], int, Callable[[Any], list[str]]]] = []
    for offering in offerings:
        plan.append((f"generated {offering}", properties.payload_strategy(offering),
                     round(args.cases * share["generated"] / len(offerings)),
                     lambda payload, offering=offering: properties.check_generated(offering, payload)))
    for name in mutations:
        plan.append((f"mutation {name}", properties.mutated(name), round(args.cases * share["mutation"] / len(mutations)),
                     lambda case, name=name: properties.check_mutation(name, *case)))
    plan.append(("any change", properties.anything_changed(), round(args.cases * share["changed"]),
                 lambda case: properties.check_changed(*case)))
    plan.append(("converted twin", values.converted_twin(), round(args.cases * share["twin"]),
                 lambda case: values.check_twin(*case)))
    directory = Path(tempfile.mkdtemp(prefix="capreg-fuzz-"))
    plan.append(("mangled file", properties.mangled_file(), round(args.cases * share["file"]),
                 lambda case: properties.check_file(*case, directory)))

    tally = Tally()
    started = time.perf_counter()
    carried = 0  # cases a kind could not use (a mutation with few sites runs out): the next kinds take them
    for index, (kind, strategy, cases, check) in enumerate(plan):
        kind_started = time.perf_counter()
        if index == len(plan) - 1:  # the last kind makes up what rounding left out
            carried = max(carried, args.cases - sum(tally.cases.values()) - cases)
        run(tally, kind, strategy, cases + carried, args.seed * 1000 + index, check)
        carried = max(0, cases + carried - tally.cases[kind])
        print(f"  {kind:<40} {tally.cases[kind]:>9,} cases {tally.crashes[kind]:>4} crashes "
              f"{tally.failures[kind]:>4} failures  {time.perf_counter() - kind_started:6.1f} s", flush=True)
    elapsed = time.perf_counter() - started

    for key, texts in tally.examples.items():
        print(f"\n== {key} (first {len(texts)})")
        for text in texts:
            print(text, "\n--")
    if tally.causes:
        print("\nfailures by cause:")
        for cause, count in tally.causes.most_common():
            print(f"  {count:>7,}  {cause}")
    cases, crashes, failures = (sum(c.values()) for c in (tally.cases, tally.crashes, tally.failures))
    print(f"\ncapreg fuzz: {cases:,} cases, {crashes} crashes, {failures} failures in {elapsed:.0f} s "
          f"(seed {args.seed}, python {sys.version.split()[0]})")
    return 1 if crashes or failures else 0


if __name__ == "__main__":
    sys.exit(main())
