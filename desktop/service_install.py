"""``adiuva-companion service install|uninstall``: start the headless service at login.

* Linux: a ``systemd --user`` unit, ``$XDG_CONFIG_HOME/systemd/user/adiuva-companion.service``
  (``ExecStart`` = this executable with ``--headless``, ``Restart=on-failure``);
  then ``systemctl --user daemon-reload`` and ``enable`` when ``systemctl`` is
  on ``PATH``, otherwise the commands to run are printed.
* macOS: a LaunchAgent, ``~/Library/LaunchAgents/com.adiuva.companion.plist``
  (``RunAtLoad``, restarted when it exits with an error), loaded with ``launchctl``.
* Windows: a value under ``HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run``.

The device token is never written into these files: the service reads the OS
keyring, or ``ADIUVA_DEVICE_TOKEN`` if the user adds it to the service's own
environment (the printed hint says how). Plain file and subprocess work on
the calling thread; no Qt.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

UNIT_NAME = "adiuva-companion.service"
LAUNCHD_LABEL = "com.adiuva.companion"
RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
RUN_VALUE = "Adiuva Companion"
TOKEN_ENV = "ADIUVA_DEVICE_TOKEN"

Runner = Callable[[list[str]], "subprocess.CompletedProcess[str]"]


def service_command(data_dir: Path | None = None) -> list[str]:
    """This installation's command line for the headless service."""
    from desktop.ui.autostart import launch_command  # plain module (no Qt): how to start this app

    command = [*launch_command(), "--headless"]
    if data_dir is not None:
        command += ["--data-dir", str(data_dir)]
    return command


# ── Linux: systemd --user ─────────────────────────────────────────────────
def unit_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / "systemd" / "user" / UNIT_NAME


def _systemd_quote(arg: str) -> str:
    """One ExecStart word (systemd.service(5): double quotes, backslash escapes, ``%%`` for ``%``)."""
    arg = arg.replace("%", "%%")
    if arg and not any(c in arg for c in ' \t\n"\'\\;$'):
        return arg
    escaped = arg.replace("\\", "\\\\").replace('"', '\\"').replace("$", "$$").replace("\n", "\\n")
    return f'"{escaped}"'


def unit_text(command: Sequence[str]) -> str:
    return (
        "[Unit]\n"
        "Description=Adiuva Companion (headless service: local agents and the device bridge)\n"
        "After=network-online.target\n"
        "Wants=network-online.target\n"
        "\n"
        "[Service]\n"
        "Type=simple\n"
        f"ExecStart={' '.join(_systemd_quote(a) for a in command)}\n"
        "Restart=on-failure\n"
        "RestartSec=10\n"
        "\n"
        "[Install]\n"
        "WantedBy=default.target\n"
    )


def _run(argv: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)


def _systemctl(args: list[str], run: Runner, out: list[str]) -> bool:
    """Run ``systemctl --user ARGS`` if systemctl exists; else note the command. True when it ran and worked."""
    argv = ["systemctl", "--user", *args]
    exe = shutil.which("systemctl")
    if exe is None:
        out.append("  " + " ".join(argv))
        return False
    done = run([exe, "--user", *args])
    if done.returncode != 0:
        out.append(f"  {' '.join(argv)}   (failed: {(done.stderr or done.stdout).strip() or done.returncode})")
        return False
    return True


def install_linux(command: Sequence[str], run: Runner = _run) -> list[str]:
    path = unit_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(unit_text(command), encoding="utf-8")
    tmp.replace(path)
    lines = [f"Wrote {path}."]
    todo: list[str] = []
    if _systemctl(["daemon-reload"], run, todo) and _systemctl(["enable", UNIT_NAME], run, todo):
        lines.append("Enabled: the service starts when you log in. Start it now with: "
                     f"systemctl --user start {UNIT_NAME}")
    elif shutil.which("systemctl") is None:
        lines += ["systemctl was not found. To start it at login, run:",
                  "  systemctl --user daemon-reload", f"  systemctl --user enable {UNIT_NAME}"]
    else:
        lines += ["systemctl did not accept the unit:", *todo]
    lines.append(f"Without an OS keyring, give the service the token: systemctl --user edit {UNIT_NAME} "
                 f"and add the lines [Service] and Environment={TOKEN_ENV}=…")
    return lines


def uninstall_linux(run: Runner = _run) -> list[str]:
    path = unit_path()
    if not path.exists():
        return [f"No service was installed ({path} does not exist)."]
    todo: list[str] = []
    _systemctl(["disable", UNIT_NAME], run, todo)
    path.unlink()
    _systemctl(["daemon-reload"], run, todo)
    lines = [f"Removed {path}."]
    if todo:
        lines += ["Also run:", *todo]
    return lines


# ── macOS: a LaunchAgent ──────────────────────────────────────────────────
def plist_path() -> Path:
    return Path.home() / "Library" / "LaunchAgents" / f"{LAUNCHD_LABEL}.plist"


def launchd_plist(command: Sequence[str], log_dir: Path | None = None) -> bytes:
    """The LaunchAgent: run at login, restarted when it exits with an error."""
    import plistlib  # here, not at the top: every start builds the CLI parser, which imports this module

    log_dir = log_dir or Path.home() / "Library" / "Logs" / "Adiuva Companion"
    return plistlib.dumps({
        "Label": LAUNCHD_LABEL,
        "ProgramArguments": list(command),
        "RunAtLoad": True,
        "KeepAlive": {"SuccessfulExit": False},
        "ProcessType": "Background",
        "StandardOutPath": str(log_dir / "service.out.log"),
        "StandardErrorPath": str(log_dir / "service.err.log"),
    })


def install_macos(command: Sequence[str], run: Runner = _run) -> list[str]:  # pragma: no cover - macOS only
    path = plist_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    (Path.home() / "Library" / "Logs" / "Adiuva Companion").mkdir(parents=True, exist_ok=True)
    path.write_bytes(launchd_plist(command))
    target = f"gui/{os.getuid()}"
    done = run(["launchctl", "bootstrap", target, str(path)])
    lines = [f"Wrote {path}."]
    if done.returncode == 0:
        lines.append("Loaded: the service runs now and at every login.")
    else:
        lines.append(f"Load it with: launchctl bootstrap {target} {path}")
    return lines


def uninstall_macos(run: Runner = _run) -> list[str]:  # pragma: no cover - macOS only
    path = plist_path()
    if not path.exists():
        return [f"No service was installed ({path} does not exist)."]
    run(["launchctl", "bootout", f"gui/{os.getuid()}", str(path)])
    path.unlink()
    return [f"Removed {path}."]


# ── Windows: the Run key ──────────────────────────────────────────────────
def install_windows(command: Sequence[str]) -> list[str]:  # pragma: no cover - Windows only
    import winreg

    line = subprocess.list2cmdline(list(command))
    with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY, 0, winreg.KEY_SET_VALUE) as key:
        winreg.SetValueEx(key, RUN_VALUE, 0, winreg.REG_SZ, line)
    return [f"Added {RUN_VALUE!r} to HKCU\\{RUN_KEY}: the service starts at login.",
            "Windows does not restart it if it stops; start it again from the Start menu."]


def uninstall_windows() -> list[str]:  # pragma: no cover - Windows only
    import winreg

    try:
        with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY, 0, winreg.KEY_SET_VALUE) as key:
            winreg.DeleteValue(key, RUN_VALUE)
    except FileNotFoundError:
        return ["No service was installed."]
    return [f"Removed {RUN_VALUE!r} from HKCU\\{RUN_KEY}."]


# ── the command ───────────────────────────────────────────────────────────
def install(data_dir: Path | None = None, platform: str | None = None) -> list[str]:
    platform = platform or sys.platform
    command = service_command(data_dir)
    if platform.startswith("linux"):
        return install_linux(command)
    if platform == "darwin":
        return install_macos(command)
    if platform == "win32":
        return install_windows(command)
    raise OSError(f"installing the service is not supported on {platform}")


def uninstall(platform: str | None = None) -> list[str]:
    platform = platform or sys.platform
    if platform.startswith("linux"):
        return uninstall_linux()
    if platform == "darwin":
        return uninstall_macos()
    if platform == "win32":
        return uninstall_windows()
    raise OSError(f"removing the service is not supported on {platform}")


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Register ``service install|uninstall`` on the CLI's sub-commands."""
    service = sub.add_parser("service", parents=[common], help="start the headless service at login (or stop that)")
    actions = service.add_subparsers(dest="service_command", metavar="ACTION", required=True)
    actions.add_parser("install", parents=[common], help="start the headless service at every login")
    actions.add_parser("uninstall", parents=[common], help="stop starting it at login and remove its entry")


def main(args: argparse.Namespace) -> int:
    """Run ``service install|uninstall``; the data dir is written into the entry only when one was given."""
    explicit = args.data_dir or os.environ.get("ADIUVA_DATA_DIR")
    data_dir = Path(explicit).expanduser().resolve() if explicit else None
    try:
        lines = install(data_dir) if args.service_command == "install" else uninstall()
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print("\n".join(lines))
    return 0
