"""Workspace record operations the Workspace view needs beyond the catalogue's tools (Qt-free).

Creating and editing go through the catalogue's ``create_*``/``update_*``
tools (validation, events, one transaction). What they do not offer is here:

* ``page``/``count``: one kind's live records under a project, tasks and
  milestones by due date (no date last), notes by title;
* ``delete``: a soft delete (``deleted_at``; the row stays, so ``undelete``
  brings it back exactly as it was); deleting a project leaves its records
  standalone and ``undelete`` files them back;
* ``parse_date``: a user's date ("next friday", "in 2 weeks", "dec 4",
  "2026-12-04") resolved relative to today.

Coroutines run on the store's loop; their SQL runs on the database thread.
Each write emits ``record_did_change`` (``tool="workspace"``). No tool calls
this module (the window only), so its refusals are app errors
(``RecordNotFound``, ``UnknownRecordKind``), not ``ToolError``.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from agents.errors import RecordNotFound, UnknownRecordKind
from agents.events import EventHub, RecordDidChange
from agents.review_query import KINDS, LIVE, NO_PROJECT
from agents.store import Store, utcnow

CHILDREN = ("tasks", "notes", "timelines")
SINGULAR = {"projects": "project", "tasks": "task", "notes": "note", "timelines": "milestone"}
_ORDER = {
    "tasks": "due_date IS NULL, due_date, title COLLATE NOCASE, id",
    "timelines": "due_date IS NULL, due_date, title COLLATE NOCASE, id",
    "notes": "title COLLATE NOCASE, id",
    "projects": "name COLLATE NOCASE, id",
}


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise UnknownRecordKind(f"{kind!r} is not one of {', '.join(KINDS)}")
    return kind


def _project_clause(kind: str, project_id: str | None) -> tuple[str, list[Any]]:
    if project_id is None or kind == "projects":
        return "", []
    if project_id == NO_PROJECT:
        return " AND project_id IS NULL", []
    return " AND project_id = ?", [project_id]


async def page(store: Store, kind: str, project_id: str | None, *, offset: int = 0,
               limit: int = 200) -> list[dict[str, Any]]:
    """Live records of ``kind`` under ``project_id`` (None: all), by due date (tasks, milestones) or title."""
    clause, params = _project_clause(_kind(kind), project_id)
    return await store.fetchall(
        f"SELECT * FROM {kind} WHERE {LIVE}{clause} ORDER BY {_ORDER[kind]} LIMIT ? OFFSET ?",
        [*params, limit, offset])


async def count(store: Store, kind: str, project_id: str | None) -> int:
    clause, params = _project_clause(_kind(kind), project_id)
    return int(await store.scalar(f"SELECT COUNT(*) FROM {kind} WHERE {LIVE}{clause}", params))


async def projects(store: Store) -> list[dict[str, Any]]:
    """Every live project's id and name, by name (the edit dialog's project field)."""
    return await store.fetchall(f"SELECT id, name FROM projects WHERE {LIVE} ORDER BY name COLLATE NOCASE")


@dataclass(frozen=True)
class Deleted:
    """What ``delete`` did, enough for ``undelete``: the record, when, and the records it detached."""

    kind: str
    id: str
    deleted_at: str
    detached: tuple[tuple[str, str], ...] = ()  # (kind, id) of a deleted project's records


def _delete_sync(conn: sqlite3.Connection, kind: str, record_id: str) -> Deleted:
    now = utcnow()
    n = conn.execute(f"UPDATE {kind} SET deleted_at = ?, updated_at = ? WHERE id = ? AND {LIVE}",
                     (now, now, record_id)).rowcount
    if not n:
        raise RecordNotFound(f"{SINGULAR[kind]} {record_id} does not exist")
    detached: list[tuple[str, str]] = []
    if kind == "projects":
        for child in CHILDREN:
            ids = [r[0] for r in conn.execute(f"SELECT id FROM {child} WHERE project_id = ?", (record_id,))]
            conn.execute(f"UPDATE {child} SET project_id = NULL, updated_at = ? WHERE project_id = ?",
                         (now, record_id))
            detached += [(child, i) for i in ids]
    return Deleted(kind, record_id, now, tuple(detached))


def _undelete_sync(conn: sqlite3.Connection, done: Deleted) -> int:
    now = utcnow()
    n = conn.execute(f"UPDATE {done.kind} SET deleted_at = NULL, updated_at = ? WHERE id = ? AND deleted_at = ?",
                     (now, done.id, done.deleted_at)).rowcount
    if n and done.kind == "projects":
        for child, child_id in done.detached:
            conn.execute(f"UPDATE {child} SET project_id = ?, updated_at = ? WHERE id = ? AND project_id IS NULL",
                         (done.id, now, child_id))
    return n


async def delete(store: Store, events: EventHub | None, kind: str, record_id: str) -> Deleted:
    """Soft-delete one record (one transaction); ``RecordNotFound`` when it is not live, ``UnknownRecordKind``."""
    done = await store.run(lambda conn: _delete_sync(conn, _kind(kind), record_id), begin="IMMEDIATE")
    _announce(events, done, undone=False)
    return done


async def undelete(store: Store, events: EventHub | None, done: Deleted) -> bool:
    """Bring back what ``delete`` removed (False when it was changed since)."""
    n = await store.run(lambda conn: _undelete_sync(conn, done), begin="IMMEDIATE")
    if n:
        _announce(events, done, undone=True)
    return bool(n)


def _announce(events: EventHub | None, done: Deleted, *, undone: bool) -> None:
    if events is None:
        return
    events.emit(RecordDidChange(tool="workspace", group=done.kind, id=done.id, undone=undone))
    for child in sorted({k for k, _ in done.detached}):
        events.emit(RecordDidChange(tool="workspace", group=child, undone=undone))


# ── dates people type ─────────────────────────────────────────────────────
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_FIXED = {"today": 0, "tod": 0, "now": 0, "tomorrow": 1, "tmr": 1, "tmrw": 1, "yesterday": -1,
          "day after tomorrow": 2}
_UNITS = {"day": 1, "week": 7, "fortnight": 14}
_IN = re.compile(r"^(?:in\s+)?(\d+|a|an|one|two|three|four)\s+(day|week|fortnight|month|year)s?(?:\s+from now)?$")
_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4}


def _weekday(name: str) -> int | None:
    for i, day in enumerate(WEEKDAYS):
        if len(name) >= 3 and day.startswith(name):
            return i
    return None


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    import calendar

    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def parse_date(text: str, today: date | None = None) -> date | None:
    """``text`` as a date relative to ``today``; None when it is empty. ``ValueError`` (plain words) if unreadable.

    Phrases: today, tomorrow, yesterday, (next|this) <weekday>, <weekday>, in N days/weeks/months/years,
    next week/month/year, end of month; else a calendar date ("2026-12-04", "dec 4", "4 December",
    "12/04/2026") read by python-dateutil when it is installed (a date without a year means its next
    occurrence), else ISO only.
    """
    today = today or date.today()
    phrase = " ".join(text.strip().lower().replace(",", " ").split())
    if not phrase:
        return None
    if phrase in _FIXED:
        return today + timedelta(days=_FIXED[phrase])
    if phrase in ("next week", "next month", "next year"):
        unit = phrase.split()[1]
        if unit == "week":
            return today + timedelta(days=7 - today.weekday())  # next Monday
        return _add_months(today, 1 if unit == "month" else 12)
    if phrase in ("end of month", "end of the month", "eom"):
        return _add_months(today.replace(day=1), 1) - timedelta(days=1)
    match = _IN.match(phrase)
    if match:
        n = int(match.group(1)) if match.group(1).isdigit() else _WORDS[match.group(1)]
        unit = match.group(2)
        if unit in _UNITS:
            return today + timedelta(days=n * _UNITS[unit])
        return _add_months(today, n * (1 if unit == "month" else 12))
    words = phrase.split()
    if 1 <= len(words) <= 2 and (len(words) == 1 or words[0] in ("next", "this", "on")):
        day = _weekday(words[-1])
        if day is not None:
            ahead = (day - today.weekday()) % 7
            if ahead == 0:  # "friday" on a Friday: the next one
                ahead = 7
            return today + timedelta(days=ahead)
    try:
        return date.fromisoformat(phrase[:10]) if re.match(r"^\d{4}-\d{2}-\d{2}", phrase) else _dateutil(phrase, today)
    except ValueError:
        raise ValueError(f"“{text.strip()}” is not a date I can read; try “2026-12-04”, “dec 4” or “next friday”"
                         ) from None


def _dateutil(phrase: str, today: date) -> date:
    try:
        from dateutil import parser
    except ImportError:  # pragma: no cover - croniter brings it
        raise ValueError(phrase) from None
    try:
        from datetime import datetime

        moment = parser.parse(phrase, default=datetime(today.year, today.month, today.day), fuzzy=False)
    except (ValueError, OverflowError, parser.ParserError):
        raise ValueError(phrase) from None
    day = moment.date()
    if not re.search(r"\d{4}", phrase) and day < today:  # "dec 4" in January means the coming one
        day = day.replace(year=day.year + 1)
    return day
