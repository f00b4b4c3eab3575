"""Hostile but readable payloads for the scaling tests and scripts/bench.py: many findings of
one rule, or one huge string, all within the input limits (16 MiB, 10^6 values).

    python -m tests.hostile_payloads out-of-order 16000 > segments.json
"""

from __future__ import annotations

import json
import sys
from typing import Any

OFFERING = "runware/lipsync-2"


def _runware(audio_ids: list[str], segments: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "taskType": "videoInference",
        "taskUUID": "550e8400-e29b-41d4-a716-446655440010",
        "model": "sync:lipsync-2@1",
        "inputs": {
            "video": "c64351d5-4c59-42f7-95e1-eace013eddab",
            "audio": [{"id": audio_id, "source": "32754c50-4506-4b37-87a7-fdb75a7a55df"} for audio_id in audio_ids],
        },
        "providerSettings": {"sync": {"segments": segments}},
    }


def out_of_order(count: int) -> dict[str, Any]:
    """`count` segments whose `endTime` comes before their `startTime`."""
    return _runware(["part-1"], [{"startTime": 2 * i + 1, "endTime": 2 * i, "ref": "part-1"} for i in range(count)])


def dangling_refs(count: int) -> dict[str, Any]:
    """`count` audio inputs and `count` segments, each naming an id no input has."""
    return _runware([f"part-{i}" for i in range(count)],
                    [{"startTime": i, "endTime": i + 1, "ref": f"missing-{i}"} for i in range(count)])


def long_enum_value(length: int) -> dict[str, Any]:
    """A `syncMode` (an enum) of `length` characters, close to an allowed value."""
    payload = out_of_order(0)
    payload["providerSettings"]["sync"]["syncMode"] = "bounce" + "e" * (length - 6)
    return payload


def long_key(length: int) -> dict[str, Any]:
    """A property name of `length` characters that the schema does not define."""
    payload = out_of_order(0)
    payload["providerSettings"]["sync"]["segment" + "s" * (length - 7)] = []
    return payload


KINDS = {"out-of-order": out_of_order, "dangling-refs": dangling_refs,
         "long-enum-value": long_enum_value, "long-key": long_key}

if __name__ == "__main__":
    kind, size = sys.argv[1], int(sys.argv[2])
    json.dump(KINDS[kind](size), sys.stdout)
