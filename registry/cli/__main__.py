"""`python -m registry.cli`: the `capreg` command."""

from registry.cli import run

run()
