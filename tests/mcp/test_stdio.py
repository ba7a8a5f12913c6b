"""End to end: the official MCP SDK client drives ``adiuva-companion mcp`` over stdio (a real subprocess)."""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import threading
import time

import pytest
from mcp import types
from mcp.shared.exceptions import McpError

from agents import calls
from agents.mcp_access import MCP_AGENTS_KEY, recent_clients
from agents.store import Store
from agents.tools.catalog import ALL_TOOLS
from tests.mcp.conftest import door_session


def rows(db, sql, params=()):
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


async def test_tools_read_write_error_and_journal(workspace):
    """Every catalogue tool is listed; a read answers, a create waits in review, errors carry their type."""
    async with door_session(workspace["data"]) as s:
        listed = {t.name: t for t in (await s.list_tools()).tools}
        assert set(listed) == {spec.name for spec in ALL_TOOLS}
        assert listed["read_file_content"].annotations.readOnlyHint is True
        assert listed["update_task"].annotations.destructiveHint is True
        assert listed["create_task"].annotations.openWorldHint is False
        assert listed["read_file_content"].inputSchema["required"] == ["path"]

        read = await s.call_tool("read_file_content", {"path": str(workspace["files"] / "a.txt")})
        assert not read.isError and read.structuredContent["content"] == "hello from a\n"
        assert [c.text for c in read.content] == ["hello from a\n"]  # the text rendering is the page itself

        made = await s.call_tool("create_task", {"title": "Send the invoice", "is_approved": True})
        assert not made.isError
        assert made.structuredContent["is_ai_suggested"] is True and made.structuredContent["is_approved"] is False

        missing = await s.call_tool("get_project", {"project_id": "no-such-project"})
        assert missing.isError and missing.structuredContent["error"]["type"] == "not_found"
        bad = await s.call_tool("create_task", {"title": 5, "surprise": 1})
        assert bad.isError and bad.structuredContent["error"]["type"] == "invalid_args"
        unknown = await s.call_tool("format_disk", {})
        assert unknown.isError and unknown.structuredContent["error"]["type"] == "unknown_tool"

    db = workspace["db"]
    task = rows(db, "SELECT is_ai_suggested, is_approved FROM tasks WHERE title = 'Send the invoice'")
    assert task == [{"is_ai_suggested": 1, "is_approved": 0}]
    journal = rows(db, "SELECT call_id, name, ok, error_type, source FROM tool_calls ORDER BY rowid")
    assert [r["name"] for r in journal] == ["read_file_content", "create_task", "get_project", "create_task",
                                            "format_disk"]
    assert {r["source"] for r in journal} == {"mcp"}
    assert all(r["call_id"].startswith("mcp:pytest-client:") for r in journal)
    store = await Store.open(db)
    try:
        clients = await recent_clients(store)
    finally:
        await store.close()
    assert [(c["client"], c["calls"]) for c in clients] == [("pytest-client", 5)]


async def test_paths_outside_and_client_roots_and_agent_setting(workspace):
    """Outside the folders is forbidden_path; client roots and the mcp.agents setting narrow further."""
    files = workspace["files"]
    async with door_session(workspace["data"]) as s:
        out = await s.call_tool("read_file_content", {"path": str(workspace["outside"] / "secret.txt")})
        assert out.isError and out.structuredContent["error"]["type"] == "forbidden_path"
        dots = await s.call_tool("read_file_content", {"path": str(files / ".." / "outside" / "secret.txt")})
        assert dots.isError and dots.structuredContent["error"]["type"] == "forbidden_path"

    async with door_session(workspace["data"], roots=[files / "sub"]) as s:
        inside = await s.call_tool("read_file_content", {"path": str(files / "sub" / "b.txt")})
        assert not inside.isError
        narrowed = await s.call_tool("read_file_content", {"path": str(files / "a.txt")})
        assert narrowed.isError and narrowed.structuredContent["error"]["type"] == "forbidden_path"

    store = await Store.open(workspace["db"])
    try:
        await store.set_setting(MCP_AGENTS_KEY, ["Other"])
    finally:
        await store.close()
    async with door_session(workspace["data"]) as s:
        hidden = await s.call_tool("read_file_content", {"path": str(files / "a.txt")})
        assert hidden.isError and hidden.structuredContent["error"]["type"] == "forbidden_path"


async def test_cancel_stops_a_waiting_call_and_progress_is_reported(workspace):
    """A cancelled call never runs (no row, no journal), the session goes on, and a long call reports progress."""
    db = workspace["db"]
    progress: list[float] = []

    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        progress.append(value)

    async with door_session(workspace["data"]) as s:
        await s.list_tools()
        blocker = sqlite3.connect(db, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")  # the door's writes now wait for this lock
        try:
            first = asyncio.create_task(s.call_tool("create_task", {"title": "first"}, progress_callback=on_progress))
            await asyncio.sleep(0.5)
            victim_id = s._request_id  # the id the next request gets
            victim = asyncio.create_task(s.call_tool("create_note", {"title": "cancelled", "content": "x"}))
            await asyncio.sleep(0.5)
            await s.send_notification(types.ClientNotification(types.CancelledNotification(
                params=types.CancelledNotificationParams(requestId=victim_id, reason="test"))))
            with pytest.raises(McpError):
                await asyncio.wait_for(victim, 10)
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        done = await asyncio.wait_for(first, 20)
        assert not done.isError
        after = await s.call_tool("create_note", {"title": "after", "content": "y"})
        assert not after.isError
    assert progress, "a call that ran for a while reported no progress"
    assert rows(db, "SELECT title FROM notes ORDER BY title") == [{"title": "after"}]
    assert rows(db, "SELECT COUNT(*) AS n FROM tool_calls WHERE name = 'create_note'") == [{"n": 1}]


async def test_symlink_swap_race_reads_nothing_outside(workspace):
    """A symlink swapped between an allowed file and an outside one during reads never yields the outside file."""
    files, secret = workspace["files"], workspace["outside"] / "secret.txt"
    link = files / "swap.txt"
    os.symlink(files / "a.txt", link)
    stop = threading.Event()

    def swapper() -> None:
        tmp = files / "swap.tmp"
        targets = [secret, files / "a.txt"]
        i = 0
        while not stop.is_set():
            try:
                os.symlink(targets[i % 2], tmp)
                os.replace(tmp, link)
            except OSError:
                pass
            i += 1

    thread = threading.Thread(target=swapper, daemon=True)
    outcomes: dict[str, int] = {}
    async with door_session(workspace["data"]) as s:
        thread.start()
        try:
            deadline = time.monotonic() + 3.0
            while time.monotonic() < deadline:
                batch = await asyncio.gather(*(s.call_tool("read_file_content", {"path": str(link)})
                                               for _ in range(8)))
                for r in batch:
                    text = json.dumps(r.structuredContent)
                    assert "TOP SECRET" not in text
                    key = r.structuredContent["error"]["type"] if r.isError else "read"
                    outcomes[key] = outcomes.get(key, 0) + 1
        finally:
            stop.set()
            thread.join(5)
    assert sum(outcomes.values()) >= 16
    assert set(outcomes) <= {"read", "forbidden_path", "not_found"}


async def test_resources_paged_and_prompts(workspace):
    """Records are resources (paged with a cursor, readable as JSON); the agent's two phases are prompts."""
    store = await Store.open(workspace["db"])
    try:
        from agents.tools.catalog import Catalog

        catalog = Catalog(store=store)
        for i in range(130):
            await calls.invoke(catalog, "create_task", {"title": f"task {i:03}"})
        await calls.invoke(catalog, "create_project", {"name": "Alpha"})
    finally:
        await store.close()
    async with door_session(workspace["data"]) as s:
        uris, cursor, pages = [], None, 0
        while True:
            page = await s.list_resources(cursor=cursor)
            uris += [str(r.uri) for r in page.resources]
            pages += 1
            cursor = page.nextCursor
            if not cursor:
                break
        assert pages == 2 and len(uris) == 131 and len(set(uris)) == 131
        assert uris[0].startswith("adiuva://projects/")
        task_uri = next(u for u in uris if u.startswith("adiuva://tasks/"))
        body = await s.read_resource(task_uri)
        record = json.loads(body.contents[0].text)
        assert record["id"] == task_uri.rsplit("/", 1)[1] and record["title"].startswith("task ")
        with pytest.raises(McpError):
            await s.read_resource("adiuva://tasks/does-not-exist")

        names = {p.name for p in (await s.list_prompts()).prompts}
        assert names == {"triage_folder", "process_files"}
        triage = await s.get_prompt("triage_folder", {"folder": str(workspace["files"])})
        user = triage.messages[1].content.text
        assert "triage map" in user and str(workspace["files"]) in user
        process = await s.get_prompt("process_files", {"files": "/x/a.md, /x/b.md", "project_id": "p1"})
        assert "- /x/a.md\n- /x/b.md" in process.messages[0].content.text
        assert "ALWAYS try to match and update" in process.messages[0].content.text
        with pytest.raises(McpError):
            await s.get_prompt("process_files", {})



async def test_calls_waiting_for_the_roots_are_all_narrowed(workspace):
    """While the client's roots answer is slow, every call waits for it: none runs unnarrowed."""
    files = workspace["files"]

    async def slow_roots(_ctx):
        await asyncio.sleep(0.5)
        return types.ListRootsResult(roots=[types.Root(uri=(files / "sub").as_uri())])

    async with door_session(workspace["data"], list_roots_callback=slow_roots) as s:
        results = await asyncio.wait_for(asyncio.gather(
            *(s.call_tool("read_file_content", {"path": str(files / "a.txt")}) for _ in range(8))), 30)
        assert all(r.isError and r.structuredContent["error"]["type"] == "forbidden_path" for r in results)
        inside = await s.call_tool("read_file_content", {"path": str(files / "sub" / "b.txt")})
        assert not inside.isError
