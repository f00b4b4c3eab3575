"""Every rule id capreg can report, with its severity, what it checks and its message.

Rule ids are stable: tools and people match on them. A message template says what is
wrong, what was expected and what was found; its fields are filled by the code that
detects the problem.
"""

from __future__ import annotations

from dataclasses import dataclass

from .findings import Finding, Severity


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    severity: Severity
    kind: str  # input | detection | structure | cross-field | advisory
    summary: str
    template: str
    keyword: str | None = None  # the schema keyword that triggers it, if any

    def finding(self, pointer: str, hint: str | None = None, **fields: object) -> Finding:
        return Finding(self.id, self.severity, pointer, self.template.format(**fields), hint)


E, W = Severity.ERROR, Severity.WARNING

RULES: dict[str, Rule] = {
    rule.id: rule
    for rule in (
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
             "{what} {value} is not in the registry"),
        Rule("offering-undetected", E, "detection", "The payload names no model id, so its offering cannot be chosen.",
             "cannot tell which offering this payload is for: {reason}"),
        Rule("offering-ambiguous", E, "detection", "Several offerings use the model id the payload names.",
             "model id {value} at {at} is used by several offerings: {candidates}"),
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
        # -- cross-field rules (x- keywords) --------------------------------------------
        Rule("ref-unknown", E, "cross-field", "A reference names an id that no input defines.",
             "{name} is {found}, but no {targets} has that id; defined: {defined}", "x-ref"),
        Rule("id-duplicate", E, "cross-field", "Ids that references point at must be unique.",
             "id {found} is used twice ({first} and here); ids in {targets} must be unique", "x-unique"),
        Rule("out-of-order", E, "cross-field", "One number must be greater than (or not less than) a sibling.",
             "{greater} ({greater_value}) must be {relation} {lesser} ({lesser_value})", "x-order"),
        Rule("co-required", E, "cross-field", "Properties that are only meaningful together.",
             "{missing} is required when {present} is given: {group} are used together", "x-together"),
        Rule("mutually-exclusive", E, "cross-field", "Properties that cannot be used together.",
             "{name} cannot be used together with {other}", "x-exclusive"),
        Rule("exactly-one-of", E, "cross-field", "Exactly one of several payload locations must be present.",
             "exactly one of {group} must be given; found {found}", "x-exactly-one-of"),
        Rule("requires", E, "cross-field", "A location that must be present when another is.",
             "{then} is required when {if_} is given", "x-requires"),
        Rule("count", E, "cross-field", "How many items of a kind an array may hold.",
             "{name} holds {found} {label}{condition}; expected {expected}", "x-count"),
        # -- advisories -----------------------------------------------------------------
        Rule("ignored-parameter", W, "advisory", "The provider accepts the parameter, but this model ignores it.",
             "{name} has no effect on {offering}: {reason}", "x-ignored"),
        Rule("default-differs", W, "advisory",
             "A parameter left out whose default differs between providers of the same model.",
             "{name} is not set, so {offering} uses {own}; {others}", "default"),
    )
}


def rule(rule_id: str) -> Rule:
    return RULES[rule_id]
