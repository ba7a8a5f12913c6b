"""The local control socket: how a second ``adiuva-companion`` talks to the running one.

``agent run NAME`` asks the running companion (headless or GUI) to start a
run; a second GUI launch asks it to show its window. One JSON object per
line each way. On POSIX it is a Unix socket ``control.sock`` in the data dir
(mode 0600, so only this user can talk to it); on Windows a loopback TCP port
written to ``control.port`` with a random key that each request must carry.

Requests: ``{"cmd": "ping"}``, ``{"cmd": "run", "agent": NAME, "trigger": "manual"}``,
``{"cmd": "show"}``, ``{"cmd": "agent_save", "agent": {...}}``, ``{"cmd": "agent_remove", "agent": NAME}``.
Answers: ``{"ok": true, ...}`` or ``{"ok": false, "error": {...}}`` (a ``ConfigError`` carries
``details.field``).

This module knows nothing of the companion: the companion (``desktop.companion``) hands
``ControlServer`` one async handler per command, and the GUI sets the ``show`` handler with
``on_show`` (an explicit hook, not an attribute patched from outside). It runs on the companion's
loop; ``request`` runs on the caller's.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import secrets
import sys
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any

from agents.errors import AdiuvaError, ErrorType, ToolError

log = logging.getLogger(__name__)

SOCKET_NAME = "control.sock"
PORT_FILE = "control.port"
_WINDOWS = sys.platform == "win32"


Handler = Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]


class ControlServer:
    """Serves control requests on the companion's loop; ``handlers`` maps each command to its coroutine."""

    def __init__(self, data_dir: Path, handlers: Mapping[str, Handler]):
        self.data_dir = data_dir
        self._handlers = dict(handlers)
        self._show: Callable[[], None] | None = None
        self._server: asyncio.AbstractServer | None = None
        self._key = secrets.token_hex(16)

    def on_show(self, show: Callable[[], None] | None) -> None:
        """Set what ``{"cmd": "show"}`` does (the GUI brings its window forward); None: nothing to show."""
        self._show = show

    async def start(self) -> None:
        data_dir = self.data_dir
        if _WINDOWS:  # pragma: no cover - exercised on Windows only
            self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
            port = self._server.sockets[0].getsockname()[1]
            (data_dir / PORT_FILE).write_text(json.dumps({"port": port, "key": self._key}))
            return
        path = data_dir / SOCKET_NAME
        if path.exists():
            if await _alive(path):
                raise RuntimeError(f"another companion is already running on {data_dir}")
            path.unlink()
        old = os.umask(0o177)
        try:
            self._server = await asyncio.start_unix_server(self._serve, path=str(path))
        finally:
            os.umask(old)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await self._server.wait_closed()
            self._server = None
        for name in (SOCKET_NAME, PORT_FILE):
            with contextlib.suppress(FileNotFoundError):
                (self.data_dir / name).unlink()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            line = await asyncio.wait_for(reader.readline(), 10)
            try:
                request = json.loads(line)
                if not isinstance(request, dict):
                    raise ValueError("not an object")
                if _WINDOWS and request.get("key") != self._key:  # pragma: no cover
                    raise PermissionError("bad key")
                answer = await self._handle(request)
            except AdiuvaError as err:
                answer = {"ok": False, "error": _wire_error(request, err)}
            except (ValueError, PermissionError) as exc:
                answer = {"ok": False, "error": {"type": "invalid_frame", "message": str(exc)}}
            writer.write((json.dumps(answer) + "\n").encode())
            await writer.drain()
        except Exception:
            log.exception("control.request.failed")
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _handle(self, request: dict[str, Any]) -> dict[str, Any]:
        cmd = request.get("cmd")
        if cmd == "ping":
            return {"ok": True, "pid": os.getpid()}
        if cmd == "show":
            if self._show is not None:
                self._show()
            return {"ok": True, "shown": self._show is not None}
        handler = self._handlers.get(str(cmd))
        if handler is None:
            raise ToolError(ErrorType.INVALID_ARGS, f"unknown command {cmd!r}")
        return await handler(request)


def _wire_error(request: dict[str, Any], err: AdiuvaError) -> dict[str, Any]:
    """The ``error`` of an answer: an app error that names its wire type keeps it (``as_tool_error``),
    any other one is ``internal``."""
    from agents.tools.errors import as_tool_error  # pydantic: loaded only when a command fails

    if isinstance(err, ToolError) or err.error_type is not None:
        return as_tool_error(str(request.get("cmd")), err, call_id=None, run_id=None).to_dict()
    return {"type": "internal", "message": str(err)}


async def _alive(path: Path) -> bool:
    try:
        _reader, writer = await asyncio.wait_for(asyncio.open_unix_connection(str(path)), 2)
    except (OSError, TimeoutError):
        return False
    writer.close()
    return True


async def request(data_dir: Path, payload: dict[str, Any], timeout: float = 10.0) -> dict[str, Any] | None:
    """Send one request to the running companion; None when none is running."""
    try:
        if _WINDOWS:  # pragma: no cover
            info = json.loads((data_dir / PORT_FILE).read_text())
            reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", info["port"]), timeout)
            payload = {**payload, "key": info["key"]}
        else:
            reader, writer = await asyncio.wait_for(
                asyncio.open_unix_connection(str(data_dir / SOCKET_NAME)), timeout
            )
    except (OSError, TimeoutError, ValueError, KeyError):
        return None
    try:
        writer.write((json.dumps(payload) + "\n").encode())
        await writer.drain()
        line = await asyncio.wait_for(reader.readline(), timeout)
        return json.loads(line) if line else None
    finally:
        writer.close()
