"""Read jobs that start in one loop turn share one ``Store.read`` job.

``agents.calls.execute`` queues a read-only, database-only call through
``read(store, fn)`` rather than ``store.read(fn)``. While no job of this
store from here is on the database thread, ``fn`` is queued at once (a lone
call waits for nothing); while one is, jobs gather and are queued together at
the end of the loop turn: one job, one future and one wake-up of the database
thread for the lot. Each ``fn`` still runs on its own (a call's own lookup,
result and journal row, deferred to the next write group as a lone read's);
an exception one raises goes to its caller only. A job whose awaiter is
cancelled still runs with its batch; nobody is answered for it.

Runs on the caller's asyncio loop; the jobs run on the store's thread. The
state lives on the store (``Store.read_batches``, one per loop).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agents.store import Store, SyncDb

Job = Callable[["SyncDb"], Any]


@dataclass(slots=True)
class _Batches:
    """One store's read jobs on one loop."""

    waiting: list[tuple[Job, asyncio.Future[Any]]] = field(default_factory=list)
    in_flight: int = 0  # jobs of this store from here on the database thread, lone or batched
    tasks: set[asyncio.Task[None]] = field(default_factory=set)


async def read(store: Store, fn: Job) -> Any:
    """``await store.read(fn)``, sharing one job with the reads queued here in the same loop turn."""
    loop = asyncio.get_running_loop()
    state = store.read_batches.get(loop)
    if state is None:
        state = store.read_batches[loop] = _Batches()
    if not state.in_flight and not state.waiting:  # the thread has nothing of ours: go now
        state.in_flight += 1
        try:
            return await store.read(fn)
        finally:
            state.in_flight -= 1
    future: asyncio.Future[Any] = loop.create_future()
    if not state.waiting:
        loop.call_soon(_flush, store, state)
    state.waiting.append((fn, future))
    return await future


def _flush(store: Store, state: _Batches) -> None:
    batch, state.waiting = state.waiting, []
    state.in_flight += 1
    task = asyncio.ensure_future(_run_batch(store, state, batch))
    state.tasks.add(task)
    task.add_done_callback(state.tasks.discard)


async def _run_batch(store: Store, state: _Batches, batch: list[tuple[Job, asyncio.Future[Any]]]) -> None:
    try:
        answers = await store.read(partial(_run_all, [fn for fn, _ in batch]))
    except asyncio.CancelledError:
        for _, future in batch:
            future.cancel()
        raise
    except Exception as exc:  # the job could not run (a closed store): every caller learns why
        for _, future in batch:
            if not future.done():
                future.set_exception(exc)
        return
    finally:
        state.in_flight -= 1
    for (_, future), (value, error) in zip(batch, answers, strict=True):
        if future.done():  # its awaiter was cancelled
            continue
        if error is None:
            future.set_result(value)
        else:
            future.set_exception(error)


def _run_all(jobs: list[Job], db: SyncDb) -> list[tuple[Any, Exception | None]]:
    """On the database thread: each job on its own."""
    out: list[tuple[Any, Exception | None]] = []
    for fn in jobs:
        try:
            out.append((fn(db), None))
        except Exception as exc:
            out.append((None, exc))
    return out
