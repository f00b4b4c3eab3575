"""Providers' own machine-readable request specs, read into one shape.

Four formats are read: fal's per-endpoint Queue OpenAPI 3.0 document (alone or inside fal's
listing wrapper, which adds `endpoint_id` and `metadata.updated_at`), Replicate's model or
model-version JSON (`openapi_schema` → `components.schemas.Input`) and the per-model extract
of Replicate inputs kept beside the registry (`{"owner/name": {"version", "input"}}`),
Runware's resolved model schema (`requestSchema`, keyed by AIR id) and sync.so's OpenAPI
(`POST /v2/generate`, the model enum naming the models it describes).

Each request schema is translated from the OpenAPI 3.0 dialect into plain Draft 2020-12:
local `$ref`s inlined, `allOf` members merged (Cog writes an enum as `allOf: [{$ref}]`),
`nullable: true` and an `anyOf`/`oneOf` member `{"type": "null"}` turned into a `null`
type, OpenAPI's singular `example` into `examples`, and presentation keys
(`x-fal-order-properties`, `x-order`, `title`) dropped. Nothing is fetched: a `$ref` that
leaves the document makes it unsupported.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from registry.base import pointers
from registry.base.catalog import rule
from registry.base.findings import Finding
from registry.io import payloads

# A document whose `$ref`s expand to more schemas than this is refused, not expanded: a few
# references nested in each other can otherwise stand for an exponential number of copies.
MAX_TRANSLATED_SCHEMAS = 50_000

# Keys of the OpenAPI 3.0 dialect (and of the providers' generators) that say nothing about
# which requests are accepted; the translation leaves them out.
PRESENTATION_KEYS = frozenset({"title", "x-fal-order-properties", "x-order", "example", "nullable", "discriminator",
                               "xml", "externalDocs", "readOnly", "writeOnly", "deprecated"})

FAL_URL = "https://fal.ai/api/openapi/queue/openapi.json?endpoint_id={}"
SYNC_URL = "https://api.sync.so/api-json"
REPLICATE_URL = "https://api.replicate.com/v1/models/{}/versions/{}"
RUNWARE_URL = "https://schemas.runware.ai/resolve/{}"


@dataclass(frozen=True, slots=True)
class Target:
    """One request schema of a document: the provider, the id the provider gives the model
    (fal endpoint, Replicate `owner/name`, Runware AIR, sync.so model name; None when the
    document does not say) and the schema, translated to Draft 2020-12."""

    provider: str
    model_id: str | None
    schema: dict[str, Any]
    version: str | None = None  # Replicate's version id
    many: bool = False  # one of several models the document describes (sync.so's model enum)

    def url(self) -> str | None:
        """Where the provider publishes this document."""
        if self.provider == "fal" and self.model_id:
            return FAL_URL.format(self.model_id)
        if self.provider == "sync":
            return SYNC_URL
        if self.provider == "replicate" and self.model_id and self.version:
            return REPLICATE_URL.format(self.model_id, self.version)
        if self.provider == "runware" and self.model_id:
            return RUNWARE_URL.format(self.model_id)
        return None


@dataclass(frozen=True, slots=True)
class Document:
    """A provider's document as read from a file: its format, what identifies this copy
    (sha256 of its text, fal's `updated_at`) and its request schemas."""

    file: str
    format: str  # fal-openapi | sync-openapi | replicate-version | replicate-model | replicate-extract | runware
    sha256: str
    targets: tuple[Target, ...]
    updated_at: str | None = None


class Unsupported(Exception):
    """The file is JSON, but not a document capreg reads; the message says what it lacks."""


def read(file: str) -> Document | Finding:
    """The document in `file`, or the finding that says why it cannot be used."""
    parsed = next(iter(payloads.read(file)))
    if parsed.problem is not None:
        return parsed.problem
    sha256 = hashlib.sha256((parsed.source or "").encode("utf-8")).hexdigest()
    try:
        return _recognise(file, parsed.value, sha256)
    except Unsupported as exc:
        return rule("upstream-document-unsupported").finding("", file=file, reason=str(exc))


def _recognise(file: str, value: Any, sha256: str) -> Document:
    if not isinstance(value, dict):
        raise Unsupported(f"it holds a JSON {type(value).__name__}; a provider's document is an object")
    if isinstance(value.get("openapi"), dict):  # fal's listing wrapper around the OpenAPI document
        metadata = value.get("metadata") if isinstance(value.get("metadata"), dict) else {}
        updated = metadata.get("updated_at")
        return _openapi(file, value["openapi"], sha256, _text(value.get("endpoint_id")), _text(updated))
    if isinstance(value.get("openapi"), str):
        return _openapi(file, value, sha256, None, None)
    if "openapi_schema" in value or "latest_version" in value:
        return _replicate(file, value, sha256)
    if "requestSchema" in value:
        return Document(file, "runware", sha256, (_runware(value, _text(value.get("air"))),))
    entries = {k: v for k, v in value.items() if isinstance(v, dict)}
    if entries and all("requestSchema" in v for v in entries.values()):
        return Document(file, "runware", sha256, tuple(_runware(v, air) for air, v in entries.items()))
    if entries and all(isinstance(v.get("input"), dict) for v in entries.values()):
        return Document(file, "replicate-extract", sha256,
                        tuple(_replicate_extract(name, entry) for name, entry in entries.items()))
    raise Unsupported("not a fal or sync.so OpenAPI document, a Replicate model or version, a Runware resolved "
                      "schema (requestSchema) or a Replicate extract ({\"owner/name\": {\"version\", \"input\"}})")


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


# -- OpenAPI: fal and sync.so -------------------------------------------------------------
def _openapi(file: str, document: dict[str, Any], sha256: str, endpoint: str | None, updated: str | None) -> Document:
    info = document.get("info") if isinstance(document.get("info"), dict) else {}
    fal = info.get("x-fal-metadata") if isinstance(info.get("x-fal-metadata"), dict) else None
    paths = document.get("paths") if isinstance(document.get("paths"), dict) else {}
    if fal is not None or endpoint is not None:
        endpoint = endpoint or _text(fal.get("endpointId") if fal else None)
        path = f"/{endpoint}" if endpoint and f"/{endpoint}" in paths else _single_post(paths)
        endpoint = endpoint or path.lstrip("/")
        schema = _translate_in(document, _request_body(paths, path), f"/paths/{pointers.escape(path)}/post")
        return Document(file, "fal-openapi", sha256, (Target("fal", endpoint, schema),), updated)
    if "/v2/generate" in paths:
        schema = _translate_in(document, _request_body(paths, "/v2/generate"), "/paths/~1v2~1generate/post")
        model = schema.get("properties", {}).get("model", {})
        names = [v for v in model.get("enum", [model.get("const")]) if isinstance(v, str)]
        if not names:
            raise Unsupported("sync.so's /v2/generate request body names no model (no enum or const at /model)")
        return Document(file, "sync-openapi", sha256,
                        tuple(Target("sync", name, schema, many=len(names) > 1) for name in names))
    raise Unsupported("an OpenAPI document, but neither fal's Queue OpenAPI (no endpoint id) nor sync.so's "
                      "(no POST /v2/generate)")


def _single_post(paths: dict[str, Any]) -> str:
    posts = [p for p, item in paths.items() if isinstance(item, dict) and "post" in item and "/requests/" not in p]
    if len(posts) != 1:
        raise Unsupported(f"cannot tell which path is the endpoint: {len(posts)} POST paths and no endpoint id")
    return posts[0]


def _request_body(paths: dict[str, Any], path: str) -> Any:
    found = paths.get(path, {})
    for key in ("post", "requestBody", "content", "application/json", "schema"):
        found = found.get(key) if isinstance(found, dict) else None
        if found is None:
            raise Unsupported(f"no JSON request body at /paths/{pointers.escape(path)}/post (missing {key!r})")
    return found


# -- Replicate ----------------------------------------------------------------------------
def _replicate(file: str, value: dict[str, Any], sha256: str) -> Document:
    """A model (`GET /v1/models/{owner}/{name}`: owner, name, latest_version) or one of its
    versions (`…/versions/{id}`: id, openapi_schema), which does not name its model."""
    version = value.get("latest_version") if "latest_version" in value else value
    if not isinstance(version, dict) or not isinstance(version.get("openapi_schema"), dict):
        raise Unsupported("a Replicate model without a latest_version.openapi_schema")
    name = f"{value['owner']}/{value['name']}" if _text(value.get("owner")) and _text(value.get("name")) else None
    schema_root = version["openapi_schema"]
    input_schema = schema_root.get("components", {}).get("schemas", {}).get("Input")
    if not isinstance(input_schema, dict):
        raise Unsupported("Replicate's openapi_schema has no components.schemas.Input")
    schema = _translate_in(schema_root, input_schema, "/components/schemas/Input")
    kind = "replicate-model" if "latest_version" in value else "replicate-version"
    return Document(file, kind, sha256, (Target("replicate", name, schema, _text(version.get("id"))),))


def _replicate_extract(name: str, entry: dict[str, Any]) -> Target:
    """One model of the extract: its inputs as Cog describes them, `required` on each input."""
    properties, required = {}, []
    for field_name, field in entry["input"].items():
        if not isinstance(field, dict):
            raise Unsupported(f"input {field_name!r} of {name} is not an object")
        if field.get("required") is True:
            required.append(field_name)
        properties[field_name] = {k: v for k, v in field.items() if k != "required"}
    schema = _translate_in({}, {"type": "object", "required": required, "properties": properties}, "")
    return Target("replicate", name, schema, _text(entry.get("version")))


# -- Runware ------------------------------------------------------------------------------
def _runware(value: dict[str, Any], air: str | None) -> Target:
    request = value["requestSchema"]
    if not isinstance(request, dict):
        raise Unsupported("requestSchema is not a schema object")
    schema = _translate_in(request, request, "/requestSchema")
    if schema.get("type") == "array" and isinstance(schema.get("items"), dict):
        schema = schema["items"]  # the request is an array of tasks; the schema is the task's
    model = schema.get("properties", {}).get("model", {})
    air = air or _text(model.get("const")) or _text(model.get("default"))
    return Target("runware", air, schema)


# -- the dialect ----------------------------------------------------------------------------
def _translate_in(root: dict[str, Any], schema: Any, where: str) -> dict[str, Any]:
    return _Translator(root, where).translate(schema, frozenset())


class _Translator:
    def __init__(self, root: dict[str, Any], where: str) -> None:
        self.root = root
        self.where = where
        self.count = 0

    def translate(self, node: Any, seen: frozenset[str]) -> dict[str, Any]:
        self.count += 1
        if self.count > MAX_TRANSLATED_SCHEMAS:
            raise Unsupported(f"the request schema at {self.where} expands to more than {MAX_TRANSLATED_SCHEMAS:,} "
                              "schemas through its $refs")
        if isinstance(node, bool):
            return {} if node else {"not": {}}
        if not isinstance(node, dict):
            raise Unsupported(f"a schema in the request schema at {self.where} is a JSON {type(node).__name__}")
        merged: dict[str, Any] = {}
        if isinstance(node.get("$ref"), str):
            merged.update(self._target(node["$ref"], seen))
        for member in node.get("allOf", ()):
            merged.update(self.translate(member, seen))
        nullable = node.get("nullable") is True
        own = {k: v for k, v in node.items() if k not in PRESENTATION_KEYS and k not in ("$ref", "allOf")}
        for keyword in ("anyOf", "oneOf"):
            if keyword in own:
                branches = [self.translate(b, seen) for b in own.pop(keyword)]
                others = [b for b in branches if b.get("type") != "null"]
                nullable = nullable or len(others) < len(branches)
                if len(others) == 1:
                    merged.update(others[0])
                elif others:
                    own[keyword] = others
        if "example" in node and "examples" not in node:
            own["examples"] = [node["example"]]
        if isinstance(own.get("properties"), dict):
            own["properties"] = {name: self.translate(sub, seen) for name, sub in _ordered(node, own["properties"])}
        if "items" in own:
            own["items"] = self.translate(own["items"], seen)
        if isinstance(own.get("additionalProperties"), dict):
            own["additionalProperties"] = self.translate(own["additionalProperties"], seen)
        merged.update(own)
        return _with_null(merged) if nullable else merged

    def _target(self, ref: str, seen: frozenset[str]) -> dict[str, Any]:
        if not ref.startswith("#"):
            raise Unsupported(f"the request schema refers to {ref}, outside the document; capreg fetches nothing")
        if ref in seen:
            return {}  # a recursive schema: the inner repetition accepts what the outer one checks
        try:
            target = _locate(self.root, ref[1:])
        except (LookupError, ValueError):
            raise Unsupported(f"$ref {ref} names nothing in the document") from None
        return self.translate(target, seen | {ref})


def _ordered(node: dict[str, Any], properties: dict[str, Any]) -> list[tuple[str, Any]]:
    """The properties in the order the provider presents them (fal's x-fal-order-properties,
    Cog's x-order on each input), which is the order a draft lists them in."""
    order = node.get("x-fal-order-properties")
    rank = {name: n for n, name in enumerate(order)} if isinstance(order, list) else {}
    def position(item: tuple[str, Any]) -> Any:
        cog = item[1].get("x-order") if isinstance(item[1], dict) else None
        return rank.get(item[0], cog if isinstance(cog, int) and not isinstance(cog, bool) else len(rank))
    return sorted(properties.items(), key=position)


def _locate(root: Any, fragment: str) -> Any:
    node = root
    for token in pointers.parse(fragment) if fragment else ():
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and pointers.is_index(token) and int(token) < len(node):
            node = node[int(token)]
        else:
            raise LookupError(fragment)
    return node


def _with_null(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema accepting null too, written the Draft 2020-12 way."""
    widened = dict(schema)
    kind = widened.get("type")
    if isinstance(kind, str) and kind != "null":
        widened["type"] = [kind, "null"]
    elif isinstance(kind, list) and "null" not in kind:
        widened["type"] = [*kind, "null"]
    if isinstance(widened.get("enum"), list) and None not in widened["enum"]:
        widened["enum"] = [*widened["enum"], None]
    return widened


def json_type(value: Any) -> str:
    """The JSON type of a value, as a schema's `type` names it."""
    types: dict[type, str] = {bool: "boolean", int: "integer", float: "number", str: "string", list: "array",
                              dict: "object", type(None): "null"}
    return types.get(type(value), "object")

