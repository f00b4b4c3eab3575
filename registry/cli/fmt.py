"""`capreg fmt`: write schema files in the one format that `capreg lint` checks."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from registry.base.errors import ConfigError
from registry.base.text import plural
from registry.cli.common import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, unusable


@click.command(name="fmt")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--check", is_flag=True, help="Change nothing; list the files that are not in the format and exit 1.")
def fmt_command(paths: tuple[Path, ...], check: bool) -> None:
    """Rewrite the JSON files of PATHS (files or folders; default: the trees of your own, else
    the shipped tree) in the schema file format: two-space indent, short flat arrays and
    objects on one line."""
    from registry.schema.jsonformat import reformatted
    from registry.schema.tree import default_roots, shipped_schema_root

    try:
        folders = paths or default_roots() or (shipped_schema_root(),)
    except ConfigError as exc:
        raise unusable(str(exc)) from None
    files = sorted({f for p in folders for f in ([p] if p.is_file() else p.rglob("*.json"))})
    unformatted = failed = 0
    for file in files:
        try:
            text = file.read_text(encoding="utf-8")
            wanted = reformatted(text)
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            click.echo(f"{file}: cannot be formatted: {exc}", err=True)
            failed += 1
            continue
        if wanted == text:
            continue
        unformatted += 1
        if check:
            click.echo(f"{file}: not in the schema file format")
        else:
            file.write_text(wanted, encoding="utf-8")
            click.echo(f"formatted {file}")
    click.echo(f"{plural(len(files), 'file')}, {unformatted} {'to format' if check else 'formatted'}")
    sys.exit(EXIT_USAGE if failed else EXIT_FINDINGS if check and unformatted else EXIT_OK)
