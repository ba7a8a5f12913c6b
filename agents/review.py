"""The review queue: AI suggestions waiting for the user (Qt-free operations).

A record is waiting when ``is_ai_suggested = 1 AND is_approved = 0`` and it is
neither deleted nor rejected. Approving sets ``is_approved``; rejecting sets
``rejected_at`` (the row stays, so no engine suggests it again, see
``agents.tools.records``). Rejecting a suggested project detaches the records
filed under it (they become standalone) rather than discarding them.

Every decision is one *review batch*: one transaction on the database thread
(``Store.run``) with set-based statements over a ``review_query.Selection``
(explicit ids or "everything matching the filter"), so ``undo(batch)``
reverts exactly that batch, again in one transaction: a rejection's rows are
the ones whose ``rejected_at`` is the batch's time (unique per batch, found by
the partial index); approvals and restores list their rows in ``review_log``;
records a rejected project detached are logged with the project.
``restore`` brings rejected suggestions back to the queue (and re-files the
records their rejection detached). Records rejected together with their
project keep their ``project_id`` (nothing to detach: both left the queue);
restoring such a record alone, while its project stays rejected, makes it
standalone. Discarding a run's suggestions (all of them, or those from one
source folder) is a rejection of the run's waiting suggestions, undoable like any other.

Each operation emits ``review_did_change`` (pending count, batch, action,
count) and one ``record_did_change`` per kind it touched (``id`` None: many).
Coroutines run on the store's loop; the SQL runs on the database thread.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from agents.errors import InvalidReviewRequest, ReviewNotFound
from agents.events import EventHub, RecordDidChange, ReviewDidChange
from agents.review_query import KIND_ORDER, KINDS, Selection, counts, where
from agents.store import Store, SyncDb, iso, new_id, parse_iso, utcnow

__all__ = ["KIND_ORDER", "Batch", "Review", "Selection", "pending", "pending_count"]

CHILDREN = ("tasks", "notes", "timelines")
ACTIONS = ("approve", "reject", "discard", "restore")


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise InvalidReviewRequest(f"{kind!r} is not one of {', '.join(KIND_ORDER)}")
    return kind


async def pending_count(store: Store) -> int:
    return sum((await counts(store, Selection())).values())


async def pending(store: Store) -> dict[str, list[dict[str, Any]]]:
    """Waiting suggestions by kind, each with ``project_name`` (or None), oldest first. For small queues."""
    from agents.tools.records import to_record

    def read(db: SyncDb) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = {}
        for kind in KIND_ORDER:
            project = "NULL AS project_name" if kind == "projects" else "p.name AS project_name"
            join = "" if kind == "projects" else " LEFT JOIN projects p ON p.id = r.project_id"
            cond, params = where(kind, Selection(), "r")
            sql = f"SELECT r.*, {project} FROM {kind} r{join} WHERE {cond} ORDER BY r.created_at"
            out[kind] = [to_record(r) for r in db.fetchall(sql, params)]
        return out

    return await store.read(read, snapshot=True)


@dataclass(frozen=True)
class Batch:
    """One review decision as stored: its id, action, label, how many records, when."""

    id: str
    action: str
    label: str
    count: int
    created_at: str
    undone_at: str | None = None
    by_kind: tuple[tuple[str, int], ...] = ()

    def describe(self) -> str:
        verb = {"approve": "Approved", "reject": "Rejected", "discard": "Discarded", "restore": "Restored"}[self.action]
        return f"{verb} {self.count} suggestion{'s' if self.count != 1 else ''}"


# ── the statements (database thread) ─────────────────────────────────────
def _log_items(conn: sqlite3.Connection, batch: str, kind: str, sel: Selection) -> int:
    cond, params = where(kind, sel, "r")
    return conn.execute(
        f"INSERT INTO review_log (batch_id, kind, id) SELECT ?, '{kind}', r.id FROM {kind} r WHERE {cond}",
        [batch, *params],
    ).rowcount


def _logged(role: str, kind: str) -> str:
    return f"SELECT id FROM review_log WHERE batch_id = :batch AND kind = '{kind}' AND role = '{role}'"


def _batch_time(conn: sqlite3.Connection) -> str:
    """Now, made later than every earlier batch: a rejection's ``rejected_at`` names its batch."""
    now = utcnow()
    last = conn.execute("SELECT MAX(created_at) FROM review_batches").fetchall()[0][0]
    if last is not None and now <= last:
        moment = parse_iso(last)
        assert moment is not None
        now = iso(moment + timedelta(milliseconds=1))
    return now


def _decide_sync(conn: sqlite3.Connection, action: str, sel: Selection, label: str) -> Batch:
    batch, now = new_id(), _batch_time(conn)
    conn.execute("INSERT INTO review_batches (id, action, label, created_at) VALUES (?, ?, ?, ?)",
                 (batch, action, label, now))
    if sel.ids is not None:
        _check_ids(conn, sel)
    args = {"batch": batch, "now": now}
    by_kind: list[tuple[str, int]] = []
    # projects last: records the same batch rejects are not detached from their project (both left the queue)
    for kind in [k for k in sel.kinds() if k != "projects"] + [k for k in sel.kinds() if k == "projects"]:
        cond, params = where(kind, sel)
        if action in ("reject", "discard"):
            # no per-row log: rejected_at = the batch's unique time names its rows (undo finds them by index);
            # updated_at stays: a rejected row leaves every list, and the indexes it would touch cost at volume
            n = conn.execute(f"UPDATE {kind} SET rejected_at = '{now}' WHERE {cond}", params).rowcount
            if n:
                by_kind.append((kind, n))
            if n and kind == "projects":
                _detach(conn, args)
            continue
        n = _log_items(conn, batch, kind, sel)
        if not n:
            continue
        by_kind.append((kind, n))
        items = _logged("item", kind)
        if action == "approve":  # the rows just logged, by the filter itself (no id lookups)
            conn.execute(f"UPDATE {kind} SET is_approved = 1, updated_at = '{now}' WHERE {cond}", params)
        else:  # restore: the previous rejected_at is kept in the log for undo
            conn.execute(
                f"UPDATE review_log SET prev = (SELECT rejected_at FROM {kind} r WHERE r.id = review_log.id) "
                f"WHERE batch_id = :batch AND kind = '{kind}' AND role = 'item'", args)
            conn.execute(f"UPDATE {kind} SET rejected_at = NULL, updated_at = :now WHERE id IN ({items})", args)
            if kind == "projects":
                _reattach(conn, args)
            else:  # a record back in the queue whose project is still rejected becomes standalone
                conn.execute(
                    f"INSERT INTO review_log (batch_id, kind, id, role, prev) SELECT :batch, '{kind}', r.id, "
                    f"'detached', r.project_id FROM {kind} r WHERE r.id IN ({items}) AND r.project_id IN "
                    f"(SELECT id FROM projects WHERE rejected_at IS NOT NULL)", args)
                conn.execute(f"UPDATE {kind} SET project_id = NULL WHERE id IN ({_logged('detached', kind)})", args)
    total = sum(n for _, n in by_kind)
    conn.execute("UPDATE review_batches SET count = ? WHERE id = ?", (total, batch))
    conn.execute("INSERT INTO activity (at, kind, message, subject_id, data) VALUES (?, 'review', ?, ?, ?)",
                 (now, f"{action} {total} suggestions" + (f" ({label})" if label else ""), batch,
                  json.dumps({"by_kind": dict(by_kind)})))
    return Batch(batch, action, label, total, now, None, tuple(by_kind))


def _check_ids(conn: sqlite3.Connection, sel: Selection) -> None:
    """Every explicit id must name a record; else ``not_found`` and nothing changes."""
    unknown = " AND ".join(f"NOT EXISTS (SELECT 1 FROM {k} WHERE id = j.value)" for k in KIND_ORDER)
    missing = [r[0] for r in conn.execute(
        f"SELECT value FROM json_each(?) j WHERE {unknown} LIMIT 5", (json.dumps(list(sel.ids or ())),)).fetchall()]
    if missing:
        raise ReviewNotFound(f"no suggestion with id {', '.join(missing)}", details={"missing": missing})


def _detach(conn: sqlite3.Connection, args: dict[str, Any]) -> None:
    projects = "SELECT id FROM projects WHERE rejected_at = :now AND deleted_at IS NULL"
    for child in CHILDREN:
        conn.execute(
            f"INSERT INTO review_log (batch_id, kind, id, role, prev) SELECT :batch, '{child}', c.id, "
            f"'detached', c.project_id FROM {child} c WHERE c.project_id IN ({projects}) AND c.rejected_at IS NULL",
            args)
        conn.execute(f"UPDATE {child} SET project_id = NULL, updated_at = :now WHERE id IN "
                     f"({_logged('detached', child)})", args)


def _reattach(conn: sqlite3.Connection, args: dict[str, Any]) -> None:
    projects = _logged("item", "projects")
    for child in CHILDREN:
        conn.execute(
            f"INSERT INTO review_log (batch_id, kind, id, role, prev) SELECT DISTINCT :batch, '{child}', l.id, "
            f"'attached', l.prev FROM review_log l JOIN {child} c ON c.id = l.id WHERE l.role = 'detached' "
            f"AND l.kind = '{child}' AND l.prev IN ({projects}) AND c.project_id IS NULL", args)
        _file_back(conn, child, "attached", args)


def _file_back(conn: sqlite3.Connection, child: str, role: str, args: dict[str, Any]) -> None:
    conn.execute(
        f"UPDATE {child} SET updated_at = :now, project_id = (SELECT l.prev FROM review_log l "
        f"WHERE l.batch_id = :batch AND l.kind = '{child}' AND l.role = '{role}' AND l.id = {child}.id LIMIT 1) "
        f"WHERE id IN ({_logged(role, child)}) AND project_id IS NULL", args)


def _undo_sync(conn: sqlite3.Connection, batch_id: str | None) -> Batch | None:
    row = conn.execute(
        "SELECT * FROM review_batches WHERE undone_at IS NULL AND count > 0 "
        + ("AND id = ? " if batch_id else "") + "ORDER BY created_at DESC, rowid DESC LIMIT 1",
        (batch_id,) if batch_id else ()).fetchone()
    if row is None:
        if batch_id:
            raise ReviewNotFound(f"no review batch {batch_id} to undo")
        return None
    batch, action, made = row["id"], row["action"], row["created_at"]
    now = utcnow()
    args = {"batch": batch, "now": now, "made": made}
    by_kind: list[tuple[str, int]] = []
    for kind in KIND_ORDER:
        items = _logged("item", kind)
        if action == "approve":
            n = conn.execute(f"UPDATE {kind} SET is_approved = 0, updated_at = :now WHERE id IN ({items}) "
                             "AND is_approved = 1", args).rowcount
        elif action in ("reject", "discard"):
            n = conn.execute(f"UPDATE {kind} SET rejected_at = NULL WHERE rejected_at = :made "
                             "AND deleted_at IS NULL", args).rowcount
            if kind in CHILDREN:
                _file_back(conn, kind, "detached", args)
        else:
            n = conn.execute(
                f"UPDATE {kind} SET updated_at = :now, rejected_at = (SELECT l.prev FROM review_log l "
                f"WHERE l.batch_id = :batch AND l.kind = '{kind}' AND l.role = 'item' AND l.id = {kind}.id) "
                f"WHERE id IN ({items}) AND rejected_at IS NULL", args).rowcount
            if kind in CHILDREN:
                conn.execute(f"UPDATE {kind} SET project_id = NULL, updated_at = :now "
                             f"WHERE id IN ({_logged('attached', kind)})", args)
                _file_back(conn, kind, "detached", args)
        if n:
            by_kind.append((kind, n))
    conn.execute("UPDATE review_batches SET undone_at = ? WHERE id = ?", (now, batch))
    total = sum(n for _, n in by_kind)
    conn.execute("INSERT INTO activity (at, kind, message, subject_id, data) VALUES (?, 'review', ?, ?, '{}')",
                 (now, f"undid {action} of {row['count']} suggestions", batch))
    return Batch(batch, action, row["label"], total, made, now, tuple(by_kind))


class Review:
    """Review decisions bound to a store and an event hub."""

    def __init__(self, *, store: Store, events: EventHub | None = None):
        self.store = store
        self.events = events

    # single records and whole kinds (the original API)
    async def approve(self, kind: str, record_id: str) -> None:
        await self._one(kind, record_id, "approve")

    async def reject(self, kind: str, record_id: str) -> None:
        await self._one(kind, record_id, "reject")

    async def _one(self, kind: str, record_id: str, action: str) -> None:
        _kind(kind)
        batch = await self.decide(action, Selection(kind=kind, ids=(record_id,)))
        if batch.count == 0 and await self.store.scalar(f"SELECT 1 FROM {kind} WHERE id = ?", (record_id,)) is None:
            raise ReviewNotFound(f"{kind[:-1]} {record_id} does not exist")

    async def approve_all(self, kind: str | None = None) -> int:
        return (await self.decide("approve", Selection(kind=kind and _kind(kind)))).count

    async def reject_all(self, kind: str | None = None) -> int:
        return (await self.decide("reject", Selection(kind=kind and _kind(kind)))).count

    # set-based decisions
    async def decide(self, action: str, selection: Selection, *, label: str = "") -> Batch:
        """Approve, reject, discard or restore every record ``selection`` names: one transaction, one batch."""
        if action not in ACTIONS:
            raise InvalidReviewRequest(f"{action!r} is not one of {', '.join(ACTIONS)}")
        state = "rejected" if action == "restore" else "waiting"
        if selection.state != state:
            selection = selection.with_(state=state)
        batch = await self._run(lambda conn: _decide_sync(conn, action, selection, label))
        assert batch is not None
        await self._announce(batch)
        return batch

    async def discard_run(self, run_id: str) -> Batch:
        """Reject every suggestion of run ``run_id`` still waiting (undoable)."""
        return await self.decide("discard", Selection(run_id=run_id), label=f"run {run_id}")

    async def discard_run_folder(self, run_id: str, folder: str) -> Batch:
        """Reject run ``run_id``'s suggestions still waiting from files in ``folder`` and its subfolders (undoable)."""
        if not folder.strip():
            raise InvalidReviewRequest("name the folder whose suggestions to discard")
        return await self.decide("discard", Selection(run_id=run_id, source=folder), label=f"run {run_id}: {folder}")

    async def restore(self, ids: list[str] | tuple[str, ...]) -> Batch:
        return await self.decide("restore", Selection(state="rejected", ids=tuple(ids)))

    async def undo(self, batch_id: str | None = None) -> Batch | None:
        """Revert ``batch_id`` (default: the newest batch not undone yet); None when there is nothing to undo."""
        batch = await self._run(lambda conn: _undo_sync(conn, batch_id))
        if batch is not None:
            await self._announce(batch, undone=True)
        return batch

    async def last_batch(self) -> Batch | None:
        row = await self.store.fetchone(
            "SELECT * FROM review_batches WHERE undone_at IS NULL AND count > 0 ORDER BY created_at DESC, rowid DESC "
            "LIMIT 1")
        return None if row is None else Batch(row["id"], row["action"], row["label"], row["count"],
                                              row["created_at"])

    async def _run(self, fn: Callable[[sqlite3.Connection], Batch | None]) -> Batch | None:
        return await self.store.run(fn, begin="IMMEDIATE")

    async def _announce(self, batch: Batch, *, undone: bool = False) -> None:
        if self.events is None or batch.count == 0:
            return
        for kind, n in batch.by_kind:
            self.events.emit(RecordDidChange(tool="review", group=kind, id=None, run_id=None, count=n,
                                             batch=batch.id, undone=undone))
        self.events.emit(ReviewDidChange(pending=await pending_count(self.store), batch=batch.id,
                                         action=batch.action, count=batch.count, undone=undone))
