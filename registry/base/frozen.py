"""Records and immutable classes for the validate path, made cheaply at import.

`dataclasses` imports inspect, ast and tokenize, and creating a dataclass costs half a
millisecond; `typing.NamedTuple` costs ~180 µs a class, half of it compiling each field's
annotation (a string, under `from __future__ import annotations`) to check it is a type.
The 23 records `capreg validate` imports paid 4 ms of a new process's start-up
(`capreg validate` on one file, a service's first payload) that way. Records are
`@record` classes instead: the same namedtuples, made without the check. The few public
classes that used to be dataclasses build themselves with object.__setattr__ in __init__
(Frozen)."""

from __future__ import annotations

import collections
from typing import Any, NoReturn, TypeVar

C = TypeVar("C", bound=type)


def record(body: C) -> C:
    """The namedtuple of a class body, as `class X(typing.NamedTuple)` makes it: its
    annotated names are the fields, in order, the values given to the last of them their
    defaults, and its docstring, methods and properties are the namedtuple's. The
    annotations are kept as they are written, never evaluated."""
    annotations = body.__dict__.get("__annotations__", {})
    names = list(annotations)
    defaulted = [name for name in names if name in body.__dict__]
    if defaulted != names[len(names) - len(defaulted):]:
        raise TypeError(f"{body.__name__}: a field without a default follows one with a default")
    made = collections.namedtuple(body.__name__, names, defaults=[body.__dict__[name] for name in defaulted],
                                  module=body.__module__)
    for key, value in body.__dict__.items():
        if key not in annotations and key not in ("__dict__", "__weakref__", "__module__"):
            setattr(made, key, value)
    made.__qualname__ = body.__qualname__
    made.__annotations__ = dict(annotations)
    return made  # type: ignore[return-value]


def _refused(name: str, doing: str) -> Exception:
    # The error a frozen dataclass raises, which callers may catch; imported only when raised.
    from dataclasses import FrozenInstanceError

    return FrozenInstanceError(f"cannot {doing} field {name!r}")


class Frozen:
    """Assignment to an attribute of an instance raises, as it does on a frozen dataclass."""

    __slots__ = ()

    def __setattr__(self, name: str, value: Any) -> NoReturn:
        raise _refused(name, "assign to")

    def __delattr__(self, name: str) -> NoReturn:
        raise _refused(name, "delete")


class Compared(Frozen):
    """A frozen value whose equality and hash are those of `_compared()`, a tuple of the
    fields that make it what it is (a schema it carries along is left out)."""

    __slots__ = ()

    def _compared(self) -> tuple[Any, ...]:
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._compared() == other._compared()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash(self._compared())


class DataclassFields:
    """`__dataclass_fields__` of a public class that used to be a dataclass, so that
    dataclasses.fields, replace, asdict and is_dataclass keep working on it: the fields of a
    dataclass made from the class on first use (when the caller has imported dataclasses
    anyway). Its fields are the class's annotated attributes, in order; those its __init__
    takes are init fields, with __init__'s defaults; the others are not."""

    def __init__(self) -> None:
        self._fields: dict[str, Any] | None = None

    def __get__(self, instance: object, owner: type) -> dict[str, Any]:
        if self._fields is None:
            self._fields = _twin(owner).__dataclass_fields__  # type: ignore[attr-defined]
        return self._fields


def _twin(cls: type) -> type:
    from dataclasses import field, make_dataclass

    code = cls.__init__.__code__  # type: ignore[misc]
    parameters = code.co_varnames[1:code.co_argcount]
    defaults = dict(zip(reversed(parameters), reversed(cls.__init__.__defaults__ or ())))  # type: ignore[misc]
    specs: list[tuple[str, Any, Any]] = []
    annotations: dict[str, Any] = {}
    for klass in reversed(cls.__mro__):  # a subclass (the tests make some) has the fields of its bases
        annotations.update(klass.__dict__.get("__annotations__", {}))
    for name, annotation in annotations.items():
        if name not in parameters:
            spec = field(init=False)
        elif name not in defaults:
            spec = field()
        elif getattr(type(defaults[name]), "__hash__", None) is None:  # a read-only mapping: shared, never changed
            spec = field(default_factory=lambda default=defaults[name]: default)
        else:
            spec = field(default=defaults[name])
        specs.append((name, annotation, spec))
    return make_dataclass(cls.__name__, specs, frozen=True)
