"""`capreg validate FILES`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from registry.base.errors import ConfigError, UnknownOffering
from registry.cli.common import broken_offering, fail_on_option, load_registry, mapped_offering, unknown_name
from registry.cli.progress import Progress
from registry.report.reporters import REPORTERS


class _Formats(click.Choice):
    """The `--format` choices: the reporters table as it is when the command runs, so a
    reporter registered after this module was imported is offered too."""

    def __init__(self) -> None:
        self.case_sensitive = True  # what click.Choice.__init__ sets besides the choices

    @property  # type: ignore[override]
    def choices(self) -> tuple[str, ...]:
        return tuple(REPORTERS)


@click.command()
@click.argument("files", nargs=-1, required=True)
@click.option("--offering", metavar="PROVIDER/MODEL",
              help="Check every payload against this offering instead of detecting it.")
@click.option("--format", "output_format", type=_Formats(), default="text", show_default=True,
              help="text for people; json (documented shape); github workflow annotations; SARIF 2.1.0.")
@fail_on_option("error", "a finding")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
              help="Text format: colour severities; auto means on a terminal unless NO_COLOR is set.")
@click.option("-q", "--quiet", is_flag=True,
              help="Text format: print only findings, and the summary after them (nothing on success). "
                   "No progress bar.")
@click.option("--no-progress", is_flag=True,
              help="No progress bar (shown on stderr only when it is a terminal, after a run's first second).")
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=0,
              help="Worker processes for many files; 0 (default) uses every CPU when there are enough files.")
@click.option("--select", "selected", metavar="RULE[,RULE]", multiple=True,
              help="Report only these rule ids or families (replaces [tool.capreg] select).")
@click.option("--ignore", "ignored", metavar="RULE[,RULE]", multiple=True,
              help="Do not report these rule ids or families (replaces [tool.capreg] ignore).")
def validate(files: tuple[str, ...], offering: str | None, output_format: str, fail_on: str, color: str,
             quiet: bool, no_progress: bool, jobs: int, selected: tuple[str, ...], ignored: tuple[str, ...]) -> None:
    """Validate request payload FILES (JSON, YAML, JSONL; - for stdin). A directory is
    searched for payload files, and a quoted glob pattern ('payloads/**/*.json') expanded.

    The offering of each payload is, in this order: --offering; a YAML file's
    `# yaml-language-server: $schema=` line naming one of capreg's editor schemas; the
    [tool.capreg.offerings] mapping of the nearest pyproject.toml; the model id inside the payload.
    """
    from registry.cli.validating import UnknownRuleName, check_and_report, reporter_for, rule_filter, rule_names
    from registry.io.batch import default_jobs, expand
    from registry.io.config import find_config

    registry = load_registry()
    if offering in registry.failures:
        raise broken_offering(registry, offering)
    if offering is not None:
        try:
            registry.offering(offering)
        except UnknownOffering as exc:
            raise unknown_name(exc, "--offering") from None
    try:
        config = find_config(Path.cwd())
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None
    offering_map = None if offering or config is None else config.offerings
    try:
        keep = rule_filter(rule_names(selected, "--select", config and (config.select, config.file)),
                           rule_names(ignored, "--ignore", config and (config.ignore, config.file)))
    except UnknownRuleName as exc:
        raise click.UsageError(str(exc)) from None

    def offering_for(name: str) -> str | None:
        if offering or offering_map is None or name == "-":
            return offering
        return mapped_offering(registry, offering_map, name)

    names = expand(files)
    progress = None if quiet or no_progress else Progress.on(sys.stderr, len(names))
    if progress:
        click.get_current_context().call_on_close(progress.close)  # also when the run is interrupted
    reporter = reporter_for(output_format, color, quiet, progress.around(sys.stdout) if progress else sys.stdout)
    sys.exit(check_and_report(names, offering_for, registry, reporter, keep, fail_on, jobs or default_jobs(),
                              modelines=offering is None, progress=progress))
