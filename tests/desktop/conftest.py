"""Desktop UI tests: real widgets (pytest-qt, offscreen) over a real Companion in tmp_path.

pytest-qt does not drive a qasync loop: the tests are ``async def`` and run on
pytest-asyncio's loop. Slots start their work with ``desktop.ui.operations``
on that loop; ``until(...)`` lets both sides move (asyncio tasks and Qt events)
until a condition holds.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend

from desktop.companion import Companion


class MemoryKeyring(KeyringBackend):
    """A keyring that forgets everything at the end of the test."""

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


@pytest.fixture(autouse=True)
def memory_keyring(monkeypatch, tmp_path: Path):
    """No test touches the user's keyring or autostart folder."""
    previous = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    monkeypatch.delenv("ADIUVA_DEVICE_TOKEN", raising=False)
    monkeypatch.delenv("ADIUVA_BACKEND_URL", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    try:
        yield ring
    finally:
        keyring.set_keyring(previous)


async def until(predicate: Callable[[], object], timeout: float = 10.0, what: str = "condition") -> None:
    """Process Qt events and let asyncio tasks run until ``predicate()`` is true."""
    from PySide6.QtWidgets import QApplication

    end = time.monotonic() + timeout
    while True:
        QApplication.processEvents()
        if predicate():
            return
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.01)


async def settle() -> None:
    """Let every UI operation in flight finish, then deliver pending Qt events."""
    from PySide6.QtWidgets import QApplication

    from desktop.ui import operations

    for _ in range(3):
        QApplication.processEvents()
        await operations.drain(timeout=10)
        await asyncio.sleep(0)
    QApplication.processEvents()


@pytest.fixture
async def companion(tmp_path: Path, qapp):
    """A started companion: no scheduler, no control socket, no backend, no token."""
    c = Companion(data_dir=tmp_path / "data", token_provider=lambda: None, scheduler=False, control=False)
    await c.start()
    try:
        yield c
    finally:
        from desktop.ui import operations

        operations.cancel_all()
        await asyncio.sleep(0)
        await c.stop()


@pytest.fixture
async def ui(companion, qapp):
    """The signal hub and the loaded app status for ``companion``."""
    from desktop.ui.signals import CoreSignals
    from desktop.ui.status import AppStatus

    signals = CoreSignals(companion.events)
    status = AppStatus(companion, signals)
    await status.load()
    try:
        yield signals, status
    finally:
        signals.close()


@pytest.fixture
def workfolder(tmp_path: Path) -> Path:
    """A small client folder with one checkbox line and a short note."""
    root = tmp_path / "Clients" / "Acme Corp"
    root.mkdir(parents=True)
    (root / "notes.md").write_text(
        "# Kickoff notes\n\nWe agreed on the scope of the redesign with Dana.\n\n- [ ] Send the quote to Dana\n"
    )
    return tmp_path / "Clients"
