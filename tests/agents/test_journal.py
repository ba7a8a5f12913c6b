"""The journal: one effect per call id, write and journal row in one transaction."""

from __future__ import annotations

from agents import journal
from agents.errors import ErrorType


async def run(store, catalog, call_id, name, args, **kw):
    return await journal.execute(store, catalog, call_id=call_id, name=name, args=args, **kw)


async def test_replay_returns_stored_result_without_second_effect(store, catalog):
    """The same id twice creates one task and answers both times with the same record."""
    first = await run(store, catalog, "c1", "create_task", {"title": "Once"})
    second = await run(store, catalog, "c1", "create_task", {"title": "Once"})
    assert first.ok and second.ok and second.replayed
    assert second.result == first.result
    assert await store.scalar("SELECT COUNT(*) FROM tasks") == 1


async def test_replay_ignores_alias_spelling(store, catalog):
    """projectId and project_id are the same call for the journal."""
    p = await run(store, catalog, "p", "create_project", {"name": "A"})
    a = await run(store, catalog, "c", "create_task", {"title": "t", "projectId": p.result["id"]})
    b = await run(store, catalog, "c", "create_task", {"project_id": p.result["id"], "title": "t"})
    assert b.replayed and b.result == a.result


async def test_same_id_other_args_is_conflict_and_runs_nothing(store, catalog):
    """Reusing an id for other arguments is a conflict and writes nothing."""
    await run(store, catalog, "c1", "create_task", {"title": "A"})
    other = await run(store, catalog, "c1", "create_task", {"title": "B"})
    other_name = await run(store, catalog, "c1", "create_note", {"title": "A", "content": ""})
    assert other.error.type == ErrorType.CONFLICT and other_name.error.type == ErrorType.CONFLICT
    assert [r["title"] for r in await store.fetchall("SELECT title FROM tasks")] == ["A"]
    assert await store.scalar("SELECT COUNT(*) FROM notes") == 0


async def test_deterministic_errors_are_stored_and_replayed(store, catalog):
    """A not_found answer is journaled and replayed, even if the record appears later."""
    first = await run(store, catalog, "c1", "get_project", {"project_id": "later"})
    assert first.error.type == ErrorType.NOT_FOUND
    await store.execute(
        "INSERT INTO projects (id, name, created_at, updated_at) VALUES ('later', 'L', 'a', 'a')"
    )
    again = await run(store, catalog, "c1", "get_project", {"project_id": "later"})
    assert again.replayed and again.error.type == ErrorType.NOT_FOUND


async def test_write_and_journal_row_roll_back_together(store, catalog, monkeypatch):
    """If the journal row cannot be written, the tool's write is rolled back too and the call gets internal."""

    def broken_record(**kw):
        raise RuntimeError("disk full")

    monkeypatch.setattr(journal, "_record_params", broken_record)
    out = await run(store, catalog, "c1", "create_task", {"title": "Lost"})
    assert out.error.type == ErrorType.INTERNAL and out.error.retryable and "disk full" in out.error.message
    monkeypatch.undo()
    assert await store.scalar("SELECT COUNT(*) FROM tasks") == 0
    assert await store.scalar("SELECT COUNT(*) FROM tool_calls") == 0


async def test_write_and_journal_row_commit_together(store, catalog):
    """After a write returns, both the record and its journal row are in the database."""
    out = await run(store, catalog, "c9", "create_task", {"title": "Kept"}, run_id="r1", source="local")
    row = await store.fetchone("SELECT * FROM tool_calls WHERE call_id = 'c9'")
    assert row["ok"] == 1 and row["run_id"] == "r1" and row["source"] == "local"
    assert await store.scalar("SELECT title FROM tasks WHERE id = ?", (out.result["id"],)) == "Kept"
    calls = await journal.calls_for_run(store, "r1")
    assert [c["name"] for c in calls] == ["create_task"] and calls[0]["result"]["title"] == "Kept"


async def test_failed_write_leaves_no_partial_record(store, catalog):
    """A write that fails validation mid-way stores its error and no record."""
    out = await run(store, catalog, "c1", "create_task", {"title": "x", "project_id": "missing"})
    assert out.error.type == ErrorType.NOT_FOUND
    assert await store.scalar("SELECT COUNT(*) FROM tasks") == 0
    assert await store.scalar("SELECT error_type FROM tool_calls WHERE call_id='c1'") == "not_found"
