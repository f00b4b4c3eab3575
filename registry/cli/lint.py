"""`capreg lint`: the schema files themselves."""

from __future__ import annotations

import sys

import click

from registry.cli.common import exit_code, fail_on_option, load_registry


@click.command()
@fail_on_option("error", "a problem")
def lint(fail_on: str) -> None:
    """Check the schema files: Draft 2020-12, capreg's meta-schema, concepts, sources, titles."""
    from registry.tools.lint import lint as lint_registry
    from registry.tools.lint import render_text

    registry = load_registry()
    problems = lint_registry(registry)
    click.echo(render_text(problems), nl=False)
    click.echo(f"{len(registry.documents)} schema files, {len(problems)} problems")
    sys.exit(exit_code(problems, fail_on))
