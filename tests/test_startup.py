"""`capreg validate` starts fast: it imports nothing it does not need (python -X importtime)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from .conftest import ROOT

# Never on the validate path: the typed clients, the code generator, docs and comparison.
ALWAYS_DENIED = {"pydantic", "pydantic_core", "datamodel_code_generator", "black", "isort", "jinja2", "requests",
                 "httpx", "registry.codegen.clients", "registry.codegen.docs", "registry.codegen.generate", "registry.typed",
                 "registry.tools.compare", "registry.tools.lint",
                 # dataclasses imports inspect, ast, dis and tokenize: a quarter of the start-up
                 "dataclasses", "inspect"}
# Needed only to explain a rejection by a keyword worded from jsonschema's message, or to read YAML.
VALID_JSON_DENIED = ALWAYS_DENIED | {"jsonschema", "referencing", "yaml",
                                     # a did-you-mean on a long word; a request's route; an envelope
                                     "difflib", "registry.validation.routes", "registry.validation.envelopes",
                                     # a pattern the shell left alone; a YAML modeline; the C lock will do
                                     "glob", "registry.io.modeline", "threading"}


def imported_modules(*args: str) -> set[str]:
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "registry.cli", *args],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode in (0, 1), done.stderr[-2000:]
    names = importtime_modules(done.stderr)
    assert "registry.validation.validate" in names  # the measurement itself works
    return names


def importtime_modules(stderr: str) -> set[str]:
    """The modules a `python -X importtime` run imported, read from its stderr."""
    return {line.rsplit("|", 1)[1].strip() for line in stderr.splitlines()
            if line.startswith("import time:") and "|" in line}


def test_valid_json_payload_imports_no_heavy_module(tmp_path):
    payload = tmp_path / "good.json"
    shutil.copy(ROOT / "examples/runware/lipsync-2/valid/seed-001-lipsync-2-audio.json", payload)
    assert imported_modules("validate", str(payload)) & VALID_JSON_DENIED == set()


@pytest.mark.parametrize("case", ["examples/runware/lipsync-2/invalid", "examples/sync/lipsync-2/invalid"])
def test_invalid_payloads_are_explained_without_the_pure_python_engine_or_pydantic(case):
    files = sorted(str(p) for p in (ROOT / case).glob("*.json"))
    modules = imported_modules("validate", *files)
    assert modules & (ALWAYS_DENIED | {"jsonschema", "referencing"}) == set()


# A service's first payload: `import registry` and `registry.validate`.
SERVICE_DENIED = VALID_JSON_DENIED | {"registry.validation.requests", "registry.validation.routes",
                                      "registry.validation.envelopes", "registry.guard", "hashlib", "textwrap"}


def test_a_service_validating_payloads_imports_neither_the_request_routes_nor_hashlib():
    script = ("import json, sys\n"
              "payload = json.loads(open(sys.argv[1]).read())\n"
              "import registry\n"
              "assert registry.validate(payload, 'runware/lipsync-2').ok\n"
              "print(json.dumps(sorted(sys.modules)))\n")
    payload = ROOT / "examples/runware/lipsync-2/valid/seed-001-lipsync-2-audio.json"
    done = subprocess.run([sys.executable, "-c", script, str(payload)], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    assert set(json.loads(done.stdout)) & SERVICE_DENIED == set()


def test_validate_request_and_the_guard_are_there_after_a_plain_import():
    script = ("import registry\n"
              "from registry import validate_request\n"
              "assert validate_request is registry.validate_request\n"
              "assert registry.guard.__name__ == 'registry.guard'\n"
              "print(len(registry.validate_request('https://api.runware.ai/v1', [{'taskType': 'imageInference'}])))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().isdigit()
