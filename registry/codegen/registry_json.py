"""generated/registry.json: the registry as data, for tools that want its facts without
reading JSON Schema, and generated/registry.schema.json, the JSON Schema of that file.

Per offering: its identity (provider, model, model id and where it sits, or the endpoint),
every parameter (path, concept, type, default, allowed values, range, required, whether the
model accepts, ignores or deprecates it), the cross-field rules, notes and sources. Per
model: each concept's path at every offering and the differences between them (the
findings of `capreg compare`). `version` changes when the shape does.
"""

from __future__ import annotations

from typing import Any

from registry.io.modeline import editor_schema_path
from registry.schema.index import NO_DEFAULT, Parameter, index_of, type_label
from registry.schema.jsonformat import format_json
from registry.schema.sources import sources_of
from registry.schema.tree import DRAFT_2020_12, Offering, Registry
from registry.tools.compare import compare

REGISTRY_JSON = "registry.json"
REGISTRY_SCHEMA = "registry.schema.json"
VERSION = 1
RANGE_KEYWORDS = ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum", "minLength", "maxLength",
                  "minItems", "maxItems", "multipleOf")


def files(registry: Registry) -> dict[str, str]:
    return {REGISTRY_JSON: format_json(document(registry)), REGISTRY_SCHEMA: format_json(SCHEMA)}


def document(registry: Registry) -> dict[str, Any]:
    return {
        "$schema": f"./{REGISTRY_SCHEMA}",
        "version": VERSION,
        "offerings": [_offering(registry, o) for o in registry.offerings.values()],
        "models": [_model(registry, model) for model in registry.models()],
    }


def _offering(registry: Registry, offering: Offering) -> dict[str, Any]:
    index = index_of(registry, offering.id)
    return {
        "id": offering.id,
        "provider": offering.provider,
        "model": offering.model,
        "variant": offering.variant,
        "title": offering.title,
        "model_id": offering.model_id,
        "model_id_pointer": offering.model_id_pointer,
        "model_id_aliases": list(offering.model_id_aliases),
        "endpoint": offering.schema.get("x-endpoint"),
        "schema": f"schemas/{offering.path}",
        "editor_schema": editor_schema_path(offering.id),
        "parameters": [_parameter(p) for p in index.parameters],
        "rules": [{"keyword": plan.keyword, "at": "/" + "/".join(plan.tokens) if plan.tokens else "",
                   "argument": plan.argument} for plan in index.rules],
        "notes": list(offering.notes),
        "sources": sources_of(registry, offering.uri),
        "upstream": offering.schema.get("x-upstream"),
    }


def _parameter(parameter: Parameter) -> dict[str, Any]:
    facts = parameter.schema
    availability = ("ignored" if parameter.ignored else "deprecated" if facts.get("deprecated") is True
                    else "accepted")
    return {
        "path": parameter.pattern,
        "variant": parameter.variant,
        "concept": parameter.concept,
        "type": type_label(facts),
        "default": None if parameter.default is NO_DEFAULT else parameter.default,
        "has_default": parameter.default is not NO_DEFAULT,
        "enum": facts.get("enum", [facts["const"]] if "const" in facts else None),
        "range": {key: facts[key] for key in RANGE_KEYWORDS if key in facts} or None,
        "pattern": facts.get("pattern"),
        "format": facts.get("format"),
        "required": parameter.required,
        "availability": availability,
        "availability_note": parameter.ignored,
        "description": facts.get("description"),
        "sources": list(facts.get("x-source", [])),
    }


def _model(registry: Registry, model: str) -> dict[str, Any]:
    comparison = compare(registry, model)
    return {
        "model": model,
        "offerings": list(comparison.offerings),
        "concepts": [{"concept": row.concept,
                      "paths": {cell.offering: cell.path for cell in row.cells},
                      "differences": [d.as_dict() for d in row.differences]} for row in comparison.rows],
    }


def _nullable(kind: str | list[str]) -> dict[str, Any]:
    return {"type": [*(kind if isinstance(kind, list) else [kind]), "null"]}


_STRINGS = {"type": "array", "items": {"type": "string"}}
_FINDING = {
    "type": "object",
    "required": ["rule", "severity", "pointer", "message", "hint", "ctx"],
    "properties": {"rule": {"type": "string"}, "severity": {"enum": ["error", "warning", "info"]},
                   "pointer": {"type": "string"}, "message": {"type": "string"}, "hint": _nullable("string"),
                   "ctx": {"type": "object"}, "omitted": {"type": "integer"}},
    "additionalProperties": False,
}
_PARAMETER = {
    "type": "object",
    "required": ["path", "variant", "concept", "type", "default", "has_default", "enum", "range", "pattern",
                 "format", "required", "availability", "availability_note", "description", "sources"],
    "properties": {
        "path": {"type": "string", "description": "JSON pointer into the payload; `*` stands for every array item."},
        "variant": {**_nullable("string"), "description": "The oneOf/anyOf branch it belongs to, if any."},
        "concept": {**_nullable("string"), "description": "The provider-independent parameter (schemas/meta/concepts.json)."},
        "type": {"type": "string"},
        "default": {"description": "The documented default; null with has_default false when none is documented."},
        "has_default": {"type": "boolean"},
        "enum": {"type": ["array", "null"], "description": "The allowed values (a const is one value)."},
        "range": {"type": ["object", "null"], "propertyNames": {"enum": list(RANGE_KEYWORDS)},
                  "description": "JSON Schema's bound keywords, as the schema writes them."},
        "pattern": _nullable("string"),
        "format": _nullable("string"),
        "required": {"type": "boolean", "description": "Required within the object that holds it."},
        "availability": {"enum": ["accepted", "ignored", "deprecated"],
                         "description": "ignored: the provider accepts it but this model does not use it."},
        "availability_note": _nullable("string"),
        "description": _nullable("string"),
        "sources": {**_STRINGS, "description": "Keys of the offering's `sources`."},
    },
    "additionalProperties": False,
}
_OFFERING = {
    "type": "object",
    "required": ["id", "provider", "model", "variant", "title", "model_id", "model_id_pointer", "model_id_aliases",
                 "endpoint", "schema", "editor_schema", "parameters", "rules", "notes", "sources", "upstream"],
    "properties": {
        "id": {"type": "string", "pattern": "^[^/]+/[^/]+$", "description": "`<provider>/<model>`"},
        "provider": {"type": "string"},
        "model": {"type": "string"},
        "variant": _nullable("string"),
        "title": {"type": "string"},
        "model_id": {"type": "string", "description": "What the provider calls the model."},
        "model_id_pointer": {**_nullable("string"),
                             "description": "Where the model id sits in a payload; null when the URL selects it."},
        "model_id_aliases": _STRINGS,
        "endpoint": {**_nullable("string"), "description": "The route that selects the model, where the URL does."},
        "schema": {"type": "string", "description": "The schema file, relative to the repository."},
        "editor_schema": {"type": "string", "description": "The self-contained editor schema, relative to generated/."},
        "parameters": {"type": "array", "items": {"$ref": "#/$defs/parameter"}},
        "rules": {"type": "array", "items": {
            "type": "object", "required": ["keyword", "at", "argument"], "additionalProperties": False,
            "properties": {"keyword": {"type": "string", "pattern": "^x-"}, "at": {"type": "string"}, "argument": {}}}},
        "notes": _STRINGS,
        "sources": {"type": "object", "additionalProperties": {"type": "string"},
                    "description": "Source key -> citation: the provenance of every fact."},
        "upstream": {"type": ["object", "null"],
                     "description": "The provider document this offering was last checked against, when recorded."},
    },
    "additionalProperties": False,
}
SCHEMA: dict[str, Any] = {
    "$schema": DRAFT_2020_12,
    "title": "capreg registry.json",
    "description": f"The capreg registry as data, version {VERSION}: every offering's parameters and the "
                   "differences between the offerings of each model. Generated by `capreg generate`.",
    "type": "object",
    "required": ["version", "offerings", "models"],
    "properties": {
        "$schema": {"type": "string"},
        "version": {"const": VERSION},
        "offerings": {"type": "array", "items": {"$ref": "#/$defs/offering"}},
        "models": {"type": "array", "items": {
            "type": "object", "required": ["model", "offerings", "concepts"], "additionalProperties": False,
            "properties": {
                "model": {"type": "string"},
                "offerings": _STRINGS,
                "concepts": {"type": "array", "items": {
                    "type": "object", "required": ["concept", "paths", "differences"], "additionalProperties": False,
                    "properties": {
                        "concept": {"type": "string"},
                        "paths": {"type": "object", "additionalProperties": _nullable("string"),
                                  "description": "Offering id -> where it carries the concept; null: it does not."},
                        "differences": {"type": "array", "items": {"$ref": "#/$defs/finding"}},
                    }}},
            }}},
    },
    "additionalProperties": False,
    "$defs": {"offering": _OFFERING, "parameter": _PARAMETER, "finding": _FINDING},
}
