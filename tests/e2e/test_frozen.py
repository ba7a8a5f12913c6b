"""The built app (PyInstaller one-folder bundle), built once per test session."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bridge.gateway import DeviceGateway

# The first test also waits for the PyInstaller build (the session fixture): minutes, not the suite's 120 s.
pytestmark = pytest.mark.timeout(900)

REPO = Path(__file__).resolve().parents[2]
TOKEN = "frozen-smoke-token-9e1"


@pytest.fixture(scope="session")
def bundle(tmp_path_factory) -> Path:
    """Build dist/adiuva-companion/ from build.spec into a temporary folder."""
    pyinstaller = shutil.which("pyinstaller", path=str(Path(sys.executable).parent))
    if pyinstaller is None:
        pytest.fail("pyinstaller is not installed: it is part of the dev extra (pip install -e '.[dev]')")
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run(
        [pyinstaller, "--noconfirm", "--log-level", "WARN", "--distpath", str(out / "dist"),
         "--workpath", str(out / "build"), str(REPO / "build.spec")],
        cwd=REPO, capture_output=True, text=True, timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    app = out / "dist" / "adiuva-companion" / "adiuva-companion"
    size = sum(f.lstat().st_size for f in app.parent.rglob("*") if f.is_file() and not f.is_symlink())
    print(f"\nbundle size: {size / 1e6:.0f} MB ({app.parent})")
    return app


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env.update(extra)
    return env


def test_built_app_answers_version(bundle):
    """The binary prints its version."""
    done = subprocess.run([str(bundle), "--version"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == "adiuva-companion 0.1.0"


async def test_built_app_serves_a_tool_call_headless_and_exits_on_sigterm(bundle, tmp_path):
    """Headless against the reference gateway: a tool call executes, SIGTERM exits 0."""
    gateway = DeviceGateway(tokens={TOKEN: "local"})
    await gateway.start()
    proc = await asyncio.create_subprocess_exec(
        str(bundle), "--headless", "--backend-url", gateway.url, "--data-dir", str(tmp_path / "data"),
        env=_env(ADIUVA_DEVICE_TOKEN=TOKEN), stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    try:
        await gateway.wait_online(timeout=60)
        created = await gateway.call("create_task", {"title": "From the frozen app"})
        listed = await gateway.call("list_tasks", {})
        assert listed["tasks"][0]["id"] == created["id"]
    finally:
        proc.send_signal(signal.SIGTERM)
        _out, err = await asyncio.wait_for(proc.communicate(), 30)
        await gateway.stop()
    assert proc.returncode == 0, err.decode()[-2000:]
    assert b"Traceback" not in err


def test_built_app_starts_the_gui_offscreen(bundle, tmp_path):
    """The GUI starts offscreen from the bundle (window shown) and quits cleanly on SIGTERM."""
    marker = "ADIUVA-WINDOW-SHOWN"
    proc = subprocess.Popen(
        [str(bundle), "--data-dir", str(tmp_path / "data")],
        env=_env(QT_QPA_PLATFORM="offscreen", ADIUVA_BENCH_MARKER=marker),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        line = ""
        for _ in range(200):
            line = proc.stdout.readline()
            if marker in line or not line:
                break
        assert marker in line, proc.stderr.read()[-2000:] if proc.poll() is not None else "no marker"
    finally:
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err[-2000:]
    assert "Traceback" not in err
