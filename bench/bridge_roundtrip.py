"""Round trips through the real bridge beside a bare websockets floor, in the same run.

Ours: the reference ``DeviceGateway`` in this process calls the headless
companion, a real subprocess (``python -m desktop.cli --headless``) on a fresh
data dir: ``tool_call`` → protocol parse → dispatcher → journal → SQLite →
``tool_result``, ack after commit for writes.

- read:  ``list_tasks(limit=1)`` (one task row back, a ``get_task``-sized call);
- write: ``create_task(title, description)`` with a fresh id each time.

Floor: a bare ``websockets`` server in a subprocess that answers each JSON
request with a JSON response of the same size as ours (the sampled real
result), and a client here that matches answers to requests by id: the cost
of the transport, JSON and two processes, nothing else.

Both sequentially (1 in flight) and with 64 in flight, the same number of
calls, in interleaved rounds (best of 3 counts). Goal: ours ≥ 0.5 × floor. ``--profile FILE`` runs the device under
cProfile and prints where its main thread spends the time::

    .venv/bin/python bench/bridge_roundtrip.py [--calls 1500] [--rounds 3] [--profile /tmp/device.prof]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from websockets.asyncio.client import connect  # noqa: E402
from websockets.asyncio.server import serve  # noqa: E402

from bench.kill9 import CompanionProcess  # noqa: E402
from bridge.gateway import DeviceGateway  # noqa: E402

TOKEN = "roundtrip-bench-device-token-0b7d"
READ_ARGS = {"limit": 1}
GOAL = 0.5

Call = Callable[[str, dict[str, Any]], Awaitable[dict[str, Any]]]


# ── the floor: a bare websockets echo of the same sizes ──────────────────────
async def _echo_server(samples: dict[str, Any]) -> None:
    """Two listeners: plain (the floor) and with permessage-deflate, which ours negotiates by default."""

    async def answer(ws):
        async for message in ws:
            request = json.loads(message)
            await ws.send(json.dumps({
                "type": "tool_result", "id": request["id"], "ok": True,
                "result": samples.get(request["name"], {}), "duration_ms": 0.0,
            }, separators=(",", ":")))

    big = 16 * 1024 * 1024
    async with serve(answer, "127.0.0.1", 0, max_size=big, compression=None) as plain, \
            serve(answer, "127.0.0.1", 0, max_size=big) as deflate:
        ports = [next(iter(server.sockets)).getsockname()[1] for server in (plain, deflate)]
        print(*ports, flush=True)
        await asyncio.Event().wait()


def start_echo_server(samples: dict[str, Any]) -> subprocess.Popen[str]:
    """This script with ``--echo-server`` in a subprocess; it prints its port on stdout."""
    echo = subprocess.Popen([sys.executable, __file__, "--echo-server"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, cwd=REPO)
    assert echo.stdin is not None
    echo.stdin.write(json.dumps(samples) + "\n")
    echo.stdin.flush()
    return echo


class FloorClient:
    """JSON requests over one websocket, answers matched by id, like the gateway does."""

    def __init__(self, url: str, *, deflate: bool = False):
        self.url, self.deflate = url, deflate
        self._pending: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._ids = itertools.count()

    async def __aenter__(self) -> FloorClient:
        self.ws = await connect(self.url, max_size=16 * 1024 * 1024, compression="deflate" if self.deflate else None)
        self._reader = asyncio.create_task(self._read())
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._reader.cancel()
        await self.ws.close()

    async def _read(self) -> None:
        async for message in self.ws:
            frame = json.loads(message)
            fut = self._pending.pop(frame["id"], None)
            if fut is not None:
                fut.set_result(frame)

    async def call(self, name: str, args: dict[str, Any]) -> dict[str, Any]:
        call_id = f"call-{next(self._ids)}"
        fut = asyncio.get_running_loop().create_future()
        self._pending[call_id] = fut
        await self.ws.send(json.dumps({"type": "tool_call", "id": call_id, "name": name, "args": args},
                                      separators=(",", ":")))
        frame = await fut
        return frame["result"]


# ── measuring ───────────────────────────────────────────────────────────────
@dataclass
class Figure:
    calls_per_s: float
    p50_ms: float
    p99_ms: float


async def measure(call: Call, name: str, make_args: Callable[[int], dict[str, Any]], calls: int,
                  in_flight: int) -> Figure:
    counter = itertools.count()
    latencies: list[float] = []

    async def worker() -> None:
        while (i := next(counter)) < calls:
            began = time.perf_counter()
            await call(name, make_args(i))
            latencies.append(time.perf_counter() - began)

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(in_flight)))
    elapsed = time.perf_counter() - began
    latencies.sort()
    return Figure(calls / elapsed, statistics.median(latencies) * 1000, latencies[int(len(latencies) * 0.99)] * 1000)


def write_args(prefix: str) -> Callable[[int], dict[str, Any]]:
    return lambda i: {"title": f"{prefix} task {i:06d}", "description": "written by the round-trip bench"}


Row = tuple[str, Figure, Figure, Figure]  # figure, ours, floor, floor with permessage-deflate


async def run(calls: int, rounds: int, profile: Path | None) -> list[Row]:
    tmp = Path(tempfile.mkdtemp(prefix="adiuva-roundtrip-"))
    gateway = DeviceGateway(tokens={TOKEN: "local"})
    await gateway.start("127.0.0.1", 0)
    device = CompanionProcess(tmp / "data", gateway.url, TOKEN, tmp / "companion.log",
                              python_args=("-m", "cProfile", "-o", str(profile)) if profile else ())
    echo: subprocess.Popen[str] | None = None
    rows: list[Row] = []
    try:
        device.start()
        await gateway.wait_online(timeout=30)

        async def ours(name: str, args: dict[str, Any]) -> dict[str, Any]:
            return await gateway.call(name, args)

        for i in range(20):  # some rows to read, and samples of the real results' sizes
            await ours("create_task", write_args("seed")(i))
        samples = {"create_task": await ours("create_task", write_args("sample")(0)),
                   "list_tasks": await ours("list_tasks", READ_ARGS)}
        echo = start_echo_server(samples)
        assert echo.stdout is not None
        plain_port, deflate_port = map(int, (await asyncio.to_thread(echo.stdout.readline)).split())
        async with FloorClient(f"ws://127.0.0.1:{plain_port}/") as floor_client, \
                FloorClient(f"ws://127.0.0.1:{deflate_port}/", deflate=True) as deflate_client:
            for warm in (ours, floor_client.call, deflate_client.call):  # warm every path
                await measure(warm, "list_tasks", lambda i: READ_ARGS, 300, 8)
            for label, name, in_flight in (
                ("list_tasks, sequential", "list_tasks", 1),
                ("list_tasks, 64 in flight", "list_tasks", 64),
                ("create_task, sequential", "create_task", 1),
                ("create_task, 64 in flight", "create_task", 64),
            ):
                tag = f"{in_flight}"
                make = (lambda i: READ_ARGS) if name == "list_tasks" else write_args(f"bench{tag}")
                figs: dict[str, list[Figure]] = {"ours": [], "floor": [], "deflate": []}
                for r in range(rounds):  # interleaved; the best round of each counts (a shared machine is noisy)
                    figs["floor"].append(await measure(floor_client.call, name, make, calls, in_flight))
                    figs["deflate"].append(await measure(deflate_client.call, name, make, calls, in_flight))
                    make_r = make if name == "list_tasks" else write_args(f"bench{tag}r{r}")
                    figs["ours"].append(await measure(ours, name, make_r, calls, in_flight))
                best = {k: max(v, key=lambda f: f.calls_per_s) for k, v in figs.items()}
                rows.append((label, best["ours"], best["floor"], best["deflate"]))
        code = await device.terminate(30)
        if code != 0:
            print(f"warning: the device exited with {code}\n{device.log_tail()}", file=sys.stderr)
    finally:
        device.ensure_dead()
        if echo is not None:
            echo.kill()
            echo.wait()
        await gateway.stop()
    return rows


def print_table(rows: list[Row], calls: int, rounds: int) -> None:
    header = ("figure", "ours calls/s", "floor calls/s", "ours/floor", "goal", "ours p50/p99 ms",
              "floor p50/p99 ms", "floor+deflate calls/s", "ours/(floor+deflate)")
    lines = [header]
    for label, ours, floor, deflate in rows:
        ratio = ours.calls_per_s / floor.calls_per_s
        lines.append((
            label, f"{ours.calls_per_s:,.0f}", f"{floor.calls_per_s:,.0f}", f"{ratio:.2f}",
            f"≥ {GOAL} ({'met' if ratio >= GOAL else 'NOT met'})",
            f"{ours.p50_ms:.2f} / {ours.p99_ms:.2f}", f"{floor.p50_ms:.2f} / {floor.p99_ms:.2f}",
            f"{deflate.calls_per_s:,.0f}", f"{ours.calls_per_s / deflate.calls_per_s:.2f}",
        ))
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(header))]
    print(f"{calls} calls per figure and round, best of {rounds} interleaved rounds; the device and the floor's "
          "server each in their own process; loopback.")
    print("floor: bare websockets, no compression; floor+deflate: the same with permessage-deflate, "
          "which the gateway and the device negotiate by default.")
    for n, line in enumerate(lines):
        print(" | ".join(str(cell).ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip())
        if n == 0:
            print("-+-".join("-" * w for w in widths))


def print_profile(path: Path, top: int = 25) -> None:
    stats = pstats.Stats(str(path))
    print(f"\nDevice main thread, cProfile ({path}), top {top} by own time:")
    stats.sort_stats("tottime").print_stats(top)
    print(f"Top {top} by cumulative time:")
    stats.sort_stats("cumulative").print_stats(top)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1500, help="calls per round and figure (default 1500)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds; the best counts (default 3)")
    parser.add_argument("--profile", type=Path, help="run the device under cProfile, write the stats here")
    parser.add_argument("--echo-server", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.echo_server:
        samples = json.loads(sys.stdin.readline())
        asyncio.run(_echo_server(samples))
        return 0
    began = time.monotonic()
    rows = asyncio.run(run(args.calls, args.rounds, args.profile))
    print_table(rows, args.calls, args.rounds)
    print(f"wall time {time.monotonic() - began:.1f} s")
    if args.profile:
        print_profile(args.profile)
    return 0


if __name__ == "__main__":
    os.environ.pop("ADIUVA_BACKEND_URL", None)
    sys.exit(main())
