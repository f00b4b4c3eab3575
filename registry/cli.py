"""The `capreg` command.

Exit codes of `capreg validate`: 0 no finding at or above --fail-on, 1 such findings,
2 a usage error or an input that could not be read. Heavy imports (pydantic, the code
generator) happen inside the commands that need them, so `validate` starts fast.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from .findings import Severity

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def load_registry() -> Any:
    """The default registry, or a clean exit when the schema tree is broken."""
    from .errors import RegistryError
    from .validation import default_registry

    try:
        return default_registry()
    except RegistryError as exc:
        raise unusable(f"the schema registry cannot be loaded: {exc}") from None


def unusable(message: str) -> click.ClickException:
    """A broken schema tree or offering: exit 2, as nothing was checked."""
    error = click.ClickException(message)
    error.exit_code = EXIT_USAGE  # not a finding about the payloads
    return error


def broken_offering(registry: Any, offering: str) -> click.ClickException:
    return unusable(f"offering {offering} cannot be used: {registry.failures[offering]} (`capreg lint` lists every problem)")


class LazyGroup(click.Group):
    """Commands listed in LAZY_COMMANDS are imported only when they run (or for --help),
    so `capreg validate` never pays for the code generator or the comparison."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *LAZY_COMMANDS])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in LAZY_COMMANDS:
            module, _, attribute = LAZY_COMMANDS[name].partition(":")
            return getattr(importlib.import_module(module), attribute)
        return super().get_command(ctx, name)


# name -> "module:click command"; each module defines its command next to the code it runs.
LAZY_COMMANDS: dict[str, str] = {
    "generate": "registry.generate:generate",
    "compare": "registry.comparison:compare_command",
    "plan": "registry.plan:plan_command",
    "breaking": "registry.breaking:breaking_command",
    "translate": "registry.translate:translate_command",
}


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="capreg")
def main() -> None:
    """capreg: request schemas of AI models at every provider that hosts them.

    Validate payloads, compare providers, generate typed clients and docs.
    """


@main.command()
@click.argument("files", nargs=-1, required=True)
@click.option("--offering", metavar="PROVIDER/MODEL",
              help="Check every payload against this offering instead of detecting it.")
@click.option("--format", "output_format", type=click.Choice(["text", "json", "github", "sarif"]), default="text",
              show_default=True, help="text for people; json (documented shape); github workflow annotations; SARIF 2.1.0.")
@click.option("--fail-on", type=click.Choice([s.value for s in Severity]), default="error", show_default=True,
              help="Exit 1 when a finding at or above this severity is reported.")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
              help="Text format: colour severities; auto means on a terminal unless NO_COLOR is set.")
@click.option("-q", "--quiet", is_flag=True, help="Text format: print only findings and the summary.")
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=0,
              help="Worker processes for many files; 0 (default) uses every CPU when there are enough files.")
def validate(files: tuple[str, ...], offering: str | None, output_format: str, fail_on: str, color: str,
             quiet: bool, jobs: int) -> None:
    """Validate request payload FILES (JSON, YAML, JSONL; - for stdin).

    The offering of each payload is, in this order: --offering; the [tool.capreg.offerings]
    mapping of the nearest pyproject.toml; the model id inside the payload.
    """
    from .batch import check_files, default_jobs
    from .config import ConfigError, find_offering_map
    from .reporting import REPORTERS, Summary

    registry = load_registry()
    if offering in registry.failures:
        raise broken_offering(registry, offering)
    if offering is not None and offering not in registry.offerings:
        from .loading import closest

        suggestion = closest(offering, registry.offerings)
        raise click.BadParameter(
            f"unknown offering {offering!r}" + (f"; did you mean {suggestion!r}?" if suggestion else "")
            + " (`capreg list` shows them all)", param_hint="--offering")
    try:
        offering_map = None if offering else find_offering_map(Path.cwd())
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None

    def offering_for(name: str) -> str | None:
        if offering or offering_map is None or name == "-":
            return offering
        mapped = offering_map.offering_for(name)
        if mapped in registry.failures:
            raise broken_offering(registry, mapped)
        return mapped

    out = sys.stdout
    if output_format == "text":
        use_color = color == "always" or (color == "auto" and out.isatty() and not os.environ.get("NO_COLOR"))
        reporter = REPORTERS["text"](out, quiet=quiet, color=use_color)
    else:
        reporter = REPORTERS[output_format](out)
    summary = Summary()
    threshold = Severity(fail_on).rank
    failed = unreadable = False
    for display, results in check_files(list(files), offering_for, registry, jobs or default_jobs()):
        summary.files += 1
        reporter.file_begin(display)
        for result in results:
            unreadable |= result.unreadable
            failed |= any(f.severity.rank >= threshold for f in result.findings)
            summary.add(result)
            reporter.result(result)
        reporter.file_end(display)
    reporter.finish(summary)
    sys.exit(EXIT_USAGE if unreadable else EXIT_FINDINGS if failed else EXIT_OK)


@main.command(name="list")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def list_offerings(output_format: str) -> None:
    """List every offering: provider, model, model id, where the id sits in a payload."""
    from .reporting import text_table

    registry = load_registry()
    rows = [
        {"offering": o.id, "provider": o.provider, "model": o.model, "variant": o.variant,
         "model_id": o.model_id, "detected_at": o.model_id_pointer, "title": o.title}
        for o in registry.offerings.values()
    ]
    if output_format == "json":
        click.echo(json.dumps(rows, indent=2))
        return
    table = [("OFFERING", "MODEL", "MODEL ID", "DETECTED AT")] + [
        (r["offering"], r["model"], r["model_id"], r["detected_at"] or "(URL; use --offering)") for r in rows
    ]
    click.echo(text_table(table))
    providers = len({r["provider"] for r in rows})
    click.echo(f"\n{len(rows)} offerings of {len(registry.models())} models at {providers} providers")


@main.command()
@click.argument("offering")
@click.option("--schema", "raw", is_flag=True, help="Print the schema file itself.")
def show(offering: str, raw: bool) -> None:
    """Show one OFFERING: identity, sources, notes, parameters and rules."""
    from .errors import UnknownOffering
    from .index import NO_DEFAULT, constraint_label, index_of, type_label
    from .reporting import text_table

    registry = load_registry()
    if offering in registry.failures:
        raise broken_offering(registry, offering)
    try:
        chosen = registry.offering(offering)
    except UnknownOffering as exc:
        raise click.BadParameter(str(exc), param_hint="OFFERING") from None
    if raw:
        click.echo(json.dumps(chosen.schema, indent=2, ensure_ascii=False))
        return
    index = index_of(registry, chosen.id)
    lines = [f"{chosen.id} — {chosen.title}", f"  model        {chosen.model}" + (f" ({chosen.variant})" if chosen.variant else ""),
             f"  model id     {chosen.model_id}" + (f" (also {', '.join(chosen.model_id_aliases)})" if chosen.model_id_aliases else ""),
             f"  detected at  {chosen.model_id_pointer or '(the URL selects the model; use --offering)'}"]
    if "x-endpoint" in chosen.schema:
        lines.append(f"  endpoint     {chosen.schema['x-endpoint']}")
    lines.append(f"  schema       schemas/{chosen.path}")
    click.echo("\n".join(lines))
    rows = [("PARAMETER", "TYPE", "REQ", "DEFAULT", "ALLOWED", "CONCEPT")]
    for p in index.parameters:
        facts = p.facts
        rows.append((
            p.pattern + (f"  [{p.variant}]" if p.variant else ""),
            type_label(facts),
            "yes" if p.required else "",
            json.dumps(p.default) if p.default is not NO_DEFAULT else "",
            constraint_label(facts),
            (p.concept or "") + (" (ignored)" if p.ignored else ""),
        ))
    click.echo("\n" + text_table(rows))
    if index.rules:
        click.echo("\nRules:")
        for plan in index.rules:
            click.echo(f"  {plan.keyword} at {'/' + '/'.join(plan.tokens) if plan.tokens else '(root)'}: "
                       f"{json.dumps(plan.argument, ensure_ascii=False)}")
    if chosen.notes:
        click.echo("\nNotes:")
        for note in chosen.notes:
            click.echo(f"  - {note}")
    click.echo("\nSources:")
    for key, citation in chosen.sources.items():
        click.echo(f"  [{key}] {citation}")


@main.command()
def lint() -> None:
    """Check the schema files: Draft 2020-12, capreg's meta-schema, concepts, sources, titles.

    Exit 2 when a file cannot be used at all (its offerings are disabled), else 1 on any problem."""
    from .lint import lint as lint_registry

    registry = load_registry()
    problems = lint_registry(registry)
    for problem in problems:
        click.echo(problem)
    disabled = f", {len(registry.failures)} offerings disabled" if registry.failures else ""
    click.echo(f"{len(registry.documents)} schema files, {len(problems)} problems{disabled}")
    sys.exit(EXIT_USAGE if registry.problems else EXIT_FINDINGS if problems else EXIT_OK)


if __name__ == "__main__":
    main()
