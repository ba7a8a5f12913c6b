"""The one executor: every tool call, whoever asks, runs through ``run_on_db`` or its async twin.

The core (``run_on_db``) is synchronous and runs on the store's database
thread, on the store's connection:

    lookup by id → (replay | conflict) → savepoint → tool → journal row → release

A tool that fails rolls back to its savepoint only; its error is journaled
unless a retry may cure it (``timeout``, ``busy``, ``paused``, ``internal``).
A writing call runs as a ``Store.write`` job, so its write and its row commit
together in the group's transaction and the await returns after that commit
(ack after commit); a failed commit answers ``internal`` (retryable, nothing
stored). A read-only call runs on the loop's read-only connection when it is
short (``Store.read_here``), else as a ``Store.read`` job, and is answered at
once; its row is posted to the next write group (PROTOCOL.md "Read-only calls").

Shells, all thin:

- ``execute(store, catalog, ...)``: the async entry of the bridge's dispatcher,
  the MCP door, the llm engine and the UI (``invoke``); tools with no database
  body (filesystem reads) run their async ``impl`` on the loop between a lookup
  job and a row job (``agents.calls_async``);
- ``run_local(db, ...)``: a local engine run already on the database thread
  (``Runner.run_steps``), inside the job that run holds.

Exceptions become typed errors here (``as_tool_error``) and writes are
announced here (``announce``, on the loop, after the commit). ``prepare``
(validation) runs on the caller's loop; the only SQL on a loop is a short read
(``agents.loop_reads`` bounds it in time and per loop turn).
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from agents import calls_async, journal, read_batch
from agents.errors import ErrorType, ToolError
from agents.events import RecordDidChange
from agents.journal import Outcome
from agents.store import CommitFailed, Store, SyncDb, new_id, utcnow
from agents.tools.base import Grant, ToolContext, ToolSpec
from agents.tools.catalog import Catalog
from agents.tools.errors import as_tool_error

log = logging.getLogger(__name__)

__all__ = ["Outcome", "Prepared", "announce", "as_tool_error", "execute", "invoke", "prepare", "run_local",
           "run_on_db"]


@dataclass(slots=True)
class Prepared:
    """A call validated on the loop, ready for the core."""

    call_id: str
    name: str
    spec: ToolSpec | None
    model: Any
    invalid: ToolError | None  # unknown_tool / invalid_args: journaled like any error
    args_json: str
    digest: str
    read_only: bool
    source: str
    run_id: str | None
    agent_id: str | None
    limit: int | None
    fresh: bool = False  # the caller made the id up just now: no journal lookup (no replay possible)
    grant: Grant | None = None  # the folders (and their pins) the caller already looked up
    started_at: str = field(default_factory=utcnow)
    began: float = field(default_factory=time.perf_counter)

    def outcome(self, result: dict[str, Any] | None, error: ToolError | None, text: str | None = None) -> Outcome:
        elapsed = round((time.perf_counter() - self.began) * 1000, 3)
        return Outcome(self.call_id, self.name, error is None, result, error, elapsed, result_json=text)

    def row(self, outcome: Outcome, text: str | None) -> tuple[Any, ...]:
        return journal.record_params(
            call_id=self.call_id, name=self.name, args=self.args_json, digest=self.digest, source=self.source,
            run_id=self.run_id, agent_id=self.agent_id, outcome=outcome, started_at=self.started_at,
            read_only=self.read_only, text=text, limit=self.limit,
        )

    def context(self, store: Store, **kw: Any) -> ToolContext:
        return ToolContext(store=store, run_id=self.run_id, agent_id=self.agent_id, call_id=self.call_id,
                           source=self.source, grant=self.grant, **kw)


def prepare(catalog: Catalog, *, call_id: str, name: str, args: Mapping[str, Any] | None, run_id: str | None = None,
            agent_id: str | None = None, source: str = "bridge", max_result_bytes: int | None = None,
            fresh: bool = False, grant: Grant | None = None) -> Prepared:
    """Validate the arguments (pydantic) and hash the canonical call; never raises."""
    try:
        spec, model = catalog.validate(name, args)
        canonical, invalid = model.model_dump(mode="json", exclude_unset=True), None
    except ToolError as err:
        spec, model, invalid = None, None, err
        canonical = args if args is not None else {}
    args_json, digest = journal.args_text_and_digest(name, canonical)
    known = spec or (catalog.get(name) if name in catalog.names else None)
    return Prepared(call_id, name, spec, model, invalid, args_json, digest, bool(known and known.read_only),
                    source, run_id, agent_id, max_result_bytes, fresh, grant)


def announce(catalog: Catalog, outcome: Outcome, run_id: str | None) -> None:
    """Tell the UI a write happened (on the loop, after its commit)."""
    if not outcome.ok or outcome.replayed or catalog.events is None:
        return
    spec = catalog.get(outcome.name)
    if not spec.read_only:
        catalog.events.emit(RecordDidChange(tool=spec.name, group=spec.group,
                                            id=outcome.result.get("id"), run_id=run_id))  # type: ignore[union-attr]


# ── the core (database thread) ─────────────────────────────────────────────
def run_on_db(db: SyncDb, p: Prepared, store: Store | None = None, *, lookup: bool = True,
              whole_job: bool = False) -> Outcome:
    """Lookup → savepoint → tool → journal row → release, on the store's connection.

    Inside a write job the row joins the job's transaction; in a read job
    (no transaction open) a read's row is deferred to the turn's write group.
    ``whole_job``: this call is the whole ``Store.write`` job, so the job's own
    savepoint is the tool's unit (a failure rolls back to it, then the error row
    is written): no nested savepoint.
    """
    conn = db.conn
    if lookup:
        row = conn.execute(journal.LOOKUP, (p.call_id,)).fetchone()
        if row is not None and journal.answers(row, p.name, p.digest):
            return journal.replay(row, p.call_id, p.name, p.digest)  # type: ignore[arg-type]
    read_only = p.read_only
    try:
        if p.invalid is not None:
            raise p.invalid
        spec = p.spec
        if spec is None or spec.sync_impl is None:
            raise ToolError(ErrorType.INTERNAL, f"{p.name} has no database body to run here")
        ctx = p.context(store, db=db)  # type: ignore[arg-type]
        if read_only:
            result = spec.sync_impl(db, ctx, p.model)
            text = journal.payload_text(p.name, result, True, p.source, True, p.limit)
        elif whole_job:
            try:
                result = spec.sync_impl(db, ctx, p.model)
                text = journal.payload_text(p.name, result, True, p.source, False, p.limit)
            except BaseException:
                db.rollback_job()  # the tool's writes only: the lookup wrote nothing
                raise
        else:
            with db.unit("call"):  # a failure (too_large included) undoes the tool's writes only
                result = spec.sync_impl(db, ctx, p.model)
                text = journal.payload_text(p.name, result, True, p.source, False, p.limit)
    except Exception as exc:
        if db.on_loop and isinstance(exc, sqlite3.OperationalError):
            raise  # interrupted or locked on the loop's connection: not an answer, the DB thread runs it again
        error = as_tool_error(p.name, exc, call_id=p.call_id, run_id=p.run_id)
        outcome = p.outcome(None, error)
        if error.retryable:
            return outcome
        params = p.row(outcome, None)
        outcome = outcome.with_text(params[9])
    else:
        elapsed = round((time.perf_counter() - p.began) * 1000, 3)
        outcome = Outcome(p.call_id, p.name, True, result, None, elapsed, False, text)
        params = (p.call_id, p.name, p.digest, p.args_json, p.source, p.run_id, p.agent_id, 1, None, text,
                  p.started_at, utcnow(), elapsed, int(read_only and p.source == "bridge"))
    if read_only and db.outside_writes:
        db.defer(lambda d: d.execute(journal.INSERT, params))
    else:
        conn.execute(journal.INSERT, params)
    return outcome


def run_local(db: SyncDb, catalog: Catalog, *, name: str, args: Mapping[str, Any] | None, run_id: str | None,
              agent_id: str | None) -> Outcome:
    """A local engine call on the database thread, inside the job the caller holds (fresh id: no lookup)."""
    p = prepare(catalog, call_id=f"local-{new_id()}", name=name, args=args, run_id=run_id, agent_id=agent_id,
                source="local")
    return run_on_db(db, p, catalog.store, lookup=False)


# ── the async shell ───────────────────────────────────────────────────────
async def execute(
    store: Store,
    catalog: Catalog,
    *,
    call_id: str,
    name: str,
    args: Mapping[str, Any] | None,
    run_id: str | None = None,
    agent_id: str | None = None,
    source: str = "bridge",
    max_result_bytes: int | None = None,
    fresh: bool = False,
    grant: Grant | None = None,
    loop_read: bool = True,
) -> Outcome:
    """Run ``name(args)`` once for ``call_id``; see the module docstring. Raises only CancelledError.

    ``fresh``: the caller made ``call_id`` up for this call (the MCP door), so there is nothing to
    replay and the lookup is skipped. ``grant``: the folders the call may read and their pins,
    when the caller already read them (the door does, with its own settings, in one trip).
    ``loop_read``: a short database read may be answered on this loop (``Store.read_here``, the
    turn's first only); a caller with other calls in flight says False, so that they all share
    the database thread, which works in parallel with the loop.
    """
    p = prepare(catalog, call_id=call_id, name=name, args=args, run_id=run_id, agent_id=agent_id, source=source,
                max_result_bytes=max_result_bytes, fresh=fresh, grant=grant)
    try:
        if p.spec is None or p.spec.db_only:
            if p.read_only:  # a lone short read here (agents.loop_reads), else with this turn's (agents.read_batch)
                core = partial(run_on_db, p=p, store=store, lookup=not fresh)
                done, outcome = store.read_here(core, first=True) if loop_read else (False, None)
                if not done:
                    outcome = await read_batch.read(store, core)
            else:
                outcome = await store.write(partial(run_on_db, p=p, store=store, whole_job=True, lookup=not fresh))
        elif p.read_only:
            outcome = await calls_async.run_read(store, p)
        else:
            outcome = await calls_async.run_write(store, p)
    except CommitFailed as exc:
        log.error("tools.commit.failed call_id=%s tool=%s error=%s", call_id, name, exc.__cause__)
        error = ToolError(ErrorType.INTERNAL,
                          f"{name}: the database could not commit ({exc.__cause__}); nothing was stored, retry")
        return p.outcome(None, error)
    except Exception as exc:  # the journal row could not be written: the job rolled back, nothing stored
        log.error("tools.journal.failed call_id=%s tool=%s", call_id, name, exc_info=exc)
        return p.outcome(None, ToolError(ErrorType.INTERNAL, f"{name} failed: {type(exc).__name__}: {exc}"))
    announce(catalog, outcome, run_id)
    return outcome


async def invoke(catalog: Catalog, name: str, args: Mapping[str, Any] | None, *, run_id: str | None = None,
                 agent_id: str | None = None) -> dict[str, Any]:
    """A local call (the UI, the llm engine): a fresh id, journaled; the result, or the ``ToolError`` raised."""
    outcome = await execute(catalog.store, catalog, call_id=f"local-{new_id()}", name=name, args=args,
                            run_id=run_id, agent_id=agent_id, source="local")
    if not outcome.ok:
        raise outcome.error  # type: ignore[misc]
    return outcome.result  # type: ignore[return-value]
