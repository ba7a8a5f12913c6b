"""A rules-engine run over 1,000 generated files beside the floor of reading and stat-ing them.

    python bench/agent_run.py [--files 1000] [--seed 7]

Floors, in the same process, same files, same run (page cache warm for all):
read+stat (``os.scandir`` the tree, ``stat`` and read every file) and
read+extract (the same with the rules extraction of each file,
``agents.extract.extract_text``, and nothing else: no tool calls, no sandbox,
no journal, no writes). Ours: a full ``rules`` run through the runner
(triage with ignore patterns and .gitignore files, processing, suggestion
identity, journaled tool calls, real SQLite in a temp dir).

Goals (issue 13): the first run ≤ 4 × the read+extract floor; the agent's next
run over the same, unchanged files (the usual scheduled run: triage stats
every file and reads none) ≤ 1.2 × the read+stat floor. For information, the
first run against the read+stat floor.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from agents.config import AgentConfig, save_agent
from agents.events import EventHub
from agents.extract import extract_text
from agents.rules import RulesEngine
from agents.runner import Runner
from agents.store import Store
from agents.tools.catalog import Catalog

WORDS = ("brief client invoice draft review logo palette copy layout meeting budget scope print web "
         "photo launch shop booking timeline feedback revision deadline contract quote").split()


def generate(root: Path, files: int, seed: int) -> int:
    rng = random.Random(seed)
    total = 0
    for i in range(files):
        folder = root / f"Client {i % 25:02d}" / ("notes" if i % 3 else "")
        folder.mkdir(parents=True, exist_ok=True)
        size = rng.choice((1_000, 4_000, 16_000, 64_000))
        lines = [f"# File {i}", "", " ".join(rng.choices(WORDS, k=40)), ""]
        if i % 4 == 0:
            lines += [f"- [ ] Task {i} {rng.choice(WORDS)}", f"- [x] Done {i}", f"TODO: follow up {i}"]
        if i % 10 == 0:
            lines.append(f"Milestone: Review {i} 2027-0{1 + i % 9}-1{i % 10}")
        body = "\n".join(lines) + "\n"
        filler = " ".join(rng.choices(WORDS, k=size // 6))
        text = body + "\n" + "\n".join(filler[j:j + 80] for j in range(0, len(filler), 80)) + "\n"
        path = folder / f"file-{i:04d}.md"
        path.write_text(text[: max(size, len(body))])
        total += path.stat().st_size
    return total


def floor(root: Path, extract: bool = False) -> float:
    today = date.today()
    began = time.perf_counter()
    stack = [str(root)]
    while stack:
        with os.scandir(stack.pop()) as it:
            for entry in it:
                if entry.is_dir():
                    stack.append(entry.path)
                else:
                    entry.stat()
                    with open(entry.path, "rb") as fh:
                        data = fh.read()
                    if extract:
                        extract_text(data.decode(), filename=entry.path, reference_date=today, today=today)
    return time.perf_counter() - began


async def ours(root: Path, data: Path) -> tuple[float, dict, float, dict]:
    """(first run's seconds, its row, a second run's seconds, its row): the second finds nothing changed."""
    store = await Store.open(data / "bench.sqlite3")
    try:
        events = EventHub()
        catalog = Catalog(store=store, events=events)
        runner = Runner(store=store, catalog=catalog, events=events, engines={"rules": RulesEngine()})
        agent = await save_agent(store, AgentConfig.parse({"name": "Bench", "directory_paths": [str(root)],
                                                           "file_extensions": [".md"]}))
        began = time.perf_counter()
        row = await runner.run(agent, "manual")
        first = time.perf_counter() - began
        began = time.perf_counter()
        again = await runner.run(agent, "schedule")
        return first, row, time.perf_counter() - began, again
    finally:
        await store.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root, data = Path(tmp) / "tree", Path(tmp) / "data"
        root.mkdir()
        data.mkdir()
        size = generate(root, args.files, args.seed)
        floor(root)  # warm the page cache for both
        floor_s = min(floor(root) for _ in range(3))
        extract_s = min(floor(root, extract=True) for _ in range(3))
        ours_s, row, again_s, again = asyncio.run(ours(root, data))
        first_ratio, again_ratio = ours_s / extract_s, again_s / floor_s
        print(f"agent run over {args.files} files ({size / 1e6:.1f} MB): first run {ours_s * 1000:.0f} ms "
              f"({row['status']}, processed {row['items_processed']}, created {row['items_created']}), "
              f"floor read+extract {extract_s * 1000:.0f} ms, ratio {first_ratio:.1f}x, goal <= 4x "
              f"{'met' if first_ratio <= 4 else 'NOT met'}")
        print(f"unchanged rerun {again_s * 1000:.0f} ms (processed {again['items_processed']}, "
              f"created {again['items_created']}), floor read+stat {floor_s * 1000:.0f} ms, ratio {again_ratio:.2f}x, "
              f"goal <= 1.2x {'met' if again_ratio <= 1.2 else 'NOT met'}")
        print(f"for information: the first run is {ours_s / floor_s:.1f}x the read+stat floor; "
              f"read+extract is {extract_s / floor_s:.1f}x read+stat")


if __name__ == "__main__":
    main()
