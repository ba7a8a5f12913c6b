"""The door's stdio transport (``bridge.mcp_door.stdio.transport``) on real pipes, with a raw JSON-RPC peer."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os

from bridge.mcp_door import server as door_server
from bridge.mcp_door.stdio import BUSY_CODE, transport


async def test_a_flood_beyond_the_limit_is_answered_busy_and_the_rest_complete(workspace, monkeypatch):
    """With LIMIT calls unanswered, further requests get a retryable busy error at once (no task each);
    once the calls finish, every one is answered and the door serves again."""
    limit = 8
    release = asyncio.Event()
    real = door_server.Door.run_call

    async def slow(self, *args):
        await release.wait()
        return await real(self, *args)

    monkeypatch.setattr(door_server.Door, "run_call", slow)
    to_door_r, to_door_w = os.pipe()
    from_door_r, from_door_w = os.pipe()
    loop = asyncio.get_running_loop()
    replies: asyncio.Queue[dict] = asyncio.Queue()
    reader = asyncio.StreamReader(limit=1 << 24)
    transport_in, _ = await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader),
                                                   os.fdopen(from_door_r, "rb", buffering=0))

    async def pump() -> None:
        while line := await reader.readline():
            await replies.put(json.loads(line))

    def send(message: dict) -> None:
        os.write(to_door_w, (json.dumps(message) + "\n").encode())

    async def serve() -> None:
        async with door_server.open_door(workspace["data"]) as door, \
                transport(to_door_r, from_door_w, limit=limit) as (read, write):
            await door.server.run(read, write, door.initialization_options())

    served = asyncio.ensure_future(serve())
    pumping = asyncio.ensure_future(pump())
    try:
        send({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "raw", "version": "1"}}})
        assert (await asyncio.wait_for(replies.get(), 20))["id"] == 0
        send({"jsonrpc": "2.0", "method": "notifications/initialized"})
        path = str(workspace["files"] / "a.txt")
        for i in range(1, limit + 4):
            send({"jsonrpc": "2.0", "id": i, "method": "tools/call",
                  "params": {"name": "read_file_content", "arguments": {"path": path}}})
        busy = [await asyncio.wait_for(replies.get(), 20) for _ in range(3)]
        assert sorted(b["id"] for b in busy) == [limit + 1, limit + 2, limit + 3]
        assert all(b["error"]["code"] == BUSY_CODE and b["error"]["data"]["type"] == "busy" for b in busy)
        release.set()
        done = [await asyncio.wait_for(replies.get(), 20) for _ in range(limit)]
        assert sorted(d["id"] for d in done) == list(range(1, limit + 1))
        assert all(d["result"]["structuredContent"]["content"] == "hello from a\n" for d in done)
        send({"jsonrpc": "2.0", "id": 99, "method": "ping"})
        assert (await asyncio.wait_for(replies.get(), 20)) == {"jsonrpc": "2.0", "id": 99, "result": {}}
    finally:
        os.close(to_door_w)
        with contextlib.suppress(TimeoutError, asyncio.CancelledError):
            await asyncio.wait_for(served, 10)
        pumping.cancel()
        transport_in.close()
        for fd in (to_door_r, from_door_w):
            with contextlib.suppress(OSError):
                os.close(fd)
