"""Read queries over ``agent_runs``: the run list, one run, the latest finished run (per agent), a flood's folders.

The window, the CLI and the companion read runs only through here, so no SQL about runs lives in
``desktop``. Rows are plain dicts with ``errors`` decoded to a list, and the skipped files counted:
``skipped_count`` and ``skipped_by_reason`` ({reason: n}) on every row, ``flood`` (bool). ``details``
(``agent_runs.details``: the skipped files with their reasons, suggestions by folder) is decoded on
``get_run`` and on ``recent_runs(details=True)``; the run list leaves it out (a run may hold thousands
of skipped files). Async, on the store's loop.
"""

from __future__ import annotations

import json
import posixpath
from typing import Any

from agents.review_query import KIND_ORDER, Selection, counts
from agents.store import Store

COLUMNS = ("id, agent_id, agent_name, trigger, engine, status, request_id, remote_run_id, started_at, finished_at, "
           "items_processed, items_created, items_updated, errors, summary")
# the skip counts without decoding the skipped list in Python: the engine's own tally, else counted in SQL
SKIP_SUMMARY = (
    "COALESCE(json_extract(details, '$.skipped_by_reason'), (SELECT json_group_object(reason, n) FROM "
    "(SELECT json_extract(value, '$.reason') AS reason, COUNT(*) AS n FROM json_each(details, '$.skipped') "
    "GROUP BY 1))) AS skipped_by_reason, json_extract(details, '$.flood') AS flood"
)
SKIP_REASONS = ("unsupported type", "too large", "unreadable", "ignored")


def _loads(raw: Any, default: Any) -> Any:
    if not isinstance(raw, str):
        return default if raw is None else raw
    try:
        return json.loads(raw)
    except ValueError:
        return default


def _decoded(row: dict[str, Any]) -> dict[str, Any]:
    raw = row.get("errors")
    if isinstance(raw, str):
        value = _loads(raw, [raw])
        row["errors"] = value if isinstance(value, list) else [str(value)]
    elif raw is None:
        row["errors"] = []
    if "details" in row:
        details = _loads(row["details"], {})
        row["details"] = details if isinstance(details, dict) else {}
    by_reason = _loads(row.get("skipped_by_reason"), None)
    if not isinstance(by_reason, dict) and isinstance(row.get("details"), dict):
        by_reason = row["details"].get("skipped_by_reason")
        if not isinstance(by_reason, dict):
            by_reason = {}
            for s in row["details"].get("skipped") or []:
                by_reason[s.get("reason", "")] = by_reason.get(s.get("reason", ""), 0) + 1
    row["skipped_by_reason"] = {str(k): int(v) for k, v in (by_reason or {}).items()}
    row["skipped_count"] = sum(row["skipped_by_reason"].values())
    flood = row.get("flood")
    if flood is None and isinstance(row.get("details"), dict):
        flood = row["details"].get("flood")
    row["flood"] = bool(flood)
    return row


def skipped_text(by_reason: dict[str, int]) -> str:
    """"12 skipped: 9 unsupported type, 2 too large, 1 ignored" (reasons in a fixed order); "" when none."""
    total = sum(by_reason.values())
    if not total:
        return ""
    order = [r for r in SKIP_REASONS if by_reason.get(r)] + sorted(r for r in by_reason if r not in SKIP_REASONS)
    return f"{total:,} skipped: " + ", ".join(f"{by_reason[r]:,} {r}" for r in order if by_reason[r])


async def recent_runs(store: Store, limit: int, *, agent_id: str | None = None,
                      details: bool = False) -> list[dict[str, Any]]:
    """The newest ``limit`` runs (of one agent when ``agent_id`` is given), newest first.

    With ``details`` each row carries its decoded ``details`` (the CLI's ``runs --json``).
    """
    where, params = ("WHERE agent_id = ?", [agent_id]) if agent_id is not None else ("", [])
    columns = f"{COLUMNS}, {SKIP_SUMMARY}" + (", details" if details else "")
    rows = await store.fetchall(
        f"SELECT {columns} FROM agent_runs {where} ORDER BY started_at DESC LIMIT ?", [*params, max(1, limit)]
    )
    return [_decoded(r) for r in rows]


async def get_run(store: Store, run_id: str) -> dict[str, Any] | None:
    """One run with its decoded ``details``, or None."""
    row = await store.fetchone(f"SELECT {COLUMNS}, {SKIP_SUMMARY}, details FROM agent_runs WHERE id = ?", (run_id,))
    return _decoded(row) if row is not None else None


async def last_finished_run(store: Store) -> dict[str, Any] | None:
    """The newest run that is not running any more."""
    row = await store.fetchone(
        f"SELECT {COLUMNS}, {SKIP_SUMMARY} FROM agent_runs WHERE status != 'running' ORDER BY started_at DESC LIMIT 1")
    return _decoded(row) if row is not None else None


async def last_finished_by_agent(store: Store) -> dict[str, dict[str, Any]]:
    """Each agent's newest finished run, by agent id."""
    rows = await store.fetchall(
        "SELECT r.* FROM agent_runs r JOIN (SELECT agent_id, MAX(started_at) AS latest FROM agent_runs "
        "WHERE status != 'running' GROUP BY agent_id) x ON r.agent_id = x.agent_id AND r.started_at = x.latest"
    )
    return {r["agent_id"]: _decoded(r) for r in rows}


async def flood_folders(store: Store, run: dict[str, Any], limit: int = 8) -> list[dict[str, Any]]:
    """A flood run's busiest folders: ``{"folder", "path", "suggested", "waiting"}``, busiest first.

    ``folder`` is relative to the agent's folder (as ``details.suggestions_by_folder`` has it),
    ``path`` the absolute folder (the Review source filter's value; None when it cannot be found),
    ``suggested`` what the run suggested from files directly in it, ``waiting`` how many of the run's
    suggestions from it and its subfolders still wait (what Review shows and Discard discards).
    The agent's top folder itself is left out: its prefix is the whole run.
    """
    details = run.get("details") or {}
    by_folder = details.get("suggestions_by_folder") or {}
    ranked = sorted(((str(f), int(n)) for f, n in by_folder.items() if f), key=lambda kv: (-kv[1], kv[0]))[:limit]
    if not ranked:
        return []
    roots: list[str] = []
    if run.get("agent_id"):
        raw = await store.scalar("SELECT directory_paths FROM agents WHERE id = ?", (run["agent_id"],))
        roots = [str(r) for r in _loads(raw, []) or []]
    parents = await _source_parents(store, run["id"])
    out: list[dict[str, Any]] = []
    for rel, suggested in ranked:
        path = _resolve(rel, roots, parents)
        waiting = 0
        if path is not None:
            waiting = sum((await counts(store, Selection(run_id=run["id"], source=path))).values())
        out.append({"folder": rel, "path": path, "suggested": suggested, "waiting": waiting})
    return out


async def _source_parents(store: Store, run_id: str) -> set[str]:
    """The folders the run's suggestions came from (any state), '/'-separated."""
    union = " UNION ".join(f"SELECT DISTINCT source_path FROM {k} WHERE run_id = ?" for k in KIND_ORDER)
    rows = await store.fetchall(union, [run_id] * len(KIND_ORDER))
    return {posixpath.dirname(str(r["source_path"]).replace("\\", "/")) for r in rows if r["source_path"]}


def _resolve(rel: str, roots: list[str], parents: set[str]) -> str | None:
    """The absolute folder ``rel`` names: under one of the agent's folders, else found in the run's sources."""
    rel = rel.strip("/")
    for root in roots:
        sep = "\\" if "\\" in root and "/" not in root else "/"
        candidate = root.rstrip("/\\") + sep + rel.replace("/", sep)
        normal = candidate.replace("\\", "/")
        if any(p == normal or p.startswith(normal + "/") for p in parents):
            return candidate
    for p in sorted(parents, key=len):
        if p.endswith("/" + rel):
            return p
    if roots:
        return roots[0].rstrip("/\\") + "/" + rel
    return None
