"""`capreg upstream check`: each provider document compared with the offering it describes.

Both sides are brought to one view — per parameter (a pointer pattern, `*` for array
items): its JSON types, whether it accepts null, allowed values, default, bounds, format,
whether it is required, whether an object rejects unknown properties — capreg's through its
parameter index (so `$ref`s and `allOf` are followed), the provider's from the translated
request schema (registry.tools.upstream.documents). Where several `oneOf`/`anyOf` branches
list the same parameter, their facts are merged the same way on both sides.

Every difference is a warning of the `upstream` family, unless the offering's `x-upstream`
acknowledges it (same rule, same pointer, with a reason): then it is an info carrying the
reason. An acknowledgement that no checked document shows any more is itself reported.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from registry.base import pointers
from registry.base.catalog import rule
from registry.base.findings import Finding, Severity
from registry.base.text import NO_BOUND, code, show
from registry.schema.index import NO_DEFAULT, index_of
from registry.schema.tree import Offering, Registry
from registry.tools.upstream.documents import Document, Target, json_type, read

JSON_VERSION = 2
BOUNDS = ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum", "minLength", "maxLength",
          "minItems", "maxItems")
ROOT = ""


# -- one view of a parameter ------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Facts:
    """What one side says about one parameter. `types` is None when no type is stated."""

    types: frozenset[str] | None
    nullable: bool
    enum: tuple[Any, ...] | None  # without null
    default: Any
    bounds: tuple[tuple[str, Any], ...]
    format: str | None
    required: bool
    closed: bool  # an object that rejects properties it does not list

    def bound(self, keyword: str) -> Any:
        return dict(self.bounds).get(keyword)


def facts_of(schema: dict[str, Any], required: bool, types: frozenset[str] | None) -> Facts:
    values = schema["enum"] if isinstance(schema.get("enum"), list) else [schema["const"]] if "const" in schema else None
    nullable = (types is not None and "null" in types) or (values is not None and None in values)
    enum = tuple(v for v in values if v is not None) if values is not None else None
    if types is None and enum:
        types = frozenset(json_type(v) for v in enum)
    return Facts(types - {"null"} if types is not None else None, nullable, enum or None,
                 schema.get("default", NO_DEFAULT), tuple((k, schema[k]) for k in BOUNDS if k in schema),
                 schema.get("format") if isinstance(schema.get("format"), str) else None, required,
                 schema.get("additionalProperties") is False)


def stated_types(schema: dict[str, Any]) -> frozenset[str] | None:
    kind = schema.get("type")
    if isinstance(kind, str):
        return frozenset({kind})
    if isinstance(kind, list):
        return frozenset(kind)
    return None


def merged(first: Facts, second: Facts) -> Facts:
    """One parameter listed by several branches: what a payload may send across them."""
    def same(a: Any, b: Any) -> Any:
        return a if equal(a, b) else None

    types = None if first.types is None or second.types is None else first.types | second.types
    enum = None if first.enum is None or second.enum is None else (
        *first.enum, *(v for v in second.enum if not any(equal(v, w) for w in first.enum)))
    bounds = tuple((k, v) for k, v in first.bounds if equal(v, second.bound(k)))
    default = first.default if first.default is not NO_DEFAULT and equal(first.default, second.default) else NO_DEFAULT
    return Facts(types, first.nullable or second.nullable, enum, default, bounds, same(first.format, second.format),
                 first.required and second.required, first.closed and second.closed)


def equal(a: Any, b: Any) -> bool:
    """JSON equality: 1 and 1.0 are the same number; true is not 1."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(equal(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(equal(a[k], b[k]) for k in a)
    return a is b if a is NO_DEFAULT or b is NO_DEFAULT else a == b


# -- the provider's side ----------------------------------------------------------------
def upstream_view(schema: dict[str, Any]) -> dict[str, Facts]:
    """Every parameter of a translated request schema, by pattern; "" is the payload itself."""
    view: dict[str, Facts] = {ROOT: facts_of(schema, True, stated_types(schema))}
    _walk_upstream(schema, (), view)
    return view


def _walk_upstream(schema: dict[str, Any], tokens: tuple[str, ...], view: dict[str, Facts]) -> None:
    branches = [schema, *(b for k in ("anyOf", "oneOf") for b in schema.get(k, ()) if isinstance(b, dict))]
    for branch in branches:
        required = set(branch.get("required", ()))
        for name, sub in (branch.get("properties") or {}).items():
            _add(view, (*tokens, name), sub, name in required)
        if isinstance(branch.get("items"), dict):
            _add(view, (*tokens, "*"), branch["items"], False)


def _add(view: dict[str, Facts], tokens: tuple[str, ...], schema: dict[str, Any], required: bool) -> None:
    branch_types = [stated_types(b) for k in ("anyOf", "oneOf") for b in schema.get(k, ()) if isinstance(b, dict)]
    types = stated_types(schema)
    if types is None and branch_types and None not in branch_types:
        types = frozenset().union(*branch_types)
    facts = facts_of(schema, required, types)
    pattern = pointers.to_pointer(tokens)
    view[pattern] = merged(view[pattern], facts) if pattern in view else facts
    _walk_upstream(schema, tokens, view)


# -- capreg's side ----------------------------------------------------------------------
def capreg_view(registry: Registry, offering: Offering) -> dict[str, Facts]:
    index = index_of(registry, offering.id)
    parents = {p.tokens[:-1] for p in index.parameters}
    view: dict[str, Facts] = {ROOT: facts_of(offering.schema, True, frozenset({"object"}))}
    for parameter in index.parameters:
        facts = facts_of(parameter.schema, parameter.required, _capreg_types(parameter.schema, parameter.tokens in parents))
        view[parameter.pattern] = merged(view[parameter.pattern], facts) if parameter.pattern in view else facts
    return view


def _capreg_types(schema: dict[str, Any], has_children: bool) -> frozenset[str] | None:
    """The JSON types a parameter accepts. A branch that is only a `$ref` is known by what the
    index found inside it: an object when it lists parameters there."""
    types = stated_types(schema)
    if types is not None or "enum" in schema or "const" in schema:
        return types
    branches = [b for k in ("anyOf", "oneOf") for b in schema.get(k, ()) if isinstance(b, dict)]
    found: set[str] = set()
    for branch in branches:
        own = stated_types(branch) or (frozenset({json_type(branch["const"])}) if "const" in branch else None)
        if own is None and "$ref" in branch and has_children:
            own = frozenset({"object"})
        if own is None:
            return None
        found |= own
    return frozenset(found) if found else None


# -- the comparison ---------------------------------------------------------------------
def differences(registry: Registry, offering: Offering, target: Target, file: str) -> list[Finding]:
    ours, theirs = capreg_view(registry, offering), upstream_view(target.schema)
    base = {"offering": offering.id, "provider": target.provider, "document": file, "url": target.url()}

    def difference(rule_id: str, pattern: str, **ctx: Any) -> Finding:
        return rule(rule_id).finding(pattern, **base, name=code(pattern or "(payload)"), **ctx)

    found = [difference("upstream-property-missing", p) for p in _topmost(theirs.keys() - ours.keys())]
    found += [difference("upstream-property-extra", p) for p in _topmost(ours.keys() - theirs.keys())]
    id_pattern = offering.model_id_pointer
    for pattern in [p for p in theirs if p in ours and p != ROOT]:
        found += [difference(rule_id, pattern, **ctx)
                  for rule_id, ctx in _compared(ours[pattern], theirs[pattern], pattern == id_pattern)]
    closed = _closed_text(ours, theirs)
    if closed:
        found.append(difference("upstream-closed-differs", ROOT, detail=closed))
    return found


def _topmost(patterns: set[str]) -> list[str]:
    """The patterns whose parent is not itself in the set: a missing object, not each of its members."""
    return sorted(p for p in patterns if not any(p.startswith(other + "/") for other in patterns if other != p))


def _compared(ours: Facts, theirs: Facts, is_model_id: bool) -> list[tuple[str, dict[str, Any]]]:
    found: list[tuple[str, dict[str, Any]]] = []
    if ours.types is not None and ours.types != theirs.types:
        found.append(("upstream-type-differs", {"capreg": _types_text(ours.types), "upstream": _types_text(theirs.types)}))
    if ours.nullable != theirs.nullable:
        found.append(("upstream-nullable-differs", {"capreg": _null_text(ours.nullable),
                                                    "upstream": _null_text(theirs.nullable)}))
    if is_model_id:  # the offering's model id: the document may name every model it serves
        return found
    if not _same_values(ours.enum, theirs.enum):
        found.append(("upstream-enum-differs", {"detail": _enum_text(ours.enum, theirs.enum),
                                                "capreg_values": list(ours.enum or ()) or None,
                                                "upstream_values": list(theirs.enum or ()) or None}))
    if not equal(ours.default, theirs.default):
        found.append(("upstream-default-differs", {"capreg": _value_text(ours.default),
                                                   "upstream": _value_text(theirs.default)}))
    changed = [k for k in BOUNDS if not equal(ours.bound(k), theirs.bound(k))]
    if changed:
        found.append(("upstream-range-differs", {
            "bounds": "; ".join(f"{k} {_bound(ours.bound(k))} in capreg, {_bound(theirs.bound(k))} upstream"
                                for k in changed), "keywords": changed}))
    if ours.required != theirs.required:
        found.append(("upstream-required-differs", {"capreg": _required_text(ours.required),
                                                    "upstream": _required_text(theirs.required)}))
    if ours.format != theirs.format:
        found.append(("upstream-format-differs", {"capreg": _value_text(ours.format), "upstream": _value_text(theirs.format)}))
    return found


def _same_values(ours: tuple[Any, ...] | None, theirs: tuple[Any, ...] | None) -> bool:
    if ours is None or theirs is None:
        return ours is theirs
    return {show(v) for v in ours} == {show(v) for v in theirs}


def _enum_text(ours: tuple[Any, ...] | None, theirs: tuple[Any, ...] | None) -> str:
    if ours is None:
        return f"any value in capreg, {_list(theirs)} upstream"
    if theirs is None:
        return f"{_list(ours)} in capreg, any value upstream"
    only_theirs = [v for v in theirs if show(v) not in {show(w) for w in ours}]
    only_ours = [v for v in ours if show(v) not in {show(w) for w in theirs}]
    parts = ([f"{_list(only_theirs)} only upstream"] if only_theirs else []) + (
        [f"{_list(only_ours)} only in capreg"] if only_ours else [])
    return "; ".join(parts)


def _closed_text(ours: dict[str, Facts], theirs: dict[str, Facts]) -> str:
    both = [p for p in theirs if p in ours and (ours[p].types or {"object"}) & {"object"}]
    only_ours = [code(p or "(payload)") for p in both if ours[p].closed and not theirs[p].closed]
    only_theirs = [code(p or "(payload)") for p in both if theirs[p].closed and not ours[p].closed]
    parts = ([f"capreg rejects unknown properties at {', '.join(only_ours)}; the document does not"]
             if only_ours else []) + (
        [f"the document rejects unknown properties at {', '.join(only_theirs)}; capreg does not"] if only_theirs else [])
    return "; ".join(parts)


def _list(values: Any) -> str:
    return ", ".join(show(v) for v in values or ())


def _types_text(types: frozenset[str] | None) -> str:
    return "/".join(sorted(types)) if types else "any"


def _null_text(nullable: bool) -> str:
    return "accepted" if nullable else "rejected"


def _required_text(required: bool) -> str:
    return "required" if required else "optional"


def _value_text(value: Any) -> str:
    return "(none)" if value is NO_DEFAULT or value is None else show(value)


def _bound(value: Any) -> str:
    return NO_BOUND if value is None else show(value)


# -- acknowledgements and provenance ----------------------------------------------------
@dataclass(frozen=True, slots=True)
class Acknowledgement:
    rule: str
    pointer: str
    reason: str
    url: str | None  # the document it is about; None: any document of the offering
    position: int  # in x-upstream.acknowledged

    def applies_to(self, url: str | None) -> bool:
        return self.url is None or self.url == url


def provenance(offering: Offering) -> dict[str, Any]:
    recorded = offering.schema.get("x-upstream")
    return recorded if isinstance(recorded, dict) else {}


def acknowledgements(offering: Offering) -> list[Acknowledgement]:
    return [Acknowledgement(a["rule"], a["pointer"], a["reason"], a.get("url"), n)
            for n, a in enumerate(provenance(offering).get("acknowledged", ()))]


def acknowledged(findings: list[Finding], offering: Offering, url: str | None) -> list[Finding]:
    """The findings, each difference the offering acknowledges for this document made an info."""
    known = {(a.rule, a.pointer): a for a in acknowledgements(offering) if a.applies_to(url)}
    marked = []
    for finding in findings:
        entry = known.get((finding.rule, finding.pointer))
        if entry is None:
            marked.append(finding)
            continue
        marked.append(dataclasses.replace(finding, severity=Severity.INFO, hint=f"acknowledged in x-upstream: {entry.reason}",
                                          ctx={**finding.ctx, "acknowledged": entry.reason}))
    return marked


def unrecorded(offering: Offering, document: Document, target: Target) -> Finding | None:
    """An info when the offering's x-upstream does not record a check against this copy."""
    documents = [d for d in provenance(offering).get("documents", ()) if isinstance(d, dict)]
    if any(d.get("sha256") == document.sha256 for d in documents):
        return None
    same_url = [d for d in documents if d.get("url") == target.url()]
    checks = ", ".join(f"sha256 {str(d.get('sha256'))[:12]}… checked {d.get('checked')}" for d in same_url)
    last = f"it records {checks}" if same_url else "it records no check of this document's URL"
    return rule("upstream-unrecorded").finding(ROOT, offering=offering.id, document=document.file, url=target.url(),
                                               sha256=document.sha256, last=last,
                                               hint="record the check in x-upstream.documents once the differences "
                                                    "are resolved or acknowledged")


# -- a run over several documents -------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Checked:
    """One document and what its check found."""

    file: str
    document: Document | None  # None when it could not be read
    offerings: tuple[str, ...]
    findings: tuple[Finding, ...]

    def as_dict(self) -> dict[str, Any]:
        document = self.document
        return {"file": self.file, "format": document.format if document else None,
                "sha256": document.sha256 if document else None, "updated_at": document.updated_at if document else None,
                "offerings": list(self.offerings), "findings": [f.as_dict() for f in self.findings]}


@dataclass(frozen=True, slots=True)
class UpstreamReport:
    documents: tuple[Checked, ...]
    stale: tuple[Finding, ...]  # acknowledgements no checked document shows any more

    @property
    def findings(self) -> tuple[Finding, ...]:
        return (*(f for d in self.documents for f in d.findings), *self.stale)

    def as_dict(self) -> dict[str, Any]:
        return {"version": JSON_VERSION, "documents": [d.as_dict() for d in self.documents],
                "acknowledgements": [f.as_dict() for f in self.stale], "summary": summary(self.findings)}


def summary(findings: tuple[Finding, ...]) -> dict[str, int]:
    counts = {str(s): sum(f.severity is s for f in findings) for s in Severity}
    return {**counts, "acknowledged": sum("acknowledged" in f.ctx for f in findings)}


def check(registry: Registry, files: list[str], offering_id: str | None = None) -> UpstreamReport:
    """Each file compared with the offerings it describes (or with `offering_id`)."""
    checked: list[Checked] = []
    seen: dict[str, list[tuple[str | None, set[tuple[str, str]]]]] = {}  # offering -> (url, differences) per check
    for file in files:
        document = read(file)
        if isinstance(document, Finding):
            problem = dataclasses.replace(document, ctx={**document.ctx, "file": file})
            checked.append(Checked(file, None, (), (problem,)))
            continue
        findings: list[Finding] = []
        offerings: list[str] = []
        for target, offering in _pairs(registry, document, offering_id, findings):
            url = target.url() or _url_for(offering, target)
            target = dataclasses.replace(target, model_id=target.model_id or offering.model_id)
            found = acknowledged(differences(registry, offering, target, file), offering, url)
            seen.setdefault(offering.id, []).append((url, {(f.rule, f.pointer) for f in found}))
            if (note := unrecorded(offering, document, target)) is not None:
                found.append(note)
            offerings.append(offering.id)
            findings += found
        checked.append(Checked(file, document, tuple(offerings), tuple(findings)))
    return UpstreamReport(tuple(checked), tuple(_stale(registry, seen)))


def _url_for(offering: Offering, target: Target) -> str | None:
    return dataclasses.replace(target, model_id=offering.model_id).url()


def _pairs(registry: Registry, document: Document, offering_id: str | None,
           findings: list[Finding]) -> list[tuple[Target, Offering]]:
    """Each request schema of the document with the offering it describes; what matches no
    offering becomes a finding."""
    if offering_id is not None:
        chosen = registry.offering(offering_id)
        targets = [t for t in document.targets if t.model_id in chosen.model_ids]
        if not targets and len(document.targets) == 1:
            targets = list(document.targets)
        if not targets:
            findings.append(_unknown(document, document.targets[0], f" (--offering {offering_id} is none of them)"))
        return [(t, chosen) for t in targets]
    pairs = []
    for target in document.targets:
        matches = _offerings_for(registry, target)
        if matches:
            pairs += [(target, o) for o in matches]
        elif target.many:
            findings.append(rule("upstream-model-not-offered").finding(
                ROOT, document=document.file, provider=target.provider, model_id=target.model_id))
        else:
            findings.append(_unknown(document, target, ""))
    return pairs


def _offerings_for(registry: Registry, target: Target) -> list[Offering]:
    same_provider = [o for o in registry.offerings.values() if o.provider == target.provider]
    if target.model_id is not None:
        return [o for o in same_provider if target.model_id in o.model_ids]
    # Replicate's version document does not name its model: the version recorded in x-upstream does.
    return [o for o in same_provider if target.version is not None
            and any(d.get("version") == target.version for d in provenance(o).get("documents", ()))]


def _unknown(document: Document, target: Target, why: str) -> Finding:
    model = target.model_id or (f"version {target.version}" if target.version else "(not named by the document)")
    return rule("upstream-offering-unknown").finding(
        ROOT, "name the offering with --offering PROVIDER/MODEL, or draft one with `capreg upstream import`",
        document=document.file, provider=target.provider, model_id=model, why=why)


def _stale(registry: Registry, seen: dict[str, list[tuple[str | None, set[tuple[str, str]]]]]) -> list[Finding]:
    stale = []
    for offering_id, checks in seen.items():
        offering = registry.offering(offering_id)
        for entry in acknowledgements(offering):
            applicable = [found for url, found in checks if entry.applies_to(url)]
            if applicable and not any((entry.rule, entry.pointer) in found for found in applicable):
                stale.append(rule("upstream-acknowledgement-stale").finding(
                    f"/x-upstream/acknowledged/{entry.position}", "remove the acknowledgement, or correct its rule or pointer",
                    offering=offering_id, file=offering.path, acknowledged_rule=entry.rule, at=code(entry.pointer or "(payload)")))
    return stale


# -- output -------------------------------------------------------------------------------
def render_text(report: UpstreamReport) -> str:
    out = []
    for checked in report.documents:
        kind = f" ({checked.document.format})" if checked.document else ""
        against = f" → {', '.join(checked.offerings)}" if checked.offerings else ""
        out.append(f"{checked.file}{kind}{against}")
        out += [_line(f) for f in checked.findings] or ["  no differences"]
    if report.stale:
        out.append("x-upstream acknowledgements")
        out += [_line(f) for f in report.stale]
    counts = summary(report.findings)
    out.append(f"\n{len(report.documents)} documents: {counts['error']} errors, {counts['warning']} warnings, "
               f"{counts['info']} infos ({counts['acknowledged']} acknowledged differences)")
    return "\n".join(out) + "\n"


def _line(finding: Finding) -> str:
    where = f" {finding.ctx['offering']}:" if "offering" in finding.ctx else ""
    text = f"  {finding.severity}[{finding.rule}]{where} {finding.message}"
    return text + (f"\n      {finding.hint}" if finding.hint else "")


def render_markdown(report: UpstreamReport) -> str:
    from registry.report.escapes import markdown_cell

    out = []
    for checked in report.documents:
        out.append(f"## `{checked.file}`\n\n")
        if checked.document:
            out.append(f"{checked.document.format}, sha256 `{checked.document.sha256}`; offerings: "
                       f"{', '.join(checked.offerings) or 'none'}\n\n")
        out.append(_markdown_table(checked.findings, markdown_cell))
    if report.stale:
        out.append("## x-upstream acknowledgements\n\n" + _markdown_table(report.stale, markdown_cell))
    counts = summary(report.findings)
    out.append(f"{counts['error']} errors, {counts['warning']} warnings, {counts['info']} infos "
               f"({counts['acknowledged']} acknowledged differences)\n")
    return "".join(out)


def _markdown_table(findings: tuple[Finding, ...], cell: Any) -> str:
    if not findings:
        return "No differences.\n\n"
    rows = ["| severity | rule | offering | pointer | message |\n|---|---|---|---|---|\n"]
    rows += [f"| {f.severity} | {f.rule} | {f.ctx.get('offering', '')} | `{f.pointer}` | "
             f"{cell(f.message + (f' ({f.hint})' if f.hint else ''))} |\n" for f in findings]
    return "".join(rows) + "\n"
