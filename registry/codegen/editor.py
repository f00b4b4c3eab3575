"""Editor schemas under generated/editor/: one self-contained schema per offering, for the
JSON and YAML language services of VS Code and other editors, and a catalog of them in
SchemaStore's format.

Bundling. An editor loads one file and fetches nothing, so every `$ref` target of the
offering (the documents come from the Registry) is written into the file. A target is
inlined where it is used, so each property is one concrete schema that carries its own
hover text; only a target met again inside itself (recursion) becomes a local
`$defs` entry with a local `$ref`, since inlining it would never end. A `$ref` with
validating siblings becomes `allOf: [target]` beside them (Draft 2020-12 applies both);
siblings that only annotate (`default`, `description` …) are laid over the target. The
`x-` annotations and rules are left out: editors ignore them, and `capreg validate` checks
the cross-field rules.

Two flavours, one tree: Draft 2020-12 (`editor/<provider>/<model>.json`, VS Code's JSON
service) and draft-07 (`editor/draft-07/…`, yaml-language-server, which reads draft-07 and
below): `$defs` becomes `definitions`, `prefixItems` an `items` array, `dependentRequired`
and `dependentSchemas` `dependencies`, a `$ref` with siblings `allOf`, and the keywords
draft-07 lacks (`unevaluated*`, `$dynamicRef` …) are dropped, so the editor checks less
there than capreg does, never more.

What helps a person typing: `markdownDescription` per property (the description, default,
allowed values and range, whether this model ignores it, its notes, and how the other
offerings of the model differ: "default `cut_off` here; `bounce` at runware/lipsync-2"),
`enumDescriptions` for the sync modes from the behaviour matrix, `deprecationMessage`
where a field is deprecated, and a `defaultSnippets` entry holding a minimal payload that
capreg itself accepts.
"""

from __future__ import annotations

import copy
import re
from typing import Any
from urllib.parse import urldefrag

from registry.base import pointers
from registry.base.errors import SchemaFileError
from registry.base.text import show
from registry.io.modeline import EDITOR, editor_schema_path
from registry.schema.index import NO_DEFAULT, KeywordUse, index_of
from registry.schema.jsonformat import format_json
from registry.schema.patterns import matches
from registry.schema.tree import BASE_URI, DRAFT_2020_12, Offering, Registry
from registry.tools.compare import Comparison, Row, compare
from registry.tools.plan import matrix
from registry.validation.validate import validate

DRAFT_07_URI = "http://json-schema.org/draft-07/schema#"
CATALOG = f"{EDITOR}/catalog.json"
SCHEMASTORE_CATALOG = "https://json.schemastore.org/schema-catalog.json"
# SchemaStore requires absolute https URLs. There is no hosted site: the catalog points at
# the files as the repository serves them raw, so it works once the repository is public,
# and `capreg validate` recognises these URLs in a modeline by their editor/ path.
PUBLISHED_AT = "https://raw.githubusercontent.com/capreg/capreg/main/generated/"
SYNC_MODE = "sync_mode"  # the concept the behaviour matrix of schemas/meta/sync-modes.json is about

# Where a keyword holds a schema, a map of schemas or a list of schemas: only there can a
# `$ref` be a reference (inside `const`, `default` or `enum` it is data).
SCHEMA_VALUED = frozenset({"items", "additionalProperties", "additionalItems", "contains", "propertyNames", "not",
                           "if", "then", "else", "unevaluatedProperties", "unevaluatedItems", "contentSchema"})
SCHEMA_MAPS = frozenset({"properties", "patternProperties", "dependentSchemas"})
SCHEMA_LISTS = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})
# Left out of every editor schema: the source documents' definitions (their targets are
# inlined) and what editors do not read.
DROPPED = frozenset({"$defs", "definitions", "$comment", "$schema", "$id"})
ANNOTATIONS = frozenset({"title", "description", "default", "examples", "deprecated", "readOnly", "writeOnly"})
# Draft-07 has no equivalent of these: the draft-07 flavour checks less, never more.
NOT_IN_DRAFT_07 = frozenset({"unevaluatedProperties", "unevaluatedItems", "$dynamicRef", "$dynamicAnchor",
                             "$anchor", "minContains", "maxContains", "dependentRequired", "dependentSchemas",
                             "prefixItems", "$defs"})

# Values a minimal payload tries for a string with a pattern or format, in this order.
STRING_SAMPLES = ("example", "00000000-0000-4000-8000-000000000000", "https://example.com/input.mp4")


def files(registry: Registry) -> dict[str, str]:
    """Every file under editor/: both flavours of each offering's schema, and the catalog."""
    out: dict[str, str] = {}
    comparisons = {model: compare(registry, model) for model in registry.models()}
    try:
        modes = matrix(registry)["modes"]
    except SchemaFileError:
        modes = {}  # a tree of one's own need not describe sync modes
    for offering in registry.offerings.values():
        schema = editor_schema(registry, offering, comparisons[offering.model], modes)
        out[editor_schema_path(offering.id)] = format_json(schema)
        out[editor_schema_path(offering.id, draft_07=True)] = format_json(to_draft_07(schema))
    out[CATALOG] = format_json(catalog(registry))
    return out


def catalog(registry: Registry) -> dict[str, Any]:
    """The catalog in SchemaStore's format. Each entry points at the draft-07 flavour, which
    both VS Code and yaml-language-server read; a file opts in by its name:
    `<anything>.<provider>.<model>.json` (or `.yaml`, `.yml`)."""
    entries = []
    for offering in registry.offerings.values():
        suffix = f"{offering.provider}.{offering.model}"
        entries.append({
            "name": f"capreg {offering.id} request",
            "description": f"Request payload of {offering.model} at {offering.provider} "
                           f"(model id {offering.model_id}), from the capreg registry.",
            "fileMatch": [f"*.{suffix}.json", f"*.{suffix}.yaml", f"*.{suffix}.yml"],
            "url": PUBLISHED_AT + editor_schema_path(offering.id, draft_07=True),
        })
    return {"$schema": SCHEMASTORE_CATALOG, "version": 1, "schemas": entries}


def editor_schema(registry: Registry, offering: Offering, comparison: Comparison,
                  modes: dict[str, Any]) -> dict[str, Any]:
    """The offering's self-contained Draft 2020-12 editor schema."""
    bundler = _Bundler(registry, offering, comparison, modes)
    body = bundler.schema(offering.schema, offering.uri, ())
    schema: dict[str, Any] = {"$schema": DRAFT_2020_12, **body}
    schema["markdownDescription"] = _root_text(offering)
    if bundler.definitions:
        schema["$defs"] = dict(sorted(bundler.definitions.items()))
    snippet = minimal_payload(schema, index_of(registry, offering.id).rules)
    if snippet is not None and validate(snippet, offering.id, registry=registry).ok:
        schema["defaultSnippets"] = [{"label": f"minimal {offering.id} payload",
                                      "description": "The required fields only; capreg accepts it as it is.",
                                      "body": snippet}]
    return schema


def _root_text(offering: Offering) -> str:
    lines = [offering.schema.get("description", offering.title), "",
             f"**{offering.id}** · model id `{offering.model_id}`"
             + (f" at `{offering.model_id_pointer}`" if offering.model_id_pointer else " (chosen by the URL)")]
    if "x-endpoint" in offering.schema:
        lines.append(f"Endpoint `{offering.schema['x-endpoint']}`")
    lines += ["", "Cross-field rules (segment references, exclusive fields …) are checked by `capreg validate`, "
                  "not by the editor."]
    return "\n".join(lines)


class _Bundler:
    """Inlines the `$ref` targets of one offering's schema and annotates its properties."""

    def __init__(self, registry: Registry, offering: Offering, comparison: Comparison, modes: dict[str, Any]) -> None:
        self.registry = registry
        self.offering = offering
        self.comparison = comparison
        self.modes = modes
        self.definitions: dict[str, Any] = {}
        self.names: dict[str, str] = {}  # target URI -> its name under $defs
        self.active: list[str] = [offering.uri]  # targets being inlined: meeting one again is recursion
        self.recursive: set[str] = set()

    def schema(self, node: Any, base: str, tokens: tuple[str, ...], concept: str | None = None) -> Any:
        """`node` with every reference inlined; `tokens` is where it sits in a payload, and
        `concept` that of the property it belongs to."""
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key == "$ref" or key.startswith("x-") or key in DROPPED:
                continue
            out[key] = self._keyword(key, value, base, tokens, concept)
        if isinstance(ref, str):
            target = self._reference(base, ref, tokens, concept)
            if not (set(out) - ANNOTATIONS):
                out = {**target, **out}  # annotations only: laid over the target, as the index reads them
            else:
                out["allOf"] = [target, *out.get("allOf", [])]
        if "enum" in out and concept == SYNC_MODE:
            self._describe_modes(out)
        return out

    def _keyword(self, key: str, value: Any, base: str, tokens: tuple[str, ...], concept: str | None) -> Any:
        if key == "properties" and isinstance(value, dict):
            return {name: self.property(sub, base, (*tokens, name)) for name, sub in value.items()}
        if key in SCHEMA_MAPS and isinstance(value, dict):
            return {name: self.schema(sub, base, (*tokens, "*")) for name, sub in value.items()}
        if key in SCHEMA_LISTS and isinstance(value, list):
            inner = (*tokens, "*") if key == "prefixItems" else tokens
            return [self.schema(sub, base, inner, concept) for sub in value]
        if key in SCHEMA_VALUED:
            inner = (*tokens, "*") if key in ("items", "additionalItems", "contains", "unevaluatedItems") else tokens
            return self.schema(value, base, inner, concept if inner == tokens else None)
        return copy.deepcopy(value)

    def property(self, node: Any, base: str, tokens: tuple[str, ...]) -> Any:
        facts = self._facts(node, base)
        concept = facts.get("x-concept")
        out = self.schema(node, base, tokens, concept)
        text = self._property_text(facts, tokens, concept)
        if isinstance(out, dict) and text:
            out["markdownDescription"] = text
        if isinstance(out, dict) and facts.get("deprecated") is True:
                out["deprecationMessage"] = _deprecation(facts)
        return out

    def _reference(self, base: str, ref: str, tokens: tuple[str, ...], concept: str | None) -> dict[str, Any]:
        target_uri, target = self.registry.resolve(base, ref)
        document, fragment = urldefrag(target_uri)
        key = document if not fragment else target_uri
        if key == self.offering.uri:
            return {"$ref": "#"}
        if key in self.active:  # recursion: the target is written once, under $defs
            self.recursive.add(key)
            return {"$ref": f"#/$defs/{self._name(key)}"}
        if key in self.names and self.names[key] in self.definitions:
            return {"$ref": f"#/$defs/{self.names[key]}"}
        self.active.append(key)
        body = self.schema(target, document, tokens, concept)
        self.active.pop()
        if key in self.recursive:
            self.definitions[self._name(key)] = body
            return {"$ref": f"#/$defs/{self._name(key)}"}
        return body

    def _name(self, uri: str) -> str:
        """A readable, unique $defs name for a target: `common.sync.segment`."""
        if uri not in self.names:
            document, fragment = urldefrag(uri)
            parts = [document.removeprefix(BASE_URI).removesuffix(".json").replace("/", "."),
                     *(t for t in pointers.parse(fragment) if t not in ("$defs", "definitions"))]
            name = re.sub(r"[^A-Za-z0-9._-]", "_", ".".join(parts))
            taken = set(self.names.values())
            unique = next(f"{name}{n or ''}" for n in range(len(taken) + 1) if f"{name}{n or ''}" not in taken)
            self.names[uri] = unique
        return self.names[uri]

    def _facts(self, node: Any, base: str, seen: frozenset[str] = frozenset()) -> dict[str, Any]:
        """The keywords of a property as the index reads them: its own first, then those of
        its `$ref` target and `allOf` members."""
        if not isinstance(node, dict):
            return {}
        facts = dict(node)
        layers: list[tuple[Any, str, frozenset[str]]] = []
        if isinstance(node.get("$ref"), str):
            target_uri, target = self.registry.resolve(base, node["$ref"])
            if target_uri not in seen:
                layers.append((target, urldefrag(target_uri)[0], seen | {target_uri}))
        layers += [(member, base, seen) for member in node.get("allOf", ())]
        for layer, layer_base, layer_seen in layers:
            for key, value in self._facts(layer, layer_base, layer_seen).items():
                facts.setdefault(key, value)
        return facts

    def _property_text(self, facts: dict[str, Any], tokens: tuple[str, ...], concept: str | None) -> str:
        paragraphs = [facts["description"]] if facts.get("description") else []
        documented = _documented(facts)
        if documented:
            paragraphs.append(" · ".join(documented))
        if facts.get("x-ignored"):
            paragraphs.append(f"**Ignored by this model:** {facts['x-ignored']}")
        row = self._row(concept, tokens)
        if row is not None:
            paragraphs += _across(row, self.offering.id)
        paragraphs += [f"Note: {note}" for note in facts.get("x-notes", ())]
        return "\n\n".join(paragraphs)

    def _row(self, concept: str | None, tokens: tuple[str, ...]) -> Row | None:
        """The comparison row of the concept, when this property is the one that carries it."""
        if concept is None or len(self.comparison.offerings) < 2:
            return None
        row = next((r for r in self.comparison.rows if r.concept == concept), None)
        if row is None:
            return None
        cell = row.cell(self.offering.id)
        return row if cell.parameter is not None and cell.parameter.tokens == tokens else None

    def _describe_modes(self, schema: dict[str, Any]) -> None:
        values = schema["enum"]
        if not all(isinstance(v, str) and v in self.modes for v in values):
            return
        texts = [_mode_text(self.modes[v]) for v in values]
        schema["enumDescriptions"] = texts
        schema["markdownEnumDescriptions"] = texts


def _shown(value: Any) -> str:
    """A value inside backticks: a string as it is (`cut_off`), anything else as JSON."""
    return value if isinstance(value, str) else show(value)


def _documented(facts: dict[str, Any]) -> list[str]:
    """Default, allowed values and range, as written in the schema."""
    parts = []
    if "default" in facts:
        parts.append(f"Default `{_shown(facts['default'])}`")
    if "const" in facts:
        parts.append(f"Always `{_shown(facts['const'])}`")
    if isinstance(facts.get("enum"), list):
        parts.append("Allowed " + ", ".join(f"`{_shown(v)}`" for v in facts["enum"]))
    low = facts.get("minimum", facts.get("exclusiveMinimum"))
    high = facts.get("maximum", facts.get("exclusiveMaximum"))
    if low is not None or high is not None:
        left = "(" if "exclusiveMinimum" in facts and "minimum" not in facts else "["
        right = ")" if "exclusiveMaximum" in facts and "maximum" not in facts else "]"
        parts.append(f"Range {left}{'' if low is None else low}, {'' if high is None else high}{right}")
    for key, label in (("minLength", "at least {} characters"), ("maxLength", "at most {} characters"),
                       ("minItems", "at least {} items"), ("maxItems", "at most {} items")):
        if key in facts:
            parts.append(label.format(facts[key]).capitalize())
    if "format" in facts:
        parts.append(f"Format `{facts['format']}`")
    return parts


def _across(row: Row, here: str) -> list[str]:
    """How the other offerings of the model carry this concept, where they differ."""
    rules = {d.rule for d in row.differences}
    cell = row.cell(here)
    lines = []
    if "default-differs" in rules:
        groups: dict[str, list[str]] = {}
        undocumented = []
        for other in row.cells:
            if other.offering == here or not other.present or other.via:
                continue
            if other.default is NO_DEFAULT:
                undocumented.append(other.offering)
            else:
                groups.setdefault(_shown(other.default), []).append(other.offering)
        mine = "no documented default here" if cell.default is NO_DEFAULT else f"default `{_shown(cell.default)}` here"
        parts = [mine, *(f"`{value}` at {', '.join(ids)}" for value, ids in groups.items())]
        if undocumented:
            parts.append(f"undocumented at {', '.join(undocumented)}")
        lines.append("**Across providers:** " + "; ".join(parts) + ". Leave it out and the result differs.")
    for rule_id, label in (("enum-differs", "allowed values"), ("range-differs", "range")):
        finding = next((d for d in row.differences if d.rule == rule_id), None)
        if finding is not None:
            lines.append(f"**Across providers, {label}:** {finding.message}")
    others = [c for c in row.cells if c.offering != here and c.present and c.path != cell.path]
    if others:
        lines.append("**Named** " + "; ".join(f"`{c.path}` at {c.offering}" for c in others) + ".")
    return lines


def _mode_text(mode: dict[str, Any]) -> str:
    return (f"{mode['summary']} Audio longer: {mode['audio_longer']['says']} "
            f"Video longer: {mode['video_longer']['says']}")


def _deprecation(facts: dict[str, Any]) -> str:
    text = str(facts.get("description", "")).removeprefix("[DEPRECATED]").strip()
    return f"Deprecated. {text}".strip()


# -- a minimal payload -----------------------------------------------------------------------
def minimal_payload(schema: dict[str, Any], rules: tuple[KeywordUse, ...] = ()) -> Any:
    """The required fields of a bundled schema, each with its const, first allowed value,
    default or a plain sample, completed for the payload-wide rules that demand more: the
    first member of each `x-exactly-one-of` group, and the items an `x-count` asks for at
    least. The caller checks the result with capreg."""
    payload = _sample(schema, schema, 0)
    if not isinstance(payload, dict):
        return payload
    for plan in rules:
        if plan.tokens == () and plan.keyword == "x-exactly-one-of":
            for group in plan.argument:
                _ensure(payload, schema, pointers.parse(group[0]))
        if plan.tokens == () and plan.keyword == "x-count":
            for spec in plan.argument:
                if spec.get("min") and "when" not in spec and not _present(payload, spec.get("unless")):
                    _add_items(payload, schema, spec)
    return payload


def _present(payload: Any, pointer: str | None) -> bool:
    return pointer is not None and pointers.exists(payload, pointers.parse(pointer))


def _ensure(payload: dict[str, Any], schema: dict[str, Any], tokens: tuple[str, ...]) -> Any:
    """The value at `tokens` (object members only), made from the schema where missing; an
    array made there holds one item, so that it says something."""
    node, where = payload, schema
    for token in tokens:
        where = _flatten(where, schema, 0).get("properties", {}).get(token, {})
        if token not in node:
            sample = _sample(where, schema, 1)
            flat = _flatten(where, schema, 0)
            if isinstance(sample, list) and not sample:
                sample = [_sample(flat.get("items", {}), schema, 1)]
            node[token] = sample
        node = node[token]
        if not isinstance(node, dict):
            break
    return node


def _add_items(payload: dict[str, Any], schema: dict[str, Any], spec: dict[str, Any]) -> None:
    """Items of the kind an `x-count` spec counts, until it has its minimum."""
    array = _ensure(payload, schema, pointers.parse(spec["in"]))
    if not isinstance(array, list):
        return
    ((field, accepted),) = spec["where"].items()
    kind = accepted[0]
    counted = sum(1 for item in array if isinstance(item, dict) and item.get(field) in accepted)
    where = _flatten(schema, schema, 0)
    for token in pointers.parse(spec["in"]):
        where = _flatten(where, schema, 0).get("properties", {}).get(token, {})
    items = _flatten(where, schema, 0).get("items", {})
    branch = next((b for b in [*items.get("anyOf", ()), *items.get("oneOf", ()), items]
                   if _allows(_flatten(b, schema, 0).get("properties", {}).get(field, {}), kind, schema)), items)
    for _ in range(spec["min"] - counted):
        item = _sample(branch, schema, 1)
        if isinstance(item, dict):
            item[field] = kind
        array.append(item)


def _allows(property_schema: Any, value: Any, root: dict[str, Any]) -> bool:
    flat = _flatten(property_schema, root, 0)
    return flat.get("const") == value or value in flat.get("enum", ())


def _sample(node: Any, root: dict[str, Any], depth: int) -> Any:
    flat = _flatten(node, root, depth)
    for key in ("const", "default"):
        if key in flat:
            return copy.deepcopy(flat[key])
    if flat.get("enum"):
        return copy.deepcopy(flat["enum"][0])
    kind = flat.get("type")
    kind = kind[0] if isinstance(kind, list) else kind
    if depth > 16:
        return None
    if kind == "object" or "properties" in flat:
        properties = flat.get("properties", {})
        return {name: _sample(properties.get(name, {}), root, depth + 1) for name in dict.fromkeys(flat.get("required", ()))}
    if kind == "array":
        return [_sample(flat.get("items", {}), root, depth + 1) for _ in range(flat.get("minItems", 0))]
    if kind == "string":
        return _string(flat)
    if kind in ("number", "integer"):
        low = flat.get("minimum", flat.get("exclusiveMinimum", 0))
        return low + 1 if "exclusiveMinimum" in flat and "minimum" not in flat else low
    if kind == "boolean":
        return False
    return "example"  # a value of any type: a string says "put something here" best


def _flatten(node: Any, root: dict[str, Any], depth: int) -> dict[str, Any]:
    """One schema object made of `node`, its `$ref` target, its `allOf` members and the first
    branch of its `anyOf`/`oneOf`: the first value of each keyword wins, `properties` and
    `required` add up."""
    if not isinstance(node, dict) or depth > 16:
        return {}
    flat = {k: v for k, v in node.items() if k not in ("$ref", "allOf", "anyOf", "oneOf")}
    members = [*node.get("allOf", ()), *node.get("anyOf", ())[:1], *node.get("oneOf", ())[:1]]
    if isinstance(node.get("$ref"), str):
        members.insert(0, _local(root, node["$ref"]))
    for member in members:
        for key, value in _flatten(member, root, depth + 1).items():
            if key == "properties":
                flat["properties"] = {**value, **flat.get("properties", {})}
            elif key == "required":
                flat["required"] = [*flat.get("required", []), *value]
            else:
                flat.setdefault(key, value)
    return flat


def _string(schema: dict[str, Any]) -> str:
    pattern = schema.get("pattern")
    wanted = [s for s in STRING_SAMPLES if schema.get("format") != "uri" or s.startswith("https://")]
    for sample in wanted:
        if pattern is None or matches(pattern, sample):
            return sample.ljust(schema.get("minLength", 0), "x")
    return ""


def _local(root: dict[str, Any], ref: str) -> Any:
    node: Any = root
    for token in pointers.parse(ref.removeprefix("#")):
        node = node.get(token) if isinstance(node, dict) else None
    return node


# -- draft-07 ------------------------------------------------------------------------------
def to_draft_07(schema: dict[str, Any]) -> dict[str, Any]:
    """The draft-07 flavour of a bundled Draft 2020-12 editor schema."""
    converted = _draft_07(schema)
    converted["$schema"] = DRAFT_07_URI
    if "$defs" in schema:
        converted["definitions"] = {name: _draft_07(sub) for name, sub in schema["$defs"].items()}
    return converted


def _draft_07(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in NOT_IN_DRAFT_07:
            continue
        if key == "properties" or key == "patternProperties":
            out[key] = {name: _draft_07(sub) for name, sub in value.items()}
        elif key in ("allOf", "anyOf", "oneOf"):
            out[key] = [_draft_07(sub) for sub in value]
        elif key == "$ref":
            out[key] = value.replace("#/$defs/", "#/definitions/", 1)
        elif key in SCHEMA_VALUED and key != "items":
            out[key] = _draft_07(value)
        elif key == "items" and isinstance(value, dict):
            out["additionalItems" if "prefixItems" in node else "items"] = _draft_07(value)
        else:
            out[key] = value
    if "prefixItems" in node:
        out["items"] = [_draft_07(sub) for sub in node["prefixItems"]]
    dependencies = {**node.get("dependentRequired", {}),
                    **{name: _draft_07(sub) for name, sub in node.get("dependentSchemas", {}).items()}}
    if dependencies:
        out["dependencies"] = dependencies
    if "$ref" in out and len(out) > 1:  # draft-07 ignores a $ref's siblings
        out = {"allOf": [{"$ref": out.pop("$ref")}], **out}
    return out
