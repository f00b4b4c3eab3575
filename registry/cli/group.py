"""The click group of `capreg`: every command, each imported when it runs.

Each command lives in a module of this package and is imported only when it runs (or for
--help), so `capreg validate` never pays for the code generator or the comparison. Exit
codes: registry.cli.common. `--builtin/--no-builtin`, before the command, chooses whether
the shipped tree lies under the trees of one's own (default: $CAPREG_BUILTIN, else
`[tool.capreg] builtin`, else yes).
"""

from __future__ import annotations

import importlib

import click

from registry.cli.common import BuiltinChoice, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, load_registry

__all__ = ["BuiltinChoice", "EXIT_FINDINGS", "EXIT_OK", "EXIT_USAGE", "LAZY_COMMANDS", "load_registry", "main"]


class LazyGroup(click.Group):
    """Commands listed in LAZY_COMMANDS are imported only when they run (or for --help)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *LAZY_COMMANDS])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in LAZY_COMMANDS:
            module, _, attribute = LAZY_COMMANDS[name].partition(":")
            return getattr(importlib.import_module(module), attribute)
        return super().get_command(ctx, name)


# name -> "module:click command"
LAZY_COMMANDS: dict[str, str] = {
    "validate": "registry.cli.validate:validate",
    "list": "registry.cli.offerings:list_offerings",
    "show": "registry.cli.offerings:show",
    "lint": "registry.cli.lint:lint",
    "compare": "registry.cli.compare:compare",
    "breaking": "registry.cli.breaking:breaking",
    "translate": "registry.cli.translate:translate",
    "plan": "registry.cli.plan:plan",
    "fmt": "registry.cli.fmt:fmt_command",
    "upstream": "registry.cli.upstream:upstream",
    "generate": "registry.cli.generate:generate",
    "editor": "registry.cli.editor:editor",
}


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="capreg")
@click.option("--builtin/--no-builtin", default=None,
              help="Lay the trees of your own ($CAPREG_SCHEMAS, [tool.capreg] schemas) over the shipped "
                   "schemas, or use them alone (default: $CAPREG_BUILTIN, else [tool.capreg] builtin, else --builtin).")
@click.pass_context
def main(ctx: click.Context, builtin: bool | None) -> None:
    """capreg: request schemas of AI models at every provider that hosts them.

    Validate payloads, compare providers, generate typed clients and docs.
    """
    ctx.obj = BuiltinChoice(builtin)
