"""Which offering a payload is for: from its model id, or a clear finding saying why not."""

from __future__ import annotations

import json

import pytest

import registry

from .test_loading import offering, tree


@pytest.mark.parametrize(
    ("model", "expected"),
    [("lipsync-2", "sync/lipsync-2"), ("sync-3", "sync/sync-3"), ("sync:lipsync-2@1", "runware/lipsync-2"),
     ("sync:react-1@1", "runware/react-1"), ("sync:3@0", "runware/sync-3")],
)
def test_the_model_id_names_the_offering(real, model, expected):
    assert registry.validate({"model": model}, registry=real).offering == expected


def test_a_documented_alias_also_detects(real):
    assert "sync:lipsync@3" in real.offering("runware/sync-3").model_id_aliases
    assert registry.validate({"model": "sync:lipsync@3"}, registry=real).offering == "runware/sync-3"


def test_an_unknown_model_id_suggests_the_closest(real):
    report = registry.validate({"model": "sync:lipsync-2@2"}, registry=real)
    (finding,) = report.findings
    assert (report.offering, finding.rule, finding.pointer) == (None, "offering-unknown", "/model")
    assert finding.message == 'unknown model id "sync:lipsync-2@2"'
    assert finding.hint == 'did you mean "sync:lipsync-2@1"?'


def test_a_payload_without_model_id_cannot_be_detected(real):
    report = registry.validate({"video_url": "v.mp4", "audio_url": "a.wav"}, registry=real)
    (finding,) = report.findings
    assert finding.rule == "offering-undetected"
    assert "fal, replicate, scenario select the model by URL" in finding.message
    assert "--offering" in finding.hint


def test_an_unknown_explicit_offering_is_a_finding_not_an_exception(real):
    (finding,) = registry.validate({"model": "lipsync-2"}, "fal/lipsync-3", registry=real).findings
    assert finding.rule == "offering-unknown"
    assert finding.hint == "did you mean 'fal/lipsync-2'?"


def test_two_offerings_claiming_one_model_id_are_ambiguous(tmp_path):
    twin = offering(model="toy", provider="fal", **{"x-model-id": "toy-1", "x-model-id-pointer": "/model"})
    reg = registry.load(tree(tmp_path, fal__toy=twin))
    (finding,) = registry.validate({"model": "toy-1"}, registry=reg).findings
    assert finding.rule == "offering-ambiguous"
    assert finding.message == 'model id "toy-1" at /model is used by several offerings: fal/toy, sync/toy'
    assert registry.validate({"model": "toy-1"}, "sync/toy", registry=reg).offering == "sync/toy"


def test_a_payload_that_is_not_an_object(real):
    (finding,) = registry.validate(json.loads("[1]"), registry=real).findings
    assert (finding.rule, finding.message) == ("payload-not-object", "expected a request payload (a JSON object), found an array of 1 item")
