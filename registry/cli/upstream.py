"""`capreg upstream check FILE...` and `capreg upstream import FILE --offering P/M`."""

from __future__ import annotations

import sys

import click

from registry.base.errors import UnknownOffering
from registry.cli.common import echo_json, exit_code, fail_on_option, load_registry, unknown_name, unusable


@click.group(name="upstream")
def upstream() -> None:
    """The providers' own machine-readable request specs, downloaded by you: check the
    offerings against them, or draft a new offering from one. Nothing is fetched."""


@upstream.command(name="check")
@click.argument("files", nargs=-1, required=True)
@click.option("--offering", help="The offering the documents describe, when they do not say (a Replicate version).")
@click.option("--format", "output_format", type=click.Choice(["text", "json", "markdown"]), default="text",
              show_default=True, help="text: per document; json: the documented shape (version 2); markdown: tables.")
@fail_on_option("warning", "a difference (or an unreadable document)")
def check(files: tuple[str, ...], offering: str | None, output_format: str, fail_on: str | None) -> None:
    """Compare each provider document in FILES (fal or sync.so OpenAPI, Replicate model or
    version JSON, Runware resolved schema) with the offering it describes. A difference the
    offering's x-upstream acknowledges is an info; any other is a warning."""
    from registry.tools.upstream.check import check as check_documents, render_markdown, render_text

    registry = load_registry()
    try:
        report = check_documents(registry, list(files), offering)
    except UnknownOffering as exc:
        raise unknown_name(exc, "--offering") from None
    if output_format == "json":
        echo_json(report.as_dict())
    elif output_format == "markdown":
        click.echo(render_markdown(report), nl=False)
    else:
        click.echo(render_text(report), nl=False)
    sys.exit(exit_code(report.findings, fail_on))


@upstream.command(name="import")
@click.argument("file")
@click.option("--offering", required=True, help="The new offering, PROVIDER/MODEL.")
@click.option("--output", type=click.Path(dir_okay=False), help="Write the draft here (never over an existing file).")
def import_command(file: str, offering: str, output: str | None) -> None:
    """Draft the schema of a new offering from the provider document FILE: every fact
    cited to it, concepts tagged where the name is known. Review it, then `capreg lint`."""
    from registry.tools.upstream.draft import DraftError, draft

    registry = load_registry()
    try:
        text = draft(registry, file, offering)
    except DraftError as exc:
        raise unusable(str(exc)) from None
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        with open(output, "x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        raise unusable(f"{output} exists; capreg does not overwrite a file it did not create") from None
    except OSError as exc:
        raise unusable(f"cannot write {output}: {exc.strerror or exc}") from None
    click.echo(f"wrote {output}", err=True)
