"""Calendar tables: which columns of a header are months, a row's event name, a day cell.

Pure, no I/O, any thread; read by ``agents.extract.milestones`` for table rows ("| What | Who | Jan | Feb |",
and HTML tables in Markdown, which ``agents.extract.blocks`` turns into the same rows).
"""

from __future__ import annotations

import re
from datetime import date

from agents.extract.dates import MONTH_WORD, MONTHS, find_dates

MONTH_CELL = re.compile(rf"[ \t*_]*(?P<m>{MONTH_WORD})\.?[ \t*_]*", re.IGNORECASE)
# a day under a month column: "15", "Tue 15th", "6?", or a span "13 - 15" (dated by its first day)
DAY_CELL = re.compile(r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?[ \t]+)?([0-3]?\d)(?:st|nd|rd|th)?"
                      r"(?:[ \t]*[-–][ \t]*[0-3]?\d(?:st|nd|rd|th)?)?[ \t]*\??", re.IGNORECASE)


def make_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


# a column that names the event ("| **What** | **Who** | **When** | **Week** |") and columns that only add to it
_WHAT_COLUMN = re.compile(r"what|event|milestone|activity|description", re.IGNORECASE)
_DETAIL_COLUMN = re.compile(r"who|owners?|leads?|week|ci[ \t]+signal|notes?|status|assignees?|comments?|duration",
                            re.IGNORECASE)


def row_name(raw_cells: list[str], cells: list[str], *skip: int, header: list[str] | None = None) -> str:
    """A row's event: its cells without dates ("Honolulu, HI | University of Honolulu & Google"), as far as
    they go in 120 characters (a long notes cell is left out); under a header, only the "What" cell when it
    has one, and never the cells of who, which week or the CI signal."""
    names = [h.strip(" \t*_") for h in header or ()]
    what = next((j for j, h in enumerate(names) if _WHAT_COLUMN.fullmatch(h)), None)
    parts: list[str] = []
    for j, c in enumerate(raw_cells[: len(cells)]):
        c = c.strip()
        if j in skip or not c or find_dates(cells[j]) or (what is not None and j != what) or (
                j < len(names) and _DETAIL_COLUMN.fullmatch(names[j])):
            continue
        if parts and sum(len(p) + 3 for p in parts) + len(c) > 120:
            break
        parts.append(c)
    return " | ".join(parts)


def month_columns(header: list[str], anchor: date | None) -> dict[int, tuple[int, int]]:
    """Column index → (month, year) for a calendar table whose header names two or more months in order
    ("| What | Who | Oct | Nov | Dec | Jan |"); the year runs on past December. Empty without an anchor."""
    found = [(i, MONTHS[m.group("m")[:3].lower()]) for i, c in enumerate(header)
             if (m := MONTH_CELL.fullmatch(c)) is not None]
    if len(found) < 2 or anchor is None:
        return {}
    first = min((date(y, found[0][1], 15) for y in (anchor.year - 1, anchor.year, anchor.year + 1)),
                key=lambda d: abs((d - anchor).days))
    out: dict[int, tuple[int, int]] = {}
    year, prev = first.year, found[0][1]
    for i, month in found:
        if month < prev:
            year += 1
        out[i], prev = (month, year), month
    return out
