"""One open device connection's traffic: the hello, the reader, the sender, run requests.

``ConnectionIO`` is a mixin of ``bridge.client.DeviceClient``: given a
connected websocket it sends the session's ``device_hello`` first, then
reads frames (routing ``Submit``/``Cancel`` to the ``Dispatcher``) while one
sender task writes the outbox, each send bounded by ``send_timeout``. A
send that times out aborts the connection (the frames stay queued); while
the outbox is at its lower mark reading stops. It also sends the device's
``run_request`` / ``run_cancel``. All methods run on the asyncio loop that
runs ``DeviceClient.run()``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed

from agents.errors import ErrorType, ToolError
from bridge.dispatcher import Call
from bridge.endpoint import State
from bridge.session import Cancel, Submit

if TYPE_CHECKING:
    from bridge.dispatcher import Dispatcher
    from bridge.outbox import Outbox
    from bridge.runs import RemoteRun, RunBook
    from bridge.session import DeviceSession

log = logging.getLogger("bridge.client")  # the client's log name, as before the split


class ConnectionIO:
    """The per-connection half of ``DeviceClient``, which provides the attributes below and ``_set_state``."""

    session: DeviceSession
    outbox: Outbox
    runs: RunBook
    dispatcher: Dispatcher
    send_timeout: float
    connected_at: float | None
    _hello: Callable[[], Awaitable[dict[str, Any]]]
    _ws: ClientConnection | None
    _online: asyncio.Event
    _stalled: bool

    async def _session(self, ws: ClientConnection) -> None:
        hello = self.session.connect(await self._hello())
        if not await self._send_bounded(ws, hello):
            return
        self.session.sent(hello)
        self._ws = ws
        self._online.set()
        self.connected_at = time.monotonic()
        self._set_state(State.CONNECTED)
        sender = asyncio.ensure_future(self._sender(ws))
        closed = asyncio.ensure_future(ws.wait_closed())
        try:
            async for message in ws:
                try:
                    await self._on_message(message)
                except Exception:  # pragma: no cover - _on_message already guards; belt and braces
                    log.exception("bridge.frame.handler_failed")
                if self.outbox.paused:  # the backend is not reading our answers: stop reading its calls
                    room = asyncio.ensure_future(self.outbox.wait_room())
                    await asyncio.wait((room, closed), return_when=asyncio.FIRST_COMPLETED)
                    room.cancel()
        except ConnectionClosed:
            pass  # closed with an error code: the caller reads ws.close_code
        finally:
            sender.cancel()
            closed.cancel()

    async def _sender(self, ws: ClientConnection) -> None:
        """Write the outbox to ``ws`` in order, each burst of queued frames within ``send_timeout``.

        The frames queued when the sender runs go out together (``Outbox.burst``; on a
        ``bridge.coalesce`` connection, as one socket write; each is still its own message).
        One timer per run of bursts, not one per frame: it is pushed back (to
        ``send_timeout`` after the last burst that went out) once less than 90 % of it is
        left, so a stuck frame aborts the link after 0.9 to 1 × ``send_timeout``."""
        loop = asyncio.get_running_loop()
        outbox, session, limit = self.outbox, self.session, self.send_timeout
        send_texts = getattr(ws, "send_texts", None)
        while True:
            await outbox.wait_ready()
            try:
                async with asyncio.timeout(limit) as timer:
                    while texts := outbox.burst():
                        if send_texts is not None:
                            await send_texts(texts)
                        else:
                            texts = texts[:1]
                            await ws.send(texts[0])
                        for text in texts:
                            session.sent(text)
                        now = loop.time()
                        if timer.when() - now < 0.9 * limit:  # type: ignore[operator]
                            timer.reschedule(now + limit)
            except TimeoutError:
                self._send_timed_out(ws)
                return
            except ConnectionClosed:
                return

    async def _send_bounded(self, ws: ClientConnection, text: str) -> bool:
        """Send one frame; False when the link is gone. A send stuck past ``send_timeout`` aborts the link."""
        try:
            async with asyncio.timeout(self.send_timeout):
                await ws.send(text)
            return True
        except TimeoutError:
            self._send_timed_out(ws)
            return False
        except ConnectionClosed:
            return False

    def _send_timed_out(self, ws: ClientConnection) -> None:
        self._stalled = True
        log.warning("bridge.connection.send_timeout seconds=%g queued=%d: the backend is not reading; "
                    "dropping the connection", self.send_timeout, len(self.outbox))
        ws.transport.abort()

    # ── sending and receiving ─────────────────────────────────────────────
    async def _send_now(self, text: str) -> bool:
        ws = self._ws
        if ws is None:
            return False
        return await self._send_bounded(ws, text)

    async def _on_message(self, message: str | bytes) -> None:
        action = self.session.receive(message)
        if type(action) is Submit:
            call = action.call
            ctx = call.run_context
            self.dispatcher.submit(Call(
                id=call.id, name=call.name, args=call.args,
                run_id=ctx.run_id if ctx else None, agent_id=ctx.agent_id if ctx else None,
            ))
        elif type(action) is Cancel and self.dispatcher.cancel(action.call_id):
            self.session.stopped(action.call_id)  # stopped in time: no answer will come

    # ── runs the device asks for (the backend engine) ────────────────────
    async def request_run(self, agent: dict[str, Any], trigger: str) -> RemoteRun:
        """Send ``run_request``; returns once the request is on the wire.

        Await ``run.started`` (with a timeout) for ``run_started`` or a
        ``ToolError`` from ``run_rejected``; then ``run.completed``.
        """
        if self._ws is None:
            raise ToolError(ErrorType.BUSY, "the companion is not connected to the backend")
        run, text = self.session.run_request(agent, trigger)
        if not await self._send_now(text):
            self.runs.forget(run)
            raise ToolError(ErrorType.BUSY, "the connection dropped while asking for the run")
        return run

    async def cancel_run(self, run: RemoteRun) -> None:
        text = self.session.run_cancel(run)
        if text is not None:
            await self._send_now(text)
