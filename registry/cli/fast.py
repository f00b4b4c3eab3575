"""`capreg validate FILE...` without click: the invocation pre-commit makes on every commit
and services make per request, where click's import is a third of the start-up.

It takes the common forms only: files, `-` for stdin, and the options --offering, --format,
--fail-on, --color, -q/--quiet, --no-progress and -j/--jobs. Anything else (--help,
--select, a global option, an option it does not know), a run that may show the progress
bar (stderr is a terminal), and anything that would end in a usage message (an unknown
offering, a broken tree, a bad pyproject.toml or a rule name in it, a mapping to no
offering) returns without a word, and the click command does it all as before: the output
is the same either way. It also skips the interpreter's teardown: the output is flushed,
the pool of workers is closed, and nothing is left to clean up.
"""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path
from typing import Any

# option -> the values it takes (None: any); flags take none
_VALUED = {"--offering": None, "--format": "formats", "--fail-on": "severities",
           "--color": ("auto", "always", "never"), "--jobs": "jobs", "-j": "jobs"}
_FLAGS = {"-q": "quiet", "--quiet": "quiet", "--no-progress": "no_progress"}


def run(arguments: list[str]) -> None:
    """Run `capreg validate` and exit, when `arguments` are of a form this path takes."""
    options = _parsed(arguments)
    if options is None:
        return
    # The modules imported and the registry live to the end of the run: frozen once made,
    # the garbage collector never scans them again (its scans after the imports took
    # ~0.8 ms of a run on one file).
    gc.freeze()
    gc.disable()
    try:
        code = _validate(**options)
    except BrokenPipeError:
        _exit(1)
    except KeyboardInterrupt:
        print("\nAborted!", file=sys.stderr)  # as click says it
        _exit(1)
    finally:
        gc.enable()
    if code is not None:
        _exit(code)


def _parsed(arguments: list[str]) -> dict[str, Any] | None:
    if not arguments or arguments[0] != "validate":
        return None
    options: dict[str, Any] = {"files": [], "offering": None, "output_format": "text", "fail_on": "error",
                               "color": "auto", "quiet": False, "no_progress": False, "jobs": 0}
    rest = iter(arguments[1:])
    for argument in rest:
        if argument == "-" or not argument.startswith("-"):
            options["files"].append(argument)
            continue
        name, equals, value = argument.partition("=")
        if name.startswith("-j") and not name.startswith("--") and len(name) > 2 and not equals:
            name, value, equals = "-j", name[2:], "="
        if name in _FLAGS and not equals:
            options[_FLAGS[name]] = True
            continue
        if name not in _VALUED:
            return None
        if not equals:
            value = next(rest, None)
            if value is None:
                return None
        taken = _value(name, value)
        if taken is None:
            return None
        options[{"--format": "output_format", "--fail-on": "fail_on", "-j": "jobs"}.get(
            name, name.lstrip("-").replace("-", "_"))] = taken
    return options if options["files"] else None


def _value(option: str, value: str) -> Any:
    """The option's value as the click command would take it, or None when click would refuse it."""
    allowed = _VALUED[option]
    if allowed is None:
        return value
    if allowed == "jobs":
        return int(value) if value.isascii() and value.isdigit() else None
    if allowed == "formats":
        from registry.report.reporters import REPORTERS

        allowed = tuple(REPORTERS)
    if allowed == "severities":
        from registry.base.findings import Severity

        allowed = tuple(severity.value for severity in Severity)
    return value if value in allowed else None


def _validate(files: list[str], offering: str | None, output_format: str, fail_on: str, color: str, quiet: bool,
              no_progress: bool, jobs: int) -> int | None:
    """The exit code, or None (before any output) when click has to say something instead."""
    if not (quiet or no_progress) and sys.stderr.isatty():
        return None  # the progress bar is click's
    from registry.base.errors import ConfigError, RegistryError
    from registry.io.batch import default_jobs, expand
    from registry.io.config import find_config
    from registry.validation.validate import default_registry

    try:
        registry = default_registry()
        config = find_config(Path.cwd())
    except (RegistryError, ConfigError):
        return None
    if offering is not None and offering not in registry.offerings:
        return None
    offering_map = None if offering or config is None else config.offerings
    expanded = expand(files)
    chosen: dict[str, str | None] = {}
    for name in expanded:
        if isinstance(name, str):
            mapped = offering if offering_map is None or name == "-" else offering_map.offering_for(name)
            if mapped is not None and mapped not in registry.offerings:
                return None
            chosen[name] = mapped

    from registry.cli.validating import UnknownRuleName, check_and_report, reporter_for, rule_filter, rule_names

    try:
        keep = rule_filter(rule_names((), "--select", config and (config.select, config.file)),
                           rule_names((), "--ignore", config and (config.ignore, config.file)))
    except UnknownRuleName:
        return None  # a usage error, worded by the click command
    gc.freeze()  # the registry, as the modules were: what payloads leave behind is what there is to collect
    gc.enable()
    reporter = reporter_for(output_format, color, quiet, sys.stdout)
    return check_and_report(expanded, chosen.__getitem__, registry, reporter, keep, fail_on,
                            jobs or default_jobs(), modelines=offering is None)


def _exit(code: int) -> None:
    """Exit without the interpreter's teardown (freeing every object one by one), once the
    output is out. A closed pipe is what click makes of it: exit 1, no traceback."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        code = 1
    os._exit(code)
