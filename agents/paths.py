"""Where the user's data lives, and the lock that keeps one companion per data dir.

The data dir is ``--data-dir``, else ``ADIUVA_DATA_DIR``, else the platform's
data dir. ``InstanceLock`` is an OS file lock (``flock`` / ``LockFileEx`` via
``filelock``) on ``companion.lock`` in it: the service, the GUI and a
foreground ``agent run`` take it before their first write to the workspace
(migrations, closing interrupted runs), and the OS drops it when the process
dies, so a crash never leaves a stale lock. Plain functions, any thread.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from agents.errors import AdiuvaError

APP_NAME = "adiuva-companion"
DATA_DIR_ENV = "ADIUVA_DATA_DIR"
LOCK_FILENAME = "companion.lock"


class DataDirError(AdiuvaError):
    """The data dir (or its lock file) cannot be written; the message names the dir and the OS error."""


class AlreadyRunning(AdiuvaError):
    """Another companion holds this data dir's instance lock (``pid`` when it told us)."""

    def __init__(self, directory: Path, pid: int | None = None):
        self.directory = directory
        self.pid = pid
        who = f"another Adiuva Companion (pid {pid})" if pid else "another Adiuva Companion"
        super().__init__(f"{who} is already running on {directory}; stop it first, "
                         "or start this one with another --data-dir")


def data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The data directory to use, created with mode 0700 if missing."""
    if explicit:
        path = Path(explicit).expanduser()
    elif os.environ.get(DATA_DIR_ENV):
        path = Path(os.environ[DATA_DIR_ENV]).expanduser()
    else:
        path = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path.resolve()


class InstanceLock:
    """The exclusive, non-blocking lock of one data dir; ``acquire()`` then ``release()`` (idempotent)."""

    def __init__(self, directory: Path):
        from filelock import FileLock

        self.directory = directory
        self.path = directory / LOCK_FILENAME
        self._lock = FileLock(self.path, timeout=0, mode=0o600, thread_local=False)

    @property
    def held(self) -> bool:
        return self._lock.is_locked

    def acquire(self) -> None:
        """Take the lock now or raise: ``AlreadyRunning`` when another process holds it,
        ``DataDirError`` when the lock file cannot be created or opened (read-only, full, not a file)."""
        from filelock import Timeout

        try:
            self._lock.acquire()
        except Timeout:
            raise AlreadyRunning(self.directory) from None
        except OSError as exc:
            raise DataDirError(
                f"cannot use the data dir {self.directory}: cannot lock {self.path.name} "
                f"({exc.strerror or exc})"
            ) from exc

    def release(self) -> None:
        if self._lock.is_locked:
            self._lock.release(force=True)
