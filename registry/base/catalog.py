"""Every rule id capreg can report — validation, comparison, schema changes, translation,
lint and planning — with its family, severity, what it checks and its message template.

Rule ids are stable and unique across the families: tools and people match on them. A
message template says what is wrong, what was expected and what was found; its fields are
filled by the code that detects the problem, and kept on the finding as its `ctx`. The
rules page of the docs is generated from this table.

The rule of an `x-` keyword is declared by the keyword's class (registry/validation/keywords/)
and added here when the keyword registers; `import registry` registers capreg's own, so the
table is complete whatever module of the package is imported first.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import MappingProxyType
from typing import Any

from registry.base.findings import Finding, Severity, read_only_finding
from registry.base.frozen import record

# What `capreg validate` reports; the rest belong to the other commands.
VALIDATION_FAMILIES = ("input", "detection", "structure", "cross-field", "advisory")
FAMILIES = (*VALIDATION_FAMILIES, "comparison", "change", "translation", "lint", "plan", "upstream")


@record
class Rule:
    id: str
    severity: Severity
    family: str  # one of FAMILIES
    summary: str
    template: str
    keyword: str | None = None  # the schema keyword that triggers it, if any

    def finding(self, pointer: str, hint: str | None = None, **ctx: Any) -> Finding:
        """The finding of this rule at `pointer`; `ctx` fills the template (extra values,
        such as the offering or concept a finding is about, are kept on it too)."""
        # `ctx` is this call's own dict: made read-only as it is, not copied.
        return read_only_finding(self.id, self.severity, pointer, self.template.format_map(ctx), hint, MappingProxyType(ctx))


E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO


def _by_family(table: dict[str, Rule]) -> dict[str, Rule]:
    """The table ordered by family (in each, as written), as the rules page and the SARIF
    rules table list the rules."""
    return dict(sorted(table.items(), key=lambda item: FAMILIES.index(item[1].family)))


def _by_id(rules: Iterable[Rule]) -> dict[str, Rule]:
    table: dict[str, Rule] = {}
    for entry in rules:
        _put(table, entry)
    return table


def _put(table: dict[str, Rule], entry: Rule) -> None:
    if entry.id in table:
        raise ValueError(f"rule id {entry.id!r} is defined twice ({table[entry.id].family}, {entry.family})")
    if entry.family not in FAMILIES:
        raise ValueError(f"rule {entry.id!r}: unknown family {entry.family!r}")
    table[entry.id] = entry


RULES: dict[str, Rule] = _by_family(_by_id((
        # -- reading payload files ------------------------------------------------------
        Rule("file-unreadable", E, "input", "The file cannot be read (missing, a directory, no permission, too large).",
             "cannot read the file: {reason}"),
        Rule("file-empty", E, "input", "The file holds no payload.", "the file is empty; expected a JSON or YAML object"),
        Rule("file-not-utf8", E, "input", "The file is not UTF-8 text.",
             "the file is not UTF-8: invalid byte 0x{byte:02x} at offset {offset}"),
        Rule("parse-error", E, "input", "The text is not valid JSON or YAML.", "not valid {format}: {detail}"),
        Rule("value-not-json", E, "input",
             "A payload given in-process (validate(), a typed client) holds what JSON cannot: bytes, a set or other "
             "object, a key that is not a string, NaN or Infinity, an integer longer than capreg reads, a string "
             "that is not Unicode text, or itself.",
             "not JSON data: {reason}"),
        Rule("payload-not-object", E, "structure", "A payload must be a JSON object.",
             "expected a request payload (a JSON object), found {found}"),
        # -- which offering -------------------------------------------------------------
        Rule("offering-unknown", E, "detection", "The offering, or the model id in the payload, is not in the registry.",
             "unknown {what} {value}"),
        Rule("offering-undetected", E, "detection", "The payload names no model id, so its offering cannot be chosen.",
             "cannot tell which offering this payload is for: {reason}"),
        Rule("offering-ambiguous", E, "detection", "Several offerings use the model id the payload names.",
             "model id {value} at {at} is used by several offerings: {candidates}"),
        Rule("route-unknown", I, "detection",
             "A request to a provider capreg knows, for an endpoint, model, version or deployment it has no schema of: "
             "not checked (validate_request, the guard).",
             "{request}: {reason}; not checked"),
        Rule("task-not-covered", I, "detection",
             "An item of a task array (Runware) that is no request capreg has a schema of (another task type or "
             "model): not checked.",
             "{task} is not checked: {reason}"),
        # -- the JSON Schema (structure) ------------------------------------------------
        Rule("type", E, "structure", "A value has the wrong JSON type.", "{name} must be {expected}; found {found}", "type"),
        Rule("required", E, "structure", "A required property is missing.",
             "{name} is required{context}; it is missing", "required"),
        Rule("unknown-property", E, "structure", "A property the schema does not define (misspelt, or another provider's name).",
             "{name} is not a parameter of {offering}{context}", "additionalProperties"),
        Rule("enum", E, "structure", "A value is not one of the allowed values.",
             "{name} must be one of {expected}; found {found}", "enum"),
        Rule("const", E, "structure", "A value must be exactly one fixed value.",
             "{name} must be {expected}; found {found}", "const"),
        Rule("range", E, "structure", "A number is outside its documented range.",
             "{name} must be {expected}; found {found}", "minimum"),
        Rule("length", E, "structure", "A string is too short or too long.",
             "{name} must be {expected}; found {found}", "minLength"),
        Rule("pattern", E, "structure", "A string does not have the documented form.",
             "{name} must {expected}; found {found}", "pattern"),
        Rule("format", E, "structure", "A string is not in the documented format.",
             "{name} must be {expected}; found {found}", "format"),
        Rule("item-count", E, "structure", "An array has too few or too many items.",
             "{name} must have {expected}; found {found}", "minItems"),
        Rule("unique-items", E, "structure", "An array holds the same item twice.",
             "{name} must not repeat items; {found}", "uniqueItems"),
        Rule("property-count", E, "structure", "An object has too few or too many properties.",
             "{name} must have {expected}; found {found}", "minProperties"),
        Rule("no-match", E, "structure", "A value matches none of the shapes the schema allows.",
             "{name} matches none of the allowed shapes ({expected}); found {found}", "oneOf"),
        Rule("schema", E, "structure", "Any other JSON Schema keyword failed.", "{name}: {detail}"),
        Rule("uncheckable", E, "structure",
             "The payload cannot be checked at all: it is nested too deeply, or holds too many values, for the engines.",
             "the payload cannot be checked: {reason}"),
        # -- advisories -----------------------------------------------------------------
        Rule("ignored-parameter", W, "advisory", "The provider accepts the parameter, but this model ignores it.",
             "{name} has no effect on {offering}: {reason}", "x-ignored"),
        Rule("implicit-default", W, "advisory",
             "A parameter left out whose default differs between providers of the same model.",
             "{name} is not set, so {offering} uses {own}; {others}", "default"),
        # -- capreg compare: one concept across the offerings of a model ------------------
        Rule("default-differs", W, "comparison",
             "The documented defaults differ: leaving the parameter out behaves differently.",
             "{label} default: {defaults}{undocumented}"),
        Rule("enum-differs", W, "comparison", "The allowed values differ.", "{label} values differ: {gaps}"),
        Rule("range-differs", W, "comparison", "The minimum or maximum differs.", "{label} range: {ranges}"),
        Rule("required-differs", W, "comparison", "Required at some offerings, optional at others.",
             "{label} is {required}"),
        Rule("name-differs", I, "comparison", "The property has another name or sits at another path.",
             "{label} is {paths}"),
        Rule("missing", I, "comparison", "Some offerings do not carry the concept at all.",
             "{label}: not offered by {absent}"),
        # -- capreg breaking: a schema change, by what it does to existing payloads -------
        Rule("offering-removed", E, "change", "An offering is gone: its payloads have no schema any more.",
             "{offering} was removed"),
        Rule("model-id-changed", E, "change",
             "The model id (or where it sits) changed: payloads naming the old one are not detected.",
             "model id {old_id} at {old_at} is now {new_id} at {new_at}"),
        Rule("property-removed", E, "change", "A property is gone: payloads that set it are rejected.",
             "{name} was removed; payloads that set it are rejected"),
        Rule("required-added", E, "change",
             "A property became required, or a new required one appeared: payloads without it are rejected.",
             "{name}: {how}; payloads without it are rejected"),
        Rule("type-narrowed", E, "change", "A property accepts fewer JSON types.",
             "{name}: type {before} → {after}; {lost} values are rejected"),
        Rule("enum-value-removed", E, "change", "An allowed value is gone.",
             "{name}: {values} no longer allowed; payloads with it are rejected"),
        Rule("enum-added", E, "change", "A property that took any value now takes only a list of values.",
             "{name}: now restricted to {values}"),
        Rule("const-changed", E, "change", "A property's fixed value changed (or it became fixed).",
             "{name}: must now be {after}{was}"),
        Rule("range-narrowed", E, "change",
             "A minimum rose, a maximum fell, or a bound was set (numbers, lengths, item counts).",
             "{name}: {keyword} {before} → {after}"),
        Rule("rule-added", E, "change", "A cross-field rule (x- keyword) was added.", "new {keyword} at {place}: {added}"),
        Rule("pattern-changed", W, "change", "A pattern or format was set or changed: some values may no longer match.",
             "{name}: {keyword} {before} → {after}"),
        Rule("default-changed", W, "change",
             "The documented default changed: payloads that leave the property out behave differently.",
             "{name}: default {before} → {after}; payloads that leave it out behave differently"),
        Rule("rule-changed", W, "change", "A cross-field rule changed its arguments.",
             "{keyword} at {place}: {removed} → {added}"),
        Rule("offering-added", I, "change", "A new offering.", "{offering} was added"),
        Rule("property-added", I, "change", "A new optional property.", "new property {name}"),
        Rule("required-removed", I, "change", "A property is no longer required.", "{name}: is no longer required"),
        Rule("type-widened", I, "change", "A property accepts more JSON types.", "{name}: type {before} → {after}"),
        Rule("enum-value-added", I, "change", "A new allowed value.", "{name}: now also allows {values}"),
        Rule("enum-removed", I, "change", "A property no longer restricts its values to a list.",
             "{name}: no longer restricted to a list of values"),
        Rule("const-removed", I, "change", "A property no longer has a fixed value.", "{name}: no longer fixed to {before}"),
        Rule("range-widened", I, "change", "A bound was relaxed or removed.", "{name}: {keyword} {before} → {after}"),
        Rule("pattern-removed", I, "change", "A pattern or format was removed.", "{name}: {keyword} {before} removed"),
        Rule("default-added", I, "change", "A default is now documented.", "{name}: default {value} is now documented"),
        Rule("default-removed", I, "change", "A default is no longer documented.",
             "{name}: default {value} is no longer documented"),
        Rule("rule-removed", I, "change", "A cross-field rule was removed.", "{keyword} at {place} removed: {removed}"),
        Rule("concept-changed", I, "change", "A property carries another concept: comparisons and translations change.",
             "{name}: concept {before} → {after}"),
        # -- capreg translate: what a translation changed, kept or lost ---------------------
        Rule("not-expressible", W, "translation", "A value the source sets has no place at the target.",
             "{what}: no counterpart at {target}{why}; left out"),
        Rule("value-not-allowed", W, "translation", "The target carries the concept but does not accept this value.",
             "{label} {value} is not accepted at {target}: {why}; it is left out{instead}"),
        Rule("default-made-explicit", I, "translation",
             "Left to its default at the source; the target's default differs, so it is written.",
             "{label} is left out, which means {value} at {source}; {target} {at_target}, so {name} is set to {value}"),
        Rule("default-unknown", I, "translation",
             "Left to a default the source does not document; the target documents its own.",
             "{label} is left out and {source} documents no default for it; {target} uses {theirs} at {name}"),
        Rule("not-carried", I, "translation", "A per-request id is not reused for another request.",
             "{value} is this request's own id; {target} gets a new request"),
        Rule("value-generated", I, "translation", "The target requires a per-request id; a fresh one was generated.",
             "{target} requires {name}, an id of this request: {value} was generated"),
        # -- capreg lint: the schema files themselves ---------------------------------------
        Rule("file-unusable", E, "lint",
             "A schema file cannot be used at all (not JSON, a reference leaving the tree, a pattern that does not "
             "compile, a malformed x- annotation …): the offerings that use it are disabled.",
             "{detail} (the offerings that use it are disabled)"),
        Rule("not-draft-2020-12", E, "lint", "A schema file is not a valid Draft 2020-12 schema.",
             "not a Draft 2020-12 schema: {detail} at {at}"),
        Rule("meta-schema", E, "lint",
             "A schema file breaks capreg's meta-schema (schemas/meta/offering.schema.json and the argument schema "
             "of every x- rule keyword).",
             "{detail} at {at}"),
        Rule("concept-untagged", E, "lint",
             "A property whose name carries a known concept (meta/concepts.json $names) has no x-concept tag.",
             "{pattern} carries {expected} (by its name) but has no x-concept tag"),
        Rule("concept-unlisted-name", E, "lint",
             "A property is tagged with a concept whose names (meta/concepts.json $names) do not include its name.",
             "{pattern} is tagged {tagged}, but its name is not among the names of {tagged} in meta/concepts.json $names"),
        Rule("concept-mismatch", E, "lint", "A property is tagged with one concept, but its name carries another.",
             "{pattern} is tagged {tagged}; by its name it carries {expected}"),
        Rule("concept-unknown", E, "lint", "A property is tagged with a concept the vocabulary does not define.",
             "{pattern}: unknown concept {tagged} (known: {known})"),
        Rule("source-undefined", E, "lint",
             "A file cites a source key that neither its x-sources nor a file it references defines.",
             "cites {key}, which neither its x-sources nor a file it references defines"),
        Rule("source-defined-twice", E, "lint", "A file defines a source key that a file it references defines already.",
             "x-sources defines {key}, which {elsewhere} already defines"),
        Rule("file-format", W, "lint", "A schema file is not written in the schema file format (`capreg fmt` rewrites it).",
             "not in the schema file format; `capreg fmt` rewrites it"),
        Rule("keyword-unknown", E, "lint",
             "A schema object holds an x- key that is neither a rule keyword nor an annotation of capreg's "
             "meta-schema: a misspelt keyword would otherwise be ignored silently.",
             "{name} at {at} is not an x- keyword capreg knows{suggestion}"),
        Rule("title-duplicate", E, "lint", "Two offerings have the same title.", "title {title} is also used by {other}"),
        # -- capreg plan: a sync mode's visual cost ------------------------------------------
        Rule("visible-repetition", W, "plan", "The video is repeated often enough (bounce, loop) to be noticed.",
             "the video is shown {passes} times ({repeats})"),
        Rule("large-speed-change", W, "plan", "The video is slowed down or sped up enough to look unnatural.",
             "the video plays at {speed}× its speed, which can look unnatural"),
        # -- capreg upstream: a provider's own request spec against the offering ----------
        # A difference is a warning; the offering's x-upstream may acknowledge it (same rule
        # and pointer, with a reason), and then it is reported as an info carrying the reason.
        Rule("upstream-document-unsupported", E, "upstream",
             "A file is JSON, but not a provider document capreg reads (fal or sync.so OpenAPI, Replicate model or "
             "version, Runware resolved schema, Replicate extract).",
             "not a provider request spec capreg reads: {reason}"),
        Rule("upstream-offering-unknown", W, "upstream", "The document describes a model no offering of the registry has.",
             "{provider} model {model_id} has no offering in the registry{why}"),
        Rule("upstream-model-not-offered", I, "upstream",
             "A document describing several models (sync.so's model enum) names one without an offering.",
             "the document also describes {provider} model {model_id}, which has no offering"),
        Rule("upstream-property-missing", W, "upstream", "The provider's document has a property the schema lacks.",
             "{name} is in the {provider} document but not in {offering}'s schema"),
        Rule("upstream-property-extra", W, "upstream", "The schema has a property the provider's document lacks.",
             "{name} is in {offering}'s schema but not in the {provider} document"),
        Rule("upstream-type-differs", W, "upstream", "The JSON types differ.",
             "{name}: type {capreg} in capreg, {upstream} upstream"),
        Rule("upstream-nullable-differs", W, "upstream", "One side accepts null, the other does not.",
             "{name}: null is {capreg} in capreg, {upstream} upstream"),
        Rule("upstream-enum-differs", W, "upstream", "The allowed values differ.", "{name}: values {detail}"),
        Rule("upstream-default-differs", W, "upstream", "The defaults differ (1 and 1.0 are the same).",
             "{name}: default {capreg} in capreg, {upstream} upstream"),
        Rule("upstream-range-differs", W, "upstream", "A minimum, maximum, length or item count differs.",
             "{name}: {bounds}"),
        Rule("upstream-required-differs", W, "upstream", "Required on one side, optional on the other.",
             "{name} is {capreg} in capreg, {upstream} upstream"),
        Rule("upstream-format-differs", W, "upstream", "The string formats differ.",
             "{name}: format {capreg} in capreg, {upstream} upstream"),
        Rule("upstream-closed-differs", W, "upstream",
             "One side rejects properties it does not list (additionalProperties: false), the other does not.",
             "{detail}"),
        Rule("upstream-unrecorded", I, "upstream",
             "The offering's x-upstream does not record a check against this copy of the document (by sha256).",
             "{offering}'s x-upstream records no check against this copy (sha256 {sha256}); {last}"),
        Rule("upstream-acknowledgement-stale", W, "upstream",
             "An x-upstream acknowledgement matches no difference of any checked document.",
             "{offering}'s x-upstream acknowledges {acknowledged_rule} at {at}, but no checked document shows it"),
)))


def add(entry: Rule) -> None:
    """Add a rule defined elsewhere: the rule of an `x-` keyword, which its class declares
    (registry.schema.keywords.register). The table stays ordered by family, so the rules
    page and the SARIF rules table list it with its kind."""
    _put(RULES, entry)  # refuses an id given twice and an unknown family
    ordered = _by_family(RULES)
    RULES.clear()
    RULES.update(ordered)


def rule(rule_id: str) -> Rule:
    return RULES[rule_id]
