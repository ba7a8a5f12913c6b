"""Milestones from table rows: schedule tables, calendars whose columns are months, and logs of past rows.

Pure, no I/O, any thread; ``RowRules`` is the row half of ``agents.extract.milestones.MilestoneRules``
(a mixin of ``agents.extract.items.Extractor``). A row's dates are titled by its name cell and its column's
header; in a calendar whose header names months, a bare day under a month is a date; a table whose dated rows
run newest first is a record of past meetings or releases, not a schedule.
"""

from __future__ import annotations

import re
from datetime import date
from itertools import pairwise

from agents.extract.blocks import Unit
from agents.extract.dates import find_dates
from agents.extract.milestones import _GENERIC_COLUMN, _SEP, Milestone, MilestoneRules
from agents.extract.tables import DAY_CELL, make_date, month_columns, row_name

# a slot nobody has filled yet: "| Apr 27 | TBD | |" names no event
_UNNAMED = re.compile(r"[ \t*_]*(?:tbd|tba|tbc|todo|n/?a|\?+)[.!]?[ \t*_]*", re.IGNORECASE)
# "Next patch release is **1.16.5**.", "Next release: v2.4": the version a newest-first table's top row may be
_NEXT_NAMED = re.compile(r"\bnext\b[^.|\n]{0,40}?(?:\bis|\bwill[ \t]+be|:)[ \t]*[*_`]*v?(?P<v>\d+(?:\.\d+)+)\b",
                         re.IGNORECASE)


_DATE_WORDS = re.compile(r"\b(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*|\d{4})\b", re.IGNORECASE)


def _version_cell(cell: str) -> str:
    """A cell's version as ``_NEXT_NAMED`` gives it ("| **v1.16.5** |" → "1.16.5")."""
    return cell.strip(" \t*_`[]").removeprefix("v")


class RowRules(MilestoneRules):
    """Table rows as milestones."""

    def _row_milestones(self, u: Unit, plain: str) -> None:
        """A table row's dates: each titled by the row's first cell and its column's header; in a
        calendar whose columns are months ("| What | Oct | Nov |"), a bare day under a month is a date."""
        cells = plain.strip().strip("|").split("|")
        raw_cells = u.text.strip().strip("|").split("|")
        log = self._log_table()
        if log is True or (log and _version_cell(cells[0]) != log):
            return  # a past row (the one the text names as next is ahead: "Next patch release is **1.16.5**.")
        header = self._header_cells(u)
        months = {} if self.file_dated and self.no_file_year else month_columns(header, self.anchor)  # (no year)
        if months:
            name = row_name(raw_cells, cells, *months, header=header)
            for i, (month, year) in months.items():
                m = DAY_CELL.fullmatch(cells[i].strip()) if i < len(cells) else None
                day = make_date(year, month, int(m.group(1))) if m else None
                if day is not None and name and self.doc_day != day and not _UNNAMED.fullmatch(name):
                    self.milestones.append(Milestone(name, day, u.line, u.text, row=True))
            return
        for i, cell in enumerate(cells):
            for f in find_dates(cell):
                day = self._keep(f, cell, 0, len(cell), u)
                if day is None:
                    continue
                name = row_name(raw_cells, cells, i, header=header)
                rest = (raw_cells[i][: f.start] + raw_cells[i][f.end:]).strip(_SEP + " ") if i < len(raw_cells) else ""
                if re.search(r"\d{1,2}:\d\d", rest):
                    rest = ""  # "02:00 UTC Friday … / 18:00 PST Thursday …": the hour, told in two zones, names nothing
                if not re.search(r"[^\W\d_]", _DATE_WORDS.sub("", rest)):
                    rest = ""  # "Tuesday, June 11th. 2019": a weekday and a year around the date name nothing
                col = header[i].strip() if header and i < len(header) else ""
                if name and _GENERIC_COLUMN.fullmatch(col.strip(" *_")):
                    col = ""
                title = " ".join(x for x in (name, rest or col) if x).strip()
                if re.search(r"[^\W\d_]|\d", title) and not _UNNAMED.fullmatch(title):  # (not a "TBD" slot)
                    self.milestones.append(Milestone(title, day, u.line, u.text, row=True))

    def _table_start(self) -> int:
        j = self.at
        while j > 0 and self.units[j - 1].kind == "row" and self.units[j - 1].end_line == self.units[j].line - 1:
            j -= 1
        return j

    def _log_table(self) -> bool | str:
        """Three or more rows whose first dated cell is a dated day, newest first: a record of past meetings or
        releases ("## Prior Meetings", a patch table under "Next patch release is **1.16.5**."), not a
        schedule. True for such a log, the version the text before it names as next when it names one (that
        row is ahead), False for any other table."""
        start = self._table_start()
        if start not in self._logs:
            days: list[date] = []
            j = start
            while j < len(self.units) and self.units[j].kind == "row" and (
                    j == start or self.units[j].line == self.units[j - 1].end_line + 1):
                dated = (found for cell in self.units[j].text.strip().strip("|").split("|")
                         if (found := find_dates(cell)))
                if (first := next(dated, None)) and (day := first[0].resolve(None)) is not None:
                    days.append(day)
                j += 1
            log = len(days) >= 3 and all(a >= b for a, b in pairwise(days)) and days[0] > days[-1]
            self._logs[start] = (self._named_next(start) or True) if log else False
        return self._logs[start]

    def _named_next(self, start: int) -> str | None:
        """The version the text right before a table (back to its heading) names as the next one."""
        for j in range(start - 1, max(-1, start - 6), -1):
            u = self.units[j]
            if u.kind == "heading":
                return None
            if u.kind == "para" and (m := _NEXT_NAMED.search(u.text)):
                return m.group("v")
        return None

    def _header_cells(self, u: Unit) -> list[str]:
        j = self._table_start()
        first = self.units[j]
        if first is u:
            return []
        return first.text.strip().strip("|").split("|")
