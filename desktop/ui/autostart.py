"""Start at login: an XDG autostart entry on Linux (``$XDG_CONFIG_HOME/autostart``).

Elsewhere ``supported()`` is False and the settings view disables the
checkbox. The entry starts the app with ``ADIUVA_START_HIDDEN=1``, so a login
start goes to the tray without opening the window (when a tray exists).
Plain file I/O; no Qt.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from agents.resources import resource_path

FILENAME = "adiuva-companion.desktop"
HIDDEN_ENV = "ADIUVA_START_HIDDEN"


def supported() -> bool:
    return sys.platform.startswith("linux")


def entry_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / "autostart" / FILENAME


def enabled() -> bool:
    return supported() and entry_path().is_file()


def _quote(arg: str) -> str:
    """Quote one Exec argument as the Desktop Entry spec asks."""
    if arg and not any(c in arg for c in ' \t\n"\'\\><~|&;$*?#()`'):
        return arg
    escaped = "".join("\\" + c if c in '"`$\\' else c for c in arg)
    return f'"{escaped}"'


def launch_command() -> list[str]:
    """How to start this app: the frozen executable, the installed script, or ``python -m desktop``."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    beside = Path(sys.executable).with_name("adiuva-companion")  # the venv's own script
    script = str(beside) if beside.is_file() else shutil.which("adiuva-companion")
    if script:
        return [script]
    return [sys.executable, "-m", "desktop"]


def entry_text() -> str:
    command = " ".join(_quote(a) for a in ["env", f"{HIDDEN_ENV}=1", *launch_command()])
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        "Name=Adiuva Companion\n"
        "Comment=Local agents, the review queue and the device bridge for Adiuva\n"
        f"Exec={command}\n"
        f"Icon={resource_path('icons', 'app.svg')}\n"
        "Terminal=false\n"
        "X-GNOME-Autostart-enabled=true\n"
    )


def set_enabled(on: bool) -> None:
    """Write or remove the autostart entry."""
    if not supported():
        raise OSError("start at login is only available on Linux in this version")
    path = entry_path()
    if on:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(entry_text(), encoding="utf-8")
        tmp.replace(path)
    else:
        path.unlink(missing_ok=True)
