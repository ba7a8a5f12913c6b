"""What every tool is made of: an argument model, a context, a spec.

A tool is an ``async def impl(ctx: ToolContext, args: <ArgsModel>) -> dict``
registered with ``@tool(...)``. Its docstring is the description the model and
the backend see. It raises ``ToolError`` for every failure it can name; the
catalogue turns anything else into ``internal``.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

from agents.errors import ErrorType, ToolError

if TYPE_CHECKING:
    from agents.store import Store, SyncDb, Tx


class ArgsModel(BaseModel):
    """Base of every tool's arguments: snake_case fields, unknown fields refused."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, validate_default=True)


def aliased(snake: str, camel: str, default: Any = None, **kwargs: Any) -> Any:
    """A field that also accepts its camelCase spelling (PROTOCOL.md's alias list)."""
    return Field(default, validation_alias=AliasChoices(snake, camel), **kwargs)


@dataclass(frozen=True, slots=True)
class Grant:
    """The folders one call may read, as configured, and their pins (``agents.roots.Pin`` by folder).

    Filesystem tools look it up in one trip unless their caller gives it (the MCP
    door narrows the folders to what its client may see and reads them with its settings).

    ``inline_io``: the caller's loop may run a filesystem call's blocking work itself when that
    work is bounded and cheap (a text page, one stat, one folder): the MCP door, alone in its
    process, where the worker-thread hop costs more than such work. Anything longer (a document's
    extraction, a recursive tree) still runs on a worker thread, keeping the loop free.
    ``columns``: ``list_directory`` answers its entries as columns, the MCP door's structured
    content (``{"path", "count", "truncated", "columns": {"path": [...], "type": [...], ...}}``),
    not one object per entry (the bridge's wire shape)."""

    roots: tuple[str, ...]
    pins: Mapping[str, Any]
    inline_io: bool = False
    columns: bool = False


@dataclass
class ToolContext:
    """Who is calling and with what: passed to every tool.

    ``agent_id`` comes from a call's ``run_context``; when present, filesystem
    tools are confined to that agent's folders, otherwise to the union of all
    agents' folders. ``source`` is the journal's: ``"bridge"`` for a call from the
    backend, ``"local"`` for the device's own engines.
    """

    store: Store
    run_id: str | None = None
    agent_id: str | None = None
    call_id: str | None = None
    source: str = "local"  # "bridge" for calls from the backend (creates then become suggestions)
    db: SyncDb | None = field(default=None, repr=False)  # the job's connection, for a body on the DB thread
    tx: Tx | None = field(default=None, repr=False)  # the executor's transaction, for an async writing body
    grant: Grant | None = field(default=None, repr=False)  # given by the caller: no lookup
    _roots: tuple[str, ...] | None = field(default=None, repr=False)

    def transaction(self) -> AbstractAsyncContextManager[Tx]:
        """Where an async writing tool writes: the executor's transaction (a savepoint of it), so
        the write and the call's journal row commit together; a store transaction when called alone."""
        if self.tx is not None:
            return self.tx.savepoint()
        return self.store.transaction()

    async def allowed_roots(self) -> tuple[str, ...]:
        """The folders this call may read, looked up once per call (or as the caller granted)."""
        if self.grant is not None:
            return self.grant.roots
        if self._roots is None:
            sql, params = self._roots_query()
            self._roots = self._roots_from(await self.store.fetchall(sql, params))
        return self._roots

    def allowed_roots_sync(self, db: SyncDb) -> tuple[str, ...]:
        """``allowed_roots`` for code already on the database thread."""
        if self.grant is not None:
            return self.grant.roots
        if self._roots is None:
            sql, params = self._roots_query()
            self._roots = self._roots_from(db.fetchall(sql, params))
        return self._roots

    def _roots_query(self) -> tuple[str, tuple[Any, ...]]:
        if self.agent_id:
            return "SELECT directory_paths FROM agents WHERE id = ?", (self.agent_id,)
        return "SELECT directory_paths FROM agents", ()

    def _roots_from(self, rows: list[dict[str, Any]]) -> tuple[str, ...]:
        if self.agent_id and not rows:
            raise ToolError(
                ErrorType.FORBIDDEN_PATH,
                f"agent {self.agent_id} is not configured on this device, so it has no folders",
            )
        return tuple(dict.fromkeys(p for r in rows for p in json.loads(r["directory_paths"])))


ToolImpl = Callable[[ToolContext, Any], Awaitable[dict[str, Any]]]
SyncToolImpl = Callable[["SyncDb", ToolContext, Any], dict[str, Any]]


@dataclass(frozen=True)
class ToolSpec:
    """A tool. ``impl`` is always there and is what the bridge runs.

    ``sync_impl(db, ctx, args)`` is the same tool as a plain function for code
    already on the database thread: the journal's one-trip path for
    database-only tools (``db_only``), and local engine runs, which run whole
    files' worth of calls per trip (``agents.steps``). The filesystem tools
    have one too, but the bridge keeps running them off the database thread.
    """

    name: str
    description: str
    args_model: type[ArgsModel]
    impl: ToolImpl
    read_only: bool
    idempotent: bool
    group: str
    sync_impl: SyncToolImpl | None = None
    db_only: bool = False

    def parameters_schema(self) -> dict[str, Any]:
        return self.args_model.model_json_schema()


def tool(
    name: str,
    args_model: type[ArgsModel],
    *,
    group: str,
    read_only: bool = False,
    idempotent: bool = False,
    sync: bool = False,
) -> Callable[[Any], ToolSpec]:
    """Register a tool; its docstring becomes the description.

    ``sync=True`` marks a database-only tool written as ``def impl(db: SyncDb,
    ctx, args)``: it runs on the database thread, and the async ``impl`` is
    made from it.
    """

    def wrap(fn: Any) -> ToolSpec:
        doc = " ".join((fn.__doc__ or name).split())
        sync_impl = fn if sync else None
        impl: ToolImpl = fn
        if sync_impl is not None:

            async def impl(ctx: ToolContext, args: Any, _fn: SyncToolImpl = fn) -> dict[str, Any]:
                """The body alone, without the journal (the executor runs ``sync_impl`` itself)."""
                job = ctx.store.read if read_only else ctx.store.write
                return await job(lambda db: _fn(db, ctx, args))

        return ToolSpec(
            name=name,
            description=doc,
            args_model=args_model,
            impl=impl,
            read_only=read_only,
            idempotent=idempotent,
            group=group,
            sync_impl=sync_impl,
            db_only=sync,
        )

    return wrap
