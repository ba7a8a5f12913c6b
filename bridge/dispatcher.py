"""tool_call → journal → catalogue → tool_result, with limits, deadlines, cancel and pause.

``Dispatcher.submit(call)`` never blocks and never raises: the call joins a
bounded queue served by ``max_concurrency`` workers. Each call runs through
``agents.journal.execute`` (exactly one effect per id, ack after commit) under
a deadline counted from its arrival. The result frame goes to ``send``; the
client's outbox keeps it when the connection is down.

- queue full (``max_backlog`` waiting) → ``busy`` at once, nothing queued;
- paused → ``paused``, nothing executed;
- past the deadline → ``timeout`` (a write that had not committed is rolled back);
- ``cancel(id)`` → the call stops (or never starts) and no frame is sent;
- the same id while it is still queued or running → ignored (one answer per id);
- any exception → a typed error frame; none escapes a worker.

Everything runs on the asyncio loop that calls ``start()``; ``stop()``
cancels the workers safely (running calls roll back).
"""

from __future__ import annotations

import asyncio
import collections
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from agents import journal
from agents.errors import ErrorType, ToolError
from agents.events import EventHub
from agents.store import Store
from agents.tools.catalog import Catalog

log = logging.getLogger(__name__)

DEFAULT_DEADLINE = 25.0
DEFAULT_CONCURRENCY = 8
DEFAULT_BACKLOG = 10_000

Send = Callable[[dict[str, Any]], Awaitable[None]]


@dataclass
class Call:
    """One tool call as the dispatcher needs it."""

    id: str
    name: str
    args: dict[str, Any]
    run_id: str | None = None
    agent_id: str | None = None
    deadline_at: float = 0.0
    task: asyncio.Task[Any] | None = field(default=None, repr=False)


def result_frame(outcome: journal.Outcome) -> dict[str, Any]:
    frame: dict[str, Any] = {"type": "tool_result", "id": outcome.call_id, "ok": outcome.ok,
                             "duration_ms": outcome.duration_ms}
    if outcome.ok:
        frame["result"] = outcome.result
    else:
        frame["error"] = outcome.error.to_dict()  # type: ignore[union-attr]
    return frame


def error_result(call_id: str, error: ToolError, duration_ms: float = 0.0) -> dict[str, Any]:
    return {"type": "tool_result", "id": call_id, "ok": False, "error": error.to_dict(),
            "duration_ms": duration_ms}


class Dispatcher:
    """Runs tool calls from the backend. Keyword-only construction; ``start()`` on the loop."""

    def __init__(
        self,
        *,
        store: Store,
        catalog: Catalog,
        send: Send,
        events: EventHub | None = None,
        max_concurrency: int = DEFAULT_CONCURRENCY,
        deadline: float = DEFAULT_DEADLINE,
        max_backlog: int = DEFAULT_BACKLOG,
    ):
        self.store = store
        self.catalog = catalog
        self.events = events
        self.max_concurrency = max_concurrency
        self.deadline = deadline
        self.max_backlog = max_backlog
        self._send = send
        # call id -> call, in arrival order: O(1) append, pop from the front and cancel by id
        self._queue: collections.OrderedDict[str, Call] = collections.OrderedDict()
        self._known: dict[str, Call] = {}
        self._wakeup = asyncio.Event()
        self._workers: set[asyncio.Task[None]] = set()
        self._idle = asyncio.Event()
        self._idle.set()
        self.paused = False

    # ── lifecycle ──────────────────────────────────────────────────────────
    def start(self) -> None:
        for i in range(self.max_concurrency - len(self._workers)):
            task = asyncio.get_running_loop().create_task(self._worker(), name=f"dispatcher-worker-{i}")
            self._workers.add(task)
            task.add_done_callback(self._workers.discard)

    async def drain(self, timeout: float | None = None) -> bool:
        """Wait until nothing is queued or running; True if that happened in time."""
        try:
            async with asyncio.timeout(timeout):
                await self._idle.wait()
            return True
        except TimeoutError:
            return False

    async def stop(self) -> None:
        """Cancel the workers; running calls roll back, queued ones are dropped unanswered."""
        for call in list(self._known.values()):
            if call.task is not None:
                call.task.cancel()
        for task in list(self._workers):
            task.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)
        self._queue.clear()
        self._known.clear()
        self._idle.set()

    @property
    def in_flight(self) -> int:
        return len(self._known)

    @property
    def queued(self) -> int:
        return len(self._queue)

    # ── intake ─────────────────────────────────────────────────────────────
    def submit(self, call: Call) -> None:
        """Accept a call from the socket loop. Never blocks, never raises."""
        try:
            self._submit(call)
        except Exception:  # pragma: no cover - defensive: the socket loop must live
            log.exception("bridge.dispatcher.submit.failed call_id=%s", call.id)

    def _submit(self, call: Call) -> None:
        if call.id in self._known:
            log.info("bridge.tool_call.duplicate_in_flight call_id=%s", call.id)
            return
        if self.paused:
            self._answer_now(call, ToolError(ErrorType.PAUSED, "the user paused the bridge; try again later"))
            return
        if len(self._queue) >= self.max_backlog:
            self._answer_now(
                call, ToolError(ErrorType.BUSY, f"{len(self._queue)} calls are already waiting; try again later")
            )
            return
        call.deadline_at = asyncio.get_running_loop().time() + self.deadline
        self._known[call.id] = call
        self._queue[call.id] = call
        self._idle.clear()
        self._wakeup.set()

    def cancel(self, call_id: str) -> bool:
        """Stop a queued or running call; no result will be sent for it."""
        call = self._known.pop(call_id, None)
        if call is None:
            return False
        if call.task is not None:
            call.task.cancel()
        else:
            self._queue.pop(call_id, None)
        log.info("bridge.tool_call.cancelled call_id=%s run_id=%s", call_id, call.run_id)
        self._check_idle()
        return True

    def set_paused(self, paused: bool) -> None:
        self.paused = paused
        if self.events is not None:
            self.events.emit("bridge_did_pause", paused=paused)

    def _answer_now(self, call: Call, error: ToolError) -> None:
        task = asyncio.get_running_loop().create_task(self._deliver(error_result(call.id, error), call, error))
        self._workers.add(task)
        task.add_done_callback(self._workers.discard)

    # ── work ───────────────────────────────────────────────────────────────
    async def _worker(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            while not self._queue:
                self._wakeup.clear()
                await self._wakeup.wait()
            _, call = self._queue.popitem(last=False)
            if self._known.get(call.id) is not call:
                continue  # cancelled while queued
            if self.paused:
                self._known.pop(call.id, None)
                await self._deliver(
                    error_result(call.id, ToolError(ErrorType.PAUSED, "the user paused the bridge")), call, None
                )
                self._check_idle()
                continue
            call.task = loop.create_task(self._execute(call), name=f"tool-call-{call.id}")
            try:
                frame = await asyncio.shield(call.task)
            except asyncio.CancelledError:
                if call.task.cancelled() and not _current_cancelled():
                    self._check_idle()
                    continue  # the call was cancelled (tool_cancel); send nothing
                call.task.cancel()
                raise
            finally:
                if self._known.get(call.id) is call:
                    self._known.pop(call.id, None)
            if frame is not None:
                await self._deliver(frame, call, None)
            self._check_idle()

    async def _execute(self, call: Call) -> dict[str, Any] | None:
        loop = asyncio.get_running_loop()
        started = loop.time()
        try:
            async with asyncio.timeout_at(call.deadline_at):
                outcome = await journal.execute(
                    self.store, self.catalog, call_id=call.id, name=call.name, args=call.args,
                    run_id=call.run_id, agent_id=call.agent_id, source="bridge",
                )
        except TimeoutError:
            error = ToolError(ErrorType.TIMEOUT, f"{call.name} did not finish within {self.deadline:g} s")
            log.warning("bridge.tool_call.failed call_id=%s run_id=%s error_type=timeout", call.id, call.run_id)
            self._emit_finished(call, False, error.type, (loop.time() - started) * 1000, False)
            return error_result(call.id, error, round((loop.time() - started) * 1000, 3))
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.exception("bridge.tool_call.failed call_id=%s run_id=%s error_type=internal", call.id, call.run_id)
            error = ToolError(ErrorType.INTERNAL, f"{call.name} failed: {type(exc).__name__}: {exc}")
            return error_result(call.id, error)
        self._emit_finished(
            call, outcome.ok, None if outcome.ok else outcome.error.type,  # type: ignore[union-attr]
            outcome.duration_ms, outcome.replayed,
        )
        if not outcome.ok:
            log.info(
                "bridge.tool_call.failed call_id=%s run_id=%s error_type=%s",
                call.id, call.run_id, outcome.error.type,  # type: ignore[union-attr]
            )
        return result_frame(outcome)

    def _emit_finished(self, call: Call, ok: bool, error_type: Any, duration_ms: float, replayed: bool) -> None:
        if self.events is not None:
            self.events.emit(
                "tool_call_did_finish", call_id=call.id, name=call.name, ok=ok,
                error_type=str(error_type) if error_type else None, run_id=call.run_id,
                duration_ms=duration_ms, replayed=replayed,
            )

    async def _deliver(self, frame: dict[str, Any], call: Call, error: ToolError | None) -> None:
        if error is not None:
            self._emit_finished(call, False, error.type, 0.0, False)
        try:
            await self._send(frame)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("bridge.tool_result.send_failed call_id=%s", call.id)

    def _check_idle(self) -> None:
        if not self._known and not self._queue:
            self._idle.set()


def _current_cancelled() -> bool:
    task = asyncio.current_task()
    return bool(task is not None and task.cancelling())
