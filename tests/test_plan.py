"""The duration planner, from sync.so's sync-mode behaviour matrix (seed 000, providers.md §8)."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

import registry
from registry.cli import main
from registry.base.errors import SchemaFileError
from registry.tools.plan import plan

from .conftest import ROOT

# The guide's two examples. Output durations follow the matrix (providers.md §8: audio
# length for bounce, loop and remap; the shorter input for cut_off; the longer for silence).
FOUR_AND_EIGHT = {"bounce": 8.64, "loop": 8.64, "cut_off": 4.0, "silence": 8.64, "remap": 8.64}
TEN_AND_TWO = {"bounce": 1.74, "loop": 1.74, "cut_off": 1.74, "silence": 10.0, "remap": 1.74}


def by_mode(plans):
    return {p.mode: p for p in plans}


def test_video_shorter_than_audio(real):
    plans = by_mode(plan(real, 4.0, 8.64))
    assert {m: p.output for m, p in plans.items()} == pytest.approx(FOUR_AND_EIGHT)
    assert (plans["bounce"].video.action, plans["bounce"].video.amount) == ("bounce", pytest.approx(2.16))
    assert (plans["loop"].video.action, plans["loop"].audio.action) == ("loop", "keep")
    assert (plans["cut_off"].audio.action, plans["cut_off"].audio.amount) == ("clip", pytest.approx(4.64))
    assert plans["silence"].video.action == "unspecified"
    assert (plans["remap"].video.action, plans["remap"].video.amount) == ("stretch", pytest.approx(4.0 / 8.64))
    assert plans["bounce"].says == "Video plays forward, then backward, repeating until the audio ends."


def test_video_longer_than_audio(real):
    plans = by_mode(plan(real, 10.0, 1.74))
    assert {m: p.output for m, p in plans.items()} == pytest.approx(TEN_AND_TWO)
    for mode in ("bounce", "loop", "cut_off"):
        assert (plans[mode].video.action, plans[mode].video.amount) == ("trim", pytest.approx(8.26))
    assert (plans["silence"].audio.action, plans["silence"].audio.amount) == ("pad", pytest.approx(8.26))
    assert plans["remap"].video.amount == pytest.approx(10.0 / 1.74)


def test_visual_cost_warnings(real):
    long_audio = by_mode(plan(real, 4.0, 8.64))
    assert [m for m, p in long_audio.items() if p.warnings] == ["bounce", "loop", "remap"]
    assert [(w.rule, w.message) for w in long_audio["bounce"].warnings] == [
        ("visible-repetition", "the video is shown 2.16 times (2 reversals)")]
    assert "0.46×" in long_audio["remap"].warnings[0].message
    long_video = by_mode(plan(real, 10.0, 1.74))
    assert [m for m, p in long_video.items() if p.warnings] == ["remap"]
    close = by_mode(plan(real, 4.0, 4.4))
    assert [m for m, p in close.items() if p.warnings] == []


def test_equal_durations_change_nothing(real):
    for p in plan(real, 5.0, 5.0):
        assert (p.output, p.video.action, p.audio.action, p.warnings) == (5.0, "keep", "keep", ())


def test_the_matrix_is_data(tmp_path):
    """Editing the data file changes the plan: no mode is a branch in code."""
    root = tmp_path / "schemas"
    shutil.copytree(ROOT / "schemas", root)
    matrix = json.loads((root / "meta/sync-modes.json").read_text())
    matrix["modes"]["loop"]["output"] = "video"
    matrix["modes"]["loop"]["audio_longer"] = {"video": "keep", "audio": "clip", "says": "changed"}
    matrix["visual_cost"]["speed_below"] = 0.1
    (root / "meta/sync-modes.json").write_text(json.dumps(matrix))
    plans = by_mode(plan(registry.load(root), 4.0, 8.64))
    assert (plans["loop"].output, plans["loop"].audio.action, plans["loop"].says) == (4.0, "clip", "changed")
    assert plans["remap"].warnings == ()


def test_a_missing_matrix_is_a_clear_error(tmp_path):
    root = tmp_path / "schemas"
    shutil.copytree(ROOT / "schemas", root)
    (root / "meta/sync-modes.json").unlink()
    with pytest.raises(SchemaFileError, match="meta/sync-modes.json: missing"):
        plan(registry.load(root), 4.0, 8.64)


def test_one_mode(real):
    assert [p.mode for p in plan(real, 4.0, 8.64, "remap")] == ["remap"]
    with pytest.raises(ValueError, match=r"unknown sync mode 'bouncy'; did you mean 'bounce'\? known: bounce, loop"):
        plan(real, 4.0, 8.64, "bouncy")


# -- the command ---------------------------------------------------------------------------
def run(*args):
    return CliRunner().invoke(main, ["plan", *args])


def test_text_prints_every_mode_and_the_warnings():
    result = run("--video", "4.0", "--audio", "8.64")
    assert result.exit_code == 0
    rows = {line.split()[0]: line for line in result.output.splitlines()[3:8]}
    assert list(rows) == ["bounce", "loop", "cut_off", "silence", "remap"]
    assert rows["cut_off"].split()[1:3] == ["4.00", "s"] and "4.64 s of audio lost" in rows["cut_off"]
    assert "warning[large-speed-change] remap: the video plays at" in result.output


def test_json_and_one_mode():
    result = run("--video", "10", "--audio", "1.74", "--mode", "silence", "--format", "json")
    document = json.loads(result.output)
    assert [(m["mode"], m["output"], m["audio"]["action"]) for m in document["modes"]] == [("silence", 10.0, "pad")]


def test_fail_on_warning():
    assert run("--video", "4", "--audio", "8.64", "--fail-on", "warning").exit_code == 1
    assert run("--video", "4", "--audio", "4.2", "--fail-on", "warning").exit_code == 0


@pytest.mark.parametrize("args", [["--video", "0", "--audio", "2"], ["--video", "x", "--audio", "2"],
                                  ["--video", "4", "--audio", "2", "--mode", "bouncy"], ["--video", "4"]])
def test_bad_input_exits_2_without_a_traceback(args):
    result = run(*args)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
