"""Every start-up failure of the service is one ``error:`` line, a non-zero exit, and a process that is gone.

Each case runs the real service (``python -m desktop --headless``) in a subprocess with a timeout: a
process kept alive by the database thread fails the test with ``TimeoutExpired`` instead of hanging.
The read-only and full data dirs are real filesystems (a tmpfs in a private mount namespace via
``unshare``); the tests skip where mount namespaces are not allowed.
"""

from __future__ import annotations

import shlex
import sqlite3
import sys
from pathlib import Path

import pytest

from tests.e2e.startup_helpers import mount_namespace_prefix, one_error_line, run


def _headless(data: Path, home: Path, *more: str, prefix: list[str] | None = None, **extra: str):
    return run(["--headless", "--data-dir", str(data), *more], home, prefix=prefix, **extra)


@pytest.fixture(scope="module")
def mount_ns() -> list[str]:
    prefix = mount_namespace_prefix()
    if prefix is None:
        pytest.skip("needs `unshare` and mount namespaces to make a real read-only / full filesystem")
    return prefix


def _on_tmpfs(prefix: list[str], data: Path, setup: str) -> list[str]:
    """Run the command that follows in a mount namespace with a 1 MB tmpfs on ``data``, after ``setup`` (sh)."""
    script = f'mount -t tmpfs -o size=1m,mode=0700 tmpfs "$0" && {setup} && exec "$@"'
    return [*prefix, "sh", "-c", script, str(data)]


def test_invalid_backend_url_is_one_line_and_touches_nothing(tmp_path):
    """--backend-url http://… exits 1 with one line naming backend_url; no workspace, lock or device id is made."""
    data = tmp_path / "data"
    line = one_error_line(_headless(data, tmp_path, "--backend-url", "http://example.com/ws"))
    assert "backend_url" in line and "ws://" in line
    assert [p.name for p in data.iterdir()] == ["logs"]


def test_invalid_backend_url_in_the_environment_is_one_line(tmp_path):
    """An invalid ADIUVA_BACKEND_URL is refused the same way before the workspace is opened."""
    data = tmp_path / "data"
    line = one_error_line(_headless(data, tmp_path, ADIUVA_BACKEND_URL="ws://remote.example.com/ws"))
    assert "backend_url" in line and "wss://" in line
    assert not (data / "workspace.sqlite3").exists()


def test_corrupt_database_is_one_line(tmp_path):
    """A workspace file that is not SQLite exits 1 with one line naming the file; the file is left as it was."""
    data = tmp_path / "data"
    data.mkdir()
    garbage = b"this is not a database " * 400
    (data / "workspace.sqlite3").write_bytes(garbage)
    line = one_error_line(_headless(data, tmp_path))
    assert "workspace.sqlite3" in line and "not a usable workspace database" in line
    assert (data / "workspace.sqlite3").read_bytes() == garbage


def test_schema_from_a_newer_app_is_one_line(tmp_path):
    """A workspace written by a newer version exits 1 with one line that says to update."""
    data = tmp_path / "data"
    assert run(["agent", "list", "--data-dir", str(data)], tmp_path).returncode == 0
    db = sqlite3.connect(data / "workspace.sqlite3")
    db.execute("INSERT INTO schema_migrations VALUES (9999, 'future', '2030-01-01T00:00:00.000Z')")
    db.commit()
    db.close()
    line = one_error_line(_headless(data, tmp_path))
    assert "newer version" in line


def test_unwritable_lock_is_one_line(tmp_path):
    """When companion.lock cannot be opened for writing (here: it is a directory) the service says so and exits 1."""
    data = tmp_path / "data"
    (data / "companion.lock").mkdir(parents=True)
    line = one_error_line(_headless(data, tmp_path))
    assert "companion.lock" in line and str(data) in line
    assert not (data / "workspace.sqlite3").exists()


def test_data_dir_that_is_a_file_is_one_line(tmp_path):
    """A --data-dir that names a file exits 1 with one line."""
    data = tmp_path / "data"
    data.write_text("not a directory")
    line = one_error_line(_headless(data, tmp_path))
    assert "cannot use the data dir" in line


def test_read_only_data_dir_is_one_line(tmp_path, mount_ns):
    """A data dir on a read-only filesystem (with a workspace in it) exits 1 with one line naming the data dir."""
    data = tmp_path / "data"
    data.mkdir()
    setup = f'{_cli()} agent list --data-dir "$0" >/dev/null && mount -o remount,ro "$0"'
    line = one_error_line(_headless(data, tmp_path, prefix=_on_tmpfs(mount_ns, data, setup)))
    assert "Read-only file system" in line and str(data) in line


def test_full_data_dir_is_one_line(tmp_path, mount_ns):
    """A data dir on a full filesystem (real ENOSPC, not a fault hook) exits 1 with one line about the disk."""
    data = tmp_path / "data"
    data.mkdir()
    setup = '{ dd if=/dev/zero of="$0/filler" bs=4k 2>/dev/null || true; }'
    line = one_error_line(_headless(data, tmp_path, prefix=_on_tmpfs(mount_ns, data, setup)))
    assert "full" in line and "free some disk space" in line


def test_gui_start_failure_exits_promptly(tmp_path):
    """The window's start-up failure (a corrupt workspace, offscreen) prints an error line and the process ends."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "workspace.sqlite3").write_bytes(b"garbage " * 1000)
    done = run(["--data-dir", str(data)], tmp_path, QT_QPA_PLATFORM="offscreen")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert any(line.startswith("error: ") and "not a usable workspace database" in line
               for line in done.stderr.splitlines()), done.stderr


def _cli() -> str:
    return " ".join(shlex.quote(a) for a in (sys.executable, "-m", "desktop"))
