"""Reading input: what stdin and files of unknown suffix hold (one JSON document, several, or
JSONL), the line and column of every parse error in every format, hints for JSONC and JSON5
syntax, and directories and quoted glob patterns given to `capreg validate`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from registry.cli import main
from registry.io import payloads

from .conftest import ROOT

EXAMPLES = ROOT / "examples" / "runware" / "lipsync-2" / "valid"
TASK = json.loads((EXAMPLES / "minimal.json").read_text(encoding="utf-8"))
PRETTY = json.dumps(TASK, indent=2)
# The task pretty-printed, with the comma after its third member taken out.
BROKEN = PRETTY.replace('",\n  "inputs"', '"\n  "inputs"', 1)
BROKEN_AT = (5, 3)  # where the decoder meets `"inputs"` without a comma before it


def run(*args: str, stdin: str | bytes | None = None, cwd: Path | None = None):
    old = os.getcwd()
    os.chdir(cwd or ROOT)
    try:
        return CliRunner().invoke(main, list(args), input=stdin)
    finally:
        os.chdir(old)


def as_json(*args: str, stdin: str | None = None, cwd: Path | None = None) -> dict:
    result = run("validate", "--format", "json", *args, stdin=stdin, cwd=cwd)
    return json.loads(result.stdout)


def findings(document: dict) -> list[dict]:
    return [f for entry in document["files"] for payload in entry["payloads"] for f in payload["findings"]]


# -- what a stream holds ------------------------------------------------------------------

def test_broken_pretty_json_on_stdin_is_one_parse_error_at_its_place():
    assert BROKEN.splitlines()[BROKEN_AT[0] - 1].startswith('  "inputs"')
    result = run("validate", "-", stdin=BROKEN)
    assert result.exit_code == 2
    assert result.stdout.splitlines() == [
        "<stdin>:5:3: error[parse-error] (payload): not valid JSON: Expecting ',' delimiter at line 5 column 3",
        "1 file, 1 payload, 0 valid, 0 invalid, 1 unreadable, 1 error, 0 warnings",
    ]


def test_translate_output_for_several_payloads_reads_back():
    """`capreg translate` writes one pretty-printed document after another for several payloads."""
    source = "".join(json.dumps({**TASK, "taskUUID": f"3b241101-e2bb-4255-8caf-4136c566a96{n}"}, indent=2) + "\n"
                     for n in range(3))
    translated = run("translate", "-", "--to", "fal", stdin=source)
    assert translated.exit_code == 0, translated.output
    assert translated.stdout.count("{\n") == 3
    checked = run("validate", "--offering", "fal/lipsync-2", "-", stdin=translated.stdout)
    assert checked.exit_code == 0, checked.output
    assert checked.stdout.splitlines()[-1] == "1 file, 3 payloads, 3 valid, 0 invalid, 0 errors, 0 warnings"


def test_several_documents_each_is_a_payload_and_a_broken_one_does_not_stop_the_next():
    stream = PRETTY + "\n" + BROKEN + "\n" + PRETTY + "\n"
    document = as_json("-", stdin=stream)
    found = [(p["index"], p["line"], [(f["rule"], f["line"], f["column"]) for f in p["findings"]
                                      if f["severity"] == "error"]) for p in document["files"][0]["payloads"]]
    second, third = 1 + PRETTY.count("\n") + 1, 1 + 2 * (PRETTY.count("\n") + 1)
    assert found == [(0, 1, []), (1, second, [("parse-error", second + BROKEN_AT[0] - 1, BROKEN_AT[1])]),
                     (2, third, [])]


def test_several_documents_on_one_line_and_a_document_opening_on_a_line_of_its_own():
    stream = "[\n" + json.dumps(TASK) + "\n]\n" + "{\n  \"x\": 1}  {\"y\":\n 2}\n"
    read = list(payloads._sniff(_stream(stream)))
    assert [(p.line, p.value if p.problem is None else p.problem.rule) for p in read] == [
        (1, [TASK]), (4, {"x": 1}), (5, {"y": 2})]


def test_jsonl_on_stdin_with_one_broken_line_checks_every_other_line():
    line = json.dumps(TASK)
    for broken_line in (1, 2, 4):
        lines = [line] * 4
        lines[broken_line - 1] = line.replace('", "model"', '" "model"')
        document = as_json("-", stdin="\n".join(lines) + "\n")
        payloads_read = document["files"][0]["payloads"]
        assert [p["line"] for p in payloads_read] == [1, 2, 3, 4]
        assert [p["valid"] for p in payloads_read] == [n != broken_line for n in range(1, 5)]
        (error,) = [f for f in findings(document) if f["severity"] == "error"]
        assert (error["rule"], error["line"]) == ("parse-error", broken_line)


def test_one_document_on_stdin_is_a_plain_json_payload():
    for text in (json.dumps(TASK), "\n\n" + PRETTY + "\n\n"):
        (payload,) = as_json("-", stdin=text)["files"][0]["payloads"]
        assert payload["line"] is None and payload["valid"]


def test_a_long_jsonl_stream_on_stdin_is_read_line_by_line_past_the_document_limit(tmp_path):
    """Read whole, stdin was refused beyond 16 MiB; a JSONL stream is read a line at a time."""
    line = (json.dumps(TASK) + "\n").encode()
    stream = tmp_path / "stream"
    stream.write_bytes(line * (17 * 1024 * 1024 // len(line) + 1))
    with stream.open("rb") as stdin:
        result = subprocess.run([sys.executable, "-m", "registry.cli", "validate", "-"], stdin=stdin,
                                capture_output=True, text=True, timeout=600, cwd=ROOT)
    count = stream.stat().st_size // len(line)
    assert result.stdout.splitlines()[-1].startswith(f"1 file, {count} payloads, {count} valid"), result.stdout[-500:]
    assert result.returncode == 0


def test_a_document_over_the_limit_among_several_is_refused_alone():
    huge = '{\n  "pad": "' + "x" * (payloads.MAX_DOCUMENT_BYTES + 10) + '"\n}\n'
    read = list(payloads._sniff(_stream(PRETTY + "\n" + huge + PRETTY)))
    assert [p.problem.rule if p.problem else "ok" for p in read] == ["ok", "file-unreadable", "ok"]
    assert "larger than 16 MiB" in read[1].problem.message


def _stream(text: str):
    import io

    return io.BytesIO(text.encode("utf-8"))


# -- positions of parse errors, in every format ---------------------------------------------

def test_a_parse_error_has_its_line_and_column_in_every_format(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text(BROKEN, encoding="utf-8")
    (finding,) = findings(as_json(str(broken)))
    assert (finding["line"], finding["column"]) == BROKEN_AT
    text = run("validate", str(broken)).stdout
    assert text.startswith(f"{broken}:5:3: error[parse-error]")
    github = run("validate", "--format", "github", str(broken)).stdout
    assert github.startswith(f"::error file={broken},line=5,col=3,title=capreg parse-error::")
    sarif = json.loads(run("validate", "--format", "sarif", str(broken)).stdout)
    (result,) = sarif["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["region"] == {"startLine": 5, "startColumn": 3}


@pytest.mark.parametrize(("name", "content", "position"), [
    ("broken.yaml", "a: [1, 2\nb: 3\n", (2, 2)),
    ("dupes.yaml", "a: 1\nb: 2\na: 3\n", (3, 1)),
    ("surrogate.json", '{\n  "model": "sync:lipsync-2@1",\n  "x": "\\ud800"\n}', (3, 3)),
    ("deep.json", "{\"a\":\n" + "[" * 70 + "]" * 70 + "}", (2, 64)),
    ("bom.json", "\ufeff{}", (1, 1)),
    ("latin1.json", '{\n "a": "caf\xe9"}', (2, 11)),
])
def test_every_kind_of_parse_error_has_a_place(tmp_path, name, content, position):
    path = tmp_path / name
    path.write_bytes(content.encode("latin-1") if name == "latin1.json" else content.encode("utf-8"))
    (finding,) = findings(as_json(str(path)))
    assert (finding["line"], finding["column"]) == position, finding


def test_file_level_problems_have_no_place(tmp_path):
    (tmp_path / "empty.json").write_text("", encoding="utf-8")
    (tmp_path / "folder").mkdir()
    files = [str(tmp_path / "missing.json"), str(tmp_path / "empty.json"), str(tmp_path / "folder")]
    found = findings(as_json(*files))
    assert [(f["rule"], f["line"], f["column"]) for f in found] == [
        ("file-unreadable", None, None), ("file-empty", None, None), ("file-unreadable", None, None)]
    github = run("validate", "--format", "github", *files).stdout
    assert "line=" not in github and "col=" not in github


# -- JSONC and JSON5 syntax ------------------------------------------------------------------

@pytest.mark.parametrize(("content", "hint"), [
    ('{\n  // the task\n  "a": 1\n}', "JSON has no comments (JSONC) — remove them"),
    ('/* the task */ {"a": 1}', "JSON has no comments (JSONC) — remove them"),
    ('{\n  "a": [1, 2,],\n  "b": 1\n}', "JSON has no trailing commas (JSONC) — remove the comma before the closing bracket"),
    ('{"a": 1,\n}', "JSON has no trailing commas (JSONC) — remove the comma before the closing bracket"),
    ("{'a': 1}", "JSON has no single quotes (JSON5) — write strings and keys in double quotes"),
    ('{"a": \'x\'}', "JSON has no single quotes (JSON5) — write strings and keys in double quotes"),
])
def test_jsonc_syntax_gets_a_hint(tmp_path, content, hint):
    path = tmp_path / "task.json"
    path.write_text(content, encoding="utf-8")
    (finding,) = findings(as_json(str(path)))
    assert (finding["rule"], finding["hint"]) == ("parse-error", hint)
    (from_stdin,) = findings(as_json("-", stdin=content))
    assert (from_stdin["rule"], from_stdin["hint"]) == ("parse-error", hint)


def test_other_parse_errors_get_no_jsonc_hint(tmp_path):
    path = tmp_path / "task.json"
    path.write_text(BROKEN, encoding="utf-8")
    (finding,) = findings(as_json(str(path)))
    assert finding["hint"] is None


# -- directories and glob patterns -----------------------------------------------------------

def _tree(root: Path) -> None:
    for name in ("b/two.json", "a/one.JSON", "a/deeper/three.yaml", "a/four.jsonl", "notes.txt", ".git/x.json",
                 "node_modules/pkg/package.json", "a/.hidden.json", ".venv/lib/y.json"):
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(TASK) + "\n", encoding="utf-8")


def test_a_directory_is_searched_for_payload_files_in_sorted_order(tmp_path):
    _tree(tmp_path)
    document = as_json(str(tmp_path))
    assert [entry["file"] for entry in document["files"]] == [
        str(tmp_path / name) for name in ("a/deeper/three.yaml", "a/four.jsonl", "a/one.JSON", "b/two.json")]
    assert document["summary"]["valid"] == 4


def test_a_quoted_glob_pattern_is_expanded(tmp_path):
    _tree(tmp_path)
    document = as_json("**/*.json", "a/*.jsonl", cwd=tmp_path)  # hidden and package folders are left out
    assert [entry["file"] for entry in document["files"]] == ["b/two.json", "a/four.jsonl"]
    document = as_json("node_modules/**/*.json", cwd=tmp_path)  # unless the pattern names them
    assert [entry["file"] for entry in document["files"]] == ["node_modules/pkg/package.json"]


def test_a_pattern_or_directory_naming_no_payload_file_is_an_input_problem(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "ok.json").write_text(json.dumps(TASK), encoding="utf-8")
    arguments = ("nothing/**/*.json", "empty", "ok.json")
    assert run("validate", *arguments, cwd=tmp_path).exit_code == 2
    document = as_json(*arguments, cwd=tmp_path)
    assert [(entry["file"], [f["message"] for f in entry["payloads"][0]["findings"] if f["severity"] == "error"])
            for entry in document["files"]] == [
        ("nothing/**/*.json", ["cannot read the file: no file matches this pattern"]),
        ("empty", ["cannot read the file: it is a directory with no payload files in it "
                   "(.json, .jsonl, .ndjson, .yaml, .yml)"]),
        ("ok.json", []),
    ]


def test_a_file_whose_name_looks_like_a_pattern_is_read_as_it_is(tmp_path):
    (tmp_path / "task[1].json").write_text(json.dumps(TASK), encoding="utf-8")
    (tmp_path / "task1.json").write_text("{", encoding="utf-8")
    document = as_json("task[1].json", cwd=tmp_path)
    assert [entry["file"] for entry in document["files"]] == ["task[1].json"]
    assert document["summary"]["valid"] == 1


# -- translate keeps JSONL ---------------------------------------------------------------------

def test_translate_writes_jsonl_for_jsonl_input(tmp_path):
    source = tmp_path / "tasks.jsonl"
    source.write_text("".join(json.dumps(json.loads(p.read_text(encoding="utf-8"))) + "\n"
                              for p in sorted(EXAMPLES.glob("*.json"))[:3]), encoding="utf-8")
    for argument, stdin in ((str(source), None), ("-", source.read_text(encoding="utf-8"))):
        result = run("translate", argument, "--to", "fal", stdin=stdin)
        lines = result.stdout.splitlines()
        assert len(lines) == 3 and all(json.loads(line)["sync_mode"] for line in lines), result.stdout
    single = run("translate", "-", "--to", "fal", stdin=json.dumps(TASK))
    assert single.stdout.startswith("{\n  ")  # one document: pretty-printed, as before
