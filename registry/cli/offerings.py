"""`capreg list` and `capreg show OFFERING`: what the registry holds."""

from __future__ import annotations

import json

import click

from registry.base.errors import UnknownOffering
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
    click.echo(f"\n{len(rows)} offerings of {len(registry.models())} models at {providers} providers"
               + (trees if len(registry.trees) > 1 else ""))


@click.command()
@click.argument("offering")
@click.option("--schema", "raw", is_flag=True, help="Print the schema file itself.")
def show(offering: str, raw: bool) -> None:
    """Show one OFFERING: identity, sources, notes, parameters and rules."""
    from registry.report.escapes import text_table
    from registry.schema.index import NO_DEFAULT, constraint_label, index_of, type_label
    from registry.schema.sources import sources_of
    from registry.tools.upstream.provenance import upstream_lines

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
    index = index_of(registry, chosen.id)
    lines = [f"{chosen.id} — {chosen.title}", f"  model        {chosen.model}" + (f" ({chosen.variant})" if chosen.variant else ""),
             f"  model id     {chosen.model_id}" + (f" (also {', '.join(chosen.model_id_aliases)})" if chosen.model_id_aliases else ""),
             f"  detected at  {chosen.model_id_pointer or '(the URL selects the model; use --offering)'}"]
    if "x-endpoint" in chosen.schema:
        lines.append(f"  endpoint     {chosen.schema['x-endpoint']}")
    tree = registry.tree_of(chosen.uri)
    lines.append(f"  schema       {'schemas/' if tree.builtin else tree.name + '/'}{chosen.path}")
    click.echo("\n".join(lines))
    rows = [("PARAMETER", "TYPE", "REQ", "DEFAULT", "ALLOWED", "CONCEPT")]
    for p in index.parameters:
        facts = p.facts
        rows.append((
            p.pattern + (f"  [{p.variant}]" if p.variant else ""),
            type_label(facts),
            "yes" if p.required else "",
            json.dumps(p.default) if p.default is not NO_DEFAULT else "",
            constraint_label(facts),
            (p.concept or "") + (" (ignored)" if p.ignored else ""),
        ))
    click.echo("\n" + text_table(rows))
    if index.rules:
        click.echo("\nRules:")
        for plan in index.rules:
            click.echo(f"  {plan.keyword} at {'/' + '/'.join(plan.tokens) if plan.tokens else '(root)'}: "
                       f"{json.dumps(plan.argument, ensure_ascii=False)}")
    if chosen.notes:
        click.echo("\nNotes:")
        for note in chosen.notes:
            click.echo(f"  - {note}")
    click.echo("\nSources:")
    for key, citation in sources_of(registry, chosen.uri).items():
        click.echo(f"  [{key}] {citation}")
    checked = upstream_lines(chosen.schema.get("x-upstream"))
    if checked:
        click.echo("\nChecked against the provider's own spec (x-upstream):")
        click.echo("\n".join(f"  {line}" for line in checked))
