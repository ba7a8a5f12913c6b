"""Our bridge round trip beside an MCP server doing the same read, in the same run.

Ours: the reference ``DeviceGateway`` in this process calls ``list_tasks(limit=1)``
on the headless companion, a real subprocess (``python -m desktop.cli
--headless``): websocket → protocol → dispatcher → executor (``agents.calls``) → the store's
DB thread (reads answered at once, journal rows in the next group commit) → result.
The gateway declines permessage-deflate (its default: frames of a few hundred
bytes gain nothing from it; before, this bench measured ours with every frame
deflated at both ends), so neither side compresses: the MCP side's stdio pipes
carry plain JSON too.

MCP: the official MCP Python SDK (``pip install '.[bench]'``): a stdio MCP
server subprocess (``FastMCP``; ``MCPServer`` on mcp 2.x) exposing a
``list_tasks(limit)`` tool that runs the same two statements on the same
SQLite file with a plain ``sqlite3`` connection (the newest task and the
count), driven by the SDK's ``ClientSession`` over ``stdio_client``.

Both sequentially (1 in flight) and with 64 in flight, with both sides up at
once and measured in turn, ``--rounds`` times each; the best round of each
side is kept (as ``bench/mcp_door.py`` does), so that a load that comes and
goes on a shared machine falls on both sides of the ratio. Goal: ours ≥ 5 ×
MCP sequentially, ≥ 15 × at 64 in flight.
If ``mcp`` is not installed the MCP rows are skipped with a message::

    .venv/bin/python bench/mcp_compare.py [--calls 2000] [--mcp-calls 1000] [--rounds 2] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

GOAL = 5.0  # sequential
GOAL_IN_FLIGHT = 15.0  # 64 in flight
TOKEN = "mcp-compare-bench-device-token-2f81"
IN_FLIGHT = (1, 64)
WHERE = "deleted_at IS NULL AND rejected_at IS NULL"

Call = Callable[[], Awaitable[Any]]


# ── the MCP server (a subprocess: this file with --mcp-server) ──────────────
def mcp_server(db_path: str) -> None:
    try:
        from mcp.server.fastmcp import FastMCP
    except ModuleNotFoundError:  # mcp 2.x renamed it
        from mcp.server.mcpserver import MCPServer as FastMCP  # type: ignore[no-redef]

    conn = sqlite3.connect(db_path, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA busy_timeout = 5000")
    server = FastMCP("adiuva-bench", log_level="WARNING")

    @server.tool()
    def list_tasks(limit: int = 1) -> dict[str, Any]:
        """The newest tasks and how many there are (the same statements as the companion's list_tasks)."""
        total = conn.execute(f"SELECT COUNT(*) FROM tasks WHERE {WHERE}").fetchone()[0]
        rows = conn.execute(f"SELECT * FROM tasks WHERE {WHERE} ORDER BY updated_at DESC, id LIMIT ?",
                            (limit,)).fetchall()
        return {"tasks": [dict(r) for r in rows], "total": total}

    server.run()  # stdio


# ── measuring ───────────────────────────────────────────────────────────────
async def measure(call: Call, calls: int, in_flight: int) -> dict[str, float]:
    counter = itertools.count()
    latencies: list[float] = []

    async def worker() -> None:
        while next(counter) < calls:
            began = time.perf_counter()
            await call()
            latencies.append(time.perf_counter() - began)

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(in_flight)))
    elapsed = time.perf_counter() - began
    latencies.sort()
    return {"calls_per_s": calls / elapsed, "p50_ms": statistics.median(latencies) * 1000,
            "p99_ms": latencies[int(len(latencies) * 0.99)] * 1000}


async def seed(db_path: Path, tasks: int = 20) -> None:
    from agents import calls
    from agents.store import Store
    from agents.tools.catalog import Catalog

    store = await Store.open(db_path)
    try:
        catalog = Catalog(store=store)
        for i in range(tasks):
            outcome = await calls.execute(store, catalog, call_id=f"seed-{i}", name="create_task",
                                            args={"title": f"seed task {i:03d}", "description": "mcp bench"})
            assert outcome.ok, outcome.error
    finally:
        await store.close()


@contextlib.asynccontextmanager
async def ours(data_dir: Path) -> AsyncIterator[Call]:
    """The reference gateway and a headless companion subprocess: yields one ``list_tasks`` call."""
    from bench.kill9 import CompanionProcess
    from bridge.gateway import DeviceGateway

    gateway = DeviceGateway(tokens={TOKEN: "local"})
    await gateway.start("127.0.0.1", 0)
    device = CompanionProcess(data_dir, gateway.url, TOKEN, data_dir.parent / "companion.log")
    try:
        device.start()
        await gateway.wait_online(timeout=30)

        async def call() -> Any:
            result = await gateway.call("list_tasks", {"limit": 1})
            assert result["total"] == 20
            return result

        await measure(call, 300, 8)  # warm-up
        yield call
        await device.terminate(30)
    finally:
        device.ensure_dead()
        await gateway.stop()


@contextlib.asynccontextmanager
async def mcp_side(db_path: Path) -> AsyncIterator[Call]:
    """The SDK's stdio server subprocess and ``ClientSession``: yields one ``list_tasks`` call."""
    from mcp import ClientSession, StdioServerParameters
    from mcp.client.stdio import stdio_client

    params = StdioServerParameters(
        command=sys.executable, args=[str(Path(__file__).resolve()), "--mcp-server", str(db_path)], cwd=str(REPO),
        env={"PYTHONPATH": str(REPO)},
    )
    with open(os.devnull, "w") as errlog:
        async with stdio_client(params, errlog=errlog) as (read, write), ClientSession(read, write) as session:
            await session.initialize()

            async def call() -> Any:
                result = await session.call_tool("list_tasks", {"limit": 1})
                assert not result.isError, result
                return result

            first = await call()
            payload = first.structuredContent or json.loads(first.content[0].text)  # type: ignore[union-attr]
            assert payload["total"] == 20, payload
            await measure(call, 200, 8)  # warm-up
            yield call


def _best(figures: list[dict[str, float]]) -> dict[str, float]:
    return max(figures, key=lambda f: f["calls_per_s"])


def mcp_available() -> str | None:
    """None when the SDK imports, else why not."""
    try:
        import mcp  # noqa: F401
        from mcp.client.stdio import stdio_client  # noqa: F401
    except ImportError as exc:
        return f"the MCP Python SDK is not installed ({exc}); install it with: .venv/bin/pip install -e '.[bench]'"
    return None


async def run(calls: int, mcp_calls: int, rounds: int) -> tuple[dict[int, dict[str, float]],
                                                                  dict[int, dict[str, float]] | None, str]:
    """Both sides up at once, measured in turn (ours, then MCP, ``rounds`` times for each in-flight
    level): a load that comes and goes on a shared machine falls on both sides. The best round of
    each side is kept, as ``bench/mcp_door.py`` does."""
    from importlib.metadata import version

    with tempfile.TemporaryDirectory(prefix="adiuva-mcp-bench-") as tmp:
        data_dir = Path(tmp) / "data"
        data_dir.mkdir()
        db_path = data_dir / "workspace.sqlite3"
        await seed(db_path)
        missing = mcp_available()
        async with contextlib.AsyncExitStack() as stack:
            our_call = await stack.enter_async_context(ours(data_dir))
            mcp_call = None if missing else await stack.enter_async_context(mcp_side(db_path))
            taken: dict[str, dict[int, list[dict[str, float]]]] = {"ours": {}, "mcp": {}}
            for in_flight in IN_FLIGHT:
                for _ in range(rounds):
                    taken["ours"].setdefault(in_flight, []).append(await measure(our_call, calls, in_flight))
                    if mcp_call is not None:
                        taken["mcp"].setdefault(in_flight, []).append(await measure(mcp_call, mcp_calls, in_flight))
        ours_figures = {k: _best(v) for k, v in taken["ours"].items()}
        if missing:
            return ours_figures, None, missing
        return ours_figures, {k: _best(v) for k, v in taken["mcp"].items()}, f"mcp {version('mcp')}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000, help="our calls per figure (default 2000)")
    parser.add_argument("--mcp-calls", type=int, default=1000, help="MCP calls per figure (default 1000)")
    parser.add_argument("--rounds", type=int, default=2, help="measurements per side and figure (best kept)")
    parser.add_argument("--json", action="store_true", help="end with one machine-readable JSON line")
    parser.add_argument("--mcp-server", metavar="DB", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.mcp_server:
        mcp_server(args.mcp_server)
        return 0
    ours_figures, mcp_figures, note = asyncio.run(run(args.calls, args.mcp_calls, args.rounds))
    rows = []
    print(f"list_tasks(limit=1) over loopback; ours: gateway → headless companion subprocess; "
          f"MCP: {note if mcp_figures else 'skipped'}")
    if mcp_figures is None:
        print(f"MCP rows skipped: {note}")
    for in_flight in IN_FLIGHT:
        o = ours_figures[in_flight]
        label = "sequential" if in_flight == 1 else f"{in_flight} in flight"
        goal = GOAL if in_flight == 1 else GOAL_IN_FLIGHT
        line = f"{label:>12}: ours {o['calls_per_s']:,.0f} calls/s (p50 {o['p50_ms']:.2f} ms, p99 {o['p99_ms']:.2f} ms)"
        row: dict[str, Any] = {"figure": f"bridge vs MCP stdio, list_tasks, {label}", "unit": "calls/s",
                               "ours": round(o["calls_per_s"], 1), "peer_label": "MCP SDK stdio",
                               "goal": f"≥ {goal:g} × MCP"}
        if mcp_figures is not None:
            m = mcp_figures[in_flight]
            ratio = o["calls_per_s"] / m["calls_per_s"]
            line += (f" | MCP {m['calls_per_s']:,.0f} calls/s (p50 {m['p50_ms']:.2f} ms, p99 {m['p99_ms']:.2f} ms)"
                     f" | ratio {ratio:.1f}x, goal ≥ {goal:g}x {'met' if ratio >= goal else 'NOT met'}")
            row.update(peer=round(m["calls_per_s"], 1), ratio=round(ratio, 2), met=ratio >= goal)
        else:
            row.update(peer=None, ratio=None, met=None, note=note)
        print(line)
        rows.append(row)
    if args.json:
        print(json.dumps({"bench": "mcp_compare", "rows": rows}))
    return 0


if __name__ == "__main__":
    os.environ.pop("ADIUVA_BACKEND_URL", None)
    sys.exit(main())
