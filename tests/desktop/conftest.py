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

import pytest

from desktop.companion import Companion


@pytest.fixture(autouse=True)
def _isolated_desktop(memory_keyring, monkeypatch, tmp_path: Path):
    """No desktop test touches the user's keyring, backend setting or autostart folder."""
    monkeypatch.delenv("ADIUVA_BACKEND_URL", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


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
