"""Notice that the machine slept or the network changed, so the bridge can redial at once.

A connection from before a suspend is almost always dead, and after a
network change it may be bound to an interface that is gone; either way
the keepalive (20 s + 20 s) and the backoff (up to 60 s) would make the
device wait up to two minutes. ``NetWatch`` ticks every ``interval`` seconds
(2 s) and compares:

- a clock that counts suspend (``CLOCK_BOOTTIME`` where there is one, else
  the wall clock) with ``time.monotonic()``, which does not: when the first
  moved ``jump`` seconds (5 s) more than the second between two ticks, the
  machine was asleep;
- on Linux, the routing table (``/proc/net/route``: interfaces, default
  route): any change is a network change.

On either it calls ``on_change(reason)``. The clocks, the route reader and
the sleep are injectable so the logic is tested without sleeping.

Runs as one task on the bridge client's asyncio loop; a tick costs two clock
reads and one read of a small /proc file.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)

INTERVAL = 2.0
JUMP = 5.0
ROUTE_FILE = "/proc/net/route"


def _suspend_clock() -> Callable[[], float]:
    boottime = getattr(time, "CLOCK_BOOTTIME", None)
    if boottime is not None and sys.platform.startswith("linux"):
        return lambda: time.clock_gettime(boottime)
    return time.time


def read_routes(path: str = ROUTE_FILE) -> str | None:
    """The routing table as text (interface, destination, gateway, flags), or None where there is none."""
    try:
        with open(path, encoding="ascii", errors="replace") as fh:
            lines = fh.read().splitlines()[1:]
    except OSError:
        return None
    # keep only the identifying columns: the use counters change all the time on some kernels
    return "\n".join(" ".join(line.split()[:4]) for line in sorted(lines))


class NetWatch:
    """Calls ``on_change(reason)`` after a suspend/resume or a routing change."""

    def __init__(
        self,
        on_change: Callable[[str], None] | None = None,
        *,
        interval: float = INTERVAL,
        jump: float = JUMP,
        suspend_clock: Callable[[], float] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        routes: Callable[[], str | None] | None = read_routes,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ):
        self.on_change = on_change
        self.interval, self.jump = interval, jump
        self._suspend_clock = suspend_clock or _suspend_clock()
        self._monotonic = monotonic
        self._routes = routes
        self._sleep = sleep
        self._last: tuple[float, float] | None = None
        self._last_routes: str | None = None
        self.changes = 0

    def check(self) -> str | None:
        """One tick: the reason when something changed since the last tick, else None."""
        now = (self._suspend_clock(), self._monotonic())
        routes = self._routes() if self._routes is not None else None
        reason = None
        if self._last is not None:
            slept = (now[0] - self._last[0]) - (now[1] - self._last[1])
            if abs(slept) >= self.jump:
                reason = f"the clock jumped {slept:+.0f} s (sleep/wake)"
            elif routes != self._last_routes:
                reason = "the network changed (routing table)"
        self._last, self._last_routes = now, routes
        return reason

    async def run(self) -> None:
        """Tick until cancelled; ``on_change`` errors are logged, never raised."""
        self.check()
        while True:
            await self._sleep(self.interval)
            reason = self.check()
            if reason is None:
                continue
            self.changes += 1
            log.info("bridge.netwatch.change reason=%s", reason)
            try:
                if self.on_change is not None:
                    self.on_change(reason)
            except Exception:
                log.exception("bridge.netwatch.on_change_failed")
