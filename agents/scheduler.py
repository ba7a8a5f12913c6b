"""The scheduler loop: starts agent runs when their schedules say so, never overlapping.

Runs on the asyncio loop that awaits ``Scheduler.run()`` (the app's qasync
loop in ``desktop.companion``; a plain asyncio loop in tests and the CLI).
It asks for the agents through a callback, sleeps until the earliest due time
(never longer than ``max_sleep``), and starts due runs through another
callback. It imports neither Qt, the store nor the bridge.

The due-time rules (cron parsing, daylight saving, catch-up) are pure
functions in ``agents.schedule_rules``; they are re-exported here so
``from agents.scheduler import due_at`` keeps working.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime, tzinfo
from typing import Any, Protocol

from agents import events as ev
from agents.schedule_rules import (
    EPOCH,
    FIELD,
    AgentSchedule,
    _utc,
    describe_problem,
    due_at,
    local_timezone,
    missed_count,
    next_fire_after,
    validate_cron,
)

__all__ = [
    "EPOCH",
    "FIELD",
    "AgentSchedule",
    "Clock",
    "Scheduler",
    "SystemClock",
    "describe_problem",
    "due_at",
    "local_timezone",
    "missed_count",
    "next_fire_after",
    "validate_cron",
]

log = logging.getLogger(__name__)

_JUMP_TOLERANCE = 2.0  # seconds of wall vs monotonic drift that count as a clock jump

# ── The loop ──────────────────────────────────────────────────────────────


class Clock(Protocol):
    """Time as the scheduler sees it; tests pass a fake."""

    def now(self) -> datetime:
        """Wall time, aware UTC."""
        ...

    def monotonic(self) -> float:
        """Seconds from an arbitrary start; never jumps (and on Linux stops during suspend)."""
        ...

    async def sleep(self, seconds: float, wake: asyncio.Event) -> None:
        """Sleep ``seconds``, returning early once ``wake`` is set."""
        ...


class SystemClock:
    """The real clock: ``datetime.now(UTC)``, ``time.monotonic()``, the event loop's timer."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float, wake: asyncio.Event) -> None:
        if wake.is_set():
            return
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(wake.wait(), timeout=seconds)


class Scheduler:
    """Starts agent runs when their schedules say so.

    Everything runs on the asyncio loop that runs ``run()``: the callbacks
    ``list_agents``, ``start_run``, ``is_running`` and ``on_event`` are called
    (and awaited) there, one at a time. ``notify_changed()`` and ``stop()``
    must be called on that loop's thread too.

    ``start_run(agent_id, trigger)`` is awaited until that run ends, so runs
    start one after another in due order. The scheduler never cancels a run:
    ``stop()`` or cancelling ``run()`` only stops scheduling (both are safe);
    a run already started is left to the runner that owns it.

    A run the scheduler started, or skipped because the agent was already
    running, counts as that agent's last run for planning even if the runner
    failed to record it, so a failing agent waits for its next fire time
    instead of being restarted at once. A ``last_run_at`` in the future (the
    clock was set back) counts as the moment it was first seen, so the
    schedule carries on from there and a small NTP step adds no extra run.

    ``max_sleep`` (at least 0.05 s) bounds every sleep, so a wall-clock jump
    (suspend/resume, a clock change) is noticed within that time.
    """

    def __init__(
        self,
        *,
        list_agents: Callable[[], Awaitable[list[AgentSchedule]]],
        start_run: Callable[[str, str], Awaitable[Any]],
        is_running: Callable[[str], bool],
        clock: Clock | None = None,
        tz: tzinfo | None = None,
        max_sleep: float = 60.0,
        on_event: Callable[[ev.Event], None] | None = None,
    ) -> None:
        self._list_agents = list_agents
        self._start_run = start_run
        self._is_running = is_running
        self._clock: Clock = clock or SystemClock()
        self._fixed_tz = tz
        self._max_sleep = max(0.05, float(max_sleep))
        self._on_event = on_event
        self._wake = asyncio.Event()
        self._stop = asyncio.Event()
        self._running = False
        self._handled: dict[str, datetime] = {}
        self._pinned: dict[str, tuple[datetime, datetime]] = {}
        self._reported: dict[str, str] = {}
        self._next: tuple[str | None, datetime | None] | None = None
        self._detached: set[asyncio.Future[Any]] = set()
        self._backoff = 0.0

    @property
    def tz(self) -> tzinfo:
        """The zone schedules are read in (re-read from the system each cycle unless given)."""
        return self._fixed_tz or local_timezone()

    @property
    def next_run_at(self) -> datetime | None:
        """The earliest due time seen at the last planning, aware UTC."""
        return self._next[1] if self._next else None

    @property
    def next_agent_id(self) -> str | None:
        """The agent due at ``next_run_at`` (None when nothing is planned)."""
        return self._next[0] if self._next else None

    def notify_changed(self) -> None:
        """Agents or schedules changed: re-plan now. Call on the loop's thread."""
        self._wake.set()

    def stop(self) -> None:
        """End ``run()`` promptly (also if it has not started yet). Call on the loop's thread."""
        self._stop.set()
        self._wake.set()

    async def run(self) -> None:
        """Plan and start runs until ``stop()``. Cancelling it is safe; it never raises otherwise."""
        if self._running:
            raise RuntimeError("Scheduler.run() is already running")
        self._running = True
        log.info("scheduler.loop.started tz=%s max_sleep=%.0f", self.tz, self._max_sleep)
        try:
            mark = (self._clock.now(), self._clock.monotonic())
            while not self._stop.is_set():
                mark = self._check_jump(mark)
                self._wake.clear()
                try:
                    await self._cycle()
                except Exception as exc:  # a bug or a callback's surprise must not end scheduling
                    log.exception("scheduler.cycle.failed")
                    self._emit(ev.SchedulerDidFail(stage="cycle", error=repr(exc), retry_in=1.0))
                    await self._clock.sleep(1.0, self._wake)
        finally:
            self._running = False
            self._stop.clear()
            self._next = None
            self._emit(ev.SchedulerDidChange(paused=True, next_run_at=None, agent_id=None))
            log.info("scheduler.loop.stopped")

    # one planning cycle: fetch, start what is due, or sleep until the next due time
    async def _cycle(self) -> None:
        try:
            agents = list(await self._list_agents())
        except Exception as exc:
            self._backoff = min(max(1.0, self._backoff * 2), max(1.0, min(30.0, self._max_sleep)))
            log.exception("scheduler.list_agents.failed retry_in=%.0f", self._backoff)
            self._emit(ev.SchedulerDidFail(stage="list_agents", error=repr(exc), retry_in=self._backoff))
            await self._clock.sleep(self._backoff, self._wake)
            return
        self._backoff = 0.0
        tz = self.tz
        now = self._clock.now()
        self._report_invalid(agents)
        plan: list[tuple[datetime, AgentSchedule]] = []
        for agent in agents:
            effective = self._effective(agent, now)
            try:
                when = due_at(effective, tz)
            except Exception:
                log.exception("scheduler.plan.failed agent_id=%s", agent.id)
                continue
            if when is not None:
                plan.append((when, effective))
        plan.sort(key=lambda item: (item[0], item[1].name, item[1].id))
        due = [(when, agent) for when, agent in plan if when <= now]
        if due:
            for when, agent in due:
                if self._stop.is_set():
                    return
                await self._start(agent, when, tz)
            return  # re-plan with fresh agents and a fresh clock
        upcoming = plan[0] if plan else None
        self._announce(upcoming)
        delay = self._max_sleep
        if upcoming is not None:
            delay = min(delay, max(0.0, (upcoming[0] - now).total_seconds()))
        await self._clock.sleep(delay, self._wake)

    async def _start(self, agent: AgentSchedule, when: datetime, tz: tzinfo) -> None:
        now = self._clock.now()
        self._handled[agent.id] = now
        try:
            busy = bool(self._is_running(agent.id))
        except Exception as exc:
            log.exception("scheduler.is_running.failed agent_id=%s", agent.id)
            self._emit(ev.SchedulerDidFail(stage="is_running", agent_id=agent.id, error=repr(exc)))
            return
        if busy:
            log.info("scheduler.run.skipped agent_id=%s reason=already_running due_at=%s", agent.id,
                     when.isoformat())
            self._emit(ev.SchedulerDidSkip(agent_id=agent.id, reason="already_running",
                                           due_at=when.isoformat()))
            return
        missed = missed_count(agent, tz, now)
        trigger = "catch_up" if missed >= 2 else "schedule"
        log.info("scheduler.run.started agent_id=%s trigger=%s due_at=%s", agent.id, trigger, when.isoformat())
        self._emit(ev.SchedulerDidStartRun(agent_id=agent.id, trigger=trigger, due_at=when.isoformat(),
                                           missed=missed))
        try:
            task = asyncio.ensure_future(self._start_run(agent.id, trigger))
        except Exception as exc:
            self._run_failed(agent.id, exc)
            return
        stopping = asyncio.ensure_future(self._stop.wait())
        try:
            await asyncio.wait({task, stopping}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
            if not task.done():
                # stop() or cancellation: the run goes on without us.
                self._detached.add(task)
                task.add_done_callback(self._detached_done)
        if not task.done():
            log.info("scheduler.run.detached agent_id=%s", agent.id)
            return
        if task.cancelled():
            log.info("scheduler.run.cancelled agent_id=%s", agent.id)
        elif task.exception() is not None:
            self._run_failed(agent.id, task.exception())

    def _run_failed(self, agent_id: str, exc: BaseException | None) -> None:
        log.error("scheduler.run.failed agent_id=%s error=%r", agent_id, exc, exc_info=exc)
        self._emit(ev.SchedulerDidFail(stage="start_run", agent_id=agent_id, error=repr(exc)))

    def _detached_done(self, task: asyncio.Future[Any]) -> None:
        self._detached.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("scheduler.run.failed_after_stop error=%r", task.exception())

    def _effective(self, agent: AgentSchedule, now: datetime) -> AgentSchedule:
        """The agent with the ``last_run_at`` used for planning (see the class docstring)."""
        last = _utc(agent.last_run_at) if agent.last_run_at else None
        if last is not None and last > now:
            # In the future: the clock was set back. Count it as the moment we first saw it,
            # so the schedule carries on from there (and a small NTP step causes no extra run).
            pinned = self._pinned.get(agent.id)
            if pinned is None or pinned[0] != last:
                pinned = self._pinned[agent.id] = (last, now)
            last = pinned[1]
        else:
            self._pinned.pop(agent.id, None)
        handled = self._handled.get(agent.id)
        if handled is not None and handled > now:
            handled = self._handled[agent.id] = now
        if handled is not None and (last is None or handled > last):
            last = handled
        if last == agent.last_run_at:
            return agent
        return replace(agent, last_run_at=last)

    def _check_jump(self, mark: tuple[datetime, float]) -> tuple[datetime, float]:
        wall, mono = self._clock.now(), self._clock.monotonic()
        wall_s = (wall - mark[0]).total_seconds()
        mono_s = mono - mark[1]
        jump = wall_s - mono_s
        if abs(jump) > _JUMP_TOLERANCE:
            log.info("scheduler.clock.jumped jump_s=%.1f wall_s=%.1f monotonic_s=%.1f", jump, wall_s, mono_s)
            self._emit(ev.SchedulerDidDetectClockJump(jump_seconds=jump, wall_seconds=wall_s,
                                                       monotonic_seconds=mono_s))
        return wall, mono

    def _report_invalid(self, agents: list[AgentSchedule]) -> None:
        seen: set[str] = set()
        for agent in agents:
            seen.add(agent.id)
            problem = describe_problem(agent)
            if problem is None:
                self._reported.pop(agent.id, None)
                continue
            if self._reported.get(agent.id) == agent.schedule_cron:
                continue
            self._reported[agent.id] = agent.schedule_cron or ""
            log.warning("scheduler.cron.invalid agent_id=%s cron=%r", agent.id, agent.schedule_cron)
            self._emit(ev.SchedulerDidReportInvalidCron(agent_id=agent.id, agent_name=agent.name,
                                                         schedule_cron=agent.schedule_cron, message=problem))
        for gone in set(self._reported) - seen:
            del self._reported[gone]
        for table in (self._handled, self._pinned):
            for gone in set(table) - seen:
                del table[gone]

    def _announce(self, upcoming: tuple[datetime, AgentSchedule] | None) -> None:
        current = (upcoming[1].id, upcoming[0]) if upcoming else (None, None)
        if current == self._next:
            return
        self._next = current
        self._emit(ev.SchedulerDidChange(paused=False, next_run_at=current[1].isoformat() if current[1] else None,
                                          agent_id=current[0]))

    def _emit(self, event: ev.Event, /) -> None:
        if self._on_event is None:
            return
        try:
            self._on_event(event)
        except Exception:
            log.exception("scheduler.on_event.failed event=%s", event.name)
