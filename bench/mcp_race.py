"""The symlink-swap races through MCP: our door beside the reference filesystem server, same folder, same run.

Two races, each for ``--seconds`` per server, while the official MCP Python SDK
client reads through the server (stdio, ``in_flight`` reads at a time):

- **middle folder**: a thread flips ``inside/mid`` between the real folder
  (holding an allowed ``file.txt``) and a symlink to the outside folder
  (holding a secret ``file.txt``); the client reads ``inside/mid/file.txt``;
- **file link**: ``inside/swap.txt`` is swapped between a symlink to an allowed
  file and one to the secret file; the client reads ``inside/swap.txt``.

A read that returns the secret's text is a read outside the folders. Ours:
``adiuva-companion mcp`` (every path step relative to a pinned directory
descriptor). Reference: ``@modelcontextprotocol/server-filesystem`` (it
resolves the path, checks it, then opens it by name). Goal: 0 outside reads
for ours::

    .venv/bin/python bench/mcp_race.py [--seconds 10] [--in-flight 8] [--json]
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
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
for entry in (REPO, REPO / "bench"):
    if str(entry) not in sys.path:
        sys.path.insert(0, str(entry))

from mcp_door import peer_entry, prepare_ours, session_for  # noqa: E402

SECRET = "OUTSIDE-SECRET-7c1d"


class Swapper(threading.Thread):
    """Flips ``link`` between ``targets`` with atomic renames until stopped."""

    def __init__(self, link: Path, targets: list[Path]):
        super().__init__(daemon=True)
        self.link, self.targets, self.stop, self.swaps = link, targets, threading.Event(), 0

    def run(self) -> None:
        tmp = self.link.with_name(self.link.name + ".tmp")
        while not self.stop.is_set():
            try:
                os.symlink(self.targets[self.swaps % 2], tmp)
                os.replace(tmp, self.link)
            except OSError:
                pass
            self.swaps += 1


class Flipper(Swapper):
    """Flips the folder ``link`` between itself and a symlink to ``targets[0]`` until stopped."""

    def run(self) -> None:
        hold = self.link.with_name(".hold")
        while not self.stop.is_set():
            os.rename(self.link, hold)
            os.symlink(self.targets[0], self.link)
            time.sleep(0)
            os.unlink(self.link)
            os.rename(hold, self.link)
            self.swaps += 1
            time.sleep(0)


async def race(command: list[str], tool: str, swapper: Swapper, path: Path, seconds: float,
               in_flight: int) -> dict[str, int]:
    counts = {"reads": 0, "outside": 0, "inside": 0, "refused": 0}
    async with session_for(command) as session:
        swapper.start()
        try:
            deadline = time.monotonic() + seconds

            async def reader() -> None:
                while time.monotonic() < deadline:
                    result = await session.call_tool(tool, {"path": str(path)})
                    text = "".join(getattr(c, "text", "") for c in result.content)
                    counts["reads"] += 1
                    if SECRET in text or SECRET in json.dumps(result.structuredContent or {}):
                        counts["outside"] += 1
                    elif result.isError:
                        counts["refused"] += 1
                    else:
                        counts["inside"] += 1

            await asyncio.gather(*(reader() for _ in range(in_flight)))
        finally:
            swapper.stop.set()
            swapper.join(5)
        counts["swaps"] = swapper.swaps
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--in-flight", type=int, default=8)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="mcp-race-bench-") as tmp:
        base = Path(tmp).resolve()
        inside, outside, data = base / "inside", base / "outside", base / "data"
        for folder in (inside, outside, data):
            folder.mkdir()
        (inside / "notes.txt").write_text("an allowed file\n")
        (inside / "mid").mkdir()
        (inside / "mid" / "file.txt").write_text("an allowed file\n")
        (outside / "file.txt").write_text(f"{SECRET}\n")
        link = inside / "swap.txt"
        targets = [outside / "file.txt", inside / "notes.txt"]
        os.symlink(targets[1], link)
        asyncio.run(prepare_ours(inside, data))

        sides = {"ours": ([sys.executable, "-m", "desktop.cli", "mcp", "--data-dir", str(data)], "read_file_content")}
        entry = peer_entry()
        if entry is not None:
            sides["reference"] = ([shutil.which("node") or "node", str(entry), str(inside)], "read_text_file")
        races = {
            "middle folder": (lambda: Flipper(inside / "mid", [outside]), inside / "mid" / "file.txt"),
            "file link": (lambda: Swapper(link, targets), link),
        }
        figures: dict[str, dict[str, int]] = {}
        for name, (make, path) in races.items():
            for side, (command, tool) in sides.items():
                got = asyncio.run(race(command, tool, make(), path, args.seconds, args.in_flight))
                total = figures.setdefault(side, {})
                for key, value in got.items():
                    total[key] = total.get(key, 0) + value
                print(f"{name:<14} {side:<10} reads {got['reads']:>7,}  outside {got['outside']:>7,}  "
                      f"inside {got['inside']:>7,}  refused {got['refused']:>7,}  swaps {got['swaps']:>9,}")
        node = subprocess.run([shutil.which("node") or "node", "--version"], capture_output=True, text=True).stdout

    print(f"symlink-swap races through MCP, {args.seconds:g} s each per server, {args.in_flight} reads in flight "
          f"(reference: server-filesystem on node {node.strip() or '?'})")
    print(f"{'server':<10} | {'reads':>7} | {'outside':>7} | {'inside':>7} | {'refused':>7} | {'swaps':>9}")
    for side, c in figures.items():
        print(f"{side:<10} | {c['reads']:>7,} | {c['outside']:>7,} | {c['inside']:>7,} | {c['refused']:>7,} | "
              f"{c['swaps']:>9,}")
    ours, peer = figures["ours"], figures.get("reference")
    print(f"goal: 0 outside reads through our door: {'met' if ours['outside'] == 0 else 'NOT met'}")
    if args.json:
        row: dict[str, Any] = {"figure": f"MCP symlink-swap race, outside reads in {ours['reads']:,} reads",
                               "ours": ours["outside"], "unit": "reads", "goal": "0 outside reads",
                               "met": ours["outside"] == 0}
        if peer is not None:
            row.update(peer=peer["outside"], peer_label=f"server-filesystem, in {peer['reads']:,} reads",
                       ratio=None)
        else:
            row.update(peer=None, ratio=None, note="server-filesystem not installed (needs node and npm)")
        print(json.dumps({"bench": "mcp_race", "rows": [row]}))
    return 0 if ours["outside"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
