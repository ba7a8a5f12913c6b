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


def test_agent_run_wait_follows_the_run_in_the_running_companion_and_prints_its_summary(tmp_path: Path):
    """agent run NAME --wait: the running companion runs it; the CLI waits for the end and prints the summary."""
    data_dir, clients = tmp_path / "data", tmp_path / "Clients"
    (clients / "Acme").mkdir(parents=True)
    (clients / "Acme" / "todo.md").write_text("# Acme\n\n- [ ] Send the quote\n- [ ] Book the studio\n")
    (clients / "Acme" / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))
    d = ["--data-dir", str(data_dir)]
    service = _spawn(["--headless", *d])
    try:
        _wait_for(lambda: (data_dir / "control.sock").exists())
        added = subprocess.run([sys.executable, "-m", "desktop.cli", "agent", "add", "Client work", "--folder",
                                str(clients), "--ext", ".md", "--ext", ".png", *d],
                               cwd=REPO, capture_output=True, text=True, timeout=30)
        assert added.returncode == 0, added.stderr
        ran = subprocess.run([sys.executable, "-m", "desktop.cli", "agent", "run", "Client work", "--wait", *d],
                             cwd=REPO, capture_output=True, text=True, timeout=60)
        assert ran.returncode == 0, ran.stderr
        lines = ran.stdout.splitlines()
        assert lines[0] == "Started Client work in the running companion; waiting for it to finish…"
        assert lines[1].startswith("success: ") and lines[1].endswith(" new suggestions, 0 updated"), lines
        assert "1 unsupported type" in lines[2], lines  # the picture, accounted for
        as_json = subprocess.run([sys.executable, "-m", "desktop.cli", "agent", "run", "Client work", "--wait",
                                  "--json", *d], cwd=REPO, capture_output=True, text=True, timeout=60)
        assert as_json.returncode == 0, as_json.stderr
        row = json.loads(as_json.stdout)
        assert row["status"] == "success" and row["items_created"] == 0  # nothing new the second time
    finally:
        service.send_signal(signal.SIGTERM)
        _out, err = service.communicate(timeout=20)
    assert service.returncode == 0, err
