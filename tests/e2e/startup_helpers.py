"""Helpers for the process tests: run ``python -m desktop`` as a real subprocess with this worktree's code."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TIMEOUT = 60  # a hang fails the test instead of blocking CI (generous for a loaded machine)


def env(home: Path, **extra: str) -> dict[str, str]:
    """No display, this worktree first on the path, and a default data dir under ``home`` to prove it stays empty."""
    out = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM") and not k.startswith(("ADIUVA_", "PYTEST"))}
    out.update(PYTHONPATH=str(REPO), XDG_DATA_HOME=str(home / "xdg-data"), XDG_CONFIG_HOME=str(home / "xdg-config"),
               PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
    out.update(extra)
    return out


def default_data_dir(home: Path) -> Path:
    """Where the app would write without --data-dir (platformdirs under XDG_DATA_HOME)."""
    return home / "xdg-data" / "adiuva-companion"


def run(args: list[str], home: Path, *, stdin: str = "", prefix: list[str] | None = None,
        **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*(prefix or []), sys.executable, "-m", "desktop", *args], cwd=REPO, env=env(home, **extra),
                          input=stdin, capture_output=True, text=True, timeout=TIMEOUT)


def spawn(args: list[str], home: Path, **extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "desktop", *args], cwd=REPO, env=env(home, **extra),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for(predicate, timeout: float = 30.0, what: str = "condition") -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"{what}: not met in {timeout} s")


def one_error_line(done: subprocess.CompletedProcess[str]) -> str:
    """The process failed with exactly one ``error:`` line on stderr and no traceback; returns that line."""
    assert done.returncode != 0, (done.returncode, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr + done.stdout, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    return lines[0]


def mount_namespace_prefix() -> list[str] | None:
    """``unshare`` arguments for a private mount namespace (a user namespace when not root), or None."""
    unshare = shutil.which("unshare")
    if unshare is None or sys.platform != "linux":
        return None
    prefix = [unshare, "--mount"] if os.geteuid() == 0 else [unshare, "--user", "--map-root-user", "--mount"]
    try:
        probe = subprocess.run([*prefix, "sh", "-c", "mount -t tmpfs tmpfs /mnt 2>/dev/null || "
                                "mount -t tmpfs tmpfs /tmp"], capture_output=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return prefix if probe.returncode == 0 else None
