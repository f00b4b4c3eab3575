"""A finding's line and column found by searching the text for its key equal the ones the
walk over the text finds, for every member and item of every example and of generated
documents, written out in any layout."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from registry.base import pointers
from registry.io import positions
from registry.io.positions import locate_all

from .conftest import ROOT


def every_pointer(value, tokens=()):
    """Every member and item of a parsed document, and a missing member below each object."""
    yield pointers.to_pointer(tokens)
    if isinstance(value, dict):
        yield pointers.to_pointer((*tokens, "not-there"))
        for key, member in value.items():
            yield from every_pointer(member, (*tokens, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from every_pointer(item, (*tokens, str(index)))


def searched_and_walked(text, pointer_list):
    return (locate_all(text, "json", pointer_list, document=json.loads(text)),
            locate_all(text, "json", pointer_list))


def test_every_member_of_every_example_is_placed_as_the_walk_places_it():
    checked = 0
    for path in sorted(ROOT.glob("examples/*/*/*/*.json")):
        text = path.read_text()
        try:
            document = json.loads(text)
        except ValueError:
            continue
        for pointer in every_pointer(document):  # one at a time: each one is searched if it can be
            searched, walked = searched_and_walked(text, [pointer])
            assert searched == walked, (path, pointer)
            checked += 1
    assert checked > 2_000


def test_a_key_named_twice_or_an_escaped_text_is_left_to_the_walk():
    text = '{"a": {"sync": 1}, "b": {"sync": 2}}'
    assert searched_and_walked(text, ["/b/sync"]) == ([(1, 26)], [(1, 26)])  # the second "sync"
    # `"sync"` occurs once in the text, as a value: the key is written with an escape
    escaped = '{"v": "sync", "syn\\u0063": {}}'
    assert json.loads(escaped) == {"v": "sync", "sync": {}}
    assert searched_and_walked(escaped, ["/sync"]) == ([(1, 15)], [(1, 15)])


keys = st.sampled_from(["sync", "syncMode", "model", "a", "", "é", "x y", "~1", "sync "])
documents = st.recursive(st.none() | st.booleans() | st.integers() | keys,
                         lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
                         max_leaves=25)


@settings(max_examples=400, deadline=None)
@given(documents, st.sampled_from([None, 1, 2, "\t"]), st.sampled_from([(",", ":"), (", ", ": "), (" ,", " : ")]),
       st.data())
def test_generated_documents_in_any_layout_are_placed_as_the_walk_places_them(document, indent, separators, data):
    text = json.dumps(document, indent=indent, separators=separators, ensure_ascii=False)
    wanted = data.draw(st.lists(st.sampled_from(list(every_pointer(document))), min_size=1, max_size=4))
    searched, walked = searched_and_walked(text, wanted)
    assert searched == walked


def test_a_long_text_with_many_findings_is_walked_once_rather_than_searched_for_each():
    # each search reads the whole text: 1,000 findings in a megabyte would read a gigabyte
    document = {f"key{number:06}": number for number in range(50_000)}
    text = json.dumps(document)
    wanted = [pointers.parse(f"/key{number:06}") for number in range(0, 50_000, 50)]
    assert positions._searched(text, wanted, document) is None
    assert positions._searched(text, wanted[:1], document) is None  # one search of ~1 MB is no quicker
    small = {"a": {"b": 1}}
    assert positions._searched(json.dumps(small), [("a", "b")], small) == [7]  # the quote that opens "b"
    pointer_list = [pointers.to_pointer(tokens) for tokens in wanted]
    assert locate_all(text, "json", pointer_list, document=document) == locate_all(text, "json", pointer_list)
