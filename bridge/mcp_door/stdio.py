"""The stdio transport of the MCP door: stdin/stdout as asyncio pipes (the door's loop).

The SDK's ``stdio_server`` wraps stdin and stdout with ``anyio.wrap_file``:
every line read and every write is a worker-thread hop, and its message
streams hold nothing (each message waits for the other side to take it).
``transport()`` is the same transport on asyncio's pipe transports: lines
parsed into the SDK's ``JSONRPCMessage`` and messages serialised by the SDK's
models, as ``stdio_server`` does, through message streams that hold up to
``BUFFERED`` messages each way; the messages ready at once leave in one pipe
write. Bounded: a client that stops reading stops the
door's writer, then its handlers, then the reader; a request beyond
``MAX_OUTSTANDING`` unanswered ones is answered at once with a retryable
``busy`` error (the SDK would start a task for each, without limit); a line is
at most ``MAX_LINE`` bytes. When
stdin or stdout cannot be a pipe transport (Windows, a regular file, a closed
handle) it falls back to the SDK's ``stdio_server``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import time
from collections.abc import AsyncIterator
from typing import Any

import anyio
from mcp import types
from mcp.shared.message import SessionMessage

BUFFERED = 32
MAX_LINE = 64 * 1024 * 1024
MAX_OUTSTANDING = 64  # requests read and not yet answered
STALE_AFTER = 120.0  # s: an id the session never answered stops counting
BUSY_CODE = -32000  # JSON-RPC's implementation-defined server error range


class _LinesIn:
    def __init__(self, reader: asyncio.StreamReader):
        self._reader = reader

    def __aiter__(self) -> _LinesIn:
        return self

    async def __anext__(self) -> str:
        line = await self._reader.readline()
        if not line:
            raise StopAsyncIteration
        return line.decode("utf-8", errors="replace")


class _TextOut:
    def __init__(self, writer: asyncio.StreamWriter):
        self._writer = writer

    async def write(self, text: str) -> None:
        self._writer.write(text.encode("utf-8"))

    async def flush(self) -> None:
        await self._writer.drain()


@contextlib.asynccontextmanager
async def pipes(stdin_fd: int = 0, stdout_fd: int = 1) -> AsyncIterator[tuple[Any, Any]]:
    if sys.platform == "win32":
        yield None, None
        return
    loop = asyncio.get_running_loop()
    transports: list[asyncio.BaseTransport] = []
    try:
        reader = asyncio.StreamReader(limit=MAX_LINE, loop=loop)
        read_transport, _ = await loop.connect_read_pipe(
            lambda: asyncio.StreamReaderProtocol(reader, loop=loop), os.fdopen(os.dup(stdin_fd), "rb", buffering=0))
        transports.append(read_transport)
        write_transport, protocol = await loop.connect_write_pipe(
            lambda: asyncio.streams.FlowControlMixin(loop=loop), os.fdopen(os.dup(stdout_fd), "wb", buffering=0))
        transports.append(write_transport)
        writer = asyncio.StreamWriter(write_transport, protocol, None, loop)
    except (OSError, ValueError):
        for transport in transports:
            transport.close()
        yield None, None
        return
    try:
        yield _LinesIn(reader), _TextOut(writer)
    finally:
        for transport in transports:
            transport.close()


def _forget_stale(outstanding: dict[Any, float]) -> bool:
    """Drop ids open longer than ``STALE_AFTER`` (a request never answered); True if any went."""
    now = time.monotonic()
    stale = [key for key, began in outstanding.items() if now - began > STALE_AFTER]
    for key in stale:
        del outstanding[key]
    return bool(stale)


def _busy(request_id: Any, limit: int) -> SessionMessage:
    """A request over the limit, answered at once: retryable, like the bridge's ``busy``."""
    return SessionMessage(types.JSONRPCMessage(types.JSONRPCError(
        jsonrpc="2.0", id=request_id, error=types.ErrorData(
            code=BUSY_CODE, message=f"busy: {limit} requests are already waiting for an answer; retry",
            data={"type": "busy", "retryable": True}))))


@contextlib.asynccontextmanager
async def transport(stdin_fd: int = 0, stdout_fd: int = 1, *,
                    limit: int = MAX_OUTSTANDING) -> AsyncIterator[tuple[Any, Any]]:
    """``(read_stream, write_stream)`` for ``Server.run``, as ``mcp.server.stdio.stdio_server`` gives."""
    async with pipes(stdin_fd, stdout_fd) as (lines, out):
        if lines is None:
            from mcp.server.stdio import stdio_server

            async with stdio_server() as streams:
                yield streams
            return
        read_in, read_out = anyio.create_memory_object_stream[SessionMessage | Exception](BUFFERED)
        write_in, write_out = anyio.create_memory_object_stream[SessionMessage](BUFFERED)
        outstanding: dict[Any, float] = {}  # request id → when read, until answered

        async def reader() -> None:
            async with read_in:
                async for line in lines:
                    try:
                        message: SessionMessage | Exception = SessionMessage(
                            types.JSONRPCMessage.model_validate_json(line))
                    except Exception as exc:  # the session logs a line it cannot parse
                        message = exc
                    request = message.message.root if isinstance(message, SessionMessage) else None
                    if isinstance(request, types.JSONRPCRequest):
                        if len(outstanding) >= limit and not _forget_stale(outstanding):
                            await write_in.send(_busy(request.id, limit))
                            continue
                        outstanding[request.id] = time.monotonic()
                    await read_in.send(message)

        async def writer() -> None:
            async with write_out:
                async for item in write_out:
                    batch = [item]  # and whatever else is ready now: one pipe write for the lot
                    with contextlib.suppress(anyio.WouldBlock):
                        while len(batch) < BUFFERED:
                            batch.append(write_out.receive_nowait())
                    await out.write("".join(
                        m.message.model_dump_json(by_alias=True, exclude_none=True) + "\n" for m in batch))
                    await out.flush()
                    for m in batch:
                        if isinstance(m.message.root, types.JSONRPCResponse | types.JSONRPCError):
                            outstanding.pop(m.message.root.id, None)

        async with anyio.create_task_group() as tasks:
            tasks.start_soon(reader)
            tasks.start_soon(writer)
            try:
                yield read_out, write_in
            finally:
                tasks.cancel_scope.cancel()
