"""A long soak: steady calls through the bridge while the gateway restarts every so often.

    .venv/bin/python bench/soak.py [--minutes 10] [--restart-every 60] [--rate 100] [--json]

The reference ``DeviceGateway`` runs in this process; the device is the real
headless companion in a subprocess (``python -m desktop.cli --headless
--backend-url URL --data-dir D``, token in ``ADIUVA_DEVICE_TOKEN``). Workers
send a steady ``--rate`` of calls (60 % ``list_tasks(limit=5)``, 40 %
``create_task`` with a fresh id); every ``--restart-every`` seconds the gateway
is stopped and a new one started on the same port after a short outage.

A write whose answer was cut off (in flight when the gateway stopped, or timed
out) is replayed by id once the device is back, until it answers: exactly-once
makes that safe. At the end the device gets SIGTERM and the database is opened
read-only: every acknowledged ``create_task`` must be there, with its title,
exactly once.

Reported: calls served, errors by type, p50/p99 latency (all, reads, writes),
reconnect time after each restart, the device's RSS (``VmRSS``) at start and
end and its peak, and lost acknowledged writes (must be 0). Goal: RSS growth
≤ 20 MB over the run, 0 lost acknowledged writes. Linux only (``/proc``).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import itertools
import json
import os
import random
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from websockets.exceptions import ConnectionClosed  # noqa: E402

from bench.kill9 import CompanionProcess  # noqa: E402
from bridge.gateway import DeviceCallError, DeviceGateway  # noqa: E402

TOKEN = "soak-bench-device-token-8d3f26aa"
CALL_TIMEOUT = 10.0
OUTAGE = 0.5
RSS_GOAL_MB = 20.0
RSS_EVERY = 5.0


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


@dataclass
class Soak:
    minutes: float
    restart_every: float
    rate: float
    workers: int
    tmp: Path
    gateway: DeviceGateway | None = None
    port: int = 0
    device: CompanionProcess | None = None
    served: int = 0
    errors: collections.Counter[str] = field(default_factory=collections.Counter)
    latencies: dict[str, list[float]] = field(default_factory=lambda: {"read": [], "write": []})
    acked: dict[str, dict[str, Any]] = field(default_factory=dict)      # call id -> create_task result
    unresolved: dict[str, dict[str, Any]] = field(default_factory=dict)  # call id -> args: answer cut off
    replayed: int = 0
    restarts: list[float] = field(default_factory=list)  # seconds from the new gateway's start to the device online
    rss: list[tuple[float, float]] = field(default_factory=list)
    ids: itertools.count[int] = field(default_factory=itertools.count)

    async def start_gateway(self) -> None:
        gateway = DeviceGateway(tokens={TOKEN: "local"}, call_timeout=CALL_TIMEOUT)
        await gateway.start("127.0.0.1", self.port)
        self.port = gateway.port
        self.gateway = gateway

    async def call(self, kind: str, name: str, args: dict[str, Any], call_id: str | None = None) -> Any:
        """One call; the result, or None with the error counted by type."""
        gateway = self.gateway
        if gateway is None:
            self.errors["offline (gateway restarting)"] += 1
            return None
        began = time.perf_counter()
        try:
            result = await gateway.call(name, args, call_id=call_id, timeout=CALL_TIMEOUT)
        except DeviceCallError as exc:
            self.errors[f"device error: {exc.type}"] += 1
        except ConnectionError:
            self.errors["offline (no device connected)"] += 1
        except ConnectionClosed:
            self.errors["connection closed while sending"] += 1
            return ConnectionClosed
        except TimeoutError:
            self.errors["gateway timeout"] += 1
            return TimeoutError
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                raise
            self.errors["cut off by a gateway restart"] += 1
            return asyncio.CancelledError
        else:
            self.latencies[kind].append(time.perf_counter() - began)
            self.served += 1
            return result
        return None

    async def write(self, call_id: str, args: dict[str, Any]) -> None:
        result = await self.call("write", "create_task", args, call_id=call_id)
        if isinstance(result, dict):
            self.acked[call_id] = result
            self.unresolved.pop(call_id, None)
        elif result is not None:  # the call may have reached the device: replay its id later
            self.unresolved[call_id] = args

    async def worker(self, n: int, until: float) -> None:
        rng = random.Random(n)
        interval = self.workers / self.rate
        next_at = time.monotonic() + rng.uniform(0, interval)
        while (now := time.monotonic()) < until:
            if next_at > now:
                await asyncio.sleep(next_at - now)
            next_at += interval
            if self.unresolved and self.gateway is not None and self.gateway.is_online():
                call_id = next(iter(self.unresolved))
                args = self.unresolved.pop(call_id)
                self.replayed += 1
                await self.write(call_id, args)
            elif rng.random() < 0.6:
                await self.call("read", "list_tasks", {"limit": 5})
            else:
                i = next(self.ids)
                await self.write(f"soak-{i:07d}", {"title": f"soak task {i:07d}", "description": "steady write"})

    async def restarter(self, until: float) -> None:
        while time.monotonic() + self.restart_every < until:
            await asyncio.sleep(self.restart_every)
            old, self.gateway = self.gateway, None
            assert old is not None
            await old.stop()
            await asyncio.sleep(OUTAGE)
            await self.start_gateway()
            began = time.monotonic()
            assert self.gateway is not None
            await self.gateway.wait_online(timeout=120)
            self.restarts.append(time.monotonic() - began)

    async def sampler(self, until: float) -> None:
        assert self.device is not None
        began = time.monotonic()
        while time.monotonic() < until:
            self.rss.append((time.monotonic() - began, rss_mb(self.device.pid)))
            await asyncio.sleep(RSS_EVERY)

    async def run(self) -> dict[str, Any]:
        await self.start_gateway()
        assert self.gateway is not None
        self.device = CompanionProcess(self.tmp / "data", self.gateway.url, TOKEN, self.tmp / "companion.log")
        self.device.start()
        try:
            await self.gateway.wait_online(timeout=60)
            began = time.monotonic()
            until = began + self.minutes * 60
            await asyncio.gather(self.restarter(until), self.sampler(until),
                                 *(self.worker(n, until) for n in range(self.workers)))
            self.rss.append((time.monotonic() - began, rss_mb(self.device.pid)))
            elapsed = time.monotonic() - began
            # answers cut off at the end or by the last restart: replay until each answers
            deadline = time.monotonic() + 120
            while self.unresolved and time.monotonic() < deadline:
                if self.gateway is None or not self.gateway.is_online():
                    await asyncio.sleep(0.2)
                    continue
                call_id, args = next(iter(self.unresolved.items()))
                self.unresolved.pop(call_id)
                self.replayed += 1
                await self.write(call_id, args)
            term = await self.device.terminate(30)
        finally:
            self.device.ensure_dead()
            if self.gateway is not None:
                await self.gateway.stop()
        return self.report(elapsed, term)

    def check_db(self) -> dict[str, Any]:
        path = self.tmp / "data" / "workspace.sqlite3"
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
            rows = dict(db.execute("SELECT id, title FROM tasks").fetchall())
            duplicates = db.execute(
                "SELECT COUNT(*) FROM (SELECT title FROM tasks GROUP BY title HAVING COUNT(*) > 1)").fetchone()[0]
            journal = db.execute("SELECT COUNT(*) FROM tool_calls").fetchone()[0]
        finally:
            db.close()
        lost = [cid for cid, r in self.acked.items() if rows.get(r["id"]) != r["title"]]
        return {"integrity": integrity, "tasks": len(rows), "duplicates": duplicates, "journal_rows": journal,
                "lost": lost}

    def report(self, elapsed: float, term: int | None) -> dict[str, Any]:
        db = self.check_db()
        everything = self.latencies["read"] + self.latencies["write"]
        rss_start, rss_end = self.rss[0][1], self.rss[-1][1]
        return {
            "minutes": round(elapsed / 60, 2), "restart_every_s": self.restart_every, "rate": self.rate,
            "calls_served": self.served, "calls_per_s": round(self.served / elapsed, 1),
            "errors": dict(self.errors.most_common()),
            "p50_ms": round(pct(everything, 0.5) * 1000, 2), "p99_ms": round(pct(everything, 0.99) * 1000, 2),
            "read_p50_ms": round(pct(self.latencies["read"], 0.5) * 1000, 2),
            "read_p99_ms": round(pct(self.latencies["read"], 0.99) * 1000, 2),
            "write_p50_ms": round(pct(self.latencies["write"], 0.5) * 1000, 2),
            "write_p99_ms": round(pct(self.latencies["write"], 0.99) * 1000, 2),
            "gateway_restarts": len(self.restarts),
            "reconnect_s": [round(s, 2) for s in self.restarts],
            "rss_start_mb": round(rss_start, 1), "rss_end_mb": round(rss_end, 1),
            "rss_peak_mb": round(max(r for _, r in self.rss), 1), "rss_growth_mb": round(rss_end - rss_start, 1),
            "acked_writes": len(self.acked), "replays": self.replayed, "unresolved_writes": len(self.unresolved),
            "lost_acked_writes": len(db["lost"]), "duplicate_titles": db["duplicates"], "tasks_in_db": db["tasks"],
            "journal_rows": db["journal_rows"], "integrity": db["integrity"], "device_exit": term,
            "goals_met": (rss_end - rss_start <= RSS_GOAL_MB and not db["lost"] and not db["duplicates"]
                          and db["integrity"] == "ok" and not self.unresolved),
        }


def print_report(r: dict[str, Any]) -> None:
    print(f"soak: {r['minutes']} min, gateway restarted every {r['restart_every_s']:g} s "
          f"({r['gateway_restarts']} restarts), target {r['rate']:g} calls/s")
    print(f"calls served: {r['calls_served']:,} ({r['calls_per_s']:g}/s)")
    errors = ", ".join(f"{k}: {v}" for k, v in r["errors"].items()) or "none"
    print(f"errors by type: {errors}")
    print(f"latency p50/p99: all {r['p50_ms']}/{r['p99_ms']} ms, reads {r['read_p50_ms']}/{r['read_p99_ms']} ms, "
          f"writes {r['write_p50_ms']}/{r['write_p99_ms']} ms")
    if r["reconnect_s"]:
        print(f"device online after each restart (s from the new gateway's start): {r['reconnect_s']}")
    print(f"device RSS: start {r['rss_start_mb']} MB, end {r['rss_end_mb']} MB, peak {r['rss_peak_mb']} MB, "
          f"growth {r['rss_growth_mb']:+} MB (goal ≤ +{RSS_GOAL_MB:g} MB)")
    print(f"writes: {r['acked_writes']:,} acknowledged, {r['replays']} replays of cut-off answers, "
          f"{r['unresolved_writes']} unresolved; lost acknowledged writes: {r['lost_acked_writes']}; "
          f"duplicate titles: {r['duplicate_titles']}; tasks in the database: {r['tasks_in_db']:,}; "
          f"journal rows: {r['journal_rows']:,}; integrity_check: {r['integrity']}; device exit: {r['device_exit']}")
    print(f"goals (RSS growth ≤ {RSS_GOAL_MB:g} MB, 0 lost acknowledged writes): "
          f"{'met' if r['goals_met'] else 'NOT met'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="how long (default 10)")
    parser.add_argument("--restart-every", type=float, default=60.0, help="seconds between restarts (default 60)")
    parser.add_argument("--rate", type=float, default=100.0, help="target calls per second (default 100)")
    parser.add_argument("--workers", type=int, default=8, help="concurrent callers (default 8)")
    parser.add_argument("--json", action="store_true", help="end with one machine-readable JSON line")
    args = parser.parse_args()
    if not sys.platform.startswith("linux"):
        print("bench/soak.py reads /proc: Linux only", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="adiuva-soak-") as tmp:
        soak = Soak(args.minutes, args.restart_every, args.rate, args.workers, Path(tmp))
        result = asyncio.run(soak.run())
        if not result["goals_met"] or result["device_exit"] != 0:
            print(f"companion log tail:\n{soak.device.log_tail() if soak.device else ''}", file=sys.stderr)
    print_report(result)
    if args.json:
        print(json.dumps({"bench": "soak", **result}))
    return 0 if result["goals_met"] else 1


if __name__ == "__main__":
    os.environ.pop("ADIUVA_BACKEND_URL", None)
    sys.exit(main())
