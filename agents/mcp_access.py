"""What the MCP door may see and do, and what the journal says of it (Qt-free).

The door (``bridge.mcp_door``) serves the tool catalogue to local AI apps.
This module owns its settings and the agents-side queries the window and the
door share:

- ``MCP_AGENTS_KEY``: the agents whose folders MCP clients may read (a list of
  agent ids or names; missing or null = all agents);
- ``MCP_DIRECT_WRITES_KEY``: when true, creates from MCP apply at once instead
  of waiting in the review queue (default false);
- ``new_call_id(client)`` / ``client_of(call_id)``: MCP calls are journaled with
  source ``mcp`` under ids ``mcp:<client name>:<36 characters>``, so the journal row
  names the app that made it (no schema change);
- ``recent_clients(store)``: the apps that called lately, for Settings.

Coroutines run on the loop that owns the store; ``narrow_roots`` touches the
filesystem (realpath) and is cheap enough for a tool call's path.
"""

from __future__ import annotations

import functools
import itertools
import json
import os
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from agents.roots import load_pins_sync
from agents.store import Store, SyncDb
from agents.tools.sandbox import inside

MCP_AGENTS_KEY = "mcp.agents"
MCP_DIRECT_WRITES_KEY = "mcp.allow_direct_writes"
SOURCE = "mcp"
_PREFIX = f"{SOURCE}:"
_UNSAFE = re.compile(r"[:\x00-\x1f]+")


def client_label(name: str | None) -> str:
    """A client's name as it goes into a call id: no colons or control characters, ≤ 80 characters."""
    label = _UNSAFE.sub(" ", (name or "").strip()).strip()[:80]
    return label or "unknown client"


_PROCESS = uuid.uuid4().hex[:24]  # this process's part of its call ids (96 random bits)
_SERIAL = itertools.count(1)


@functools.lru_cache(maxsize=64)
def _label_part(client: str | None) -> str:
    return f"{_PREFIX}{client_label(client)}:{_PROCESS}-"


def new_call_id(client: str | None) -> str:
    """``mcp:<client>:<24 hex of this process>-<11 hex of a counter>``: unique without asking the OS
    for randomness per call, and 36 characters after the client like a uuid (``recent_clients``)."""
    return f"{_label_part(client)}{next(_SERIAL):011x}"


def client_of(call_id: str) -> str | None:
    """The client named in an MCP call id, or None for another id."""
    if not call_id.startswith(_PREFIX):
        return None
    name, sep, _ = call_id[len(_PREFIX):].rpartition(":")
    return name if sep else None


@dataclass(frozen=True, slots=True)
class DoorSettings:
    """What one MCP call may do, read in one trip: direct writes allowed; the folders of the
    agents MCP may see, as configured; the pins of every folder (``agents.roots``)."""

    direct: bool
    folders: tuple[str, ...]
    pins: Mapping[str, Any]


async def mcp_folders(store: Store) -> tuple[str, ...]:
    """The folders of the agents MCP may see (the setting; all agents by default), as configured."""
    return (await door_settings(store)).folders


def door_settings_sync(db: SyncDb) -> DoorSettings:
    settings = dict(db.conn.execute("SELECT key, value FROM settings WHERE key IN (?, ?)",
                                    (MCP_AGENTS_KEY, MCP_DIRECT_WRITES_KEY)).fetchall())
    rows = db.conn.execute("SELECT id, name, directory_paths FROM agents").fetchall()
    chosen = json.loads(settings[MCP_AGENTS_KEY]) if MCP_AGENTS_KEY in settings else None
    if chosen is not None:
        wanted = {str(c).casefold() for c in chosen}
        rows = [r for r in rows if r[0].casefold() in wanted or r[1].casefold() in wanted]
    direct = bool(json.loads(settings.get(MCP_DIRECT_WRITES_KEY, "false")))
    folders = tuple(dict.fromkeys(p for r in rows for p in json.loads(r[2])))
    return DoorSettings(direct, folders, load_pins_sync(db) if folders else {})


class DoorSettingsCache:
    """``door_settings_sync`` kept while the store's ``access_epoch`` stays put: the triggers of
    migration 0009 move it on any change to agents' names or folders, pins or ``mcp.*`` settings,
    so a call reads one row instead of all of them, and a change still applies to the next call."""

    def __init__(self) -> None:
        self._entry: tuple[int, DoorSettings] | None = None  # one tuple: swapped whole, never torn

    def read(self, db: SyncDb) -> DoorSettings:
        """In one read transaction (``Store.read_soon``): the epoch and what is read with it agree."""
        epoch = db.scalar("SELECT n FROM access_epoch WHERE id = 1")
        entry = self._entry
        if entry is not None and entry[0] == epoch:
            return entry[1]
        settings = door_settings_sync(db)
        self._entry = (epoch, settings)
        return settings


async def door_settings(store: Store, cache: DoorSettingsCache | None = None) -> DoorSettings:
    """``DoorSettings``, read for every call (a change made in the window applies to the next call),
    on the loop's read connection when it can (``Store.read_soon``): no wait for the database thread;
    with ``cache``, only the epoch row unless something changed."""
    return await store.read_soon(cache.read if cache is not None else door_settings_sync)


def narrow_roots(folders: Sequence[str], client_roots: Sequence[str] | None) -> tuple[str, ...]:
    """The folders an MCP call may read: the folders MCP may see (``DoorSettings.folders``), kept to
    the client's roots if it sent any.

    A client root inside a folder narrows it to that root; a folder inside a client root stays
    whole; the rest is dropped. Compared on real paths, so a client root that is a symlink cannot
    widen anything.
    """
    if client_roots is None:
        return tuple(folders)
    out: list[str] = []
    real_clients = [os.path.realpath(c) for c in client_roots if isinstance(c, str) and os.path.isabs(c)]
    for root in folders:
        real = os.path.realpath(root)
        for client in real_clients:
            if inside(client, real):
                out.append(client)
            elif inside(real, client):
                out.append(root)
    return tuple(dict.fromkeys(out))


async def recent_clients(store: Store, *, limit: int = 10) -> list[dict[str, Any]]:
    """The MCP apps that called lately, newest first: ``{client, last_seen, calls}``."""
    rows = await store.fetchall(
        "SELECT substr(call_id, 5, length(call_id) - 41) AS client, MAX(finished_at) AS last_seen, "
        "COUNT(*) AS calls FROM tool_calls WHERE source = ? AND call_id LIKE 'mcp:%' "
        "GROUP BY client ORDER BY last_seen DESC LIMIT ?",
        (SOURCE, limit),
    )
    return [dict(r) for r in rows]
