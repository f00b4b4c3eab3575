"""`capreg list` and `capreg show OFFERING`: what the registry holds."""

from __future__ import annotations

import json

import click

from registry.base.errors import UnknownOffering
from registry.base.text import plural
from registry.cli.common import broken_offering, echo_json, load_registry, unknown_name


@click.command(name="list")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def list_offerings(output_format: str) -> None:
    """List every offering: provider, model, model id, where the id sits in a payload."""
    from registry.report.reporters import text_table

    registry = load_registry()
    rows = [
        {"offering": o.id, "provider": o.provider, "model": o.model, "variant": o.variant,
         "model_id": o.model_id, "detected_at": o.model_id_pointer, "title": o.title}
        for o in registry.offerings.values()
    ]
    if output_format == "json":
        echo_json(rows)
        return
    table = [("OFFERING", "MODEL", "MODEL ID", "DETECTED AT")] + [
        (r["offering"], r["model"], r["model_id"], r["detected_at"] or "(URL; use --offering)") for r in rows
    ]
    click.echo(text_table(table))
    providers = len({r["provider"] for r in rows})
    click.echo(f"\n{plural(len(rows), 'offering')} of {plural(len(registry.models()), 'model')} "
               f"at {plural(providers, 'provider')}")


@click.command()
@click.argument("offering")
@click.option("--schema", "raw", is_flag=True, help="Print the schema file itself.")
def show(offering: str, raw: bool) -> None:
    """Show one OFFERING: identity, sources, notes, parameters and rules."""
    from registry.report.reporters import text_table
    from registry.schema.index import NO_DEFAULT, constraint_label, index_of, type_label
    from registry.schema.sources import sources_of

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
    lines.append(f"  schema       schemas/{chosen.path}")
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
