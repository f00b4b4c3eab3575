"""The `capreg` command: the only part of capreg that imports click.

The click commands are in registry.cli.group. The common `capreg validate FILE...` (what
pre-commit runs on every commit) is run without click by registry.cli.fast, which takes
about a third of the start-up; any other invocation, and any that needs a usage message,
goes to click.
"""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["BuiltinChoice", "EXIT_FINDINGS", "EXIT_OK", "EXIT_USAGE", "LAZY_COMMANDS", "load_registry", "main", "run"]

# name -> the module that holds it, imported when the name is asked for (it imports click)
_LAZY_NAMES = {"main": "registry.cli.group", "LAZY_COMMANDS": "registry.cli.group", "LazyGroup": "registry.cli.group",
               "BuiltinChoice": "registry.cli.common", "EXIT_FINDINGS": "registry.cli.common",
               "EXIT_OK": "registry.cli.common", "EXIT_USAGE": "registry.cli.common",
               "load_registry": "registry.cli.common"}


def __getattr__(name: str) -> Any:
    if name not in _LAZY_NAMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(_LAZY_NAMES[name]), name)


def run() -> None:
    """The console script `capreg`."""
    from registry.cli import fast

    fast.run(sys.argv[1:])
    from registry.cli.group import main

    main()
