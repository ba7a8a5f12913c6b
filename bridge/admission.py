"""Admission by time for the dispatcher: lanes, observed durations, the expected wait.

A ``Lane`` is a bounded FIFO served by its own workers. The dispatcher keeps
two: ``database`` for the database-only tools (``ToolSpec.db_only``: the
record tools, cheap; their slots only queue jobs for the store's thread, where
the calls waiting together share one group commit) and
``files`` for everything else (filesystem reads, which can take seconds), so a
cheap ``list_tasks`` never waits behind a slow listing.

``Durations`` learns how long each tool takes (an exponentially weighted mean
of its finished, non-replayed calls; a tool not seen yet borrows its lane's
mean; a lane with no observation yet counts as 0 s).

The rule (``Lane.expected_wait``): when a worker is free the wait is 0; else
it is (the estimated durations of every call queued in the lane + what the
running calls have left of theirs) / the lane's workers. A call is refused
with ``busy`` at once when that wait is above 0 and the wait plus its own
estimate passes its deadline. The rule is conservative in what it refuses: it
never turns down a call a free worker could start now, and never on no
evidence. A call admitted on a wrong guess that is still queued at its
deadline is answered ``busy`` then (``Lane`` keeps one timer for the oldest
queued call): a call that never started never ends in ``timeout``.

``DeadlineSweep`` keeps one timer for the deadlines of the lanes' running
calls (rather than an ``asyncio.timeout`` per call): set for the earliest
one, it cancels each call past its deadline with ``call.timed_out`` set (the
dispatcher answers ``timeout``, as ``asyncio.timeout`` would) and is set again
for the earliest left.

Runs on the dispatcher's asyncio loop; nothing here blocks.
"""

from __future__ import annotations

import asyncio
import collections
from collections.abc import Callable, Iterable
from typing import Any, Protocol


class Call(Protocol):
    """What a lane needs of a dispatcher call (``bridge.dispatcher.Call``)."""

    id: str
    name: str
    deadline_at: float
    started_at: float
    timed_out: bool
    task: asyncio.Task[Any] | None


DATABASE = "database"
FILES = "files"
DATABASE_WORKERS = 64  # slots, not threads: calls that wait together share one group commit
ALPHA = 0.3  # weight of the newest observation in the running mean


class Durations:
    """Observed seconds per tool and per lane (exponentially weighted means)."""

    def __init__(self) -> None:
        self._tool: dict[str, float] = {}
        self._lane: dict[str, float] = {}

    def observe(self, lane: str, name: str, seconds: float) -> None:
        seconds = max(seconds, 0.0)
        for table, key in ((self._tool, name), (self._lane, lane)):
            old = table.get(key)
            table[key] = seconds if old is None else old + ALPHA * (seconds - old)

    def estimate(self, lane: str, name: str) -> float:
        found = self._tool.get(name)
        return found if found is not None else self._lane.get(lane, 0.0)


class Lane:
    """One FIFO of calls (call id → call, arrival order) and the calls its workers are running."""

    def __init__(self, name: str, workers: int, durations: Durations, expire: Callable[[Call], None]):
        self.name = name
        self.workers = max(1, workers)
        self.durations = durations
        self.queue: collections.OrderedDict[str, Call] = collections.OrderedDict()
        self.running: dict[str, Call] = {}
        self.queued_names: collections.Counter[str] = collections.Counter()
        self._expire = expire
        self._timer: asyncio.TimerHandle | None = None

    def expected_wait(self, now: float) -> float:
        """Seconds until a worker is expected to be free for a call joining the queue now."""
        if len(self.running) + len(self.queue) < self.workers:
            return 0.0
        estimate = self.durations.estimate
        left = sum(count * estimate(self.name, name) for name, count in self.queued_names.items())
        left += sum(max(estimate(self.name, c.name) - (now - c.started_at), 0.0) for c in self.running.values())
        return left / self.workers

    def push(self, call: Call) -> None:
        self.queue[call.id] = call
        self.queued_names[call.name] += 1
        if self._timer is None:
            self._arm()

    def pop(self) -> Call:
        _, call = self.queue.popitem(last=False)
        self._forget(call)
        return call

    def remove(self, call_id: str) -> Call | None:
        call = self.queue.pop(call_id, None)
        if call is not None:
            self._forget(call)
        return call

    def clear(self) -> None:
        self.queue.clear()
        self.queued_names.clear()
        self.running.clear()
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _forget(self, call: Call) -> None:
        left = self.queued_names[call.name] - 1
        if left > 0:
            self.queued_names[call.name] = left
        else:
            del self.queued_names[call.name]

    # The oldest queued call has the earliest deadline (one deadline for all, FIFO): one timer suffices.
    def _arm(self) -> None:
        if not self.queue:
            self._timer = None
            return
        head = next(iter(self.queue.values()))
        self._timer = asyncio.get_running_loop().call_at(head.deadline_at, self._on_timer)

    def _on_timer(self) -> None:
        now = asyncio.get_running_loop().time()
        while self.queue:
            head = next(iter(self.queue.values()))
            if head.deadline_at > now + 0.005:  # the loop may fire a timer a clock tick early
                break
            self.pop()
            self._expire(head)
        self._arm()


class DeadlineSweep:
    """One timer for the deadlines of the running calls of some lanes."""

    def __init__(self, lanes: Iterable[Lane]):
        self._lanes = tuple(lanes)
        # the timer and when it fires: kept here, since a qasync loop's handles have no ``when()``
        self._timer: asyncio.Handle | None = None
        self._at = 0.0

    def watch(self, deadline_at: float) -> None:
        """A call with this deadline started running."""
        if self._timer is None or deadline_at < self._at:
            if self._timer is not None:
                self._timer.cancel()
            self._arm(asyncio.get_running_loop(), deadline_at)

    def clear(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _arm(self, loop: asyncio.AbstractEventLoop, at: float) -> None:
        self._timer, self._at = loop.call_at(at, self._on_timer), at

    def _on_timer(self) -> None:
        loop = asyncio.get_running_loop()
        now = loop.time()
        earliest: float | None = None
        for lane in self._lanes:
            for call in lane.running.values():
                if call.timed_out:
                    continue
                if call.deadline_at <= now:
                    call.timed_out = True
                    if call.task is not None:
                        call.task.cancel()
                elif earliest is None or call.deadline_at < earliest:
                    earliest = call.deadline_at
        self._timer = None
        if earliest is not None:
            self._arm(loop, earliest)
