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

from typing import Any

from agents import journal
from agents.journal import Outcome
from agents.store import Store
from agents.tools.errors import as_tool_error

# ``p`` is an ``agents.calls.Prepared`` (not imported here: calls imports this module)


async def run_read(store: Store, p: Any) -> Outcome:
    if not p.fresh:
        row = await store.fetchone(journal.LOOKUP, (p.call_id,))
        if journal.answers(row, p.name, p.digest):
            return journal.replay(row, p.call_id, p.name, p.digest)  # type: ignore[arg-type]
    text = None
    try:
        outcome = p.outcome(await p.spec.impl(p.context(store), p.model), None)  # type: ignore[union-attr]
        text = journal.result_text(outcome, p.source, True, p.limit)
    except Exception as exc:
        outcome = p.outcome(None, as_tool_error(p.name, exc, call_id=p.call_id, run_id=p.run_id))
        if outcome.error.retryable:  # type: ignore[union-attr]
            return outcome
    params = p.row(outcome, text)
    store.post(lambda db: db.execute(journal.INSERT, params))
    return Outcome(outcome.call_id, outcome.name, outcome.ok, outcome.result, outcome.error, outcome.duration_ms,
                   result_json=params[9])


async def run_write(store: Store, p: Any) -> Outcome:
    async with store.transaction() as tx:
        if not p.fresh:
            row = await tx.fetchone(journal.LOOKUP, (p.call_id,))
            if journal.answers(row, p.name, p.digest):
                return journal.replay(row, p.call_id, p.name, p.digest)  # type: ignore[arg-type]
        text = None
        try:
            async with tx.savepoint():
                outcome = p.outcome(await p.spec.impl(p.context(store, tx=tx), p.model), None)  # type: ignore[union-attr]
                text = journal.result_text(outcome, p.source, False, p.limit)
        except Exception as exc:
            outcome = p.outcome(None, as_tool_error(p.name, exc, call_id=p.call_id, run_id=p.run_id))
            if outcome.error.retryable:  # type: ignore[union-attr]
                return outcome
        params = p.row(outcome, text)
        await tx.execute(journal.INSERT, params)
    return Outcome(outcome.call_id, outcome.name, outcome.ok, outcome.result, outcome.error, outcome.duration_ms,
                   result_json=params[9])
