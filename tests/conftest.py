"""Shared fixtures: a real workspace store in tmp_path, the catalogue, an agent with folders."""

from __future__ import annotations

import asyncio
import json
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backend import KeyringBackend

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from agents.events import EventHub
from agents.store import Store, utcnow


async def hold_db_thread(store: Store) -> tuple[threading.Event, asyncio.Future]:
    """Block the store's database thread with a read job until ``release`` is set. Returns once that
    job runs, so every job queued after it waits and is taken in one later turn (one write group)."""
    release, started = threading.Event(), threading.Event()

    def job(db) -> bool:
        started.set()
        return release.wait(10)

    held = asyncio.ensure_future(store.read(job))
    for _ in range(10_000):
        if started.is_set():
            break
        await asyncio.sleep(0.001)
    return release, held


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
    h.subscribe(lambda event: events.append((event.name, event.payload())))
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


class MemoryKeyring(KeyringBackend):
    """A keyring that keeps secrets in memory (the OS keyring is outside the product)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        from keyring.errors import PasswordDeleteError

        if self.secrets.pop((service, username), None) is None:
            raise PasswordDeleteError("no such password")


@pytest.fixture
def memory_keyring(monkeypatch):
    """An in-memory keyring for the test; the token env vars are cleared so the keyring is used."""
    previous = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    monkeypatch.delenv("ADIUVA_DEVICE_TOKEN", raising=False)
    monkeypatch.delenv("ADIUVA_LLM_API_KEY", raising=False)
    try:
        yield ring
    finally:
        keyring.set_keyring(previous)


GATEWAY_TOKEN = "tok-3f9a1c-test-device-token-7d2e"


@pytest.fixture
async def gateway():
    """The reference gateway on 127.0.0.1, port 0, with the scripted backend run; token GATEWAY_TOKEN."""
    from bridge.gateway import DeviceGateway
    from bridge.scripted import scripted_run

    gw = DeviceGateway(tokens={GATEWAY_TOKEN: "local"}, run_handler=scripted_run)
    await gw.start()
    try:
        yield gw
    finally:
        await gw.stop()


async def until(predicate: Callable[[], Any], timeout: float, what: str) -> Any:
    """Poll ``predicate`` every 5 ms until it is truthy; fail the test after ``timeout`` seconds."""
    try:
        async with asyncio.timeout(timeout):
            while not (value := predicate()):
                await asyncio.sleep(0.005)
    except TimeoutError:
        pytest.fail(f"timed out after {timeout} s waiting for {what}")
    return value


@pytest.fixture(autouse=True)
def _gui_thread_gc(request):
    """Tests with Qt objects collect cycles on the GUI thread only, as the app does (desktop.ui.gcguard)."""
    if not {"qapp", "qtbot"} & set(request.fixturenames):
        yield
        return
    from desktop.ui.gcguard import GuiThreadGc

    request.getfixturevalue("qapp")  # the timer needs the application
    guard = GuiThreadGc(interval_ms=500)
    try:
        yield
    finally:
        guard.uninstall()
        guard.deleteLater()
