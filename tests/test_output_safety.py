"""What `capreg validate` prints cannot be made to lie by the text it reports.

A payload's keys and values and the names of its files reach every output format. Bidi
controls reorder what a terminal or a CI page shows around them ("Trojan Source"), line
separators break lines where no newline is, C1 controls are terminal commands: text and
GitHub output show them as escapes; JSON and SARIF carry them as JSON escapes, so a
consumer reads back the exact original string and the file itself shows nothing hidden.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

import pytest
from click.testing import CliRunner

from registry.cli import main

pytestmark = pytest.mark.usefixtures("toy_as_default")

CAPREG = Path(sys.executable).with_name("capreg")
FORMATS = ["text", "json", "github", "sarif"]
# One of each kind a reader cannot see but a terminal or browser acts on.
SPOOFING = {
    "LRE": "\u202a", "RLE": "\u202b", "PDF": "\u202c", "LRO": "\u202d", "RLO": "\u202e",
    "LRI": "\u2066", "RLI": "\u2067", "FSI": "\u2068", "PDI": "\u2069",
    "LRM": "\u200e", "RLM": "\u200f", "ALM": "\u061c",
    "LINE SEPARATOR": "\u2028", "PARAGRAPH SEPARATOR": "\u2029",
    "PAD": "\u0080", "NEL": "\u0085", "CSI": "\u009b", "APC": "\u009f",
}


def _payload(char: str) -> dict[str, object]:
    """The character in an unknown key and in a value shown by an enum finding."""
    return {"model": "toy-1", "inputs": {"audio": [{"id": "a", "source": "s"}]},
            "settings": {"syncMode": f"lo{char}op"}, f"k{char}ey": 1}


def _validate(tmp_path: Path, char: str, output_format: str) -> tuple[str, str]:
    """The output, and the name of the file as capreg was given it."""
    name = str(tmp_path / f"pay{char}load.json")
    Path(name).write_text(json.dumps(_payload(char), ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", "--format", output_format, name])
    assert result.exit_code == 1, result.output
    return result.output, name


@pytest.mark.parametrize("output_format", ["text", "github"])
@pytest.mark.parametrize("char", SPOOFING.values(), ids=SPOOFING.keys())
def test_text_and_github_output_show_the_character_as_an_escape(tmp_path, char, output_format):
    output, _ = _validate(tmp_path, char, output_format)
    assert char not in output
    escape = f"\\x{ord(char):02x}" if ord(char) <= 0xFF else f"\\u{ord(char):04x}"
    assert f"pay{escape}load.json" in output  # the file name
    assert f"/k{escape}ey" in output  # the pointer and the message
    assert f"lo{escape}op" in output  # the value


@pytest.mark.parametrize("char", SPOOFING.values(), ids=SPOOFING.keys())
def test_json_output_escapes_the_character_and_reads_back_exactly(tmp_path, char):
    output, name = _validate(tmp_path, char, "json")
    assert char not in output
    assert f"\\u{ord(char):04x}" in output
    document = json.loads(output)
    assert document["files"][0]["file"] == name
    findings = {f["rule"]: f for f in document["files"][0]["payloads"][0]["findings"]}
    assert findings["unknown-property"]["pointer"] == f"/k{char}ey"
    assert f"`k{char}ey`" in findings["unknown-property"]["message"]
    assert f'"lo{char}op"' in findings["enum"]["message"]


@pytest.mark.parametrize("char", SPOOFING.values(), ids=SPOOFING.keys())
def test_sarif_output_escapes_the_character_and_reads_back_exactly(tmp_path, char):
    output, name = _validate(tmp_path, char, "sarif")
    assert char not in output
    results = json.loads(output)["runs"][0]["results"]
    by_rule = {r["ruleId"]: r for r in results}
    uri = by_rule["unknown-property"]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri.isascii() and uri.isprintable() and unquote(uri) == name  # a URI, as SARIF requires
    logical = by_rule["unknown-property"]["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
    assert logical == f"/k{char}ey"
    assert f'"lo{char}op"' in by_rule["enum"]["message"]["text"]


@pytest.mark.skipif(sys.platform != "linux", reason="a file name of any bytes needs a Linux file system")
@pytest.mark.parametrize("output_format", FORMATS)
def test_an_undecodable_file_name_is_written_as_an_escape(tmp_path, output_format):
    # Python hands the name's bytes that are not UTF-8 over as lone surrogates; written back
    # raw, 0x9b is the one-byte CSI of a terminal, and the output is not UTF-8 at all.
    name = os.fsencode(tmp_path) + b"/pay\x9bload.json"
    Path(os.fsdecode(name)).write_text(json.dumps(_payload("")), encoding="utf-8")
    env = {**os.environ, "CAPREG_SCHEMAS": os.environ["CAPREG_SCHEMAS"], "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run([str(CAPREG), "validate", "--format", output_format, name], capture_output=True, env=env,
                          timeout=120)
    assert done.returncode == 1 and b"Traceback" not in done.stderr, done.stderr.decode(errors="replace")
    assert b"\x9b" not in done.stdout
    output = done.stdout.decode("utf-8")  # strict: the output is UTF-8
    if output_format in ("text", "github"):
        assert "pay\\udc9bload.json" in output
    elif output_format == "json":
        assert json.loads(output)["files"][0]["file"] == os.fsdecode(name)
    else:
        uri = json.loads(output)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert uri.endswith("/pay%9Bload.json") and os.fsencode(unquote(uri, errors="surrogateescape")) == name
