"""``--data-dir`` and ``-v`` before or after the command: every command uses the given data dir, as a real process."""

from __future__ import annotations

import json
import signal
import sqlite3
import time
from pathlib import Path

import pytest

from tests.e2e.startup_helpers import default_data_dir, run, spawn, wait_for

DEBUG_MARK = "DEBUG desktop.cli"


def _options(position: str, data: Path, command: list[str]) -> list[str]:
    """``command`` with ``--data-dir DATA -v`` before it, after it, or (for agent actions) in the middle."""
    options = ["--data-dir", str(data), "-v"]
    if position == "before":
        return [*options, *command]
    if position == "middle":
        return [command[0], *options, *command[1:]]
    return [*command, *options]


def _agents_in(data: Path) -> list[str]:
    db = sqlite3.connect(data / "workspace.sqlite3")
    try:
        return [name for (name,) in db.execute("SELECT name FROM agents ORDER BY name")]
    finally:
        db.close()


@pytest.mark.parametrize("position", ["before", "after", "middle"])
def test_agent_commands_and_runs_use_the_given_data_dir(tmp_path, position):
    """agent add/list/edit/run/remove and runs read and write the --data-dir workspace, never the default one."""
    data = tmp_path / "data"
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "todo.md").write_text("# Todo\n\n- [ ] Call Anna\n")

    def cli(*command: str):
        done = run(_options(position, data, list(command)), tmp_path)
        assert done.returncode == 0, done.stderr
        assert DEBUG_MARK in done.stderr, f"-v ignored in position {position}: {done.stderr}"
        return done

    cli("agent", "add", "Notes", "--folder", str(folder), "--json")
    assert _agents_in(data) == ["Notes"]
    assert [a["name"] for a in json.loads(cli("agent", "list", "--json").stdout)] == ["Notes"]
    cli("agent", "edit", "Notes", "--rename", "Inbox")
    assert _agents_in(data) == ["Inbox"]
    assert json.loads(cli("agent", "run", "Inbox", "--json").stdout)["status"] == "success"
    if position != "middle":  # `runs` has no action to put the options before
        [row] = json.loads(cli("runs", "--json").stdout)
        assert row["agent_name"] == "Inbox" and row["status"] == "success"
    cli("agent", "remove", "Inbox")
    assert _agents_in(data) == []
    assert not default_data_dir(tmp_path).exists()


@pytest.mark.parametrize("position", ["before", "after"])
def test_doctor_login_logout_use_the_given_data_dir(tmp_path, position):
    """doctor checks, and login stores its backend URL in, the --data-dir workspace; -v works in both places."""
    data = tmp_path / "data"
    done = run(_options(position, data, ["login", "--backend-url", "wss://api.example.com/ws/device"]), tmp_path,
               stdin="tok-args-1\n")
    assert done.returncode == 0 and DEBUG_MARK in done.stderr, done.stderr
    db = sqlite3.connect(data / "workspace.sqlite3")
    [(url,)] = db.execute("SELECT value FROM settings WHERE key = 'backend_url'").fetchall()
    db.close()
    assert json.loads(url) == "wss://api.example.com/ws/device"

    done = run(_options(position, data, ["doctor"]), tmp_path)
    assert f"data dir {data}" in done.stdout and "workspace schema" in done.stdout, done.stdout
    assert DEBUG_MARK in done.stderr

    done = run(_options(position, data, ["logout"]), tmp_path)
    assert done.returncode == 0 and DEBUG_MARK in done.stderr, done.stderr
    assert not default_data_dir(tmp_path).exists()


def test_backend_url_before_login_is_the_one_saved(tmp_path):
    """`--backend-url URL login` saves URL like `login --backend-url URL` (the option is not lost to the command)."""
    data = tmp_path / "data"
    done = run(["--backend-url", "wss://before.example.com/ws", "login", "--data-dir", str(data)], tmp_path,
               stdin="tok\n")
    assert done.returncode == 0, done.stderr
    assert "wss://before.example.com/ws" in done.stdout


@pytest.mark.parametrize("position", ["before", "after"])
def test_gateway_takes_the_options_in_both_places(tmp_path, position):
    """gateway accepts --data-dir and -v before or after it and does not create the default data dir."""
    data = tmp_path / "data"
    proc = spawn(_options(position, data, ["gateway", "--port", "0"]), tmp_path)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("Reference gateway listening on ws://"), line
        # gateway_cli installs its SIGTERM handler just after this banner: let it get there.
        wait_for(lambda: "Point a companion" in proc.stdout.readline(), what="the gateway banner")
        time.sleep(0.5)
    finally:
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert DEBUG_MARK in err and data.is_dir() and not default_data_dir(tmp_path).exists()


@pytest.mark.parametrize("position", ["before", "after"])
def test_headless_service_uses_the_given_data_dir(tmp_path, position):
    """The service (no command) with --data-dir/-v on either side of --headless writes only there."""
    data = tmp_path / "data"
    args = ["--data-dir", str(data), "-v"]
    proc = spawn([*args, "--headless"] if position == "before" else ["--headless", *args], tmp_path)
    try:
        wait_for(lambda: (data / "control.sock").exists() or proc.poll() is not None, what="the service starts")
        assert proc.poll() is None
    finally:
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "DEBUG" in err and (data / "workspace.sqlite3").exists() and not default_data_dir(tmp_path).exists()
