"""What the tray, the status bar and the tab badges show, kept current from core events.

``AppStatus`` loads once (``await status.load()``) and then follows
``CoreSignals``: the connection state, the runs in progress with their
progress, the last run's result, the review count and the next scheduled run.
Whether the schedule or the bridge is paused it does not copy: ``schedule_paused``
and ``bridge_paused`` read the companion (their one owner), and the typed events
``scheduler_did_change`` / ``bridge_did_pause`` tell it to redraw. It emits
``changed`` after every update and ``run_finished(payload)`` when a run ends.
All slots run on the GUI thread; reloads go through ``operations.Refresher``.

A run's progress events can come thousands a second: they update the state
at once but emit ``changed`` at most every ``PROGRESS_MS``; while a run is
live a one-second timer emits it too, so its elapsed time counts up (the
timer stops when no run is live: an idle app does not wake for it). The next
run is never shown for an agent that no longer exists or has no schedule.

``tray_state()`` sorts that into the five tray states, in priority order:
``running`` > ``attention`` (suggestions wait for review, or the last run
failed) > ``paused`` (schedule or bridge) > ``connected`` > ``offline``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

from agents import config, review, runs_query
from agents import events as ev
from agents.store import parse_iso
from desktop.ui import operations
from desktop.ui.signals import CoreSignals
from desktop.ui.words import plural

if TYPE_CHECKING:
    from desktop.companion import Companion

TRAY_STATES = ("offline", "connected", "running", "attention", "paused")
FAILED = ("error", "partial", "interrupted")

CONNECTION_TEXT = {
    "disabled": "Offline",
    "connecting": "Connecting…",
    "connected": "Connected",
    "offline": "Offline",
    "unauthorized": "Sign-in needed",
    "misconfigured": "Check the backend URL",
    "closed_by_server": "Closed by the backend",
    "stopped": "Stopped",
}


@dataclass
class RunProgress:
    run_id: str
    agent_id: str
    agent_name: str
    trigger: str = "manual"
    phase: str = "starting"
    file: str = ""
    processed: int = 0
    total: int = 0
    started: datetime = field(default_factory=lambda: datetime.now().astimezone())


@dataclass
class AgentInfo:
    id: str
    name: str
    enabled: bool
    schedule_cron: str | None
    engine: str


class AppStatus(QObject):
    """The app-wide state behind the tray icon, tooltips, status bar and badges (GUI thread)."""

    changed = Signal()
    run_finished = Signal(object)
    agents_changed = Signal()
    PROGRESS_MS = 250

    def __init__(self, companion: Companion, signals: CoreSignals, parent: QObject | None = None):
        super().__init__(parent)
        self.companion = companion
        self.connection_state = "offline"
        self.connection_detail: str | None = None
        self.running: dict[str, RunProgress] = {}
        self.last_result: dict[str, Any] | None = None
        self.pending = 0
        self.next_run_at: datetime | None = None
        self.next_agent_id: str | None = None
        self.agents: list[AgentInfo] = []
        self.loaded = False
        self._pending_refresher = operations.Refresher(
            lambda: review.pending_count(companion.store), self._set_pending, parent=self
        )
        self._agents_refresher = operations.Refresher(
            lambda: config.list_agents(companion.store), self._set_agents, parent=self
        )
        handlers: dict[str, Any] = {
            "connection_did_change": self._connection_changed, "run_did_start": self._run_started,
            "run_did_progress": self._run_progressed, "run_did_finish": self._run_finished,
            "review_did_change": self._review_changed, "record_did_change": self._record_changed,
            "scheduler_did_change": self._scheduler_changed, "bridge_did_pause": self._bridge_paused,
            "agent_did_change": self._agent_changed,
        }
        for name, slot in handlers.items():
            getattr(signals, name).connect(slot)
        # progress: at most one ``changed`` per PROGRESS_MS; the clock: once a second while a run is live
        self._progress_timer = QTimer(self, singleShot=True, interval=self.PROGRESS_MS, timeout=self.changed.emit)
        self._clock = QTimer(self, interval=1000, timeout=self.changed.emit)
        self.changed.connect(self._update_clock)

    # ── loading ────────────────────────────────────────────────────────────
    async def load(self) -> None:
        """Read the initial state from the companion (on the loop)."""
        c = self.companion
        self.connection_state, self.connection_detail = c.connection_state()
        self.pending = await review.pending_count(c.store)
        last = await runs_query.last_finished_run(c.store)
        if last is not None:
            self.last_result = {
                "run_id": last["id"], "agent_id": last["agent_id"], "agent_name": last["agent_name"],
                "status": last["status"], "processed": last["items_processed"], "created": last["items_created"],
                "updated": last["items_updated"], "finished_at": last["finished_at"],
            }
        if c.next_run_at is not None:
            self.next_run_at = c.next_run_at
        self.next_agent_id = c.next_agent_id
        self._set_agents(await config.list_agents(c.store), emit=False)
        for agent_id, run_id in c.running().items():
            self.running[run_id] = RunProgress(run_id, agent_id, self.agent_name(agent_id))
        self.loaded = True
        self.changed.emit()

    def _set_pending(self, count: int) -> None:
        if count != self.pending:
            self.pending = count
            self.changed.emit()

    def _set_agents(self, agents: list[Any], *, emit: bool = True) -> None:
        self.agents = [AgentInfo(a.id, a.name, a.enabled, a.schedule_cron, a.engine) for a in agents]
        self._drop_stale_next_run()
        if emit:
            self.agents_changed.emit()
            self.changed.emit()

    # ── events (GUI thread) ────────────────────────────────────────────────
    def _connection_changed(self, e: ev.ConnectionDidChange) -> None:
        self.connection_state, self.connection_detail = e.state, e.detail
        self.changed.emit()

    def _run_started(self, e: ev.RunDidStart) -> None:
        self.running[e.run_id] = RunProgress(
            e.run_id, e.agent_id, e.agent_name or self.agent_name(e.agent_id), trigger=e.trigger or "manual",
        )
        self.changed.emit()

    def _run_progressed(self, e: ev.RunDidProgress) -> None:
        run = self.running.get(e.run_id)
        if run is None:
            return
        run.phase = str(e.phase or run.phase)
        run.file = str(e.file or "")
        run.processed = int(e.processed or run.processed)
        run.total = int(e.total or run.total)
        if not self._progress_timer.isActive():
            self._progress_timer.start()

    def _run_finished(self, e: ev.RunDidFinish) -> None:
        run = self.running.pop(e.run_id, None)
        name = e.agent_name or (run.agent_name if run else self.agent_name(e.agent_id))
        self.last_result = {**e.payload(), "errors": list(e.errors), "agent_name": name,
                            "finished_at": datetime.now().astimezone().isoformat()}
        self.run_finished.emit(self.last_result)
        self._pending_refresher.request()
        self.changed.emit()

    def _review_changed(self, e: ev.ReviewDidChange) -> None:
        self.pending = e.pending
        self.changed.emit()

    def _record_changed(self, _e: ev.RecordDidChange) -> None:
        self._pending_refresher.request()

    def _scheduler_changed(self, e: ev.SchedulerDidChange) -> None:
        self.next_run_at = parse_iso(e.next_run_at) if e.next_run_at and not e.paused else None
        self.next_agent_id = e.agent_id
        self._drop_stale_next_run()
        self.changed.emit()

    def _bridge_paused(self, _e: ev.BridgeDidPause) -> None:
        self.changed.emit()  # ``bridge_paused`` reads the companion

    def _agent_changed(self, _e: ev.AgentDidChange) -> None:
        self._agents_refresher.request()

    def _drop_stale_next_run(self) -> None:
        """Forget a next run whose agent was removed, disabled or unscheduled (the scheduler re-announces)."""
        if self.next_agent_id is None:
            if not self.agents and self.loaded:  # no agent left: nothing can be scheduled
                self.next_run_at = None
            return
        agent = next((a for a in self.agents if a.id == self.next_agent_id), None)
        if agent is None or not agent.enabled or not agent.schedule_cron:
            self.next_run_at, self.next_agent_id = None, None

    def _update_clock(self) -> None:
        if self.running and not self._clock.isActive():
            self._clock.start()
        elif not self.running and self._clock.isActive():
            self._clock.stop()

    # ── derived ────────────────────────────────────────────────────────────
    @property
    def schedule_paused(self) -> bool:
        """The companion's flag (its one owner); ``scheduler_did_change`` says when it changed."""
        return self.companion.schedule_paused

    @property
    def bridge_paused(self) -> bool:
        """The companion's flag (its one owner); ``bridge_did_pause`` says when it changed."""
        return self.companion.bridge_paused

    def agent_name(self, agent_id: str | None) -> str:
        for agent in self.agents:
            if agent.id == agent_id:
                return agent.name
        return "an agent"

    def running_agent_ids(self) -> set[str]:
        return {r.agent_id for r in self.running.values()}

    @property
    def last_failed(self) -> bool:
        return bool(self.last_result and self.last_result.get("status") in FAILED)

    def tray_state(self) -> str:
        if self.running:
            return "running"
        if self.pending > 0 or self.last_failed:
            return "attention"
        if self.schedule_paused or self.bridge_paused:
            return "paused"
        if self.connection_state == "connected":
            return "connected"
        return "offline"

    def connection_text(self) -> str:
        text = CONNECTION_TEXT.get(self.connection_state, self.connection_state.title())
        if self.connection_state == "disabled" and self.connection_detail:
            if "URL" in self.connection_detail:
                return "Offline (no backend set)"
            return "Offline (not signed in)"
        return text

    def next_run_text(self) -> str:
        if self.schedule_paused:
            return "Schedule paused"
        if self.next_run_at is None:
            return "No run scheduled"
        name = self.agent_name(self.next_agent_id) if self.next_agent_id else ""
        return f"Next run {format_when(self.next_run_at)}" + (f" ({name})" if name and name != "an agent" else "")

    def running_text(self) -> str:
        if not self.running:
            return ""
        run = next(iter(self.running.values()))
        step = f" {run.processed}/{plural(run.total, 'file')}" if run.total else ""
        more = f" (+{len(self.running) - 1} more)" if len(self.running) > 1 else ""
        return f"Running {run.agent_name}{step}{more} · {format_elapsed(run.started)}"

    def last_result_text(self) -> str:
        r = self.last_result
        if not r:
            return "No runs yet"
        status = r.get("status", "")
        name = r.get("agent_name") or "Last run"
        if status in ("success", "partial"):
            text = (f"{name}: {plural(int(r.get('processed') or 0), 'file')}, {r.get('created', 0)} suggested, "
                    f"{r.get('updated', 0)} updated")
            return text + (" (with errors)" if status == "partial" else "")
        return f"{name}: {status}"


def format_elapsed(since: datetime, now: datetime | None = None) -> str:
    """How long since ``since``: ``0:07``, ``12:45``, ``1:02:03``."""
    seconds = max(0, int(((now or datetime.now().astimezone()) - since).total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def format_when(moment: datetime | None) -> str:
    """A local time for people: ``today 09:00``, ``tomorrow 09:00``, ``Mon 24 Nov 09:00``."""
    if moment is None:
        return "—"
    local = moment.astimezone()
    today = datetime.now().astimezone().date()
    day = local.date()
    clock = local.strftime("%H:%M")
    delta = (day - today).days
    if delta == 0:
        return f"today {clock}"
    if delta == 1:
        return f"tomorrow {clock}"
    if delta == -1:
        return f"yesterday {clock}"
    if abs(delta) < 180:
        return local.strftime("%a %d %b ") + clock
    return local.strftime("%d %b %Y ") + clock
