"""Journal retention: read-only bridge results are reduced after a window, and the space comes back.

PROTOCOL.md "Read-only calls": a read's stored result is kept for replay for
at least 24 hours, then may be reduced to its name and argument hash; file
contents are never kept longer. ``prune`` does the reducing (rows the journal
marked ``prunable`` and finished before the window, in batches of ``batch``
rows, one short transaction each), ``reclaim`` gives the freed pages back to
the file system (``PRAGMA incremental_vacuum`` in bounded steps, then a WAL
checkpoint that truncates the log). A database created before auto_vacuum was
on is switched once with ``PRAGMA auto_vacuum = INCREMENTAL`` + ``VACUUM``, at
the first pass after start (after pruning, so it copies only what stays).

``run_pruner`` is the periodic task (at start, then hourly) the bridge's
dispatcher keeps. Everything runs on the store's asyncio loop; each statement
goes through ``Store.run``, so the database lock is held for one batch or one
vacuum step at a time and other calls interleave between them.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import sqlite3
from datetime import UTC, datetime, timedelta

from agents.store import Store, iso, utcnow

log = logging.getLogger(__name__)

RETENTION = timedelta(hours=24)
INTERVAL = 3600.0
BATCH = 200
VACUUM_STEP_PAGES = 1024  # 4 MiB of 4 KiB pages per step
AUTO_VACUUM_INCREMENTAL = 2

_DUE = (
    "SELECT call_id, name, args_hash, source, run_id, agent_id, ok, error_type, started_at, finished_at, "
    "duration_ms FROM tool_calls WHERE prunable = 1 AND pruned_at IS NULL AND finished_at <= ? "
    "ORDER BY finished_at LIMIT ?"
)
_REDUCED = (
    "INSERT INTO tool_calls (call_id, name, args_hash, source, run_id, agent_id, ok, error_type, started_at, "
    "finished_at, duration_ms, args, result, prunable, pruned_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,'null','null',1,?)"
)


def _prune_batch(conn: sqlite3.Connection, cutoff: str, batch: int) -> int:
    """Reduce up to ``batch`` due rows. Each is deleted and written again, reduced, at the end of the
    table: an UPDATE in place would leave every row alone on its old leaf page (the page held the
    result's first part), and the file could not shrink below a page per call."""
    rows = conn.execute(_DUE, (cutoff, batch)).fetchall()
    stamp = utcnow()
    conn.executemany("DELETE FROM tool_calls WHERE call_id = ?", [(r[0],) for r in rows])
    conn.executemany(_REDUCED, [(*tuple(r), stamp) for r in rows])
    return len(rows)


async def prune(store: Store, *, window: timedelta = RETENTION, batch: int = BATCH,
                now: datetime | None = None) -> int:
    """Reduce the read-only bridge rows that finished ``window`` or more ago; returns how many."""
    cutoff = iso((now or datetime.now(UTC)) - window)
    total = 0
    while True:
        done = await store.run(functools.partial(_prune_batch, cutoff=cutoff, batch=batch), begin="IMMEDIATE")
        total += done
        if done < batch:
            return total
        await asyncio.sleep(0)  # let waiting calls have the database between batches


async def reclaim(store: Store, *, step_pages: int = VACUUM_STEP_PAGES) -> None:
    """Give free pages back to the file system, in steps of ``step_pages``; truncate the WAL."""
    if await store.scalar("PRAGMA auto_vacuum") != AUTO_VACUUM_INCREMENTAL:

        def switch(conn: sqlite3.Connection) -> None:
            conn.execute("PRAGMA auto_vacuum = INCREMENTAL")
            conn.execute("VACUUM")  # needed once to switch an existing file; it also frees everything

        log.info("journal.retention.vacuum_switch path=%s", store.path)
        await store.run(switch)
    else:
        while await store.scalar("PRAGMA freelist_count"):

            def step(conn: sqlite3.Connection) -> None:
                conn.execute(f"PRAGMA incremental_vacuum({int(step_pages)})").fetchall()

            await store.run(step)
            await asyncio.sleep(0)
    await store.run(lambda conn: conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall())


async def prune_and_reclaim(store: Store, *, window: timedelta = RETENTION, batch: int = BATCH) -> int:
    """One pass: ``prune`` then ``reclaim``; returns the number of rows reduced."""
    pruned = await prune(store, window=window, batch=batch)
    await reclaim(store)
    if pruned:
        log.info("journal.retention.pruned rows=%d", pruned)
    return pruned


async def run_pruner(store: Store, *, window: timedelta = RETENTION, interval: float = INTERVAL,
                     batch: int = BATCH) -> None:
    """Forever: a pass now, then one every ``interval`` seconds. A failed pass is logged; the task lives on."""
    while True:
        if store.closed:
            return
        try:
            await prune_and_reclaim(store, window=window, batch=batch)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("journal.retention.failed path=%s", store.path)
        await asyncio.sleep(interval)
