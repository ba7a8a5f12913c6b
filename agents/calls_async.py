"""The executor's steps for tools whose body is async (filesystem reads; tests' slow tools).

Same order as the core (``agents.calls.run_on_db``): lookup → tool → journal
row, with the lookup and the row as jobs on the store's database thread and
the tool's own I/O on the loop (file reads must not hold the database):

- ``run_read``: a lookup job (none for a fresh id), the tool, then the row
  posted to the next write group (``Store.post``) and not waited for: the
  answer does not wait for the commit (PROTOCOL.md "Read-only calls"), and
  any job queued after the post sees the row;
- ``run_write``: an interactive store transaction (``Store.transaction``)
  around lookup, the tool in a savepoint (the tool writes through
  ``ctx.transaction()``, the handle it is given) and the row: the write and
  its row commit together, and cancelling rolls both back.

Runs on the caller's asyncio loop.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from agents import journal
from agents.journal import Outcome
from agents.store import Store
from agents.tools.errors import as_tool_error

# ``p`` is an ``agents.calls.Prepared`` (not imported here: calls imports this module)


async def _replay(fetchone: Callable[..., Awaitable[Any]], p: Any) -> Outcome | None:
    """The stored answer of an id already executed (replay, or conflict); None for a fresh id."""
    if p.fresh:
        return None
    row = await fetchone(journal.LOOKUP, (p.call_id,))
    return journal.replay(row, p.call_id, p.name, p.digest) if journal.answers(row, p.name, p.digest) else None


def _failed(p: Any, exc: Exception) -> Outcome:
    return p.outcome(None, as_tool_error(p.name, exc, call_id=p.call_id, run_id=p.run_id))


async def run_read(store: Store, p: Any) -> Outcome:
    if (stored := await _replay(store.fetchone, p)) is not None:
        return stored
    text = None
    try:
        outcome = p.outcome(await p.spec.impl(p.context(store), p.model), None)  # type: ignore[union-attr]
        text = journal.result_text(outcome, p.source, True, p.limit)
    except Exception as exc:
        outcome = _failed(p, exc)
        if outcome.error.retryable:  # type: ignore[union-attr]
            return outcome
    params = p.row(outcome, text)
    store.post(lambda db: db.execute(journal.INSERT, params))
    return outcome.with_text(params[9])


async def run_write(store: Store, p: Any) -> Outcome:
    async with store.transaction() as tx:
        if (stored := await _replay(tx.fetchone, p)) is not None:
            return stored
        text = None
        try:
            async with tx.savepoint():
                outcome = p.outcome(await p.spec.impl(p.context(store, tx=tx), p.model), None)  # type: ignore[union-attr]
                text = journal.result_text(outcome, p.source, False, p.limit)
        except Exception as exc:
            outcome = _failed(p, exc)
            if outcome.error.retryable:  # type: ignore[union-attr]
                return outcome
        params = p.row(outcome, text)
        await tx.execute(journal.INSERT, params)
    return outcome.with_text(params[9])
