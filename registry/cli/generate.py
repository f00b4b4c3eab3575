"""`capreg generate`: typed clients and Markdown docs from the schemas (what is written, and
how a folder is found stale or refused: registry.codegen.generate). `--check` writes nothing
and exits 1, listing what differs, when the folder is stale."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import click

from registry.base.errors import GenerateError
from registry.cli.common import EXIT_FINDINGS, EXIT_OK, load_registry, unusable
from registry.codegen.generate import MANIFEST, clients_package, default_output, outputs, shown, stale, write


@click.command()
@click.option("--check", is_flag=True, help="Write nothing; exit 1 listing what differs when the output is stale.")
@click.option("--schemas", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="The schema tree to generate from, alone (default: the registry: the shipped tree and "
                   "the trees of your own laid over it).")
@click.option("--output", type=click.Path(file_okay=False, path_type=Path),
              show_default="generated/ of the source checkout; installed from a wheel, ./generated",
              help="Where the generated files live: an empty or new folder, or one capreg generated before.")
def generate(check: bool, schemas: Path | None, output: Path | None) -> None:
    """Generate typed clients (pydantic v2) and Markdown docs from the schemas: the clients of
    the trees of your own (the shipped tree's alone when there is none), the docs of all."""
    if importlib.util.find_spec("datamodel_code_generator") is None:
        raise unusable("capreg generate needs the code generator: pip install 'capreg[codegen]'")
    from registry.base.errors import RegistryError
    from registry.schema.tree import load

    output = output or default_output()
    try:
        registry = load_registry() if schemas is None else load(schemas)
        registry.check_complete()  # a client per offering: one that cannot be built must not vanish
    except RegistryError as exc:
        raise click.UsageError(f"the schema tree {schemas or 'of capreg'} cannot be used: {exc}") from None
    folder = f"{shown(output)}{os.sep}"
    if check:
        try:
            report = stale(registry, output)
        except GenerateError as exc:
            raise unusable(str(exc)) from None
        for diff in report.diffs:
            click.echo(diff, nl=False)
        if report.stray:
            click.echo(f"\nFiles in {folder} that capreg generate does not write (delete or move them):")
            click.echo("".join(f"  {shown(path)}\n" for path in report.stray), nl=False)
        if report.missing:
            click.echo(f"\nFiles listed in {shown(output / MANIFEST)} but missing:")
            click.echo("".join(f"  {shown(path)}\n" for path in report.missing), nl=False)
        if report:
            click.echo(f"\n{folder} is stale: {len(report.diffs)} file(s) differ, {len(report.stray)} stray, "
                       f"{len(report.missing)} missing: run `capreg generate`", err=True)
        sys.exit(EXIT_FINDINGS if report else EXIT_OK)
    expected = outputs(registry, clients_package(output))
    try:
        done = write(expected, output)
    except GenerateError as exc:
        raise unusable(str(exc)) from None
    for line in done:
        click.echo(line)
    click.echo(f"{folder} is up to date ({len(expected)} files)")
