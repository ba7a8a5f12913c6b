"""Shared fixtures: a real workspace store in tmp_path, the catalogue, an agent with folders."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from agents.events import EventHub
from agents.store import Store, utcnow


@pytest.fixture
async def store(tmp_path: Path):
    """A freshly migrated workspace database file under tmp_path."""
    s = await Store.open(tmp_path / "workspace.sqlite3")
    try:
        yield s
    finally:
        await s.close()


@pytest.fixture
def events() -> list[tuple[str, dict]]:
    return []


@pytest.fixture
def hub(events) -> EventHub:
    h = EventHub()
    h.subscribe(lambda name, payload: events.append((name, payload)))
    return h


@pytest.fixture
def catalog(store, hub):
    from agents.tools.catalog import Catalog

    return Catalog(store=store, events=hub)


async def add_agent(store: Store, name: str, folders: list[Path | str], **fields) -> str:
    """Insert an agent row directly (tests of tools that need allowed folders)."""
    agent_id = fields.pop("id", f"agent-{name}")
    now = utcnow()
    await store.execute(
        "INSERT INTO agents (id, name, directory_paths, file_extensions, data_types, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            agent_id, name, json.dumps([os.path.realpath(f) for f in folders]),
            json.dumps(fields.get("file_extensions", [])),
            json.dumps(fields.get("data_types", ["tasks", "notes", "timelines", "projects"])), now, now,
        ),
    )
    return agent_id
