"""What capreg says: findings (of every command: validate, compare, breaking, translate,
lint, plan), and the report that collects the findings of one payload."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return _RANK[self]

    def __str__(self) -> str:
        return self.value


_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing capreg says about a payload, a comparison, a change, a translation, a
    schema file or a plan.

    `rule` is a stable kebab-case id of the catalog (registry.base.catalog; the rules page
    of the docs), `pointer` an RFC 6901 JSON pointer into what the finding is about (the
    payload, the parameter, the schema file; "" for the whole of it), `message` says what is
    wrong, what was expected and what was found, `hint` how to fix it when there is
    something to say, and `ctx` holds the values the message was built from (read-only),
    so tools need not parse the message.
    """

    rule: str
    severity: Severity
    pointer: str
    message: str
    hint: str | None = None
    ctx: Mapping[str, Any] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        if not isinstance(self.ctx, MappingProxyType):
            object.__setattr__(self, "ctx", MappingProxyType(dict(self.ctx)))

    def __reduce__(self) -> tuple[Any, ...]:
        # A read-only mapping does not pickle; findings cross to and from worker processes.
        return Finding, (self.rule, self.severity, self.pointer, self.message, self.hint, dict(self.ctx))

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "pointer": self.pointer,
            "message": self.message,
            "hint": self.hint,
            "ctx": dict(self.ctx),
        }


@dataclass(frozen=True, slots=True)
class Report:
    """The findings for one payload, and the offering it was checked against."""

    offering: str | None
    findings: tuple[Finding, ...] = field(default=())

    @property
    def ok(self) -> bool:
        """True when no finding is an error (warnings and infos may remain)."""
        return not any(f.severity is Severity.ERROR for f in self.findings)

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.WARNING)
