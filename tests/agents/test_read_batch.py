"""agents.read_batch on a real store: reads of one loop turn share a job, each keeps its own answer."""

from __future__ import annotations

import asyncio

from agents import calls, read_batch


async def test_reads_started_together_share_a_job_and_keep_their_own_answers(store, monkeypatch):
    """Twenty reads started in one turn take at most two Store.read jobs (a lone one, then the rest
    together); each gets its own value, and the one that raises gets its error alone."""
    jobs = 0
    real_read = store.read

    async def counting_read(fn, **kw):
        nonlocal jobs
        jobs += 1
        return await real_read(fn, **kw)

    monkeypatch.setattr(store, "read", counting_read)

    def job(i: int):
        def fn(db):
            if i == 5:
                raise ValueError("five")
            return (i, db.scalar("SELECT COUNT(*) FROM tasks"))
        return fn

    results = await asyncio.gather(*(read_batch.read(store, job(i)) for i in range(20)), return_exceptions=True)
    assert jobs <= 2
    assert isinstance(results[5], ValueError) and str(results[5]) == "five"
    assert [r for i, r in enumerate(results) if i != 5] == [(i, 0) for i in range(20) if i != 5]


async def test_a_cancelled_read_leaves_the_others_answered(store):
    """Cancelling one awaiter of a batch does not disturb the answers of the others."""
    tasks = [asyncio.ensure_future(read_batch.read(store, lambda db, i=i: i)) for i in range(5)]
    await asyncio.sleep(0)
    tasks[2].cancel()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert isinstance(results[2], asyncio.CancelledError)
    assert [r for i, r in enumerate(results) if i != 2] == [0, 1, 3, 4]


async def test_batched_read_only_calls_are_each_journaled(store, catalog):
    """Read-only tool calls made together through the executor each get their result and journal row."""
    outcomes = await asyncio.gather(*(calls.execute(store, catalog, call_id=f"r-{i}", name="list_tasks",
                                                    args={"limit": i + 1}) for i in range(10)))
    assert all(o.ok and o.result["total"] == 0 for o in outcomes)
    await store.write(lambda db: None)  # the deferred rows commit with the next write group
    rows = await store.fetchall("SELECT call_id, args FROM tool_calls ORDER BY call_id")
    assert sorted((r["call_id"], r["args"]) for r in rows) == sorted(
        (f"r-{i}", f'{{"limit":{i + 1}}}') for i in range(10))


async def test_reads_on_a_closed_store_raise_for_every_caller(tmp_path):
    """After the store closed, every read (lone or batched) raises instead of hanging."""
    from agents.store import Store

    store = await Store.open(tmp_path / "w.sqlite3")
    await store.close()
    results = await asyncio.gather(*(read_batch.read(store, lambda db: 1) for _ in range(3)),
                                   return_exceptions=True)
    assert all(isinstance(r, Exception) for r in results)
