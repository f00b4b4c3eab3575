"""What every command shares: the exit codes, the one `--fail-on` policy, the registry, and
how a name capreg does not know is reported.

Exit codes of every command:

| code | meaning |
|---|---|
| 0 (EXIT_OK) | nothing at or above `--fail-on` was found |
| 1 (EXIT_FINDINGS) | a finding at or above `--fail-on` (`generate --check`: a stale file) |
| 2 (EXIT_USAGE) | a usage error, or an input or schema tree that could not be read: nothing was checked |
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import click

from registry.base.errors import ConfigError, RegistryError, UnknownOffering
from registry.base.findings import Finding, Severity

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


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


def fails(findings: Iterable[Finding], fail_on: str | None) -> bool:
    """The one `--fail-on` policy: a finding at or above the threshold fails the command."""
    if fail_on is None:
        return False
    threshold = Severity(fail_on).rank
    return any(finding.severity.rank >= threshold for finding in findings)


def exit_code(findings: Iterable[Finding], fail_on: str | None) -> int:
    return EXIT_FINDINGS if fails(findings, fail_on) else EXIT_OK


def unknown_name(exc: UnknownOffering, param_hint: str) -> click.BadParameter:
    """The one wording of an offering or model capreg does not know, and where to find them."""
    return click.BadParameter(f"{exc} (`capreg list` shows them all)", param_hint=param_hint)


def echo_json(document: Any) -> None:
    click.echo(json.dumps(document, indent=2, ensure_ascii=False))
