"""What capreg says: findings (of every command: validate, compare, breaking, translate,
lint, plan), and the report that collects the findings of one payload."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from registry.base.frozen import Compared, DataclassFields

# A payload can break one rule a hundred thousand times (every segment out of order): the
# first findings say all there is to say, and building the rest would cost time and memory
# without bound. The rest are counted instead.
LISTED_PER_RULE = 100


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
_NO_CTX: Mapping[str, Any] = MappingProxyType({})  # read-only: every finding without values may share it


class Finding(Compared):
    """One thing capreg says about a payload, a comparison, a change, a translation, a
    schema file or a plan.

    `rule` is a stable kebab-case id of the catalog (registry.base.catalog; the rules page
    of the docs), `pointer` an RFC 6901 JSON pointer into what the finding is about (the
    payload, the parameter, the schema file; "" for the whole of it), `message` says what is
    wrong, what was expected and what was found, `hint` how to fix it when there is
    something to say, and `ctx` holds the values the message was built from (read-only),
    so tools need not parse the message. `omitted` counts the further findings of the same
    rule in the payload that are not listed (see `Listing`); the last listed finding of the
    rule carries it.
    """

    # What a frozen dataclass had, written out: it is made by the thousand, and is public.
    __slots__ = __match_args__ = ("rule", "severity", "pointer", "message", "hint", "ctx", "omitted")
    rule: str
    severity: Severity
    pointer: str
    message: str
    hint: str | None
    ctx: Mapping[str, Any]
    omitted: int

    def __init__(self, rule: str, severity: Severity, pointer: str, message: str, hint: str | None = None,
                 ctx: Mapping[str, Any] = _NO_CTX, omitted: int = 0) -> None:
        _SET_RULE(self, rule)
        _SET_SEVERITY(self, severity)
        _SET_POINTER(self, pointer)
        _SET_MESSAGE(self, message)
        _SET_HINT(self, hint)
        _SET_CTX(self, ctx if isinstance(ctx, MappingProxyType) else MappingProxyType(dict(ctx)))
        _SET_OMITTED(self, omitted)

    def _compared(self) -> tuple[Any, ...]:
        return self.rule, self.severity, self.pointer, self.message, self.hint, self.ctx, self.omitted

    def __hash__(self) -> int:
        return hash((self.rule, self.severity, self.pointer, self.message, self.hint, self.omitted))  # not ctx

    def __repr__(self) -> str:
        return (f"{type(self).__qualname__}(rule={self.rule!r}, severity={self.severity!r}, pointer={self.pointer!r}, "
                f"message={self.message!r}, hint={self.hint!r}, ctx={self.ctx!r}, omitted={self.omitted!r})")

    def replaced(self, **changes: Any) -> Finding:
        """The same finding with `changes`."""
        return Finding(**{"rule": self.rule, "severity": self.severity, "pointer": self.pointer, "message": self.message,
                          "hint": self.hint, "ctx": self.ctx, "omitted": self.omitted, **changes})

    __replace__ = replaced  # copy.replace, dataclasses.replace

    def __reduce__(self) -> tuple[Any, ...]:
        # A read-only mapping does not pickle; findings cross to and from worker processes.
        return Finding, (self.rule, self.severity, self.pointer, self.message, self.hint, dict(self.ctx),
                         self.omitted)

    def as_dict(self) -> dict[str, Any]:
        shape: dict[str, Any] = {
            "rule": self.rule,
            "severity": self.severity.value,
            "pointer": self.pointer,
            "message": self.message,
            "hint": self.hint,
            "ctx": dict(self.ctx),
        }
        if self.omitted:
            shape["omitted"] = self.omitted
        return shape


Finding.__dataclass_fields__ = DataclassFields()  # type: ignore[attr-defined]
# Finding's slots, set directly: its own __setattr__ refuses.
_SET_RULE, _SET_SEVERITY, _SET_POINTER, _SET_MESSAGE, _SET_HINT, _SET_CTX, _SET_OMITTED = (
    Finding.__dict__[name].__set__ for name in Finding.__slots__)


def read_only_finding(rule: str, severity: Severity, pointer: str, message: str, hint: str | None,
                      ctx: MappingProxyType[str, Any]) -> Finding:
    """The Finding `Finding(rule, severity, pointer, message, hint, ctx)` is, for a `ctx`
    already read-only: built without the call of __init__ and its check of `ctx`, on the
    path of every invalid payload."""
    finding = object.__new__(Finding)
    _SET_RULE(finding, rule)
    _SET_SEVERITY(finding, severity)
    _SET_POINTER(finding, pointer)
    _SET_MESSAGE(finding, message)
    _SET_HINT(finding, hint)
    _SET_CTX(finding, ctx)
    _SET_OMITTED(finding, 0)
    return finding


class Listing:
    """Which findings of one payload are built: the first LISTED_PER_RULE of each rule.

    A checker asks `wants(rule_id)` before it builds a finding (and works out its pointer,
    message and hint), so a finding past the limit costs one count and nothing else."""

    def __init__(self) -> None:
        self._counts: dict[str, int] = {}

    def wants(self, rule_id: str) -> bool:
        """Count one more finding of `rule_id`; whether to build and list it."""
        count = self._counts[rule_id] = self._counts.get(rule_id, 0) + 1
        return count <= LISTED_PER_RULE

    def close(self, listed: list[Finding]) -> list[Finding]:
        """`listed`, the last finding of each rule past the limit saying how many more there are."""
        omitted = {rule_id: count - LISTED_PER_RULE for rule_id, count in self._counts.items()
                   if count > LISTED_PER_RULE}
        closed = list(listed)
        if not omitted:  # most payloads: no rule past its limit
            return closed
        for position in range(len(closed) - 1, -1, -1):
            finding = closed[position]
            more = omitted.pop(finding.rule, 0)
            if more:
                closed[position] = finding.replaced(
                    omitted=more,
                    message=f"{finding.message} (and {more:,} more `{finding.rule}` findings in this payload, not listed)")
        return closed


class Report(Compared):
    """The findings for one payload, and the offering it was checked against."""

    __slots__ = __match_args__ = ("offering", "findings")
    offering: str | None
    findings: tuple[Finding, ...]

    def __init__(self, offering: str | None, findings: tuple[Finding, ...] = ()) -> None:
        object.__setattr__(self, "offering", offering)
        object.__setattr__(self, "findings", findings)

    def _compared(self) -> tuple[Any, ...]:
        return self.offering, self.findings

    def __repr__(self) -> str:
        return f"{type(self).__qualname__}(offering={self.offering!r}, findings={self.findings!r})"

    def __replace__(self, **changes: Any) -> Report:
        """The same report with `changes` (copy.replace, dataclasses.replace)."""
        return Report(**{"offering": self.offering, "findings": self.findings, **changes})

    def __reduce__(self) -> tuple[Any, ...]:
        return Report, (self.offering, self.findings)

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


Report.__dataclass_fields__ = DataclassFields()  # type: ignore[attr-defined]
