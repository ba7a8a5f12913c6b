"""Companion: the Qt-free application core.

It owns the data dir's instance lock, the store, the catalogue, the runner
with its engines, the scheduler, the bridge client and the local control
socket, starts them in order (the lock first, before any write to the
workspace) and stops them in reverse (scheduler, then the bridge drains, then
the store closes, then the lock is released); a start that fails part-way
undoes what it started. The GUI and ``--headless`` both run exactly this; the GUI adds
windows that listen to ``companion.events``.

The bridge client (websockets, the protocol models, the dispatcher) is
created when there is a backend to dial: at start when a URL is configured
(the stored setting or ``ADIUVA_BACKEND_URL``), else on the first
``reconnect(url=...)`` with one (the Connection view's Save, Test
connection). Until then ``client`` is None and the connection state is
``disabled`` ("no backend URL is configured"), as the client would say.

It is the facade the window and the CLI use: runs (``run_agent``, ``start_run``, ``cancel_run``,
``is_running``, ``running``), agents (``save_agent``, ``remove_agent``), settings and pause state,
the connection (``connection_state``, ``reconnect``, ``wait_connected``) and tool calls
(``invoke_tool``); they never reach into ``runner``, ``client`` or ``catalog``. It also answers the
control socket (``desktop.control``): ``run``, ``agent_save`` and ``agent_remove`` (the handlers are
in ``desktop.companion_control``), so a CLI change reaches this companion's scheduler, hello and
window at once. The engines (``rules``, ``llm`` loaded lazily, ``backend``) are built by
``desktop.companion_engines``; the bridge client, the hello and the connection facade
(``connection_state``, ``wait_connected``, ``has_bridge``) are in ``desktop.companion_bridge``.

Everything runs on one asyncio loop (qasync's in the GUI).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agents import calls, config, settings
from agents.config import AgentConfig
from agents.errors import AgentNotFound, ConfigError, RunRefused
from agents.events import AgentDidChange, BridgeDidPause, Event, EventHub, SchedulerDidChange
from agents.paths import InstanceLock
from agents.paths import data_dir as resolve_data_dir
from agents.review import Review
from agents.runner import Runner
from agents.scheduler import AgentSchedule, Scheduler
from agents.store import DB_FILENAME, Store
from agents.tools.catalog import Catalog
from bridge import credentials
from bridge.endpoint import validate_backend_url
from desktop.companion_bridge import BridgeSide
from desktop.companion_control import ControlCommands
from desktop.companion_engines import default_engines

if TYPE_CHECKING:
    from bridge.client import DeviceClient
    from desktop.control import ControlServer

log = logging.getLogger(__name__)

BACKEND_URL_ENV = "ADIUVA_BACKEND_URL"


class Companion(BridgeSide, ControlCommands):
    """Keyword-only construction; ``await start()`` on the loop, ``await stop()`` to end."""

    def __init__(
        self,
        *,
        data_dir: str | os.PathLike[str] | None = None,
        backend_url: str | None = None,
        token_provider: Any = None,
        scheduler: bool = True,
        control: bool = True,
        max_concurrency: int = 8,
        deadline: float = 25.0,
        extra_engines: dict[str, Any] | None = None,
    ):
        self.data_dir: Path = resolve_data_dir(data_dir)
        self._backend_url_arg = backend_url
        self._token_provider = token_provider or credentials.get_token
        self._want_scheduler = scheduler
        self._want_control = control
        self.max_concurrency = max_concurrency
        self.deadline = deadline
        self._extra_engines = extra_engines or {}
        self.events = EventHub()
        self.store: Store
        self.catalog: Catalog
        self.runner: Runner
        self.review: Review
        self.scheduler: Scheduler | None = None
        self.client: DeviceClient | None = None
        self.control: ControlServer | None = None
        self.device_id = ""
        self._bridge_paused = False  # the user's pause choices: owned here, announced by event
        self._schedule_paused = False
        self._tasks: set[asyncio.Task[Any]] = set()
        self._stopped = asyncio.Event()
        self._instance_lock: InstanceLock | None = None
        self.started = False

    # ── lifecycle ──────────────────────────────────────────────────────────
    async def start(self) -> None:
        """Take the data dir's instance lock, then open the store and start the parts.

        Raises ``AlreadyRunning`` / ``DataDirError`` (the lock), ``StoreError``,
        ``ConfigError`` (a bad backend URL), ``OSError`` (the data dir) or
        ``RuntimeError`` (the control socket); whatever it started is stopped
        and the lock released first, so a failed start leaves nothing behind.
        """
        # Bad input changes nothing: the URLs are checked before the data dir is touched.
        if self._backend_url_arg:
            self._backend_url_arg = validate_backend_url(self._backend_url_arg)
        if os.environ.get(BACKEND_URL_ENV):
            validate_backend_url(os.environ[BACKEND_URL_ENV])
        # The lock comes before any write to the workspace (migrations, closing
        # interrupted runs): a second instance must never touch the first's data.
        self._instance_lock = InstanceLock(self.data_dir)
        self._instance_lock.acquire()
        try:
            await self._start()
        except BaseException:
            await self._teardown()
            raise

    async def _start(self) -> None:
        self.store = await Store.open(self.data_dir / DB_FILENAME)
        self.device_id = credentials.device_id(self.data_dir)
        self.catalog = Catalog(store=self.store, events=self.events)
        self.review = Review(store=self.store, events=self.events)
        engines = default_engines(self.store, requester=lambda: self.client, link_remote_run=self._link_remote)
        engines.update(self._extra_engines)
        self.runner = Runner(store=self.store, catalog=self.catalog, events=self.events, engines=engines)
        interrupted = await self.runner.mark_interrupted()
        if interrupted:
            log.warning("companion.runs.interrupted count=%d", interrupted)
        if self._backend_url_arg:
            await self.set_backend_url(self._backend_url_arg, reconnect=False)
        self._bridge_paused = await settings.is_bridge_paused(self.store)
        url = await self.backend_url()
        if url:
            self._start_client(url)
        self._schedule_paused = await settings.is_schedule_paused(self.store)
        if self._want_scheduler and not self._schedule_paused:
            self._start_scheduler()
        if self._want_control:
            from desktop.control import ControlServer

            control = ControlServer(self.data_dir, self._control_handlers())
            await control.start()  # kept only once it serves: a failed start must not remove another's socket
            self.control = control
        self.events.subscribe(self._on_event)
        self.started = True
        log.info("companion.started data_dir=%s device_id=%s", self.data_dir, self.device_id)

    async def stop(self) -> None:
        """Stop the scheduler, cancel runs, drain the bridge, close the store, release the lock."""
        if not self.started:
            return
        self.started = False
        await self._teardown()
        self._stopped.set()
        log.info("companion.stopped")

    async def _teardown(self) -> None:
        """Undo whatever ``start`` got to, in reverse order; safe on a half-started companion."""
        try:
            if self.control is not None:
                await self.control.stop()
            if self.scheduler is not None:
                self.scheduler.stop()
            runner = getattr(self, "runner", None)
            if runner is not None:
                runner.cancel()
            if self.client is not None:
                await self.client.stop(drain_timeout=5.0)
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
            store = getattr(self, "store", None)
            if store is not None:
                await store.close()
        finally:
            if self._instance_lock is not None:
                self._instance_lock.release()

    async def wait_stopped(self) -> None:
        await self._stopped.wait()

    def _spawn(self, coro: Any, name: str) -> asyncio.Task[Any]:
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("companion.task.failed name=%s", task.get_name(), exc_info=task.exception())

    # ── settings ───────────────────────────────────────────────────────────
    async def backend_url(self) -> str | None:
        env = os.environ.get(BACKEND_URL_ENV)
        if env:
            return validate_backend_url(env)
        value = await self.store.get_setting(settings.BACKEND_URL)
        return value or None

    async def set_backend_url(self, url: str | None, *, reconnect: bool = True) -> None:
        url = validate_backend_url(url) if url else None
        if url:
            await self.store.set_setting(settings.BACKEND_URL, url)
        else:
            await self.store.delete_setting(settings.BACKEND_URL)
        if reconnect:
            self.reconnect(url=url or "")

    def reconnect(self, *, url: str | None = None) -> None:
        """Dial the backend again now (after sign-in, sign-out or a URL change; ``url=""`` forgets the URL).

        Creates the bridge client if there is none yet and ``url`` names a backend.
        """
        if self.client is not None:
            self.client.reconnect(url=url)
        elif url and self.started:
            self._start_client(url)

    async def device_name(self) -> str:
        return await self.store.get_setting(settings.DEVICE_NAME) or socket.gethostname()

    def _start_scheduler(self) -> None:
        self.scheduler = Scheduler(
            list_agents=self._schedules, start_run=self._scheduled_run, is_running=self.runner.is_running,
            on_event=self._on_scheduler_event,
        )
        self._spawn(self.scheduler.run(), "scheduler")

    # ── pause: the one owner of both flags; views read these properties and follow the events ──
    @property
    def schedule_paused(self) -> bool:
        """Whether the user paused the schedule (stored; a companion without a scheduler keeps it too)."""
        return self._schedule_paused

    async def set_schedule_paused(self, paused: bool) -> None:
        """Stop or restart the scheduler; remembered across restarts; announced as ``SchedulerDidChange``."""
        await self.store.set_setting(settings.SCHEDULE_PAUSED, paused)
        self._schedule_paused = paused
        if paused and self.scheduler is not None:
            self.scheduler.stop()
            self.scheduler = None
        elif not paused and self.scheduler is None and self._want_scheduler and self.started:
            self._start_scheduler()  # it announces its next due time once it has one
        self.events.emit(SchedulerDidChange(paused=paused, next_run_at=None, agent_id=None))

    async def set_bridge_paused(self, paused: bool) -> None:
        """Answer the backend's calls ``paused`` (or not); remembered; announced as ``BridgeDidPause``."""
        await self.store.set_setting(settings.BRIDGE_PAUSED, paused)
        self._bridge_paused = paused
        if self.client is not None:
            self.client.dispatcher.set_paused(paused)
        self.events.emit(BridgeDidPause(paused=paused))

    @property
    def bridge_paused(self) -> bool:
        return self._bridge_paused

    @property
    def next_run_at(self) -> datetime | None:
        """When the scheduler fires next (None when paused or nothing is scheduled)."""
        return self.scheduler.next_run_at if self.scheduler is not None else None

    @property
    def next_agent_id(self) -> str | None:
        """The agent the scheduler starts at ``next_run_at``."""
        return self.scheduler.next_agent_id if self.scheduler is not None else None

    async def _link_remote(self, run_id: str, remote_run_id: str) -> dict[str, int]:
        return await self.runner.link_remote_run(run_id, remote_run_id)

    # ── agents and runs ────────────────────────────────────────────────────
    async def _schedules(self) -> list[AgentSchedule]:
        return [
            AgentSchedule.of(a) for a in await config.list_agents(self.store)
        ]

    async def _scheduled_run(self, agent_id: str, trigger: str) -> Any:
        agent = await config.get_agent(self.store, agent_id)
        if agent is None:
            return None
        try:
            return await self.runner.run(agent, trigger)
        except RunRefused as err:
            log.info("companion.run.skipped agent_id=%s reason=%s", agent_id, err.message)
            return None

    def _on_scheduler_event(self, event: Event) -> None:
        self.events.emit(event)

    async def run_agent(self, key: str, trigger: str = "manual") -> dict[str, Any]:
        """Run an agent (by id or name) now and wait for the end."""
        agent = await config.get_agent(self.store, key)
        if agent is None:
            raise AgentNotFound(key)
        return await self.runner.run(agent, trigger)

    def start_run(self, key: str, trigger: str = "manual") -> asyncio.Task[Any]:
        """Start a run in the background; the task's result is the final run row."""
        return self._spawn(self.run_agent(key, trigger), f"run-{key}")

    def is_running(self, agent_id: str) -> bool:
        return self.runner.is_running(agent_id)

    def running(self) -> dict[str, str]:
        """The runs in progress: agent id → run id."""
        return self.runner.running()

    def cancel_run(self, agent_id: str | None = None) -> None:
        """Cancel one agent's run, or every run when ``agent_id`` is None."""
        self.runner.cancel(agent_id)

    async def invoke_tool(self, name: str, args: dict[str, Any]) -> dict[str, Any]:
        """Call a catalogue tool as the window does (an edit in a record dialog), through the executor."""
        return await calls.invoke(self.catalog, name, args)

    async def save_agent(self, data: dict[str, Any]) -> AgentConfig:
        agent = await config.save_agent(self.store, AgentConfig.parse(data))
        self._agents_changed(agent.id)
        return agent

    async def remove_agent(self, agent_id: str) -> bool:
        removed = await config.delete_agent(self.store, agent_id)
        if removed:
            self._agents_changed(agent_id)
        return removed

    async def remove_agent_undoably(self, agent_id: str) -> tuple[AgentConfig, list[str]] | None:
        """Remove an agent and return what ``restore_agent`` needs to bring it back (the window's Undo)."""
        removed = await config.remove_agent_undoably(self.store, agent_id)
        if removed is not None:
            self._agents_changed(agent_id)
        return removed

    async def restore_agent(self, removed: tuple[AgentConfig, list[str]]) -> AgentConfig:
        agent = await config.restore_agent(self.store, removed)
        self._agents_changed(agent.id)
        return agent

    def _agents_changed(self, agent_id: str) -> None:
        self.events.emit(AgentDidChange(agent_id=agent_id))

    def _on_event(self, event: Event) -> None:
        if isinstance(event, AgentDidChange):
            log.info("companion.agent.changed agent_id=%s scheduler=%s hello=%s", event.agent_id,
                     "notified" if self.scheduler is not None else "off",
                     "resent" if self.client is not None and self.client.connected else "at next connect")
            if self.scheduler is not None:
                self.scheduler.notify_changed()
            if self.client is not None and self.client.connected:
                self.client.reconnect()  # a fresh device_hello carries the new roots and agents


__all__ = ["Companion", "ConfigError"]
