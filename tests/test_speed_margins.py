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
