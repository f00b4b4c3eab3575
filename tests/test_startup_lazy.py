"""What `capreg validate` loads only when a file needs it."""

from __future__ import annotations

import shutil
import subprocess
import sys

from .conftest import ROOT
from .test_startup import imported_modules


def test_a_clean_file_needs_no_position_finder(tmp_path):
    payload = tmp_path / "clean.json"
    shutil.copy(ROOT / "examples/runware/lipsync-2/valid/seed-001-lipsync-2-audio.json", payload)
    assert "registry.io.positions" not in imported_modules("validate", "-q", str(payload))


def test_a_finding_still_gets_its_line_and_column(tmp_path):
    # this seed leaves syncMode unset: an implicit-default warning placed on line 19, column 5
    payload = tmp_path / "warned.json"
    shutil.copy(ROOT / "examples/runware/lipsync-2/valid/seed-001-lipsync-2-segments.json", payload)
    done = subprocess.run([sys.executable, "-m", "registry.cli", "validate", "--offering", "runware/lipsync-2",
                           str(payload)], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"{payload}:19:5: warning[implicit-default]" in done.stdout
