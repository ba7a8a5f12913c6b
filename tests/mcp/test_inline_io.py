"""Where the door's filesystem work runs: cheap calls on its loop thread, long ones on a worker thread.

A real ``Door`` in this process, driven by the MCP SDK's own client over its
in-memory transport; the work functions are wrapped to record the thread
they run on (``threading.get_ident``).
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from mcp.shared.memory import create_connected_server_and_client_session

from agents import calls
from agents.store import Store
from agents.tools import docpage, filesystem, fsafe
from agents.tools.base import Grant
from agents.tools.catalog import Catalog
from bridge.mcp_door import server as door_server
from tests.conftest import add_agent


@contextlib.asynccontextmanager
async def door_client(data: Path) -> AsyncIterator[Any]:
    async with door_server.open_door(data) as door, create_connected_server_and_client_session(door.server) as s:
        yield s


def record(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> list[int]:
    """Wrap ``owner.name`` so that each call appends the id of the thread it runs on."""
    seen: list[int] = []
    real: Callable[..., Any] = getattr(owner, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        seen.append(threading.get_ident())
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, wrapper)
    return seen


@pytest.fixture
async def tree(workspace: dict[str, Path]) -> dict[str, Path]:
    files = workspace["files"]
    (files / "page.html").write_text("<html><body><p>Hello from a page</p></body></html>")
    (files / "looks-like.txt").symlink_to("page.html")  # a text name whose target is a document
    return workspace


async def test_cheap_file_work_runs_on_the_door_loop_thread(tree, monkeypatch):
    """A text page, a file's metadata and a one-folder listing run on the door's loop thread."""
    loop_thread = threading.get_ident()
    pages = record(monkeypatch, filesystem, "_read_page")
    walks = record(monkeypatch, fsafe, "walk")
    kinds = record(monkeypatch, fsafe, "entry_kind")
    files = tree["files"]
    async with door_client(tree["data"]) as s:
        read = await s.call_tool("read_file_content", {"path": str(files / "a.txt")})
        meta = await s.call_tool("get_file_metadata", {"path": str(files / "a.txt")})
        listed = await s.call_tool("list_directory", {"path": str(files), "details": False})
    assert not (read.isError or meta.isError or listed.isError)
    assert read.structuredContent["content"] == "hello from a\n"
    assert meta.structuredContent["size"] == len("hello from a\n")
    assert listed.structuredContent["columns"]["path"] == ["a.txt", "looks-like.txt", "page.html", "sub"]
    assert pages == [loop_thread] and walks == [loop_thread] and set(kinds) == {loop_thread}


async def test_long_file_work_runs_off_the_door_loop_thread(tree, monkeypatch):
    """A recursive listing, an extracted document (also behind a text-named symlink) and a folder over
    the inline size bound run on a worker thread, with the same answers."""
    loop_thread = threading.get_ident()
    walks = record(monkeypatch, fsafe, "walk")
    extracts = record(monkeypatch, docpage, "read_page")
    files = tree["files"]
    async with door_client(tree["data"]) as s:
        deep = await s.call_tool("list_directory", {"path": str(files), "recursive": True, "details": False})
        doc = await s.call_tool("read_file_content", {"path": str(files / "page.html")})
        linked = await s.call_tool("read_file_content", {"path": str(files / "looks-like.txt")})
        monkeypatch.setattr(filesystem, "INLINE_DIR_BYTES", 0)
        big = await s.call_tool("list_directory", {"path": str(files), "details": False})
    assert not (deep.isError or doc.isError or linked.isError or big.isError)
    assert "sub/b.txt" in deep.structuredContent["columns"]["path"]
    for page in (doc, linked):
        assert page.structuredContent["encoding"] == "extracted"
        assert "Hello from a page" in page.structuredContent["content"]
    assert big.structuredContent["count"] == 4
    assert len(walks) == 2 and len(extracts) == 2
    assert loop_thread not in walks + extracts


async def test_callers_without_inline_io_keep_the_worker_thread(tmp_path, monkeypatch):
    """The bridge's path (a grant without inline_io, or none) reads a small text file on a worker thread."""
    loop_thread = threading.get_ident()
    pages = record(monkeypatch, filesystem, "_read_page")
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "a.txt").write_text("hi")
    store = await Store.open(tmp_path / "workspace.sqlite3")
    try:
        await add_agent(store, "Notes", [folder])
        catalog = Catalog(store=store)
        args = {"path": str(folder / "a.txt")}
        plain = await calls.execute(store, catalog, call_id="c-1", name="read_file_content", args=args)
        granted = await calls.execute(store, catalog, call_id="c-2", name="read_file_content", args=args,
                                      grant=Grant((os.path.realpath(folder),), {}))
    finally:
        await store.close()
    assert plain.ok and granted.ok and plain.result["content"] == granted.result["content"] == "hi"
    assert len(pages) == 2 and loop_thread not in pages
