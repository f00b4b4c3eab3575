"""Where capreg's editor schemas live, and the yaml-language-server modeline that names one.

`capreg generate` writes one editor schema per offering, in two flavours:

    editor/<provider>/<model>.json            Draft 2020-12 (VS Code's JSON service)
    editor/draft-07/<provider>/<model>.json   draft-07 (yaml-language-server)

A YAML payload may name its schema in a comment, as yaml-language-server reads it:

    # yaml-language-server: $schema=../generated/editor/draft-07/runware/lipsync-2.json

`capreg validate` takes the offering from such a line when its target is one of these files
(a path or URL ending in either layout, the catalog's URLs included): the editor and capreg
then agree on what the file is. Any other target names no offering here.
"""

from __future__ import annotations

import re

EDITOR = "editor"
DRAFT_07 = "draft-07"

# yaml-language-server reads a comment line `# yaml-language-server: $schema=<target>`.
MODELINE = re.compile(r"^[ \t]*#[ \t]*yaml-language-server[ \t]*:[^\n]*?\$schema=(?P<target>[^\s]+)", re.MULTILINE)
# Only the first lines are searched: a modeline sits at the top, and a payload may be 16 MiB.
MODELINE_WINDOW = 4096
# `draft-07/` first: `editor/draft-07/x.json` is then still provider draft-07's model x.
_EDITOR_SCHEMA = re.compile(rf"(?:^|/){EDITOR}/(?:{DRAFT_07}/)?(?P<provider>[^/]+)/(?P<model>[^/]+)\.json$")


def editor_schema_path(offering_id: str, draft_07: bool = False) -> str:
    """The editor schema of an offering, relative to the generated/ folder."""
    return f"{EDITOR}/{DRAFT_07}/{offering_id}.json" if draft_07 else f"{EDITOR}/{offering_id}.json"


def offering_of_schema(target: str) -> str | None:
    """The offering whose editor schema `target` (a path or URL) names; None for any other."""
    path = target.split("#", 1)[0].split("?", 1)[0].replace("\\", "/")
    match = _EDITOR_SCHEMA.search(path)
    return f"{match['provider']}/{match['model']}" if match else None


def schema_target(text: str) -> str | None:
    """The `$schema=` target of the first yaml-language-server modeline of a YAML text."""
    head = text[:MODELINE_WINDOW]
    if len(text) > MODELINE_WINDOW:
        head = head[:head.rfind("\n") + 1]  # whole lines only: a cut target would name another file
    match = MODELINE.search(head)
    return match["target"] if match else None


def modeline_offering(text: str) -> str | None:
    """The offering a YAML text's modeline names, if it names one of capreg's editor schemas."""
    target = schema_target(text)
    return offering_of_schema(target) if target else None
