"""Benchmark: list_directory(recursive=true) against an os.walk + os.stat floor.

Generates two trees in a temporary directory, then times, in the same run
and interleaved:

- ours:  the ``list_directory`` tool end to end (roots and pins looked up in
  a real workspace Store, the pinned root opened component by component, one
  worker-thread hop, every folder opened and scanned relative to its parent's
  descriptor, an entry dict per file or folder);
- floor: ``os.walk`` plus one ``os.stat`` per file and folder, building nothing.

Trees: "clients" is 20 folders x 10 subfolders x 100 files (20,220 entries);
"wide" is 400 folders x 1 subfolder x 25 files, so more folders wait with
subfolders than the walk keeps descriptors for (``fsafe.FD_BUDGET``) and
the rest are reopened from the root. Each figure is the best of several
rounds after a warm-up (so both run on a warm page cache). Prints ours,
floor and the ratio per tree; the goal is a ratio of at most 1.3. Usage::

    .venv/bin/python bench/dirscan.py
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from agents.config import AgentConfig, list_agents, save_agent
from agents.store import Store
from agents.tools.base import ToolContext
from agents.tools.filesystem import list_directory

TREES = {"clients": (20, 10, 100), "wide": (400, 1, 25)}
ROUNDS = 7
GOAL = 1.3


def make_tree(root: Path, shape: tuple[int, int, int]) -> int:
    """Create the tree; returns the number of entries (files and folders) below ``root``."""
    top, sub, files = shape
    count = 0
    for i in range(top):
        for j in range(sub):
            folder = root / f"client-{i:03}" / f"project-{j:02}"
            folder.mkdir(parents=True)
            for k in range(files):
                fd = os.open(folder / f"note-{k:03}.md", os.O_WRONLY | os.O_CREAT, 0o644)
                os.write(fd, b"- [ ] something to do\n")
                os.close(fd)
            count += files + 1
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


async def measure(base: Path, name: str, shape: tuple[int, int, int]) -> None:
    root = base / name
    root.mkdir()
    expected = make_tree(root, shape)
    store = await Store.open(base / f"{name}.sqlite3")
    await save_agent(store, AgentConfig.parse({"name": "bench", "directory_paths": [str(root)]}))
    agent_id = (await list_agents(store))[0].id
    args = list_directory.args_model.model_validate({"path": str(root), "recursive": True, "max_entries": 100_000})

    async def ours() -> int:
        ctx = ToolContext(store=store, agent_id=agent_id)
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

    print(f"[{name}] ours:  {best_ours * 1000:.1f} ms for {expected} entries (list_directory recursive)")
    print(f"[{name}] floor: {best_floor * 1000:.1f} ms for {expected} entries (os.walk + os.stat)")
    print(f"[{name}] ratio: {best_ours / best_floor:.2f}x (goal <= {GOAL}x)")


async def main() -> None:
    with tempfile.TemporaryDirectory(prefix="adiuva-dirscan-") as tmp:
        base = Path(os.path.realpath(tmp))
        for name, shape in TREES.items():
            await measure(base, name, shape)


if __name__ == "__main__":
    asyncio.run(main())
