"""The real app on a real X server (Xvfb): window shown, quit from the menu, exit 0."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
MARKER = "ADIUVA-XVFB"


def _xdotool(display: str, *args: str) -> str:
    return subprocess.run(["xdotool", *args], env={**os.environ, "DISPLAY": display}, capture_output=True,
                          text=True, timeout=20).stdout.strip()


@pytest.fixture
def xserver():
    if not (shutil.which("Xvfb") and shutil.which("xdotool")):
        pytest.skip("Xvfb and xdotool are not installed (make test installs them when run as root with apt)")
    read, write = os.pipe()
    server = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                              pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write)
    with os.fdopen(read) as fh:
        number = fh.readline().strip()
    try:
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_app_starts_on_x11_shows_the_window_and_quits_from_the_menu(xserver, tmp_path):
    """Under Xvfb (no tray) the window shows; Companion ▸ Quit ends the process with exit code 0."""
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    env.update(DISPLAY=xserver, ADIUVA_BENCH_MARKER=MARKER)
    app = subprocess.Popen([sys.executable, "-m", "desktop.cli", "--data-dir", str(tmp_path / "data")], cwd=REPO,
                           env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = []
        while not any(f"{MARKER} ready" in line for line in lines):
            line = app.stdout.readline()
            assert line, f"the app ended before showing its window: {app.stderr.read()[-2000:]}"
            lines.append(line)
        window = ""
        for _ in range(50):
            window = _xdotool(xserver, "search", "--name", "^Adiuva Companion$").split("\n")[0]
            if window:
                break
            time.sleep(0.1)
        assert window, "no window named Adiuva Companion on the X server"
        _xdotool(xserver, "windowfocus", "--sync", window)
        _xdotool(xserver, "key", "--window", window, "alt+c")
        time.sleep(0.5)
        _xdotool(xserver, "key", "q")
        code = app.wait(timeout=20)
    finally:
        if app.poll() is None:
            app.kill()
    err = app.stderr.read()
    assert code == 0, err[-2000:]
    assert "Traceback" not in err
    assert not (tmp_path / "data" / "control.sock").exists()


def _seed(data: Path) -> None:
    """An agent (so the window shows its tabs) and three waiting task suggestions, S1 oldest."""
    import asyncio

    from agents import config
    from agents.config import AgentConfig
    from agents.store import DB_FILENAME, Store

    async def seed() -> None:
        store = await Store.open(data / DB_FILENAME)
        try:
            await config.save_agent(store, AgentConfig.parse(
                {"name": "Docs", "directory_paths": [str(data)], "engine": "rules"}))
            for i in (1, 2, 3):
                stamp = f"2026-01-0{i}T00:00:00.000Z"
                await store.execute(
                    "INSERT INTO tasks (id, title, is_ai_suggested, is_approved, created_at, updated_at) "
                    "VALUES (?, ?, 1, 0, ?, ?)", (f"t{i}", f"S{i}", stamp, stamp))
        finally:
            await store.close()

    data.mkdir(parents=True)
    asyncio.run(seed())


def _state(data: Path) -> dict[str, str]:
    import sqlite3

    conn = sqlite3.connect(f"file:{data / 'workspace.sqlite3'}?mode=ro", uri=True)
    try:
        rows = conn.execute("SELECT title, is_approved, rejected_at FROM tasks ORDER BY title").fetchall()
    finally:
        conn.close()
    return {t: "approved" if a else "rejected" if r else "waiting" for t, a, r in rows}


def _wait_for(data: Path, want: dict[str, str], what: str) -> None:
    state: dict[str, str] = {}
    for _ in range(100):
        state = _state(data)
        if state == want:
            return
        time.sleep(0.1)
    raise AssertionError(f"{what}: the store has {state}, not {want}")


def test_approve_reject_and_undo_through_the_window_on_x11(xserver, tmp_path):
    """On a real X server: click Review, Enter approves the first suggestion, Delete rejects the next,
    Ctrl+Z undoes the rejection; the store follows each step and the app quits with exit code 0."""
    data = tmp_path / "data"
    _seed(data)
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    env.update(DISPLAY=xserver, ADIUVA_BENCH_MARKER=MARKER, PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
    app = subprocess.Popen([sys.executable, "-m", "desktop.cli", "--data-dir", str(data)], cwd=REPO, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = ""
        while f"{MARKER} ready" not in line:
            line = app.stdout.readline()
            assert line, f"the app ended before it was ready: {app.stderr.read()[-2000:]}"
        window = ""
        for _ in range(50):
            window = _xdotool(xserver, "search", "--name", "^Adiuva Companion$").split("\n")[0]
            if window:
                break
            time.sleep(0.1)
        assert window, "no window named Adiuva Companion on the X server"
        _xdotool(xserver, "windowfocus", "--sync", window)
        # the tab bar under the menu bar: Agents, Runs, Review (3)… (Review's tab is the third, ~x 165)
        _xdotool(xserver, "mousemove", "--window", window, "165", "32", "click", "1")
        time.sleep(1.0)
        _xdotool(xserver, "mousemove", "--window", window, "120", "188", "click", "1")  # the first row: S1
        time.sleep(0.5)
        _xdotool(xserver, "key", "--window", window, "Return")
        _wait_for(data, {"S1": "approved", "S2": "waiting", "S3": "waiting"}, "Enter approves S1")
        time.sleep(0.5)
        _xdotool(xserver, "key", "--window", window, "Delete")  # the next row is current now: S2
        _wait_for(data, {"S1": "approved", "S2": "rejected", "S3": "waiting"}, "Delete rejects S2")
        time.sleep(0.3)
        _xdotool(xserver, "key", "--window", window, "ctrl+z")
        _wait_for(data, {"S1": "approved", "S2": "waiting", "S3": "waiting"}, "Ctrl+Z undoes the rejection")
        app.send_signal(signal.SIGTERM)
        code = app.wait(timeout=20)
    finally:
        if app.poll() is None:
            app.kill()
    err = app.stderr.read()
    assert code == 0, err[-2000:]
    assert "Traceback" not in err
