"""Where the user's data lives: ``--data-dir``, else ``ADIUVA_DATA_DIR``, else the platform's data dir."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "adiuva-companion"
DATA_DIR_ENV = "ADIUVA_DATA_DIR"


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
