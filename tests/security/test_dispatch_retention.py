"""Item: read results are kept for replay for the retention window, then reduced, and the file shrinks back."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from pathlib import Path

import pytest

from agents import calls, journal_retention
from agents.store import Store
from agents.tools.catalog import Catalog
from tests.conftest import add_agent, until


def db_bytes(path: Path) -> int:
    """The database on disk: the main file and its WAL."""
    wal = path.with_name(path.name + "-wal")
    return path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)


@pytest.mark.timeout(300)
async def test_thousand_large_reads_are_reduced_and_the_file_shrinks(tmp_path: Path):
    """1,000 reads of a 100 KB file grow the database by ~100 MB; after a pass with a shortened window the rows keep
    name and hash only and the file is back under 2 MB; a replay of one of them runs again."""
    folder = tmp_path / "docs"
    folder.mkdir()
    doc = folder / "big.txt"
    doc.write_text(("All work and no play makes a dull report. " * 2500)[:100_000], encoding="utf-8")
    store = await Store.open(tmp_path / "workspace.sqlite3")
    try:
        catalog = Catalog(store=store)
        await add_agent(store, "Docs", [folder])
        await journal_retention.reclaim(store)  # as at start: switches the new file to incremental vacuum
        before = db_bytes(store.path)
        began = time.perf_counter()
        for i in range(1000):
            out = await calls.execute(store, catalog, call_id=f"r{i}", name="read_file_content",
                                        args={"path": str(doc)}, source="bridge", max_result_bytes=4_000_000)
            assert out.ok and len(out.result["content"]) == 100_000
        grown = db_bytes(store.path)
        await store.run(lambda conn: conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall())
        grown_checkpointed = db_bytes(store.path)

        assert await journal_retention.prune_and_reclaim(store, window=timedelta(hours=24)) == 0  # all too recent
        pruned = await journal_retention.prune_and_reclaim(store, window=timedelta(0), batch=100)
        after = db_bytes(store.path)
        print(f"figure: journal retention: {before / 1e6:.2f} MB empty, {grown / 1e6:.1f} MB after 1,000 reads of "
              f"100 KB ({grown_checkpointed / 1e6:.1f} MB checkpointed), {after / 1e6:.2f} MB after the pass "
              f"({pruned} rows reduced); 1,000 reads took {time.perf_counter() - began:.1f} s")
        assert pruned == 1000
        assert grown_checkpointed > 90_000_000
        assert after < 2_000_000
        assert await store.scalar("SELECT COUNT(*) FROM tool_calls WHERE pruned_at IS NOT NULL") == 1000
        assert await store.scalar("SELECT MAX(length(result) + length(args)) FROM tool_calls") <= 8
        assert await store.integrity_check() == "ok"

        again = await calls.execute(store, catalog, call_id="r7", name="read_file_content",
                                      args={"path": str(doc)}, source="bridge")
        assert again.ok and not again.replayed and len(again.result["content"]) == 100_000
        other = await calls.execute(store, catalog, call_id="r8", name="read_file_content",
                                      args={"path": str(doc), "offset": 5}, source="bridge")
        assert other.error.type == "conflict"
    finally:
        await store.close()


async def test_the_pruning_task_runs_at_start_and_again(tmp_path: Path):
    """run_pruner reduces old reads at once and keeps doing so on its interval; cancelling it is clean."""
    store = await Store.open(tmp_path / "workspace.sqlite3")
    task = None
    try:
        catalog = Catalog(store=store)
        await calls.execute(store, catalog, call_id="a", name="list_tasks", args={}, source="bridge")
        task = asyncio.create_task(journal_retention.run_pruner(store, window=timedelta(0), interval=0.05))
        count = "SELECT COUNT(*) FROM tool_calls WHERE pruned_at IS NOT NULL"
        pruned: list[int] = []

        async def poll() -> None:
            pruned.append(await store.scalar(count))

        await until(lambda: asyncio.ensure_future(poll()) and pruned and pruned[-1] == 1, 10, "the first pass")
        await calls.execute(store, catalog, call_id="b", name="list_tasks", args={}, source="bridge")
        await until(lambda: asyncio.ensure_future(poll()) and pruned and pruned[-1] == 2, 10, "a later pass")
        assert await store.scalar("PRAGMA auto_vacuum") == journal_retention.AUTO_VACUUM_INCREMENTAL
    finally:
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        await store.close()
