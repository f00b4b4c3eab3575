"""How names and values are written inside messages, the same way by every part of capreg."""

from __future__ import annotations

import json
from typing import Any

# The placeholder of a bound that is not set (a range open on one side, a bound added or removed).
NO_BOUND = "(none)"


def code(name: object) -> str:
    """A property name, path or keyword as code: `syncMode`."""
    return f"`{name}`"


def show(value: Any) -> str:
    """A JSON value as JSON text, keys sorted so that equal values are shown alike."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def bound(value: Any) -> str:
    """One bound of a range: the JSON value, or NO_BOUND when there is none."""
    return NO_BOUND if value is None else show(value)
