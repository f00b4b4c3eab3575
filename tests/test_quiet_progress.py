"""`capreg validate -q` is silent on success; a long run shows progress on a terminal's stderr,
and never elsewhere, and its output reads the same either way."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import subprocess
import struct
import sys
import termios
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from registry.cli import main
from registry.cli.progress import DELAY

from .conftest import ROOT

WARNED = json.loads((ROOT / "examples/runware/lipsync-2/valid/seed-001-lipsync-2-segments.json").read_text())
CLEAN = {**WARNED, "providerSettings": {"sync": {**WARNED["providerSettings"]["sync"], "syncMode": "bounce"}}}
BAD_SETTINGS = json.loads(json.dumps(CLEAN["providerSettings"]))
BAD_SETTINGS["sync"]["segments"][1]["ref"] = "part-3"
BAD = {**CLEAN, "providerSettings": BAD_SETTINGS}


def _line(payload: dict) -> bytes:
    return (json.dumps(payload) + "\n").encode()


def _files(tmp_path: Path, **payloads: dict) -> list[str]:
    names = []
    for name, payload in payloads.items():
        (tmp_path / f"{name}.json").write_text(json.dumps(payload, indent=2))
        names.append(str(tmp_path / f"{name}.json"))
    return names


def test_quiet_prints_nothing_for_valid_files_and_nothing_for_a_clean_run(tmp_path):
    clean = _files(tmp_path, one=CLEAN, two=CLEAN)
    loud = CliRunner().invoke(main, ["validate", *clean])
    assert loud.exit_code == 0 and f"{clean[0]}: ok (runware/lipsync-2)" in loud.output
    quiet = CliRunner().invoke(main, ["validate", "-q", *clean])
    assert quiet.exit_code == 0
    assert quiet.output == ""


def test_quiet_prints_findings_and_then_the_summary_but_no_line_for_valid_files(tmp_path):
    clean, warned, bad = _files(tmp_path, clean=CLEAN, warned=WARNED, bad=BAD)
    result = CliRunner().invoke(main, ["validate", "--quiet", clean, warned, bad])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert not any(line.startswith(f"{clean}:") for line in lines)
    assert any(line.startswith(f"{warned}:19:5: warning[implicit-default]") for line in lines)
    assert any(line.startswith(f"{bad}:29:11: error[ref-unknown]") for line in lines)
    assert lines[-1] == "3 files, 3 payloads, 2 valid, 1 invalid, 1 error, 1 warning"


# A stream that lasts past DELAY, as a long run does: valid payloads, a pause, then payloads
# whose findings are printed while the bar is shown. Each pause begins once capreg has read
# what came before it.
STREAM = (_line(CLEAN) * 20, DELAY + 0.3, _line(CLEAN) + _line(BAD), 0.3, _line(CLEAN) + _line(BAD))


def _run(*args: str, stderr_on_terminal: bool = True, stdout_on_terminal: bool = False) -> tuple[bytes, bytes]:
    """stdout and what reached the terminal of a `capreg validate ARGS` fed STREAM on stdin.
    Without a terminal, stderr is returned in its place."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "registry.cli", "validate", "--color", "never", *args],
                               stdin=subprocess.PIPE, cwd=ROOT, env={**os.environ, "COLUMNS": "120"},
                               stdout=terminal if stdout_on_terminal else subprocess.PIPE,
                               stderr=terminal if stderr_on_terminal else subprocess.PIPE)
    os.close(terminal)
    shown = bytearray()
    reader = threading.Thread(target=_read_all, args=(controller, shown))
    reader.start()
    assert process.stdin is not None
    for part in STREAM:
        if isinstance(part, float):
            _wait_until_read(process)
            time.sleep(part)
        else:
            process.stdin.write(part)
            process.stdin.flush()
    process.stdin.close()
    stdout = process.stdout.read() if process.stdout else b""
    stderr = process.stderr.read() if process.stderr else b""
    assert process.wait(timeout=60) == 1  # the BAD payloads
    reader.join(timeout=60)
    os.close(controller)
    return stdout, bytes(shown) if stderr_on_terminal or stdout_on_terminal else stderr


def _wait_until_read(process: subprocess.Popen[bytes]) -> None:
    """Until the process has read all that was written to its stdin (or has ended)."""
    assert process.stdin is not None
    deadline = time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline:
        if not struct.unpack("i", fcntl.ioctl(process.stdin.fileno(), termios.FIONREAD, b"\0" * 4))[0]:
            return
        time.sleep(0.01)


def _read_all(controller: int, into: bytearray) -> None:
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # EIO: the process and its terminal are gone
            return
        if not chunk:
            return
        into.extend(chunk)


@pytest.fixture(scope="module")
def piped() -> tuple[bytes, bytes]:
    return _run("-", stderr_on_terminal=False)


def test_a_long_stream_shows_payloads_checked_and_their_rate_on_a_terminal(piped):
    stdout, terminal = _run("-")
    assert re.search(rb"\] +\d+ payloads +[\d,]+/s", terminal), terminal
    assert terminal.endswith(b"\r\x1b[K\x1b[?25h")  # erased when done, the cursor shown again
    assert stdout == piped[0]


def test_many_files_show_files_checked_of_all(tmp_path):
    (first,) = _files(tmp_path, first=CLEAN)
    _, terminal = _run(first, "-", first)
    assert re.search(rb"\] +\d+% .*1/3 files +\d+ payloads", terminal), terminal


def test_no_progress_when_stderr_is_not_a_terminal(piped):
    stdout, stderr = piped
    assert stderr == b""
    assert stdout.splitlines()[-1] == b"1 file, 24 payloads, 22 valid, 2 invalid, 2 errors, 0 warnings"


@pytest.mark.parametrize("option", ["--no-progress", "-q"])
def test_no_progress_when_asked_for_quiet(option):
    _, terminal = _run(option, "-")
    assert terminal == b""


def test_output_on_the_same_terminal_reads_as_it_does_without_progress(piped):
    _, terminal = _run("-", stdout_on_terminal=True)
    assert re.search(rb"\] +\d+ payloads", terminal), terminal  # the bar was drawn among the findings
    assert _screen(terminal.decode()) == piped[0].decode().splitlines() + [""]


def _screen(text: str) -> list[str]:
    """The lines a terminal shows for `text`: a carriage return goes back to the line's start,
    ESC[K erases to its end, characters overwrite; other escapes change nothing visible."""
    lines, line, column = [], "", 0
    for piece in re.split(r"(\r|\n|\x1b\[K|\x1b\[\?25[lh])", text):
        if piece == "\r":
            column = 0
        elif piece == "\n":
            lines.append(line)
            line, column = "", 0
        elif piece == "\x1b[K":
            line = line[:column]
        elif piece and not piece.startswith("\x1b"):
            line = line[:column] + piece + line[column + len(piece):]
            column += len(piece)
    return [*lines, line]
