"""The local workspace: one aiosqlite connection, migrations, transactions.

``Store`` owns the only connection to ``workspace.sqlite3``; everyone else
awaits it. The database runs in WAL mode with foreign keys on. Work is
serialised through one asyncio lock, so a transaction never interleaves with
another task's statements on the shared connection.

``transaction()`` is re-entrant within a task: the tool catalogue opens one,
and when the dispatcher has already opened one for the journal row, the tool's
block becomes a SAVEPOINT inside it, so the write and its journal row commit
or roll back together.

All coroutines run on the asyncio loop that opened the store; aiosqlite does
the blocking work on its own thread (a daemon thread, so a store a failed
start-up left open can never keep the process alive).
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import re
import sqlite3
import threading
import uuid
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from agents.errors import SchemaTooNewError, StoreError
from agents.resources import resource_path

DB_FILENAME = "workspace.sqlite3"
_MIGRATION_RE = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")

Row = dict[str, Any]
T = TypeVar("T")
Params = Sequence[Any] | dict[str, Any]


def utcnow() -> str:
    """Now as the store writes it: UTC ISO 8601 with milliseconds and ``Z``."""
    return iso(datetime.now(UTC))


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


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    path: Path


def known_migrations(directory: Path | None = None) -> list[Migration]:
    """The migrations shipped with the app, in order."""
    directory = directory or resource_path("migrations")
    found: list[Migration] = []
    for path in sorted(directory.iterdir()):
        match = _MIGRATION_RE.match(path.name)
        if match:
            found.append(Migration(int(match.group(1)), match.group(2), path))
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise StoreError(f"duplicate migration numbers in {directory}")
    return found


class SyncDb:
    """Synchronous statements on the store's connection, for code running on the database thread
    (``Store.run``): the same helpers as ``Tx`` without the trips."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

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


class Tx:
    """Statements inside one open transaction (or savepoint) of the store."""

    def __init__(self, conn: aiosqlite.Connection):
        self._conn = conn
        self.open = True

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; returns the number of rows it changed (one trip to the database thread)."""
        cursor = await self._conn.execute(sql, params)
        return cursor.rowcount  # the sqlite3 cursor is finished after a DML statement; no close trip needed

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        await self._conn.executemany(sql, rows)

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        return [dict(row) for row in await self._conn.execute_fetchall(sql, params)]

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        rows = await self._conn.execute_fetchall(sql, params)
        return dict(rows[0]) if rows else None

    async def scalar(self, sql: str, params: Params = ()) -> Any:
        rows = await self._conn.execute_fetchall(sql, params)
        return rows[0][0] if rows else None


# (store, open transaction, the task that owns it). Tasks copy context variables
# when they are created, so the owner is checked too: a task spawned while a
# transaction is open (e.g. by an event listener) must not join it.
_current: contextvars.ContextVar[tuple[Store, Tx, asyncio.Task[Any] | None] | None] = contextvars.ContextVar(
    "adiuva_store_tx", default=None
)


class Store:
    """The workspace database. Create with ``await Store.open(path)``."""

    def __init__(self, *, conn: aiosqlite.Connection, path: Path, schema_version: int):
        self._conn = conn
        self.path = path
        self.schema_version = schema_version
        self._lock = asyncio.Lock()
        self._savepoints = 0
        self._closed = False

    # ── lifecycle ──────────────────────────────────────────────────────────
    @classmethod
    async def open(cls, path: Path | str, *, migrations_dir: Path | None = None) -> Store:
        """Open (creating if needed) and migrate the database at ``path``.

        Raises ``SchemaTooNewError`` when the file was written by a newer app,
        ``StoreError`` when it cannot be opened or migrated.
        """
        path = Path(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = await _daemon(aiosqlite.connect(str(path), isolation_level=None))
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(f"cannot open the workspace database {path}: {exc}") from exc
        conn.row_factory = sqlite3.Row
        try:
            await conn.execute("PRAGMA busy_timeout = 5000")
            async with conn.execute("PRAGMA journal_mode = WAL") as cur:
                mode = (await cur.fetchone())[0]
            if str(mode).lower() != "wal":
                raise StoreError(f"{path}: the database refused WAL mode (got {mode!r})")
            await conn.execute("PRAGMA synchronous = NORMAL")
            await conn.execute("PRAGMA foreign_keys = ON")
            version = await _migrate(conn, known_migrations(migrations_dir), path)
        except sqlite3.OperationalError as exc:  # full disk, read-only file, locked, I/O error
            await _close_quietly(conn)
            raise StoreError(f"cannot use the workspace database {path}: {exc}") from exc
        except sqlite3.DatabaseError as exc:
            await _close_quietly(conn)
            raise StoreError(f"{path} is not a usable workspace database: {exc}") from exc
        except asyncio.CancelledError:
            conn.stop()  # queue the close without waiting: a cancelled open must not wait on the database
            raise
        except BaseException:
            await _close_quietly(conn)
            raise
        return cls(conn=conn, path=path, schema_version=version)

    async def close(self) -> None:
        """Close the connection once the running statements are done."""
        if self._closed:
            return
        async with self._lock:
            self._closed = True
            await self._conn.close()

    @property
    def closed(self) -> bool:
        return self._closed

    # ── transactions ───────────────────────────────────────────────────────
    @asynccontextmanager
    async def transaction(self, *, write: bool = True) -> AsyncIterator[Tx]:
        """``BEGIN IMMEDIATE`` (or plain ``BEGIN`` for ``write=False``) … ``COMMIT``; ROLLBACK if the block raises.

        Inside a transaction this task already holds, it nests as a SAVEPOINT.
        Cancelling the block rolls back; the lock is always released.
        """
        if self._joined() is not None:
            async with self._savepoint() as tx:
                yield tx
            return
        async with self._lock:
            self._check_open()
            tx = Tx(self._conn)
            token = _current.set((self, tx, asyncio.current_task()))
            await self._conn.execute("BEGIN IMMEDIATE" if write else "BEGIN DEFERRED")
            try:
                yield tx
            except BaseException:
                tx.open = False
                await asyncio.shield(self._rollback())
                raise
            else:
                tx.open = False
                try:
                    await self._conn.execute("COMMIT")
                except BaseException:
                    await asyncio.shield(self._rollback())
                    raise
            finally:
                tx.open = False
                _current.reset(token)

    async def _rollback(self) -> None:
        try:
            await self._conn.execute("ROLLBACK")
        except sqlite3.OperationalError:
            pass  # no transaction is active (SQLite already rolled back)

    @asynccontextmanager
    async def _savepoint(self) -> AsyncIterator[Tx]:
        self._savepoints += 1
        name = f"sp{self._savepoints}"
        await self._conn.execute(f"SAVEPOINT {name}")
        try:
            yield Tx(self._conn)
        except BaseException:
            await asyncio.shield(self._conn.execute(f"ROLLBACK TO {name}"))
            await asyncio.shield(self._conn.execute(f"RELEASE {name}"))
            raise
        else:
            await self._conn.execute(f"RELEASE {name}")

    # ── one-shot statements ────────────────────────────────────────────────
    # Inside a transaction this task holds, they join it; otherwise each is a
    # single autocommit statement (atomic on its own) under the lock.
    def _joined(self) -> Tx | None:
        current = _current.get()
        if (current is not None and current[0] is self and current[1].open
                and current[2] is asyncio.current_task()):
            return current[1]
        return None

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        tx = self._joined()
        if tx is not None:
            return await tx.fetchall(sql, params)
        async with self._lock:
            self._check_open()
            return await Tx(self._conn).fetchall(sql, params)

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        tx = self._joined()
        if tx is not None:
            return await tx.fetchone(sql, params)
        async with self._lock:
            self._check_open()
            return await Tx(self._conn).fetchone(sql, params)

    async def scalar(self, sql: str, params: Params = ()) -> Any:
        tx = self._joined()
        if tx is not None:
            return await tx.scalar(sql, params)
        async with self._lock:
            self._check_open()
            return await Tx(self._conn).scalar(sql, params)

    async def execute(self, sql: str, params: Params = ()) -> int:
        tx = self._joined()
        if tx is not None:
            return await tx.execute(sql, params)
        async with self._lock:
            self._check_open()
            return await Tx(self._conn).execute(sql, params)

    async def run(self, fn: Callable[[sqlite3.Connection], T], *, begin: str | None = None) -> T:
        """Run ``fn(connection)`` on the database thread: one trip for many statements.

        ``begin`` ("IMMEDIATE" or "DEFERRED") wraps it in its own transaction,
        committed on return and rolled back if ``fn`` raises; inside a
        transaction this task already holds, ``fn`` simply joins it. ``fn``
        must not block on anything but SQLite. If the awaiting task is
        cancelled, ``fn`` still runs to its end (and commits): callers treat a
        cancelled write as "may have committed", which the journal makes safe.
        """
        if self._joined() is not None:
            return await self._conn._execute(fn, self._conn._conn)

        def in_transaction(conn: sqlite3.Connection) -> T:
            conn.execute(f"BEGIN {begin}")
            try:
                result = fn(conn)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
            return result

        async with self._lock:
            self._check_open()
            return await self._conn._execute(in_transaction if begin else fn, self._conn._conn)

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError("the workspace store is closed")

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
        async with self._lock:
            async with self._conn.execute("PRAGMA integrity_check") as cur:
                rows = await cur.fetchall()
        return "; ".join(str(r[0]) for r in rows)


def _daemon(conn: aiosqlite.Connection) -> aiosqlite.Connection:
    """Make the connection's worker thread a daemon before it starts: a store a failed start-up left open
    must not keep the process alive (a supervisor would never restart it). Every normal path closes the
    store; an abandoned connection is as safe as a crash (the WAL journal)."""
    thread = getattr(conn, "_thread", conn)  # aiosqlite >= 0.21 holds a Thread; older versions are one
    if isinstance(thread, threading.Thread) and not thread.is_alive():
        thread.daemon = True
    return conn


async def _close_quietly(conn: aiosqlite.Connection) -> None:
    try:
        await conn.close()
    except (sqlite3.Error, ValueError):  # e.g. a full disk refusing the WAL checkpoint
        pass


async def _migrate(conn: aiosqlite.Connection, migrations: list[Migration], path: Path) -> int:
    await conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    async with conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations") as cur:
        current = (await cur.fetchone())[0]
    newest_known = migrations[-1].version if migrations else 0
    if current > newest_known:
        raise SchemaTooNewError(
            f"{path} has schema version {current}, but this Adiuva Companion knows only up to "
            f"{newest_known}. It was written by a newer version: update the app, or start this one "
            f"with another --data-dir."
        )
    for migration in migrations:
        if migration.version <= current:
            continue
        sql = migration.path.read_text(encoding="utf-8")
        try:
            await conn.executescript(
                "BEGIN IMMEDIATE;\n"
                + sql
                + f"\n;INSERT INTO schema_migrations (version, name, applied_at) VALUES "
                f"({migration.version}, '{migration.name}', '{utcnow()}');\nCOMMIT;"
            )
        except sqlite3.Error as exc:
            try:
                await conn.execute("ROLLBACK")
            except sqlite3.OperationalError:
                pass
            raise StoreError(
                f"migration {migration.version:04d}_{migration.name} failed on {path}: {exc}"
            ) from exc
        current = migration.version
    return current
