"""The workspace store: migrations, pragmas, transactions."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from agents.errors import SchemaTooNewError, StoreError
from agents.store import Store, known_migrations

TABLES = {
    "projects", "tasks", "task_comments", "notes", "timelines", "agents", "agent_runs",
    "tool_calls", "activity", "settings", "schema_migrations",
}


async def test_migrates_empty_database_to_latest(tmp_path: Path):
    """An empty file is migrated to the newest schema and every table exists."""
    store = await Store.open(tmp_path / "w.sqlite3")
    try:
        names = {r["name"] for r in await store.fetchall("SELECT name FROM sqlite_master WHERE type='table'")}
        assert TABLES <= names
        assert store.schema_version == known_migrations()[-1].version
        applied = await store.fetchall("SELECT version, name FROM schema_migrations ORDER BY version")
        assert [(r["version"], r["name"]) for r in applied] == [(m.version, m.name) for m in known_migrations()]
    finally:
        await store.close()


async def test_reopening_is_a_no_op(tmp_path: Path):
    """Opening a migrated database again applies nothing and keeps the data."""
    path = tmp_path / "w.sqlite3"
    store = await Store.open(path)
    await store.set_setting("device_name", "studio")
    await store.close()
    store = await Store.open(path)
    try:
        assert await store.scalar("SELECT COUNT(*) FROM schema_migrations") == len(known_migrations())
        assert await store.get_setting("device_name") == "studio"
    finally:
        await store.close()


async def test_wal_foreign_keys_and_busy_timeout(store: Store):
    """The connection runs in WAL mode with foreign keys on and a busy timeout."""
    assert (await store.scalar("PRAGMA journal_mode")).lower() == "wal"
    assert await store.scalar("PRAGMA foreign_keys") == 1
    assert await store.scalar("PRAGMA busy_timeout") >= 1000
    with pytest.raises(sqlite3.IntegrityError):
        await store.execute(
            "INSERT INTO tasks (id, title, project_id, created_at, updated_at) VALUES ('t', 'x', 'nope', 'a', 'a')"
        )


async def test_newer_schema_refuses_to_open(tmp_path: Path):
    """A database written by a newer app is refused with a message that says what to do."""
    path = tmp_path / "w.sqlite3"
    store = await Store.open(path)
    await store.execute("INSERT INTO schema_migrations VALUES (9999, 'future', 'x')")
    await store.close()
    with pytest.raises(SchemaTooNewError, match="newer version"):
        await Store.open(path)


async def test_failed_migration_rolls_back_and_says_which(tmp_path: Path):
    """A broken migration leaves nothing half-applied and names itself in the error."""
    mig = tmp_path / "migrations"
    mig.mkdir()
    (mig / "0001_ok.sql").write_text("CREATE TABLE a (x INTEGER);")
    (mig / "0002_broken.sql").write_text("CREATE TABLE b (x INTEGER); INSERT INTO nowhere VALUES (1);")
    with pytest.raises(StoreError, match="0002_broken"):
        await Store.open(tmp_path / "w.sqlite3", migrations_dir=mig)
    conn = sqlite3.connect(tmp_path / "w.sqlite3")
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    versions = [r[0] for r in conn.execute("SELECT version FROM schema_migrations")]
    conn.close()
    assert "a" in tables and "b" not in tables
    assert versions == [1]


async def test_not_a_database_is_a_store_error(tmp_path: Path):
    """A file that is not SQLite gives a StoreError, not a raw sqlite3 exception."""
    path = tmp_path / "w.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError):
        await Store.open(path)


async def test_transaction_rolls_back_on_error(store: Store):
    """A block that raises leaves no trace of its writes."""
    with pytest.raises(RuntimeError):
        async with store.transaction() as tx:
            await tx.execute("INSERT INTO settings VALUES ('k', '1', 'now')")
            raise RuntimeError("boom")
    assert await store.fetchone("SELECT * FROM settings WHERE key = 'k'") is None


async def test_nested_savepoint_rolls_back_alone(store: Store):
    """An inner savepoint that fails rolls back alone; the outer block still commits."""
    async with store.transaction() as tx:
        await tx.execute("INSERT INTO settings VALUES ('outer', '1', 'now')")
        with pytest.raises(ValueError):
            async with tx.savepoint() as inner:
                await inner.execute("INSERT INTO settings VALUES ('inner', '1', 'now')")
                raise ValueError
    keys = [r["key"] for r in await store.fetchall("SELECT key FROM settings")]
    assert keys == ["outer"]


async def test_cancelled_transaction_rolls_back_and_releases(store: Store):
    """Cancelling a task mid-transaction rolls back and the store stays usable."""
    started = asyncio.Event()

    async def writer():
        async with store.transaction() as tx:
            await tx.execute("INSERT INTO settings VALUES ('c', '1', 'now')")
            started.set()
            await asyncio.sleep(10)

    task = asyncio.create_task(writer())
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await store.fetchone("SELECT * FROM settings WHERE key = 'c'") is None
    await store.set_setting("after", True)
    assert await store.get_setting("after") is True


async def test_concurrent_transactions_do_not_interleave(store: Store):
    """Many tasks writing at once each commit whole (no statement lands in another's transaction)."""

    async def write(i: int):
        async with store.transaction() as tx:
            await tx.execute("INSERT INTO settings VALUES (?, '1', 'now')", (f"k{i}",))
            await asyncio.sleep(0)
            if i % 3 == 0:
                raise KeyError(i)

    results = await asyncio.gather(*(write(i) for i in range(60)), return_exceptions=True)
    assert sum(isinstance(r, KeyError) for r in results) == 20
    assert await store.scalar("SELECT COUNT(*) FROM settings") == 40


async def test_a_task_spawned_inside_a_transaction_does_not_join_it(store: Store):
    """A task created while another holds a transaction waits for it instead of writing into it."""
    order: list[str] = []

    async def spawned():
        await store.execute("INSERT INTO settings VALUES ('spawned', '1', 'now')")
        order.append("spawned")

    async with store.transaction() as tx:
        task = asyncio.create_task(spawned())
        await asyncio.sleep(0.05)
        await tx.execute("INSERT INTO settings VALUES ('owner', '1', 'now')")
        order.append("owner")
    await task
    assert order == ["owner", "spawned"]
    keys = {r["key"] for r in await store.fetchall("SELECT key FROM settings")}
    assert keys == {"owner", "spawned"}


def test_utcnow_is_the_clock_as_iso_milliseconds_and_the_cached_second_rolls_over(monkeypatch):
    """utcnow() reads the clock as ISO 8601 UTC with milliseconds rounded down and Z, like iso(now);
    the cached text of the second is replaced when the second changes."""
    import re
    import time as time_module
    from datetime import UTC, datetime

    from agents import store as store_module

    before = store_module.iso(datetime.now(UTC))
    stamp = store_module.utcnow()
    after = store_module.iso(datetime.now(UTC))
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", stamp) and before <= stamp <= after
    now = [1_700_000_000_999_999_999]
    monkeypatch.setattr(time_module, "time_ns", lambda: now[0])
    assert store_module.utcnow() == "2023-11-14T22:13:20.999Z"
    now[0] += 1
    assert store_module.utcnow() == "2023-11-14T22:13:21.000Z"
    now[0] += 59_000_000_000
    assert store_module.utcnow() == "2023-11-14T22:14:20.000Z"
