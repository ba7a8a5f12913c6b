"""The tool-call journal: exactly one effect per call id.

``execute(...)`` is the way a tool call runs, whoever asks (the bridge's
dispatcher, the llm engine); ``execute_sync(...)`` is the same for a local
engine run already on the database thread (``Runner.run_steps``), inside the
transaction that run holds:

1. look the call id up; an executed id is answered from its stored result,
   the same id with another name or arguments is a ``conflict`` and runs nothing;
2. run the tool through the catalogue;
3. store the outcome under the id.

For a writing tool, 1–3 happen in one store transaction, so the write and its
journal row commit or roll back together; the caller acknowledges only after
``execute`` returns, i.e. after the commit. Read-only tools run outside the
transaction (file I/O must not hold the database) and their row is written
after. Errors that a retry may cure (``timeout``, ``busy``, ``paused``,
``internal``) are not stored, so the same id may run again; every other error
is stored and replayed like a result.

Cancelling ``execute`` is safe: an open transaction rolls back, and a write
that already committed stays committed and replayable.

Bridge calls pass ``max_result_bytes`` (what fits in a frame): a result whose
JSON text (encoded once, for the row) is larger is answered ``too_large``, a
write that produced it rolls back, and the ``too_large`` is journaled so a
replay of the id gets it too. Rows of read-only bridge calls are marked
``prunable``; after the retention window ``agents.journal_retention`` reduces
them to name and argument hash (``pruned_at``): a replay with the same
arguments then runs again, with others it is a ``conflict``.

Runs on the asyncio loop of the store (``execute``) or on the database
thread (``execute_sync``, the one-trip path's ``work``).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from agents.errors import ErrorType, ToolError
from agents.store import Store, SyncDb, Tx, new_id, utcnow
from agents.tools.base import ToolContext
from agents.tools.catalog import Catalog


@dataclass(frozen=True)
class Outcome:
    """What a call produced: ``result`` when ``ok``, else ``error``."""

    call_id: str
    name: str
    ok: bool
    result: dict[str, Any] | None
    error: ToolError | None
    duration_ms: float
    replayed: bool = False

    def payload(self) -> dict[str, Any]:
        return self.result if self.ok else self.error.to_dict()  # type: ignore[union-attr,return-value]


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def args_hash(name: str, args: Any) -> str:
    """A hash of the call that does not depend on key order or argument aliases."""
    return _digest(name, canonical_json(args))


def _digest(name: str, args_json: str) -> str:
    """``args_hash`` from the canonical JSON text the journal row stores anyway."""
    return hashlib.sha256(f"{name}\x00{args_json}".encode()).hexdigest()


def _args_text_and_digest(name: str, canonical: Any) -> tuple[str, str]:
    """The row's args text and its hash. Arguments that do not validate may hold text UTF-8
    cannot carry (a lone surrogate): the catalogue refuses them with ``invalid_args``, and
    their row keeps them ASCII-escaped, which any encoding carries."""
    args_json = canonical_json(canonical)
    try:
        return args_json, _digest(name, args_json)
    except UnicodeEncodeError:
        args_json = json.dumps(canonical, sort_keys=True, separators=(",", ":"), default=str)
        safe_name = name.encode("utf-8", "backslashreplace").decode("ascii", "replace")
        return args_json, _digest(safe_name, args_json)


def call_digest(catalog: Catalog, name: str, args: Mapping[str, Any] | None) -> str:
    """The hash ``execute`` gives this call (the dispatcher compares in-flight duplicates with it)."""
    return _args_text_and_digest(name, _canonical_args(catalog, name, args)[0])[1]


def _canonical_args(catalog: Catalog, name: str, args: Mapping[str, Any] | None) -> tuple[Any, Any]:
    """(canonical args for the hash, (spec, model) or None when they do not validate)."""
    try:
        validated = catalog.validate(name, args)
    except ToolError:
        return (args if args is not None else {}), None
    return validated[1].model_dump(mode="json", exclude_unset=True), validated


async def _lookup(tx: Tx | Store, call_id: str) -> dict[str, Any] | None:
    return await tx.fetchone(_LOOKUP, (call_id,))


def _answers(row: dict[str, Any] | None, name: str, digest: str) -> bool:
    """Whether a stored row answers the call: not when there is none, nor when it was pruned
    and the call matches it (a read whose result was dropped after the retention window runs again)."""
    if row is None:
        return False
    return not (row["pruned_at"] is not None and row["name"] == name and row["args_hash"] == digest)


def _replay(row: dict[str, Any], call_id: str, name: str, digest: str) -> Outcome:
    if row["name"] != name or row["args_hash"] != digest:
        err = ToolError(
            ErrorType.CONFLICT,
            f"call id {call_id} was already used for {row['name']} with other arguments; nothing was run",
        )
        return Outcome(call_id, name, False, None, err, 0.0, replayed=True)
    stored = json.loads(row["result"])
    if row["ok"]:
        return Outcome(call_id, name, True, stored, None, 0.0, replayed=True)
    return Outcome(call_id, name, False, None, ToolError.from_dict(stored), 0.0, replayed=True)


LOCAL_RESULT_LIMIT = 4096


def _stored_result(outcome: Outcome, source: str, read_only: bool) -> str:
    """What the journal keeps of a result, as JSON text (encoded once).

    Bridge calls keep the whole result: the backend may replay the id.
    Local engine calls use fresh ids that are never replayed, so a large
    read-only result (a file's content) keeps its short fields (path, size,
    offsets) and names the rest under ``elided`` instead of copying a file
    into the database on every run.
    """
    payload = outcome.payload()
    if source == "bridge" or not read_only or not outcome.ok:
        return canonical_json(payload)
    # A file page or a long listing is over the limit before any encoding: check that first.
    big = any(isinstance(v, (str, list)) and len(v) > LOCAL_RESULT_LIMIT for v in payload.values())
    text = None if big else canonical_json(payload)
    if text is not None and len(text) <= LOCAL_RESULT_LIMIT:
        return text
    kept = {k: v for k, v in payload.items()
            if v is None or isinstance(v, (bool, int, float)) or (isinstance(v, str) and len(v) <= 256)}
    return canonical_json({**kept, "elided": sorted(k for k in payload if k not in kept)})


def _result_text(outcome: Outcome, source: str, read_only: bool, limit: int | None) -> str:
    """``_stored_result`` checked for the wire: raises ``too_large`` when a bridge result is over
    ``limit`` UTF-8 bytes, ``unsupported_file`` when it holds text UTF-8 cannot carry."""
    text = _stored_result(outcome, source, read_only)
    if text.isascii():  # O(1) for a str: the common case costs nothing more
        size = len(text)
    else:
        try:
            size = len(text.encode("utf-8"))
        except UnicodeEncodeError:
            raise ToolError(
                ErrorType.UNSUPPORTED_FILE,
                f"{outcome.name}: the result holds text that is not valid Unicode (a file name in an unknown "
                "encoding?); it cannot be sent",
            ) from None
    if limit is not None and outcome.ok and source == "bridge" and size > limit:
        raise ToolError(
            ErrorType.TOO_LARGE,
            f"{outcome.name}: the result is {size} bytes as JSON, over the {limit} a frame can carry; "
            "ask for less (a smaller max_entries, max_bytes or limit)",
            details={"size": size, "limit": limit},
        )
    return text


def _record_params(
    *,
    call_id: str,
    name: str,
    args: str,
    digest: str,
    source: str,
    run_id: str | None,
    agent_id: str | None,
    outcome: Outcome,
    started_at: str,
    read_only: bool = False,
    text: str | None = None,
    limit: int | None = None,
) -> tuple[Any, ...]:
    """The journal row's values; ``args`` is the canonical JSON text the digest was made from,
    ``text`` the stored result when the caller has it already (``_result_text``)."""
    if text is None:
        text = _result_text(outcome, source, read_only, limit)
    return (
        call_id, name, digest, args, source, run_id, agent_id, int(outcome.ok),
        None if outcome.ok else str(outcome.error.type),  # type: ignore[union-attr]
        text, started_at, utcnow(), outcome.duration_ms, int(read_only and source == "bridge"),
    )


# A row of an id already used stays as it is, unless it was pruned (then a read ran again and refills it).
_INSERT = (
    "INSERT INTO tool_calls (call_id, name, args_hash, args, source, run_id, agent_id, ok, "
    "error_type, result, started_at, finished_at, duration_ms, prunable) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
    "ON CONFLICT (call_id) DO UPDATE SET args = excluded.args, ok = excluded.ok, "
    "error_type = excluded.error_type, result = excluded.result, started_at = excluded.started_at, "
    "finished_at = excluded.finished_at, duration_ms = excluded.duration_ms, prunable = excluded.prunable, "
    "pruned_at = NULL WHERE tool_calls.pruned_at IS NOT NULL"
)
_LOOKUP = "SELECT name, args_hash, ok, error_type, result, pruned_at FROM tool_calls WHERE call_id = ?"


async def _record(tx: Tx | Store, **kwargs: Any) -> None:
    await tx.execute(_INSERT, _record_params(**kwargs))


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
) -> Outcome:
    """Run ``name(args)`` once for ``call_id``; see the module docstring."""
    canonical, validated = _canonical_args(catalog, name, args)
    args_json, digest = _args_text_and_digest(name, canonical)
    started_at = utcnow()
    began = time.perf_counter()
    read_only = name in catalog.names and catalog.get(name).read_only

    def finish(result: dict[str, Any] | None, error: ToolError | None) -> Outcome:
        elapsed = (time.perf_counter() - began) * 1000
        return Outcome(call_id, name, error is None, result, error, round(elapsed, 3))

    record = dict(
        call_id=call_id, name=name, args=args_json, digest=digest, source=source,
        run_id=run_id, agent_id=agent_id, started_at=started_at, limit=max_result_bytes,
    )

    spec = validated[0] if validated else None
    if spec is not None and spec.db_only:
        return await _execute_in_one_trip(store, catalog, spec, validated[1], record, finish,
                                          started=began, read_only=read_only)

    if read_only:
        row = await _lookup(store, call_id)
        if row is not None and _answers(row, name, digest):
            return _replay(row, call_id, name, digest)
        text = None
        try:
            outcome = finish(await catalog.invoke(name, args, run_id=run_id, agent_id=agent_id, call_id=call_id,
                                                  validated=validated, source=source), None)
            text = _result_text(outcome, source, True, max_result_bytes)
        except ToolError as err:
            outcome = finish(None, err)
        if outcome.ok or not outcome.error.retryable:  # type: ignore[union-attr]
            await _record(store, outcome=outcome, read_only=True, text=text, **record)  # one autocommit insert
        return outcome

    # The write and its journal row share one transaction. A tool that fails
    # rolls the whole transaction back (no savepoint on the happy path); its
    # error is then journaled on its own.
    try:
        async with store.transaction() as tx:
            row = await _lookup(tx, call_id)
            if row is not None:
                return _replay(row, call_id, name, digest)
            result = await catalog.invoke(name, args, run_id=run_id, agent_id=agent_id, call_id=call_id,
                                          validated=validated, atomic=False, source=source)
            outcome = finish(result, None)
            text = _result_text(outcome, source, False, max_result_bytes)  # too_large rolls the write back
            await _record(tx, outcome=outcome, text=text, **record)
        return outcome
    except ToolError as err:
        outcome = finish(None, err)
    if not outcome.error.retryable:  # type: ignore[union-attr]
        async with store.transaction() as tx:
            row = await _lookup(tx, call_id)
            if row is not None and _answers(row, name, digest):  # another call with this id got in between
                return _replay(row, call_id, name, digest)
            await _record(tx, outcome=outcome, **record)
    return outcome


async def _execute_in_one_trip(
    store: Store, catalog: Catalog, spec: Any, model: Any, record: dict[str, Any], finish: Any,
    *, started: float, read_only: bool,
) -> Outcome:
    """Lookup, tool, journal row and commit as one function on the database thread.

    A tool error rolls the transaction back (nothing of the tool stays); the
    error is then journaled in a second trip unless a retry may cure it.
    """
    call_id, name, digest = record["call_id"], record["name"], record["digest"]
    ctx = ToolContext(store=store, run_id=record["run_id"], agent_id=record["agent_id"], call_id=call_id,
                      source=record["source"])

    def work(conn: sqlite3.Connection) -> tuple[str, Any]:
        db = SyncDb(conn)
        row = db.fetchone(_LOOKUP, (call_id,))
        if _answers(row, name, digest):
            return "replay", row
        result = spec.sync_impl(db, ctx, model)
        outcome = finish(result, None)
        # too_large (or unencodable text) raises here: the transaction rolls back, the error is journaled
        db.execute(_INSERT, _record_params(outcome=outcome, read_only=read_only, **record))
        return "done", outcome

    try:
        kind, value = await store.run(work, begin="IMMEDIATE")
    except Exception as exc:
        error = catalog.as_tool_error(name, exc, call_id=call_id, run_id=record["run_id"])
        outcome = finish(None, error)
        if error.retryable:
            return outcome

        def record_error(conn: sqlite3.Connection) -> tuple[str, Any]:
            db = SyncDb(conn)
            row = db.fetchone(_LOOKUP, (call_id,))
            if _answers(row, name, digest):  # another call with this id got in between: answer as it did
                return "replay", row
            db.execute(_INSERT, _record_params(outcome=outcome, read_only=read_only, **record))
            return "done", outcome

        kind, value = await store.run(record_error, begin="IMMEDIATE")
    if kind == "replay":
        return _replay(value, call_id, name, digest)
    if value.ok:
        catalog.announce(spec, value.result, record["run_id"])
    return value


def execute_sync(
    db: SyncDb,
    catalog: Catalog,
    *,
    name: str,
    args: Mapping[str, Any] | None,
    run_id: str | None,
    agent_id: str | None,
) -> Outcome:
    """A local engine call on the database thread, inside the transaction the caller holds.

    The tool runs in a savepoint: when it fails, only its own writes roll back,
    and the error is journaled (unless a retry may cure it). Local ids are
    fresh, so there is nothing to replay and no lookup. The caller commits and
    then announces the writes (``Catalog.announce``) on the loop.
    """
    call_id = f"local-{new_id()}"
    started_at = utcnow()
    began = time.perf_counter()
    spec: Any = None
    canonical: Any = args if args is not None else {}
    read_only = True

    def finish(result: dict[str, Any] | None, error: ToolError | None) -> Outcome:
        elapsed = (time.perf_counter() - began) * 1000
        return Outcome(call_id, name, error is None, result, error, round(elapsed, 3))

    try:
        spec, model = catalog.validate(name, args)
        canonical = model.model_dump(mode="json", exclude_unset=True)
        read_only = spec.read_only
        if spec.sync_impl is None:
            raise ToolError(ErrorType.INTERNAL, f"{name} cannot run inside a local engine run")
        ctx = ToolContext(store=catalog.store, run_id=run_id, agent_id=agent_id, call_id=call_id, source="local")
        if read_only:
            outcome = finish(spec.sync_impl(db, ctx, model), None)
        else:
            db.execute("SAVEPOINT local_call")
            try:
                outcome = finish(spec.sync_impl(db, ctx, model), None)
            except BaseException:
                db.execute("ROLLBACK TO local_call")
                raise
            finally:
                db.execute("RELEASE local_call")
    except Exception as exc:
        outcome = finish(None, catalog.as_tool_error(name, exc, call_id=call_id, run_id=run_id))
        if outcome.error.retryable:  # type: ignore[union-attr]
            return outcome
    args_json, digest = _args_text_and_digest(name, canonical)
    db.execute(_INSERT, _record_params(
        call_id=call_id, name=name, args=args_json, digest=digest, source="local",
        run_id=run_id, agent_id=agent_id, outcome=outcome, started_at=started_at, read_only=read_only,
    ))
    return outcome


async def calls_for_run(store: Store, run_id: str) -> list[dict[str, Any]]:
    """The journal rows of one run, oldest first (for the run detail view and the CLI)."""
    rows = await store.fetchall(
        "SELECT call_id, name, args, ok, error_type, result, started_at, finished_at, duration_ms "
        "FROM tool_calls WHERE run_id = ? ORDER BY started_at, rowid",
        (run_id,),
    )
    for row in rows:
        row["ok"] = bool(row["ok"])
        row["args"] = json.loads(row["args"])
        row["result"] = json.loads(row["result"])
    return rows
