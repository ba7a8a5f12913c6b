"""Websocket connections that write the frames of a burst to the socket in one go.

websockets sends one message per ``send`` and writes each frame to the
transport on its own: a burst of 60 answers ready in one loop turn costs 60
``send`` syscalls, a quarter of the device loop's time per call under load.
``Coalescing`` (a mixin of websockets' asyncio ``Connection``) adds
``send_texts(texts)``: every text is still its own text message (its own
frame, built and bounded by websockets' sans-I/O ``Protocol``), but the
frames go to the transport as one write, under one ``send_context`` (the
same open-state checks, error handling and flow control as ``send``).

``CoalescingClient`` is the client class ``bridge.client`` dials with
(``create_connection=``); ``CoalescingServer`` the reference gateway's
server class, whose frames are queued in a ``Burst``: what the gateway's
calls send in one loop turn goes out as one write just after it. Runs on the
connection's asyncio loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from websockets.asyncio.client import ClientConnection
from websockets.asyncio.server import ServerConnection


class Coalescing:
    """``send_data`` joins consecutive frames into one transport write; ``send_texts`` sends a burst."""

    def send_data(self) -> None:
        transport = self.transport  # type: ignore[attr-defined]
        run: list[bytes] = []
        for data in self.protocol.data_to_send():  # type: ignore[attr-defined]
            if data:
                run.append(data)
                continue
            if run:
                transport.write(b"".join(run))
                run = []
            # SEND_EOF: half-close when possible, as websockets' own send_data does
            if transport.can_write_eof():
                try:
                    transport.write_eof()
                except Exception:  # pragma: no cover - as upstream: write_eof may raise anything
                    pass
            else:  # pragma: no cover
                transport.close()
        if run:
            transport.write(run[0] if len(run) == 1 else b"".join(run))

    async def send_texts(self, texts: Sequence[str]) -> None:
        """Send each of ``texts`` as its own text message; the frames leave in one write.

        Raises ``ConnectionClosed`` as ``send`` does; returns once the write buffer has drained
        below its high-water mark."""
        while self.send_in_progress is not None:  # type: ignore[attr-defined]  # a fragmented send()
            await asyncio.shield(self.send_in_progress)  # type: ignore[attr-defined]
        async with self.send_context():  # type: ignore[attr-defined]
            send_text = self.protocol.send_text  # type: ignore[attr-defined]
            for text in texts:
                send_text(text.encode())


class CoalescingClient(Coalescing, ClientConnection):
    """The device's websocket (``bridge.client``)."""


class CoalescingServer(Coalescing, ServerConnection):
    """The reference gateway's websocket to one device (``bridge.gateway``)."""


class Burst:
    """Texts queued during one loop turn, written together on ``ws`` just after it (one task per burst,
    started by the turn's first ``put``: its first step runs after the turn's other puts).

    ``put`` never waits: it returns the burst's future (done once written, or failed with what the
    write raised); a ``waiter`` given with the text (a call's pending answer) is failed too when the
    write fails, so whoever waits on it learns the connection is gone. Bursts are written in order.
    """

    def __init__(self, ws: Coalescing | ClientConnection | ServerConnection):
        self.ws = ws
        self._texts: list[str] = []
        self._waiters: list[asyncio.Future[Any]] = []
        self._written: asyncio.Future[None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    def put(self, text: str, waiter: asyncio.Future[Any] | None = None) -> asyncio.Future[None]:
        written = self._written
        if written is None:  # the burst's writer starts after this turn's other puts
            loop = asyncio.get_running_loop()
            self._written = written = loop.create_future()
            task = loop.create_task(self._write())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        self._texts.append(text)
        if waiter is not None:
            self._waiters.append(waiter)
        return written

    async def _write(self) -> None:
        texts, waiters, written = self._texts, self._waiters, self._written
        self._texts, self._waiters, self._written = [], [], None
        assert written is not None
        try:
            send_texts = getattr(self.ws, "send_texts", None)
            if send_texts is not None:
                await send_texts(texts)
            else:
                for text in texts:
                    await self.ws.send(text)  # type: ignore[union-attr]
        except asyncio.CancelledError:
            for future in (*waiters, written):
                future.cancel()
            raise
        except Exception as exc:  # ConnectionClosed, mostly
            for waiter in waiters:
                if not waiter.done():
                    waiter.set_exception(exc)
            if not written.done():
                written.set_exception(exc)
                written.exception()  # retrieved: nobody need await a burst
        else:
            if not written.done():
                written.set_result(None)
