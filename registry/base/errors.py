"""Exceptions raised by capreg.

Problems with a *payload* are never raised: they are findings in a report. What is raised
is a problem with the registry itself or with how it is called::

    CapregError
     ├── RegistryError            the schemas/ tree cannot be used
     │    ├── SchemaFileError      a schema file is unreadable, not JSON, or breaks the meta-schemas
     │    └── SchemaRefError       a $ref, $dynamicRef, $id or $schema points outside schemas/ or in a cycle
     ├── GitRefError              `capreg breaking`: a git ref, or the schemas at it, cannot be read
     ├── ConfigError              [tool.capreg] of a pyproject.toml cannot be read or is malformed
     ├── GenerateError            `capreg generate` will not or cannot write its output folder
     ├── TranslationError         `capreg translate`: the payload cannot be translated as asked
     │    └── InvalidSource        the payload is not valid for its own offering
     ├── ReadError                a payload file cannot be read (caught where files are read:
     │                            it becomes the finding it carries, never reaches a caller)
     └── UnknownOffering (KeyError)  an offering (or model) the registry does not hold
"""

from __future__ import annotations

from registry.base.findings import Finding, Report


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


class ConfigError(CapregError):
    """The [tool.capreg] table of a pyproject.toml cannot be read or is malformed."""


class GenerateError(CapregError):
    """The output folder is not capreg's to write, a file capreg wrote there was edited
    since, or the disk refused a write."""


class TranslationError(CapregError):
    """The payload cannot be translated as asked (unknown offering, another model, same offering)."""


class InvalidSource(TranslationError):
    """The payload is not valid for its own offering: there is no behaviour to keep."""

    def __init__(self, report: Report) -> None:
        super().__init__(f"the payload is not valid for {report.offering}; fix its errors first")
        self.report = report


class ReadError(CapregError):
    """A payload file (or one payload of it) cannot be read; `finding` says why and where."""

    def __init__(self, finding: Finding, position: tuple[int, int] | None = None) -> None:
        super().__init__(finding.message)
        self.finding = finding
        self.position = position  # 1-based line and column in the file, when the problem has a place


class UnknownOffering(CapregError, KeyError):
    """An offering id (or, with what="model", a model) that the registry does not hold.

    Its message is the one wording of every command for a name capreg does not know."""

    def __init__(self, offering: str, suggestion: str | None = None, what: str = "offering") -> None:
        message = f"unknown {what} {offering!r}"
        if suggestion:
            message += f"; did you mean {suggestion!r}?"
        super().__init__(message)
        self.offering = offering
        self.suggestion = suggestion

    def __str__(self) -> str:  # KeyError would quote the whole message
        return self.args[0]
