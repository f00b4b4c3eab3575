"""What `capreg validate` does once its arguments are known, without click: check the files
and report them. Shared by the click command (registry.cli.validate) and the click-free
path (registry.cli.fast)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from registry.base.findings import Finding
from registry.cli.exits import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, fails
from registry.io.batch import Unmatched, check_files
from registry.io.results import Summary
from registry.report.base import Reporter
from registry.report.reporters import REPORTERS
from registry.schema.tree import Registry


def reporter_for(output_format: str, color: str, quiet: bool, out: IO[str]) -> Reporter:
    if output_format != "text":
        return REPORTERS[output_format](out)
    use_color = color == "always" or (color == "auto" and out.isatty() and not os.environ.get("NO_COLOR"))
    return REPORTERS["text"](out, quiet=quiet, color=use_color)  # type: ignore[call-arg]


# Where `--select`/`--ignore` names came from, for messages: the option, or pyproject.toml.
RuleNames = tuple[tuple[str, ...], str]


class UnknownRuleName(ValueError):
    """A `--select`/`--ignore` name (or one of `[tool.capreg]`) that is no rule id or family
    of `capreg validate`: a usage error (exit 2), worded with a did-you-mean."""


def rule_names(given: tuple[str, ...], option: str, configured: tuple[Any, Path] | None) -> RuleNames | None:
    """The rule names of the option (`--select a,b --select c`), else of `[tool.capreg]`
    (`configured`: the names there and the pyproject.toml)."""
    if given:
        return tuple(name.strip() for value in given for name in value.split(",") if name.strip()), option
    if configured is None or configured[0] is None:
        return None
    return tuple(configured[0]), f"{configured[1]}: [tool.capreg] {option.lstrip('-')}"


def rule_filter(selected: RuleNames | None, ignored: RuleNames | None) -> Callable[[Finding], bool] | None:
    """Which findings `validate` reports: `--select`/`--ignore` (or `[tool.capreg]`), by rule id
    or family, as linters do; None when neither is given (every finding). Findings about
    reading the input are always reported. Raises UnknownRuleName for a name capreg does not
    know."""
    if selected is None and ignored is None:
        return None
    from registry.base.catalog import RULES, VALIDATION_FAMILIES
    from registry.base.suggest import closest

    families = [f for f in VALIDATION_FAMILIES if f != "input"]
    choices = {r.id: (r.id,) for r in RULES.values() if r.family in families}
    choices.update({family: tuple(r.id for r in RULES.values() if r.family == family) for family in families})

    def expand(names: RuleNames) -> set[str]:
        listed, origin = names
        ids: set[str] = set()
        for name in listed:
            if name not in choices:
                suggestion = closest(name, list(choices))
                hint = (f"did you mean {suggestion!r}?" if suggestion
                        else "the rules page (generated/docs/rules.md) lists every rule id")
                raise UnknownRuleName(f"{origin}: {name!r} is not a rule id or family of `capreg validate`; {hint}")
            ids.update(choices[name])
        return ids

    chosen = None if selected is None else expand(selected)
    dropped = set() if ignored is None else expand(ignored)
    always = {r.id for r in RULES.values() if r.family == "input"}
    return lambda f: f.rule in always or ((chosen is None or f.rule in chosen) and f.rule not in dropped)


def check_and_report(files: list[str | Unmatched], offering_for: Callable[[str], str | None], registry: Registry,
                     reporter: Reporter, keep: Callable[[Finding], bool] | None, fail_on: str | None,
                     jobs: int, modelines: bool, progress: Any = None) -> int:
    """Check every file, report as results come; the exit code. `keep` filters the findings
    (`--select`, `--ignore`); None keeps them all. `progress` (registry.cli.progress), when
    given, is told of each payload and file."""
    summary = Summary()
    failed = unreadable = False
    for display, results in check_files(files, offering_for, registry, jobs, modelines=modelines):
        summary.files += 1
        reporter.file_begin(display)
        for result in results:
            if keep is not None:
                result = result.only(keep)
            if result.findings:
                unreadable |= result.unreadable
                failed |= fails(result.findings, fail_on)
            summary.add(result)
            reporter.result(result)
            if progress:
                progress.payload()
        reporter.file_end(display)
        if progress:
            progress.file()
    reporter.finish(summary)
    return EXIT_USAGE if unreadable else EXIT_FINDINGS if failed else EXIT_OK

