"""The honest floor for the bridge: bare websockets + the same SQL per call with group commit, beside ours.

Ours: a raw protocol server here (JSON frames, answers by id, permessage-deflate
declined like the floor's server: as light as the floors' client) calls the headless companion (a real subprocess,
``python -m desktop.cli --headless``): ``tool_call`` →
dispatcher → executor (``agents.calls``) → the store's DB thread (group
commit, ``synchronous=FULL``) → ``tool_result``, ack after commit for writes.

Floor: a bare ``websockets`` server in a subprocess with one SQLite thread, on
the product's own schema and pragmas (``agents.schema.connect``: the same
tables, indexes and CHECKs, so the same rows cost the same), that does, per
call, what ours must do at least: look the id up in a journal table,
run the ``SELECT`` (``list_tasks``) or the ``INSERT`` (``create_task``), insert
the journal row; calls that arrive together share one transaction (one
``SAVEPOINT`` each) and one ``COMMIT`` with ``synchronous=FULL`` and WAL; a
write is answered after its commit, a read at once. No validation, no
dispatcher, no events. The bare echo (no SQL) is printed for information.

Sequential and 64 in flight, interleaved rounds, the best round counts.
Goal: ours ≥ 0.6 × the SQL floor::

    .venv/bin/python bench/bridge_floor.py [--calls 1500] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import itertools
import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from websockets.asyncio.server import serve  # noqa: E402

from bench.bridge_roundtrip import READ_ARGS, TOKEN, Figure, FloorClient, measure, write_args  # noqa: E402
from bench.kill9 import CompanionProcess  # noqa: E402
from bridge.protocol import SUBPROTOCOL  # noqa: E402

GOAL = 0.6
# The floor writes the same rows as ours into the same tables: the product's own schema and pragmas
# (``agents.schema.connect``: its indexes, CHECKs and WAL settings), so the ratio measures our work per
# call, not a lighter table. A create is a suggestion, as the bridge stores it.
TASK = ("INSERT INTO tasks (id, title, description, project_id, state, assignees, due_date, is_ai_suggested, "
        "is_approved, source_path, run_id, created_at, updated_at) VALUES (:id, :title, :description, NULL, "
        ":state, '[]', NULL, 1, 0, NULL, NULL, :created_at, :updated_at)")
RECORD = ("INSERT INTO tool_calls (call_id, name, args_hash, args, source, run_id, agent_id, ok, error_type, "
          "result, started_at, finished_at, duration_ms, prunable) VALUES (?, ?, ?, ?, 'bridge', NULL, NULL, 1, "
          "NULL, ?, ?, ?, 0, ?)")


# ── the floor server (subprocess) ───────────────────────────────────────────
def _db_thread(path: str, jobs: queue.SimpleQueue[Any]) -> None:
    from agents.schema import connect

    conn, _ = connect(Path(path), None)  # WAL, synchronous=FULL, no automatic checkpoints: as ours
    lookup = "SELECT name, args_hash, ok, result FROM tool_calls WHERE call_id = ?"

    def one(req: dict[str, Any]) -> str:
        stored = conn.execute(lookup, (req["id"],)).fetchone()
        if stored is not None:
            return stored["result"]
        args = json.dumps(req["args"], sort_keys=True)
        if req["name"] == "list_tasks":
            rows = conn.execute("SELECT * FROM tasks ORDER BY created_at DESC LIMIT ?",
                                (req["args"].get("limit", 50),)).fetchall()
            result = json.dumps({"tasks": [dict(r) for r in rows], "total": len(rows)})
        else:
            now = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
            task = {"id": str(uuid.uuid4()), "title": req["args"]["title"],
                    "description": req["args"].get("description") or "", "state": "ToDo", "created_at": now,
                    "updated_at": now}
            conn.execute(TASK, task)
            result = json.dumps(task)
        digest = hashlib.sha256(f"{req['name']}\x00{args}".encode()).hexdigest()
        now = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
        read_only = int(req["name"] == "list_tasks")
        return result, (req["id"], req["name"], digest, args, result, now, now, read_only)  # type: ignore[return-value]

    while True:
        batch = [jobs.get()]
        with contextlib.suppress(queue.Empty):
            while True:
                batch.append(jobs.get_nowait())
        rows, answers = [], []
        for req, fut, loop in batch:  # reads: answered at once, their rows join the group
            if req["name"] == "list_tasks":
                out = one(req)
                result, row = out if isinstance(out, tuple) else (out, None)
                loop.call_soon_threadsafe(fut.set_result, result)
                if row:
                    rows.append(row)
        conn.execute("BEGIN IMMEDIATE")
        for req, fut, loop in batch:
            if req["name"] != "list_tasks":
                conn.execute("SAVEPOINT c")
                out = one(req)
                result, row = out if isinstance(out, tuple) else (out, None)
                if row:
                    conn.execute(RECORD, row)
                conn.execute("RELEASE c")
                answers.append((fut, loop, result))
        conn.executemany(RECORD, rows)
        conn.execute("COMMIT")
        for fut, loop, result in answers:
            loop.call_soon_threadsafe(fut.set_result, result)


async def _sql_server(path: str) -> None:
    jobs: queue.SimpleQueue[Any] = queue.SimpleQueue()
    threading.Thread(target=_db_thread, args=(path, jobs), daemon=True).start()
    loop = asyncio.get_running_loop()

    replies: set[asyncio.Task[None]] = set()

    async def answer(ws):
        async def reply(req: dict[str, Any], fut: asyncio.Future[str]) -> None:
            result = await fut
            await ws.send(f'{{"type":"tool_result","id":{json.dumps(req["id"])},"ok":true,'
                          f'"result":{result},"duration_ms":0.0}}')

        async for message in ws:
            req = json.loads(message)
            fut = loop.create_future()
            jobs.put((req, fut, loop))
            task = asyncio.ensure_future(reply(req, fut))
            replies.add(task)
            task.add_done_callback(replies.discard)

    async with serve(answer, "127.0.0.1", 0, max_size=16 * 1024 * 1024, compression=None) as server:
        print(next(iter(server.sockets)).getsockname()[1], flush=True)
        await asyncio.Event().wait()


class RawGateway:
    """The backend side of ours, as light as the floors' client: frames as JSON text, answers by id."""

    def __init__(self) -> None:
        self.online = asyncio.Event()
        self._pending: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._ids = itertools.count()
        self._ws: Any = None

    async def start(self) -> None:
        # Like the floor's server: permessage-deflate declined (the device offers it; a backend may
        # decline), so both sides pay the same transport and the ratio compares the work per call.
        self._server = await serve(self._handler, "127.0.0.1", 0, max_size=16 * 1024 * 1024,
                                   subprotocols=[SUBPROTOCOL], compression=None)
        self.url = f"ws://127.0.0.1:{next(iter(self._server.sockets)).getsockname()[1]}/"

    async def stop(self) -> None:
        self._server.close()
        await self._server.wait_closed()

    async def _handler(self, ws: Any) -> None:
        async for message in ws:
            frame = json.loads(message)
            if frame.get("type") == "device_hello":
                self._ws = ws
                self.online.set()
            elif frame.get("type") == "tool_result":
                fut = self._pending.pop(frame["id"], None)
                if fut is not None:
                    fut.set_result(frame)

    async def call(self, name: str, args: dict[str, Any]) -> dict[str, Any]:
        call_id = f"raw-{next(self._ids)}"
        fut = asyncio.get_running_loop().create_future()
        self._pending[call_id] = fut
        await self._ws.send(json.dumps({"type": "tool_call", "id": call_id, "name": name, "args": args},
                                       separators=(",", ":")))
        frame = await fut
        if not frame["ok"]:
            raise RuntimeError(frame["error"])
        return frame["result"]


# ── measuring ───────────────────────────────────────────────────────────────
async def run(calls: int, rounds: int) -> list[tuple[str, Figure, Figure, Figure]]:
    from bench.bridge_roundtrip import start_echo_server

    tmp = Path(tempfile.mkdtemp(prefix="adiuva-floor-"))
    gateway = RawGateway()
    await gateway.start()
    device = CompanionProcess(tmp / "data", gateway.url, TOKEN, tmp / "companion.log")
    servers: list[subprocess.Popen[str]] = []
    rows = []
    try:
        device.start()
        await asyncio.wait_for(gateway.online.wait(), 30)

        async def ours(name: str, args: dict[str, Any]) -> dict[str, Any]:
            return await gateway.call(name, args)

        for i in range(20):
            await ours("create_task", write_args("seed")(i))
        samples = {"create_task": await ours("create_task", write_args("sample")(0)),
                   "list_tasks": await ours("list_tasks", READ_ARGS)}
        echo = start_echo_server(samples)
        servers.append(echo)
        sql = subprocess.Popen([sys.executable, __file__, "--sql-server", str(tmp / "floor.sqlite3")],  # noqa: ASYNC220
                               stdout=subprocess.PIPE, text=True, cwd=REPO)
        servers.append(sql)
        echo_port = int((await asyncio.to_thread(echo.stdout.readline)).split()[0])  # type: ignore[union-attr]
        sql_port = int(await asyncio.to_thread(sql.stdout.readline))  # type: ignore[union-attr]
        async with FloorClient(f"ws://127.0.0.1:{echo_port}/") as echo_client, \
                FloorClient(f"ws://127.0.0.1:{sql_port}/") as sql_client:
            for i in range(20):
                await sql_client.call("create_task", write_args("seed")(i))
            for warm in (ours, echo_client.call, sql_client.call):
                await measure(warm, "list_tasks", lambda i: READ_ARGS, 300, 8)
            for label, name, in_flight in (
                ("list_tasks, sequential", "list_tasks", 1),
                ("list_tasks, 64 in flight", "list_tasks", 64),
                ("create_task, sequential", "create_task", 1),
                ("create_task, 64 in flight", "create_task", 64),
            ):
                figs: dict[str, list[Figure]] = {"ours": [], "sql": [], "echo": []}
                for r in range(rounds):
                    make = (lambda i: READ_ARGS) if name == "list_tasks" else write_args(f"b{in_flight}r{r}")
                    figs["sql"].append(await measure(sql_client.call, name, make, calls, in_flight))
                    figs["echo"].append(await measure(echo_client.call, name, make, calls, in_flight))
                    figs["ours"].append(await measure(ours, name, make, calls, in_flight))
                best = {k: max(v, key=lambda f: f.calls_per_s) for k, v in figs.items()}
                rows.append((label, best["ours"], best["sql"], best["echo"]))
        await device.terminate(30)
    finally:
        device.ensure_dead()
        for server in servers:
            server.kill()
            server.wait()
        await gateway.stop()
    return rows


def print_table(rows: list[tuple[str, Figure, Figure, Figure]], calls: int, rounds: int) -> None:
    header = ("figure", "ours calls/s", "floor calls/s", "ours/floor", "goal", "ours p50/p99 ms",
              "floor p50/p99 ms", "echo calls/s (info)")
    lines: list[tuple[str, ...]] = [header]
    for label, ours, floor, echo in rows:
        ratio = ours.calls_per_s / floor.calls_per_s
        lines.append((label, f"{ours.calls_per_s:,.0f}", f"{floor.calls_per_s:,.0f}", f"{ratio:.2f}",
                      f"≥ {GOAL} ({'met' if ratio >= GOAL else 'NOT met'})",
                      f"{ours.p50_ms:.2f} / {ours.p99_ms:.2f}", f"{floor.p50_ms:.2f} / {floor.p99_ms:.2f}",
                      f"{echo.calls_per_s:,.0f}"))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    print(f"{calls} calls per figure and round, best of {rounds} interleaved rounds; loopback; floor: bare "
          "websockets + the same SQL per call (lookup, select/insert, journal row), group commit, synchronous=FULL.")
    for n, line in enumerate(lines):
        print(" | ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip())
        if n == 0:
            print("-+-".join("-" * w for w in widths))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1500)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sql-server", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.sql_server:
        asyncio.run(_sql_server(args.sql_server))
        return 0
    began = time.monotonic()
    print_table(asyncio.run(run(args.calls, args.rounds)), args.calls, args.rounds)
    print(f"wall time {time.monotonic() - began:.1f} s")
    return 0


if __name__ == "__main__":
    os.environ.pop("ADIUVA_BACKEND_URL", None)
    sys.exit(main())
