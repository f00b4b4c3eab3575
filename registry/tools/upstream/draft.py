"""`capreg upstream import`: a new offering schema drafted from a provider's document.

The draft holds what the document states and nothing else: its request schema, translated
to Draft 2020-12 (registry.tools.upstream.documents), each property citing the document
(`x-source`), tagged with its concept where meta/concepts.json `$names` knows the name, and
`x-upstream` recording the copy it was drafted from. It sets no `additionalProperties: false`
unless the document does: whether a provider rejects unknown properties is a fact too.
"""

from __future__ import annotations

import datetime
from typing import Any

from registry.base.errors import CapregError
from registry.schema.jsonformat import format_json
from registry.schema.tree import DRAFT_2020_12, Registry
from registry.tools.compare import vocabulary
from registry.tools.upstream.documents import Document, Target, read

SOURCE_KEY = "upstream"
# Keys of a translated schema that the draft keeps: Draft 2020-12 validation and annotation
# keywords; the providers' own x- keys say nothing capreg reads.
KEPT_KEYS = frozenset({"type", "enum", "const", "default", "description", "examples", "format", "minimum", "maximum",
                       "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "pattern", "minItems",
                       "maxItems", "uniqueItems", "items", "properties", "required", "additionalProperties",
                       "anyOf", "oneOf", "minProperties", "maxProperties"})


class DraftError(CapregError):
    """The document cannot give a draft for this offering; the message says why."""


def draft(registry: Registry, file: str, offering_id: str, today: datetime.date | None = None) -> str:
    """The schema file text of offering `offering_id` (PROVIDER/MODEL) drafted from `file`."""
    provider, _, model = offering_id.partition("/")
    if not provider or not model or "/" in model:
        raise DraftError(f"the offering must be PROVIDER/MODEL, not {offering_id!r}")
    document = read(file)
    if not isinstance(document, Document):
        raise DraftError(f"{file}: {document.message}")
    target = _target(document, model)
    model_id = target.model_id or model
    schema = target.schema
    id_pointer = "/model" if _names_model(schema.get("properties", {}).get("model"), model_id) else None
    url = target.url() or file
    recorded = {"url": url, **({"version": target.version} if target.version else {}),
                **({"updated_at": document.updated_at} if document.updated_at else {}),
                "checked": (today or datetime.date.today()).isoformat(), "sha256": document.sha256}
    properties = {name: _property(sub, (name,), _concept_names(registry)) for name, sub in
                  schema.get("properties", {}).items()}
    if id_pointer:
        properties["model"] = {**{k: v for k, v in properties["model"].items() if k != "enum"}, "const": model_id}
    shaped: dict[str, Any] = {
        "$schema": DRAFT_2020_12,
        "title": f"{provider} {model} request",
        "description": f"Request body of {model_id} at {provider}, as its {document.format} document states it.",
        "type": "object",
        "x-provider": provider, "x-model": model, "x-model-id": model_id, "x-model-id-pointer": id_pointer,
        "x-sources": {SOURCE_KEY: _citation(url, recorded, document)},
        "x-upstream": {"documents": [recorded]},
        "x-notes": [f"Drafted by `capreg upstream import` from {url}; every fact is the document's."
                    + (" The document's model enum names every model it serves; this offering's model is fixed."
                       if id_pointer and target.many else "")],
    }
    if schema.get("required"):
        shaped["required"] = list(schema["required"])
    if schema.get("additionalProperties") is False:
        shaped["additionalProperties"] = False
    shaped["properties"] = properties
    return format_json(shaped)


def _target(document: Document, model: str) -> Target:
    if len(document.targets) == 1:
        return document.targets[0]
    matching = [t for t in document.targets if t.model_id and model in (t.model_id, t.model_id.rsplit("/", 1)[-1])]
    if len(matching) != 1:
        names = ", ".join(str(t.model_id) for t in document.targets)
        raise DraftError(f"{document.file} describes several models ({names}); name the offering after one of them")
    return matching[0]


def _names_model(schema: Any, model_id: str) -> bool:
    return isinstance(schema, dict) and model_id in (schema.get("enum") or [schema.get("const")])


def _citation(url: str, recorded: dict[str, Any], document: Document) -> str:
    identity = [f"{key} {recorded[key]}" for key in ("version", "updated_at") if key in recorded]
    return f"{url} ({document.format}; sha256 {document.sha256}" + "".join(f"; {i}" for i in identity) + ")"


def _concept_names(registry: Registry) -> list[tuple[tuple[str, ...], str]]:
    return [(tuple(name.split("/")), concept) for concept, names in vocabulary(registry).names.items() for name in names]


def _property(schema: dict[str, Any], tokens: tuple[str, ...], names: list[tuple[tuple[str, ...], str]]) -> dict[str, Any]:
    """A property of the draft: the document's keywords, its members drafted alike, its
    concept when the vocabulary's names say which one (the longest matching name decides,
    as `capreg lint` judges it), and the citation."""
    shaped = _kept(schema, tokens, names)
    concept = _concept(tokens, names)
    if concept:
        shaped["x-concept"] = concept
    shaped["x-source"] = [SOURCE_KEY]
    return shaped


def _kept(schema: dict[str, Any], tokens: tuple[str, ...], names: list[tuple[tuple[str, ...], str]]) -> dict[str, Any]:
    kept: dict[str, Any] = {}
    for key, value in schema.items():
        if key not in KEPT_KEYS:
            continue
        if key == "properties" and isinstance(value, dict):
            value = {name: _property(sub, (*tokens, name), names) for name, sub in value.items()}
        elif key == "items" and isinstance(value, dict):
            value = _kept(value, (*tokens, "*"), names)
        elif key in ("anyOf", "oneOf") and isinstance(value, list):
            value = [_kept(branch, tokens, names) for branch in value]
        kept[key] = value
    return kept


def _concept(tokens: tuple[str, ...], names: list[tuple[tuple[str, ...], str]]) -> str | None:
    matching = [(len(name), concept) for name, concept in names if tokens[-len(name):] == name]
    longest = max((length for length, _ in matching), default=0)
    concepts = {concept for length, concept in matching if length == longest}
    return concepts.pop() if len(concepts) == 1 else None
