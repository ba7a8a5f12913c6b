"""stdin/stdout for the SDK's ``stdio_server`` as asyncio pipes (the door's loop).

The SDK wraps stdin and stdout with ``anyio.wrap_file``: every line read and
every write is a worker-thread hop, which caps a stdio server at a few
hundred messages a second. ``pipes()`` gives ``stdio_server`` the same
line-in / text-out objects on asyncio's pipe transports instead (the SDK still
parses and serialises every message). When stdin or stdout cannot be a pipe
transport (Windows, a regular file, a closed handle) it yields ``(None, None)``
and the SDK's own wrappers are used.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections.abc import AsyncIterator
from typing import Any


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
async def pipes() -> AsyncIterator[tuple[Any, Any]]:
    if sys.platform == "win32":
        yield None, None
        return
    loop = asyncio.get_running_loop()
    transports: list[asyncio.BaseTransport] = []
    try:
        reader = asyncio.StreamReader(limit=64 * 1024 * 1024, loop=loop)
        read_transport, _ = await loop.connect_read_pipe(
            lambda: asyncio.StreamReaderProtocol(reader, loop=loop), os.fdopen(os.dup(0), "rb", buffering=0))
        transports.append(read_transport)
        write_transport, protocol = await loop.connect_write_pipe(
            lambda: asyncio.streams.FlowControlMixin(loop=loop), os.fdopen(os.dup(1), "wb", buffering=0))
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
