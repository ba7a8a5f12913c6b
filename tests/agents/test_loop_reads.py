"""Short reads on the loop's own read-only connection (agents.loop_reads), and cancelled jobs on the DB thread."""

from __future__ import annotations

import asyncio
import sqlite3
import threading

import pytest

from agents import calls
from agents.errors import StoreError
from tests.conftest import hold_db_thread

# A read that runs for a long time in SQLite itself (well past the 2 ms budget on any machine).
SLOW = ("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000000) "
        "SELECT COUNT(*) FROM n")


async def test_a_short_read_runs_here_and_sees_what_was_committed(store):
    """read_here answers on the calling thread, with what acknowledged writes stored."""
    await store.set_setting("k", 41)
    where: list[int] = []

    def fn(db):
        where.append(threading.get_ident())
        return db.scalar("SELECT value FROM settings WHERE key = 'k'")

    done, value = store.read_here(fn)
    assert done and value == "41" and where == [threading.get_ident()]
    assert store.loop_reader.served == 1


async def test_a_short_read_does_not_wait_for_a_busy_database_thread(store):
    """While the database thread is held, a loop read is still answered (WAL: a reader waits for no writer)."""
    release, held = await hold_db_thread(store)
    await asyncio.sleep(0.05)
    try:
        done, value = store.read_here(lambda db: db.scalar("SELECT COUNT(*) FROM tasks"))
        assert done and value == 0 and not held.done()
    finally:
        release.set()
        await held


async def test_a_long_read_is_interrupted_and_handed_to_the_database_thread(store):
    """A read past its budget is declined here and read_soon still returns its full answer from the thread."""
    done, _ = store.read_here(lambda db: db.scalar(SLOW))
    assert not done and store.loop_reader.declined == 1
    assert await store.read_soon(lambda db: db.scalar(SLOW)) == 2000000
    assert store.loop_reader.served == 0


async def test_a_turn_that_spent_its_budget_sends_further_reads_to_the_thread(store):
    """Once this loop turn spent its budget on loop reads, the next ones go to the database thread."""
    store.loop_reader.turn_budget = 0.0
    done, _ = store.read_here(lambda db: 1)
    assert not done
    assert await store.read_soon(lambda db: db.scalar("SELECT 7")) == 7


async def test_the_loop_connection_cannot_write(store):
    """The loop's connection is read-only: a write there is declined and nothing is stored."""
    await store.execute("CREATE TABLE t (v INTEGER)")
    done, _ = store.read_here(lambda db: db.execute("INSERT INTO t VALUES (1)"))
    assert not done
    assert await store.scalar("SELECT COUNT(*) FROM t") == 0


async def test_a_loop_read_call_posts_its_journal_row(store, catalog):
    """A read-only call answered on the loop stores its journal row with the next write group."""
    out = await calls.execute(store, catalog, call_id="r1", name="list_tasks", args={})
    assert out.ok and store.loop_reader.served >= 1
    assert await store.scalar("SELECT COUNT(*) FROM tool_calls WHERE call_id = 'r1'") == 1


async def test_a_call_interrupted_on_the_loop_is_answered_by_the_thread_without_an_error(store, catalog, caplog):
    """A loop read that runs past its budget is not an answer: no ``internal`` error, nothing logged at
    ERROR; the database thread runs it again and the caller gets the full result."""
    await store.write(lambda db: db.conn.executemany(
        "INSERT INTO tasks (id, title, created_at, updated_at) VALUES (?, ?, '2026-01-01', '2026-01-01')",
        [(f"t{i}", f"task {i}") for i in range(300)]))
    store.loop_reader.read_budget = -1.0  # every loop read is past its budget at SQLite's first progress check
    caplog.set_level("ERROR")
    out = await calls.execute(store, catalog, call_id="slow-1", name="list_tasks", args={"limit": 500})
    assert out.ok and out.result["total"] == 300
    assert store.loop_reader.declined == 1 and store.loop_reader.served == 0
    assert not [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]


async def test_a_closed_store_reads_nowhere(tmp_path):
    """After close, read_here declines and read_soon raises StoreError."""
    from agents.store import Store

    s = await Store.open(tmp_path / "c.sqlite3")
    assert s.read_here(lambda db: 1) == (True, 1)
    await s.close()
    assert s.read_here(lambda db: 1) == (False, None)
    with pytest.raises(StoreError):
        await s.read_soon(lambda db: 1)


async def test_a_write_cancelled_before_the_thread_took_it_never_runs(store):
    """A queued write whose awaiter was cancelled is dropped: nothing is stored."""
    await store.execute("CREATE TABLE t (v INTEGER)")
    release, held = await hold_db_thread(store)
    await asyncio.sleep(0.05)
    write = asyncio.ensure_future(store.execute("INSERT INTO t VALUES (1)"))
    await asyncio.sleep(0)
    write.cancel()
    release.set()
    await held
    assert await store.scalar("SELECT COUNT(*) FROM t") == 0


async def test_a_cancelled_transaction_start_leaves_the_thread_free(store):
    """Cancelling a transaction while it waits to begin does not wedge the database thread."""
    release, held = await hold_db_thread(store)
    await asyncio.sleep(0.05)

    async def open_one():
        async with store.transaction() as tx:
            await tx.execute("SELECT 1")

    started = asyncio.ensure_future(open_one())
    await asyncio.sleep(0)
    started.cancel()
    release.set()
    await held
    with pytest.raises(asyncio.CancelledError):
        await started
    await asyncio.wait_for(store.execute("CREATE TABLE after (v INTEGER)"), 5)
    assert await store.scalar("SELECT COUNT(*) FROM after") == 0


def test_the_read_connection_is_opened_read_only(tmp_path):
    """The loop reader opens the file with mode=ro: even a direct write on it fails."""
    from agents.loop_reads import LoopReader

    path = tmp_path / "x.sqlite3"
    sqlite3.connect(path).execute("CREATE TABLE t (v)").connection.close()
    reader = LoopReader(path)
    done, value = reader.try_read(lambda conn: conn.execute("SELECT COUNT(*) FROM t").fetchone()[0])
    assert done and value == 0
    assert reader.try_read(lambda conn: conn.execute("INSERT INTO t VALUES (1)")) == (False, None)
    reader.close()
    assert reader.try_read(lambda conn: 1) == (False, None)


async def test_posts_of_one_moment_reach_the_thread_together(store):
    """Journal rows posted together wait briefly and commit as one group (one wake-up of the thread)."""
    await store.execute("CREATE TABLE posted (v INTEGER)")
    before = store.commits
    for i in range(50):
        store.post(lambda db, i=i: db.execute("INSERT INTO posted VALUES (?)", (i,)))
    assert store.commits == before  # nothing went to the thread yet
    for _ in range(200):
        await asyncio.sleep(0.01)
        if store.commits > before:
            break
    assert store.commits == before + 1
    assert await store.scalar("SELECT COUNT(*) FROM posted") == 50


async def test_a_burst_of_calls_sends_all_but_the_first_to_the_thread(store, catalog):
    """In one loop turn, the first read-only call is answered on the loop; the rest of the burst on the thread."""
    outcomes = await asyncio.gather(*(calls.execute(store, catalog, call_id=f"b{i}", name="list_tasks", args={})
                                      for i in range(10)))
    assert all(o.ok for o in outcomes)
    assert store.loop_reader.served == 1 and store.loop_reader.declined == 9
