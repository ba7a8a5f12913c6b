"""The real app in a subprocess, offscreen: it starts, shows its window, is single-instance, quits on SIGTERM."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MARKER = "ADIUVA-WINDOW-SHOWN"


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ADIUVA_", "PYTEST"))}
    env.update(QT_QPA_PLATFORM="offscreen", ADIUVA_BENCH_MARKER=MARKER, XDG_CONFIG_HOME=str(tmp_path / "config"),
               PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
    return env


def _start(data_dir: Path, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", "import sys; from desktop.ui.app import run_gui; "
         "sys.exit(run_gui(data_dir=sys.argv[1], backend_url=None))", str(data_dir)],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def _wait_for_line(proc: subprocess.Popen, prefix: str, timeout: float = 30.0) -> str:
    assert proc.stdout is not None
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        ready, _, _ = select.select([proc.stdout], [], [], 0.2)
        if ready:
            line = proc.stdout.readline()
            if line.startswith(prefix):
                return line
            if not line and proc.poll() is not None:
                break
    proc.kill()
    _out, err = proc.communicate()
    raise AssertionError(f"no {prefix!r} line; stderr:\n{err}")


def test_the_app_starts_offscreen_and_quits_cleanly_on_sigterm(tmp_path: Path):
    """run_gui shows the window, then starts the core; a second launch defers to it; SIGTERM exits 0 and cleans up."""
    data_dir = tmp_path / "data"
    env = _env(tmp_path)
    app = _start(data_dir, env)
    try:
        shown = _wait_for_line(app, MARKER)
        ready = _wait_for_line(app, f"{MARKER} ready")
        assert 0 < float(shown.split()[1]) <= float(ready.split()[2])
        assert (data_dir / "control.sock").exists() and (data_dir / "workspace.sqlite3").exists()

        second = _start(data_dir, env)
        _out, err = second.communicate(timeout=30)
        assert second.returncode == 0 and "already running" in err
        assert app.poll() is None
    finally:
        app.send_signal(signal.SIGTERM)
        _out, err = app.communicate(timeout=30)
    assert app.returncode == 0, err
    assert "Traceback" not in err
    assert not (data_dir / "control.sock").exists()
