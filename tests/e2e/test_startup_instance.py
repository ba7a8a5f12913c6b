"""One companion per data dir: a second instance never touches the first's data, as real processes."""

from __future__ import annotations

import json
import signal
import sqlite3
import uuid
from pathlib import Path

import pytest

from agents.paths import InstanceLock
from agents.store import utcnow
from desktop.companion import Companion
from tests.e2e.startup_helpers import one_error_line, run, spawn, wait_for


def _run_row(data: Path, agent_id: str) -> str:
    """A run in progress, as the live service would have written it; returns its id."""
    run_id = str(uuid.uuid4())
    db = sqlite3.connect(data / "workspace.sqlite3", timeout=10)
    db.execute("INSERT INTO agent_runs (id, agent_id, agent_name, trigger, engine, status, started_at) "
               "VALUES (?, ?, 'Notes', 'manual', 'rules', 'running', ?)", (run_id, agent_id, utcnow()))
    db.commit()
    db.close()
    return run_id


def _status(data: Path, run_id: str) -> str:
    db = sqlite3.connect(data / "workspace.sqlite3", timeout=10)
    try:
        [(status,)] = db.execute("SELECT status FROM agent_runs WHERE id = ?", (run_id,)).fetchall()
    finally:
        db.close()
    return status


@pytest.fixture
def service(tmp_path):
    """A headless companion in a subprocess with one agent and a run row in ``running``."""
    data = tmp_path / "data"
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "a.md").write_text("- [ ] one\n")
    added = run(["agent", "add", "Notes", "--folder", str(folder), "--json", "--data-dir", str(data)], tmp_path)
    agent_id = json.loads(added.stdout)["id"]
    proc = spawn(["--headless", "--data-dir", str(data)], tmp_path)
    wait_for(lambda: (data / "control.sock").exists() or proc.poll() is not None, what="the first service starts")
    assert proc.poll() is None, proc.communicate()[1]
    run_id = _run_row(data, agent_id)
    yield proc, data, run_id
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=30)


def test_second_headless_instance_exits_and_leaves_the_running_run_alone(tmp_path, service):
    """A second --headless on the same data dir exits 1 with one line naming the first's pid; the run stays running."""
    first, data, run_id = service
    line = one_error_line(run(["--headless", "--data-dir", str(data)], tmp_path))
    assert "already running" in line and f"pid {first.pid}" in line
    assert _status(data, run_id) == "running"
    assert first.poll() is None and (data / "control.sock").exists()


def test_second_gui_hands_over_to_the_running_service(tmp_path, service):
    """A second launch with a window asks the running service instead; the run stays running."""
    first, data, run_id = service
    done = run(["--data-dir", str(data)], tmp_path, QT_QPA_PLATFORM="offscreen")
    assert done.returncode == 0 and "already running" in done.stderr and "Traceback" not in done.stderr
    assert _status(data, run_id) == "running" and first.poll() is None


def test_second_instance_without_a_display_exits_with_one_line(tmp_path, service):
    """Without a display the second launch falls back to headless and says only that another one runs."""
    first, data, run_id = service
    line = one_error_line(run(["--data-dir", str(data)], tmp_path))
    assert "already running" in line
    assert _status(data, run_id) == "running" and first.poll() is None


def test_crashed_instance_frees_the_data_dir_and_its_run_is_marked_interrupted(tmp_path, service):
    """After SIGKILL the OS drops the lock: the next start works and closes the orphaned run as interrupted."""
    first, data, run_id = service
    first.kill()
    first.communicate(timeout=30)
    nxt = spawn(["--headless", "--data-dir", str(data)], tmp_path)
    try:
        wait_for(lambda: _status(data, run_id) == "interrupted" or nxt.poll() is not None, what="recovery")
        assert nxt.poll() is None
    finally:
        nxt.send_signal(signal.SIGTERM)
        _out, err = nxt.communicate(timeout=30)
    assert nxt.returncode == 0, err
    assert _status(data, run_id) == "interrupted"


def test_the_lock_comes_before_any_write_to_the_workspace(tmp_path):
    """While another process holds the lock, neither the service nor a foreground run creates or migrates the store."""
    data = tmp_path / "data"
    data.mkdir()
    lock = InstanceLock(data)
    lock.acquire()
    try:
        line = one_error_line(run(["--headless", "--data-dir", str(data)], tmp_path))
        assert "already running" in line
        line = one_error_line(run(["agent", "run", "Notes", "--data-dir", str(data)], tmp_path))
        assert "already running" in line
        assert not (data / "workspace.sqlite3").exists() and not (data / "device_id").exists()
    finally:
        lock.release()


async def test_a_failed_start_releases_the_lock_in_the_same_process(tmp_path):
    """Companion.start that fails (corrupt store) undoes itself: the same process can start again once fixed."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "workspace.sqlite3").write_bytes(b"garbage " * 1000)
    companion = Companion(data_dir=data, token_provider=lambda: None, scheduler=False, control=False)
    with pytest.raises(Exception, match="not a usable workspace database"):
        await companion.start()
    (data / "workspace.sqlite3").unlink()
    again = Companion(data_dir=data, token_provider=lambda: None, scheduler=False, control=False)
    await again.start()
    try:
        assert again.started
    finally:
        await again.stop()
    probe = InstanceLock(data)
    probe.acquire()  # stop() released it too
    probe.release()
