"""`capreg editor`: hook VS Code up to the editor schemas, from the offerings mapping."""

from __future__ import annotations

import difflib
import json
import os
import sys
from pathlib import Path

import click

from registry.base.errors import ConfigError
from registry.cli.common import EXIT_FINDINGS, EXIT_OK, load_registry, unusable


@click.command()
@click.option("--generated", default="generated", show_default=True, metavar="PATH",
              help="The folder `capreg generate` wrote, relative to the folder of the pyproject.toml.")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 when the settings lack an entry.")
def editor(generated: str, check: bool) -> None:
    """Write or merge .vscode/settings.json (json.schemas, yaml.schemas) so that VS Code
    checks the payload files of the [tool.capreg.offerings] mapping while you type.

    Only adds: a user's own entries and patterns stay as they are, and a second run changes
    nothing. A YAML file can name its schema itself instead, with a first line such as
    `# yaml-language-server: $schema=generated/editor/draft-07/runware/lipsync-2.json`,
    which `capreg validate` also reads."""
    from registry.io import vscode
    from registry.io.config import find_offering_map
    from registry.io.modeline import editor_schema_path

    try:
        offering_map = find_offering_map(Path.cwd())
    except ConfigError as exc:
        raise unusable(str(exc)) from None
    if offering_map is None or not offering_map.entries:
        raise unusable("no [tool.capreg.offerings] mapping in the nearest pyproject.toml: it says which files "
                       "hold the payloads of which offering (see `capreg validate --help`)")
    registry = load_registry()
    found = vscode.associations(offering_map.entries, registry.offerings)
    if not found:
        raise unusable("the [tool.capreg.offerings] mapping names no offering capreg knows")
    want = vscode.wanted(found, generated)
    settings_path = offering_map.base / vscode.SETTINGS
    shown = os.path.relpath(settings_path)
    try:
        before = settings_path.read_text(encoding="utf-8") if settings_path.exists() else ""
        settings = vscode.parse(before, shown)
    except (OSError, UnicodeDecodeError) as exc:
        raise unusable(f"cannot read {shown}: {exc}") from None
    except ConfigError as exc:
        click.echo(json.dumps(want, indent=4), err=True)
        raise unusable(str(exc)) from None
    after = vscode.render(vscode.merged(settings, want))
    missing = [a.offering for a in found
               if not (offering_map.base / generated / editor_schema_path(a.offering)).is_file()]
    if missing:
        click.echo(f"note: {len(missing)} editor schema(s) are not in {generated}/ yet (e.g. "
                   f"{editor_schema_path(missing[0])}): run `capreg generate`", err=True)
    if before and vscode.parse(after, shown) == settings:
        click.echo(f"{shown} already associates {len(found)} offering(s); nothing to change")
        sys.exit(EXIT_OK)
    click.echo("".join(difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                            fromfile=shown if before else "/dev/null", tofile=shown)), nl=False)
    if check:
        click.echo(f"{shown} lacks the entries above: run `capreg editor`", err=True)
        sys.exit(EXIT_FINDINGS)
    try:
        settings_path.parent.mkdir(exist_ok=True)
        settings_path.write_text(after, encoding="utf-8")
    except OSError as exc:
        raise unusable(f"cannot write {shown}: {exc.strerror or exc}") from None
    click.echo(f"{'updated' if before else 'wrote'} {shown}: {len(found)} offering(s) for json.schemas and yaml.schemas")
