"""Exceptions raised by capreg.

Problems with a *payload* are never raised: they are findings in a report. What is raised
is a problem with the registry itself or with how it is called::

    CapregError
     ├── RegistryError            the schemas/ tree cannot be used
     │    ├── SchemaFileError      a schema file is unreadable, not JSON, or breaks the meta-schemas
     │    └── SchemaRefError       a $ref points outside schemas/, at the network, or in a cycle
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

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


class SchemaRefError(RegistryError):
    """A $ref cannot be resolved inside schemas/ (remote, escaping, missing or cyclic)."""

    def __init__(self, path: str, ref: str, problem: str) -> None:
        super().__init__(f"{path}: $ref {ref!r} {problem}")
        self.path = path
        self.ref = ref
        self.problem = problem


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
