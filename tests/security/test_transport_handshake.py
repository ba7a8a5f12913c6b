"""The upgrade: redirects are never followed, and a server must select ``adiuva-device.v1``.

Real websockets servers on 127.0.0.1 port 0 and an in-process ``DeviceClient``
(the bare device of tests/bridge). A second server counts every TCP
connection it gets: a redirect's target must get none.
"""

from __future__ import annotations

import asyncio
from http import HTTPStatus
from pathlib import Path

import pytest
from websockets.asyncio.server import serve
from websockets.datastructures import Headers
from websockets.http11 import Response

from bridge import protocol
from bridge.client import Backoff, State
from tests.bridge.conftest import start_bare_device
from tests.conftest import until


class CountingServer:
    """A plain TCP listener that counts connections (and closes them)."""

    def __init__(self) -> None:
        self.connections = 0

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._on_connect, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]

    async def _on_connect(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        writer.close()

    async def stop(self) -> None:
        self.server.close()
        await self.server.wait_closed()


async def redirecting_server(location: str, status: int = 302):
    """A websockets server on port 0 answering every upgrade with ``status`` and ``Location: location``."""
    dials: list[str] = []

    def process_request(connection, request):
        dials.append(request.path)
        return Response(status, HTTPStatus(status).phrase, Headers({"Location": location, "Content-Length": "0"}))

    async def handler(ws):  # pragma: no cover - never reached
        await ws.close()

    server = await serve(handler, "127.0.0.1", 0, process_request=process_request,
                         subprotocols=[protocol.SUBPROTOCOL])
    return server, dials


@pytest.mark.parametrize("status", [301, 302, 307, 308])
@pytest.mark.timeout(30)
async def test_a_redirect_is_not_followed_and_stops_dialling(tmp_path: Path, status: int):
    """A 3xx to another port on 127.0.0.1: the target gets 0 connections; state misconfigured names the Location."""
    target = CountingServer()
    await target.start()
    location = f"ws://127.0.0.1:{target.port}/ws/device"
    server, dials = await redirecting_server(location, status)
    port = next(iter(server.sockets)).getsockname()[1]
    device = await start_bare_device(tmp_path, f"ws://127.0.0.1:{port}/ws/device",
                                     backoff=Backoff(base=0.01, cap=0.05))
    try:
        await until(lambda: device.client.state is State.MISCONFIGURED, 10, "the misconfigured state")
        await asyncio.sleep(0.5)  # a redial loop would dial many times in this half second
        assert target.connections == 0
        assert len(dials) == 1 and device.client.dials == 1
        assert device.client.state is State.MISCONFIGURED
        detail = device.client.last_error or ""
        assert location in detail and f"HTTP {status}" in detail and "not followed" in detail
        device.client.reconnect()  # the user fixed nothing but asked again: one more dial, still not followed
        await until(lambda: len(dials) == 2, 5, "the dial the user asked for")
        await until(lambda: device.client.state is State.MISCONFIGURED, 5, "misconfigured again")
        assert target.connections == 0
    finally:
        await device.close()
        server.close()
        await server.wait_closed()
        await target.stop()


@pytest.mark.timeout(30)
async def test_a_redirect_to_a_remote_plain_ws_host_is_not_dialled(tmp_path: Path):
    """A 302 to ws:// on a non-loopback host is reported, not dialled (one dial in all, no DNS-visible retry)."""
    server, dials = await redirecting_server("ws://attacker.example/ws/device")
    port = next(iter(server.sockets)).getsockname()[1]
    device = await start_bare_device(tmp_path, f"ws://127.0.0.1:{port}/ws/device",
                                     backoff=Backoff(base=0.01, cap=0.05))
    try:
        await until(lambda: device.client.state is State.MISCONFIGURED, 10, "the misconfigured state")
        await asyncio.sleep(0.3)
        assert len(dials) == 1
        assert "ws://attacker.example/ws/device" in (device.client.last_error or "")
    finally:
        await device.close()
        server.close()
        await server.wait_closed()


@pytest.mark.parametrize("chosen", [None, "other.v2"])
@pytest.mark.timeout(30)
async def test_a_server_without_the_adiuva_subprotocol_gets_no_hello(tmp_path: Path, chosen):
    """A server selecting no subprotocol (or another one) gets no frame and is reported as misconfigured."""
    received: list[str | bytes] = []
    connections = 0

    async def handler(ws):
        nonlocal connections
        connections += 1
        async for message in ws:
            received.append(message)

    server = await serve(handler, "127.0.0.1", 0, select_subprotocol=lambda _conn, _offered: chosen)
    port = next(iter(server.sockets)).getsockname()[1]
    device = await start_bare_device(tmp_path, f"ws://127.0.0.1:{port}/ws/device",
                                     backoff=Backoff(base=0.01, cap=0.05))
    try:
        await until(lambda: device.client.state is State.MISCONFIGURED, 10, "the misconfigured state")
        await asyncio.sleep(0.5)
        assert received == []
        assert connections <= 1 and device.client.dials == 1
        assert protocol.SUBPROTOCOL in (device.client.last_error or "")
    finally:
        await device.close()
        server.close()
        await server.wait_closed()
