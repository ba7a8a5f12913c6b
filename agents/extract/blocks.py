"""A document's lines grouped into units: headings, list items, table rows and paragraph lines.

Pure, no I/O, any thread. What is never read for tasks or dates is marked
``skip``: YAML/TOML front matter, fenced and indented code blocks, HTML
comments, ``>`` quotes and link reference definitions. A list item keeps its wrapped continuation lines
(joined with single spaces) and knows its parent item, so sub-bullets can be
told from items; a paragraph line joins the next line when it is wrapped
mid-sentence and that line does not start a statement of its own.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

_ITEM = re.compile(r"(?P<ind>[ \t]*)(?P<mark>[-*+•]|\d{1,3}[.)])[ \t]+(?P<rest>.*)")
_BARE_BOX = re.compile(r"(?P<ind>[ \t]*)(?=\[[ xX]\][ \t]+\S)(?P<rest>.*)")
_BOX = re.compile(r"\[(?P<m>[ xX])\][ \t]+(?P<rest>\S.*)")
# "###Mar 21 - Mar 25" (no space: GitHub's renderer before CommonMark) is a heading too, "#hashtag" is not
_HEADING = re.compile(r"[ \t]{0,3}(?P<h>#{1,6})(?:[ \t]+|(?<=##)(?=[A-Z]))(?P<text>.*?)[ \t#]*$")
_UNDERLINE = re.compile(r"[ \t]{0,3}(?:=+|-+)[ \t]*")
_RULE = re.compile(r"[ \t]{0,3}(?:[-*_][ \t]*){3,}")
# a table's delimiter row, leading and trailing pipes optional ("-|-", "|---|:--:|"): the line above is a header
_DELIM = re.compile(r"[ \t]*\|?(?:[ \t]*:?-+:?[ \t]*\|)+(?:[ \t]*:?-+:?[ \t]*)?")
# a fence's info string is a word ("```python", "~~~ {.rust}"), never Markdown: "~~~~[**P-high issues**](…)" and
# "~~~~- [~~Pin~~]…" are struck-through text pasted from a web editor, not code
_FENCE = re.compile(r"[ \t]{0,3}(?P<f>`{3,}|~{3,})(?![ \t]*[-*+\[(~_>])")
_STATEMENT = re.compile(
    r"(?:\*\*|__|\*|_)?(?:[A-Z@][\w.@&/ '’-]{0,30}?|AI|TODO|FIXME)(?:\*\*|__|\*|_)?[ \t]*(?::|-[ \t])", re.ASCII
)
_MARKER_START = re.compile(r"(?:TODO|FIXME|todo|To[- ]?do|AI|Action|ACTION|Next step)\b|\[?\d{1,4}[-:/.]\d")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
# a link reference definition ("[2023-02-17]: https://calendar…", "[rpg]: ./goals.md 'Goals'"): an address for
# the links above it, not text (its label is no date, its address no title)
_LINK_DEF = re.compile(r"[ \t]{0,3}\[[^\]]+\]:[ \t]*<?(?:[a-z][a-z0-9+.-]*:|/|#|\.)\S*"
                       r"(?:[ \t]+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?[ \t]*$", re.IGNORECASE)


@dataclass(slots=True)
class Unit:
    kind: str  # "heading" | "item" | "para" | "row"
    line: int  # 1-based number of its first line
    text: str  # joined, marker removed (for items: bullet removed, checkbox kept in ``box``)
    indent: int = 0
    level: int = 0  # heading level
    box: str | None = None  # " " or "x" for a checkbox
    ordered: bool = False
    parent: int | None = None  # index of the parent item
    end_line: int = 0
    raw_lines: list[str] = field(default_factory=list)


def _width(ind: str) -> int:
    return len(ind.expandtabs(4)) if "\t" in ind else len(ind)


def _structural(line: str, t: str) -> bool:
    """Whether a stripped line ``t`` cannot continue a paragraph: a list item, heading, table, rule or marker."""
    first = t[:1]
    if first in "-*+•[#|=" or first.isdigit():
        if _ITEM.fullmatch(line) or _BARE_BOX.fullmatch(line) or _HEADING.fullmatch(line) or first == "|" \
                or _UNDERLINE.fullmatch(line) or _MARKER_START.match(t) or _DELIM.fullmatch(line):
            return True
    head = t[:44]
    if (":" in head or "- " in head) and _STATEMENT.match(t):
        return True
    return first in "TtFfAaN" and _MARKER_START.match(t) is not None


def _fence_closers(lines: list[str]) -> dict[str, list[int]]:
    """Per fence character, per line: the longest bare fence ("```", "~~~~") at or after it (0 for none), so a
    fence that opens without ever closing is found in one pass."""
    out = {c: [0] * (len(lines) + 1) for c in "`~"}
    for j in range(len(lines) - 1, -1, -1):
        s = lines[j].strip()
        for c, best in out.items():
            run = len(s) - len(s.lstrip(c))
            best[j] = max(best[j + 1], run if run >= 3 and not s[run:].strip() else 0)
    return out


def skipped_lines(lines: list[str]) -> list[bool]:
    """Per line: front matter, code (fenced or indented), HTML comment, quote or link reference definition."""
    n = len(lines)
    skip = [False] * n
    i = 0
    if n and lines[0].strip() in ("---", "+++"):
        close = lines[0].strip()
        for j in range(1, min(n, 200)):
            if lines[j].strip() in (close, "..."):
                for k in range(j + 1):
                    skip[k] = True
                i = j + 1
                break
    fence: str | None = None
    closers: dict[str, list[int]] | None = None
    in_comment = False
    prev_blank, in_list = True, False
    while i < n:
        raw = lines[i]
        s = raw.strip()
        if fence is not None:
            skip[i] = True
            if s.startswith(fence) and not s[len(fence):].strip(fence[0] + " \t"):
                fence = None
            i += 1
            continue
        if in_comment:
            skip[i] = True
            if "-->" in raw:
                in_comment = False
            i += 1
            continue
        first = s[:1]
        m = _FENCE.match(raw) if first in "`~" else None
        if m:
            skip[i] = True
            if closers is None:
                closers = _fence_closers(lines)
            if closers[m.group("f")[0]][i + 1] >= len(m.group("f")):
                fence = m.group("f")  # (a fence never closed is a stray line: "```markdown" left by a generator)
            i += 1
            continue
        if first == "<" and s.startswith("<!--") and "-->" not in s:
            in_comment = True
            skip[i] = True
            i += 1
            continue
        lead = _width(raw[: len(raw) - len(raw.lstrip())]) if s and raw[:1] in " \t" else 0
        if first == ">" or (first == "[" and _LINK_DEF.match(raw)):
            skip[i] = True
        elif lead >= 4 and prev_blank and not in_list:
            skip[i] = True  # indented code block
            i += 1
            while i < n and (not lines[i].strip() or _width(lines[i][: len(lines[i]) - len(lines[i].lstrip())]) >= 4):
                skip[i] = True
                i += 1
            prev_blank = True
            continue
        if s:
            if (first in "-*+•" or first.isdigit()) and _ITEM.match(raw):
                in_list = True
            elif lead == 0 and prev_blank:
                in_list = False
        prev_blank = not s
        i += 1
    return skip


# A line that ends a thought though it has no full stop: short (not filled to a wrap width) and not
# ending in a word or mark that carries on ("and", "the", ",", "-").
_THOUGHT_END = re.compile(
    r"^.{1,50}(?<![,;(&/+=–—-])(?<!\band)(?<!\bor)(?<!\bthe)(?<!\bof)(?<!\bto)(?<!\ba)(?<!\ban)(?<!\bfor)"
    r"(?<!\bwith)(?<!\bin)(?<!\bon)(?<!\bat)(?<!\bby)$"
)


_TR = re.compile(r"<tr\b[^>]*>(.*?)</tr\s*>", re.IGNORECASE | re.DOTALL)
_CELL = re.compile(r"<t([dh])\b[^>]*>(.*?)</t\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>")


def _html_rows(lines: list[str], i: int) -> tuple[list[Unit], int] | None:
    """The rows of the HTML table that starts on line ``i`` as "| a | b |" row units, a separator row after
    the first (its header, numbered as the line after it), each row's ``end_line`` reaching up to the next
    row, so that the rows read as one table; and the line after the table. None when the table does not
    close within 5,000 lines."""
    end = next((j for j in range(i, min(len(lines), i + 5000)) if "</table" in lines[j].lower()), None)
    if end is None:
        return None
    block = "\n".join(lines[i:end + 1])
    rows: list[Unit] = []
    for tr in _TR.finditer(block):
        cells = [" ".join(html.unescape(_TAG.sub(" ", c.group(2))).split()) for c in _CELL.finditer(tr.group(1))]
        line = i + 1 + block.count("\n", 0, tr.start())
        if rows:
            rows[-1].end_line = line - 1
        rows.append(Unit("row", line, "| " + " | ".join(cells) + " |", end_line=line))
        if len(rows) == 1:
            rows.append(Unit("row", line + 1, "|" + "---|" * len(cells), end_line=line + 1))
    if rows:
        rows[-1].end_line = end + 1
    return rows, end + 1


def units(text: str, *, one_line_paragraphs: bool = False) -> tuple[list[str], list[Unit]]:
    """The text's lines and its units in order; skipped lines give no unit.

    ``one_line_paragraphs``: every line is a unit of its own (todo.txt: one task a line).
    """
    if "<!--" in text:
        # one-line comments vanish (keeping line numbers); multi-line ones are skipped below
        text = _COMMENT.sub(lambda m: "\n" * m.group(0).count("\n") if "\n" in m.group(0) else "", text)
    lines = text.split("\n")
    skip = skipped_lines(lines)
    out: list[Unit] = []
    stack: list[int] = []  # indexes of open items, by indent
    i, n = 0, len(lines)
    last_blank = True
    while i < n:
        raw = lines[i]
        s = raw.strip()
        if skip[i] or not s:
            if not s:
                last_blank = True
            else:
                stack.clear()
            i += 1
            continue
        if s[:6].lower() == "<table" and (rows := _html_rows(lines, i)) is not None:
            out.extend(rows[0])  # an HTML table in Markdown: its rows as table rows
            i = rows[1]
            last_blank = False
            continue
        nxt = lines[i + 1] if i + 1 < n else ""
        h = _HEADING.fullmatch(raw)
        if h or (_UNDERLINE.fullmatch(nxt) and not _ITEM.match(raw) and not skip[i + 1 if i + 1 < n else i]
                 and not _RULE.fullmatch(raw) and "|" not in s and nxt.strip()):
            level = len(h.group("h")) if h else (1 if nxt.strip().startswith("=") else 2)
            out.append(Unit("heading", i + 1, h.group("text") if h else s, level=level, end_line=i + 1))
            stack.clear()
            i += 1 if h else 2
            last_blank = True
            continue
        if _RULE.fullmatch(raw):
            stack.clear()
            i += 1
            continue
        m = _ITEM.fullmatch(raw) or _BARE_BOX.fullmatch(raw)
        if m:
            indent = _width(m.group("ind"))
            rest = m.group("rest")
            ordered = bool(m.groupdict().get("mark") and m.group("mark")[0].isdigit())
            box = None
            b = _BOX.fullmatch(rest)
            if b:
                box, rest = ("x" if b.group("m") in "xX" else " "), b.group("rest")
            while stack and out[stack[-1]].indent >= indent:
                stack.pop()
            parent = stack[-1] if stack else None
            content_col = indent + 2
            parts, raws = [rest.strip()], [raw]
            j = i + 1
            while j < n and not skip[j]:
                r = lines[j]
                t = r.strip()
                if not t or _ITEM.fullmatch(r) or _BARE_BOX.fullmatch(r) or _HEADING.fullmatch(r) \
                        or t.startswith("|") or _RULE.fullmatch(r):
                    break
                lead = _width(r[: len(r) - len(r.lstrip())])
                if lead < content_col and _STATEMENT.match(t):
                    break
                parts.append(t)
                raws.append(r)
                j += 1
            out.append(Unit("item", i + 1, " ".join(parts), indent=indent, box=box, ordered=ordered,
                            parent=parent, end_line=j, raw_lines=raws))
            stack.append(len(out) - 1)
            i = j
            last_blank = False
            continue
        if s.startswith("|") or ("|" in s and (_DELIM.fullmatch(lines[i + 1] if i + 1 < n else "") or (
                not last_blank and out and out[-1].kind == "row" and out[-1].end_line == i))):
            out.append(Unit("row", i + 1, s, end_line=i + 1))
            i += 1
            last_blank = False
            continue
        # a paragraph line, joined with the lines it wraps onto
        lead = _width(raw[: len(raw) - len(raw.lstrip())])
        if last_blank or lead == 0:
            if not (stack and lead > out[stack[-1]].indent):
                stack.clear()
        parts, j = [s], i + 1
        while j < n and not skip[j] and not one_line_paragraphs:
            t = lines[j].strip()
            if not t or _structural(lines[j], t):
                break
            if parts[-1][-1:] in ".!?:" and not t[:1].islower():
                break
            if _THOUGHT_END.search(parts[-1]) and t[:1].isupper():
                break  # a short line, then a capital: one thought a line, as minutes are often typed
            parts.append(t)
            j += 1
        out.append(Unit("para", i + 1, " ".join(parts), indent=lead, parent=stack[-1] if stack else None,
                        end_line=j))
        i = j
        last_blank = False
    return lines, out
