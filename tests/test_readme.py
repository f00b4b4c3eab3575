"""The README's console examples are run, and their output compared, so none can go stale.

The rule, for every ```console block of README.md:

- A line starting with `$ ` is a command; the lines after it, up to the next command or the
  end of the block, are its expected output (stdout and stderr together, in the order
  written).
- A block whose commands all start with `capreg ` is run: each command through bash in the
  repository root, with the test environment's `capreg` first on PATH, colour off
  (NO_COLOR), a fixed terminal width (COLUMNS=100), unbuffered output (so stdout and stderr
  interleave as written) and a UTF-8 locale. A `# comment` after a command is bash's.
  Other blocks (`./scripts/bench`, `./scripts/fuzz`: minutes long, and they measure the
  machine) are not run; `test_only_known_commands_are_left_unrun` names them, so a new
  block cannot go unchecked unnoticed.
- Output and expectation are compared line by line, trailing spaces and trailing blank lines
  ignored. A line that holds only `…` (indented or not) stands for any number of output
  lines, none included; every other line must be equal.
"""

from __future__ import annotations

import itertools
import operator
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import ROOT

ELISION = "…"
UNRUN = ("./scripts/bench", "./scripts/fuzz")
_BLOCK = re.compile(r"^```console\n(.*?)^```", re.MULTILINE | re.DOTALL)


@dataclass(frozen=True)
class Example:
    command: str
    expected: tuple[str, ...]
    line: int  # of the command in the README, for the test id

    @property
    def runnable(self) -> bool:
        return self.command.startswith("capreg ")


def examples(readme: str) -> list[Example]:
    """Every command of every console block, with the output shown under it."""
    found: list[Example] = []
    for block in _BLOCK.finditer(readme):
        first_line = readme.count("\n", 0, block.start(1)) + 1
        command, expected, line = None, [], first_line
        for number, text in enumerate(block.group(1).splitlines(), start=first_line):
            if text.startswith("$ "):
                if command is not None:
                    found.append(Example(command, tuple(expected), line))
                command, expected, line = text[2:], [], number
            elif command is not None:
                expected.append(text)
        if command is not None:
            found.append(Example(command, tuple(expected), line))
    return found


def run(command: str, root: Path) -> str:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
           "NO_COLOR": "1", "COLUMNS": "100", "PYTHONUNBUFFERED": "1", "LC_ALL": "C.UTF-8", "TERM": "dumb"}
    done = subprocess.run(["bash", "-c", command], cwd=root, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=120)
    return done.stdout


def matches(expected: tuple[str, ...] | list[str], output: list[str]) -> bool:
    """Whether `output` is `expected`, each `…` line standing for any number of lines."""
    expected, output = _trimmed(expected), _trimmed(output)
    reachable = [True] + [False] * len(output)  # [j]: the lines compared so far can stand for output[:j]
    for line in expected:
        if line.strip() == ELISION:
            reachable = list(itertools.accumulate(reachable, operator.or_))
        else:
            reachable = [False] + [reachable[j] and output[j] == line for j in range(len(output))]
    return reachable[-1]


def _trimmed(lines: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    stripped = [line.rstrip() for line in lines]
    while stripped and not stripped[-1]:
        stripped.pop()
    return tuple(stripped)


def drift(example: Example, root: Path) -> str | None:
    """None when the command prints what the README shows; else both, to compare."""
    output = run(example.command, root).splitlines()
    if matches(example.expected, output):
        return None
    return ("README.md line {}: `$ {}` printed\n{}\n--- but the README shows ---\n{}".format(
        example.line, example.command, "\n".join(output), "\n".join(example.expected)))


README_EXAMPLES = examples((ROOT / "README.md").read_text(encoding="utf-8"))


@pytest.mark.parametrize("example", [e for e in README_EXAMPLES if e.runnable],
                         ids=lambda e: f"line{e.line}-{e.command.split('#')[0].strip()}")
def test_readme_example_prints_what_the_readme_shows(example):
    assert drift(example, ROOT) is None, drift(example, ROOT)


def test_only_known_commands_are_left_unrun():
    assert sorted(e.command.split()[0] for e in README_EXAMPLES if not e.runnable) == sorted(UNRUN)
    assert sum(e.runnable for e in README_EXAMPLES) >= 4


def test_a_block_that_drifts_fails(tmp_path):
    """A copy of the README with one number of an example changed no longer matches."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "cut_off  4.00 s  plays once, whole" in readme
    changed = tmp_path / "README.md"
    changed.write_text(readme.replace("cut_off  4.00 s  plays once, whole", "cut_off  4.50 s  plays once, whole"),
                       encoding="utf-8")
    (plan,) = [e for e in examples(changed.read_text(encoding="utf-8")) if e.command.startswith("capreg plan")]
    (original,) = [e for e in README_EXAMPLES if e.command.startswith("capreg plan")]
    assert drift(original, ROOT) is None
    report = drift(plan, ROOT)
    assert report is not None and "cut_off  4.50 s" in report and "cut_off  4.00 s" in report


def test_a_stale_file_name_fails(tmp_path):
    """The README's first example once named a file that does not exist."""
    example = Example("capreg validate examples/runware/lipsync-2/invalid/no-such-example.json",
                      ("examples/runware/lipsync-2/invalid/no-such-example.json: error[ref-unknown] …",), 1)
    assert drift(example, ROOT) is not None


@pytest.mark.parametrize(("expected", "output", "verdict"), [
    (["a", "b"], ["a", "b"], True),
    (["a", "b"], ["a", "c"], False),
    (["a"], ["a", "b"], False),  # every line is compared: extra output is drift
    (["a", "…", "d"], ["a", "b", "c", "d"], True),
    (["a", "…", "d"], ["a", "d"], True),  # `…` may stand for no line
    (["…", "d"], ["a", "b", "c", "d", "e"], False),
    (["  …", "d"], ["a", "d"], True),  # indented as the block around it
    (["a   ", "", ""], ["a", ""], True),  # trailing spaces and blank lines
    (["a …"], ["a b"], False),  # `…` inside a line is text, not an elision
])
def test_elision_rule(expected, output, verdict):
    assert matches(expected, output) is verdict


# -- ./scripts/examples, the Quick start's first command ----------------------------------------

def _examples_script(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", str(root / "scripts" / "examples")], cwd=root, capture_output=True, text=True,
                          timeout=300)


def test_the_examples_script_checks_each_expect_file(tmp_path):
    """In a copy of the checkout (sharing its .venv) where one .expect file names a finding
    the example does not raise and misses one it does, the script says so and fails."""
    copy = tmp_path / "capreg"
    copy.mkdir()
    for name in ("scripts", "examples"):
        shutil.copytree(ROOT / name, copy / name)
    for name in ("pyproject.toml", "uv.lock"):
        shutil.copy(ROOT / name, copy / name)
    (copy / ".venv").symlink_to(ROOT / ".venv")
    assert _examples_script(copy).returncode == 0
    expect = copy / "examples" / "runware" / "lipsync-2" / "invalid" / "segment-ref-unknown.expect"
    expect.write_text("ref-unknown /providerSettings/sync/segments/0/ref\n", encoding="utf-8")
    done = _examples_script(copy)
    assert done.returncode == 1
    payload = "examples/runware/lipsync-2/invalid/segment-ref-unknown.json"
    assert (f"MISMATCH {payload}: expected ref-unknown /providerSettings/sync/segments/0/ref, not reported"
            in done.stdout.splitlines())
    assert (f"MISMATCH {payload}: reported ref-unknown /providerSettings/sync/segments/1/ref, not in its .expect file"
            in done.stdout.splitlines())
    assert "2 differences from their .expect files" in done.stdout
