"""Duration planner: what each sync mode makes of a video and an audio of given lengths.

The behaviour matrix is data (schemas/meta/sync-modes.json, from sync.so's Sync Mode
guide; a tree laid over it may add or replace modes): per mode, which input's length the output takes and what happens to the video
and the audio when one is longer. This module only does the arithmetic the actions imply
(how often a bounced video passes, how much is trimmed, the remap speed) and flags the
plans whose visual cost passes the thresholds of the same file, with findings of the `plan`
family of the catalog (`visible-repetition`, `large-speed-change`; the mode is in `ctx`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from registry.base.catalog import rule
from registry.base.errors import SchemaFileError
from registry.base.findings import Finding
from registry.base.suggest import closest
from registry.schema.tree import META_DIR, SYNC_MODES_FILE, Registry

# Version 2 of the JSON shape: `version` added, and each warning is a finding.
JSON_VERSION = 2

MATRIX = f"{META_DIR}/{SYNC_MODES_FILE}"

# How each kind of output duration is chosen from (video, audio).
OUTPUT_LENGTH = {"audio": lambda video, audio: audio, "video": lambda video, audio: video,
                 "shorter": min, "longer": max}


@dataclass(frozen=True, slots=True)
class Treatment:
    """What a mode does to one input: the matrix's action, and its size in seconds or passes."""

    action: str  # keep | trim | bounce | loop | stretch | unspecified (video); keep | clip | pad (audio)
    text: str
    amount: float | None = None  # seconds trimmed/clipped/padded, passes of a bounce/loop, playback speed

    def as_dict(self) -> dict[str, Any]:
        return {"action": self.action, "text": self.text, "amount": self.amount}


@dataclass(frozen=True, slots=True)
class ModePlan:
    mode: str
    summary: str
    output: float  # seconds
    video: Treatment
    audio: Treatment
    says: str  # the matrix's own words for this direction ("" when the durations are equal)
    warnings: tuple[Finding, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"mode": self.mode, "summary": self.summary, "output": self.output, "video": self.video.as_dict(),
                "audio": self.audio.as_dict(), "says": self.says, "warnings": [w.as_dict() for w in self.warnings]}


# `90`, `8.64`, `90s`, `1m30s`, `1m`, `1h2m3.5s`; `1:30` and `1:02:03` as on a player's clock.
_UNITS = re.compile(r"(?:(?P<h>\d+(?:\.\d+)?)h)?(?:(?P<m>\d+(?:\.\d+)?)m)?(?:(?P<s>\d+(?:\.\d+)?)s?)?")
_CLOCK = re.compile(r"(?:(?P<h>\d+):)?(?P<m>\d+):(?P<s>\d+(?:\.\d+)?)")


def parse_duration(text: str) -> float:
    """Seconds from `90`, `8.64`, `90s`, `1m30s` or `1:30` (`h:mm:ss` too); ValueError otherwise."""
    compact = text.strip().lower().replace(" ", "")
    match = _CLOCK.fullmatch(compact) or (_UNITS.fullmatch(compact) if compact and compact != "s" else None)
    if match is None or not any(match.groupdict().values()):
        raise ValueError(f"{text!r} is not a duration; write seconds (8.64, 90s), 1m30s or 1:30")
    parts = {unit: float(value or 0) for unit, value in match.groupdict().items()}
    if match.re is _CLOCK and (parts["s"] >= 60 or (match["h"] is not None and parts["m"] >= 60)):
        raise ValueError(f"{text!r} is not a clock time: minutes and seconds run to 59")
    return parts["h"] * 3600 + parts["m"] * 60 + parts["s"]


def matrix(registry: Registry) -> dict[str, Any]:
    try:
        return registry.meta[SYNC_MODES_FILE]
    except KeyError:
        raise SchemaFileError(MATRIX, "missing: the sync-mode behaviour matrix the planner reads") from None


def plan(registry: Registry, video: float, audio: float, only: str | None = None) -> tuple[ModePlan, ...]:
    """Every mode's plan (or only one) for a video and an audio of these lengths in seconds."""
    data = matrix(registry)
    if video <= 0 or audio <= 0:
        raise ValueError("durations must be greater than 0 seconds")
    chosen = {name: spec for name, spec in data["modes"].items() if only is None or name == only}
    if not chosen:
        suggestion = closest(str(only), list(data["modes"]))
        meant = f"did you mean {suggestion!r}? " if suggestion else ""
        raise ValueError(f"unknown sync mode {only!r}; {meant}known: {', '.join(data['modes'])}")
    return tuple(_plan(name, spec, data["visual_cost"], video, audio) for name, spec in chosen.items())


def _plan(mode: str, spec: dict[str, Any], cost: dict[str, Any], video: float, audio: float) -> ModePlan:
    output = OUTPUT_LENGTH[spec["output"]](video, audio)
    if math.isclose(video, audio):
        same = Treatment("keep", "plays once, whole")
        return ModePlan(mode, spec["summary"], output, same, Treatment("keep", "kept whole"), "", ())
    direction = spec["audio_longer" if audio > video else "video_longer"]
    shown = _video(direction["video"], video, output)
    heard = _audio(direction["audio"], audio, output)
    warnings = []
    if shown.action in ("bounce", "loop") and shown.amount is not None and shown.amount >= cost["repeat_passes"]:
        repeats = f"{math.ceil(shown.amount) - 1} {'reversals' if shown.action == 'bounce' else 'restarts'}"
        warnings.append(rule("visible-repetition").finding("", mode=mode, passes=f"{shown.amount:.2f}", repeats=repeats))
    if shown.action == "stretch" and shown.amount is not None and not cost["speed_below"] <= shown.amount <= cost["speed_above"]:
        warnings.append(rule("large-speed-change").finding("", mode=mode, speed=f"{shown.amount:.2f}"))
    return ModePlan(mode, spec["summary"], output, shown, heard, direction["says"], tuple(warnings))


def _video(action: str, video: float, output: float) -> Treatment:
    if action == "trim":
        return Treatment(action, f"trimmed to {output:.2f} s ({video - output:.2f} s of video unused)", video - output)
    if action in ("bounce", "loop"):
        how = "plays forward, then backward, repeating" if action == "bounce" else "restarts from the beginning"
        return Treatment(action, f"{how}: shown {output / video:.2f} times", output / video)
    if action == "stretch":
        speed = video / output
        return Treatment(action, f"{'slowed down' if speed < 1 else 'sped up'} to {speed:.2f}× speed", speed)
    if action == "unspecified":
        return Treatment(action, f"plays once ({video:.2f} s); the matrix does not say what fills the remaining "
                                 f"{output - video:.2f} s")
    return Treatment(action, "plays once, whole")


def _audio(action: str, audio: float, output: float) -> Treatment:
    if action == "clip":
        return Treatment(action, f"clipped to {output:.2f} s ({audio - output:.2f} s of audio lost)", audio - output)
    if action == "pad":
        return Treatment(action, f"padded with {output - audio:.2f} s of silence (no speech drives the lips then)",
                         output - audio)
    return Treatment(action, "kept whole")


def render_text(plans: tuple[ModePlan, ...], video: float, audio: float) -> str:
    from registry.report.escapes import text_table

    rows = [("MODE", "OUTPUT", "VIDEO", "AUDIO")]
    rows += [(p.mode, f"{p.output:.2f} s", p.video.text, p.audio.text) for p in plans]
    lines = [f"video {video:.2f} s, audio {audio:.2f} s", "", text_table(rows)]
    for p in plans:
        lines += [f"{w.severity}[{w.rule}] {p.mode}: {w.message}" for w in p.warnings]
    return "\n".join(lines) + "\n"


def as_document(plans: tuple[ModePlan, ...], video: float, audio: float) -> dict[str, Any]:
    """The JSON shape of `capreg plan --format json`."""
    return {"version": JSON_VERSION, "video": video, "audio": audio, "modes": [p.as_dict() for p in plans]}
