"""Hostile input files: each gets a finding with a clear message, the files and lines next to
it are still checked, memory stays bounded and nothing is fetched.

What capreg does with each (registry/payloads.py holds the limits):

| input | finding |
|---|---|
| nesting deeper than 64 levels (10^5 in one line of text) | parse-error "nested ... 64 levels" |
| more than 16 MiB (a 100 MB file) | file-unreadable "larger than 16 MiB", after reading 16 MiB |
| more than 10^6 JSON values, 10^5 YAML nodes (aliases expanded) | parse-error |
| not UTF-8 (UTF-16 named in the hint) | file-not-utf8 with the offset |
| a UTF-8 byte order mark: JSON / JSONL / YAML | parse-error / that line's parse-error / accepted |
| duplicate keys (JSON and YAML) | parse-error naming the key |
| NaN, Infinity, numbers beyond a double, integers beyond 4300 digits | parse-error |
| half of a UTF-16 surrogate pair (`"\\ud800"`) | parse-error with the pointer |
| a directory, FIFO, device, symlink to a FIFO | file-unreadable, without blocking |
| `$ref`/`$schema`/`$id` strings naming URLs in a payload | data: validated, never fetched |
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import socket
import subprocess
import sys
import textwrap
import threading
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import registry
from registry.io import payloads
from registry.cli import main

from .conftest import FIXTURES, ROOT

GOOD = {"model": "toy-1", "inputs": {"audio": [{"id": "a", "source": "s"}]}, "settings": {"syncMode": "loop"}}
GOOD_TEXT = json.dumps(GOOD)
BOM = "\ufeff"


pytestmark = pytest.mark.usefixtures("toy_as_default")


def run_json(*files: str) -> tuple[int, dict[str, Any]]:
    result = CliRunner().invoke(main, ["validate", "--format", "json", *files])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, json.loads(result.output)


def write(path: Path, content: str | bytes) -> str:
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return str(path)


def nested(depth: int, leaf: Any = 1) -> Any:
    value = leaf
    for _ in range(depth):
        value = [value]
    return value


def billion_laughs() -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    return "\n".join(lines) + "\n"


def alias_chain(levels: int) -> str:
    """Each line one level deeper than the last, through aliases: no deep text at all."""
    return "\n".join(["l0: &l0 [1]"] + [f"l{i}: &l{i} [*l{i - 1}]" for i in range(1, levels)]) + "\n"


HOSTILE: list[tuple[str, str | bytes, str, str]] = [
    # name, content, rule, what the message says
    ("deep-arrays.json", "[" * 100_000 + "]" * 100_000, "parse-error", "nested too deeply; capreg reads at most 64 levels"),
    ("deep-objects.json", '{"a": ' * 100_000 + "1" + "}" * 100_000, "parse-error", "nested too deeply"),
    ("deep-65.json", json.dumps({**GOOD, "clips": nested(64)}), "parse-error", "nested more than 64 levels deep"),
    ("deep.yaml", "model: " + "[" * 100_000 + "]" * 100_000, "parse-error", "nested more than 64 levels deep"),
    ("alias-chain.yaml", alias_chain(100), "parse-error", "with its aliases expanded, it is nested more than 64 levels"),
    ("many-values.json", "[" + "0," * 1_000_000 + "0]", "parse-error", "it holds more than 1,000,000 values"),
    ("many-nodes.yaml", "- 1\n" * 100_001, "parse-error", "it has more than 100,000 nodes"),
    ("billion-laughs.yaml", billion_laughs(), "parse-error", "its aliases expand to more than 100,000 nodes"),
    ("self-containing.yaml", "a: &a [*a]\n", "parse-error", "an alias makes it contain itself"),
    ("latin1.json", b'{"model": "toy-1", "x": "caf\xe9"}', "file-not-utf8", "invalid byte 0xe9 at offset 28"),
    ("utf16.json", GOOD_TEXT.encode("utf-16"), "file-not-utf8", "invalid byte 0xff at offset 0"),
    ("bom.json", BOM + GOOD_TEXT, "parse-error", "it starts with a UTF-8 byte order mark (U+FEFF)"),
    ("bom-only.json", BOM + "\n", "file-empty", "the file is empty"),
    ("duplicate-nested.json", '{"model": "toy-1", "settings": {"syncMode": "loop", "syncMode": "bounce"}}',
     "parse-error", "duplicate key 'syncMode' in one object"),
    ("duplicate.yaml", "model: toy-1\nsettings: {syncMode: loop}\nmodel: toy-1\n", "parse-error",
     "duplicate key 'model' in one mapping (line 3 column 1)"),
    ("nan.json", '{"model": "toy-1", "x": NaN}', "parse-error", "NaN is not a JSON number"),
    ("infinity.json", '{"model": "toy-1", "x": -Infinity}', "parse-error", "-Infinity is not a JSON number"),
    ("huge-exponent.json", '{"model": "toy-1", "x": 1e400}', "parse-error",
     "the number 1e400 is too large for a 64-bit float (it would become Infinity)"),
    ("long-integer.json", '{"model": "toy-1", "x": ' + "7" * 10_000 + "}", "parse-error",
     "an integer has 10,000 digits; capreg reads integers of up to 4,300 digits"),
    ("long-float.json", '{"model": "toy-1", "x": 1' + "0" * 10_000 + ".5}", "parse-error",
     "(10,003 characters) is too large for a 64-bit float"),
    ("long-integer.yaml", "model: toy-1\nx: " + "7" * 10_000 + "\n", "parse-error",
     "an integer has 10,000 digits; capreg reads integers of up to 4,300 digits at line 2 column 4"),
    ("nan.yaml", "model: toy-1\nx: .nan\n", "parse-error", "nan is not a JSON number"),
    ("surrogate.json", '{"model": "toy-1", "settings": {"syncMode": "\\ud800"}}', "parse-error",
     'the string "\\ud800" at /settings/syncMode holds half of a UTF-16 surrogate pair'),
    ("surrogate-key.json", '{"model": "toy-1", "\\udfff": 1}', "parse-error", 'a key "\\udfff" holds half'),
    ("binary.yaml", "model: toy-1\nx: !!binary aGk=\n", "parse-error", "a bytes value has no JSON equivalent"),
    ("python-object.yaml", "model: !!python/object/apply:os.system ['true']\n", "parse-error",
     "could not determine a constructor"),
]


@pytest.mark.parametrize(("name", "content", "rule", "message"), HOSTILE, ids=[case[0] for case in HOSTILE])
def test_a_hostile_file_gets_a_clear_finding_and_the_next_file_is_still_checked(tmp_path, name, content, rule, message):
    bad = write(tmp_path / name, content)
    good = write(tmp_path / "good.json", GOOD_TEXT)
    code, report = run_json(bad, good)
    assert code == 2
    bad_report, good_report = report["files"]
    (entry,) = bad_report["payloads"]
    (finding,) = entry["findings"]
    assert (finding["rule"], finding["severity"]) == (rule, "error")
    assert message in finding["message"]
    assert "Traceback" not in finding["message"] and "sys.set_int_max_str_digits" not in finding["message"]
    assert [p["valid"] for p in good_report["payloads"]] == [True]


def test_every_hostile_file_in_one_run_each_with_its_own_finding(tmp_path):
    names = []
    for index, (name, content, _, _) in enumerate(HOSTILE):
        names.append(write(tmp_path / name, content))
        if index % 5 == 0:
            names.append(write(tmp_path / f"good-{index}.json", GOOD_TEXT))
    code, report = run_json(*names)
    assert code == 2
    by_file = {entry["file"]: entry["payloads"] for entry in report["files"]}
    for name, _, rule, message in HOSTILE:
        (entry,) = by_file[str(tmp_path / name)]
        assert [f["rule"] for f in entry["findings"]] == [rule], name
        assert message in entry["findings"][0]["message"], name
    goods = [p for file, entries in by_file.items() if "good-" in file for p in entries]
    assert goods and all(p["valid"] for p in goods)
    assert report["summary"]["unreadable"] == len(HOSTILE)


@pytest.mark.parametrize(("name", "content"), [
    ("deep-64.json", json.dumps({**GOOD, "clips": nested(63, "x")})),  # the payload object is level 1
    ("bom.yaml", BOM + "model: toy-1\ninputs: {audio: [{id: a, source: s}]}\nsettings: {syncMode: loop}\n"),
    ("surrogate-pair.json", GOOD_TEXT.replace('"source": "s"', '"source": "\\ud83d\\ude00"')),
    ("merge-override.yaml", "model: toy-1\ninputs: {audio: [{id: a, source: s}]}\n"
                            "settings:\n  <<: {syncMode: bounce}\n  syncMode: loop\n"),
    ("values-1e6.json", "[" + "0," * 999_990 + "0]"),
    ("nodes-1e5.yaml", "model: toy-1\nsettings: {syncMode: loop}\ninputs:\n  audio:\n"
                       + "".join(f"  - {{id: a{i}, source: s}}\n" for i in range(19_000))),
])
def test_what_is_near_a_limit_but_legitimate_is_checked_as_usual(tmp_path, name, content):
    code, report = run_json(write(tmp_path / name, content))
    (entry,) = report["files"][0]["payloads"]
    rules = [f["rule"] for f in entry["findings"]]
    assert not set(rules) & {"parse-error", "file-unreadable", "file-not-utf8", "file-empty"}, rules


def test_numbers_with_ten_thousand_digits_are_read_when_a_double_holds_them(tmp_path):
    # 10^4 digits after the point: a tiny number, not an error; the schema then judges it.
    text = json.dumps({**GOOD, "settings": {"syncMode": "loop", "temperature": 0}})
    text = text.replace('"temperature": 0', '"temperature": 0.' + "0" * 9_999 + "5")
    code, report = run_json(write(tmp_path / "tiny.json", text))
    (entry,) = report["files"][0]["payloads"]
    assert entry["valid"] is True
    assert [f["rule"] for f in entry["findings"]] == ["ignored-parameter"]
    # The longest integer Python converts is read, and the schema's range applies to it.
    text = text.replace('0.' + "0" * 9_999 + "5", "9" * 4_300)
    code, report = run_json(write(tmp_path / "huge.json", text))
    (entry,) = report["files"][0]["payloads"]
    assert [f["rule"] for f in entry["findings"] if f["severity"] == "error"] == ["range"]


def test_jsonl_bad_lines_among_good_ones_each_get_a_finding(tmp_path):
    bad_lines = {
        2: b"[" * 100_000 + b"]" * 100_000,
        3: b'{"model": "toy-1", "x": NaN}',
        4: GOOD_TEXT.encode().replace(b"toy-1", b"toy-\xff"),
        5: b'{"model": "toy-1", "model": "toy-1"}',
        6: b'{"model": "toy-1", "x": "\\ud800"}',
        8: b'{"model": "toy-1", "x": ' + b"1" * 10_000 + b"}",
        9: b'{"model": "toy-1", "x": 1e999}',
    }
    raw = b"\n".join(bad_lines.get(number, GOOD_TEXT.encode()) for number in range(1, 11)) + b"\n"
    code, report = run_json(write(tmp_path / "batch.jsonl", raw))
    entries = report["files"][0]["payloads"]
    assert [e["line"] for e in entries] == list(range(1, 11))
    assert [e["line"] for e in entries if e["valid"]] == [1, 7, 10]
    problems = {e["line"]: e["findings"] for e in entries if not e["valid"]}
    assert all(len(findings) == 1 for findings in problems.values())
    problems = {line: findings[0] for line, findings in problems.items()}
    assert "nested too deeply on line 2" in problems[2]["message"]
    assert "NaN is not a JSON number on line 3" in problems[3]["message"]
    assert problems[4]["rule"] == "file-not-utf8" and problems[4]["message"].startswith("line 4: ")
    assert "duplicate key 'model' in one object on line 5" in problems[5]["message"]
    assert "surrogate pair without its other half, which is not Unicode text on line 6" in problems[6]["message"]
    assert "10,000 digits" in problems[8]["message"]
    assert "too large for a 64-bit float (it would become Infinity) on line 9" in problems[9]["message"]
    assert code == 2


def test_jsonl_a_bom_spoils_the_first_line_only(tmp_path):
    code, report = run_json(write(tmp_path / "bom.jsonl", BOM + GOOD_TEXT + "\n" + GOOD_TEXT + "\n"))
    first, second = report["files"][0]["payloads"]
    assert "byte order mark" in first["findings"][0]["message"]
    assert first["findings"][0]["hint"] == "save the file as UTF-8 without a byte order mark"
    assert second["valid"] is True


def test_jsonl_a_line_over_16_mib_is_reported_and_the_lines_after_it_are_checked(tmp_path):
    huge = '{"model": "toy-1", "x": "' + "x" * (payloads.MAX_DOCUMENT_BYTES + 10) + '"}'
    code, report = run_json(write(tmp_path / "long.jsonl", "\n".join([GOOD_TEXT, huge, GOOD_TEXT, ""])))
    entries = report["files"][0]["payloads"]
    assert [(e["line"], e["valid"]) for e in entries] == [(1, True), (2, False), (3, True)]
    assert entries[1]["findings"][0]["message"] == "cannot read the file: line 2 is longer than 16 MiB"


def test_stdin_json_with_a_bom_gets_the_json_finding(tmp_path):
    result = CliRunner().invoke(main, ["validate", "--format", "json", "-"], input=(BOM + GOOD_TEXT).encode())
    (entry,) = json.loads(result.output)["files"][0]["payloads"]
    assert "byte order mark" in entry["findings"][0]["message"]


def test_utf16_is_named_in_the_hint(tmp_path):
    code, report = run_json(write(tmp_path / "utf16.json", GOOD_TEXT.encode("utf-16")))
    (finding,) = report["files"][0]["payloads"][0]["findings"]
    assert finding["hint"] == "it starts with a UTF-16 byte order mark: save it as UTF-8"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_what_is_not_a_regular_file_is_refused_without_being_read(tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    link = tmp_path / "link-to-pipe.json"
    link.symlink_to(fifo)  # the check is on what was opened, so a link cannot smuggle a FIFO in
    good = write(tmp_path / "good.json", GOOD_TEXT)
    (tmp_path / "empty").mkdir()  # a directory is searched for payload files: this one holds none
    files = [str(fifo), str(link), str(tmp_path / "empty"), os.devnull, good]
    # A FIFO opened for reading without a writer blocks a plain open(): run it where it can be stopped.
    result = subprocess.run([sys.executable, "-m", "registry.cli", "validate", "--format", "json", *files],
                            capture_output=True, text=True, timeout=60, env={**os.environ})
    report = json.loads(result.stdout)
    messages = [entry["payloads"][0]["findings"][0]["message"] if entry["payloads"][0]["findings"] else "ok"
                for entry in report["files"]]
    assert messages == [
        "cannot read the file: it is a FIFO; expected a payload file",
        "cannot read the file: it is a FIFO; expected a payload file",
        "cannot read the file: it is a directory with no payload files in it (.json, .jsonl, .ndjson, .yaml, .yml)",
        "cannot read the file: it is not a regular file; expected a payload file",
        "ok",
    ]
    assert result.returncode == 2


def _peak_memory_kib(*args: str) -> int:
    """Peak resident memory of a fresh process running `capreg validate ARGS`: VmHWM, the
    high-water mark of this process's own memory (ru_maxrss would carry over the size of
    the forking parent, here pytest, across exec)."""
    script = textwrap.dedent("""
        import re, sys
        from registry.cli import main
        try:
            main(["validate", "-q", *sys.argv[1:]])
        except SystemExit:
            pass
        with open("/proc/self/status") as status:
            print(re.search(r"VmHWM:\\s+(\\d+) kB", status.read()).group(1), file=sys.stderr)
    """)
    result = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=120,
                            env={**os.environ, "CAPREG_SCHEMAS": str(FIXTURES / "registry"), "CAPREG_BUILTIN": "0"})
    return int(result.stderr.strip().splitlines()[-1])


@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="reads VmHWM from /proc")
def test_memory_stays_bounded_on_huge_files(tmp_path):
    good = write(tmp_path / "good.json", GOOD_TEXT)
    baseline = _peak_memory_kib(good)
    huge = tmp_path / "huge.json"
    with huge.open("w", encoding="utf-8") as handle:
        handle.write('{"model": "toy-1", "x": "')
        for _ in range(100):
            handle.write("x" * (1 << 20))
        handle.write('"}')
    assert huge.stat().st_size > 100 * 1024 * 1024
    cases = [  # (file, MiB it may add: measured, then about doubled)
        (str(huge), 30),  # refused after reading 16 MiB
        (write(tmp_path / "objects.json", "[" + ",".join(["{}"] * (5 << 20)) + "]"), 50),  # 15 MiB, refused unparsed
        (write(tmp_path / "bomb.yaml", billion_laughs()), 10),  # refused before constructing anything
        (write(tmp_path / "nodes.yaml", "- [1, 2]\n" * 40_000), 10),  # refused while parsing
        # the largest accepted: a 16 MiB string; 99,000 YAML nodes
        (write(tmp_path / "string.json", '{"model": "toy-1", "x": "' + "a" * ((16 << 20) - 40) + '"}'), 140),
        (write(tmp_path / "accepted.yaml", "model: toy-1\nsettings: {syncMode: loop}\ninputs:\n  audio:\n"
               + "".join(f"  - {{id: a{i}, source: s}}\n" for i in range(19_000))), 100),
    ]
    for path, extra_mib in cases:
        grown = (_peak_memory_kib(path, good) - baseline) / 1024
        assert grown < extra_mib, f"{path}: {grown:.0f} MiB more than for one small file"


@functools.cache
def real_registry() -> registry.Registry:
    return registry.load(ROOT / "schemas")


def example(name: str = "runware/lipsync-2/valid/seed-001-lipsync-2-segments.json") -> dict[str, Any]:
    return json.loads((ROOT / "examples" / name).read_text(encoding="utf-8"))


def test_the_deepest_payload_read_is_checked_by_both_engines_without_a_crash(tmp_path):
    """MAX_DEPTH sits well below where the engines fail, even under a recursive schema, which
    makes jsonschema follow the payload all the way down."""
    reg = registry.load(_recursive_tree(tmp_path))
    value: Any = {"n": "not an integer"}
    for _ in range(payloads.MAX_DEPTH - 2):  # the payload object and the bottom object are levels too
        value = {"child": value}
    (payload,) = payloads.read(write(tmp_path / "deep.json", json.dumps({"node": value})))
    assert payload.problem is None
    (finding,) = registry.validate(payload.value, "fal/other", registry=reg).findings
    assert finding.rule == "type"
    assert finding.pointer == "/node" + "/child" * (payloads.MAX_DEPTH - 2) + "/n"
    # ... and the real schemas, where a deep value meets a schema that expects a string.
    deep = example()
    deep["providerSettings"]["sync"]["segments"][0]["ref"] = nested(payloads.MAX_DEPTH - 5, "x")
    (payload,) = payloads.read(write(tmp_path / "real.json", json.dumps(deep)))
    assert payload.problem is None
    report = registry.validate(payload.value, registry=real_registry())
    assert [(f.rule, f.pointer) for f in report.errors] == [("type", "/providerSettings/sync/segments/0/ref")]


class _CountingHandler(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self.requests.append(self.path)
        body = b'{"type": "integer"}'
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


def test_urls_in_a_payload_are_data_never_fetched(tmp_path, monkeypatch):
    _CountingHandler.requests = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _CountingHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    attempts: list[Any] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        attempts.append(args)
        raise OSError("no network in this test")

    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        hostile = {**GOOD, "$ref": f"{url}/schema.json", "$schema": f"{url}/meta.json", "$id": f"{url}/id",
                   "inputs": {"audio": [{"id": "a", "source": f"{url}/audio.wav", "$ref": f"{url}/a.json#/x"}]},
                   "settings": {"syncMode": {"$ref": f"{url}/mode.json"}, "$dynamicRef": f"{url}/d.json"}}
        monkeypatch.setattr(socket, "create_connection", refuse)
        monkeypatch.setattr(socket.socket, "connect", refuse)
        code, report = run_json(write(tmp_path / "refs.json", json.dumps(hostile)),
                                write(tmp_path / "refs.yaml", json.dumps(hostile)))
        for entry in report["files"]:
            (payload,) = entry["payloads"]
            rules = sorted({f["rule"] for f in payload["findings"]})
            assert rules == ["enum", "unknown-property"], rules  # `$ref` etc. are unknown parameters here
        real_payload = example()
        real_payload["$ref"] = f"{url}/schema.json"
        real_payload["inputs"]["audio"][0]["source"] = {"$ref": f"{url}/audio.json"}
        result = registry.validate(real_payload, registry=real_registry())
        assert {f.rule for f in result.errors} == {"unknown-property", "type"}
    finally:
        server.shutdown()
        server.server_close()
    assert _CountingHandler.requests == []
    assert attempts == []


# -- found by these tests --------------------------------------------------------------------

def _recursive_tree(tmp_path: Path) -> Path:
    from .test_loading import offering, tree

    schema = offering(properties={"node": {"$ref": "#/$defs/node"}}, **{"$defs": {"node": {
        "type": ["object", "string"], "properties": {"child": {"$ref": "#/$defs/node"}, "n": {"type": "integer"}}}}})
    return tree(tmp_path, fal__other=schema)


def test_validate_survives_a_deep_payload_built_in_python():
    payload = example()
    payload["providerSettings"]["sync"]["segments"][0]["ref"] = nested(5_000, "x")
    report = registry.validate(payload, registry=real_registry())
    ref = "/providerSettings/sync/segments/0/ref"  # 5 levels down: the 64th level is 59 arrays below it
    assert [(f.rule, f.pointer, f.message) for f in report.errors] == [
        ("uncheckable", ref + "/0" * 59, "the payload cannot be checked: it is nested more than 64 levels deep")]


class Crashed(Exception):
    """The process died of a signal."""


def test_validate_survives_a_deep_payload_under_a_recursive_schema(tmp_path):
    root = _recursive_tree(tmp_path)
    script = textwrap.dedent(f"""
        from pathlib import Path
        import registry
        reg = registry.load(Path({str(root)!r}))
        value = "leaf"
        for _ in range(100_000):
            value = {{"child": value}}
        report = registry.validate({{"node": value}}, "fal/other", registry=reg)
        print("findings", [f.rule for f in report.findings])
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    if result.returncode < 0:
        raise Crashed(f"killed by signal {-result.returncode}")
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "findings ['uncheckable']"


def test_text_output_never_carries_control_characters_from_a_payload(tmp_path):
    path = write(tmp_path / "escape.json", '{"model": "toy-1", "\\u001b]0;owned\\u0007\\u001b[2J": 1}')
    output = CliRunner().invoke(main, ["validate", path]).output
    assert "\x1b" not in output and "\x07" not in output
    assert "\\x1b]0;owned\\x07" in output  # shown, as an escape


def test_a_payload_with_many_findings_is_located_in_one_pass(tmp_path, monkeypatch):
    # Positions once cost a walk of the whole text per finding (1,500 findings in YAML: minutes).
    # Counted, not timed: the YAML document is composed once to locate all of its findings.
    import yaml

    composed = []
    real_compose_all = yaml.compose_all
    monkeypatch.setattr(yaml, "compose_all", lambda *a, **k: composed.append(1) or real_compose_all(*a, **k))
    lines = ["model: toy-1"] + [f"unknown{i}: {i}" for i in range(1_500)]
    path = write(tmp_path / "many.yaml", "\n".join(lines) + "\n")
    result = CliRunner().invoke(main, ["validate", "-q", path])
    assert result.exit_code == 1 and result.output.count("error[unknown-property]") == 100  # then counted
    assert f"{path}:101:1: error[unknown-property] /unknown99" in result.output
    assert "(and 1,400 more `unknown-property` findings in this payload, not listed)" in result.output
    assert len(composed) == 2  # once to read the payload, once to locate its 1,500 findings