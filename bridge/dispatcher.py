"""tool_call → journal → catalogue → tool_result, with limits, deadlines, cancel and pause.

``Dispatcher.submit(call)`` never blocks and never raises: the call joins one
of two bounded lanes (``bridge.admission``): ``database`` for the record tools
(``DATABASE_WORKERS`` slots: they only queue jobs for the store's thread,
which runs them in groups that share one commit) and ``files`` for the rest
(``max_concurrency`` workers), so cheap calls never wait behind slow
listings. Each call runs through the executor ``agents.calls.execute``
(exactly one effect per id, ack after its group's commit) under a deadline
counted from its arrival (``bridge.admission.DeadlineSweep``: one timer for
all running calls, not a timeout context each). The result frame goes to ``send``; the
client's outbox keeps it when the connection is down.

- lane full (``max_backlog`` waiting) → ``busy`` at once, nothing queued;
- expected not to start in time (``Lane.expected_wait``, from observed
  durations) → ``busy`` at once; still queued at its deadline → ``busy`` then;
- paused → ``paused``, nothing executed;
- started but past the deadline → ``timeout`` (a write that had not committed is rolled back);
- a result whose frame would pass the frame limit → ``too_large`` (journaled, so replays agree);
- ``cancel(id)`` → the call stops (or never starts) and no frame is sent;
- the same id while it is still queued or running: same name and arguments →
  answered once, by the first call's frame; other name or arguments →
  ``conflict`` at once;
- an id, name or run context UTF-8 cannot carry → an ``error`` frame or a typed
  error, never a traceback;
- any exception → a typed error frame; none escapes a worker.

The dispatcher also keeps the journal's retention task
(``agents.journal_retention.run_pruner``: at start, then hourly).

Everything runs on the asyncio loop that calls ``start()``: a queued call
starts as a task when its lane has a free slot (no idle workers to wake);
``stop()`` cancels the running calls safely (their writes roll back).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from agents import calls, journal, journal_retention
from agents.errors import ErrorType, ToolError
from agents.events import EventHub, ToolCallDidFinish
from agents.store import Store
from agents.tools.catalog import Catalog, unencodable_text
from bridge import protocol
from bridge.admission import DATABASE, DATABASE_WORKERS, FILES, DeadlineSweep, Durations, Lane
from bridge.session import Failure, Refusal

log = logging.getLogger(__name__)

DEFAULT_DEADLINE = 25.0
DEFAULT_CONCURRENCY = 8
DEFAULT_BACKLOG = 10_000

Send = Callable[[Any], Awaitable[None]]  # an answer (outcome, Failure, Refusal) → bridge.session


@dataclass(slots=True)
class Call:
    """One tool call as the dispatcher needs it."""

    id: str
    name: str
    args: dict[str, Any]
    run_id: str | None = None
    agent_id: str | None = None
    deadline_at: float = 0.0
    task: asyncio.Task[Any] | None = field(default=None, repr=False)
    lane: Lane | None = field(default=None, repr=False)
    started_at: float = 0.0
    timed_out: bool = False  # the deadline sweep cancelled it: answer ``timeout``


def result_frame(outcome: journal.Outcome) -> journal.Outcome:
    """The answer to send: the outcome itself; ``bridge.session`` builds its frame."""
    return outcome


def error_result(call_id: str, error: ToolError, duration_ms: float = 0.0) -> Failure:
    return Failure(call_id, error, duration_ms)


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
        prune_journal: bool = True,
    ):
        self.store = store
        self.catalog = catalog
        self.events = events
        self.max_concurrency = max_concurrency
        self.deadline = deadline
        self.max_backlog = max_backlog
        self.prune_journal = prune_journal
        self._send = send
        self.durations = Durations()
        self._lanes = {
            DATABASE: Lane(DATABASE, DATABASE_WORKERS, self.durations, self._expire),
            FILES: Lane(FILES, max_concurrency, self.durations, self._expire),
        }
        self._known: dict[str, Call] = {}  # queued or running, by id
        self._workers: set[asyncio.Task[Any]] = set()  # running calls and answers being sent
        self._started = False
        self._pruner: asyncio.Task[None] | None = None
        self._sweep = DeadlineSweep(self._lanes.values())  # one timer for the running calls' deadlines
        self._idle = asyncio.Event()
        self._idle.set()
        self.paused = False

    # ── lifecycle ──────────────────────────────────────────────────────────
    def start(self) -> None:
        loop = asyncio.get_running_loop()
        if not self._started:
            self._started = True
            for lane in self._lanes.values():
                self._pump(lane)
        if self.prune_journal and self._pruner is None:
            self._pruner = loop.create_task(journal_retention.run_pruner(self.store), name="journal-pruner")

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
        tasks = list(self._workers)
        if self._pruner is not None:
            tasks.append(self._pruner)
            self._pruner = None
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._sweep.clear()
        for lane in self._lanes.values():
            lane.clear()
        self._known.clear()
        self._started = False
        self._idle.set()

    @property
    def in_flight(self) -> int:
        return len(self._known)

    @property
    def queued(self) -> int:
        return sum(len(lane.queue) for lane in self._lanes.values())

    def lane_for(self, name: str) -> Lane:
        """``database`` for database-only tools (and names that are no tool: answered at once), else ``files``."""
        try:
            spec = self.catalog.get(name)
        except ToolError:
            return self._lanes[DATABASE]
        return self._lanes[DATABASE if spec.db_only else FILES]

    # ── intake ─────────────────────────────────────────────────────────────
    def submit(self, call: Call) -> None:
        """Accept a call from the socket loop. Never blocks, never raises."""
        try:
            self._submit(call)
        except Exception:  # pragma: no cover - defensive: the socket loop must live
            log.exception("bridge.dispatcher.submit.failed call_id=%s", call.id)

    def _submit(self, call: Call) -> None:
        if _bad_text(call.id):
            self._refuse_id(call)
            return
        first = self._known.get(call.id)
        if first is not None:
            self._duplicate(first, call)
            return
        if _bad_text(call.name):
            self._answer_now(call, ToolError(ErrorType.UNKNOWN_TOOL, "the tool name is not valid Unicode text"))
            return
        if _bad_text(call.run_id) or _bad_text(call.agent_id):
            self._answer_now(call, ToolError(ErrorType.INVALID_FRAME, "run_context holds text that is not valid "
                                                                      "Unicode (a lone surrogate)"))
            return
        if self.paused:
            self._answer_now(call, ToolError(ErrorType.PAUSED, "the user paused the bridge; try again later"))
            return
        lane = self.lane_for(call.name)
        if len(lane.queue) >= self.max_backlog:
            self._answer_now(
                call, ToolError(ErrorType.BUSY, f"{len(lane.queue)} calls are already waiting; try again later")
            )
            return
        now = asyncio.get_running_loop().time()
        wait = lane.expected_wait(now)
        if wait > 0 and wait + self.durations.estimate(lane.name, call.name) > self.deadline:
            self._answer_now(call, ToolError(
                ErrorType.BUSY,
                f"{call.name} would wait about {wait:.1f} s for a free worker and could not finish within "
                f"{self.deadline:g} s; try again later",
                details={"expected_wait_ms": round(wait * 1000), "deadline_ms": round(self.deadline * 1000)},
            ))
            return
        call.deadline_at = now + self.deadline
        call.lane = lane
        self._known[call.id] = call
        lane.push(call)
        self._idle.clear()
        self._pump(lane)

    def _duplicate(self, first: Call, again: Call) -> None:
        """The same id while the first is queued or running: one answer, or ``conflict`` at once."""
        if first.name == again.name and (first.args == again.args or self._same_args(first, again)):
            log.info("bridge.tool_call.duplicate_in_flight call_id=%s (answered once, by the first)", again.id)
            return
        log.info("bridge.tool_call.conflict_in_flight call_id=%s", again.id)
        self._answer_now(again, ToolError(
            ErrorType.CONFLICT,
            f"call id {again.id} is already running as {first.name} with other arguments; nothing was run",
        ))

    def _same_args(self, first: Call, again: Call) -> bool:
        """Same arguments as the journal sees them (aliases and key order do not matter)."""
        try:
            return journal.call_digest(self.catalog, first.name, first.args) == journal.call_digest(
                self.catalog, again.name, again.args)
        except Exception:  # pragma: no cover - defensive: compare as different
            return False

    def _refuse_id(self, call: Call) -> None:
        """An id UTF-8 cannot carry cannot be answered by id: an ``error`` frame without one."""
        log.warning("bridge.tool_call.bad_id (the call id is not valid Unicode text)")
        frame = Refusal("tool_call id is not valid Unicode text (a lone surrogate); the call was not run")
        self._spawn(self._deliver(frame, call, None))

    def _expire(self, call: Call) -> None:
        """A call still queued at its deadline: it never started, so ``busy`` (nothing ran)."""
        if self._known.get(call.id) is not call:
            return
        self._known.pop(call.id, None)
        log.info("bridge.tool_call.expired_in_queue call_id=%s run_id=%s", call.id, call.run_id)
        self._answer_now(call, _not_started(call, self.deadline))
        self._check_idle()

    def cancel(self, call_id: str) -> bool:
        """Stop a queued or running call; no result will be sent for it."""
        call = self._known.pop(call_id, None)
        if call is None:
            return False
        if call.task is not None:
            call.task.cancel()
        elif call.lane is not None:
            call.lane.remove(call_id)
        log.info("bridge.tool_call.cancelled call_id=%s run_id=%s", call_id, call.run_id)
        self._check_idle()
        return True

    def set_paused(self, paused: bool) -> None:
        """Answer calls ``paused`` (or not) from now on. The companion owns the state and announces it."""
        self.paused = paused

    def _answer_now(self, call: Call, error: ToolError) -> None:
        self._spawn(self._deliver(error_result(call.id, error), call, error))

    # ── work ───────────────────────────────────────────────────────────────
    def _pump(self, lane: Lane) -> None:
        """Start queued calls while the lane has free slots (no idle worker tasks to wake)."""
        if not self._started:
            return
        loop = asyncio.get_running_loop()
        while lane.queue and len(lane.running) < lane.workers:
            call = lane.pop()
            if self._known.get(call.id) is not call:
                continue  # cancelled while queued
            if self.paused or loop.time() >= call.deadline_at:
                self._known.pop(call.id, None)
                error = (ToolError(ErrorType.PAUSED, "the user paused the bridge") if self.paused
                         else _not_started(call, self.deadline))
                self._spawn(self._deliver(error_result(call.id, error), call, None))
                continue
            call.started_at = loop.time()
            lane.running[call.id] = call
            call.task = self._spawn(self._serve(call, lane), name=f"tool-call-{call.id}")
            self._sweep.watch(call.deadline_at)

    def _spawn(self, coro: Any, name: str | None = None) -> asyncio.Task[Any]:
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self._workers.add(task)
        task.add_done_callback(self._workers.discard)
        return task

    async def _serve(self, call: Call, lane: Lane) -> None:
        """One started call: run it, free its slot, send its frame (none when it was cancelled)."""
        try:
            frame = await self._execute(call)
        finally:
            lane.running.pop(call.id, None)
            if self._known.get(call.id) is call:
                self._known.pop(call.id, None)
            self._pump(lane)
            self._check_idle()
        if frame is not None:
            await self._deliver(frame, call, None)

    async def _execute(self, call: Call) -> dict[str, Any] | None:
        loop = asyncio.get_running_loop()
        started = loop.time()
        try:
            outcome = await calls.execute(
                self.store, self.catalog, call_id=call.id, name=call.name, args=call.args,
                run_id=call.run_id, agent_id=call.agent_id, source="bridge",
                max_result_bytes=protocol.result_budget(call.id),
                loop_read=self.in_flight <= 1,  # alone: no thread hop; with others: all on the DB thread
            )
        except asyncio.CancelledError:
            task = asyncio.current_task()
            # the deadline's own cancel (and no other pending: a stop or a tool_cancel wins)
            if not call.timed_out or task is None or task.uncancel() > 0:
                raise
            self._observe(call, loop.time() - started)  # it takes at least this long
            error = ToolError(ErrorType.TIMEOUT, f"{call.name} did not finish within {self.deadline:g} s")
            log.warning("bridge.tool_call.failed call_id=%s run_id=%s error_type=timeout", call.id, call.run_id)
            self._emit_finished(call, False, error.type, (loop.time() - started) * 1000, False)
            return error_result(call.id, error, round((loop.time() - started) * 1000, 3))
        except Exception as exc:
            log.exception("bridge.tool_call.failed call_id=%s run_id=%s error_type=internal", call.id, call.run_id)
            error = ToolError(ErrorType.INTERNAL, f"{call.name} failed: {type(exc).__name__}: {exc}")
            return error_result(call.id, error)
        if not outcome.replayed:
            self._observe(call, loop.time() - started)
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

    def _observe(self, call: Call, seconds: float) -> None:
        if call.lane is not None:
            self.durations.observe(call.lane.name, call.name, seconds)

    def _emit_finished(self, call: Call, ok: bool, error_type: Any, duration_ms: float, replayed: bool) -> None:
        if self.events is not None:
            self.events.emit(ToolCallDidFinish(
                call_id=call.id, tool=call.name, ok=ok,
                error_type=str(error_type) if error_type else None, run_id=call.run_id,
                duration_ms=duration_ms, replayed=replayed,
            ))

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
        if not self._known and not self.queued:
            self._idle.set()


def _bad_text(value: str | None) -> bool:
    return value is not None and unencodable_text(value) is not None


def _not_started(call: Call, deadline: float) -> ToolError:
    return ToolError(ErrorType.BUSY, f"{call.name} could not start within {deadline:g} s; try again later")

