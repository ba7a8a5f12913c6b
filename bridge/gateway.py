"""The reference backend side of the bridge: what a server needs to talk to devices.

Modelled on the backend's device manager: the token is checked on the
upgrade (HTTP 401 otherwise), devices are kept per user, ``call()`` sends a
``tool_call`` and waits on a pending future (30 s, then ``tool_cancel``),
``run_request`` frames go to a run handler that answers ``run_started`` /
``run_rejected`` and ends with ``run_complete``.

Pending calls belong to the user, not to one socket: a result the device
re-sends after reconnecting still resolves the call that is waiting for it,
and a result nobody waits for is ignored.

``adiuva-companion gateway`` runs one for local development with the
scripted two-phase run handler of ``bridge.scripted``.

permessage-deflate is declined unless ``compression="deflate"`` is passed (small
JSON frames: deflate costs more CPU than it saves). Frames are read with
``bridge.protocol.parse`` (the msgspec fast path) and
written from the protocol models or, for the hot ``tool_call``, a plain dict
through the codec; what one loop turn sends leaves in one socket write
(``bridge.coalesce.Burst``), and one timer serves every waiting call's timeout.
Nothing grows per call or per connection without bound: pending calls leave
on their answer or timeout, runs on their end, and the figures kept for tests
and tools (``hellos``, ``received``) are ``History`` lists holding only the
latest frames.

Runs on one asyncio loop.
"""

from __future__ import annotations

import asyncio
import hmac
import itertools
import logging
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from agents.errors import ErrorType, ToolError
from bridge import protocol
from bridge.coalesce import Burst, CoalescingServer

log = logging.getLogger(__name__)

CALL_TIMEOUT = 30.0
DEVICE_PATH = "/ws/device"
HISTORY = 10_000


class History(list):
    """A list that keeps only its latest ``limit`` items (trimmed in chunks: appends stay O(1))."""

    def __init__(self, limit: int = HISTORY):
        super().__init__()
        self.limit = max(1, limit)

    def append(self, item: Any) -> None:
        super().append(item)
        if len(self) >= 2 * self.limit:
            del self[: len(self) - self.limit]


class DeviceCallError(ToolError):
    """The device answered a call with an error (its type is PROTOCOL.md's)."""


@dataclass
class RunOutcome:
    status: str = "success"
    summary: str = ""
    errors: list[str] = field(default_factory=list)
    items_processed: int = 0


RunHandler = Callable[["DeviceGateway", str, protocol.RunRequest, dict[str, Any]], Awaitable[RunOutcome]]


@dataclass
class DeviceConnection:
    user_id: str
    ws: ServerConnection
    hello: protocol.DeviceHello | None = None
    hello_event: asyncio.Event = field(default_factory=asyncio.Event)
    burst: Burst = field(init=False, repr=False)  # what is sent in one loop turn leaves in one write

    def __post_init__(self) -> None:
        self.burst = Burst(self.ws)

    @property
    def device_id(self) -> str | None:
        return self.hello.device_id if self.hello else None


class DeviceGateway:
    """Serve devices on a websocket; call their tools. Runs on one asyncio loop."""

    def __init__(
        self,
        *,
        tokens: Mapping[str, str],
        call_timeout: float = CALL_TIMEOUT,
        run_handler: RunHandler | None = None,
        send_hello_ack: bool = True,
        history: int = HISTORY,
        compression: str | None = None,
    ):
        self._tokens = dict(tokens)  # token -> user id
        # permessage-deflate is declined by default: frames are a few hundred bytes of JSON, and
        # deflating each one costs both ends more CPU than the bytes save on any link a device uses;
        # pass "deflate" to accept it (the device offers it).
        self.compression = compression
        self.call_timeout = call_timeout
        self.run_handler = run_handler
        self.send_hello_ack = send_hello_ack
        self._server: Server | None = None
        self._conns: dict[str, DeviceConnection] = {}
        self._pending: dict[tuple[str, str], asyncio.Future[protocol.ToolResult]] = {}
        self._deadlines: dict[tuple[str, str], float] = {}  # call() waiters; one timer for all
        self._sweep: asyncio.Handle | None = None
        self._sweep_at = 0.0
        self._runs: dict[str, asyncio.Task[None]] = {}  # run_id -> task
        self._run_agents: dict[str, str] = {}  # agent_id -> run_id
        self._tasks: set[asyncio.Task[Any]] = set()
        self._id_prefix = uuid.uuid4().hex  # call ids: unique per gateway, then a counter (no uuid per call)
        self._ids = itertools.count(1)
        self.host = "127.0.0.1"
        self.port = 0
        # figures for tests and tools
        self.dials = 0
        self.rejected_dials = 0
        self.hellos: History = History(history)
        self.received: History = History(history)
        self.online_changed = asyncio.Condition()

    # ── lifecycle ──────────────────────────────────────────────────────────
    async def start(self, host: str = "127.0.0.1", port: int = 0, *, ssl: Any = None) -> None:
        """Listen on ``host:port`` (0: any free port); ``ssl`` (an ``SSLContext``) serves ``wss://``."""
        self._server = await serve(
            self._handler,
            host,
            port,
            subprotocols=[protocol.SUBPROTOCOL],
            process_request=self._check_token,
            create_connection=CoalescingServer,
            max_size=16 * 1024 * 1024,
            ping_interval=20,
            ping_timeout=20,
            ssl=ssl,
            compression=self.compression,
        )
        sock = next(iter(self._server.sockets))
        self.host, self.port = sock.getsockname()[:2]

    @property
    def url(self) -> str:
        return f"ws://{self.host}:{self.port}{DEVICE_PATH}"

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        for fut in self._pending.values():
            if not fut.done():
                fut.cancel()
        self._pending.clear()
        self._deadlines.clear()
        if self._sweep is not None:
            self._sweep.cancel()
            self._sweep = None
        self._conns.clear()

    async def __aenter__(self) -> DeviceGateway:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def _spawn(self, coro: Awaitable[Any]) -> asyncio.Task[Any]:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    # ── upgrade ────────────────────────────────────────────────────────────
    def _check_token(self, connection: ServerConnection, request: Request) -> Response | None:
        self.dials += 1
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        user = None
        if scheme.lower() == "bearer" and token:
            for known, user_id in self._tokens.items():
                if hmac.compare_digest(known.encode(), token.encode()):
                    user = user_id
        if user is None:
            self.rejected_dials += 1
            log.info("gateway.upgrade.rejected reason=token")
            return connection.respond(HTTPStatus.UNAUTHORIZED, "invalid or missing device token\n")
        if request.path.split("?")[0] != DEVICE_PATH:
            return connection.respond(HTTPStatus.NOT_FOUND, "not found\n")
        connection.adiuva_user = user  # type: ignore[attr-defined]
        return None

    # ── connection ─────────────────────────────────────────────────────────
    async def _handler(self, ws: ServerConnection) -> None:
        user_id: str = ws.adiuva_user  # type: ignore[attr-defined]
        conn = DeviceConnection(user_id=user_id, ws=ws)
        previous = self._conns.get(user_id)
        self._conns[user_id] = conn
        if previous is not None and previous.ws is not ws:
            self._spawn(previous.ws.close(4000, "replaced by a newer connection"))
        try:
            async for message in ws:
                await self._on_message(conn, message)
        except ConnectionClosed:
            pass
        finally:
            if self._conns.get(user_id) is conn:
                del self._conns[user_id]
            async with self.online_changed:
                self.online_changed.notify_all()

    async def _on_message(self, conn: DeviceConnection, message: str | bytes) -> None:
        try:
            frame = protocol.parse(message)
        except protocol.ProtocolError as exc:
            log.warning("gateway.frame.invalid user=%s error=%s", conn.user_id, exc.message)
            return
        self.received.append(frame)
        if isinstance(frame, protocol.DeviceHello):
            conn.hello = frame
            self.hellos.append(frame)
            conn.hello_event.set()
            if self.send_hello_ack:
                await self._send(conn, protocol.HelloAck(server_time=_now()))
            async with self.online_changed:
                self.online_changed.notify_all()
        elif isinstance(frame, protocol.ToolResult):
            fut = self._pending.pop((conn.user_id, frame.id), None)
            if fut is not None and not fut.done():
                fut.set_result(frame)
        elif isinstance(frame, protocol.RunRequest):
            await self._on_run_request(conn, frame)
        elif isinstance(frame, protocol.RunCancel):
            task = self._runs.get(frame.run_id)
            if task is not None:
                task.cancel()
        else:
            log.info("gateway.frame.ignored type=%s", getattr(frame, "type", "?"))

    async def _send(self, conn: DeviceConnection, frame: Any) -> None:
        text = frame if isinstance(frame, str) else protocol.encode(frame)
        await asyncio.shield(conn.burst.put(text))  # in order with the calls' frames; returns once written

    # ── what a backend uses ───────────────────────────────────────────────
    def is_online(self, user_id: str = "local", device_id: str | None = None) -> bool:
        conn = self._conns.get(user_id)
        if conn is None or conn.hello is None:
            return False
        return device_id is None or conn.device_id == device_id

    async def wait_online(self, user_id: str = "local", timeout: float = 10.0) -> DeviceConnection:
        async with asyncio.timeout(timeout):
            async with self.online_changed:
                await self.online_changed.wait_for(lambda: self.is_online(user_id))
        return self._conns[user_id]

    async def wait_offline(self, user_id: str = "local", timeout: float = 10.0) -> None:
        async with asyncio.timeout(timeout):
            async with self.online_changed:
                await self.online_changed.wait_for(lambda: user_id not in self._conns)

    def connection(self, user_id: str = "local") -> DeviceConnection | None:
        return self._conns.get(user_id)

    def create_pending_call(self, user_id: str, call_id: str) -> asyncio.Future[protocol.ToolResult]:
        fut: asyncio.Future[protocol.ToolResult] = asyncio.get_running_loop().create_future()
        self._pending[(user_id, call_id)] = fut
        return fut

    async def send_frame(self, user_id: str, frame: Any) -> None:
        conn = self._conns.get(user_id)
        if conn is None:
            raise ConnectionError(f"no device connected for user {user_id}")
        await self._send(conn, frame)

    async def call(
        self,
        name: str,
        args: dict[str, Any] | None = None,
        *,
        run_context: dict[str, Any] | None = None,
        user_id: str = "local",
        call_id: str | None = None,
        timeout: float | None = None,
    ) -> dict[str, Any]:
        """Call a tool on the user's device; the result, or ``DeviceCallError``.

        After ``timeout`` (30 s) the device gets ``tool_cancel`` and this
        raises ``TimeoutError``.
        """
        call_id = call_id or f"call-{self._id_prefix}-{next(self._ids)}"
        conn = self._conns.get(user_id)
        if conn is None:
            raise ConnectionError(f"no device connected for user {user_id}")
        frame: dict[str, Any] = {"type": "tool_call", "id": call_id, "name": name, "args": args or {}}
        if run_context:
            frame["run_context"] = run_context
        text = protocol.encode_dict(frame)
        key = (user_id, call_id)
        fut = self.create_pending_call(user_id, call_id)
        self._watch(key, asyncio.get_running_loop().time() + (timeout or self.call_timeout))
        try:
            conn.burst.put(text, fut)  # a failed write fails fut (ConnectionClosed)
            result = await fut
        except TimeoutError:
            self._pending.pop((user_id, call_id), None)
            try:
                await self.send_frame(user_id, protocol.ToolCancel(id=call_id))
            except (ConnectionError, ConnectionClosed):
                pass
            raise
        except BaseException:
            self._pending.pop((user_id, call_id), None)
            raise
        finally:
            self._deadlines.pop(key, None)
        if result.ok:
            return result.result or {}
        err = result.error
        raise DeviceCallError(
            err.type if err and err.type in ErrorType._value2member_map_ else ErrorType.INTERNAL,
            err.message if err else "the device reported an error",
        )

    def _watch(self, key: tuple[str, str], deadline: float) -> None:
        self._deadlines[key] = deadline
        if self._sweep is None or deadline < self._sweep_at:  # (a qasync handle has no when())
            if self._sweep is not None:
                self._sweep.cancel()
            self._sweep, self._sweep_at = asyncio.get_running_loop().call_at(deadline, self._on_deadline), deadline

    def _on_deadline(self) -> None:
        """One timer for every waiting call (not a timeout context each): fail the overdue with TimeoutError."""
        loop = asyncio.get_running_loop()
        now, earliest = loop.time(), None
        for key, deadline in list(self._deadlines.items()):
            if deadline <= now:
                del self._deadlines[key]
                fut = self._pending.get(key)
                if fut is not None and not fut.done():
                    fut.set_exception(TimeoutError())
            elif earliest is None or deadline < earliest:
                earliest = deadline
        self._sweep = None if earliest is None else loop.call_at(earliest, self._on_deadline)
        self._sweep_at = earliest or 0.0

    # ── runs the device asks for ──────────────────────────────────────────
    async def _on_run_request(self, conn: DeviceConnection, frame: protocol.RunRequest) -> None:
        agent = frame.agent
        if self.run_handler is None:
            await self._send(conn, _rejected(frame, ErrorType.INTERNAL, "this backend does not run agents"))
            return
        if agent.id in self._run_agents:
            await self._send(conn, _rejected(frame, ErrorType.BUSY, f"agent {agent.name} is already running"))
            return
        run_id = str(uuid.uuid4())
        run_context = {"run_id": run_id, "agent_id": agent.id, "agent_name": agent.name}
        await self._send(conn, protocol.RunStarted(request_id=frame.request_id,
                                                   run_context=protocol.RunContext(**run_context)))
        self._run_agents[agent.id] = run_id
        task = self._spawn(self._drive_run(conn.user_id, frame, run_context))
        self._runs[run_id] = task

    async def _drive_run(self, user_id: str, frame: protocol.RunRequest, run_context: dict[str, Any]) -> None:
        assert self.run_handler is not None
        try:
            outcome = await self.run_handler(self, user_id, frame, run_context)
        except asyncio.CancelledError:
            outcome = RunOutcome(status="cancelled", summary="the run was cancelled")
        except Exception as exc:
            log.exception("gateway.run.failed run_id=%s", run_context["run_id"])
            outcome = RunOutcome(status="error", errors=[f"Agent run failed: {exc}"])
        finally:
            self._runs.pop(run_context["run_id"], None)
            self._run_agents.pop(run_context["agent_id"], None)
        try:
            await self.send_frame(user_id, protocol.RunComplete(
                run_context=protocol.RunContext(**run_context), status=outcome.status,  # type: ignore[arg-type]
                summary=outcome.summary, errors=outcome.errors, items_processed=outcome.items_processed,
            ))
        except (ConnectionError, ConnectionClosed):
            log.warning("gateway.run_complete.undelivered run_id=%s", run_context["run_id"])


def _rejected(frame: protocol.RunRequest, kind: ErrorType, message: str) -> protocol.RunRejected:
    return protocol.RunRejected(request_id=frame.request_id, error=protocol.ErrorBody(
        type=str(kind), message=message, retryable=kind.retryable))


def _now() -> str:
    from agents.store import utcnow

    return utcnow().replace(".000Z", "Z")

