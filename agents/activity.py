"""Updates others made to existing records, listed and undoable (Qt-free; PROTOCOL.md "Updates to existing records").

An ``update_*`` tool (task, note, timeline, project) changes a record at once;
when the change comes from someone other than the user's own edit, the
record's previous values of the changed fields (a before-image) are stored in
``record_updates`` (migration 0008) by ``record_sync``, called from
``agents.tools.records.update`` on the database thread inside the call's
transaction, so the image commits with the update or not at all.

Who is listed (``tracked``): every source but ``"local"`` (the backend over
the bridge, an MCP client), and local calls that belong to an engine run
(``run_id`` set: the rules or llm engine). A local call without a run is the
user editing in the window (``Companion.invoke_tool``): not listed, there is
nothing to undo that the user did not just do.

``list_updates`` pages them, newest first (optionally one run's);
``undo_update`` writes the before-image back as a user action in one
transaction, only when every changed field still holds the value the update
gave it: if anything changed it since, it says so (``UndoRefused``, a plain
sentence; a wire would answer it ``conflict``) and changes nothing; its other
refusals are ``RecordNotFound`` and ``UnknownRecordKind`` (``agents.errors``).
Coroutines run on the store's loop; their SQL runs on the database thread.
``undo_update`` emits ``record_did_change`` (``tool="activity"``, ``undone``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from agents.errors import RecordNotFound, UndoRefused, UnknownRecordKind
from agents.events import EventHub, RecordDidChange
from agents.store import Store, SyncDb, new_id, utcnow

TITLES = {"projects": "name", "tasks": "title", "notes": "title", "timelines": "title"}
SINGULAR = {"projects": "project", "tasks": "task", "notes": "note", "timelines": "milestone"}
FIELD_WORDS = {
    "due_date": "due", "start_date": "start", "project_id": "project", "is_completed": "done",
    "is_approved": "approved", "is_ai_suggested": "suggested", "source_path": "source file",
}
SOURCE_WORDS = {"bridge": "Backend", "mcp": "MCP client"}
_LIVE = "deleted_at IS NULL AND rejected_at IS NULL"


def tracked(source: str, run_id: str | None) -> bool:
    """Whether an update by ``source`` (in run ``run_id``) is listed: all but the user's own edits."""
    return source != "local" or run_id is not None


def record_sync(db: SyncDb, *, source: str, run_id: str | None, call_id: str | None, kind: str,
                before: dict[str, Any], after: dict[str, Any], fields: list[str]) -> str | None:
    """Store the before-image of the ``fields`` that changed between the raw rows ``before`` and ``after``
    (database thread, inside the update's transaction); the new row's id, or None when nothing changed."""
    changed = [f for f in fields if before.get(f) != after.get(f)]
    if not changed:
        return None
    update_id = new_id()
    db.execute(
        "INSERT INTO record_updates (id, at, source, run_id, call_id, kind, record_id, before, after) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (update_id, utcnow(), source, run_id, call_id, kind, after["id"],
         json.dumps({f: before.get(f) for f in changed}, ensure_ascii=False),
         json.dumps({f: after.get(f) for f in changed}, ensure_ascii=False)),
    )
    return update_id


@dataclass(frozen=True)
class Update:
    """One listed update: what changed (``before``/``after`` column values), by whom, and its record's title."""

    id: str
    at: str
    source: str
    run_id: str | None
    kind: str
    record_id: str
    before: dict[str, Any]
    after: dict[str, Any]
    undone_at: str | None = None
    title: str | None = None  # None: the record is gone (deleted or rejected)
    agent_name: str | None = None
    project_names: tuple[tuple[str, str], ...] = ()

    def who(self) -> str:
        if self.source in SOURCE_WORDS:
            return SOURCE_WORDS[self.source]
        return f"Agent “{self.agent_name}”" if self.agent_name else "An agent run"

    def changes(self) -> str:
        """``due 4 Dec → 8 Dec, state ToDo → Completed``."""
        names = dict(self.project_names)
        return ", ".join(f"{FIELD_WORDS.get(f, f.replace('_', ' '))} {_show(f, self.before[f], names)} → "
                         f"{_show(f, self.after.get(f), names)}" for f in self.before)

    def describe(self) -> str:
        """``Backend changed task “Send invoice”: due 4 Dec → 8 Dec``."""
        title = f"“{self.title}”" if self.title is not None else "(removed since)"
        return f"{self.who()} changed {SINGULAR.get(self.kind, self.kind)} {title}: {self.changes()}"


def _show(field: str, value: Any, projects: dict[str, str]) -> str:
    if value is None or value == "":
        return "none"
    if field == "project_id":
        return f"“{projects.get(value, 'a removed project')}”"
    if field.startswith("is_"):
        return "yes" if value else "no"
    if field == "assignees":
        return ", ".join(json.loads(value)) or "nobody"
    text = str(value)
    if field.endswith("_date"):
        try:
            day = date.fromisoformat(text[:10])
        except ValueError:
            return text
        return f"{day.day} {day.strftime('%b')}" + ("" if day.year == date.today().year else f" {day.year}")
    text = " ".join(text.split())
    return f"“{text[:40]}…”" if len(text) > 40 else f"“{text}”"


def _updates(db: SyncDb, rows: list[dict[str, Any]]) -> list[Update]:
    """Rows of ``record_updates`` with their records' titles, agents' names and named projects (one trip)."""
    titles: dict[tuple[str, str], str] = {}
    for kind, column in TITLES.items():
        ids = [r["record_id"] for r in rows if r["kind"] == kind]
        if ids:
            for r in db.fetchall(f"SELECT id, {column} AS t FROM {kind} WHERE {_LIVE} AND id IN "
                                 "(SELECT value FROM json_each(?))", (json.dumps(ids),)):
                titles[(kind, r["id"])] = r["t"]
    images = [(json.loads(r["before"]), json.loads(r["after"])) for r in rows]
    project_ids = sorted({v for b, a in images for image in (b, a) for k, v in image.items()
                          if k == "project_id" and v})
    projects = {r["id"]: r["name"] for r in db.fetchall(
        "SELECT id, name FROM projects WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(project_ids),))}
    runs = sorted({r["run_id"] for r in rows if r["run_id"]})
    agents = {r["id"]: r["agent_name"] for r in db.fetchall(
        "SELECT id, agent_name FROM agent_runs WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(runs),))}
    out = []
    for r, (before, after) in zip(rows, images, strict=True):
        named = tuple((p, projects[p]) for p in (before.get("project_id"), after.get("project_id")) if p in projects)
        out.append(Update(r["id"], r["at"], r["source"], r["run_id"], r["kind"], r["record_id"], before, after,
                          r["undone_at"], titles.get((r["kind"], r["record_id"])), agents.get(r["run_id"] or ""),
                          named))
    return out


async def list_updates(store: Store, *, run_id: str | None = None, offset: int = 0, limit: int = 50) -> list[Update]:
    """Listed updates, newest first (``run_id``: only that run's), ``limit`` from ``offset``."""
    where, params = ("WHERE run_id = ?", [run_id]) if run_id else ("", [])

    def read(db: SyncDb) -> list[Update]:
        rows = db.fetchall(f"SELECT * FROM record_updates {where} ORDER BY at DESC, rowid DESC LIMIT ? OFFSET ?",
                           [*params, limit, offset])
        return _updates(db, rows)

    return await store.read(read, snapshot=True)


async def count_updates(store: Store, *, run_id: str | None = None) -> int:
    where, params = ("WHERE run_id = ?", (run_id,)) if run_id else ("", ())
    return int(await store.scalar(f"SELECT COUNT(*) FROM record_updates {where}", params))


def _undo_sync(db: SyncDb, update_id: str) -> Update:
    row = db.fetchone("SELECT * FROM record_updates WHERE id = ?", (update_id,))
    if row is None:
        raise RecordNotFound(f"no listed change {update_id}")
    [update] = _updates(db, [row])
    noun = f"{SINGULAR.get(update.kind, update.kind)} “{update.title}”"
    if update.undone_at is not None:
        raise UndoRefused(f"This change to the {noun} was already undone.")
    if update.kind not in TITLES:
        raise UnknownRecordKind(f"{update.kind!r} is not a record kind")
    current = db.fetchone(f"SELECT * FROM {update.kind} WHERE id = ? AND {_LIVE}", (update.record_id,))
    if current is None:
        raise RecordNotFound(f"The {SINGULAR.get(update.kind, update.kind)} this change was made "
                             "to no longer exists, so there is nothing to undo.")
    moved = [f for f, value in update.after.items() if current.get(f) != value]
    if moved:
        words = ", ".join(FIELD_WORDS.get(f, f.replace("_", " ")) for f in moved)
        raise UndoRefused(f"The {noun} was changed again since ({words}), so this change was "
                          "not undone. Edit it in Workspace instead.", details={"fields": moved})
    now = utcnow()
    assignments = ", ".join(f"{f} = ?" for f in update.before)
    db.execute(f"UPDATE {update.kind} SET {assignments}, updated_at = ? WHERE id = ?",
               [*update.before.values(), now, update.record_id])
    db.execute("UPDATE record_updates SET undone_at = ? WHERE id = ?", (now, update_id))
    return Update(update.id, update.at, update.source, update.run_id, update.kind, update.record_id, update.before,
                  update.after, now, update.title, update.agent_name, update.project_names)


async def undo_update(store: Store, events: EventHub | None, update_id: str) -> Update:
    """Write ``update_id``'s before-image back (one transaction, a user action); ``UndoRefused`` with a plain
    sentence and nothing changed when it was already undone or a field no longer holds the value that update
    gave it; ``RecordNotFound`` when the change or its record is gone."""
    update = await store.write(lambda db: _undo_sync(db, update_id))
    if events is not None:
        events.emit(RecordDidChange(tool="activity", group=update.kind, id=update.record_id, undone=True))
    return update
