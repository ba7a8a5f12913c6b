"""The real app on a real X server (Xvfb): window shown, quit from the menu, exit 0."""

from __future__ import annotations

import os
import shutil
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
