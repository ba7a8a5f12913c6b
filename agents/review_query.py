"""Set-based queries over the review queue and the workspace (Qt-free, SQL only here).

``Selection`` says which suggestions an operation or a page means: a state
(waiting or rejected), filters (kind, project, agent, run, source folder,
search text) and optionally explicit ids. ``where(kind, sel)`` turns it into
one SQL condition per record table, so a page, a count and a bulk update all
select the same rows without materialising ids in Python. Pages are
``LIMIT/OFFSET`` slices in a stable order; counts are ``COUNT(*)`` over the
partial indexes of migration 0006.

Everything here is a coroutine on the store's loop (``Store.fetchall``) or a
synchronous helper for code already on the database thread (``Store.run``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

from agents.errors import InvalidReviewRequest
from agents.store import Store

KIND_ORDER = ("projects", "tasks", "timelines", "notes")
WAITING = "is_ai_suggested = 1 AND is_approved = 0 AND deleted_at IS NULL AND rejected_at IS NULL"
REJECTED = "rejected_at IS NOT NULL AND deleted_at IS NULL"
STATES = {"waiting": WAITING, "rejected": REJECTED}
SORTS = {
    "created": "created_at", "kind": "kind", "title": "title COLLATE NOCASE", "project": "project_name COLLATE NOCASE",
    "agent": "agent_name COLLATE NOCASE", "source": "source_path", "rejected": "rejected_at",
}
NO_PROJECT = ""  # Selection.project_id for "records filed under no project"


@dataclass(frozen=True)
class _Columns:
    title_column: str
    text_column: str


# the title and text column of each kind (as ``agents.tools.records.KINDS``, without importing the tools:
# the review CLI starts faster without pydantic)
KINDS = {"projects": _Columns("name", "description"), "tasks": _Columns("title", "description"),
         "timelines": _Columns("title", "description"), "notes": _Columns("title", "content")}


@dataclass(frozen=True)
class Selection:
    """Which suggestions: a state, filters, and (optionally) explicit ids of any kind."""

    state: str = "waiting"
    kind: str | None = None
    project_id: str | None = None
    agent: str | None = None
    run_id: str | None = None
    source: str | None = None
    search: str = ""
    ids: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if self.state not in STATES:
            raise InvalidReviewRequest(f"state {self.state!r} is not waiting or rejected")
        if self.kind is not None and self.kind not in KINDS:
            raise InvalidReviewRequest(f"{self.kind!r} is not one of {', '.join(KIND_ORDER)}")

    def with_(self, **changes: Any) -> Selection:
        return replace(self, **changes)

    def kinds(self) -> list[str]:
        kinds = [self.kind] if self.kind else list(KIND_ORDER)
        if self.project_id is not None:  # a project filter means the records filed under it
            kinds = [k for k in kinds if k != "projects"]
        return kinds


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def where(kind: str, sel: Selection, alias: str = "") -> tuple[str, list[Any]]:
    """The SQL condition (and its parameters) selecting ``sel``'s rows of table ``kind``."""
    a = f"{alias}." if alias else ""
    state = STATES[sel.state]
    clauses = [" AND ".join(f"{a}{c.strip()}" for c in state.split(" AND "))]
    params: list[Any] = []
    if sel.project_id is not None:
        if sel.project_id == NO_PROJECT:
            clauses.append(f"{a}project_id IS NULL")
        else:
            clauses.append(f"{a}project_id = ?")
            params.append(sel.project_id)
    if sel.run_id:
        clauses.append(f"{a}run_id = ?")
        params.append(sel.run_id)
    if sel.agent:
        clauses.append(f"{a}run_id IN (SELECT id FROM agent_runs WHERE agent_name = ? COLLATE NOCASE)")
        params.append(sel.agent)
    if sel.source:
        folder = sel.source.rstrip("/\\")
        clauses.append(f"({a}source_path = ? OR {a}source_path LIKE ? ESCAPE '\\')")
        params += [folder, _like(folder) + "/%"]
    if sel.search:
        clauses.append(f"{a}{KINDS[kind].title_column} LIKE ? ESCAPE '\\'")
        params.append(f"%{_like(sel.search)}%")
    if sel.ids is not None:
        clauses.append(f"{a}id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(list(sel.ids)))
    return " AND ".join(clauses), params


def _union(sel: Selection, top: tuple[str, int] | None = None) -> tuple[str, list[Any]]:
    """The kinds' rows as one UNION ALL; with ``top`` = (order, n) each part keeps only its first n in that order
    (a page needs no more from any kind, and a top-n per table is cheaper than sorting them all)."""
    parts: list[str] = []
    params: list[Any] = []
    for kind in sel.kinds():
        spec = KINDS[kind]
        cond, p = where(kind, sel, "r")
        project = "NULL" if kind == "projects" else "r.project_id"
        part = (
            f"SELECT '{kind}' AS kind, r.id, r.{spec.title_column} AS title, r.{spec.text_column} AS body, "
            f"{project} AS project_id, r.source_path, r.run_id, r.created_at, r.rejected_at FROM {kind} r WHERE {cond}"
        )
        if top is not None:
            part = f"SELECT * FROM ({part} ORDER BY {top[0]} LIMIT {int(top[1])})"
        parts.append(part)
        params += p
    return " UNION ALL ".join(parts), params


async def page(store: Store, sel: Selection, *, offset: int = 0, limit: int = 200, sort: str = "created",
               descending: bool = False) -> list[dict[str, Any]]:
    """One page of ``sel``'s suggestions: kind, id, title, body, project_name, agent_name, source_path, …"""
    if sort not in SORTS:
        raise InvalidReviewRequest(f"cannot sort by {sort!r}")
    if not sel.kinds():
        return []
    order = f"{SORTS[sort]} {'DESC' if descending else 'ASC'}, kind, id"
    need_join = sort in ("project", "agent")
    union, params = _union(sel, None if need_join else (order, offset + limit))
    inner = f"SELECT * FROM ({union})"
    if not need_join:  # sort and slice before joining: the joins run for one page only
        inner = f"SELECT * FROM ({union}) ORDER BY {order} LIMIT ? OFFSET ?"
        params = [*params, limit, offset]
    sql = (
        "SELECT u.*, p.name AS project_name, ar.agent_name, ar.started_at AS run_started_at, "
        "ar.trigger AS run_trigger "
        f"FROM ({inner}) u LEFT JOIN projects p ON p.id = u.project_id LEFT JOIN agent_runs ar ON ar.id = u.run_id "
        f"ORDER BY {order}"
    )
    if need_join:
        sql += " LIMIT ? OFFSET ?"
        params = [*params, limit, offset]
    return await store.fetchall(sql, params)


async def counts(store: Store, sel: Selection) -> dict[str, int]:
    """How many of ``sel``'s suggestions there are, by kind (kinds outside the selection count 0)."""
    out = dict.fromkeys(KIND_ORDER, 0)
    kinds = sel.kinds()
    if not kinds:
        return out
    parts, params = [], []
    for kind in kinds:
        cond, p = where(kind, sel)
        parts.append(f"(SELECT COUNT(*) FROM {kind} WHERE {cond}) AS {kind}")
        params += p
    row = await store.fetchone(f"SELECT {', '.join(parts)}", params)
    out.update({k: int(v) for k, v in (row or {}).items()})
    return out


async def facets(store: Store) -> dict[str, list[dict[str, Any]]]:
    """What the filters offer for waiting and rejected suggestions: agents, runs and projects."""
    has = " OR ".join(
        f"EXISTS (SELECT 1 FROM {k} WHERE run_id = ar.id AND (({WAITING}) OR ({REJECTED})))" for k in KIND_ORDER)
    runs = await store.fetchall(  # newest first, through the run_id indexes: no scan of the queue
        f"SELECT id, agent_name, trigger, started_at FROM agent_runs ar WHERE {has} ORDER BY started_at DESC LIMIT 200"
    )
    projects = await store.fetchall(
        "SELECT id, name FROM projects WHERE deleted_at IS NULL AND rejected_at IS NULL ORDER BY name COLLATE NOCASE"
    )
    agents = sorted({r["agent_name"] for r in runs if r["agent_name"]}, key=str.lower)
    return {"runs": runs, "projects": projects, "agents": [{"name": a} for a in agents]}


async def record(store: Store, kind: str, record_id: str) -> dict[str, Any] | None:
    """One record's row as stored (for the edit dialog), or None."""
    if kind not in KINDS:
        raise InvalidReviewRequest(f"{kind!r} is not one of {', '.join(KIND_ORDER)}")
    return await store.fetchone(f"SELECT * FROM {kind} WHERE id = ?", (record_id,))


async def folders(store: Store) -> list[str]:
    """The folders the agents read (the source filter offers them)."""
    out: set[str] = set()
    for row in await store.fetchall("SELECT directory_paths FROM agents"):
        out.update(json.loads(row["directory_paths"] or "[]"))
    return sorted(out, key=str.lower)


# ── the workspace ─────────────────────────────────────────────────────────
LIVE = "deleted_at IS NULL AND rejected_at IS NULL"


def _project_clause(project_id: str | None) -> tuple[str, list[Any]]:
    if project_id is None:
        return "", []
    if project_id == NO_PROJECT:
        return " AND project_id IS NULL", []
    return " AND project_id = ?", [project_id]


async def workspace_page(store: Store, kind: str, project_id: str | None, *, offset: int = 0,
                         limit: int = 200) -> list[dict[str, Any]]:
    """Live records of ``kind`` (suggestions included) under ``project_id`` (None: all), by title."""
    spec = KINDS[kind]
    clause, params = _project_clause(project_id) if kind != "projects" else ("", [])
    return await store.fetchall(
        f"SELECT * FROM {kind} WHERE {LIVE}{clause} ORDER BY {spec.title_column} COLLATE NOCASE, id LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )


async def workspace_count(store: Store, kind: str, project_id: str | None) -> int:
    clause, params = _project_clause(project_id) if kind != "projects" else ("", [])
    return int(await store.scalar(f"SELECT COUNT(*) FROM {kind} WHERE {LIVE}{clause}", params))


async def workspace_counts(store: Store, project_id: str | None) -> dict[str, int]:
    """Live tasks, notes and milestones under ``project_id``, by kind, in one query."""
    clause, params = _project_clause(project_id)
    parts = [f"(SELECT COUNT(*) FROM {k} WHERE {LIVE}{clause}) AS {k}" for k in ("tasks", "notes", "timelines")]
    row = await store.fetchone(f"SELECT {', '.join(parts)}", params * 3)
    return {k: int(v) for k, v in (row or {}).items()}
