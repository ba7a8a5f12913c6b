"""`adiuva-companion service install|uninstall`: a systemd --user unit (real process, XDG_CONFIG_HOME in tmp)."""

from __future__ import annotations

import os
import plistlib
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from desktop import service_install

REPO = Path(__file__).resolve().parents[2]


def companion(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "desktop", *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=60, check=False)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """A clean environment: config in tmp, a PATH holding only a recording `systemctl`."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "systemctl.log"
    fake = bin_dir / "systemctl"  # outside the product: records what it is asked to do
    fake.write_text(f'#!/bin/sh\necho "$*" >> {shlex.quote(str(log))}\nexit 0\n')
    fake.chmod(0o755)
    environment = {k: v for k, v in os.environ.items() if not k.startswith("ADIUVA_")}
    environment.update(XDG_CONFIG_HOME=str(tmp_path / "config"), PATH=str(bin_dir), PYTHONPATH=str(REPO),
                       HOME=str(tmp_path / "home"))
    return environment


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="systemd units are Linux only")
def test_install_writes_and_enables_a_user_unit_and_uninstall_removes_it(env, tmp_path: Path):
    """install writes the unit (this executable, --headless, Restart=on-failure) and enables it; uninstall undoes it."""
    data = tmp_path / "data"
    done = companion("service", "install", "--data-dir", str(data), env=env)
    assert done.returncode == 0, done.stderr
    unit = tmp_path / "config" / "systemd" / "user" / "adiuva-companion.service"
    text = unit.read_text()
    exec_line = next(line for line in text.splitlines() if line.startswith("ExecStart="))
    argv = shlex.split(exec_line.removeprefix("ExecStart="))
    assert Path(argv[0]).is_file() and os.access(argv[0], os.X_OK)
    assert argv[argv.index("--headless"):] == ["--headless", "--data-dir", str(data.resolve())]
    assert "Restart=on-failure\n" in text and "WantedBy=default.target\n" in text
    assert "ADIUVA_DEVICE_TOKEN=" not in text  # never a token in a file
    calls = (tmp_path / "systemctl.log").read_text().splitlines()
    assert calls == ["--user daemon-reload", "--user enable adiuva-companion.service"]
    assert f"Wrote {unit}." in done.stdout and "Enabled" in done.stdout

    # the ExecStart command really starts this app
    version = subprocess.run([*argv[:argv.index("--headless")], "--version"], capture_output=True, text=True,
                             timeout=60, env={**env, "PATH": os.environ["PATH"]}, check=False)
    assert version.returncode == 0 and version.stdout.startswith("adiuva-companion ")

    done = companion("service", "uninstall", env=env)
    assert done.returncode == 0, done.stderr
    assert not unit.exists()
    assert (tmp_path / "systemctl.log").read_text().splitlines()[2:] == [
        "--user disable adiuva-companion.service", "--user daemon-reload"]
    again = companion("service", "uninstall", env=env)
    assert again.returncode == 0 and "No service was installed" in again.stdout


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="systemd units are Linux only")
def test_without_systemctl_install_prints_what_to_run(env, tmp_path: Path):
    """With no systemctl on PATH the unit is still written and the commands to enable it are printed."""
    (tmp_path / "bin" / "systemctl").unlink()
    done = companion("service", "install", env=env)
    assert done.returncode == 0, done.stderr
    unit = tmp_path / "config" / "systemd" / "user" / "adiuva-companion.service"
    assert unit.is_file() and "--data-dir" not in unit.read_text()
    assert "systemctl --user daemon-reload" in done.stdout
    assert "systemctl --user enable adiuva-companion.service" in done.stdout


def test_the_macos_launch_agent_runs_at_login_and_restarts_on_failure(tmp_path: Path):
    """The LaunchAgent plist names the command, runs at load and is kept alive only after a failed exit."""
    command = ["/Applications/Adiuva Companion.app/Contents/MacOS/adiuva-companion", "--headless"]
    plist = plistlib.loads(service_install.launchd_plist(command, log_dir=tmp_path))
    assert plist["Label"] == "com.adiuva.companion"
    assert plist["ProgramArguments"] == command
    assert plist["RunAtLoad"] is True and plist["KeepAlive"] == {"SuccessfulExit": False}
    assert plist["StandardErrorPath"] == str(tmp_path / "service.err.log")


def test_exec_start_quotes_paths_with_spaces_and_percent():
    """A path with spaces or % survives systemd's ExecStart parsing."""
    command = ["/opt/Adiuva Companion/bin/adiuva-companion", "--data-dir", "/d/100%", "--headless"]
    text = service_install.unit_text(command)
    line = next(x for x in text.splitlines() if x.startswith("ExecStart="))
    assert line == 'ExecStart="/opt/Adiuva Companion/bin/adiuva-companion" --data-dir /d/100%% --headless'
