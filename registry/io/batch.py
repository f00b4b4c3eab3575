"""Checking payload files: read each payload, validate it, locate its findings in the text.

One file's results stream (a JSONL file of millions of lines never sits in memory). Many
files are spread over worker processes when there are enough to pay for them: pre-commit
and CI hand capreg hundreds of files at once, and each costs far more to read and check
than a worker costs to start. Results come back in the order of the files either way.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

from registry.io import payloads
from registry.io.results import Result
from registry.schema.tree import Registry
from registry.validation.validate import validate

# Below this many files per worker, starting workers costs more than it saves.
FILES_PER_WORKER = 100

_worker_registry: Registry | None = None  # set before the workers fork, inherited by them


def display_name(name: str) -> str:
    return "<stdin>" if name == payloads.STDIN else name


def results(name: str, offering: str | None, registry: Registry) -> Iterator[Result]:
    """The result of every payload of one file, as it is read."""
    display = display_name(name)
    for payload in payloads.read(name):
        if payload.problem is not None:
            yield Result(display, payload.index, payload.line, offering, (payload.problem,))
            continue
        report = validate(payload.value, offering, registry=registry)
        findings, positions = _in_file_order(report.findings, _positions(payload, report.findings))
        yield Result(display, payload.index, payload.line, report.offering, findings, positions)


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

    located = locate_all(payload.source, payload.syntax, [f.pointer for f in findings], payload.index)
    if payload.line is not None and payload.syntax == "json":  # a JSONL line: its text is that line
        located = [(payload.line + p[0] - 1, p[1]) if p else None for p in located]
    return tuple(located)


def _streamed(name: str) -> bool:
    """stdin and JSONL are read by the parent, one payload at a time."""
    return name == payloads.STDIN or name.lower().endswith(payloads.JSONL_SUFFIXES)


def _check_in_worker(task: tuple[str, str | None]) -> tuple[Result, ...]:
    assert _worker_registry is not None
    name, offering = task
    return tuple(results(name, offering, _worker_registry))


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def check_files(files: list[str], offering_for: Callable[[str], str | None], registry: Registry,
                jobs: int) -> Iterator[tuple[str, Iterator[Result]]]:
    """(display name, results) for every file, in order."""
    global _worker_registry
    parallel = [name for name in files if not _streamed(name)]
    workers = min(jobs, len(parallel) // FILES_PER_WORKER)
    if workers < 2 or "fork" not in _start_methods():
        for name in files:
            yield display_name(name), results(name, offering_for(name), registry)
        return

    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    _worker_registry = registry
    tasks = [(name, offering_for(name)) for name in parallel]
    chunk = max(1, len(tasks) // (workers * 8))
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        checked = pool.map(_check_in_worker, tasks, chunksize=chunk)
        for name in files:
            if _streamed(name):
                yield display_name(name), results(name, offering_for(name), registry)
            else:
                yield display_name(name), iter(next(checked))


def _start_methods() -> list[str]:
    import multiprocessing

    return multiprocessing.get_all_start_methods()
