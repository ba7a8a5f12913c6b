"""Pinned allowed folders: opening them as picked, and the ``root_pins`` table.

PROTOCOL.md: an allowed folder is the real path the user picked, as it was
when they picked it. Saving an agent pins each of its folders: the real path
and the folder's identity (``st_dev``, ``st_ino``). At call time
``open_root`` opens that real path from ``/`` one component at a time with
``O_NOFOLLOW | O_DIRECTORY`` and compares the identity of what it got
(``fstat``). A folder replaced by a symlink (``mv Clients Clients.bak;
ln -s / Clients``), moved away, or replaced by another folder is refused with
``forbidden_path`` and a message telling the user to pick it again in the
Agents view; re-saving the agent re-pins it. ``agents.config.root_problems`` lists such
folders for ``doctor`` and the Agents view.

Folders of agents saved before migration 0003 have no pin: they are pinned,
trusting them as they are then, on their first successful use by a tool
(``open_root(path, None)`` returns the new pin; the tool stores it).

Threads: ``open_root``, ``pin_folder`` and ``check_root`` block (call them
from a worker thread or the database thread); the ``async`` functions run on
the event loop and go through the Store; ``*_sync`` ones run on the database
thread with a ``SyncDb``. POSIX only (``dir_fd``, ``O_NOFOLLOW``).
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from agents.errors import ErrorType, ToolError
from agents.store import utcnow

if TYPE_CHECKING:
    from agents.store import Store, SyncDb, Tx

# O_PATH needs no read permission on the folders above a root (e.g. a 0711 home).
STEP_FLAGS = (
    (getattr(os, "O_PATH", 0) or os.O_RDONLY) | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
)
REPICK = "pick it again in the Agents view"


@dataclass(frozen=True)
class Pin:
    """A folder as picked: its real path and identity (signed 64-bit, as stored)."""

    real: str
    dev: int
    ino: int


@dataclass(frozen=True)
class RootProblem:
    """An agent's folder that no longer is the folder the user picked."""

    agent_id: str
    agent_name: str
    path: str
    message: str


class RootChanged(ToolError):
    """``forbidden_path``: the allowed folder is not the one the user picked any more."""

    def __init__(self, path: str, why: str):
        super().__init__(
            ErrorType.FORBIDDEN_PATH, f"the folder {path} changed since it was picked ({why}); {REPICK}"
        )


def _i64(value: int) -> int:
    return value - (1 << 64) if value >= (1 << 63) else value


def open_dir_nofollow(real: str) -> int:
    """A descriptor of the folder at absolute ``real``, opened from ``/`` following no symlink."""
    fd = os.open("/", STEP_FLAGS)
    try:
        for name in real.split("/"):
            if not name:
                continue
            if name in (".", ".."):
                raise OSError(errno.ENOTDIR, "not a real path", real)
            step = os.open(name, STEP_FLAGS, dir_fd=fd)
            os.close(fd)
            fd = step
    except BaseException:
        os.close(fd)
        raise
    return fd


def open_root(path: str, pin: Pin | None) -> tuple[int, Pin]:
    """``(descriptor, pin)`` of the allowed folder ``path``; the caller closes the descriptor.

    With a pin, the folder must still open at its pinned real path with the
    same identity (``RootChanged`` otherwise). Without one, it is opened as it
    is now and the returned pin is the one to store. Other ``OSError`` s
    (e.g. permission denied) pass through.
    """
    real = pin.real if pin is not None else os.path.realpath(path)
    try:
        fd = open_dir_nofollow(real)
    except OSError as exc:
        if exc.errno == errno.ENOENT:
            raise RootChanged(path, "it is missing: moved, renamed or deleted") from None
        if exc.errno in (errno.ENOTDIR, errno.ELOOP):
            raise RootChanged(path, "a symlink or a file now stands in its place") from None
        raise
    try:
        st = os.fstat(fd)
        now = Pin(real, _i64(st.st_dev), _i64(st.st_ino))
        if pin is not None:
            if (now.dev, now.ino) != (pin.dev, pin.ino):
                raise RootChanged(path, "another folder now stands at that path")
            if path != real and os.path.realpath(path) != real:  # a root configured through a symlink
                raise RootChanged(path, "it now leads to another folder")
    except BaseException:
        os.close(fd)
        raise
    return fd, now


def pin_folder(path: str) -> Pin:
    """The pin of ``path`` as it is now (for saving an agent); ``OSError``/``RootChanged`` if it is no folder."""
    fd, pin = open_root(path, None)
    os.close(fd)
    return pin


def check_root(path: str, pin: Pin | None) -> str | None:
    """Why ``path`` no longer matches its pin, or ``None`` when it does (or cannot be judged)."""
    if not os.path.isabs(path):
        return None
    try:
        fd, _ = open_root(path, pin)
    except RootChanged as exc:
        return exc.message
    except OSError:
        return None  # unreadable is doctor's other check; not a pin mismatch
    os.close(fd)
    return None


# ── storage ──────────────────────────────────────────────────────────────────
_SELECT = "SELECT path, real_path, dev, ino FROM root_pins"
_UPSERT = (
    "INSERT INTO root_pins (path, real_path, dev, ino, pinned_at) VALUES (?, ?, ?, ?, ?) "
    "ON CONFLICT (path) DO UPDATE SET real_path = excluded.real_path, dev = excluded.dev, "
    "ino = excluded.ino, pinned_at = excluded.pinned_at"
)
# First use: a concurrent call (or a re-pick) that stored a pin first wins.
_FIRST = "INSERT OR IGNORE INTO root_pins (path, real_path, dev, ino, pinned_at) VALUES (?, ?, ?, ?, ?)"


def _from_rows(rows: Iterable[Mapping[str, Any]]) -> dict[str, Pin]:
    return {r["path"]: Pin(r["real_path"], r["dev"], r["ino"]) for r in rows}


def _params(pins: Mapping[str, Pin]) -> list[tuple[Any, ...]]:
    now = utcnow()
    return [(path, p.real, p.dev, p.ino, now) for path, p in pins.items()]


async def load_pins(store: Store) -> dict[str, Pin]:
    return _from_rows(await store.fetchall(_SELECT))


def load_pins_sync(db: SyncDb) -> dict[str, Pin]:
    return _from_rows(db.fetchall(_SELECT))


async def store_pins(target: Store | Tx, pins: Mapping[str, Pin], *, replace: bool) -> None:
    """Store pins: ``replace`` re-pins (the user picked the folders again); else first use only."""
    for params in _params(pins):
        await target.execute(_UPSERT if replace else _FIRST, params)


def store_first_pins_sync(db: SyncDb, pins: Mapping[str, Pin]) -> None:
    for params in _params(pins):
        db.execute(_FIRST, params)
