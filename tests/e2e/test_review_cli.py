"""``adiuva-companion review``: list, approve, reject, restore and undo as real processes over a real workspace."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from agents.store import DB_FILENAME, Store
from tests.agents.test_review_bulk import add_run, seed

REPO = Path(__file__).resolve().parents[2]


def review(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "desktop.cli", "review", *args, "--data-dir", str(data_dir)],
                          cwd=REPO, capture_output=True, text=True, timeout=120)


def _prepare(data_dir: Path) -> dict[str, list[str] | str]:
    async def go() -> dict[str, list[str] | str]:
        store = await Store.open(data_dir / DB_FILENAME)
        try:
            run = await add_run(store, "Client work")
            tasks = await seed(store, 300, run_id=run, source="/c/acme/notes.md", prefix="Quote")
            notes = await seed(store, 20, kind="notes", source="/c/other/memo.md", prefix="Memo")
            return {"run": run, "tasks": tasks, "notes": notes}
        finally:
            await store.close()

    return asyncio.run(go())


def test_review_cli_list_decide_restore_and_undo(tmp_path: Path):
    """Lists in local time; approves ids; rejects by source and --all in one batch; restores; undo reverts."""
    data_dir = tmp_path / "data"
    made = _prepare(data_dir)
    listed = review(data_dir, "list", "--kind", "notes", "--json")
    assert listed.returncode == 0, listed.stderr
    body = json.loads(listed.stdout)
    assert body["total"] == 20 and {i["kind"] for i in body["items"]} == {"notes"}
    created = datetime.fromisoformat(body["items"][0]["created_at"])
    assert created.utcoffset() == datetime.now().astimezone().utcoffset()  # local time, with its offset
    text = review(data_dir, "list", "--agent", "Client work", "--limit", "5")
    assert text.returncode == 0 and "… 295 more" in text.stdout and "Quote 000000" in text.stdout

    ok = review(data_dir, "approve", *made["tasks"][:2], "--json")  # type: ignore[index]
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["count"] == 2
    bad = review(data_dir, "approve", made["tasks"][2], "no-such-id")  # type: ignore[index]
    assert bad.returncode == 1 and "no-such-id" in bad.stderr
    assert json.loads(review(data_dir, "list", "--json").stdout)["total"] == 318  # the bad call changed nothing

    by_source = json.loads(review(data_dir, "reject", "--source", "/c/acme", "--json").stdout)
    assert by_source["count"] == 298 and by_source["by_kind"] == {"tasks": 298}
    undone = review(data_dir, "undo")
    assert undone.returncode == 0 and "rejected 298 suggestions" in undone.stdout
    everything = review(data_dir, "reject", "--all")
    assert everything.returncode == 0 and "Rejected 318 suggestions" in everything.stdout
    assert json.loads(review(data_dir, "list", "--json").stdout)["total"] == 0
    assert json.loads(review(data_dir, "list", "--rejected", "--json").stdout)["total"] == 318

    restored = review(data_dir, "restore", made["notes"][0], "--json")  # type: ignore[index]
    assert restored.returncode == 0 and json.loads(restored.stdout)["count"] == 1
    assert json.loads(review(data_dir, "list", "--json").stdout)["total"] == 1
    usage = review(data_dir, "reject")
    assert usage.returncode == 2 and "say which suggestions" in usage.stderr
