"""The database thread: the one thread that touches ``workspace.sqlite3``, and group commit.

``DbThread`` owns the ``sqlite3`` connection and a queue of jobs. A job is a
plain function ``fn(conn)``; its answer goes back to the asyncio loop that
queued it (``loop.call_soon_threadsafe``), one wake-up per group.

Each turn the thread takes everything queued and runs it in this order:

1. **reads** (``READ``): each alone, outside any transaction (autocommit);
   the turn's reads are answered together as soon as they ran (one wake-up
   of each asking loop), before the write group starts;
2. **writes** (``WRITE``) as one group: ``BEGIN IMMEDIATE``, then every job in
   its own ``SAVEPOINT`` (a job that raises rolls back to its savepoint only,
   and gets its exception), then one ``COMMIT``. Every job of the group is
   answered after that commit; when the commit fails, the group rolls back and
   every job gets ``CommitFailed`` (none was stored). Writes a read queued
   on this thread (``defer``) or a loop posted (``post``: a read's journal
   row nobody waits for, sent on within ``POST_DELAY``) join the group of the
   same turn; a job queued after a post sends it first, and a read queued
   after a post runs after that group, so it sees the row. A group of deferred
   writes only (nobody is acknowledged after it: the journal rows of reads,
   which PROTOCOL.md lets go unstored) commits with ``synchronous=NORMAL``,
   without an fsync of its own: it survives a killed process, and the next
   acknowledged group's fsync covers it too (the WAL is synced up to its end);
3. **exclusive transactions** (``EXCLUSIVE``): an interactive transaction
   (``Store.transaction``) has the thread to itself until its block ends;
   its statements come through its own queue.

A job whose awaiter was cancelled before the thread took it is dropped, not
run: a cancelled call never runs (once taken, it runs and its answer is
dropped).

When the queue stays empty for ``idle_checkpoint`` seconds after writes, the
thread runs a PASSIVE WAL checkpoint (``wal_autocheckpoint`` is 0, so no
commit ever pays for one); under constant load it runs one at least every
``max_checkpoint_gap`` seconds, between groups.

Runs on its own daemon thread (a store a failed start-up left open must not
keep the process alive); the loops only queue jobs and await futures.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)

READ, WRITE, POST, EXCLUSIVE, STOP = "read", "write", "post", "exclusive", "stop"
JOB_SAVEPOINT = "job"  # each write job's own savepoint (``SyncDb.rollback_job`` undoes to it)
Fn = Callable[[sqlite3.Connection], Any]
POST_DELAY = 0.005  # s: posts (reads' journal rows) gather this long before they go to the thread
POST_BATCH = 128  # or until this many are waiting


class CommitFailed(Exception):
    """The group's COMMIT failed: nothing of the group is stored (the cause is ``__cause__``)."""


@dataclass(slots=True)
class Job:
    kind: str
    fn: Fn | None
    future: asyncio.Future[Any] | None
    loop: asyncio.AbstractEventLoop | None
    statements: queue.SimpleQueue[Any] | None = field(default=None)
    posted: list[Fn] | None = field(default=None)


def _answer(answers: list[tuple[asyncio.Future[Any], Any, BaseException | None]]) -> None:
    """On the loop: resolve a group's futures (a cancelled awaiter's future, or none, is skipped)."""
    for future, value, error in answers:
        if future is None or future.done():
            continue
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(value)


def _send(loop: asyncio.AbstractEventLoop, answers: list[Any]) -> None:
    if answers:
        with contextlib.suppress(RuntimeError):  # the loop is closed: nobody waits any more
            loop.call_soon_threadsafe(_answer, answers)


class DbThread:
    """One connection, one thread, one queue. ``submit`` from any loop; ``stop`` to close."""

    def __init__(self, conn: sqlite3.Connection, *, idle_checkpoint: float = 0.5,
                 max_checkpoint_gap: float = 10.0):
        self.conn = conn
        self.commits = 0  # groups committed (tests and benches read it)
        self.grouped = 0  # write jobs committed
        self.checkpoints = 0
        self._queue: queue.SimpleQueue[Job] = queue.SimpleQueue()
        self._posted: list[Fn] = []  # posts not yet sent to the thread (``post``)
        self._post_lock = threading.Lock()
        self._post_armed = False
        self._deferred: list[Fn] = []
        self._idle_checkpoint = idle_checkpoint
        self._max_gap = max_checkpoint_gap
        self._dirty = False
        self._last_checkpoint = time.monotonic()
        self._thread = threading.Thread(target=self._main, name="adiuva-db", daemon=True)
        self._thread.start()

    # ── from a loop ────────────────────────────────────────────────────────
    def submit(self, kind: str, fn: Fn) -> asyncio.Future[Any]:
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._put(Job(kind, fn, future, loop))
        return future

    def submit_exclusive(self, statements: queue.SimpleQueue[Any]) -> asyncio.Future[Any]:
        """Start an interactive transaction: resolved once BEGIN IMMEDIATE ran."""
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._put(Job(EXCLUSIVE, None, future, loop, statements))
        return future

    def post(self, fn: Fn) -> None:
        """Queue ``fn`` for a coming write group and return at once: nobody is answered, a failure
        is logged. Posts wait here up to ``POST_DELAY`` (or ``POST_BATCH`` of them) and go to the
        thread together, one wake-up for many journal rows; any job queued after a post, from
        any loop, sends them first, so it still sees what they wrote."""
        with self._post_lock:
            self._posted.append(fn)
            due, arm = len(self._posted) >= POST_BATCH, not self._post_armed
            self._post_armed = True
        if due:
            self._flush_posted()
        elif arm:
            try:
                asyncio.get_running_loop().call_later(POST_DELAY, self._flush_posted)
            except RuntimeError:  # no loop on this thread: nothing would flush them later
                self._flush_posted()

    def stop(self) -> threading.Thread:
        self._put(Job(STOP, None, None, None))
        return self._thread

    def _put(self, job: Job) -> None:
        if self._posted:
            self._flush_posted()
        self._queue.put(job)

    def _flush_posted(self) -> None:
        with self._post_lock:
            posted, self._posted = self._posted, []
            self._post_armed = False
        if posted:
            self._queue.put(Job(POST, None, None, None, posted=posted))

    # ── on this thread ─────────────────────────────────────────────────────
    def defer(self, fn: Fn) -> None:
        """From a job on this thread: run ``fn`` in this turn's write group; nobody waits for it
        (alone, it commits without an fsync: only for what may be lost on power loss)."""
        self._deferred.append(fn)

    def _main(self) -> None:
        while True:
            timeout = self._idle_checkpoint if self._dirty else None
            try:
                first = self._queue.get(timeout=timeout)
            except queue.Empty:
                self._checkpoint()
                continue
            jobs = [first]
            with contextlib.suppress(queue.Empty):
                while True:
                    jobs.append(self._queue.get_nowait())
            if not self._turn(jobs):
                with contextlib.suppress(sqlite3.Error):
                    self._checkpoint()
                    self.conn.close()
                return
            if self._dirty and time.monotonic() - self._last_checkpoint > self._max_gap:
                self._checkpoint()

    def _turn(self, jobs: list[Job]) -> bool:
        stop = False
        writes: list[Job] = []
        exclusive: list[Job] = []
        late_reads: list[Job] = []
        read_answers: dict[asyncio.AbstractEventLoop, list[Any]] = {}
        for job in jobs:
            if job.future is not None and job.future.cancelled():
                continue  # its awaiter gave up before it began: a cancelled call never runs
            if job.kind == READ:
                if self._deferred:  # queued after a post: it must see the posted row
                    late_reads.append(job)
                else:
                    read_answers.setdefault(job.loop, []).append(self._read(job))  # type: ignore[arg-type]
            elif job.kind == POST:
                self._deferred.extend(job.posted)  # type: ignore[arg-type]
            elif job.kind == WRITE:
                writes.append(job)
            elif job.kind == EXCLUSIVE:
                exclusive.append(job)
            else:
                stop = True
        for loop, answers in read_answers.items():  # one wake-up per loop for the turn's reads
            _send(loop, answers)
        if writes or self._deferred:
            self._group(writes)
        for job in late_reads:
            _send(job.loop, [self._read(job)])  # type: ignore[arg-type]
        for job in exclusive:
            self._exclusive(job)
            if self._deferred:
                self._group([])
        return not stop

    def _read(self, job: Job) -> tuple[Any, Any, BaseException | None]:
        try:
            return job.future, job.fn(self.conn), None  # type: ignore[misc]
        except BaseException as exc:
            return job.future, None, exc

    def _group(self, writes: list[Job]) -> None:
        if not writes:  # nobody waits for this commit to be durable: no fsync (see the module docstring)
            self.conn.execute("PRAGMA synchronous = NORMAL")
            try:
                self._commit_group(writes)
            finally:
                self.conn.execute("PRAGMA synchronous = FULL")
        else:
            self._commit_group(writes)

    def _commit_group(self, writes: list[Job]) -> None:
        conn = self.conn
        results: list[tuple[Job, Any, BaseException | None]] = []
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            self._fail(writes, exc)
            return
        try:
            self._run_deferred()  # first: they were queued before this turn's writes
            for job in writes:
                results.append(self._in_savepoint(job.fn))  # type: ignore[arg-type]
            self._run_deferred()  # any a write job deferred
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            self._fail(writes, exc)
            return
        self.commits += 1
        self.grouped += len(writes)
        self._dirty = True
        by_loop: dict[asyncio.AbstractEventLoop, list[Any]] = {}
        for job, (_, value, error) in zip(writes, results, strict=True):
            by_loop.setdefault(job.loop, []).append((job.future, value, error))  # type: ignore[arg-type]
        for loop, answers in by_loop.items():
            _send(loop, answers)

    def _run_deferred(self) -> None:
        """Journal rows of reads, each in its own savepoint (they may add none themselves)."""
        while self._deferred:
            _, _, error = self._in_savepoint(self._deferred.pop(0))
            if error is not None:
                log.warning("store.deferred_write.failed error=%s", error)

    def _in_savepoint(self, fn: Fn) -> tuple[None, Any, BaseException | None]:
        conn = self.conn
        conn.execute(f"SAVEPOINT {JOB_SAVEPOINT}")
        try:
            value = fn(conn)
        except BaseException as exc:
            if not conn.in_transaction:  # SQLite rolled the whole group back (full disk, I/O error)
                raise sqlite3.OperationalError(f"the transaction was rolled back: {exc}") from exc
            conn.execute(f"ROLLBACK TO {JOB_SAVEPOINT}")
            conn.execute(f"RELEASE {JOB_SAVEPOINT}")
            return None, None, exc
        conn.execute(f"RELEASE {JOB_SAVEPOINT}")
        return None, value, None

    def _fail(self, writes: list[Job], exc: BaseException) -> None:
        self._deferred.clear()
        log.error("store.commit.failed jobs=%d error=%s", len(writes), exc)
        for job in writes:
            failure = CommitFailed(f"the transaction could not commit: {exc}")
            failure.__cause__ = exc
            _send(job.loop, [(job.future, None, failure)])  # type: ignore[arg-type]

    def _exclusive(self, job: Job) -> None:
        """Serve one interactive transaction until its block ends (``Store.transaction``)."""
        conn, statements = self.conn, job.statements
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            _send(job.loop, [(job.future, None, exc)])  # type: ignore[arg-type]
            return
        _send(job.loop, [(job.future, None, None)])  # type: ignore[arg-type]
        while True:
            end, fn, future = statements.get()  # type: ignore[union-attr]
            if end is None:  # a statement (``future`` is None for a cancelled start's rollback)
                try:
                    answer = (future, fn(conn), None)
                except BaseException as exc:
                    answer = (future, None, exc)
                _send(job.loop, [answer])  # type: ignore[arg-type]
                continue
            error: BaseException | None = None
            try:
                conn.execute("COMMIT" if end == "commit" else "ROLLBACK")
            except sqlite3.Error as exc:
                error = CommitFailed(f"the transaction could not commit: {exc}")
                error.__cause__ = exc
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
            if end == "commit" and error is None:
                self.commits += 1
                self._dirty = True
            _send(job.loop, [(future, None, error)])  # type: ignore[arg-type]
            return

    def _checkpoint(self) -> None:
        """PASSIVE: copies what it can without waiting for readers; never blocks a writer."""
        try:
            self.conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            self.checkpoints += 1
        except sqlite3.Error as exc:
            log.warning("store.checkpoint.failed error=%s", exc)
        self._dirty = False
        self._last_checkpoint = time.monotonic()
