"""The local workspace: the store's public face; it owns every transaction.

``Store`` owns the only connection to ``workspace.sqlite3``, held by its
database thread (``agents.dbthread``). Nobody else issues BEGIN, COMMIT or
SAVEPOINT; callers hand the store plain functions of the connection:

- ``write(fn)``: ``fn`` runs in its own savepoint inside the next group
  transaction; the await returns after that group's COMMIT (ack after commit).
  A raise rolls back to the savepoint only; a failed COMMIT raises
  ``CommitFailed`` in every job of the group.
- ``read(fn)``: ``fn`` runs outside any write transaction (``snapshot=True``:
  in one read transaction, for a consistent view across statements).
- ``read_here(fn)`` / ``read_soon(fn)``: a short read on the asking thread's
  own read-only connection (``agents.loop_reads``), handed to the database
  thread when it runs long, meets a lock, or the loop turn spent its budget;
- ``fetchall`` / ``fetchone`` / ``scalar`` are one-statement reads;
  ``execute`` is a one-statement write (grouped like any write).
- ``transaction()``: an interactive transaction for code that must await
  between statements (rare: tests' slow tools); it has the thread to itself
  until its block ends, and ``Tx.savepoint()`` nests explicitly. There is no
  implicit joining: a transaction is a handle you hold, never a context.

The database runs in WAL mode, ``synchronous=FULL`` (one fsync per group),
foreign keys on, checkpoints off the hot path. Coroutines run on any asyncio
loop (each answer goes back to the loop that asked); the SQL runs on the
database thread, except ``read_here``'s bounded reads on a read-only
connection. ``SyncDb`` is what code on that thread (or in ``read_here``) uses.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import queue
import sqlite3
import time
import uuid
import weakref
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from agents.dbthread import JOB_SAVEPOINT, READ, WRITE, CommitFailed, DbThread, Fn
from agents.errors import StoreError
from agents.loop_reads import LoopReader
from agents.schema import Migration, connect, known_migrations

__all__ = ["DB_FILENAME", "CommitFailed", "Migration", "Row", "Store", "SyncDb", "Tx", "iso", "known_migrations",
           "new_id", "parse_iso", "utcnow"]

DB_FILENAME = "workspace.sqlite3"

Row = dict[str, Any]
T = TypeVar("T")
Params = Sequence[Any] | dict[str, Any]


_second: tuple[int, str] = (-1, "")  # the last whole second seen, as text (any thread may replace it)


def utcnow() -> str:
    """Now as the store writes it: UTC ISO 8601 with milliseconds (rounded down, as ``iso``) and ``Z``.

    Every call and record stamps a time or two on the hot path, so the seconds' text is made once per
    second (``time.strftime``) and only the milliseconds each time: a fifth of ``datetime``'s cost."""
    global _second
    whole, rest = divmod(time.time_ns(), 1_000_000_000)
    second, text = _second
    if second != whole:
        text = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole))
        _second = (whole, text)
    return f"{text}.{rest // 1_000_000:03d}Z"


def iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_iso(text: str | None) -> datetime | None:
    if not text:
        return None
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def new_id() -> str:
    return str(uuid.uuid4())


class SyncDb:
    """Statements on the store's connection, for code running on the database thread
    (inside a ``Store.write``/``read`` job). Savepoints are named here, never by callers' SQL."""

    def __init__(self, conn: sqlite3.Connection, thread: DbThread | None = None, *, on_loop: bool = False):
        self.conn = conn
        self._thread = thread
        # A loop read's connection (``Store.read_here``): ``defer`` posts to the thread, and SQLite's
        # operational errors (interrupted past its budget, a lock) must reach ``LoopReader``, which
        # then hands the read to the thread.
        self.on_loop = on_loop

    def execute(self, sql: str, params: Params = ()) -> int:
        return self.conn.execute(sql, params).rowcount

    def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        return [dict(row) for row in self.conn.execute(sql, params).fetchall()]

    def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        row = self.conn.execute(sql, params).fetchone()
        return dict(row) if row is not None else None

    def scalar(self, sql: str, params: Params = ()) -> Any:
        row = self.conn.execute(sql, params).fetchone()
        return None if row is None else row[0]

    # savepoints: a unit of work inside the job's transaction
    def savepoint(self, name: str) -> None:
        self.conn.execute(f"SAVEPOINT {name}")

    def release(self, name: str) -> None:
        self.conn.execute(f"RELEASE {name}")

    def rollback_to(self, name: str) -> None:
        """Undo the savepoint's writes and end it."""
        self.conn.execute(f"ROLLBACK TO {name}")
        self.conn.execute(f"RELEASE {name}")

    def rollback_job(self) -> None:
        """Undo everything this write job did so far (its own savepoint stays open: what the job
        writes next is kept). Only for a function run directly as a ``Store.write`` job."""
        self.conn.execute(f"ROLLBACK TO {JOB_SAVEPOINT}")

    @contextlib.contextmanager
    def unit(self, name: str = "unit") -> Iterator[SyncDb]:
        """A savepoint around a block: released on success, rolled back if it raises."""
        self.savepoint(name)
        try:
            yield self
        except BaseException:
            self.rollback_to(name)
            raise
        self.release(name)

    @property
    def outside_writes(self) -> bool:
        """No write transaction of this job is open: what a read must store goes through ``defer``."""
        return self.on_loop or not self.conn.in_transaction

    def defer(self, fn: Callable[[SyncDb], Any]) -> None:
        """Run ``fn`` in the current turn's write group without waiting for it (a read's journal row);
        from a loop read (``Store.read_here``), in the database thread's next write group."""
        thread = self._thread
        if thread is None:
            raise StoreError("defer() is only for jobs on the store's thread")
        if self.on_loop:
            thread.post(lambda conn: fn(SyncDb(conn, thread)))
        else:
            thread.defer(lambda conn: fn(SyncDb(conn, thread)))


class Tx:
    """An interactive transaction (``Store.transaction``): each statement is one trip to the thread."""

    def __init__(self, statements: queue.SimpleQueue[Any]):
        self._statements = statements
        self._savepoints = 0
        self.open = True

    async def _call(self, fn: Fn) -> Any:
        if not self.open:
            raise StoreError("the transaction has ended")
        future = asyncio.get_running_loop().create_future()
        self._statements.put((None, fn, future))
        return await future

    async def execute(self, sql: str, params: Params = ()) -> int:
        return await self._call(lambda c: c.execute(sql, params).rowcount)

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        rows = list(rows)
        await self._call(lambda c: c.executemany(sql, rows))

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        return await self._call(lambda c: SyncDb(c).fetchall(sql, params))

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        return await self._call(lambda c: SyncDb(c).fetchone(sql, params))

    async def scalar(self, sql: str, params: Params = ()) -> Any:
        return await self._call(lambda c: SyncDb(c).scalar(sql, params))

    async def run(self, fn: Callable[[SyncDb], T]) -> T:
        return await self._call(lambda c: fn(SyncDb(c)))

    @asynccontextmanager
    async def savepoint(self) -> AsyncIterator[Tx]:
        """A nested unit: a block that raises rolls back to here only."""
        self._savepoints += 1
        name = f"tx{self._savepoints}"
        await self._call(lambda c: SyncDb(c).savepoint(name))
        try:
            yield self
        except BaseException:
            await asyncio.shield(self._call(lambda c: SyncDb(c).rollback_to(name)))
            raise
        await self._call(lambda c: SyncDb(c).release(name))


class Store:
    """The workspace database. Create with ``await Store.open(path)``."""

    def __init__(self, *, thread: DbThread, path: Path, schema_version: int):
        self._thread = thread
        self.path = path
        self.loop_reader = LoopReader(path)  # short reads on the asking thread (``read_here``)
        self.schema_version = schema_version
        self._closed = False
        # per asyncio loop: the read jobs that share one trip (``agents.read_batch``)
        self.read_batches: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Any] = weakref.WeakKeyDictionary()

    # ── lifecycle ──────────────────────────────────────────────────────────
    @classmethod
    async def open(cls, path: Path | str, *, migrations_dir: Path | None = None) -> Store:
        """Open (creating if needed) and migrate the database at ``path``.

        Raises ``SchemaTooNewError`` when the file was written by a newer app,
        ``StoreError`` when it cannot be opened or migrated.
        """
        path = Path(path)
        opening = asyncio.ensure_future(asyncio.to_thread(connect, path, migrations_dir))
        try:
            conn, version = await asyncio.shield(opening)
        except asyncio.CancelledError:  # a cancelled open closes the file once it is open
            opening.add_done_callback(lambda f: f.cancelled() or f.exception() or f.result()[0].close())
            raise
        return cls(thread=DbThread(conn), path=path, schema_version=version)

    async def close(self) -> None:
        """Close the connection once the queued work is done (a last PASSIVE checkpoint first)."""
        if self._closed:
            return
        self._closed = True
        self.loop_reader.close()
        thread = self._thread.stop()
        await asyncio.get_running_loop().run_in_executor(None, thread.join)

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def commits(self) -> int:
        """Transactions committed since open (a group of writes counts once)."""
        return self._thread.commits

    @property
    def checkpoints(self) -> int:
        return self._thread.checkpoints

    # ── work on the database thread ───────────────────────────────────────
    async def write(self, fn: Callable[[SyncDb], T]) -> T:
        """``fn(db)`` in its own savepoint of the next group; returns after the group committed."""
        self._check_open()
        thread = self._thread
        return await thread.submit(WRITE, lambda conn: fn(SyncDb(conn, thread)))

    def post(self, fn: Callable[[SyncDb], Any]) -> None:
        """``fn(db)`` in the next write group, not waited for (a read's journal row: PROTOCOL.md
        "Read-only calls"); a job queued after it sees what it wrote. A failure is logged."""
        self._check_open()
        thread = self._thread
        thread.post(lambda conn: fn(SyncDb(conn, thread)))

    async def read(self, fn: Callable[[SyncDb], T], *, snapshot: bool = False) -> T:
        """``fn(db)`` outside any write transaction; ``snapshot`` wraps it in one read transaction."""
        self._check_open()
        thread = self._thread
        if not snapshot:
            return await thread.submit(READ, lambda conn: fn(SyncDb(conn, thread)))

        def in_snapshot(conn: sqlite3.Connection) -> T:
            conn.execute("BEGIN DEFERRED")
            try:
                return fn(SyncDb(conn, thread))
            finally:
                conn.execute("COMMIT")

        return await thread.submit(READ, in_snapshot)

    def read_here(self, fn: Callable[[SyncDb], T], *, first: bool = False) -> tuple[bool, T | None]:
        """``(True, fn(db))`` run now on this thread's read-only connection, in one read transaction,
        when it finishes within a short budget; ``(False, None)``: run it with ``read`` instead
        (``agents.loop_reads``; ``first``: only as this loop turn's first). What ``fn`` defers is
        posted to the next write group."""
        thread = self._thread  # a closed store's reader declines (``close`` closes it first)
        return self.loop_reader.try_read(lambda conn: fn(SyncDb(conn, thread, on_loop=True)), first=first)

    async def read_soon(self, fn: Callable[[SyncDb], T]) -> T:
        """``fn(db)`` by ``read_here`` when it can, else as a snapshot ``read`` on the database thread."""
        done, value = self.read_here(fn)
        if done:
            return value  # type: ignore[return-value]
        return await self.read(fn, snapshot=True)

    async def run(self, fn: Callable[[sqlite3.Connection], T], *, begin: str | None = None) -> T:
        """``fn(connection)`` on the database thread: ``begin="IMMEDIATE"`` is a ``write``,
        ``"DEFERRED"`` a snapshot ``read``, none a plain job outside any transaction (PRAGMAs, VACUUM)."""
        if begin == "IMMEDIATE":
            return await self.write(lambda db: fn(db.conn))
        return await self.read(lambda db: fn(db.conn), snapshot=begin == "DEFERRED")

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Tx]:
        """An interactive write transaction: COMMIT when the block ends, ROLLBACK if it raises or is cancelled."""
        self._check_open()
        statements: queue.SimpleQueue[Any] = queue.SimpleQueue()
        try:
            await self._thread.submit_exclusive(statements)
        except asyncio.CancelledError:  # if the thread began it meanwhile, this ends it
            statements.put(("rollback", None, None))
            raise
        tx = Tx(statements)
        end = "rollback"
        try:
            yield tx
            end = "commit"
        finally:
            tx.open = False
            done = asyncio.get_running_loop().create_future()
            statements.put((end, None, done))
            await asyncio.shield(done)

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError("the workspace store is closed")

    # ── one-shot statements ────────────────────────────────────────────────
    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        return await self.read(lambda db: db.fetchall(sql, params))

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        return await self.read(lambda db: db.fetchone(sql, params))

    async def scalar(self, sql: str, params: Params = ()) -> Any:
        return await self.read(lambda db: db.scalar(sql, params))

    async def execute(self, sql: str, params: Params = ()) -> int:
        return await self.write(lambda db: db.execute(sql, params))

    # ── settings and activity ──────────────────────────────────────────────
    async def get_setting(self, key: str, default: Any = None) -> Any:
        row = await self.fetchone("SELECT value FROM settings WHERE key = ?", (key,))
        return default if row is None else json.loads(row["value"])

    async def set_setting(self, key: str, value: Any) -> None:
        await self.execute(
            "INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            (key, json.dumps(value), utcnow()),
        )

    async def delete_setting(self, key: str) -> None:
        await self.execute("DELETE FROM settings WHERE key = ?", (key,))

    async def add_activity(
        self,
        kind: str,
        message: str,
        *,
        subject_id: str | None = None,
        run_id: str | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        await self.execute(
            "INSERT INTO activity (at, kind, message, subject_id, run_id, data) VALUES (?, ?, ?, ?, ?, ?)",
            (utcnow(), kind, message, subject_id, run_id, json.dumps(data or {})),
        )

    async def integrity_check(self) -> str:
        rows = await self.read(lambda db: db.conn.execute("PRAGMA integrity_check").fetchall())
        return "; ".join(str(r[0]) for r in rows)
