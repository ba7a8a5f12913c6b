"""The MCP door: the companion's tool catalogue served to local AI apps (Qt-free).

``Door`` wraps the official MCP SDK's low-level ``Server`` (mcp 1.x) around
the workspace store and the catalogue. Every ``tools/call`` goes through
``Door.run_call`` — the one place that executes a tool, via the executor
``agents.calls.execute`` with source ``mcp`` and a call id naming the client
(``agents.mcp_access.new_call_id``) — so MCP calls get the bridge's
guarantees: exactly one journal row per call, the write and its row in one
transaction, the same sandbox. Around it the door adds:

- folders: the union of the agents' folders as the bridge computes it, kept
  to the agents MCP may see (``mcp.agents``) and to the client's roots when it
  sends any (a ``Grant`` given to the executor, read with the door's
  settings in one trip);
- creates land in the review queue as suggestions unless
  ``mcp.allow_direct_writes`` is on;
- a deadline (``timeout``), progress notifications while a call runs when the
  client sent a progress token, and ``notifications/cancelled`` (the SDK
  cancels the handler; the journal rolls an open write back).

Runs on one asyncio loop (the SDK's anyio on asyncio): ``serve_stdio`` for a
client that spawns ``adiuva-companion mcp``, ``bridge.mcp_door.http`` for
Streamable HTTP.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse
from urllib.request import url2pathname

from mcp import types
from mcp.server.lowlevel import NotificationOptions, Server
from mcp.server.models import InitializationOptions
from mcp.server.session import ServerSession

from agents import __version__, calls, journal, mcp_access
from agents.errors import ErrorType, ToolError
from agents.store import DB_FILENAME, Store
from agents.tools.base import Grant
from agents.tools.catalog import Catalog
from bridge.mcp_door import prompts, resources
from bridge.mcp_door.tools import as_result, as_suggestion, error_result, mcp_tools

log = logging.getLogger(__name__)

NAME = "adiuva-companion"
DEFAULT_DEADLINE = 25.0
PROGRESS_EVERY = 0.5
INSTRUCTIONS = (
    "Adiuva Companion: read files in the folders the user allowed and manage their projects, tasks, notes "
    "and timelines. New records wait in the user's review queue as suggestions."
)


class _Client:
    """What the door knows of one connected client (per SDK session)."""

    def __init__(self) -> None:
        self.roots: tuple[str, ...] | None = None
        self.roots_known = False
        self.fetching: asyncio.Future[tuple[str, ...] | None] | None = None  # the one roots/list in flight
        self.generation = 0  # bumped by roots/list_changed: a fetch begun before it is not kept


def _root_path(uri: str) -> str | None:
    parsed = urlparse(str(uri))
    if parsed.scheme != "file":
        return None
    return url2pathname(unquote(parsed.path))


class Door:
    """One MCP server over one store; serve it with ``serve_stdio`` or ``bridge.mcp_door.http``."""

    def __init__(self, store: Store, catalog: Catalog | None = None, *, deadline: float = DEFAULT_DEADLINE):
        self.store = store
        self.catalog = catalog or Catalog(store=store)
        self.deadline = deadline
        self._tools = mcp_tools(self.catalog)
        self._settings = mcp_access.DoorSettingsCache()  # what it may see, read again when it changed
        self._clients: weakref.WeakKeyDictionary[ServerSession, _Client] = weakref.WeakKeyDictionary()
        self.log_level: str = "info"
        self.server: Server[Any, Any] = Server(NAME, version=__version__, instructions=INSTRUCTIONS)
        self._register()

    # ── the one execution path ─────────────────────────────────────────────
    async def run_call(self, call_id: str, name: str, args: Mapping[str, Any] | None,
                       grant: Grant) -> journal.Outcome:
        """Every MCP tool call runs here, and only here (the executor, ``agents.calls``): a fresh
        call id (nothing to replay), the folders this client may read already looked up."""
        return await calls.execute(self.store, self.catalog, call_id=call_id, name=name, args=args,
                                   source=mcp_access.SOURCE, fresh=True, grant=grant)

    # ── handlers ───────────────────────────────────────────────────────────
    def _register(self) -> None:
        server = self.server

        @server.list_tools()
        async def _list_tools() -> list[types.Tool]:
            return self._tools

        @server.call_tool(validate_input=False)  # the catalogue validates: invalid_args, typed
        async def _call_tool(name: str, arguments: dict[str, Any]) -> types.CallToolResult:
            return await self.call_tool(name, arguments)

        @server.list_resources()
        async def _list_resources(request: types.ListResourcesRequest) -> types.ListResourcesResult:
            return await resources.list_page(self.store, request.params.cursor if request.params else None)

        @server.read_resource()
        async def _read_resource(uri: Any) -> list[Any]:
            from mcp.server.lowlevel.helper_types import ReadResourceContents

            return [ReadResourceContents(content=await resources.read(self.store, str(uri)),
                                         mime_type="application/json")]

        @server.list_prompts()
        async def _list_prompts() -> list[types.Prompt]:
            return prompts.PROMPTS

        @server.get_prompt()
        async def _get_prompt(name: str, arguments: dict[str, str] | None) -> types.GetPromptResult:
            return prompts.get(name, arguments)

        @server.set_logging_level()
        async def _set_level(level: types.LoggingLevel) -> None:
            self.log_level = level

        async def _roots_changed(_: Any) -> None:
            for client in list(self._clients.values()):
                client.roots_known = False
                client.generation += 1

        server.notification_handlers[types.RootsListChangedNotification] = _roots_changed

    async def call_tool(self, name: str, arguments: Mapping[str, Any] | None) -> types.CallToolResult:
        ctx = self.server.request_context
        session = ctx.session
        info = session.client_params.clientInfo if session.client_params else None
        client = info.name if info else None
        settings = await mcp_access.door_settings(self.store, self._settings)
        args = arguments if settings.direct else as_suggestion(name, arguments)
        client_roots = await self._client_roots(session)
        grant = Grant(mcp_access.narrow_roots(settings.folders, client_roots), settings.pins, inline_io=True,
                      columns=True)
        progress = None
        if ctx.meta is not None and ctx.meta.progressToken is not None:
            progress = asyncio.create_task(self._report_progress(session, ctx.meta.progressToken, ctx.request_id,
                                                                 name))
        try:
            async with asyncio.timeout(self.deadline):
                outcome = await self.run_call(mcp_access.new_call_id(client), name, args, grant)
        except TimeoutError:
            return error_result(ToolError(ErrorType.TIMEOUT, f"{name} did not finish within {self.deadline:g} s"))
        finally:
            if progress is not None:
                progress.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await progress
        if progress is not None:
            await session.send_progress_notification(ctx.meta.progressToken, 1.0, total=1.0,  # type: ignore[union-attr]
                                                     message=f"{name} finished", related_request_id=ctx.request_id)
        return as_result(outcome)

    async def _report_progress(self, session: ServerSession, token: Any, request_id: Any, name: str) -> None:
        """While a call runs: a progress notification every ``PROGRESS_EVERY`` s (no total is known)."""
        ticks = 0
        while True:
            await session.send_progress_notification(token, ticks * PROGRESS_EVERY, message=f"{name} running",
                                                     related_request_id=request_id)
            ticks += 1
            await asyncio.sleep(PROGRESS_EVERY)

    async def _client_roots(self, session: ServerSession) -> tuple[str, ...] | None:
        """The client's roots as paths, or None when it sends none (then nothing is narrowed).

        Calls that arrive while the roots are being asked for wait for that one answer: none
        runs unnarrowed meanwhile. A client that cannot answer gets nothing (asked again next call).
        """
        client = self._clients.setdefault(session, _Client())
        if client.roots_known:
            return client.roots
        if client.fetching is None:
            client.fetching = asyncio.ensure_future(self._fetch_roots(session, client))
        return await asyncio.shield(client.fetching)

    async def _fetch_roots(self, session: ServerSession, client: _Client) -> tuple[str, ...] | None:
        generation = client.generation
        try:
            if not session.check_client_capability(types.ClientCapabilities(roots=types.RootsCapability())):
                roots = None
            else:
                try:
                    listed = await asyncio.wait_for(session.list_roots(), 10.0)
                except Exception as exc:  # a client that cannot answer: narrow to nothing rather than widen
                    log.warning("mcp.roots.failed error=%s", exc)
                    return ()
                roots = tuple(p for p in (_root_path(str(r.uri)) for r in listed.roots) if p) or None
            if generation == client.generation:
                client.roots, client.roots_known = roots, True
            return roots
        finally:
            client.fetching = None

    def initialization_options(self) -> InitializationOptions:
        return self.server.create_initialization_options(NotificationOptions())


@contextlib.asynccontextmanager
async def open_door(data_dir: Path) -> AsyncIterator[Door]:
    """A door over the workspace in ``data_dir`` (migrated if needed); closes the store after."""
    store = await Store.open(data_dir / DB_FILENAME)
    try:
        yield Door(store)
    finally:
        await store.close()


async def serve_stdio(data_dir: Path) -> None:
    """Serve one client on stdin/stdout until it closes them."""
    from bridge.mcp_door.stdio import transport

    async with open_door(data_dir) as door, transport() as (read, write):
        await door.server.run(read, write, door.initialization_options())
