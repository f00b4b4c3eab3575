"""`capreg translate FILE --to PROVIDER`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from registry.base.errors import ConfigError, InvalidSource, TranslationError
from registry.base.findings import Finding
from registry.base.text import plural
from registry.cli.common import (EXIT_FINDINGS, EXIT_USAGE, echo_json, exit_code, fail_on_option, load_registry,
                                 mapped_offering)
from registry.tools.translate import Translation, as_document, translate as translate_payload


@click.command(name="translate")
@click.argument("file")
@click.option("--to", "to", required=True, metavar="PROVIDER",
              help="The target provider (or a full offering id, e.g. fal/sync-3-image-to-video).")
@click.option("--from", "source", metavar="PROVIDER/MODEL",
              help="The payload's offering, when it cannot be read from the payload or pyproject.toml.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: the translated payload on stdout, findings on stderr; json: both in one document.")
@fail_on_option("error", "a finding (of the translation or of the target's validator)")
@click.option("--allow-loss", is_flag=True,
              help="Exit 0 even when a value the source sets cannot be carried to the target.")
def translate(file: str, to: str, source: str | None, output_format: str, fail_on: str, allow_loss: bool) -> None:
    """Translate the payload in FILE for the same model at provider --to, keeping its
    behaviour: defaults that differ are written out, and whatever the target cannot express
    is reported. A value the source sets that the target cannot take changes the behaviour:
    exit 1, unless --allow-loss."""
    from registry.io import payloads
    from registry.io.config import find_offering_map

    registry = load_registry()
    try:
        offering_map = None if source or file == payloads.STDIN else find_offering_map(Path.cwd())
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None
    chosen = source or (mapped_offering(registry, offering_map, file) if offering_map else None)
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
        results.append((item.line, translation))
    if output_format == "json":
        echo_json(as_document([translation for _, translation in results]))
    else:
        for line, translation in results:
            click.echo(json.dumps(translation.payload, indent=None if one_a_line else 2, ensure_ascii=False))
            where = f"{file}:{line}: " if line is not None else ""
            click.echo(f"{where}{translation.source} -> {translation.target}: {_verdict(translation)}", err=True)
            _echo_findings((*translation.findings, *translation.report.findings))
    code = exit_code((f for _, t in results for f in (*t.findings, *t.report.findings)), fail_on)
    lost = any(t.lost for _, t in results)
    sys.exit(EXIT_FINDINGS if lost and not allow_loss else code)


def _verdict(translation: Translation) -> str:
    if not translation.ok:
        return "NOT valid at the target"
    if translation.lost:
        count = len(translation.lost)
        return (f"valid at the target, but {plural(count, 'value')} of the source {'is' if count == 1 else 'are'} "
                "not carried, so it behaves differently (--allow-loss accepts that)")
    return "valid at the target"


def _echo_findings(findings: tuple[Finding, ...]) -> None:
    for finding in findings:
        click.echo(f"  {finding.severity}[{finding.rule}] {finding.pointer or '/'}: {finding.message}", err=True)
