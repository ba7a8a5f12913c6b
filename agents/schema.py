"""Opening the workspace file: pragmas and the shipped migrations, before the database thread starts.

``connect(path)`` opens the ``sqlite3`` connection the store's thread will own
(WAL, ``synchronous=FULL``, foreign keys, no automatic checkpoints) and brings
the schema up to date, each migration in its own transaction.

Runs on a short-lived thread of its own (``Store.open`` awaits it); nothing
here touches a loop.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from agents.errors import SchemaTooNewError, StoreError
from agents.resources import resource_path

_MIGRATION_RE = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


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


def connect(path: Path, migrations_dir: Path | None) -> tuple[sqlite3.Connection, int]:
    """The open, migrated connection and its schema version; ``StoreError`` / ``SchemaTooNewError``."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    except (sqlite3.Error, OSError) as exc:
        raise StoreError(f"cannot open the workspace database {path}: {exc}") from exc
    conn.row_factory = sqlite3.Row
    try:
        conn.execute("PRAGMA busy_timeout = 5000")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise StoreError(f"{path}: the database refused WAL mode (got {mode!r})")
        conn.execute("PRAGMA synchronous = FULL")  # commits are grouped: one fsync serves many calls
        conn.execute("PRAGMA wal_autocheckpoint = 0")  # checkpoints run on the DB thread when idle
        conn.execute("PRAGMA foreign_keys = ON")
        version = _migrate(conn, known_migrations(migrations_dir), path)
    except sqlite3.OperationalError as exc:  # full disk, read-only file, locked, I/O error
        _close_quietly(conn)
        raise StoreError(f"cannot use the workspace database {path}: {exc}") from exc
    except sqlite3.DatabaseError as exc:
        _close_quietly(conn)
        raise StoreError(f"{path} is not a usable workspace database: {exc}") from exc
    except BaseException:
        _close_quietly(conn)
        raise
    return conn, version


def _close_quietly(conn: sqlite3.Connection) -> None:
    try:
        conn.close()
    except sqlite3.Error:  # e.g. a full disk refusing the WAL checkpoint
        pass


def _migrate(conn: sqlite3.Connection, migrations: list[Migration], path: Path) -> int:
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    current = conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").fetchone()[0]
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
        applied_at = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        try:
            conn.executescript(
                "BEGIN IMMEDIATE;\n"
                + sql
                + f"\n;INSERT INTO schema_migrations (version, name, applied_at) VALUES "
                f"({migration.version}, '{migration.name}', '{applied_at}');\nCOMMIT;"
            )
        except sqlite3.Error as exc:
            try:
                conn.execute("ROLLBACK")
            except sqlite3.OperationalError:
                pass
            raise StoreError(
                f"migration {migration.version:04d}_{migration.name} failed on {path}: {exc}"
            ) from exc
        current = migration.version
    return current
