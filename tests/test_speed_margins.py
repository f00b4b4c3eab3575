"""Behaviour kept by the in-process speed work: hints worded once per schema place still
name that place's own properties, payload after payload and offering after offering."""

from __future__ import annotations

import registry

UNKNOWN = {"zzqqxx": 1, "video": "a", "audio": "b"}
ALLOWED = {
    "scenario/sync-3": "allowed here: `video`, `audio`, `syncMode`",
    "scenario/lipsync-2": "allowed here: `video`, `audio`, `syncMode`, `temperature`",
    "scenario/react-1": "allowed here: `video`, `audio`, `emotion`, `modelMode`, `lipsyncMode`, `temperature`",
}


def _unknown_hints(offering: str, real) -> list[tuple[str, str | None]]:
    report = registry.validate(dict(UNKNOWN), offering, registry=real)
    return [(f.pointer, f.hint) for f in report.findings if f.rule == "unknown-property"]


def test_the_allowed_here_hint_names_each_offerings_own_properties_when_offerings_alternate(real):
    for _ in range(3):
        for offering, hint in ALLOWED.items():
            assert _unknown_hints(offering, real) == [("/zzqqxx", hint)]


def test_a_near_name_still_gets_did_you_mean_rather_than_the_list(real):
    for _ in range(2):
        report = registry.validate({"video": "a", "audio": "b", "syncMod": "cut_off"}, "scenario/sync-3", registry=real)
        assert [(f.rule, f.pointer, f.hint) for f in report.findings] == [
            ("unknown-property", "/syncMod", "did you mean `syncMode`?"),
            ("implicit-default", "/syncMode", "set `syncMode` explicitly so the payload behaves the same at every provider"),
        ]


def test_an_enum_miss_lists_the_values_and_suggests_the_near_one_every_time(real):
    payload = {"video": "a", "audio": "b", "syncMode": "cutof"}
    for _ in range(3):
        report = registry.validate(dict(payload), "scenario/sync-3", registry=real)
        (enum,) = [f for f in report.findings if f.rule == "enum"]
        assert (enum.pointer, enum.hint) == ("/syncMode", 'did you mean "cut_off"?')
        assert enum.message == ('`syncMode` must be one of "cut_off", "loop", "bounce", "silence", "remap"; '
                                'found the string "cutof"')


def test_a_misnamed_required_property_is_one_finding_and_an_unlike_one_is_two(real):
    for _ in range(3):
        misspelt = registry.validate({"vidoe": "a", "audio": "b"}, "scenario/sync-3", registry=real)
        assert [(f.rule, f.pointer, f.hint) for f in misspelt.findings if f.rule != "implicit-default"] == [
            ("unknown-property", "/vidoe", "did you mean `video`? (it is required)")]
        unlike = registry.validate({"image": "a", "audio": "b"}, "scenario/sync-3", registry=real)
        assert [(f.rule, f.pointer) for f in unlike.findings if f.rule != "implicit-default"] == [
            ("unknown-property", "/image"), ("required", "/video")]


def test_a_pointer_is_the_same_from_a_tuple_a_list_or_a_generator():
    from registry.base.pointers import to_pointer

    assert to_pointer(()) == to_pointer([]) == to_pointer(iter(())) == ""
    path = ("input", 2, "a/b~c")
    assert to_pointer(path) == to_pointer(list(path)) == to_pointer(t for t in path) == "/input/2/a~1b~0c"
