"""Journaled ``create_task`` beside a bare aiosqlite ``INSERT`` + ``COMMIT``, in the same run.

Ours: ``agents.calls.execute(store, catalog, call_id=..., name="create_task", ...)``,
the path every bridge and engine write takes: argument validation, journal
lookup by id, the INSERT, the journal row, one COMMIT (``BEGIN IMMEDIATE``),
on a real workspace ``Store``.

Floor: the same row shape (id, title, description, state, assignees,
is_ai_suggested, is_approved, created_at, updated_at) into the same ``tasks``
table of a second, identically migrated file with the store's settings (WAL,
``synchronous=FULL``: an acknowledged write survives power loss; foreign keys
on, ``busy_timeout``), written with bare
aiosqlite: ``await db.execute(INSERT ...)`` then ``await db.commit()``.

Both sequential (one write at a time, each committed before the next), in
alternating rounds; the best round of each is reported. Goal (ours, not the
issue's): ours ≥ 0.5 × floor, i.e. the journal at most doubles the cost of a
committed write::

    .venv/bin/python bench/journal_write.py [--writes 1000] [--rounds 5] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import aiosqlite  # noqa: E402

from agents import calls  # noqa: E402
from agents.store import Store, utcnow  # noqa: E402
from agents.tools.catalog import Catalog  # noqa: E402

GOAL = 0.5
INSERT = (
    "INSERT INTO tasks (id, title, description, state, assignees, is_ai_suggested, is_approved, "
    "created_at, updated_at) VALUES (?, ?, ?, 'ToDo', '[]', 0, 1, ?, ?)"
)


def args_for(prefix: str, i: int) -> dict[str, str]:
    return {"title": f"{prefix} task {i:06d}", "description": "written by the journal bench"}


async def ours_round(store: Store, catalog: Catalog, tag: str, writes: int) -> float:
    began = time.perf_counter()
    for i in range(writes):
        outcome = await calls.execute(store, catalog, call_id=f"{tag}-{i}", name="create_task",
                                        args=args_for(tag, i))
        if not outcome.ok:
            raise RuntimeError(f"create_task failed: {outcome.error}")
    return time.perf_counter() - began


async def floor_round(db: aiosqlite.Connection, tag: str, writes: int) -> float:
    began = time.perf_counter()
    for i in range(writes):
        a = args_for(tag, i)
        now = utcnow()
        await db.execute(INSERT, (str(uuid.uuid4()), a["title"], a["description"], now, now))
        await db.commit()
    return time.perf_counter() - began


async def run(writes: int, rounds: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="adiuva-journal-bench-") as tmp:
        ours_path, floor_path = Path(tmp) / "ours.sqlite3", Path(tmp) / "floor.sqlite3"
        await (await Store.open(floor_path)).close()  # the same schema, migrated the same way
        store = await Store.open(ours_path)
        db = await aiosqlite.connect(str(floor_path))
        try:
            for pragma in ("PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL", "PRAGMA foreign_keys = ON",
                           "PRAGMA busy_timeout = 5000"):
                await db.execute(pragma)
            catalog = Catalog(store=store)
            await ours_round(store, catalog, "warm", 100)
            await floor_round(db, "warm", 100)
            best_ours = best_floor = float("inf")
            for r in range(rounds):
                best_ours = min(best_ours, await ours_round(store, catalog, f"r{r}", writes))
                best_floor = min(best_floor, await floor_round(db, f"r{r}", writes))
            rows_ours = await store.scalar("SELECT COUNT(*) FROM tasks")
            journal_rows = await store.scalar("SELECT COUNT(*) FROM tool_calls")
            async with db.execute("SELECT COUNT(*) FROM tasks") as cur:
                rows_floor = (await cur.fetchone())[0]
        finally:
            await db.close()
            await store.close()
    expected = 100 + rounds * writes
    if not rows_ours == journal_rows == rows_floor == expected:
        raise RuntimeError(f"row counts differ: ours {rows_ours}, journal {journal_rows}, floor {rows_floor}")
    return {"ours": writes / best_ours, "floor": writes / best_floor}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writes", type=int, default=1000, help="writes per round (default 1000)")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds; the best is kept (default 5)")
    parser.add_argument("--json", action="store_true", help="end with one machine-readable JSON line")
    args = parser.parse_args()
    figures = asyncio.run(run(args.writes, args.rounds))
    ratio = figures["ours"] / figures["floor"]
    met = ratio >= GOAL
    print(f"journaled create_task (agents.calls.execute): {figures['ours']:,.0f} writes/s")
    print(f"bare aiosqlite INSERT + COMMIT, same row shape: {figures['floor']:,.0f} writes/s")
    print(f"ratio ours/floor: {ratio:.2f}  goal ≥ {GOAL} × floor: {'met' if met else 'NOT met'}  "
          f"(best of {args.rounds} rounds of {args.writes} sequential committed writes, WAL, synchronous=FULL)")
    if args.json:
        print(json.dumps({"bench": "journal_write", "rows": [{
            "figure": "journaled create_task vs bare INSERT+COMMIT", "unit": "writes/s",
            "ours": round(figures["ours"], 1), "peer": round(figures["floor"], 1), "peer_label": "aiosqlite floor",
            "ratio": round(ratio, 3), "goal": f"≥ {GOAL} × floor", "met": met,
        }]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
