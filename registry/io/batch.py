"""Checking payload files: read each payload, validate it, locate its findings in the text.

One file's results stream (a JSONL file of millions of lines never sits in memory). Many
files, and the lines of a long JSONL stream (a file or stdin) in batches, are spread over
worker processes only when there are enough to pay for them: a payload is read and checked
in tens of microseconds, and starting the workers costs milliseconds. Results come back in
the order of the files and lines either way.
"""

from __future__ import annotations

import collections
import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from registry.base.catalog import rule
from registry.base.frozen import record
from registry.io import payloads
from registry.io.results import Result
from registry.schema.tree import Registry
from registry.validation.requests import validate_body

# Below this many files per worker, workers cost more than they save. A file is checked in
# ~70 µs; its result comes back for ~10 µs of the parent's time (results pickle as their
# fields), and starting two workers costs ~20 ms: on two free cores they pay from ~500 files.
# On a machine whose two CPUs give ~1.2x one core's throughput (this project's: two busy
# processes each run at 0.6x), two workers were level with one process at 2,000 and 10,000
# files (0.16 s against 0.14 s, 0.73 s against 0.71 s).
FILES_PER_WORKER = 1_000
# The first files are checked here before the workers fork, so the offerings they name are
# compiled once (~6 ms each) and inherited, not compiled again in every worker.
FILES_BEFORE_WORKERS = 20

# A JSONL stream (a file, stdin) goes to the workers once this many of its payloads are
# checked here (~0.4 s): a shorter one is over before forking them pays.
LINES_BEFORE_WORKERS = 20_000
# Batches of lines sent ahead to each worker: enough to keep it busy while the parent
# reports, few enough to keep the memory of a stream of any length small.
BATCHES_IN_FLIGHT_PER_WORKER = 3

_worker_registry: Registry | None = None  # set before the workers fork, inherited by them


# The suffixes a directory is searched for, as capreg reads them (any case).
PAYLOAD_SUFFIXES = (*payloads.JSON_SUFFIXES, *payloads.JSONL_SUFFIXES, *payloads.YAML_SUFFIXES)
# Besides hidden ones (.git, .venv …): folders of installed packages, never payloads of one's own.
SKIPPED_DIRECTORIES = frozenset({"node_modules", "__pycache__"})
_GLOB_MAGIC = frozenset("*?[")  # what glob.has_magic looks for


@record
class Unmatched:
    """An argument that names no payload file: a pattern that matches none, a directory
    that holds none."""

    name: str
    reason: str

    def result(self) -> Result:
        return Result(self.name, 0, None, None, (rule("file-unreadable").finding("", reason=self.reason),))


def expand(arguments: Iterable[str]) -> list[str | Unmatched]:
    """The files to check, as linters take them: a file or `-` as it is; a directory, every
    payload file under it (by suffix, skipping hidden and SKIPPED_DIRECTORIES folders); a
    glob pattern the shell left alone (`'payloads/**/*.json'`, `**` spanning folders), the
    files it matches (outside those folders, unless it names them). Each directory and pattern in sorted order; a name that exists is never
    taken for a pattern."""
    files: list[str | Unmatched] = []
    for argument in arguments:
        if argument != payloads.STDIN and os.path.isdir(argument):
            found = _payload_files_under(argument)
            files.extend(found or [Unmatched(argument, "it is a directory with no payload files in it "
                                                       f"({', '.join(PAYLOAD_SUFFIXES)})")])
        elif argument != payloads.STDIN and not _GLOB_MAGIC.isdisjoint(argument) and not os.path.lexists(argument):
            import glob  # a pattern the shell left alone: rare

            matched = sorted(name for name in glob.glob(argument, recursive=True)
                             if not os.path.isdir(name) and not _in_skipped_directory(name, argument))
            files.extend(matched or [Unmatched(argument, "no file matches this pattern")])
        else:
            files.append(argument)
    return files


def _in_skipped_directory(name: str, pattern: str) -> bool:
    """Whether a match lies in a SKIPPED_DIRECTORIES folder the pattern does not name (glob
    already leaves hidden folders out)."""
    named = set(pattern.replace(os.sep, "/").split("/"))
    return any(part in SKIPPED_DIRECTORIES and part not in named for part in name.replace(os.sep, "/").split("/"))


def _payload_files_under(directory: str) -> list[str]:
    found = []
    for folder, subfolders, names in os.walk(directory):
        subfolders[:] = [name for name in subfolders if not name.startswith(".") and name not in SKIPPED_DIRECTORIES]
        found.extend(os.path.join(folder, name) for name in names
                     if not name.startswith(".") and name.lower().endswith(PAYLOAD_SUFFIXES))
    return sorted(found)


def display_name(name: str) -> str:
    return "<stdin>" if name == payloads.STDIN else name


def results(name: str, offering: str | None, registry: Registry, modelines: bool = True) -> Iterator[Result]:
    """The result of every payload of one file, as it is read. With `modelines`, a YAML
    file's yaml-language-server modeline that names an editor schema of capreg's names the
    offering, before `offering` (the file's own statement is more specific than a glob)."""
    display = display_name(name)
    for payload in payloads.read(name):
        yield from payload_results(display, payload, offering, registry, modelines)


def payload_results(display: str, payload: payloads.Payload, offering: str | None, registry: Registry,
                    modelines: bool) -> tuple[Result, ...]:
    """The results of one payload of the file named `display`, as `results` gives them."""
    if payload.problem is not None:
        return (Result(display, payload.index, payload.line, offering, (payload.problem,), (payload.problem_position,)),)
    chosen = payload.named if modelines and payload.named else offering
    # A task array holds several payloads, a Replicate prediction wraps one: each is a
    # result, its findings pointing into the whole document, which is searched once for all.
    # What the reader made of JSON text is plain JSON data within every limit already.
    reports = [report for _, report in validate_body(payload.value, chosen, registry=registry,
                                                     json_data=payload.syntax != "yaml")]
    if len(reports) == 1 and not reports[0].findings:  # the common case: nothing to place
        return (Result(display, payload.index, payload.line, reports[0].offering, ()),)
    located = iter(_positions(payload, tuple(f for report in reports for f in report.findings)))
    checked = []
    for report in reports:
        positions = tuple(next(located) for _ in report.findings) if payload.source is not None else ()
        findings, positions = _in_file_order(report.findings, positions)
        checked.append(Result(display, payload.index, payload.line, report.offering, findings, positions))
    return tuple(checked)


def _in_file_order(findings: tuple[Any, ...], positions: tuple[Any, ...]) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """A file's findings as a reader meets them, by line and column: the library's Report
    order (severity, then pointer) is kept among findings at the same place, and for
    findings the text cannot place, which come last."""
    if not positions:
        return findings, positions
    order = sorted(range(len(findings)), key=lambda i: (0, *positions[i]) if positions[i] else (1,))
    return tuple(findings[i] for i in order), tuple(positions[i] for i in order)


def _positions(payload: payloads.Payload, findings: tuple[Any, ...]) -> tuple[Any, ...]:
    """Line and column of each finding in the payload's text; only payloads with findings pay."""
    if not findings or payload.source is None:
        return ()
    from registry.io.positions import locate_all

    located = locate_all(payload.source, payload.syntax, [f.pointer for f in findings], payload.index, payload.value)
    if payload.origin != 1:  # a JSONL line or one of several documents: its text starts further down
        located = [(payload.origin + p[0] - 1, p[1]) if p else None for p in located]
    return tuple(located)


def _streamed(name: str | Unmatched) -> bool:
    """stdin and JSONL are read by the parent, one payload at a time (and nothing is read for
    what matched no file)."""
    return isinstance(name, Unmatched) or name == payloads.STDIN or name.lower().endswith(payloads.JSONL_SUFFIXES)


def _check_in_worker(task: tuple[str, str | None, bool]) -> tuple[Result, ...]:
    assert _worker_registry is not None
    name, offering, modelines = task
    return tuple(results(name, offering, _worker_registry, modelines))


def _check_batch_in_worker(task: tuple[str, payloads.LineBatch, str | None]) -> list[Result]:
    assert _worker_registry is not None
    display, batch, offering = task
    return [result for payload in batch.payloads()
            for result in payload_results(display, payload, offering, _worker_registry, modelines=False)]


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


class _Workers:
    """The worker processes of one run, forked when first asked for (after the registry and
    the offerings checked so far are loaded and compiled, which they inherit), shut down
    with the run. Where processes cannot be forked, there are none: all is checked here."""

    def __init__(self, jobs: int, registry: Registry) -> None:
        self.jobs = jobs
        self.registry = registry
        self._pool: Any = None

    def pool(self, workers: int) -> Any:
        """The pool (of `workers` processes when it is started now), or None when checking
        here is all there is."""
        if self._pool is None:
            if workers < 2 or "fork" not in _start_methods():  # multiprocessing is imported only here
                return None
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            global _worker_registry
            _worker_registry = self.registry
            self._pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                                             initializer=_leave_interrupts_to_the_parent)
        return self._pool

    def __enter__(self) -> _Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)


def _leave_interrupts_to_the_parent() -> None:
    """Ctrl-C reaches every process of the terminal's group: the parent stops the run (and
    says so once), a worker finishes its batch rather than print a traceback of its own."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def check_files(files: list[str | Unmatched], offering_for: Callable[[str], str | None], registry: Registry,
                jobs: int, modelines: bool = True) -> Iterator[tuple[str, Iterator[Result]]]:
    """(display name, results) for every file (as `expand` gives them), in order; `modelines`
    as for `results`."""
    with _Workers(jobs, registry) as workers:
        parallel = [name for name in files if not _streamed(name)]
        spread = min(jobs, len(parallel) // FILES_PER_WORKER)
        checked: Iterator[tuple[Result, ...]] | None = None
        here = 0  # files checked here so far (of those workers could check)
        for name in files:
            if isinstance(name, Unmatched):
                yield name.name, iter((name.result(),))
            elif _streamed(name):
                yield display_name(name), _stream_results(name, offering_for(name), registry, modelines, workers)
            elif checked is not None:
                yield display_name(name), iter(next(checked))
            else:
                yield display_name(name), results(name, offering_for(name), registry, modelines)
                here += 1
                if here == FILES_BEFORE_WORKERS and spread >= 2 and (pool := workers.pool(spread)) is not None:
                    tasks = [(name, offering_for(name), modelines) for name in parallel[here:]]
                    checked = pool.map(_check_in_worker, tasks, chunksize=max(1, len(tasks) // (spread * 8)))


def _stream_results(name: str, offering: str | None, registry: Registry, modelines: bool,
                    workers: _Workers) -> Iterator[Result]:
    """The results of stdin or a JSONL file, in order. Past LINES_BEFORE_WORKERS payloads
    checked here, its batches of lines are checked by the workers, a few batches ahead of
    the one reported, so memory holds a few batches whatever the length of the stream."""
    if workers.jobs < 2:
        yield from results(name, offering, registry, modelines)
        return
    display = display_name(name)
    checked_here = 0
    in_flight: collections.deque[Any] = collections.deque()
    for item in payloads.read_batched(name):
        pool = workers.pool(workers.jobs) if checked_here >= LINES_BEFORE_WORKERS else None
        if isinstance(item, payloads.LineBatch) and pool is not None:
            in_flight.append(pool.submit(_check_batch_in_worker, (display, item, offering)))
            if len(in_flight) >= BATCHES_IN_FLIGHT_PER_WORKER * workers.jobs:
                yield from in_flight.popleft().result()
            continue
        while in_flight:
            yield from in_flight.popleft().result()
        for payload in item.payloads() if isinstance(item, payloads.LineBatch) else (item,):
            checked_here += 1
            yield from payload_results(display, payload, offering, registry, modelines)
    while in_flight:
        yield from in_flight.popleft().result()


def _start_methods() -> list[str]:
    import multiprocessing

    return multiprocessing.get_all_start_methods()
