"""A payload given in-process, as the plain JSON data the engines and the rules take.

`validate()` and the typed clients may be given any Mapping with string keys and any
Sequence (an OrderedDict, a MappingProxyType, a tuple, a UserList), and values JSON cannot
hold (bytes, a set, NaN, a cycle). The cross-field rules and the pointers look for exactly
`dict` and `list`, so the payload is made plain once, here, rather than every rule learning
every kind of container. The limits are the file reader's (registry.payloads), so a payload
gets the same verdict from a file and in-process.
"""

from __future__ import annotations

import functools
import math
import sys
from collections.abc import Mapping, Sequence
from typing import Any

from registry.base.catalog import rule
from registry.base.findings import Finding
from registry.base.limits import MAX_DEPTH, MAX_VALUES
from registry.base.pointers import to_pointer
from registry.base.text import half_surrogate, not_unicode_text, shortened

# Integers this small are far below any digit limit: the quick pass takes them as they are.
_SMALL_INT = 1 << 64
_BYTES = (bytes, bytearray, memoryview)


class NotJsonData(ValueError):
    """The payload holds a value JSON cannot, or is too deep or too large to check; `finding`
    says which and where. A ValueError, so a pydantic validator that raises it gives a
    ValidationError."""

    def __init__(self, finding: Finding) -> None:
        super().__init__(f"{finding.pointer or '/'}: {finding.message}")
        self.finding = finding


def as_json(value: Any, *, keep: tuple[type, ...] = ()) -> Any:
    """`value` as plain JSON data (dict, list, str, int, float, bool, None). A value that
    already is comes back as the same object, not a copy: the common case costs one quick
    pass. Raises NotJsonData for the first thing JSON cannot hold, in document order.

    Instances of the `keep` types are kept as they are, for the caller to judge (a typed
    client is given its own model instances)."""
    if _plain(value):
        return value
    return _Converter(keep).convert(value)


def _plain(value: Any) -> bool:
    """Whether `value` is plain JSON data within the limits, looked at level by level (no
    recursion, no copy). False also means "not sure": the converter then decides."""
    level = [value]
    count = 1
    for _ in range(MAX_DEPTH):
        below: list[Any] = []
        for item in level:
            kind = type(item)
            if kind is str:
                if not item.isascii() and not_unicode_text(item):
                    return False
            elif kind is dict:
                for key in item:
                    if type(key) is not str or (not key.isascii() and not_unicode_text(key)):
                        return False
                below.extend(item.values())
            elif kind is list:
                below.extend(item)
            elif kind is int:
                if not -_SMALL_INT < item < _SMALL_INT:
                    return False
            elif kind is float:
                if not math.isfinite(item):
                    return False
            elif kind is not bool and item is not None:
                return False
        if not below:
            return True
        count += len(below)
        if count > MAX_VALUES:  # also what stops a cycle, whose levels never run out
            return False
        level = below
    return False


class _Converter:
    """One conversion: a depth-first walk that keeps the path, for the pointer of a finding.
    It recurses, but never deeper than MAX_DEPTH levels."""

    def __init__(self, keep: tuple[type, ...]) -> None:
        self.keep = keep
        self.path: list[str | int] = []
        self.open: dict[int, int] = {}  # id of a container being converted -> its depth: met again, a cycle
        self.count = 0
        self.digits = sys.get_int_max_str_digits()

    def convert(self, value: Any) -> Any:
        self.count += 1
        if self.count > MAX_VALUES:
            raise self.fail("uncheckable", reason=f"it holds more than {MAX_VALUES:,} values; a request payload holds far fewer")
        if isinstance(value, self.keep):
            return value
        if isinstance(value, str):
            return self.text(value)
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, int):
            return self.integer(value)
        if isinstance(value, float):
            return self.number(value)
        if isinstance(value, Mapping):
            return self.container(value, self.mapping, "object")
        if isinstance(value, Sequence) and not isinstance(value, _BYTES):
            return self.container(value, self.sequence, "array")
        if isinstance(value, _BYTES):
            raise self.not_json(f"{type(value).__name__} — decode/parse it first", hint="e.g. json.loads(data)")
        raise self.not_json(f"a value of type {type(value).__name__} has no JSON form; JSON holds objects, "
                            "arrays, strings, numbers, true, false and null")

    def text(self, value: str) -> str:
        if not value.isascii() and not_unicode_text(value):
            raise self.not_json(half_surrogate("the string", value, ()))
        return str.__str__(value)  # an exact str, whatever the subclass overrides

    def integer(self, value: int) -> int:
        if self.digits and value.bit_length() > 3 * self.digits and abs(value) >= _power_of_ten(self.digits):
            about = int(value.bit_length() * math.log10(2)) + 1
            raise self.not_json(f"the integer has about {about:,} digits; capreg reads integers of up to "
                                f"{self.digits:,} digits")
        return int.__int__(value)

    def number(self, value: float) -> float:
        if not math.isfinite(value):
            shown = "NaN" if math.isnan(value) else "Infinity" if value > 0 else "-Infinity"
            raise self.not_json(f"{shown} is not a finite number; JSON numbers are finite")
        return float.__float__(value)

    def container(self, value: Any, items: Any, kind: str) -> Any:
        depth = len(self.path)
        if id(value) in self.open:
            where = self.open[id(value)]
            enclosing = f"the {kind} at {to_pointer(self.path[:where])}" if where else "the payload"
            raise self.not_json(f"this {kind} is {enclosing} again: the payload contains itself, which JSON cannot")
        if depth == MAX_DEPTH:
            raise self.fail("uncheckable", reason=f"it is nested more than {MAX_DEPTH} levels deep")
        self.open[id(value)] = depth
        converted = items(value)
        del self.open[id(value)]
        return converted

    def mapping(self, value: Mapping[Any, Any]) -> dict[str, Any]:
        unchanged = type(value) is dict
        converted = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise self.not_json(f"key {shortened(repr(key))} ({type(key).__name__}) is not a string; "
                                    "JSON object keys are strings")
            if not key.isascii() and not_unicode_text(key):
                raise self.not_json(half_surrogate("a key", key, ()))
            self.path.append(key)
            plain = self.convert(item)
            self.path.pop()
            unchanged = unchanged and plain is item and type(key) is str
            converted[str.__str__(key)] = plain
        return value if unchanged else converted  # type: ignore[return-value]

    def sequence(self, value: Sequence[Any]) -> list[Any]:
        unchanged = type(value) is list
        converted = []
        for index, item in enumerate(value):
            self.path.append(index)
            plain = self.convert(item)
            self.path.pop()
            unchanged = unchanged and plain is item
            converted.append(plain)
        return value if unchanged else converted  # type: ignore[return-value]

    def not_json(self, reason: str, hint: str | None = None) -> NotJsonData:
        return self.fail("value-not-json", hint=hint, reason=reason)

    def fail(self, rule_id: str, hint: str | None = None, **fields: object) -> NotJsonData:
        return NotJsonData(rule(rule_id).finding(to_pointer(self.path), hint=hint, **fields))


@functools.lru_cache(maxsize=4)
def _power_of_ten(digits: int) -> int:
    """The smallest integer with one digit more than `digits` (the limit can be changed at run time)."""
    return 10**digits
