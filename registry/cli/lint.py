"""`capreg lint`: the schema files themselves."""

from __future__ import annotations

import sys

import click

from registry.base.text import plural
from registry.cli.common import EXIT_USAGE, exit_code, fail_on_option, load_registry


@click.command()
@fail_on_option("error", "a problem")
def lint(fail_on: str) -> None:
    """Check the schema files: Draft 2020-12, capreg's meta-schema, concepts, sources, titles.

    Exit 2 when a file cannot be used at all (its offerings are disabled)."""
    from registry.tools.lint import lint as lint_registry
    from registry.tools.lint import render_text

    registry = load_registry()
    problems = lint_registry(registry)
    click.echo(render_text(problems), nl=False)
    disabled = f", {plural(len(registry.failures), 'offering')} disabled" if registry.failures else ""
    click.echo(f"{plural(len(registry.documents), 'schema file')}, {plural(len(problems), 'problem')}{disabled}")
    sys.exit(EXIT_USAGE if registry.problems else exit_code(problems, fail_on))
