"""Benchmark: list_directory(recursive=true) against an os.walk + os.stat floor.

Generates a tree of 20,000 files (20 folders x 10 subfolders x 100 files) in
a temporary directory, then times, in the same run and interleaved:

- ours:  the ``list_directory`` tool end to end (roots looked up in a real
  workspace Store, one worker-thread hop, an entry dict per file or folder);
- floor: ``os.walk`` plus one ``os.stat`` per file and folder, building nothing.

Each figure is the best of several rounds after a warm-up (so both run on a
warm page cache). Prints three lines: ours, floor, ratio. Usage::

    .venv/bin/python bench/dirscan.py
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from agents.store import Store, utcnow
from agents.tools.base import ToolContext
from agents.tools.filesystem import list_directory

TOP, SUB, FILES = 20, 10, 100
ROUNDS = 7


def make_tree(root: Path) -> int:
    """Create the tree; returns the number of entries (files and folders) below ``root``."""
    count = 0
    for i in range(TOP):
        for j in range(SUB):
            folder = root / f"client-{i:02}" / f"project-{j:02}"
            folder.mkdir(parents=True)
            for k in range(FILES):
                fd = os.open(folder / f"note-{k:03}.md", os.O_WRONLY | os.O_CREAT, 0o644)
                os.write(fd, b"- [ ] something to do\n")
                os.close(fd)
            count += FILES + 1
        count += 1
    return count


def floor(root: str) -> int:
    """The least work that yields the same facts: walk, and stat every entry."""
    n = 0
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames:
            os.stat(os.path.join(dirpath, name))
            n += 1
        for name in filenames:
            os.stat(os.path.join(dirpath, name))
            n += 1
    return n


async def main() -> None:
    with tempfile.TemporaryDirectory(prefix="adiuva-dirscan-") as tmp:
        base = Path(os.path.realpath(tmp))
        root = base / "tree"
        root.mkdir()
        expected = make_tree(root)
        store = await Store.open(base / "w.sqlite3")
        now = utcnow()
        await store.execute(
            "INSERT INTO agents (id, name, directory_paths, created_at, updated_at) "
            "VALUES (?, ?, json(?), ?, ?)",
            ("bench", "bench", json.dumps([str(root)]), now, now),
        )
        args = list_directory.args_model.model_validate(
            {"path": str(root), "recursive": True, "max_entries": 100_000}
        )

        async def ours() -> int:
            ctx = ToolContext(store=store, agent_id="bench")
            result = await list_directory.impl(ctx, args)
            assert not result["truncated"]
            return len(result["entries"])

        try:
            # warm-up: page cache, thread pool, imports
            assert await ours() == expected, "list_directory missed entries"
            assert floor(str(root)) == expected, "floor missed entries"
            best_ours = best_floor = float("inf")
            for _ in range(ROUNDS):
                t = time.perf_counter()
                await ours()
                best_ours = min(best_ours, time.perf_counter() - t)
                t = time.perf_counter()
                await asyncio.to_thread(floor, str(root))
                best_floor = min(best_floor, time.perf_counter() - t)
        finally:
            await store.close()

    print(f"ours:  {best_ours * 1000:.1f} ms for {expected} entries (list_directory recursive)")
    print(f"floor: {best_floor * 1000:.1f} ms for {expected} entries (os.walk + os.stat)")
    print(f"ratio: {best_ours / best_floor:.2f}x")


if __name__ == "__main__":
    asyncio.run(main())
