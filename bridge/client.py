"""DeviceClient: the shell around the device session: dial, backoff, keepalive, sender, netwatch.

What is said on a connection (hello first, the outbox, routing, every frame
built) belongs to ``bridge.session.DeviceSession``, which does no I/O; this
module moves its frames over a websocket. The connect loop dials one attempt
at a time (``websockets.asyncio.client.connect``) and ``bridge.dial.classify_failure``
sorts failures into fatal and transient:

- HTTP 401/403 on the upgrade, or a token that cannot go in a header → fatal:
  state ``unauthorized``, dialling stops until ``reconnect()`` (after the user
  signs in again);
- a 3xx on the upgrade (never followed: the hello, the roots and the token
  stay here) or a server that does not select ``adiuva-device.v1`` → fatal:
  state ``misconfigured``, the detail names where the redirect points;
- a close with a 4xxx code → the backend does not want this device now
  (e.g. replaced by a newer connection): state ``closed_by_server``, no redial
  until ``reconnect()``;
- anything else (refused, reset, 5xx, timeouts, closes) → transient: redial
  after a full-jitter delay, ``uniform(0, min(60, 1 * 2**n))`` seconds; ``n``
  goes back to 0 once a connection has stayed up for 30 s.

(websockets' own ``async for ws in connect(...)`` resets its backoff as soon
as a handshake succeeds and redials at once after a connection that opened
and closed, which would let a flapping server cause a dial storm; hence our
own loop.)

On every connect the session's ``device_hello`` is the first frame, then
results finished while disconnected (the outbox) are sent again. The
session's ``Submit``/``Cancel`` actions go to the ``Dispatcher``, whose answers
go back to the session (``DeviceSession.deliver``); nothing that arrives can
end the loop.

Backpressure (``bridge.outbox``, owned by the session): results are queued
encoded and one sender task per connection writes them, each send bounded by ``send_timeout``
(20 s; one timer per burst of frames, pushed back as they go out); a send that
times out aborts the connection (the unsent frames stay queued for after the
next hello). While the queue is at its lower mark the
connection stops reading, so a backend that never reads meets TCP flow
control instead of growing the device.

``NetWatch`` (sleep/wake, routing changes) makes the loop drop a connection
that is probably dead and redial at once with the backoff reset. The proxy
is websockets' choice from the environment (``HTTPS_PROXY``, ``NO_PROXY``);
a loopback backend is always dialled directly.

What happens on one open connection (the hello, the reader, the sender,
routing frames to the dispatcher, run requests) is ``bridge.link.ConnectionIO``,
a mixin of ``DeviceClient``.

All methods run on the asyncio loop that runs ``run()``; ``stop()`` drains
in-flight calls for a moment, then closes.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import SecretStr
from websockets.asyncio.client import ClientConnection

from agents.events import ConnectionDidChange, EventHub
from bridge import credentials, protocol, redact
from bridge.coalesce import CoalescingClient
from bridge.dial import Backoff, Fatal, NoRedirects, Transient, classify_failure, close_reason
from bridge.dispatcher import Dispatcher
from bridge.endpoint import NO_URL, State, proxy_for, validate_backend_url
from bridge.link import ConnectionIO
from bridge.netwatch import NetWatch
from bridge.outbox import Outbox
from bridge.session import DeviceSession

__all__ = ["Backoff", "DeviceClient", "Fatal", "State", "Transient", "classify_failure"]

log = logging.getLogger(__name__)

RUN_REQUEST_TIMEOUT = 30.0
SEND_TIMEOUT = 20.0
OUTBOX_LIMIT = 10_000
MAX_QUEUE = 128  # received frames the websocket buffers before it stops reading
FATAL_STATES = (State.UNAUTHORIZED, State.MISCONFIGURED, State.CLOSED_BY_SERVER, State.DISABLED)


class DeviceClient(ConnectionIO):
    """Dial the backend, say hello, serve tool calls, ask for runs."""

    def __init__(
        self,
        *,
        url: str | None,
        token: Callable[[], SecretStr | None],
        dispatcher_factory: Callable[[Callable[[Any], Awaitable[None]]], Dispatcher],
        hello: Callable[[], Awaitable[dict[str, Any]]],
        events: EventHub | None = None,
        ping_interval: float = 20.0,
        ping_timeout: float = 20.0,
        stable_after: float = 30.0,
        backoff: Backoff | None = None,
        open_timeout: float = 10.0,
        send_timeout: float = SEND_TIMEOUT,
        outbox: Outbox | None = None,
        netwatch: NetWatch | bool = True,
    ):
        self.url = validate_backend_url(url) if url else None
        self._token = token
        self._hello = hello
        self.events = events
        self.ping_interval = ping_interval
        self.ping_timeout = ping_timeout
        self.stable_after = stable_after
        self.backoff = backoff or Backoff()
        self.open_timeout = open_timeout
        self.send_timeout = send_timeout
        self.session = DeviceSession(outbox=outbox or Outbox(max_frames=OUTBOX_LIMIT))
        self.outbox = self.session.outbox
        self.runs = self.session.runs
        self.dispatcher = dispatcher_factory(self.session.deliver)
        self.state = State.OFFLINE
        self.last_error: str | None = None
        self.dials = 0
        self.connected_at: float | None = None
        self._ws: ClientConnection | None = None
        self._online = asyncio.Event()
        self._stalled = False
        if netwatch is True:
            netwatch = NetWatch()
        if netwatch:
            netwatch.on_change = self.network_changed
        self.netwatch = netwatch or None
        self._stopping = asyncio.Event()
        self._redial = asyncio.Event()
        self._tasks: set[asyncio.Task[Any]] = set()

    # ── state ──────────────────────────────────────────────────────────────
    def _set_state(self, state: State, detail: str | None = None) -> None:
        detail = redact.redact(detail) if detail else detail
        if state is self.state and detail == self.last_error:
            return
        self.state = state
        if detail is not None or state is State.CONNECTED:
            self.last_error = detail
        log.info("bridge.connection.%s detail=%s", state.value, detail or "")
        if self.events is not None:
            self.events.emit(ConnectionDidChange(state=state.value, detail=detail))

    @property
    def connected(self) -> bool:
        return self._ws is not None

    # ── the connect loop ──────────────────────────────────────────────────
    async def run(self) -> None:
        """Dial until ``stop()``. Never raises for network or protocol trouble."""
        self.dispatcher.start()
        watcher = asyncio.ensure_future(self.netwatch.run()) if self.netwatch is not None else None
        try:
            while not self._stopping.is_set():
                if not self.url:
                    self._set_state(State.DISABLED, NO_URL)
                    await self._wait_for_redial(None)
                    continue
                token = self._safe_token()
                if token is None:
                    self._set_state(State.DISABLED, self.last_error or "not signed in: no device token")
                    await self._wait_for_redial(None)
                    continue
                fatal = await self._attempt(token)
                if self._stopping.is_set():
                    break
                if fatal:
                    await self._wait_for_redial(None)
                    continue
                delay = self.backoff.next_delay()
                log.info("bridge.connection.retry_in seconds=%.2f attempt=%d", delay, self.backoff.attempt)
                await self._wait_for_redial(delay)
        finally:
            if watcher is not None:
                watcher.cancel()
            self._set_state(State.STOPPED)

    def _safe_token(self) -> SecretStr | None:
        try:
            return self._token()
        except Exception as exc:
            self.last_error = str(exc)
            return None

    async def _wait_for_redial(self, delay: float | None) -> None:
        self._redial.clear()
        waiters = [asyncio.ensure_future(self._stopping.wait()), asyncio.ensure_future(self._redial.wait())]
        try:
            await asyncio.wait(waiters, timeout=delay, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for w in waiters:
                w.cancel()

    def reconnect(self, *, url: str | None = None) -> None:
        """Dial again now (after sign-in or a URL change); resets the backoff."""
        if url is not None:
            self.url = validate_backend_url(url) if url else None
        self.backoff.reset()
        self._redial.set()
        if self._ws is not None:
            self._spawn(self._ws.close(1000, "reconnecting"))

    def network_changed(self, reason: str) -> None:
        """The machine woke or the network changed: drop the (likely dead) link and redial now.

        Nothing happens in a state that waits for the user (rejected token,
        misconfiguration, a 4xxx close, no URL)."""
        if self._stopping.is_set() or self.state in FATAL_STATES:
            return
        log.info("bridge.connection.network_changed reason=%s state=%s", reason, self.state.value)
        self.backoff.reset()
        self._redial.set()
        ws = self._ws
        if ws is not None:
            ws.transport.abort()  # a close handshake would wait on a peer that is probably gone

    async def _attempt(self, token: SecretStr) -> bool:
        """One dial and, if it opens, one session. True when the failure is fatal."""
        assert self.url is not None
        self.dials += 1
        self._set_state(State.CONNECTING, self.last_error)
        try:
            value = credentials.check_token(token.get_secret_value())
        except credentials.BadToken as exc:
            self._set_state(State.UNAUTHORIZED, f"the device token cannot be used: {exc}; sign in again")
            return True
        headers = {"Authorization": f"Bearer {value}"}
        self._stalled = False
        try:
            async with NoRedirects(
                self.url,
                additional_headers=headers,
                subprotocols=[protocol.SUBPROTOCOL],
                create_connection=CoalescingClient,  # a burst of answers leaves in one socket write
                ping_interval=self.ping_interval,
                ping_timeout=self.ping_timeout,
                max_size=16 * 1024 * 1024,
                # incoming frames buffered before TCP pushes back: above a backend's usual calls in flight
                # (64), so a burst of calls does not pause and resume reading (two epoll changes) each time
                max_queue=MAX_QUEUE,
                write_limit=64 * 1024,    # outgoing bytes buffered before a send waits
                proxy=proxy_for(self.url),
                open_timeout=self.open_timeout,
                close_timeout=2,
                user_agent_header=f"adiuva-companion/{_version()}",
            ) as ws:
                if ws.subprotocol != protocol.SUBPROTOCOL:
                    await ws.close(1002, "subprotocol required")
                    return self._settle(Fatal(State.MISCONFIGURED, (
                        f"the server at {self.url} did not select the {protocol.SUBPROTOCOL} subprotocol"
                        f" (it chose {ws.subprotocol or 'none'}): it is not an Adiuva device endpoint;"
                        " check the backend URL")))
                opened = time.monotonic()
                try:
                    await self._session(ws)
                finally:
                    self.session.disconnect()
                    self._ws = None
                    self._online.clear()
                    self.connected_at = None
                    if time.monotonic() - opened >= self.stable_after:
                        self.backoff.reset()
                reason = close_reason(ws)
                if ws.close_code is not None and 4000 <= ws.close_code <= 4999:
                    # PROTOCOL.md: only closes *without* a 4xxx code are redialled.
                    return self._settle(Fatal(State.CLOSED_BY_SERVER, (
                        f"the backend ended the connection ({reason}); not reconnecting until asked")))
                if self._stalled:
                    reason = f"the backend stopped reading (a send waited {self.send_timeout:g} s)"
                return self._settle(Transient(f"disconnected: {reason}"))
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # never let the loop die
            verdict = classify_failure(exc)
            if isinstance(verdict, Transient) and verdict.unexpected:
                log.exception("bridge.connection.unexpected_error")
            return self._settle(verdict)
        return False

    def _settle(self, verdict: Fatal | Transient) -> bool:
        """Apply a verdict to the state; True when dialling should wait for the user."""
        if isinstance(verdict, Fatal):
            self._set_state(verdict.state, verdict.detail)
            return True
        self._set_state(State.OFFLINE, verdict.detail)
        return False

    async def wait_connected(self, timeout: float) -> bool:
        """Wait until the device is connected and has said hello; False after ``timeout``."""
        try:
            await asyncio.wait_for(self._online.wait(), timeout)
            return True
        except TimeoutError:
            return False

    # ── shutdown ──────────────────────────────────────────────────────────
    async def stop(self, drain_timeout: float = 5.0) -> None:
        """Let in-flight calls finish (up to ``drain_timeout``), then close."""
        loop = asyncio.get_running_loop()
        end = loop.time() + drain_timeout
        await self.dispatcher.drain(drain_timeout)
        if self._ws is not None:
            await self.outbox.wait_empty(max(0.0, end - loop.time()))
        self._stopping.set()
        ws = self._ws
        if ws is not None:
            await ws.close(1001, "device shutting down")
        await self.dispatcher.stop()
        for task in list(self._tasks):
            task.cancel()

    def _spawn(self, coro: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


def _version() -> str:
    from agents import __version__

    return __version__
