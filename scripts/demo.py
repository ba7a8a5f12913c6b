"""``make demo``: the backend drives one run on a fresh companion, end to end.

1. copies ``resources/sample-workspace/`` and makes a fresh data dir (both temporary);
2. starts the reference gateway (in this process) with the scripted two-phase
   backend run, and the companion as its own process (``--headless``);
3. adds a ``backend``-engine agent on the copy and asks the running companion
   to run it: ``run_request`` → ``run_started`` → the gateway's tool calls
   (triage, then processing) → ``run_complete``;
4. prints what was created, stops both, and removes the temporary files.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bridge.gateway import DeviceGateway  # noqa: E402
from bridge.scripted import scripted_run  # noqa: E402


def cli(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "desktop.cli", *args, "--data-dir", str(data_dir)],
                          cwd=REPO, capture_output=True, text=True, timeout=60)


async def main() -> int:
    began = time.monotonic()
    token = secrets.token_urlsafe(24)
    tmp = Path(tempfile.mkdtemp(prefix="adiuva-demo-"))
    companion: subprocess.Popen[str] | None = None
    gateway = DeviceGateway(tokens={token: "demo"}, run_handler=scripted_run)
    try:
        workspace = tmp / "Clients"
        shutil.copytree(REPO / "resources" / "sample-workspace", workspace)
        data_dir = tmp / "data"
        await gateway.start()
        print(f"reference gateway on {gateway.url}")
        added = cli("agent", "add", "Demo", "--folder", str(workspace), "--engine", "backend", data_dir=data_dir)
        if added.returncode != 0:
            print(added.stderr, file=sys.stderr)
            return 1
        env = {**os.environ, "ADIUVA_DEVICE_TOKEN": token}
        companion = subprocess.Popen(  # noqa: ASYNC220 - starting a process is quick; we never wait on it here
            [sys.executable, "-m", "desktop.cli", "--headless", "--backend-url", gateway.url,
             "--data-dir", str(data_dir)],
            cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )
        await gateway.wait_online("demo", timeout=30)
        print(f"companion connected (device {gateway.connection('demo').device_id})")
        asked = await asyncio.to_thread(cli, "agent", "run", "Demo", "--json", data_dir=data_dir)
        if asked.returncode != 0:
            print(asked.stderr, file=sys.stderr)
            return 1
        print("run requested; the gateway is driving it (triage, then processing)…")
        run = await _wait_for_run(data_dir)
        print(f"run {run['status']}: {run['items_processed']} files, {run['items_created']} created, "
              f"{run['items_updated']} updated — {run['summary']}")
        _print_records(data_dir)
        print(f"demo finished in {time.monotonic() - began:.1f} s")
        return 0 if run["status"] == "success" else 1
    finally:
        if companion is not None:
            companion.send_signal(signal.SIGTERM)
            try:
                companion.wait(timeout=20)
            except subprocess.TimeoutExpired:
                companion.kill()
        await gateway.stop()
        shutil.rmtree(tmp, ignore_errors=True)


async def _wait_for_run(data_dir: Path, timeout: float = 45.0) -> dict:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        out = await asyncio.to_thread(cli, "runs", "--json", data_dir=data_dir)
        runs = json.loads(out.stdout or "[]")
        if runs and runs[0]["status"] not in ("running", "pending"):
            return runs[0]
        await asyncio.sleep(0.3)
    raise TimeoutError("the run did not finish in time")


def _print_records(data_dir: Path) -> None:
    db = sqlite3.connect(f"file:{data_dir / 'workspace.sqlite3'}?mode=ro", uri=True)
    try:
        projects = dict(db.execute("SELECT id, name FROM projects"))
        for table, column in (("projects", "name"), ("tasks", "title"), ("timelines", "title"), ("notes", "title")):
            rows = db.execute(f"SELECT {column}, {'NULL' if table == 'projects' else 'project_id'} FROM {table} "
                              "ORDER BY created_at").fetchall()
            print(f"\n{table} ({len(rows)}):")
            for title, project_id in rows:
                where = f"  [{projects[project_id]}]" if project_id in projects else ""
                print(f"  - {title}{where}")
    finally:
        db.close()


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
