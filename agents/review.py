"""The review queue: AI suggestions waiting for the user (Qt-free operations).

A record is waiting when ``is_ai_suggested = 1 AND is_approved = 0`` and it is
neither deleted nor rejected. Approving sets ``is_approved``; rejecting sets
``rejected_at`` (the row stays, so no engine suggests it again, see
``agents.tools.records``). Rejecting a suggested project detaches the records
filed under it (they become standalone) rather than discarding them.

Every operation emits ``review_did_change`` with the new count and
``record_did_change`` for what it touched.
"""

from __future__ import annotations

from typing import Any

from agents.errors import ErrorType, ToolError
from agents.events import EventHub
from agents.store import Store, utcnow
from agents.tools.records import KINDS, to_record

KIND_ORDER = ("projects", "tasks", "timelines", "notes")
_WAITING = "is_ai_suggested = 1 AND is_approved = 0 AND deleted_at IS NULL AND rejected_at IS NULL"


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise ToolError(ErrorType.INVALID_ARGS, f"{kind!r} is not one of {', '.join(KIND_ORDER)}")
    return kind


async def pending_count(store: Store) -> int:
    total = 0
    async with store.transaction() as tx:
        for kind in KIND_ORDER:
            total += await tx.scalar(f"SELECT COUNT(*) FROM {kind} WHERE {_WAITING}")
    return total


async def pending(store: Store) -> dict[str, list[dict[str, Any]]]:
    """Waiting suggestions by kind, each with ``project_name`` (or None), oldest first."""
    out: dict[str, list[dict[str, Any]]] = {}
    async with store.transaction() as tx:
        for kind in KIND_ORDER:
            if kind == "projects":
                sql = f"SELECT *, NULL AS project_name FROM projects WHERE {_WAITING} ORDER BY created_at"
            else:
                sql = (
                    f"SELECT r.*, p.name AS project_name FROM {kind} r LEFT JOIN projects p ON p.id = r.project_id "
                    f"WHERE r.is_ai_suggested = 1 AND r.is_approved = 0 AND r.deleted_at IS NULL "
                    f"AND r.rejected_at IS NULL ORDER BY r.created_at"
                )
            out[kind] = [to_record(r) for r in await tx.fetchall(sql)]
    return out


class Review:
    """Approve / reject operations bound to a store and an event hub."""

    def __init__(self, *, store: Store, events: EventHub | None = None):
        self.store = store
        self.events = events

    async def approve(self, kind: str, record_id: str) -> None:
        await self._set(kind, [record_id], approve=True)

    async def reject(self, kind: str, record_id: str) -> None:
        await self._set(kind, [record_id], approve=False)

    async def approve_all(self, kind: str | None = None) -> int:
        return await self._all(kind, approve=True)

    async def reject_all(self, kind: str | None = None) -> int:
        return await self._all(kind, approve=False)

    async def _all(self, kind: str | None, *, approve: bool) -> int:
        kinds = [_kind(kind)] if kind else list(KIND_ORDER)
        changed = 0
        for k in kinds:
            ids = [r["id"] for r in await self.store.fetchall(f"SELECT id FROM {k} WHERE {_WAITING}")]
            if ids:
                changed += await self._set(k, ids, approve=approve)
        return changed

    async def _set(self, kind: str, ids: list[str], *, approve: bool) -> int:
        kind = _kind(kind)
        now = utcnow()
        changed = 0
        async with self.store.transaction() as tx:
            for record_id in ids:
                if approve:
                    n = await tx.execute(
                        f"UPDATE {kind} SET is_approved = 1, updated_at = ? WHERE id = ? AND {_WAITING}",
                        (now, record_id),
                    )
                else:
                    n = await tx.execute(
                        f"UPDATE {kind} SET rejected_at = ?, updated_at = ? WHERE id = ? AND {_WAITING}",
                        (now, now, record_id),
                    )
                    if n and kind == "projects":
                        for child in ("tasks", "notes", "timelines"):
                            await tx.execute(
                                f"UPDATE {child} SET project_id = NULL, updated_at = ? WHERE project_id = ?",
                                (now, record_id),
                            )
                if not n:
                    exists = await tx.scalar(f"SELECT 1 FROM {kind} WHERE id = ?", (record_id,))
                    if not exists:
                        raise ToolError(ErrorType.NOT_FOUND, f"{kind[:-1]} {record_id} does not exist")
                changed += n
        await self.store.add_activity(
            "review", f"{'Approved' if approve else 'Rejected'} {changed} {kind}", data={"ids": ids[:50]}
        )
        if self.events is not None:
            for record_id in ids:
                self.events.emit("record_did_change", tool="review", group=kind, id=record_id, run_id=None)
            self.events.emit("review_did_change", pending=await pending_count(self.store))
        return changed
