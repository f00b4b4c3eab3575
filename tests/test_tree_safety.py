"""A schema tree of one's own can neither slow capreg down nor reach outside itself.

Explanations never run a backtracking regex engine on payload text; every reference keyword
resolves inside the tree; a broken file is a clear load error that disables only its offering.
"""

from __future__ import annotations

import json
import subprocess
import sys

import registry

from .conftest import ROOT
from .test_loading import offering, tree

# Python's re needs 2**40 steps to reject this; a linear engine needs 41.
CATASTROPHIC = "^(a+)+$"
EVIL = "a" * 40 + "!"


def _validate_in_subprocess(root, payload, seconds=60):
    """The findings of validating `payload` against fal/other, from a process that is killed
    (failing the test) if it runs longer than `seconds`."""
    script = ("import json, pathlib, sys, registry\n"
              "reg = registry.load(pathlib.Path(sys.argv[1]))\n"
              "report = registry.validate(json.loads(sys.argv[2]), 'fal/other', registry=reg)\n"
              "print(json.dumps([[f.rule, f.pointer] for f in report.findings]))\n")
    done = subprocess.run([sys.executable, "-c", script, str(root), json.dumps(payload)],
                          capture_output=True, text=True, timeout=seconds, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    return [tuple(f) for f in json.loads(done.stdout)]


def test_a_catastrophic_pattern_is_explained_without_backtracking(tmp_path):
    root = tree(tmp_path, fal__other=offering(properties={"name": {"type": "string", "pattern": CATASTROPHIC}}))
    assert _validate_in_subprocess(root, {"name": EVIL}) == [("pattern", "/name")]


def test_a_catastrophic_pattern_property_is_explained_without_backtracking(tmp_path):
    schema = offering(patternProperties={"^(b+)+$": {"type": "string"}}, additionalProperties=False)
    root = tree(tmp_path, fal__other=schema)
    evil_key = "b" * 40 + "!"
    assert _validate_in_subprocess(root, {evil_key: "x"}) == [("unknown-property", f"/{evil_key}")]


def test_unevaluated_properties_with_pattern_properties_are_explained_by_jsonschema_rs(tmp_path):
    # jsonschema would match these patterns with Python's re inside `unevaluatedProperties`.
    schema = offering(patternProperties={"^(b+)+$": {"type": "string"}}, unevaluatedProperties=False)
    root = tree(tmp_path, fal__other=schema)
    evil_key = "b" * 40 + "!"
    assert _validate_in_subprocess(root, {evil_key: "x", "bbb": "x"}) == [("schema", "")]
    reg = registry.load(root)
    assert registry.validate({"bbb": "x"}, "fal/other", registry=reg).ok
