"""A CLI agent change reaches the running headless companion through the control channel at once."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

from tests.e2e.test_cli import REPO, _spawn, _wait_for


def test_cli_agent_add_while_headless_runs_reaches_its_scheduler_at_once(tmp_path: Path):
    """agent add/remove with a companion running go through it: its scheduler is told now, not a minute later."""
    data_dir, clients = tmp_path / "data", tmp_path / "Clients"
    clients.mkdir()
    d = ["--data-dir", str(data_dir)]
    service = _spawn(["--headless", *d])
    log = data_dir / "logs" / "companion.log"
    try:
        _wait_for(lambda: (data_dir / "control.sock").exists())
        added = subprocess.run([sys.executable, "-m", "desktop.cli", "agent", "add", "Client work", "--folder",
                                str(clients), "--cron", "0 9 * * 1-5", "--json", *d],
                               cwd=REPO, capture_output=True, text=True, timeout=30)
        assert added.returncode == 0, added.stderr
        agent_id = json.loads(added.stdout)["id"]
        _wait_for(lambda: f"companion.agent.changed agent_id={agent_id} scheduler=notified" in log.read_text())
        removed = subprocess.run([sys.executable, "-m", "desktop.cli", "agent", "remove", "Client work", *d],
                                 cwd=REPO, capture_output=True, text=True, timeout=30)
        assert removed.returncode == 0, removed.stderr
        listed = subprocess.run([sys.executable, "-m", "desktop.cli", "agent", "list", "--json", *d],
                                cwd=REPO, capture_output=True, text=True, timeout=30)
        assert json.loads(listed.stdout) == []
        assert log.read_text().count(f"companion.agent.changed agent_id={agent_id}") == 2
    finally:
        service.send_signal(signal.SIGTERM)
        _out, err = service.communicate(timeout=20)
    assert service.returncode == 0, err
