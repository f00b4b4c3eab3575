"""Exceptions raised by capreg.

Problems with a *payload* are never raised: they are findings in a report. What is raised
is a problem with the registry itself or with how it is called::

    CapregError
     ├── RegistryError            the schemas/ tree cannot be used
     │    ├── SchemaFileError      a schema file is unreadable, not JSON, or breaks the meta-schemas
     │    └── SchemaRefError       a $ref, $dynamicRef, $id or $schema points outside schemas/ or in a cycle
     ├── GitRefError              `capreg breaking`: a git ref, or the schemas at it, cannot be read
     ├── GenerateError            `capreg generate` will not or cannot write its output folder
     └── UnknownOffering (KeyError)  an offering id the registry does not hold
"""

from __future__ import annotations


class CapregError(Exception):
    """Base of every exception capreg raises."""


class RegistryError(CapregError):
    """The schemas/ tree cannot be loaded."""


class SchemaFileError(RegistryError):
    """A schema file is unreadable, malformed, or breaks a meta-schema."""

    def __init__(self, path: str, problem: str, pointer: str | None = None) -> None:
        super().__init__(f"{_where(path, pointer)}: {problem}")
        self.path = path
        self.problem = problem
        self.pointer = pointer  # the JSON pointer of the offending value in the file, when known


class SchemaRefError(RegistryError):
    """A reference keyword ($ref, $dynamicRef, $id, $schema) cannot be resolved inside
    schemas/ (remote, escaping, missing or cyclic)."""

    def __init__(self, path: str, ref: object, problem: str, pointer: str | None = None, keyword: str = "$ref") -> None:
        super().__init__(f"{_where(path, pointer)}: {keyword} {ref!r} {problem}")
        self.path = path
        self.ref = ref
        self.problem = problem
        self.pointer = pointer
        self.keyword = keyword


def _where(path: str, pointer: str | None) -> str:
    return f"{path} at {pointer}" if pointer else path


class GitRefError(CapregError):
    """The git ref, or the schema tree at it, cannot be read."""


class GenerateError(CapregError):
    """The output folder is not capreg's to write, a file capreg wrote there was edited
    since, or the disk refused a write."""


class UnknownOffering(CapregError, KeyError):
    """An offering id that the registry does not hold."""

    def __init__(self, offering: str, suggestion: str | None = None) -> None:
        message = f"unknown offering {offering!r}"
        if suggestion:
            message += f" (did you mean {suggestion!r}?)"
        super().__init__(message)
        self.offering = offering
        self.suggestion = suggestion

    def __str__(self) -> str:  # KeyError would quote the whole message
        return self.args[0]
