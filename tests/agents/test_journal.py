"""The journal: one effect per call id, write and journal row in one transaction."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from agents import calls, journal, journal_retention
from agents.errors import ErrorType, ToolError


async def run(store, catalog, call_id, name, args, **kw):
    return await calls.execute(store, catalog, call_id=call_id, name=name, args=args, **kw)


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


async def test_write_and_journal_row_roll_back_together(store, catalog):
    """If the journal row cannot be written, the tool's write is rolled back too and the call gets internal."""
    await store.run(lambda conn: conn.execute(
        "CREATE TEMP TRIGGER no_rows BEFORE INSERT ON tool_calls BEGIN SELECT RAISE(ABORT, 'disk full'); END"))
    out = await run(store, catalog, "c1", "create_task", {"title": "Lost"})
    assert out.error.type == ErrorType.INTERNAL and out.error.retryable and "disk full" in out.error.message
    await store.run(lambda conn: conn.execute("DROP TRIGGER no_rows"))
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


async def test_pruned_read_runs_again_with_same_args_and_conflicts_with_others(store, catalog):
    """After retention a read keeps name and hash: the same call runs again and is stored again; others conflict."""
    await run(store, catalog, "c1", "create_task", {"title": "Seen"}, source="local")
    first = await run(store, catalog, "r1", "list_tasks", {"query": "Seen"})
    assert await journal_retention.prune(store, window=timedelta(hours=24)) == 0
    assert await journal_retention.prune(store, window=timedelta(0)) == 1
    row = await store.fetchone("SELECT args, result, pruned_at FROM tool_calls WHERE call_id = 'r1'")
    assert row["args"] == "null" and row["result"] == "null" and row["pruned_at"]

    again = await run(store, catalog, "r1", "list_tasks", {"query": "Seen"})
    assert again.ok and not again.replayed and again.result["total"] == first.result["total"] == 1
    row = await store.fetchone("SELECT result, pruned_at FROM tool_calls WHERE call_id = 'r1'")
    assert row["pruned_at"] is None and '"total":1' in row["result"]
    replay = await run(store, catalog, "r1", "list_tasks", {"query": "Seen"})
    assert replay.replayed

    await journal_retention.prune(store, window=timedelta(0))
    other = await run(store, catalog, "r1", "list_tasks", {"query": "Other"})
    assert other.error.type == ErrorType.CONFLICT


async def test_writes_and_local_reads_are_never_pruned(store, catalog):
    """Only read-only bridge rows are reduced: writes stay replayable forever, local run history stays whole."""
    await run(store, catalog, "w1", "create_task", {"title": "Kept"})
    await run(store, catalog, "l1", "list_tasks", {}, source="local", run_id="run-1")
    assert await journal_retention.prune(store, window=timedelta(0)) == 0
    replay = await run(store, catalog, "w1", "create_task", {"title": "Kept"})
    assert replay.replayed and replay.result["title"] == "Kept"
    assert (await journal.calls_for_run(store, "run-1"))[0]["result"]["total"] == 1


async def test_oversize_write_result_rolls_back_and_replays_too_large(store, catalog):
    """A write whose result would not fit a frame is too_large, leaves no record, and a replay says the same."""
    args = {"title": "Long", "content": "x" * 150_000}
    out = await run(store, catalog, "n1", "create_note", args, max_result_bytes=100_000)
    assert out.error.type == ErrorType.TOO_LARGE and not out.error.retryable
    assert await store.scalar("SELECT COUNT(*) FROM notes") == 0
    again = await run(store, catalog, "n1", "create_note", args, max_result_bytes=100_000)
    assert again.replayed and again.error.type == ErrorType.TOO_LARGE


def test_a_local_read_keeps_short_fields_and_names_what_it_left_out():
    """An MCP or local read's large result is stored as its short fields plus the names it elided (a file's
    text, a listing's columns); a small one whole; a bridge read always whole (it may be replayed)."""
    import json

    names = [f"file-{i:04}.md" for i in range(1000)]
    listing = {"path": "/w", "count": 1000, "truncated": False, "columns": {"path": names, "type": ["file"] * 1000}}
    stored = json.loads(journal.payload_text("list_directory", listing, True, "mcp", True, None))
    assert stored == {"path": "/w", "count": 1000, "truncated": False, "elided": ["columns"]}
    page = {"path": "/w/a.txt", "content": "x" * 10_000, "size": 10_000}
    assert json.loads(journal.payload_text("read_file_content", page, True, "local", True, None)) == {
        "path": "/w/a.txt", "size": 10_000, "elided": ["content"]}
    small = {"path": "/w", "count": 2, "truncated": False, "columns": {"path": ["a", "b"], "type": ["file", "dir"]}}
    assert json.loads(journal.payload_text("list_directory", small, True, "mcp", True, None)) == small
    assert json.loads(journal.payload_text("list_directory", listing, True, "bridge", True, None)) == listing


def test_a_stored_result_is_json_that_reads_back_as_the_result():
    """Results are written by msgspec: the same values back (integers past 64 bits exact, text as
    is, keys sorted), NaN as null; what msgspec refuses the standard library writes."""
    payload = {"b": [1, 2**70, None, True, 0.1, 1e16], "a": "é ✓ \u2028", "nested": {"z": 1, "y": [{}]}}
    text = journal.payload_text("list_tasks", payload, True, "bridge", True, None)
    assert json.loads(text) == payload
    assert text.index('"a"') < text.index('"b"') < text.index('"nested"')
    assert json.loads(journal.payload_text("x", {"v": float("nan")}, True, "bridge", True, None)) == {"v": None}
    assert json.loads(journal.payload_text("x", {1: "int key"}, True, "bridge", True, None)) == {"1": "int key"}


def test_a_result_with_text_utf8_cannot_carry_is_refused_as_unsupported_file():
    with pytest.raises(ToolError) as caught:
        journal.payload_text("list_directory", {"name": "bad\udcff"}, True, "bridge", True, None)
    assert caught.value.type == ErrorType.UNSUPPORTED_FILE
