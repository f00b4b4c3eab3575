"""What every command shares: the exit codes, the one `--fail-on` policy, the registry, and
how a name capreg does not know is reported.

Exit codes of every command (registry.cli.exits):

| code | meaning |
|---|---|
| 0 (EXIT_OK) | nothing at or above `--fail-on` was found |
| 1 (EXIT_FINDINGS) | a finding at or above `--fail-on` (`generate --check`: a stale file) |
| 2 (EXIT_USAGE) | a usage error, or an input or schema tree that could not be read: nothing was checked |
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import click

from registry.base.errors import ConfigError, RegistryError, UnknownOffering
from registry.base.findings import Severity
from registry.cli.exits import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, exit_code  # noqa: F401 - every command takes them from here



@dataclass(frozen=True, slots=True)
class BuiltinChoice:
    """`capreg --builtin/--no-builtin`: None when neither is given (the default registry's choice)."""

    builtin: bool | None


def load_registry() -> Any:
    """The registry the command works on: the default one, or its trees of one's own with or
    without the shipped tree as `--builtin/--no-builtin` says; a clean exit when it is broken."""
    from registry.schema.tree import default_roots, load
    from registry.validation.validate import default_registry

    context = click.get_current_context(silent=True)
    choice = context.find_object(BuiltinChoice) if context else None
    try:
        if choice is None or choice.builtin is None:
            return default_registry()
        return load(*default_roots(), builtin=choice.builtin)
    except (RegistryError, ConfigError) as exc:
        raise unusable(f"the schema registry cannot be loaded: {exc}") from None


def unusable(message: str) -> click.ClickException:
    """A broken schema tree or offering: exit 2, as nothing was checked."""
    error = click.ClickException(message)
    error.exit_code = EXIT_USAGE  # not a finding about the payloads
    return error


def broken_offering(registry: Any, offering: str) -> click.ClickException:
    return unusable(f"offering {offering} cannot be used: {registry.failures[offering]} (`capreg lint` lists every problem)")


def fail_on_option(default: str | None, what: str) -> Callable[[Any], Any]:
    """`--fail-on SEVERITY`; with no default, the command never fails on its findings."""
    never = "" if default else " (default: never)"
    return click.option("--fail-on", type=click.Choice([s.value for s in Severity]), default=default,
                        show_default=default is not None,
                        help=f"Exit 1 when {what} at or above this severity is found{never}.")


def unknown_name(exc: UnknownOffering, param_hint: str) -> click.BadParameter:
    """The one wording of an offering or model capreg does not know, and where to find them."""
    return click.BadParameter(f"{exc} (`capreg list` shows them all)", param_hint=param_hint)


def echo_json(document: Any) -> None:
    click.echo(json.dumps(document, indent=2, ensure_ascii=False))


def mapped_offering(registry: Any, offering_map: Any, file: str) -> str | None:
    """The offering `[tool.capreg.offerings]` gives a file; a value that names no offering is
    a mistake in pyproject.toml, said so (exit 2), like a misspelt --offering."""
    mapped = offering_map.offering_for(file)
    if mapped is None or mapped in registry.offerings:
        return mapped
    if mapped in registry.failures:
        raise broken_offering(registry, mapped)
    from registry.base.suggest import closest

    suggestion = closest(mapped, list(registry.offerings))
    hint = f"did you mean {suggestion!r}?" if suggestion else "`capreg list` shows them all"
    raise click.UsageError(f"{offering_map.file}: [tool.capreg.offerings] maps {file} to {mapped!r}, "
                           f"which is not an offering; {hint}")
