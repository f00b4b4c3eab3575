"""`capreg plan --video S --audio S`."""

from __future__ import annotations

import sys
from typing import Any

import click

from registry.base.errors import SchemaFileError
from registry.cli.common import EXIT_USAGE, echo_json, exit_code, fail_on_option, load_registry
from registry.tools.plan import as_document, parse_duration, plan as plan_durations, render_text


class _Duration(click.ParamType):
    name = "duration"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float:
        if isinstance(value, float):
            return value
        try:
            seconds = parse_duration(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)
        if seconds <= 0:
            self.fail(f"{value!r} is not longer than 0 seconds", param, ctx)
        return seconds


@click.command(name="plan")
@click.option("--video", type=_Duration(), required=True, help="Video length: seconds (8.64, 90s), 1m30s or 1:30.")
@click.option("--audio", type=_Duration(), required=True, help="Audio length: seconds (8.64, 90s), 1m30s or 1:30.")
@click.option("--mode", help="Only this sync mode (default: every mode).")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@fail_on_option(None, "a visually costly plan")
def plan(video: float, audio: float, mode: str | None, output_format: str, fail_on: str | None) -> None:
    """Plan durations: each sync mode's output length and what happens to the video and the
    audio, from sync.so's behaviour matrix; warns when a mode's visual cost is high."""
    registry = load_registry()
    try:
        plans = plan_durations(registry, video, audio, mode)
    except SchemaFileError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    except ValueError as exc:  # the durations are checked by click, so it is the mode
        raise click.BadParameter(str(exc), param_hint="--mode") from None
    if output_format == "json":
        echo_json(as_document(plans, video, audio))
    else:
        click.echo(render_text(plans, video, audio), nl=False)
    sys.exit(exit_code((w for p in plans for w in p.warnings), fail_on))
