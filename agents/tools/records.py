"""Shared machinery of the workspace record tools (projects, tasks, notes, timelines).

These are synchronous functions on a ``SyncDb``: the record tools run on the
database thread (``Store.run``), so a journaled call is one trip there.

Each kind is described once by a ``RecordKind``; the per-kind modules declare
argument models and thin tool functions on top of ``create``/``update``/
``get``/``search``. Reads skip soft-deleted and rejected rows but include
suggestions still waiting for review, so "update first" finds them.

Creates from the backend are suggestions (PROTOCOL.md "Creates are
suggestions"): a ``create_*`` or ``insert`` whose context says ``source ==
"bridge"`` is stored with ``is_ai_suggested`` true and ``is_approved`` false,
whatever flags it carries, unless the user turned on the setting
``ALLOW_DIRECT_WRITES`` (off by default). The device's own engines are not
affected. Runs on the database thread.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from operator import itemgetter
from typing import Any

from pydantic import BaseModel

from agents import activity
from agents.errors import ErrorType, ToolError
from agents.store import SyncDb, iso, new_id, utcnow
from agents.tools.base import ToolContext

_column_sets: dict[str, frozenset[str]] = {}
_BOOL_COLUMNS = frozenset({"is_ai_suggested", "is_approved", "is_completed"})
_JSON_COLUMNS = frozenset({"assignees"})
_HIDDEN_COLUMNS = ("deleted_at", "rejected_at")
_HIDDEN = frozenset(_HIDDEN_COLUMNS)
_CONVERTED = _BOOL_COLUMNS | _JSON_COLUMNS

ALLOW_DIRECT_WRITES = "bridge.allow_direct_writes"
"""Settings key (JSON ``true``/``false``, default false): when true, records the backend creates
over the bridge are stored as sent (approved unless they say otherwise) instead of as suggestions."""


def direct_writes_allowed(db: SyncDb) -> bool:
    """Whether the user lets the backend create records without review (``ALLOW_DIRECT_WRITES``)."""
    value = db.scalar("SELECT value FROM settings WHERE key = ?", (ALLOW_DIRECT_WRITES,))
    return value is not None and json.loads(value) is True


@dataclass(frozen=True)
class RecordKind:
    table: str
    singular: str
    title_column: str
    text_column: str
    columns: tuple[str, ...]

    @property
    def columns_set(self) -> frozenset[str]:
        return _column_sets.get(self.table) or _column_sets.setdefault(self.table, frozenset(self.columns))

    @property
    def plural(self) -> str:
        return self.table


PROJECTS = RecordKind(
    "projects", "project", "name", "description",
    ("name", "description", "status", "is_ai_suggested", "is_approved", "source_path"),
)
TASKS = RecordKind(
    "tasks", "task", "title", "description",
    ("title", "description", "project_id", "state", "assignees", "due_date",
     "is_ai_suggested", "is_approved", "source_path"),
)
NOTES = RecordKind(
    "notes", "note", "title", "content",
    ("title", "content", "project_id", "is_ai_suggested", "is_approved", "source_path"),
)
TIMELINES = RecordKind(
    "timelines", "timeline", "title", "description",
    ("title", "description", "project_id", "start_date", "due_date", "is_completed",
     "is_ai_suggested", "is_approved", "source_path"),
)
KINDS = {k.table: k for k in (PROJECTS, TASKS, NOTES, TIMELINES)}


def to_record(row: Any) -> dict[str, Any]:
    """A database row (a dict or an ``sqlite3.Row``) as the JSON record the tools return."""
    out = dict(row)  # a copy: the caller's row stays as it is; the columns keep their order
    keys = out.keys()
    for key in keys & _HIDDEN:
        del out[key]
    for key in keys & _BOOL_COLUMNS:
        out[key] = bool(out[key])
    for key in keys & _JSON_COLUMNS:
        value = out[key]
        out[key] = [] if value == "[]" else json.loads(value)
    return out


def _to_column(key: str, value: Any) -> Any:
    if (value is None or type(value) is str) and key not in _CONVERTED:  # most columns: as they are
        return value
    if key in _BOOL_COLUMNS:
        return int(bool(value))
    if key in _JSON_COLUMNS:
        return "[]" if type(value) is list and not value else json.dumps(list(value), ensure_ascii=False)
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def require_project(db: SyncDb, project_id: str | None) -> None:
    if project_id is None:
        return
    found = db.scalar(
        "SELECT 1 FROM projects WHERE id = ? AND deleted_at IS NULL AND rejected_at IS NULL",
        (project_id,),
    )
    if not found:
        raise ToolError(ErrorType.NOT_FOUND, f"project {project_id} does not exist")


def _values(kind: RecordKind, args: BaseModel, *, only_set: bool) -> dict[str, Any]:
    data = args.model_dump(exclude_unset=only_set)
    if kind.columns_set.issuperset(data):
        return data
    return {k: v for k, v in data.items() if k in kind.columns_set}


def create(db: SyncDb, ctx: ToolContext, kind: RecordKind, args: BaseModel) -> dict[str, Any]:
    """Insert a record; a suggestion is unapproved unless the caller says otherwise.

    Two statements: one ``SELECT`` reads the bridge's setting and a rejected twin together,
    then a plain ``INSERT`` (no ``RETURNING``: every column is given, so the stored row is
    known, ``_stored_record``)."""
    values = _values(kind, args, only_set=False)
    suggested = bool(values.pop("is_ai_suggested", False))
    approved = values.pop("is_approved", None)
    if approved is None:
        approved = not suggested
    project_id = values.get("project_id")
    if project_id is not None:
        require_project(db, project_id)
    conn = db.conn
    title = values.get(kind.title_column)
    check = (title, values.get("source_path"))
    if ctx.source == "bridge":
        setting, rejected = conn.execute(_checks_sql(kind, True), check).fetchone()
        if not (setting is not None and json.loads(setting) is True):
            # A backend cannot put approved records in the workspace: they wait in the review queue.
            suggested, approved = True, False
    elif suggested:
        rejected = conn.execute(_checks_sql(kind, False), check).fetchone()[0]
    else:
        rejected = None
    if suggested and rejected is not None:
        raise _rejected(kind, title, rejected)
    columns = tuple(values)
    now = utcnow()
    params = (new_id(), *[_to_column(k, v) for k, v in values.items()], ctx.run_id, now, now, int(suggested),
              int(approved))
    plan = _insert_sql(conn, kind, columns)
    conn.execute(plan.sql, params)
    return _stored_record(conn, kind, plan, params)


_SET_BY_CREATE = ("run_id", "created_at", "updated_at", "is_ai_suggested", "is_approved")
_CHECKS: dict[tuple[str, bool], str] = {}
_INSERTS: dict[tuple[str, tuple[str, ...]], _Insert] = {}


def _checks_sql(kind: RecordKind, bridge: bool) -> str:
    """One ``SELECT``: (the ``ALLOW_DIRECT_WRITES`` value, for the bridge;) the id of a rejected
    record with this title (any case) from the same file or none (``?1`` title, ``?2`` source path)."""
    sql = _CHECKS.get((kind.table, bridge))
    if sql is None:
        rejected = (f"(SELECT id FROM {kind.table} WHERE rejected_at IS NOT NULL AND {kind.title_column} = ?1 "
                    "COLLATE NOCASE AND (source_path IS NULL OR ?2 IS NULL OR source_path = ?2) LIMIT 1)")
        setting = f"(SELECT value FROM settings WHERE key = '{ALLOW_DIRECT_WRITES}'), " if bridge else ""
        sql = _CHECKS[(kind.table, bridge)] = f"SELECT {setting}{rejected}"
    return sql


@dataclass(frozen=True, slots=True)
class _Insert:
    """A create's ``INSERT`` for one column set, and how to rebuild the stored row from its values."""

    sql: str
    order: tuple[str, ...] | None  # the table's visible columns in order; None: read the row back
    pick: Callable[[tuple[Any, ...]], tuple[Any, ...]] | None  # the values of ``order``, from the params
    bools: tuple[str, ...]
    jsons: tuple[str, ...]


def _insert_sql(conn: Any, kind: RecordKind, columns: tuple[str, ...]) -> _Insert:
    """The create's ``INSERT`` for this column set, built once. The stored row can be rebuilt from
    the values when the insert gives every visible column of the table as TEXT or INTEGER."""
    key = (kind.table, columns)
    found = _INSERTS.get(key)
    if found is not None:
        return found
    names = ("id", *columns, *_SET_BY_CREATE)
    sql = f"INSERT INTO {kind.table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
    table = [(r[1], str(r[2]).upper()) for r in conn.execute(f"PRAGMA table_info({kind.table})")]
    visible = tuple(name for name, _ in table if name not in _HIDDEN_COLUMNS)
    simple = set(names) <= set(visible) and all(
        name in names and decl in ("TEXT", "INTEGER") for name, decl in table if name in visible)
    if simple and len(visible) > 1:
        found = _Insert(sql, visible, itemgetter(*(names.index(c) for c in visible)),
                        tuple(c for c in visible if c in _BOOL_COLUMNS),
                        tuple(c for c in visible if c in _JSON_COLUMNS))
    else:
        found = _Insert(sql, None, None, (), ())
    _INSERTS[key] = found
    return found


_PLAIN = frozenset({str, int, type(None)})  # stored unchanged in a TEXT or INTEGER column


def _stored_record(conn: Any, kind: RecordKind, plan: _Insert, params: tuple[Any, ...]) -> dict[str, Any]:
    """The record as ``get`` would read it back, from the values just inserted: a TEXT column given
    text (or NULL) and an INTEGER column given an integer store them unchanged. Anything else
    (a value of another type): read back."""
    if plan.pick is not None and _PLAIN.issuperset(map(type, params)):
        out = dict(zip(plan.order, plan.pick(params), strict=True))  # type: ignore[arg-type]
        for key in plan.bools:
            out[key] = bool(out[key])
        for key in plan.jsons:
            value = out[key]
            out[key] = [] if value == "[]" else json.loads(value)
        return out
    row = conn.execute(f"SELECT * FROM {kind.table} WHERE id = ?", (params[0],)).fetchone()
    return to_record(dict(row))


def _rejected(kind: RecordKind, title: Any, rejected_id: str) -> ToolError:
    return ToolError(
        ErrorType.CONFLICT,
        f"the user rejected the {kind.singular} suggestion {title!r} before; do not suggest it again",
        details={"rejected_id": rejected_id},
    )


def get(db: SyncDb, kind: RecordKind, record_id: str) -> dict[str, Any]:
    row = db.fetchone(
        f"SELECT * FROM {kind.table} WHERE id = ? AND deleted_at IS NULL AND rejected_at IS NULL",
        (record_id,),
    )
    if row is None:
        raise ToolError(ErrorType.NOT_FOUND, f"{kind.singular} {record_id} does not exist")
    return to_record(row)


def update(db: SyncDb, kind: RecordKind, record_id: str, args: BaseModel,
           ctx: ToolContext | None = None) -> dict[str, Any]:
    """Change the fields the caller set; untouched fields stay as they are.

    When ``ctx`` says the change is not the user's own edit (``activity.tracked``), the changed fields'
    previous values are stored in ``record_updates`` in the same transaction (the activity's Undo)."""
    values = _values(kind, args, only_set=True)
    if not values:
        raise ToolError(ErrorType.INVALID_ARGS, f"update_{kind.singular}: no fields to change were given")
    for key in (kind.title_column,):
        if key in values and values[key] is None:
            raise ToolError(ErrorType.INVALID_ARGS, f"update_{kind.singular}: {key} cannot be null")
    require_project(db, values.get("project_id"))
    live = "WHERE id = ? AND deleted_at IS NULL AND rejected_at IS NULL"
    track = ctx is not None and activity.tracked(ctx.source, ctx.run_id)
    before = db.fetchone(f"SELECT * FROM {kind.table} {live}", (record_id,)) if track else None
    assignments = ", ".join(f"{k} = ?" for k in values)
    params = [*(_to_column(k, v) for k, v in values.items()), utcnow(), record_id]
    row = db.fetchone(
        f"UPDATE {kind.table} SET {assignments}, updated_at = ? {live} RETURNING *",
        params,
    )
    if row is None:
        raise ToolError(ErrorType.NOT_FOUND, f"{kind.singular} {record_id} does not exist")
    if before is not None and ctx is not None:
        activity.record_sync(db, source=ctx.source, run_id=ctx.run_id, call_id=ctx.call_id, kind=kind.table,
                             before=before, after=row, fields=list(values))
    return to_record(row)


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search(
    db: SyncDb,
    kind: RecordKind,
    *,
    query: str | None = None,
    project_id: str | None = None,
    limit: int | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """``{"<plural>": [...], "total": n}``, newest change first; ``total`` ignores ``limit``."""
    where = ["deleted_at IS NULL", "rejected_at IS NULL"]
    params: list[Any] = []
    if query:
        where.append(
            f"({kind.title_column} LIKE ? ESCAPE '\\' OR {kind.text_column} LIKE ? ESCAPE '\\')"
        )
        params += [_like(query), _like(query)]
    if project_id is not None:
        where.append("project_id = ?")
        params.append(project_id)
    for column, value in (extra or {}).items():
        where.append(f"{column} = ?")
        params.append(_to_column(column, value))
    clause = " AND ".join(where)
    total = db.scalar(f"SELECT COUNT(*) FROM {kind.table} WHERE {clause}", params)
    sql = f"SELECT * FROM {kind.table} WHERE {clause} ORDER BY updated_at DESC, id"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    rows = db.conn.execute(sql, params).fetchall()
    return {kind.plural: [to_record(r) for r in rows], "total": total}
