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
server class. Runs on the connection's asyncio loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

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
