"""How reporters and tables show text: escaped for a terminal or a CI log (`visible`), as
JSON that hides nothing (`json_text`), in a Markdown cell, in aligned columns."""

from __future__ import annotations

import itertools
import json
import re

from registry.base.text import shortened

# A payload's keys and values and the names of its files end up in messages, and a terminal,
# a CI log or a code review page must show them, not act on them. C0 controls (but tab): ESC
# sequences, BEL, CR. Then what JSON leaves raw: DEL and C1 controls (0x9b is a one-byte CSI);
# bidi controls and marks, which reorder the text around them ("Trojan Source"); the line and
# paragraph separators; lone surrogates, Python's stand-ins for the bytes of a file name that
# are not UTF-8 (written back raw, such a byte is a C1 control, or leaves the output not UTF-8).
_C0_CONTROLS = ((0x00, 0x08), (0x0A, 0x1F))  # ranges of code points, both ends included
_INVISIBLE = ((0x7F, 0x9F), (0x061C, 0x061C), (0x200E, 0x200F), (0x2028, 0x202E), (0x2066, 0x2069),
              (0xD800, 0xDFFF))


def _any_of(*ranges: tuple[int, int]) -> str:
    # A character class, not str.translate: translate looks up every character of a text that
    # is not ASCII (~80 ns each, four times what json.dumps costs); the class scans in ~7 ns.
    # Compiled by `re` on first use (~0.4 ms each): most text is printable ASCII and needs neither.
    return "[" + "".join(f"{re.escape(chr(first))}-{re.escape(chr(last))}" for first, last in ranges) + "]"


_CONTROL_CLASS = _any_of(*_C0_CONTROLS, *_INVISIBLE)
_JSON_ESCAPE_CLASS = _any_of(*_INVISIBLE)


def _escape(match: re.Match[str]) -> str:
    code = ord(match[0])
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(text: str) -> str:
    if text.isascii() and text.isprintable():  # printable ASCII, the common case, holds nothing to escape
        return text
    return re.sub(_CONTROL_CLASS, _escape, text)


def json_text(value: object, indent: int | None = None) -> str:
    """`value` as JSON in which every character shows: the characters `visible` escapes become
    JSON escapes (json.dumps already escapes C0), so a consumer reads back the exact strings and
    the file, shown in a terminal, hides nothing. Other scripts stay as they are (ensure_ascii
    would escape every letter of them too)."""
    text = json.dumps(value, ensure_ascii=False, indent=indent)
    if text.isascii() and "\x7f" not in text:  # ASCII: json.dumps escaped C0 already, DEL is all that is left
        return text
    return re.sub(_JSON_ESCAPE_CLASS, lambda match: f"\\u{ord(match[0]):04x}", text)


def shown_pointer(pointer: str) -> str:
    """A finding's pointer as text output shows it: JSON output keeps it whole, but a line
    of text must not carry a 15 MiB key."""
    return shortened(pointer, 200) if pointer else "(payload)"


def markdown_cell(text: object) -> str:
    """Text safe inside a Markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ")


# A wrapped column is never made narrower than this, however narrow the terminal.
NARROWEST_WRAPPED = 12


def text_table(rows: list[tuple[str, ...]], width: int | None = None, wrap: tuple[int, ...] = ()) -> str:
    """Rows as aligned columns for a terminal; the first row is the header. Given a `width`,
    the columns numbered in `wrap` are narrowed, widest first, and their cells wrapped onto
    more lines, until the table fits (or they reach NARROWEST_WRAPPED)."""
    import textwrap  # for the tables of other commands: `capreg validate` never pays for it

    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    while width is not None and sum(widths) + 2 * (len(widths) - 1) > width:
        widest = max(wrap, key=lambda i: widths[i], default=None)
        if widest is None or widths[widest] <= NARROWEST_WRAPPED:
            break
        widths[widest] -= 1
    lines = []
    for row in rows:
        cells = [textwrap.wrap(str(cell), w) or [""] if i in wrap else [str(cell)]
                 for i, (cell, w) in enumerate(zip(row, widths))]
        for parts in itertools.zip_longest(*cells, fillvalue=""):
            lines.append("  ".join(part.ljust(w) for part, w in zip(parts, widths)).rstrip())
    return "\n".join(lines)
