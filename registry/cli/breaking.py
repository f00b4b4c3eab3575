"""`capreg breaking --against GIT_REF`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from registry.base.errors import GitRefError, RegistryError
from registry.base.findings import Finding
from registry.cli.common import EXIT_USAGE, echo_json, exit_code, fail_on_option, load_registry
from registry.schema.tree import Registry
from registry.tools.breaking import as_document, breaking_changes, offering_of, registry_at, render_markdown, render_text


@click.command(name="breaking")
@click.option("--against", "ref", required=True, metavar="GIT_REF",
              help="Compare the schemas at this git ref (branch, tag, commit) with the working tree.")
@click.option("--format", "output_format", type=click.Choice(["text", "json", "markdown"]), default="text",
              show_default=True)
@click.option("--output", type=click.Path(file_okay=False, path_type=Path),
              show_default="as for capreg generate",
              help="Where `capreg generate` writes the clients of your own trees: names their modules.")
@fail_on_option("error", "a change")
def breaking(ref: str, output_format: str, output: Path | None, fail_on: str) -> None:
    """Classify every change of the request schemas since GIT_REF: may existing payloads stop
    validating (error), behave differently (warning), or is it harmless (info)?"""
    current = load_registry()
    try:
        current.check_complete()
    except RegistryError as exc:
        click.echo(f"Error: the schemas cannot be compared: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    try:
        with registry_at(ref, current) as old:
            changes = breaking_changes(old, current)
            clients = changed_clients(changes, current, output)
    except (GitRefError, RegistryError) as exc:
        click.echo(f"Error: cannot read the schemas at {ref}: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    if output_format == "json":
        echo_json(as_document(changes, clients, ref))
    elif output_format == "markdown":
        click.echo(render_markdown(changes, clients, ref), nl=False)
    else:
        click.echo(render_text(changes, clients, ref), nl=False)
    sys.exit(exit_code(changes, fail_on))


def changed_clients(changes: tuple[Finding, ...], registry: Registry, output: Path | None) -> dict[str, str | None]:
    """offering -> the module of its generated client, which changes with it (None when the
    offering is removed): registry.clients.… for a shipped offering, else in the package of
    `output` (where `capreg generate` writes them; its default when None)."""
    from registry.codegen.clients import client_modules
    from registry.codegen.generate import clients_package, default_output

    modules = client_modules(registry, clients_package(output or default_output()))
    return {o: modules.get(o) for o in dict.fromkeys(offering_of(c) for c in changes)}
