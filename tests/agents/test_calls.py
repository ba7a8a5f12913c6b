"""The executor (agents.calls) on the store's group commit: replay, conflict, savepoints, failed commits."""

from __future__ import annotations

import asyncio

import pytest

from agents import calls
from agents.errors import ErrorType
from agents.store import Store
from agents.tools.catalog import Catalog
from tests.conftest import hold_db_thread


@pytest.fixture
async def store(tmp_path):
    s = await Store.open(tmp_path / "w.sqlite3")
    yield s
    await s.close()


@pytest.fixture
def catalog(store):
    return Catalog(store=store)


async def _run(store, catalog, call_id, name, args):
    return await calls.execute(store, catalog, call_id=call_id, name=name, args=args)


async def test_synchronous_full_and_no_autocheckpoint(store):
    """The store commits with synchronous=FULL and leaves checkpoints to its thread."""
    assert await store.scalar("PRAGMA synchronous") == 2
    assert await store.scalar("PRAGMA wal_autocheckpoint") == 0


async def test_replay_and_conflict(store, catalog):
    """An executed id answers from its row; the same id with other arguments is a conflict and runs nothing."""
    first = await _run(store, catalog, "c1", "create_task", {"title": "Once"})
    again = await _run(store, catalog, "c1", "create_task", {"title": "Once"})
    other = await _run(store, catalog, "c1", "create_task", {"title": "Other"})
    assert first.ok and again.replayed and again.result == first.result and again.result_json
    assert other.error.type == ErrorType.CONFLICT
    assert await store.scalar("SELECT COUNT(*) FROM tasks") == 1


async def test_concurrent_calls_share_commits(store, catalog):
    """N calls arriving together commit in fewer transactions than calls, and all are stored."""
    before = store.commits
    release, held = await hold_db_thread(store)
    pending = [asyncio.ensure_future(_run(store, catalog, f"g{i}", "create_task", {"title": f"T{i}"}))
               for i in range(20)]
    await asyncio.sleep(0.05)
    release.set()
    outcomes = await asyncio.gather(*pending)
    await held
    assert all(o.ok for o in outcomes)
    assert store.commits - before < 20
    assert await store.scalar("SELECT COUNT(*) FROM tool_calls") == 20


async def test_a_failing_call_rolls_back_to_its_savepoint_only(store, catalog):
    """In one group, a call that fails leaves no write; the others of the group commit."""
    release, held = await hold_db_thread(store)
    good = [asyncio.ensure_future(_run(store, catalog, f"ok{i}", "create_task", {"title": f"T{i}"}))
            for i in range(3)]
    bad = asyncio.ensure_future(_run(store, catalog, "bad", "create_task", {"title": "X", "project_id": "nope"}))
    await asyncio.sleep(0.05)
    release.set()
    await held
    assert all(o.ok for o in await asyncio.gather(*good))
    failed = await bad
    assert not failed.ok and not failed.error.retryable
    assert await store.scalar("SELECT COUNT(*) FROM tasks") == 3
    row = await store.fetchone("SELECT ok FROM tool_calls WHERE call_id = 'bad'")
    assert row["ok"] == 0  # its error is journaled


async def test_a_call_failing_after_its_write_undoes_that_write_only(store, catalog):
    """In one group, a call whose tool wrote and then failed (too_large) leaves no record but its error row;
    the calls before and after it in the group keep their writes."""
    release, held = await hold_db_thread(store)
    first = asyncio.ensure_future(_run(store, catalog, "n0", "create_note", {"title": "Before", "content": "a"}))
    big = asyncio.ensure_future(calls.execute(store, catalog, call_id="big", name="create_note",
                                              args={"title": "Big", "content": "x" * 5_000}, max_result_bytes=1_000))
    last = asyncio.ensure_future(_run(store, catalog, "n2", "create_note", {"title": "After", "content": "b"}))
    await asyncio.sleep(0.05)
    release.set()
    await held
    assert (await first).ok and (await last).ok
    assert (await big).error.type == ErrorType.TOO_LARGE
    assert sorted(r["title"] for r in await store.fetchall("SELECT title FROM notes")) == ["After", "Before"]
    assert (await store.fetchone("SELECT ok, error_type FROM tool_calls WHERE call_id = 'big'")) == {
        "ok": 0, "error_type": "too_large"}


async def test_a_failed_commit_answers_every_call_internal_and_stores_none(store, catalog):
    """A COMMIT that fails (a deferred foreign key) answers every call of its group internal, retryable."""
    await store.run(lambda c: c.executescript(
        "CREATE TABLE parent (id INTEGER PRIMARY KEY);"
        "CREATE TABLE child (p INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED);"))
    release, held = await hold_db_thread(store)
    pending = [asyncio.ensure_future(_run(store, catalog, f"f{i}", "create_task", {"title": f"T{i}"}))
               for i in range(5)]
    poison = asyncio.ensure_future(store.write(lambda db: db.execute("INSERT INTO child VALUES (42)")))
    await asyncio.sleep(0.05)
    release.set()
    await held
    outcomes = await asyncio.gather(*pending)
    with pytest.raises(Exception, match="commit"):
        await poison
    assert all(not o.ok and o.error.type == ErrorType.INTERNAL and o.error.retryable for o in outcomes)
    assert await store.scalar("SELECT COUNT(*) FROM tasks") == 0
    assert await store.scalar("SELECT COUNT(*) FROM tool_calls") == 0
    retried = await _run(store, catalog, "f0", "create_task", {"title": "T0"})
    assert retried.ok and not retried.replayed


async def test_a_read_is_answered_and_its_row_follows(store, catalog):
    """A read-only call's result comes back; its journal row is stored by the next group."""
    out = await _run(store, catalog, "r1", "list_tasks", {})
    assert out.ok and out.result_json is not None
    assert await store.scalar("SELECT COUNT(*) FROM tool_calls WHERE call_id = 'r1'") == 1


async def test_a_posted_row_is_seen_by_the_next_job_and_a_failing_one_harms_nothing(store):
    """Store.post returns at once; a job queued after it sees its write, and a post that fails is
    dropped alone (the jobs after it still run)."""
    await store.execute("CREATE TABLE posted (v INTEGER UNIQUE)")
    release, held = await hold_db_thread(store)
    store.post(lambda db: db.execute("INSERT INTO posted VALUES (1)"))
    store.post(lambda db: db.execute("INSERT INTO posted VALUES (1)"))  # violates UNIQUE: logged, dropped
    seen = asyncio.ensure_future(store.scalar("SELECT COUNT(*) FROM posted"))
    await asyncio.sleep(0.05)
    release.set()
    await held
    assert await seen == 1


async def test_fresh_ids_skip_the_lookup_and_a_grant_bounds_the_folders(store, catalog, tmp_path):
    """A fresh call runs without a journal lookup (one row each); a grant given by the caller is the
    only set of folders a filesystem call may read, whatever the agents allow."""
    from agents.tools.base import Grant

    inside, other = tmp_path / "in", tmp_path / "other"
    inside.mkdir()
    other.mkdir()
    (inside / "a.txt").write_text("inside")
    (other / "b.txt").write_text("other")
    await store.execute(
        "INSERT INTO agents (id, name, directory_paths, created_at, updated_at) VALUES ('a', 'a', ?, 'x', 'x')",
        (f'["{inside}", "{other}"]',))
    grant = Grant((str(inside),), {})
    ok = await calls.execute(store, catalog, call_id="f1", name="read_file_content",
                             args={"path": str(inside / "a.txt")}, source="mcp", fresh=True, grant=grant)
    refused = await calls.execute(store, catalog, call_id="f2", name="read_file_content",
                                  args={"path": str(other / "b.txt")}, source="mcp", fresh=True, grant=grant)
    assert ok.ok and ok.result["content"] == "inside"
    assert refused.error.type == ErrorType.FORBIDDEN_PATH
    assert await store.scalar("SELECT COUNT(*) FROM tool_calls WHERE call_id IN ('f1', 'f2')") == 2
