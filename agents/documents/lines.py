"""Line shaping shared by the document readers: headings, list items, checkbox glyphs.

Pure string work on the caller's thread. Every reader hands its paragraphs to
``emit`` so all formats come out in the shape the line-based extractor reads:
``# heading``, ``- item`` (two spaces per list level), ``[ ]``/``[x]`` for
checkbox glyphs, and bullet glyphs (``•``, ``▪``...) at a line's start as ``- ``.
"""

from __future__ import annotations

import re

from agents.documents.base import Sink

# A bullet glyph (Word's Symbol-font bullet comes out as U+F0B7) followed by a space or tab.
_GLYPH_BULLET = re.compile(r"^(\s*)[•·▪◦‣∙■□●○\uf0b7\uf0a7\uf076\uf0d8](?:[ \t]+|$)")
# Only checkbox glyphs: a tick (✓ ✔ ✅) also heads legends and status lines ("✅ - Complete"), and the same line
# in a Markdown file is no task either.
_GLYPH_BOX = re.compile(r"^(\s*(?:- )?)([☐❑❒]|[☒☑])[ \t]*")
_MARKED = re.compile(r"\s*(?:[-*+]\s|\d{1,3}[.)]\s)")
_SPACE = str.maketrans({"\t": " ", "\u00a0": " ", "\u200b": None, "\ufeff": None, "\x0b": "\n", "\x0c": "\n"})


def normalise_marker(line: str) -> str:
    """``• x`` → ``- x``; a leading ``☐``/``☒`` → ``[ ]``/``[x]``; anything else unchanged."""
    line = _GLYPH_BULLET.sub(r"\1- ", line, count=1)
    match = _GLYPH_BOX.match(line)
    if match:
        box = "[ ]" if match.group(2) in "☐❑❒" else "[x]"
        line = f"{match.group(1)}{box} {line[match.end():]}"
    return line


def emit(
    sink: Sink, text: str, *, heading: int | None = None, indent: int | None = None, continuation: int | None = None
) -> None:
    """Write one paragraph; ``heading`` level → ``# ``, list level ``indent`` → ``- `` indented two spaces
    a level; ``continuation`` indents a list item's later paragraphs under it."""
    lines = text.translate(_SPACE).split("\n")
    for number, raw in enumerate(lines):
        line = normalise_marker(raw.rstrip())
        if number == 0 and line.strip():
            if heading is not None and not line.lstrip().startswith("#"):
                line = "#" * max(1, min(heading, 6)) + " " + line.strip()
            elif indent is not None:
                body = line.strip()
                line = "  " * indent + (body if _MARKED.match(body) else "- " + body)
            elif continuation is not None:
                line = "  " * (continuation + 1) + line.strip()
        elif line.strip() and (indent is not None or continuation is not None):
            level = indent if indent is not None else continuation
            line = "  " * ((level or 0) + 1) + line.strip()
        sink.line(line)
