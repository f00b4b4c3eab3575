"""`capreg translate FILE --to PROVIDER`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from registry.base.errors import ConfigError, InvalidSource, TranslationError
from registry.base.findings import Finding
from registry.cli.common import EXIT_FINDINGS, EXIT_USAGE, echo_json, exit_code, fail_on_option, load_registry
from registry.tools.translate import as_document, translate as translate_payload


@click.command(name="translate")
@click.argument("file")
@click.option("--to", "to", required=True, metavar="PROVIDER",
              help="The target provider (or a full offering id, e.g. fal/sync-3-image-to-video).")
@click.option("--from", "source", metavar="PROVIDER/MODEL",
              help="The payload's offering, when it cannot be read from the payload or pyproject.toml.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: the translated payload on stdout, findings on stderr; json: both in one document.")
@fail_on_option("error", "a finding (of the translation or of the target's validator)")
def translate(file: str, to: str, source: str | None, output_format: str, fail_on: str) -> None:
    """Translate the payload in FILE for the same model at provider --to, keeping its
    behaviour: defaults that differ are written out, and whatever the target cannot express
    is reported."""
    from registry.io import payloads
    from registry.io.config import find_offering_map

    registry = load_registry()
    try:
        offering_map = None if source or file == payloads.STDIN else find_offering_map(Path.cwd())
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None
    chosen = source or (offering_map.offering_for(file) if offering_map else None)
    results = []
    one_a_line = True  # JSONL in, JSONL out: a translated file reads like its source
    for item in payloads.read(file):
        one_a_line &= item.syntax == "jsonl"
        if item.problem is not None:
            click.echo(f"Error: {file}: {item.problem.message}", err=True)
            sys.exit(EXIT_USAGE)
        try:
            translation = translate_payload(item.value, to, source=chosen, registry=registry)
        except InvalidSource as exc:
            click.echo(f"Error: {file}: {exc}", err=True)
            _echo_findings(exc.report.errors)
            sys.exit(EXIT_FINDINGS)
        except TranslationError as exc:
            raise click.UsageError(f"{file}: {exc}") from None
        results.append(translation)
    if output_format == "json":
        echo_json(as_document(results))
    else:
        for translation in results:
            click.echo(json.dumps(translation.payload, indent=None if one_a_line else 2, ensure_ascii=False))
            click.echo(f"{translation.source} -> {translation.target}: "
                       f"{'valid' if translation.ok else 'NOT valid'} at the target", err=True)
            _echo_findings((*translation.findings, *translation.report.findings))
    sys.exit(exit_code((f for t in results for f in (*t.findings, *t.report.findings)), fail_on))


def _echo_findings(findings: tuple[Finding, ...]) -> None:
    for finding in findings:
        click.echo(f"  {finding.severity}[{finding.rule}] {finding.pointer or '/'}: {finding.message}", err=True)
