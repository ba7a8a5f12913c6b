"""One agent run: its record, its engine, its end.

A run row in ``agent_runs`` goes ``running`` → ``success | partial | error |
cancelled``; a run cut off by a crash is marked ``interrupted`` at the next
start (``mark_interrupted``). Engines use the tools only through the
executor (``agents.calls``), with the run's id, so a run's tool calls can be
listed afterwards: one call at a time with ``RunContext.call`` (the llm
engine), or as steps with ``RunContext.run_steps`` (the rules engine: many
files' worth of calls per trip to the database thread, see ``run_steps``).

Outcome rules (as the backend's runner): a fatal engine error → ``error``;
errors with nothing processed → ``error``; errors and something processed →
``partial``; none → ``success``. ``last_run_at`` is set to the run's start
when it finishes, whatever the outcome, so the schedule moves on.

All coroutines run on the store's loop; ``cancel()`` is safe at any time.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sqlite3
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol, TypeVar

from agents import calls, sources
from agents.config import AgentConfig, set_last_run
from agents.errors import AgentBusy, EngineUnavailable, RunCancelled, RunFailed
from agents.events import EventHub, RunDidFinish, RunDidProgress, RunDidStart
from agents.journal import Outcome
from agents.steps import Call, Local, Progress, Steps, advance
from agents.store import Store, SyncDb, new_id, parse_iso, utcnow
from agents.tools.catalog import Catalog

T = TypeVar("T")

log = logging.getLogger(__name__)

TRIGGERS = ("schedule", "manual", "catch_up", "backend")
FINAL = ("success", "partial", "error", "cancelled", "interrupted")

ToolCaller = Callable[[str, dict[str, Any]], Awaitable[dict[str, Any]]]


@dataclass
class RunStats:
    processed: int = 0
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)
    summary: str = ""
    skipped: list[dict[str, str]] = field(default_factory=list)  # {"path", "reason"}: not read, and why
    details: dict[str, Any] = field(default_factory=dict)  # stored with the run (agent_runs.details)

    def status(self) -> str:
        """The backend's rule: errors and nothing processed → error; errors → partial; else success."""
        if self.errors and self.processed == 0:
            return "error"
        return "partial" if self.errors else "success"


@dataclass
class RunContext:
    """What an engine gets for one run."""

    run_id: str
    agent: AgentConfig
    trigger: str
    call: ToolCaller
    stats: RunStats
    since: datetime | None
    reference_date: date
    progress: Callable[..., None]
    run_steps: Callable[[Steps[Any]], Awaitable[Any]]


class Engine(Protocol):
    name: str

    async def run(self, ctx: RunContext) -> None:
        """Do the run; add to ``ctx.stats``; raise ``RunFailed`` when nothing can be done."""


class Runner:
    """Starts runs, one at a time per agent. Keyword-only construction."""

    def __init__(
        self,
        *,
        store: Store,
        catalog: Catalog,
        events: EventHub,
        engines: dict[str, Engine],
        today: Callable[[], date] = date.today,
        trip_seconds: float = 0.02,
    ):
        self.today = today  # the date relative dates in files are read against ("Dec 4")
        self.trip_seconds = trip_seconds  # how long one trip of a local run holds the database thread
        self.store = store
        self.catalog = catalog
        self.events = events
        self.engines = engines
        self._running: dict[str, tuple[str, asyncio.Task[Any]]] = {}  # agent_id -> (run_id, task)

    def is_running(self, agent_id: str) -> bool:
        return agent_id in self._running

    def running(self) -> dict[str, str]:
        """agent_id → run_id of the runs in progress."""
        return {a: r for a, (r, _) in self._running.items()}

    def cancel(self, key: str | None = None) -> bool:
        """Cancel the run of an agent (id) or a run (id); all runs when ``key`` is None."""
        hit = False
        for agent_id, (run_id, task) in list(self._running.items()):
            if key is None or key in (agent_id, run_id):
                task.cancel()
                hit = True
        return hit

    async def mark_interrupted(self) -> int:
        """Close runs left ``running`` by a crash; returns how many.

        Only the holder of the data dir's ``InstanceLock`` may call this (``Companion.start``
        does, after taking it): any other process would close the live companion's runs.
        """
        return await self.store.execute(
            "UPDATE agent_runs SET status = 'interrupted', finished_at = ?, "
            "errors = json_insert(errors, '$[#]', 'the companion stopped before the run finished') "
            "WHERE status IN ('pending', 'running')",
            (utcnow(),),
        )

    async def run(self, agent: AgentConfig, trigger: str = "manual") -> dict[str, Any]:
        """Run ``agent`` now and wait for the end; returns the final run row.

        Raises ``AgentBusy`` when that agent is already running, ``EngineUnavailable`` when its
        engine is not on this device (both ``RunRefused``: nothing is recorded).
        """
        if agent.id in self._running:
            raise AgentBusy(agent.name)
        engine = self.engines.get(agent.engine)
        if engine is None:
            raise EngineUnavailable(agent.engine)
        run_id = new_id()
        task = asyncio.current_task()
        assert task is not None
        self._running[agent.id] = (run_id, task)
        try:
            return await self._run(run_id, agent, engine, trigger)
        finally:
            self._running.pop(agent.id, None)

    async def _run(self, run_id: str, agent: AgentConfig, engine: Engine, trigger: str) -> dict[str, Any]:
        started = utcnow()
        await self.store.execute(
            "INSERT INTO agent_runs (id, agent_id, agent_name, trigger, engine, status, started_at) "
            "VALUES (?, ?, ?, ?, ?, 'running', ?)",
            (run_id, agent.id, agent.name, trigger, agent.engine, started),
        )
        self.events.emit(RunDidStart(
            run_id=run_id, agent_id=agent.id, agent_name=agent.name, trigger=trigger, engine=agent.engine,
        ))
        log.info("agents.run.started run_id=%s agent_id=%s trigger=%s engine=%s", run_id, agent.id, trigger,
                 agent.engine)
        stats = RunStats()

        def progress(**kw: Any) -> None:
            self.events.emit(RunDidProgress.of(run_id, agent.id, kw))

        ctx = RunContext(
            run_id=run_id, agent=agent, trigger=trigger, call=self._caller(run_id, agent.id, stats),
            stats=stats, since=await self._last_success(agent.id), reference_date=self.today(),
            progress=progress,
            run_steps=lambda steps: self.run_steps(steps, run_id=run_id, agent_id=agent.id, progress=progress),
        )
        status: str
        try:
            await engine.run(ctx)
        except asyncio.CancelledError:
            status = "cancelled"
            await asyncio.shield(self._finish(run_id, agent, started, status, stats))
            raise
        except RunFailed as exc:
            stats.errors.append(str(exc))
            status = "error"
        except RunCancelled as exc:
            stats.errors.append(str(exc))
            status = "cancelled"
        except Exception as exc:
            log.exception("agents.run.failed run_id=%s", run_id)
            stats.errors.append(f"Agent run failed: {type(exc).__name__}: {exc}")
            status = "error"
        else:
            status = stats.status()
        return await self._finish(run_id, agent, started, status, stats)

    async def _finish(self, run_id: str, agent: AgentConfig, started: str, status: str, stats: RunStats
                      ) -> dict[str, Any]:
        await self.store.execute(
            "UPDATE agent_runs SET status = ?, finished_at = ?, items_processed = ?, items_created = ?, "
            "items_updated = ?, errors = ?, summary = ?, details = ? WHERE id = ?",
            (status, utcnow(), stats.processed, stats.created, stats.updated, json.dumps(stats.errors[:200]),
             stats.summary, json.dumps({**stats.details, "skipped": stats.skipped[:10_000]}), run_id),
        )
        await set_last_run(self.store, agent.id, started)
        row = await self.store.fetchone("SELECT * FROM agent_runs WHERE id = ?", (run_id,))
        assert row is not None
        row["errors"] = json.loads(row["errors"])
        row["details"] = json.loads(row.get("details") or "{}")
        await self.store.add_activity(
            "run_finished",
            f"{agent.name}: {status}, {stats.created} suggested, {stats.updated} updated",
            subject_id=agent.id, run_id=run_id,
            data={"status": status, "created": stats.created, "updated": stats.updated},
        )
        self.events.emit(RunDidFinish(
            run_id=run_id, agent_id=agent.id, agent_name=agent.name, status=status, processed=stats.processed,
            created=stats.created, updated=stats.updated, errors=tuple(stats.errors[:5]),
        ))
        log.info("agents.run.finished run_id=%s status=%s processed=%d created=%d updated=%d errors=%d",
                 run_id, status, stats.processed, stats.created, stats.updated, len(stats.errors))
        return row

    async def link_remote_run(self, run_id: str, remote_run_id: str) -> dict[str, int]:
        """Tie a local run to the backend's run id; count the records its calls created and updated."""
        await self.store.execute("UPDATE agent_runs SET remote_run_id = ? WHERE id = ?", (remote_run_id, run_id))
        row = await self.store.fetchone(
            "SELECT SUM(name LIKE 'create_%' OR name = 'insert') AS created, SUM(name LIKE 'update_%') AS updated "
            "FROM tool_calls WHERE run_id = ? AND ok = 1",
            (remote_run_id,),
        )
        return {"created": int(row["created"] or 0), "updated": int(row["updated"] or 0)} if row else {}

    async def _last_success(self, agent_id: str) -> datetime | None:
        """Files older than the last successful run's start are skipped by triage."""
        value = await self.store.scalar(
            "SELECT MAX(started_at) FROM agent_runs WHERE agent_id = ? AND status = 'success'", (agent_id,)
        )
        return parse_iso(value)

    async def run_steps(self, steps: Steps[T], *, run_id: str, agent_id: str,
                        progress: Callable[..., None]) -> T:
        """Drive an engine's steps (``agents.steps``) on the database thread.

        Each trip is one transaction that runs calls until the first
        checkpoint after ``trip_seconds``: every call is journaled with the
        run's id (``calls.run_local``), and the loop is free between
        trips. Each unit of work between checkpoints (a file) is a savepoint:
        an exception out of the steps rolls back only the unfinished unit, and
        the units before it commit. After each trip the writes are announced
        and the progress is shown, on the loop. Cancelling waits for the trip
        in hand (at most about ``trip_seconds``), which commits, then closes
        the steps.
        """
        catalog, budget = self.catalog, self.trip_seconds

        def trip(db: SyncDb) -> tuple[bool, Any, list[Outcome], list[dict], BaseException | None]:
            written: list[Outcome] = []
            shown: list[dict[str, Any]] = []
            deadline = time.perf_counter() + budget
            value, error = None, None  # a trip starts the steps or resumes them after a checkpoint
            db.savepoint("unit")
            try:
                while True:
                    try:
                        step = advance(steps, value, error)
                    except StopIteration as stop:
                        db.release("unit")
                        return True, stop.value, written, shown, None
                    value, error = None, None
                    if isinstance(step, Call):
                        outcome = calls.run_local(db, catalog, name=step.name, args=step.args,
                                                  run_id=run_id, agent_id=agent_id)
                        if outcome.ok:
                            value = outcome.result
                            written.append(outcome)
                        else:
                            error = outcome.error
                    elif isinstance(step, Local):
                        value = sources.handle(db, step.op, step.args)
                    elif isinstance(step, Progress):
                        shown.append(step.payload)
                    else:  # a checkpoint: the unit of work before it is complete
                        db.release("unit")
                        if time.perf_counter() >= deadline:
                            return False, None, written, shown, None
                        db.savepoint("unit")
            except Exception as exc:
                # Only the unfinished unit rolls back; the units before it in this trip commit.
                with contextlib.suppress(sqlite3.Error):
                    db.rollback_to("unit")
                return True, None, written, shown, exc

        try:
            while True:
                running = asyncio.ensure_future(self.store.write(trip))  # one job: the group commits it
                try:
                    done, result, written, shown, failure = await asyncio.shield(running)
                except asyncio.CancelledError:
                    with contextlib.suppress(Exception):
                        await running  # the trip ends on its own (and commits) before the steps close
                    raise
                for outcome in written:
                    calls.announce(catalog, outcome, run_id)
                for payload in shown:
                    progress(**payload)
                if failure is not None:
                    raise failure
                if done:
                    return result
        finally:
            steps.close()

    def _caller(self, run_id: str, agent_id: str, stats: RunStats) -> ToolCaller:
        async def call(name: str, args: dict[str, Any]) -> dict[str, Any]:
            return await calls.invoke(self.catalog, name, args, run_id=run_id, agent_id=agent_id)

        return call
