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


class RowRules(MilestoneRules):
    """Table rows as milestones."""

    def _row_milestones(self, u: Unit, plain: str) -> None:
        """A table row's dates: each titled by the row's first cell and its column's header; in a
        calendar whose columns are months ("| What | Oct | Nov |"), a bare day under a month is a date."""
        cells = plain.strip().strip("|").split("|")
        raw_cells = u.text.strip().strip("|").split("|")
        if self._log_table():
            return
        header = self._header_cells(u)
        months = month_columns(header, self.anchor)
        if months:
            name = row_name(raw_cells, cells, *months)
            for i, (month, year) in months.items():
                m = DAY_CELL.fullmatch(cells[i].strip()) if i < len(cells) else None
                day = make_date(year, month, int(m.group(1))) if m else None
                if day is not None and name and self.doc_day != day:
                    self.milestones.append(Milestone(name, day, u.line, u.text, row=True))
            return
        for i, cell in enumerate(cells):
            for f in find_dates(cell):
                day = self._keep(f, cell, 0, len(cell), u)
                if day is None:
                    continue
                name = row_name(raw_cells, cells, i)
                rest = (raw_cells[i][: f.start] + raw_cells[i][f.end:]).strip(_SEP + " ") if i < len(raw_cells) else ""
                if re.search(r"\d{1,2}:\d\d", rest):
                    rest = ""  # "02:00 UTC Friday … / 18:00 PST Thursday …": the hour, told in two zones, names nothing
                col = header[i].strip() if header and i < len(header) else ""
                if name and _GENERIC_COLUMN.fullmatch(col.strip(" *_")):
                    col = ""
                title = " ".join(x for x in (name, rest or col) if x).strip()
                if re.search(r"[^\W\d_]|\d", title):
                    self.milestones.append(Milestone(title, day, u.line, u.text, row=True))

    def _table_start(self) -> int:
        j = self.at
        while j > 0 and self.units[j - 1].kind == "row" and self.units[j - 1].end_line == self.units[j].line - 1:
            j -= 1
        return j

    def _log_table(self) -> bool:
        """Three or more rows whose first cell is a dated day, newest first: a record of past meetings or
        releases ("## Prior Meetings"), not a schedule."""
        start = self._table_start()
        if start not in self._logs:
            days: list[date] = []
            j = start
            while j < len(self.units) and self.units[j].kind == "row" and (
                    j == start or self.units[j].line == self.units[j - 1].end_line + 1):
                first = find_dates(self.units[j].text.strip().strip("|").split("|")[0])
                if first and (day := first[0].resolve(None)) is not None:
                    days.append(day)
                j += 1
            self._logs[start] = len(days) >= 3 and all(a >= b for a, b in pairwise(days)) and days[0] > days[-1]
        return self._logs[start]

    def _header_cells(self, u: Unit) -> list[str]:
        j = self._table_start()
        first = self.units[j]
        if first is u:
            return []
        return first.text.strip().strip("|").split("|")
