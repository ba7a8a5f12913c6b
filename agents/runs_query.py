"""Read queries over ``agent_runs``: the run list, one run, the latest finished run (per agent).

The window, the CLI and the companion read runs only through here, so no SQL about runs lives in
``desktop``. Rows are plain dicts with ``errors`` decoded to a list. Async, on the store's loop.
"""

from __future__ import annotations

import json
from typing import Any

from agents.store import Store


def _decoded(row: dict[str, Any]) -> dict[str, Any]:
    raw = row.get("errors")
    if isinstance(raw, str):
        try:
            value = json.loads(raw)
        except ValueError:
            value = [raw]
        row["errors"] = value if isinstance(value, list) else [str(value)]
    elif raw is None:
        row["errors"] = []
    return row


async def recent_runs(store: Store, limit: int, *, agent_id: str | None = None) -> list[dict[str, Any]]:
    """The newest ``limit`` runs (of one agent when ``agent_id`` is given), newest first."""
    where, params = ("WHERE agent_id = ?", [agent_id]) if agent_id is not None else ("", [])
    rows = await store.fetchall(
        f"SELECT * FROM agent_runs {where} ORDER BY started_at DESC LIMIT ?", [*params, max(1, limit)]
    )
    return [_decoded(r) for r in rows]


async def get_run(store: Store, run_id: str) -> dict[str, Any] | None:
    row = await store.fetchone("SELECT * FROM agent_runs WHERE id = ?", (run_id,))
    return _decoded(row) if row is not None else None


async def last_finished_run(store: Store) -> dict[str, Any] | None:
    """The newest run that is not running any more."""
    row = await store.fetchone("SELECT * FROM agent_runs WHERE status != 'running' ORDER BY started_at DESC LIMIT 1")
    return _decoded(row) if row is not None else None


async def last_finished_by_agent(store: Store) -> dict[str, dict[str, Any]]:
    """Each agent's newest finished run, by agent id."""
    rows = await store.fetchall(
        "SELECT r.* FROM agent_runs r JOIN (SELECT agent_id, MAX(started_at) AS latest FROM agent_runs "
        "WHERE status != 'running' GROUP BY agent_id) x ON r.agent_id = x.agent_id AND r.started_at = x.latest"
    )
    return {r["agent_id"]: _decoded(r) for r in rows}
