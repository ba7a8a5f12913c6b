"""Notice changes other processes commit to the workspace (the CLI, the MCP door, a second app): Qt-free.

``ChangeWatcher`` polls ``PRAGMA data_version`` on a read-only connection of
its own every ``interval`` seconds (``hidden_interval`` while nobody looks,
see ``set_visible``). The value moves when any other connection commits; the
pragma reads the WAL index only (microseconds, no disk read, never blocked
by a writer), so it runs right on the loop thread: one wake-up per poll,
no trip to the database thread.

When it moved, the watcher emits one ``record_did_change`` (``tool="watch"``,
``group``/``id`` None: "anything may have changed") on the event hub; the
views refetch the rows they have loaded. Commits of this process's own store
also move it; those come with their own ``record_did_change`` or
``review_did_change`` (and the views refresh for those anyway), so a move
seen after such an event is not announced again.

Runs as one asyncio task on the store's loop (``start``/``stop``).
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path

from agents.events import Event, EventHub, RecordDidChange

log = logging.getLogger(__name__)

OWN = ("record_did_change", "review_did_change")


class ChangeWatcher:
    """Polls the store file's ``data_version``; announces changes made by other connections."""

    def __init__(self, path: Path | str, events: EventHub | None = None, *, interval: float = 1.0,
                 hidden_interval: float = 5.0, on_change: Callable[[], None] | None = None):
        self.path = Path(path)
        self.events = events
        self.interval = interval
        self.hidden_interval = hidden_interval
        self.visible = True
        self.on_change = on_change
        self.polls = 0
        self.changes = 0
        self._conn: sqlite3.Connection | None = None
        self._version: int | None = None
        self._own = False
        self._announcing = False
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._unsubscribe: Callable[[], None] | None = None

    # ── control ──────────────────────────────────────────────────────────
    def start(self) -> None:
        if self._task is not None:
            return
        if self.events is not None:
            self._unsubscribe = self.events.subscribe(self._heard)
        self.check()  # the baseline
        self._task = asyncio.get_running_loop().create_task(self._loop(), name="change-watcher")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            try:
                await task
            except asyncio.CancelledError:
                pass
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def set_visible(self, visible: bool) -> None:
        """Poll every ``interval`` while the window shows, every ``hidden_interval`` while it does not."""
        if visible == self.visible:
            return
        self.visible = visible
        if visible:
            self._wake.set()  # look now: the user is looking

    @property
    def current_interval(self) -> float:
        return self.interval if self.visible else self.hidden_interval

    # ── polling ──────────────────────────────────────────────────────────
    def _heard(self, event: Event) -> None:
        if event.name in OWN and not self._announcing:
            self._own = True

    def _data_version(self) -> int:
        if self._conn is None:
            self._conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False,
                                         isolation_level=None)
        return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def check(self) -> bool:
        """Poll once; True (and announced) when another connection committed since the last poll."""
        self.polls += 1
        try:
            version = self._data_version()
        except sqlite3.Error as exc:  # the file went away or is locked for a moment: try again next time
            log.debug("watch.poll_failed error=%s", exc)
            if self._conn is not None:
                self._conn.close()
                self._conn = None
            self._version = None
            return False
        previous, self._version = self._version, version
        own, self._own = self._own, False
        if previous is None or version == previous or own:
            return False
        self.changes += 1
        self._announce()
        return True

    def _announce(self) -> None:
        self._announcing = True
        try:
            if self.events is not None:
                self.events.emit(RecordDidChange(tool="watch", group=""))
            if self.on_change is not None:
                self.on_change()
        finally:
            self._announcing = False

    async def _loop(self) -> None:
        while True:
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), self.current_interval)
            except TimeoutError:
                pass
            try:
                self.check()
            except Exception:  # never ends the loop
                log.exception("watch.check_failed")
