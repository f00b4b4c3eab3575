"""`capreg compare MODEL | --all`."""

from __future__ import annotations

import sys

import click

from registry.base.errors import UnknownOffering
from registry.cli.common import echo_json, exit_code, fail_on_option, load_registry, unknown_name
from registry.tools.compare import as_document, compare as compare_model, render_markdown, render_text


@click.command(name="compare")
@click.argument("model", required=False)
@click.option("--all", "every", is_flag=True, help="Compare every model of the registry.")
@click.option("--format", "output_format", type=click.Choice(["text", "json", "markdown"]), default="text",
              show_default=True, help="text: a table per concept; json: the documented shape; markdown: a table per model.")
@click.option("--differences", "differences_only", is_flag=True,
              help="Text format: only the summary and the differences, without the tables.")
@fail_on_option(None, "a difference")
def compare(model: str | None, every: bool, output_format: str, differences_only: bool, fail_on: str | None) -> None:
    """Compare MODEL across every provider that offers it: each concept's name and path,
    type, default, allowed values, range and required-ness, and every difference."""
    if every == (model is not None):
        raise click.UsageError("give one MODEL or --all")
    registry = load_registry()
    try:
        comparisons = [compare_model(registry, m) for m in (registry.models() if every else [model])]
    except UnknownOffering as exc:
        raise unknown_name(exc, "MODEL") from None
    if output_format == "json":
        echo_json(as_document(comparisons, every))
    elif output_format == "markdown":
        click.echo(render_markdown(comparisons), nl=False)
    else:
        click.echo(render_text(comparisons, registry, differences_only), nl=False)
    sys.exit(exit_code((d for c in comparisons for d in c.differences), fail_on))
