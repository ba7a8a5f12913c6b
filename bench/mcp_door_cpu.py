"""Server CPU per MCP call, with the client's cost left out: our door, the reference, the bare SDK.

``bench/mcp_door.py`` drives each server with the SDK's ``ClientSession``, so
its figures include the client's parsing (and the reference's ``outputSchema``
validation, which the client runs on every result it gets). This script asks
where the *server's* time goes. A raw JSON-RPC client writes each request as
one line and reads one line back (almost no CPU of its own), and the
server's CPU counters (``/proc/<pid>/stat`` and, per thread, ``task/*/stat``)
are read around the measured calls. Three servers, each on the same folder:

* ``ours``: ``adiuva-companion mcp`` (``read_file_content``, or
  ``list_directory`` with ``details=false``);
* ``reference``: ``@modelcontextprotocol/server-filesystem`` on the system's
  Node (``read_text_file`` / ``list_directory``), as ``bench/mcp_door.py``
  installs it;
* ``sdk``: the SDK's low-level ``Server`` over our stdio transport, with one
  tool that returns a canned result of the same size as ours: the SDK's own
  per-request cost, the floor any door built on it pays.

For information (no goal): it backs the notes in ``docs/PERFORMANCE.md``.
Linux only::

    .venv/bin/python bench/mcp_door_cpu.py [--calls 2000] [--runs 2] [--workload read|list]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
for entry in (REPO, REPO / "bench"):
    if str(entry) not in sys.path:
        sys.path.insert(0, str(entry))

import mcp_door  # noqa: E402  (bench/mcp_door.py: the tree and the reference's install)

TICK = os.sysconf("SC_CLK_TCK")


def _cpu(stat_path: str) -> float:
    with open(stat_path) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def sdk_server(size: int) -> None:
    """The ``sdk`` side (this file with ``--sdk-server``): one tool, a canned result of ``size`` chars."""
    from mcp import types
    from mcp.server.lowlevel import NotificationOptions, Server

    from bridge.mcp_door.stdio import transport

    server: Server[Any, Any] = Server("sdk-floor")
    text = "x" * size
    canned = types.CallToolResult(content=[types.TextContent(type="text", text=text)],
                                  structuredContent={"content": text}, isError=False)

    @server.list_tools()
    async def _tools() -> list[types.Tool]:
        return [types.Tool(name="canned", inputSchema={"type": "object"})]

    @server.call_tool(validate_input=False)
    async def _call(name: str, arguments: dict[str, Any]) -> types.CallToolResult:
        return canned

    async def main() -> None:
        async with transport() as (read, write):
            await server.run(read, write, server.create_initialization_options(NotificationOptions()))

    asyncio.run(main())


def measure(command: list[str], name: str, args: dict[str, Any], calls: int) -> dict[str, Any]:
    """Server CPU and wall time per sequential call; CPU per thread that used any."""
    proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert proc.stdin is not None and proc.stdout is not None
    try:
        def send(message: dict[str, Any]) -> None:
            proc.stdin.write((json.dumps(message) + "\n").encode())  # type: ignore[union-attr]
            proc.stdin.flush()  # type: ignore[union-attr]

        send({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "cpu-bench", "version": "1"}}})
        proc.stdout.readline()
        send({"jsonrpc": "2.0", "method": "notifications/initialized"})

        def call(i: int) -> None:
            send({"jsonrpc": "2.0", "id": i, "method": "tools/call", "params": {"name": name, "arguments": args}})
            line = proc.stdout.readline()  # type: ignore[union-attr]
            reply = json.loads(line)
            if "error" in reply or reply["result"].get("isError"):
                raise RuntimeError(f"{command[:3]} {name}: {line[:300]!r}")

        for i in range(1, 101):  # warm-up (and first pins stored)
            call(i)
        tasks = Path(f"/proc/{proc.pid}/task")
        threads = {t.name: _cpu(str(t / "stat")) for t in tasks.iterdir()}
        cpu0, began = _cpu(f"/proc/{proc.pid}/stat"), time.perf_counter()
        for i in range(1000, 1000 + calls):
            call(i)
        wall, cpu = time.perf_counter() - began, _cpu(f"/proc/{proc.pid}/stat") - cpu0
        per_thread = {}
        for tid, before in threads.items():
            try:
                spent = _cpu(str(tasks / tid / "stat")) - before
                label = "main" if tid == str(proc.pid) else (tasks / tid / "comm").read_text().strip()
            except OSError:
                continue
            if spent > 0:
                per_thread[label if label == "main" else f"{label}/{tid}"] = spent / calls * 1e6
        return {"cpu_us": cpu / calls * 1e6, "wall_us": wall / calls * 1e6, "threads": per_thread}
    finally:
        proc.kill()
        proc.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=2, help="alternating runs per server (each printed)")
    parser.add_argument("--workload", choices=("read", "list"), default="read")
    parser.add_argument("--sdk-server", type=int, metavar="SIZE", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.sdk_server is not None:
        sdk_server(args.sdk_server)
        return 0
    if not Path("/proc/self/stat").exists():
        print("Linux only (/proc)")
        return 0
    with tempfile.TemporaryDirectory(prefix="adiuva-mcp-cpu-") as tmp:
        root, data = Path(tmp) / "root", Path(tmp) / "data"
        root.mkdir()
        data.mkdir()
        paths = mcp_door.make_tree(root)
        asyncio.run(mcp_door.prepare_ours(root, data))
        if args.workload == "read":
            ours_call = ("read_file_content", {"path": str(paths["text"])})
            peer_call = ("read_text_file", {"path": str(paths["text"])})
            size = len(paths["text"].read_text())
        else:
            ours_call = ("list_directory", {"path": str(paths["flat"]), "details": False})
            peer_call = ("list_directory", {"path": str(paths["flat"])})
            size = 20_000
        sides: dict[str, tuple[list[str], tuple[str, dict[str, Any]]]] = {
            "ours": ([sys.executable, "-m", "desktop.cli", "mcp", "--data-dir", str(data)], ours_call),
            "sdk": ([sys.executable, str(Path(__file__).resolve()), "--sdk-server", str(size)], ("canned", {})),
        }
        peer = mcp_door.peer_entry()
        node = shutil.which("node")
        if peer is not None and node is not None:
            sides["reference"] = ([node, str(peer), str(root)], peer_call)
        else:
            print("reference skipped: no node/npm to run @modelcontextprotocol/server-filesystem")
        print(f"server CPU per sequential {args.workload} call, raw JSON-RPC client over stdio, "
              f"{args.calls} calls per run")
        for run in range(args.runs):
            for side, (command, (name, call_args)) in sides.items():
                figures = measure(command, name, call_args, args.calls)
                threads = ", ".join(f"{k} {v:.0f}" for k, v in sorted(figures["threads"].items(),
                                                                     key=lambda kv: -kv[1]))
                print(f"run {run + 1} {side:>9}: {figures['cpu_us']:6.0f} µs CPU, {figures['wall_us']:6.0f} µs wall "
                      f"per call (threads, µs: {threads})", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
