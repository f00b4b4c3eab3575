"""`capreg list` and `capreg show OFFERING`: what the registry holds."""

from __future__ import annotations

import json
import shutil
import textwrap
from typing import Any

import click

from registry.base import pointers
from registry.base.errors import UnknownOffering
from registry.base.text import plural
from registry.cli.common import broken_offering, echo_json, load_registry, unknown_name


@click.command(name="list")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def list_offerings(output_format: str) -> None:
    """List every offering: provider, model, model id, where the id sits in a payload, the
    tree it comes from, and the trees whose offering of the same id it replaces."""
    from registry.report.escapes import text_table

    registry = load_registry()
    rows = [
        {"offering": o.id, "provider": o.provider, "model": o.model, "variant": o.variant,
         "model_id": o.model_id, "detected_at": o.model_id_pointer, "title": o.title,
         "tree": registry.tree_of(o.uri).name, "replaces": [t.name for t in registry.replaced.get(o.id, ())]}
        for o in registry.offerings.values()
    ]
    if output_format == "json":
        echo_json(rows)
        return
    table = [("OFFERING", "MODEL", "MODEL ID", "DETECTED AT", "TREE")] + [
        (r["offering"], r["model"], r["model_id"], r["detected_at"] or "(URL; use --offering)",
         r["tree"] + "".join(f" (replaces {name})" for name in r["replaces"])) for r in rows
    ]
    click.echo(text_table(table))
    providers = len({r["provider"] for r in rows})
    replaced = sum(1 for r in rows if r["replaces"])
    trees = f" from {len(registry.trees)} trees" + (f", {replaced} replaced by a later tree" if replaced else "")
    click.echo(f"\n{plural(len(rows), 'offering')} of {plural(len(registry.models()), 'model')} "
               f"at {plural(providers, 'provider')}" + (trees if len(registry.trees) > 1 else ""))


# `capreg show --format json`: the shape of the other commands' documents.
SHOW_JSON_VERSION = 2
# Every column of `show`'s table but REQ wraps to fit the terminal, the widest first.
_WRAPPED_COLUMNS = (0, 1, 3, 4, 5)


@click.command()
@click.argument("offering")
@click.option("--schema", "raw", is_flag=True, help="Print the schema file itself.")
@click.option("--format", "output_format", type=click.Choice(["text", "json", "markdown"]), default="text",
              show_default=True, help="text: fits the terminal; json: the documented shape; markdown: for docs and PRs.")
def show(offering: str, raw: bool, output_format: str) -> None:
    """Show one OFFERING: identity, sources, notes, parameters and rules."""
    registry = load_registry()
    if offering in registry.failures:
        raise broken_offering(registry, offering)
    try:
        chosen = registry.offering(offering)
    except UnknownOffering as exc:
        raise unknown_name(exc, "OFFERING") from None
    if raw:
        click.echo(json.dumps(chosen.schema, indent=2, ensure_ascii=False))
        return
    described = _described(registry, chosen)
    if output_format == "json":
        echo_json({"version": SHOW_JSON_VERSION, **described})
    elif output_format == "markdown":
        click.echo(_markdown(described), nl=False)
    else:
        # COLUMNS, else the terminal's width; piped to another program, nothing is wrapped.
        click.echo(_text(described, shutil.get_terminal_size(fallback=(0, 0)).columns or None), nl=False)


def _described(registry: Any, chosen: Any) -> dict[str, Any]:
    """Everything `show` says about an offering, as JSON data."""
    from registry.schema.index import NO_DEFAULT, constraint_label, index_of, type_label
    from registry.schema.sources import sources_of
    from registry.tools.upstream.provenance import upstream_lines

    index = index_of(registry, chosen.id)
    tree = registry.tree_of(chosen.uri)
    return {
        "offering": chosen.id, "title": chosen.title, "model": chosen.model, "variant": chosen.variant,
        "model_id": chosen.model_id, "model_id_aliases": list(chosen.model_id_aliases),
        "detected_at": chosen.model_id_pointer, "endpoint": chosen.schema.get("x-endpoint"),
        "schema": f"{'schemas' if tree.builtin else tree.name}/{chosen.path}",
        "parameters": [{"pointer": p.pattern, "variant": p.variant, "type": type_label(p.schema), "required": p.required,
                        "default": None if p.default is NO_DEFAULT else p.default,
                        "has_default": p.default is not NO_DEFAULT, "allowed": constraint_label(p.schema),
                        "concept": p.concept, "ignored": p.ignored} for p in index.parameters],
        "rules": [{"keyword": plan.keyword, "at": pointers.to_pointer(plan.tokens), "argument": plan.argument}
                  for plan in index.rules],
        "notes": list(chosen.notes),
        "sources": dict(sources_of(registry, chosen.uri)),
        "upstream": upstream_lines(chosen.schema.get("x-upstream")),
    }


def _parameter_rows(described: dict[str, Any]) -> list[tuple[str, ...]]:
    rows = [("PARAMETER", "TYPE", "REQ", "DEFAULT", "ALLOWED", "CONCEPT")]
    for p in described["parameters"]:
        rows.append((p["pointer"] + (f"  [{p['variant']}]" if p["variant"] else ""), p["type"],
                     "yes" if p["required"] else "", json.dumps(p["default"]) if p["has_default"] else "",
                     p["allowed"], (p["concept"] or "") + (" (ignored)" if p["ignored"] else "")))
    return rows


def _text(described: dict[str, Any], width: int | None) -> str:
    from registry.report.escapes import text_table

    d = described
    lines = [f"{d['offering']} — {d['title']}", f"  model        {d['model']}" + (f" ({d['variant']})" if d["variant"] else ""),
             f"  model id     {d['model_id']}" + (f" (also {', '.join(d['model_id_aliases'])})" if d["model_id_aliases"] else ""),
             f"  detected at  {d['detected_at'] or '(the URL selects the model; use --offering)'}"]
    if d["endpoint"]:
        lines.append(f"  endpoint     {d['endpoint']}")
    lines += [f"  schema       {d['schema']}", "", text_table(_parameter_rows(d), width, _WRAPPED_COLUMNS)]
    if d["rules"]:
        lines += ["", "Rules:"] + [f"  {r['keyword']} at {r['at'] or '(root)'}: {json.dumps(r['argument'], ensure_ascii=False)}"
                                   for r in d["rules"]]
    if d["notes"]:
        lines += ["", "Notes:"] + [f"  - {note}" for note in d["notes"]]
    lines += ["", "Sources:"] + [f"  [{key}] {citation}" for key, citation in d["sources"].items()]
    if d["upstream"]:
        lines += ["", "Checked against the provider's own spec (x-upstream):"] + [f"  {line}" for line in d["upstream"]]
    return "\n".join(_fitted(line, width) if width else line for line in lines) + "\n"


def _fitted(line: str, width: int) -> str:
    """An indented prose line wrapped to the terminal, its continuation indented like it
    (table lines are fitted by the table)."""
    if len(line) <= width or not line.startswith("  "):
        return line
    indent = " " * (len(line) - len(line.lstrip(" -")))
    return "\n".join(textwrap.wrap(line, width, subsequent_indent=indent + "  ", break_long_words=False,
                                    break_on_hyphens=False))


def _markdown(described: dict[str, Any]) -> str:
    from registry.report.escapes import markdown_cell

    d = described
    out = [f"## {d['offering']} — {d['title']}\n\n",
           f"- model: {d['model']}" + (f" ({d['variant']})" if d["variant"] else "") + "\n",
           f"- model id: `{d['model_id']}`\n",
           f"- detected at: {'`' + d['detected_at'] + '`' if d['detected_at'] else 'the URL'}\n",
           f"- schema: `{d['schema']}`\n\n"]
    rows = _parameter_rows(d)
    out.append("| " + " | ".join(h.lower() for h in rows[0]) + " |\n|" + "---|" * len(rows[0]) + "\n")
    out += ["| " + " | ".join(markdown_cell(cell) for cell in row) + " |\n" for row in rows[1:]]
    if d["rules"]:
        out.append("\n### Rules\n\n")
        out += [f"- `{r['keyword']}` at `{r['at'] or '/'}`: `{json.dumps(r['argument'], ensure_ascii=False)}`\n"
                for r in d["rules"]]
    if d["notes"]:
        out.append("\n### Notes\n\n")
        out += [f"- {markdown_cell(note)}\n" for note in d["notes"]]
    out.append("\n### Sources\n\n")
    out += [f"- [{key}] {markdown_cell(citation)}\n" for key, citation in d["sources"].items()]
    if d["upstream"]:
        out.append("\n### Checked against the provider's own spec\n\n")
        out += [f"- {markdown_cell(line)}\n" for line in d["upstream"]]
    return "".join(out)
