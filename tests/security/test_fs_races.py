"""Check-then-open races: a folder in the middle of a path flips between a real folder and a
symlink to outside while the real tools read, list and stat through it.

Uses only the tools' public entry points (``spec.impl`` with a real Store), so it runs
against any implementation of the sandbox.
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from agents.errors import ToolError
from agents.store import Store, utcnow
from agents.tools.base import ToolContext
from agents.tools.filesystem import TOOLS

pytestmark = pytest.mark.timeout(60)

SPECS = {spec.name: spec for spec in TOOLS}
SECRET = "OUTSIDE-SECRET-77e1"
SECRET_NAME = "outside_only_name"
INSIDE = "inside text\n"
OUTSIDE_SIZE = 4321  # the outside file's size differs from the inside one's, so a stat leak shows


def build(base: Path) -> tuple[Path, Path]:
    root, outside = base / "root", base / "outside"
    (root / "mid" / "sub").mkdir(parents=True)
    (root / "mid" / "file.txt").write_text(INSIDE)
    (root / "mid" / "sub" / "file.txt").write_text(INSIDE)
    (outside / "sub").mkdir(parents=True)
    body = (SECRET * 200)[:OUTSIDE_SIZE]
    (outside / "file.txt").write_text(body)
    (outside / "sub" / "file.txt").write_text(body)
    (outside / f"{SECRET_NAME}.txt").write_text(body)
    (outside / "sub" / f"{SECRET_NAME}_2.txt").write_text(body)
    return root, outside


class Flipper(threading.Thread):
    """Swaps root/mid between the real folder and a symlink to outside, as fast as it can."""

    def __init__(self, root: Path, outside: Path):
        super().__init__(daemon=True)
        self.mid, self.hold, self.outside = root / "mid", root / ".hold", outside
        self.stop = threading.Event()
        self.flips = 0

    def run(self) -> None:
        while not self.stop.is_set():
            os.rename(self.mid, self.hold)
            os.symlink(self.outside, self.mid)
            time.sleep(0)
            os.unlink(self.mid)
            os.rename(self.hold, self.mid)
            self.flips += 1
            time.sleep(0)


async def hammer(store: Store, root: Path, seconds: float, max_calls: int) -> dict[str, Any]:
    """Run reads, recursive listings and metadata calls until time or count runs out."""
    calls = [
        ("read_file_content", {"path": str(root / "mid" / "file.txt")}),
        ("read_file_content", {"path": str(root / "mid" / "sub" / "file.txt")}),
        ("list_directory", {"path": str(root), "recursive": True}),
        ("list_directory", {"path": str(root / "mid"), "recursive": True}),
        ("get_file_metadata", {"path": str(root / "mid" / "file.txt")}),
        ("get_file_metadata", {"path": str(root / "mid" / "sub" / "file.txt")}),
    ]
    ctx = ToolContext(store=store, agent_id="a")
    stats = {"calls": 0, "ok": 0, "leaks": [], "by_tool_ok": dict.fromkeys(SPECS, 0)}
    deadline = time.monotonic() + seconds

    async def one(name: str, args: dict[str, Any]) -> None:
        spec = SPECS[name]
        try:
            out = await spec.impl(ctx, spec.args_model.model_validate(args))
        except ToolError:
            return
        stats["ok"] += 1
        stats["by_tool_ok"][name] += 1
        blob = json.dumps(out)
        leaked = SECRET in blob or SECRET_NAME in blob
        if name == "get_file_metadata" and out.get("size") == OUTSIDE_SIZE:
            leaked = True
        if leaked:
            stats["leaks"].append((name, args["path"], blob[:200]))

    while time.monotonic() < deadline and stats["calls"] < max_calls:
        batch = [one(n, a) for n, a in calls]
        stats["calls"] += len(batch)
        await asyncio.gather(*batch)
    return stats


async def test_flipping_a_middle_folder_to_a_symlink_leaks_nothing(tmp_path: Path):
    """While root/mid flips between a folder and a symlink to outside, thousands of reads,
    recursive listings and metadata calls return no outside byte, name or size."""
    base = Path(os.path.realpath(tmp_path))
    root, outside = build(base)
    store = await Store.open(base / "w.sqlite3")
    now = utcnow()
    await store.execute(
        "INSERT INTO agents (id, name, directory_paths, created_at, updated_at) VALUES ('a', 'a', json(?), ?, ?)",
        (json.dumps([str(root)]), now, now),
    )
    flipper = Flipper(root, outside)
    flipper.start()
    try:
        stats = await hammer(store, root, seconds=6.0, max_calls=6000)
    finally:
        flipper.stop.set()
        flipper.join(5)
        await store.close()
    assert flipper.flips > 50, "the folder barely flipped: the race was not exercised"
    assert stats["calls"] >= 600
    assert all(stats["by_tool_ok"].values()), stats["by_tool_ok"]  # each tool also read through the real folder
    assert stats["leaks"] == [], f"{len(stats['leaks'])} leaks, first: {stats['leaks'][:3]}"
