"""The quick paths of reading and checking payload files give what the slow ones gave: JSON
parsed without the hooked decoder, the reader's JSON checked without a second as_json pass,
JSONL spread over worker processes in batches (a file and stdin), and the escaping that
printable ASCII skips. Behaviour only: the speed itself is what ./scripts/bench measures."""

from __future__ import annotations

import io
import json
import os
import re
from concurrent.futures import Future
from pathlib import Path

import pytest
from click.testing import CliRunner

from registry.cli import main
from registry.io import batch, payloads
from registry.report import escapes
from registry.validation.requests import validate_body
from registry.validation.validate import validate, validate_json_data

from . import hostile_payloads
from .conftest import ROOT

EXAMPLE_FILES = sorted(ROOT.glob("examples/*/*/*/*.json"))
TASK = json.loads((ROOT / "examples/runware/lipsync-2/valid/seed-001-lipsync-2-audio.json").read_text())
BAD_TASK = {**TASK, "providerSettings": {"sync": {"syncMode": "bouncy"}}}

# JSON texts the reader must refuse or take exactly as the hooked decoder does, each with
# what makes it a case: the quick path must hand every one of them to the hooked decoder or
# give its very value.
HOSTILE_TEXTS = {
    "duplicate key": '{"a": 1, "a": 2}',
    "duplicate key, nested": '{"a": {"b": 1, "c": {"b": 2, "b": 3}}}',
    "duplicate key whose value held strings": '{"k": ["x:y", "z"], "k": 1}',
    "duplicate key among colons in strings": '{"url": "https://a:b@c", "url": "d"}',
    "duplicate key, the same value": '{"a": "v", "a": "v"}',
    "NaN": '{"a": NaN}',
    "Infinity": '{"a": Infinity}',
    "-Infinity": '{"a": [-Infinity]}',
    "float overflow": '{"a": 1e400}',
    "negative float overflow": '{"a": -1e400}',
    "float underflow is zero": '{"a": 1e-400}',
    "huge integer": '{"a": ' + "9" * 5000 + "}",
    "integer past 64 bits": '{"a": 18446744073709551616, "b": -9223372036854775809}',
    "lone surrogate": '{"a": "\\ud800"}',
    "lone surrogate in a key": '{"\\udc00": 1}',
    "surrogate pair": '{"a": "\\ud83d\\ude00"}',
    "escaped quote": '{"a": "say \\"hi\\"", "b": 1}',
    "escaped quotes hiding a duplicate": '{"a\\"": 1, "a\\"": 2}',
    "byte order mark": "\ufeff{}",
    "trailing text": '{"a": 1} x',
    "trailing whitespace": '{"a": 1} \n\t\r ',
    "leading whitespace": ' \n\t{"a": 1}',
    "form feed is not JSON whitespace": '{"a": 1}\f',
    "two documents": '{"a": 1}{"b": 2}',
    "trailing comma": '{"a": 1,}',
    "comment": '// hi\n{"a": 1}',
    "single quotes": "{'a': 1}",
    "empty": "",
    "only whitespace": "   ",
    "control character in a string": '{"a": "x\ty"}',
    "a number alone": "12",
    "a string alone": '"s"',
    "null": "null",
    "an array of objects": '[{"a": 1}, {"b": [1.5, true, false, null]}]',
    "empty containers": '{"a": [], "b": {}, "c": [[]]}',
    f"{payloads.MAX_DEPTH} levels": "[" * payloads.MAX_DEPTH + "]" * payloads.MAX_DEPTH,
    f"{payloads.MAX_DEPTH + 1} levels": "[" * (payloads.MAX_DEPTH + 1) + "]" * (payloads.MAX_DEPTH + 1),
    "2,000 levels": "[" * 2000 + "]" * 2000,
    "deep in objects": '{"a":' * (payloads.MAX_DEPTH + 1) + "1" + "}" * (payloads.MAX_DEPTH + 1),
    "more values than the limit": "[" + "0," * payloads.MAX_VALUES + "0]",
    "separators in strings": '{"a": "' + ",:[" * 10 + '"}',
    "unicode": '{"ключ": "значение ✓", "emoji": "😀"}',
    "broken": '{"a": 1',
}


def _parsed(text: str):
    """The value the reader makes of JSON text, or the finding and place it refuses it with."""
    try:
        return "value", json.dumps(payloads._parse_json(text))  # json.dumps tells 1 from 1.0 and True
    except payloads.ReadError as exc:
        return "refused", exc.finding, exc.position


def _hooked_only(monkeypatch):
    monkeypatch.setattr(payloads, "_plainly_parsed", lambda text: payloads._UNSURE)


@pytest.mark.parametrize("text", [*HOSTILE_TEXTS.values(), *(p.read_text(encoding="utf-8") for p in EXAMPLE_FILES)],
                         ids=[*HOSTILE_TEXTS, *(str(p.relative_to(ROOT / "examples")) for p in EXAMPLE_FILES)])
def test_json_is_read_as_the_hooked_decoder_reads_it(text, monkeypatch):
    quick = _parsed(text)
    _hooked_only(monkeypatch)
    assert quick == _parsed(text)


def test_the_quick_path_takes_plain_payloads_and_leaves_the_rest_to_the_hooked_decoder():
    for example in EXAMPLE_FILES:
        text = example.read_text(encoding="utf-8")
        if "\\" not in text and not text.startswith(payloads.BOM):
            assert payloads._plainly_parsed(text) is not payloads._UNSURE, example
    for case in ("duplicate key", "NaN", "float overflow", "huge integer", "lone surrogate", "escaped quote",
                 "byte order mark", "broken", f"{payloads.MAX_DEPTH + 1} levels", "more values than the limit"):
        assert payloads._plainly_parsed(HOSTILE_TEXTS[case]) is payloads._UNSURE, case


def _reader_values() -> list[tuple[str, object]]:
    values = []
    for example in EXAMPLE_FILES:
        for payload in payloads.read(str(example)):
            if payload.problem is None:
                values.append((str(example.relative_to(ROOT / "examples")), payload.value))
    for kind, build in hostile_payloads.KINDS.items():
        values.append((kind, payloads._parse_json(json.dumps(build(300)))))
    for case, text in HOSTILE_TEXTS.items():
        try:
            values.append((case, payloads._parse_json(text)))
        except payloads.ReadError:
            pass
    return values


@pytest.mark.parametrize("offering", [None, "runware/lipsync-2", "replicate/lipsync-2", "no/such"])
def test_the_readers_json_gets_the_verdict_of_validate(offering, real):
    for name, value in _reader_values():
        assert validate_json_data(value, offering, real) == validate(value, offering, registry=real), name
        assert validate_body(value, offering, registry=real, json_data=True) == validate_body(
            value, offering, registry=real), name


# -- JSONL over worker processes ----------------------------------------------------------

def _jsonl_lines() -> list[bytes]:
    """Valid, invalid, blank (every kind of blank the reader skips) and unreadable lines."""
    lines = []
    for number in range(60):
        task = dict(BAD_TASK if number % 9 == 4 else TASK, taskUUID=f"{number:08x}-0000-4000-8000-000000000000")
        lines.append(json.dumps(task).encode())
    lines[3:3] = [b"", b"   \t", "\u3000\x1c".encode(), "\ufeff ".encode(), b"\x1c{}"]
    lines[20:20] = [b'{"model": ', b"\xff\xfe not utf-8", "\ufeff".encode() + json.dumps(TASK).encode()]
    lines[41:41] = [b"[]", b'{"a": 1, "a": 2}', b"{}" + b" " * 10]
    return lines


def _in_workers(monkeypatch, tmp_path: Path) -> Path:
    """Small batches, workers after the first payloads, and the process that checks each
    payload noted in a file (the workers are forked with this in place)."""
    monkeypatch.setattr(payloads, "BATCH_LINES", 7)
    monkeypatch.setattr(batch, "LINES_BEFORE_WORKERS", 10)
    noted = tmp_path / "checked-by.txt"
    checked = batch.payload_results

    def noting(*args, **kwargs):
        with noted.open("a") as out:
            out.write(f"{os.getpid()}\n")
        return checked(*args, **kwargs)

    monkeypatch.setattr(batch, "payload_results", noting)
    return noted


def _validate(*args: str, stdin: bytes | None = None) -> tuple[int, str]:
    done = CliRunner().invoke(main, ["validate", *args], input=stdin)
    return done.exit_code, done.stdout


@pytest.mark.parametrize("output_format", ["text", "json", "github", "sarif"])
def test_a_jsonl_file_in_worker_processes_reports_exactly_as_one_process(output_format, monkeypatch, tmp_path):
    stream = tmp_path / "stream.jsonl"
    stream.write_bytes(b"\n".join(_jsonl_lines()) + b"\n")
    alone = _validate("--format", output_format, "-j1", str(stream))
    noted = _in_workers(monkeypatch, tmp_path)
    spread = _validate("--format", output_format, "-j2", str(stream))
    assert spread == alone
    assert alone[0] == 2  # a line that cannot be read
    assert set(noted.read_text().split()) - {str(os.getpid())}


def test_jsonl_on_stdin_in_worker_processes_reports_exactly_as_one_process(monkeypatch, tmp_path):
    stdin = b"\n".join(_jsonl_lines())  # no newline at the end
    alone = _validate("--format", "json", "-j1", "-", stdin=stdin)
    noted = _in_workers(monkeypatch, tmp_path)
    spread = _validate("--format", "json", "-j2", "-", stdin=stdin)
    assert spread == alone
    indexes = [p["index"] for p in json.loads(alone[1])["files"][0]["payloads"]]
    assert indexes == list(range(len(indexes)))
    assert set(noted.read_text().split()) - {str(os.getpid())}


def test_short_jsonl_stays_in_one_process(monkeypatch, tmp_path):
    stream = tmp_path / "short.jsonl"
    stream.write_text("\n".join(json.dumps(TASK) for _ in range(30)))
    noted = _in_workers(monkeypatch, tmp_path)
    monkeypatch.setattr(batch, "LINES_BEFORE_WORKERS", 1_000)
    assert _validate("-j2", str(stream)) == (0, f"{stream}: 30 payloads, all ok\n1 file, 30 payloads, 30 valid, "
                                                "0 invalid, 0 errors, 0 warnings\n")
    assert set(noted.read_text().split()) == {str(os.getpid())}


@pytest.mark.parametrize("stdin", [
    json.dumps(TASK),
    "\n\n" + json.dumps(TASK) + "\n\n\n",
    json.dumps(TASK) + "\n" + json.dumps(BAD_TASK),
    "\n".join([json.dumps(TASK)] * 2 + ["   "] * 20),
], ids=["one line", "one line among blank ones", "two lines", "two lines then blank ones"])
def test_batched_stdin_of_one_or_two_payloads_is_read_as_before(stdin, monkeypatch):
    monkeypatch.setattr(payloads, "BATCH_LINES", 1)
    monkeypatch.setattr(payloads.sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode())))
    batched = [item for entry in payloads.read_batched(payloads.STDIN)
               for item in (entry.payloads() if isinstance(entry, payloads.LineBatch) else (entry,))]
    monkeypatch.setattr(payloads.sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode())))
    assert batched == list(payloads.read(payloads.STDIN))


class _CountingPool:
    """A pool that checks a batch when asked for its result, and counts the batches sent
    and not yet taken back."""

    def __init__(self) -> None:
        self.in_flight = self.most = 0

    def submit(self, function, task):
        self.in_flight += 1
        self.most = max(self.most, self.in_flight)
        future = Future()
        taken = future.result

        def result(timeout=None):
            if not future.done():
                self.in_flight -= 1
                future.set_result(function(task))
            return taken(timeout)

        future.result = result
        return future


def test_a_long_stream_has_a_few_batches_in_flight_whatever_its_length(monkeypatch, tmp_path, real):
    stream = tmp_path / "long.jsonl"
    stream.write_text("\n".join(json.dumps(TASK) for _ in range(400)))
    monkeypatch.setattr(payloads, "BATCH_LINES", 5)
    monkeypatch.setattr(batch, "LINES_BEFORE_WORKERS", 5)
    monkeypatch.setattr(batch, "_worker_registry", real)
    workers = batch._Workers(2, real)
    pool = _CountingPool()
    monkeypatch.setattr(workers, "pool", lambda count: pool)
    results = batch._stream_results(str(stream), None, real, True, workers)
    assert [r.index for r in results] == list(range(400))
    assert pool.most == batch.BATCHES_IN_FLIGHT_PER_WORKER * 2


# -- what reporters print -------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "".join(map(chr, range(128))), "plain ascii: /a/b ~ {}", "tab\there", "del\x7f", "ç", "\u202e", "x\u2028y",
    "\ud800", "esc\x1b[31m",
])
def test_printable_ascii_skips_the_escaping_pass_and_nothing_else_does(text):
    assert escapes.visible(text) == re.sub(escapes._CONTROL_CLASS, escapes._escape, text)
    dumped = json.dumps(text, ensure_ascii=False)
    assert escapes.json_text(text) == re.sub(escapes._JSON_ESCAPE_CLASS, lambda m: f"\\u{ord(m[0]):04x}", dumped)
