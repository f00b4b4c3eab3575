"""`capreg lint` names an x- key it does not know: JSON Schema ignores unknown keywords, so
a misspelt rule keyword or annotation would otherwise check nothing, silently."""

from __future__ import annotations

import registry
from registry.tools.lint import lint, render_text

from .conftest import rewrite


def test_a_misspelt_keyword_is_named_with_its_place_and_the_likely_one(tree):
    def misspell(document):
        document["x-uniqe"] = [["/inputs/*/id"]]
        document["properties"]["model"]["x-concpet"] = "model"

    rewrite(tree / "sync" / "toy.json", misspell)
    assert render_text(lint(registry.load(tree))) == (
        "sync/toy.json: error[keyword-unknown] `x-uniqe` at /x-uniqe is not an x- keyword capreg knows; "
        "did you mean `x-unique`?\n"
        "sync/toy.json: error[keyword-unknown] `x-concpet` at /properties/model/x-concpet is not an x- keyword "
        "capreg knows; did you mean `x-concept`?\n")


def test_an_x_name_that_is_a_property_or_data_is_not_a_keyword(tree):
    def add(document):
        document["properties"]["x-custom-header"] = {"type": "string", "default": {"x-whatever": 1}}
        document["properties"]["model"]["x-notes"] = ["x-anything may be written in a note"]

    rewrite(tree / "sync" / "toy.json", add)
    assert [p.rule for p in lint(registry.load(tree))] == []


def test_a_name_far_from_every_keyword_gets_no_guess(tree):
    rewrite(tree / "sync" / "toy.json", lambda d: d.update({"x-zzzzzzzzzzzz": True}))
    (problem,) = lint(registry.load(tree))
    assert (problem.rule, problem.pointer, problem.hint) == ("keyword-unknown", "/x-zzzzzzzzzzzz", None)
    assert problem.message.endswith("is not an x- keyword capreg knows")
