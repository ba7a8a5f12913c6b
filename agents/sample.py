"""The sample agent ("Try it with the sample files"): how it is recognised and how it is removed in one step (Qt-free).

The welcome page creates a manual-only rules agent on the bundled
``resources/sample-workspace`` and stores its id under the setting
``SAMPLE_AGENT``. An agent is the sample when its id is that setting's or when
its only folder is the bundled sample folder (an agent made from the CLI on it).

``remove_sample`` removes every sample agent in one transaction: the records
its runs created are soft-deleted (``deleted_at``, as Workspace's delete:
waiting suggestions leave the queue, approved ones leave the workspace, and
none is marked rejected, so trying the sample again suggests them afresh);
records of other origins filed under a removed sample project become
standalone; the agent rows and the setting go. The UI confirms first: this is
not a review batch, so there is no Undo. Coroutines run on the store's loop,
the SQL on the database thread; it emits ``agent_did_change`` per agent,
``record_did_change`` per kind and ``review_did_change``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field

from agents.events import AgentDidChange, EventHub, RecordDidChange, ReviewDidChange
from agents.resources import resource_path
from agents.store import Store, SyncDb, utcnow

SAMPLE_AGENT = "sample.agent_id"
"""Settings key (JSON string): the id of the agent the welcome page made on the sample files."""

KINDS = ("tasks", "notes", "timelines", "projects")
CHILDREN = ("tasks", "notes", "timelines")


def sample_folder() -> str:
    """The bundled sample workspace, as agents store folders (a real path)."""
    return os.path.realpath(resource_path("sample-workspace"))


def _sample_ids(db: SyncDb) -> list[str]:
    marked = db.scalar("SELECT value FROM settings WHERE key = ?", (SAMPLE_AGENT,))
    marked_id = json.loads(marked) if marked else None
    return [r["id"] for r in db.fetchall(
        "SELECT id FROM agents WHERE id = ? OR (json_array_length(directory_paths) = 1 "
        "AND json_extract(directory_paths, '$[0]') = ?) ORDER BY created_at", (marked_id, sample_folder()))]


async def sample_agent_ids(store: Store) -> list[str]:
    """The ids of the sample agents that exist (usually none or one)."""
    return await store.read(_sample_ids)


@dataclass(frozen=True)
class Removed:
    """What ``remove_sample`` removed: the agents, and the records by kind."""

    agent_ids: tuple[str, ...] = ()
    by_kind: dict[str, int] = field(default_factory=dict)

    @property
    def records(self) -> int:
        return sum(self.by_kind.values())


def _remove_sync(db: SyncDb) -> Removed:
    ids = _sample_ids(db)
    if not ids:
        db.execute("DELETE FROM settings WHERE key = ?", (SAMPLE_AGENT,))
        return Removed()
    now, agents = utcnow(), json.dumps(ids)
    runs = "SELECT id FROM agent_runs WHERE agent_id IN (SELECT value FROM json_each(:agents))"
    args = {"agents": agents, "now": now}
    by_kind: dict[str, int] = {}
    for kind in KINDS:
        n = db.execute(f"UPDATE {kind} SET deleted_at = :now, updated_at = :now "
                       f"WHERE run_id IN ({runs}) AND deleted_at IS NULL", args)
        if n:
            by_kind[kind] = n
    if by_kind.get("projects"):
        removed = f"SELECT id FROM projects WHERE run_id IN ({runs}) AND deleted_at = :now"
        for child in CHILDREN:
            n = db.execute(f"UPDATE {child} SET project_id = NULL, updated_at = :now "
                           f"WHERE project_id IN ({removed}) AND deleted_at IS NULL", args)
            if n:
                by_kind.setdefault(child, 0)
    db.execute("DELETE FROM agents WHERE id IN (SELECT value FROM json_each(?))", (agents,))
    db.execute("DELETE FROM settings WHERE key = ?", (SAMPLE_AGENT,))
    db.execute("INSERT INTO activity (at, kind, message, data) VALUES (?, 'sample', ?, ?)",
               (now, f"removed the sample ({sum(by_kind.values())} records)", json.dumps({"by_kind": by_kind})))
    return Removed(tuple(ids), by_kind)


async def remove_sample(store: Store, events: EventHub | None) -> Removed:
    """Remove the sample agents, their waiting suggestions and the records their runs created (one transaction)."""
    from agents.review import pending_count

    removed = await store.write(_remove_sync)
    if events is not None and removed.agent_ids:
        for agent_id in removed.agent_ids:
            events.emit(AgentDidChange(agent_id=agent_id))
        for kind, n in removed.by_kind.items():
            events.emit(RecordDidChange(tool="sample", group=kind, count=n))
        events.emit(ReviewDidChange(pending=await pending_count(store)))
    return removed
