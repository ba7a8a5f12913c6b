"""The core's typed events and the hub that fans them out (stdlib only).

Core code emits one frozen dataclass per event; the UI turns them into Qt
signals (``desktop.ui.signals``), the CLI prints them, tests collect them.
Listeners run synchronously on the thread that emits (the asyncio loop's
thread); a listener that raises is logged and never breaks the emitter.

Each class is named after its event ``<subject>_did_<verb>`` (``RunDidStart``
is ``run_did_start``, kept in ``name``) and documents its fields. This module
imports nothing of the project, so every layer may emit and consume events.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

log = logging.getLogger(__name__)


class Event:
    """Base of every event; ``name`` is the ``<subject>_did_<verb>`` string."""

    __slots__ = ()
    name: ClassVar[str] = ""

    def payload(self) -> dict[str, Any]:
        """The fields as a plain dict (for logs, JSON and tests)."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}  # type: ignore[arg-type]


# ── the workspace ──────────────────────────────────────────────────────────────
@dataclass(frozen=True, slots=True)
class RecordDidChange(Event):
    """A workspace record was written: by a tool call (``tool``, ``group``, ``id``, ``run_id``) or by a
    review decision (``tool="review"``, ``id`` None, ``count`` records of ``group``, ``batch``, ``undone``)."""

    name: ClassVar[str] = "record_did_change"
    tool: str
    group: str
    id: str | None = None
    run_id: str | None = None
    count: int = 1
    batch: str | None = None
    undone: bool = False


@dataclass(frozen=True, slots=True)
class ReviewDidChange(Event):
    """The review queue changed: ``pending`` suggestions are left; a decision names its ``batch``,
    ``action`` and ``count``; ``undone`` when it was an undo."""

    name: ClassVar[str] = "review_did_change"
    pending: int
    batch: str | None = None
    action: str | None = None
    count: int = 0
    undone: bool = False


@dataclass(frozen=True, slots=True)
class AgentDidChange(Event):
    """An agent config was added, edited or removed (``agent_id``)."""

    name: ClassVar[str] = "agent_did_change"
    agent_id: str


# ── runs ───────────────────────────────────────────────────────────────────────
@dataclass(frozen=True, slots=True)
class RunDidStart(Event):
    """A run began: ``run_id`` of agent ``agent_id`` (``agent_name``), by ``trigger`` on ``engine``."""

    name: ClassVar[str] = "run_did_start"
    run_id: str
    agent_id: str
    agent_name: str
    trigger: str
    engine: str


@dataclass(frozen=True, slots=True)
class RunDidProgress(Event):
    """A run moved on: ``phase`` (``processing``, ``triage``, ``remote``, ``done``), the ``file`` at hand,
    ``processed`` of ``total`` items; an LLM run adds ``step``/``tool``/``group``, a backend run its
    ``remote_run_id``. Fields a step does not know are None."""

    name: ClassVar[str] = "run_did_progress"
    run_id: str
    agent_id: str
    phase: str | None = None
    file: str | None = None
    processed: int | None = None
    total: int | None = None
    step: int | None = None
    tool: str | None = None
    group: str | None = None
    remote_run_id: str | None = None

    @classmethod
    def of(cls, run_id: str, agent_id: str, data: dict[str, Any]) -> RunDidProgress:
        """From an engine's progress keywords; keys this event does not carry are dropped."""
        known = {k: v for k, v in data.items() if k in _PROGRESS_FIELDS}
        return cls(run_id=run_id, agent_id=agent_id, **known)


_PROGRESS_FIELDS = frozenset({"phase", "file", "processed", "total", "step", "tool", "group", "remote_run_id"})


@dataclass(frozen=True, slots=True)
class RunDidFinish(Event):
    """A run ended with ``status`` (``ok``, ``partial``, ``error``, ``cancelled``), its counts and the
    first few ``errors``."""

    name: ClassVar[str] = "run_did_finish"
    run_id: str
    agent_id: str
    agent_name: str
    status: str
    processed: int = 0
    created: int = 0
    updated: int = 0
    errors: tuple[str, ...] = ()


# ── the bridge ─────────────────────────────────────────────────────────────────
@dataclass(frozen=True, slots=True)
class ToolCallDidFinish(Event):
    """A backend tool call finished: ``call_id``, tool ``name``, ``ok`` or its ``error_type``, the
    ``run_id`` it belongs to, ``duration_ms``, and ``replayed`` when answered from the journal."""

    name: ClassVar[str] = "tool_call_did_finish"
    call_id: str
    tool: str
    ok: bool
    error_type: str | None = None
    run_id: str | None = None
    duration_ms: float = 0.0
    replayed: bool = False


@dataclass(frozen=True, slots=True)
class ConnectionDidChange(Event):
    """The bridge connection ``state`` changed (``connected``, ``connecting``, ``offline``, ``disabled``,
    …), with a ``detail`` for a person."""

    name: ClassVar[str] = "connection_did_change"
    state: str
    detail: str | None = None


@dataclass(frozen=True, slots=True)
class BridgeDidPause(Event):
    """The user paused or resumed answering the backend (``paused``)."""

    name: ClassVar[str] = "bridge_did_pause"
    paused: bool


# ── the scheduler ──────────────────────────────────────────────────────────────
@dataclass(frozen=True, slots=True)
class SchedulerDidStartRun(Event):
    """The scheduler started a run of ``agent_id`` by ``trigger``, due at ``due_at``; ``missed`` runs
    were folded into it."""

    name: ClassVar[str] = "scheduler_did_start_run"
    agent_id: str
    trigger: str
    due_at: str
    missed: int = 0


@dataclass(frozen=True, slots=True)
class SchedulerDidSkip(Event):
    """A due run of ``agent_id`` (due at ``due_at``) was not started, for ``reason`` (``already_running``)."""

    name: ClassVar[str] = "scheduler_did_skip"
    agent_id: str
    reason: str
    due_at: str | None = None


@dataclass(frozen=True, slots=True)
class SchedulerDidDetectClockJump(Event):
    """Wall time moved unlike monotonic time by ``jump_seconds`` (``wall_seconds`` against
    ``monotonic_seconds``); due times are planned again."""

    name: ClassVar[str] = "scheduler_did_detect_clock_jump"
    jump_seconds: float
    wall_seconds: float
    monotonic_seconds: float


@dataclass(frozen=True, slots=True)
class SchedulerDidReportInvalidCron(Event):
    """Agent ``agent_id`` (``name``) has a schedule that cannot be used (``schedule_cron``, ``message``);
    it never fires. Reported once per agent and schedule."""

    name: ClassVar[str] = "scheduler_did_report_invalid_cron"
    agent_id: str
    agent_name: str
    schedule_cron: str
    message: str


@dataclass(frozen=True, slots=True)
class SchedulerDidFail(Event):
    """A scheduler callback raised at ``stage``; the loop goes on (``error``, the ``agent_id`` concerned,
    ``retry_in`` seconds when it retries)."""

    name: ClassVar[str] = "scheduler_did_fail"
    stage: str
    error: str
    agent_id: str | None = None
    retry_in: float | None = None


@dataclass(frozen=True, slots=True)
class SchedulerDidChange(Event):
    """The next due time changed or the loop stopped: ``paused``, ``next_run_at`` (ISO) of ``agent_id``."""

    name: ClassVar[str] = "scheduler_did_change"
    paused: bool
    next_run_at: str | None = None
    agent_id: str | None = None


EVENT_TYPES: tuple[type[Event], ...] = (
    RecordDidChange, ReviewDidChange, AgentDidChange, RunDidStart, RunDidProgress, RunDidFinish,
    ToolCallDidFinish, ConnectionDidChange, BridgeDidPause, SchedulerDidStartRun, SchedulerDidSkip,
    SchedulerDidDetectClockJump, SchedulerDidReportInvalidCron, SchedulerDidFail, SchedulerDidChange,
)
EVENTS: dict[str, type[Event]] = {cls.name: cls for cls in EVENT_TYPES}

Listener = Callable[[Event], None]


class EventHub:
    """Fan-out of events to listeners. Not thread-safe: use on the loop thread."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Add a listener for every event; returns a function that removes it."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    def emit(self, event: Event, /) -> None:
        if type(event) not in _KNOWN:
            raise TypeError(f"unknown event {event!r}; add its class to agents.events.EVENT_TYPES")
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:
                log.exception("events.listener.failed event=%s", event.name)


_KNOWN = frozenset(EVENT_TYPES)
__all__ = [cls.__name__ for cls in EVENT_TYPES] + ["EVENTS", "EVENT_TYPES", "Event", "EventHub", "Listener"]
