"""Pinned allowed folders: a folder swapped for a symlink or another folder is refused until
the user picks it again; doctor and the Agents view say which."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from agents import config, roots
from agents.config import AgentConfig, save_agent
from agents.errors import ErrorType, ToolError
from agents.store import Store, utcnow
from agents.tools.base import ToolContext
from agents.tools.filesystem import TOOLS
from desktop import doctor

pytestmark = pytest.mark.timeout(30)
SPECS = {spec.name: spec for spec in TOOLS}


async def call(store: Store, name: str, agent: str | None, **args: Any) -> dict[str, Any]:
    spec = SPECS[name]
    return await spec.impl(ToolContext(store=store, agent_id=agent), spec.args_model.model_validate(args))


async def refused(store: Store, name: str, agent: str | None, **args: Any) -> ToolError:
    with pytest.raises(ToolError) as info:
        await call(store, name, agent, **args)
    assert info.value.type == ErrorType.FORBIDDEN_PATH, info.value
    return info.value


@pytest.fixture
async def setup(tmp_path: Path):
    base = Path(os.path.realpath(tmp_path))
    clients = base / "Clients"
    clients.mkdir()
    (clients / "notes.md").write_text("client notes\n")
    store = await Store.open(base / "w.sqlite3")
    agent = await save_agent(store, AgentConfig.parse({"name": "Client work", "directory_paths": [str(clients)]}))
    try:
        yield store, agent, clients
    finally:
        await store.close()


async def test_saving_an_agent_pins_its_folders(setup):
    """Saving stores each folder's real path and identity (st_dev, st_ino)."""
    store, _agent, clients = setup
    pins = await roots.load_pins(store)
    st = os.stat(clients)
    assert pins == {str(clients): roots.Pin(str(clients), st.st_dev, st.st_ino)}


async def test_root_swapped_for_a_symlink_to_slash_is_refused(setup):
    """mv Clients Clients.bak; ln -s / Clients: every tool is forbidden_path with the re-pick message."""
    store, agent, clients = setup
    assert (await call(store, "read_file_content", agent.id, path="notes.md"))["content"] == "client notes\n"
    os.rename(clients, clients.with_name("Clients.bak"))
    os.symlink("/", clients)
    for agent_id in (agent.id, None):  # the agent's own folders, and the union of all agents'
        err = await refused(store, "read_file_content", agent_id, path=str(clients / "etc" / "passwd"))
        assert "changed since it was picked" in err.message and "pick it again in the Agents view" in err.message
        await refused(store, "list_directory", agent_id, path=str(clients), recursive=True)
        await refused(store, "get_file_metadata", agent_id, path=str(clients / "etc" / "passwd"))
    problems = await config.root_problems(store)
    assert [(p.agent_name, p.path) for p in problems] == [("Client work", str(clients))]
    assert "symlink" in problems[0].message


async def test_root_replaced_by_another_real_folder_is_refused(setup):
    """A different folder (another inode) at the same path is refused, even with the same file names."""
    store, agent, clients = setup
    os.rename(clients, clients.with_name("Clients.bak"))
    clients.mkdir()
    (clients / "notes.md").write_text("planted\n")
    err = await refused(store, "read_file_content", agent.id, path="notes.md")
    assert "another folder" in err.message and "pick it again" in err.message


async def test_a_moved_away_root_is_refused_and_repicking_repins(setup):
    """A missing folder is refused; saving the agent again (re-picking) accepts the new folder."""
    store, agent, clients = setup
    os.rename(clients, clients.with_name("Clients.bak"))
    err = await refused(store, "list_directory", agent.id, path=".")
    assert "missing" in err.message
    clients.mkdir()
    (clients / "new.md").write_text("new\n")
    await refused(store, "list_directory", agent.id, path=".")
    await save_agent(store, AgentConfig.parse({**agent.model_dump(), "directory_paths": [str(clients)]}))
    listing = await call(store, "list_directory", agent.id, path=".")
    assert [e["name"] for e in listing["entries"]] == ["new.md"]
    assert await config.root_problems(store) == []


async def test_rows_saved_before_pinning_are_pinned_on_first_use(tmp_path: Path):
    """An agent row without a pin is pinned by its first successful call; a later swap is refused."""
    base = Path(os.path.realpath(tmp_path))
    folder = base / "old"
    folder.mkdir()
    (folder / "a.txt").write_text("a\n")
    store = await Store.open(base / "w.sqlite3")
    try:
        now = utcnow()
        await store.execute(
            "INSERT INTO agents (id, name, directory_paths, created_at, updated_at) VALUES ('old', 'old', ?, ?, ?)",
            (json.dumps([str(folder)]), now, now),
        )
        assert await roots.load_pins(store) == {}
        await call(store, "read_file_content", "old", path="a.txt")
        assert set(await roots.load_pins(store)) == {str(folder)}
        os.rename(folder, base / "old.bak")
        os.symlink(base / "old.bak", folder)  # same folder behind a symlink: the path now resolves elsewhere
        err = await refused(store, "read_file_content", "old", path="a.txt")
        assert "pick it again" in err.message
    finally:
        await store.close()


async def test_doctor_reports_a_changed_root(setup, capsys):
    """doctor's pinned-root check prints a FAIL line naming the agent and how to fix it."""
    store, agent, clients = setup
    report = doctor.Report()
    await doctor._check_pinned_roots(report, store, [agent])
    assert not report.failed
    os.rename(clients, clients.with_name("Clients.bak"))
    os.symlink("/", clients)
    await doctor._check_pinned_roots(report, store, [agent])
    out = capsys.readouterr().out
    assert report.failed and "Client work" in out and "pick the folder again" in out
