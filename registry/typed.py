"""Base classes of the generated typed clients (generated/clients, imported as
`registry.clients.<provider>.<model>`, and the clients of a tree of one's own).

Every generated model is a ClientModel: strict, so a client accepts exactly what the JSON
Schema accepts (no "0.5" for 0.5). The root model of each offering is a RequestModel, which
runs the cross-field rules of the schemas it was generated from after the fields validate:
a shipped client those of the shipped tree (which ships beside it); a client of a tree of
one's own those of the copy of its schemas it carries (`schemas=`), so it needs no
environment variable and keeps working wherever its module is moved or packaged, and its
rules never drift from the fields it was generated with.

A RequestModel takes what `registry.validate` takes: any Mapping and Sequence, and its own
model instances. A payload holding what JSON cannot (bytes, NaN, a set, a cycle), or nested
more than MAX_DEPTH levels, is a pydantic ValidationError naming the place (the message of
the `value-not-json` or `uncheckable` finding), never a RecursionError.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import MISSING, BaseModel, ConfigDict, model_validator

from registry.base.text import integral_floats_as_integers
from registry.validation.jsondata import as_json

if TYPE_CHECKING:
    from registry.schema.tree import Registry


class ClientModel(BaseModel):
    model_config = ConfigDict(strict=True)


class RequestModel(ClientModel):
    """A request payload of one offering; `offering` names it (`runware/lipsync-2`)."""

    offering: ClassVar[str]
    # path in its tree -> content: the offering's schema files, when it is not a shipped one
    schema_files: ClassVar[Mapping[str, Any] | None] = None

    def __init_subclass__(cls, offering: str | None = None, schemas: Mapping[str, Any] | None = None,
                          **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if offering is not None:
            cls.offering = offering
            cls.schema_files = schemas

    @model_validator(mode="before")
    @classmethod
    def _as_json_data(cls, data: Any) -> Any:
        # A client takes what validate() takes: any Mapping or Sequence, made plain (strict
        # pydantic takes no tuple for a list). What JSON cannot hold, a cycle or nesting past
        # MAX_DEPTH raises NotJsonData, a ValueError, so pydantic reports a ValidationError
        # (and the walk below never recurses past MAX_DEPTH). Model instances stay as given.
        data = as_json(data, keep=(BaseModel, type(MISSING)))
        # JSON Schema counts 48.0 as an integer; pydantic's strict int does not. Float fields
        # accept integers, so turning integral floats into integers changes nothing else.
        return integral_floats_as_integers(data)

    @model_validator(mode="after")
    def _cross_field_rules(self) -> RequestModel:
        from registry.validation.rules import keyword_checks, keyword_findings

        prepared = keyword_checks(_registry_of(type(self)), self.offering)
        payload = self.model_dump(mode="json", by_alias=True, exclude_unset=True)
        errors = keyword_findings(prepared, payload)
        if errors:
            raise ValueError("; ".join(f"[{f.rule}] {f.pointer or '/'}: {f.message}" for f in errors))
        return self

    def to_payload(self) -> dict[str, Any]:
        """The JSON payload to send: only the fields that were set, under their wire names.
        A number field keeps `0` as `0`: pydantic's float makes every number a float, and
        JSON has one number type, so integral floats are written as integers."""
        payload: dict[str, Any] = integral_floats_as_integers(self.model_dump(mode="json", by_alias=True,
                                                                               exclude_unset=True))
        return payload


@functools.cache
def _registry_of(model: type[RequestModel]) -> Registry:
    """The registry of the schemas `model` was generated from."""
    from registry.schema.tree import from_documents
    from registry.validation.validate import shipped_registry

    if model.schema_files is None:
        return shipped_registry()
    return from_documents(dict(model.schema_files), f"the schemas of {model.__module__}")

