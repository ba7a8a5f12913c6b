"""Short reads on the caller's own thread, so a small read does not wait for the database thread.

The store's one writer connection lives on its database thread
(``agents.dbthread``): a read queued there costs two thread wake-ups and
waits for whatever that thread is doing, such as committing the journal rows
of the reads just answered. In WAL mode a second connection can read
committed data while the writer works, so ``LoopReader`` gives each thread
that asks (in practice: the loop's) its own **read-only** connection
(``mode=ro``, ``query_only``), and runs a read there inside one read
transaction:

- a read still running after ``READ_BUDGET`` is interrupted (SQLite's
  progress handler) and the caller hands it to the database thread instead;
  so does a read that meets a lock, or any read once this loop turn has
  already spent ``TURN_BUDGET`` on reads here: a Qt or asyncio loop is never
  held for long, whatever the workspace's size. The executor asks for the
  ``first`` read of a turn only: a lone call is answered here, while a burst
  of calls goes to the database thread, which works in parallel with the loop;
- such a read sees what was committed when it began: an acknowledged write
  (acknowledged after its commit) is always seen; a journal row posted but not
  yet committed is not, which PROTOCOL.md allows for reads ("a replayed
  read-only id whose row was not stored simply runs again").

Nothing here writes: a read's own journal row is posted to the database
thread's next write group (``SyncDb.defer`` on such a connection posts).
``try_read`` runs on the calling thread; ``close`` may run on any thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

READ_BUDGET = 0.002  # s: one read on the loop; longer ones go to the database thread
TURN_BUDGET = 0.004  # s: all such reads of one loop turn
_PROGRESS_STEPS = 1000  # SQLite VM steps between two looks at the clock

_DECLINED: tuple[bool, Any] = (False, None)


class LoopReader:
    """Per-thread read-only connections to one database file (see the module docstring)."""

    def __init__(self, path: Path, *, read_budget: float = READ_BUDGET, turn_budget: float = TURN_BUDGET):
        self.path = path
        self.read_budget = read_budget
        self.turn_budget = turn_budget
        self.served = 0  # reads answered here (tests and benches read them)
        self.declined = 0  # reads handed to the database thread (interrupted, locked, over the turn's budget)
        self._local = threading.local()
        self._conns: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._closed = False

    def try_read(self, fn: Callable[[sqlite3.Connection], Any], *, first: bool = False) -> tuple[bool, Any]:
        """``(True, fn(conn))`` when the read finished here within its budget; ``(False, None)``
        when the caller must run it on the database thread instead (``first``: also when a loop
        read already ran in this loop turn: a burst is better served by the database thread, in
        parallel with the loop, than here one after another). ``fn`` may raise: its
        exception propagates, except SQLite's operational errors (interrupted, locked): those are declined."""
        local = self._local
        if self._closed or getattr(local, "spent", 0.0) >= self.turn_budget or (first and getattr(local, "reads", 0)):
            self.declined += 1
            return _DECLINED
        conn = self._connection()
        if conn is None:
            self.declined += 1
            return _DECLINED
        began = time.perf_counter()
        local.deadline = began + self.read_budget
        local.interrupted = False
        try:
            conn.execute("BEGIN")
            try:
                value = fn(conn)
            finally:
                local.deadline = float("inf")
                self._end(conn)
        except sqlite3.OperationalError:  # interrupted, or a lock: the database thread will wait for it
            self.declined += 1
            return _DECLINED
        finally:
            self._charge(time.perf_counter() - began)
        if local.interrupted:  # ``fn`` met the interruption and turned it into its own answer
            self.declined += 1
            return _DECLINED
        self.served += 1
        return True, value

    def close(self) -> None:
        """Close every thread's connection; later reads are declined."""
        with self._lock:
            self._closed = True
            conns, self._conns = self._conns, []
        for conn in conns:
            with contextlib.suppress(sqlite3.Error):
                conn.close()

    # ── on the calling thread ──────────────────────────────────────────────
    def _end(self, conn: sqlite3.Connection) -> None:
        """End the read transaction; a connection that cannot is closed and replaced next time
        (an open read transaction would hold the WAL from being checkpointed)."""
        with contextlib.suppress(sqlite3.Error):
            conn.execute("COMMIT")
        if not conn.in_transaction:
            return
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
        if conn.in_transaction:
            log.warning("store.loop_reader.stuck path=%s: reopening its connection", self.path)
            self._local.conn = None
            with self._lock:
                if conn in self._conns:
                    self._conns.remove(conn)
            with contextlib.suppress(sqlite3.Error):
                conn.close()

    def _connection(self) -> sqlite3.Connection | None:
        local = self._local
        conn = getattr(local, "conn", None)
        if conn is not None or getattr(local, "failed", False):
            return conn
        try:
            conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None,
                                   check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA query_only = ON")
            conn.execute("PRAGMA busy_timeout = 0")  # a lock: declined at once, never waited for here
        except sqlite3.Error as exc:
            log.warning("store.loop_reader.unavailable path=%s error=%s", self.path, exc)
            local.failed = True
            return None
        local.deadline = float("inf")
        local.interrupted = False

        def progress() -> int:
            if time.perf_counter() > local.deadline:
                local.interrupted = True
                return 1
            return 0

        conn.set_progress_handler(progress, _PROGRESS_STEPS)
        with self._lock:
            if self._closed:
                conn.close()
                return None
            self._conns.append(conn)
        local.conn = conn
        return conn

    def _charge(self, seconds: float) -> None:
        """Count ``seconds`` against this loop turn's budget (reset when the turn ends)."""
        local = self._local
        reads = getattr(local, "reads", 0)
        if not reads:
            try:
                asyncio.get_running_loop().call_soon(self._reset, local)
            except RuntimeError:  # no loop here (a plain thread): each read stands alone
                return
        local.spent = getattr(local, "spent", 0.0) + seconds
        local.reads = reads + 1

    @staticmethod
    def _reset(local: threading.local) -> None:
        local.spent, local.reads = 0.0, 0
