"""Base classes of the generated typed clients (generated/clients, imported as
`registry.clients.<provider>.<model>`).

Every generated model is a ClientModel: strict, so a client accepts exactly what the JSON
Schema accepts (no "0.5" for 0.5). The root model of each offering is a RequestModel, which
runs the registry's cross-field rules after the fields validate.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, model_validator


class ClientModel(BaseModel):
    model_config = ConfigDict(strict=True)


class RequestModel(ClientModel):
    """A request payload of one offering; `offering` names it (`runware/lipsync-2`)."""

    offering: ClassVar[str]

    def __init_subclass__(cls, offering: str | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if offering is not None:
            cls.offering = offering

    @model_validator(mode="before")
    @classmethod
    def _integral_floats_as_integers(cls, data: Any) -> Any:
        # JSON Schema counts 48.0 as an integer; pydantic's strict int does not. Float fields
        # accept integers, so turning integral floats into integers changes nothing else.
        return _integral_floats_as_integers(data)

    @model_validator(mode="after")
    def _cross_field_rules(self) -> RequestModel:
        from registry.schema.index import index_of
        from registry.validation.rules import check
        from registry.validation.validate import default_registry

        index = index_of(default_registry(), self.offering)
        payload = self.model_dump(mode="json", by_alias=True, exclude_unset=True)
        errors = check(index, payload)
        if errors:
            raise ValueError("; ".join(f"[{f.rule}] {f.pointer or '/'}: {f.message}" for f in errors))
        return self

    def to_payload(self) -> dict[str, Any]:
        """The JSON payload to send: only the fields that were set, under their wire names."""
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)


def _integral_floats_as_integers(value: Any) -> Any:
    if type(value) is float and value.is_integer():
        return int(value)
    if type(value) is dict:
        return {key: _integral_floats_as_integers(item) for key, item in value.items()}
    if type(value) is list:
        return [_integral_floats_as_integers(item) for item in value]
    return value
