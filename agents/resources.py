"""Where the app's bundled files live, from source and from a frozen build."""

from __future__ import annotations

import sys
from pathlib import Path


def resource_path(*parts: str) -> Path:
    """A path under ``resources/``.

    From source (or an editable install) that is the checkout's ``resources/``;
    from a PyInstaller bundle it is ``resources/`` inside the bundle.
    """
    frozen_root = getattr(sys, "_MEIPASS", None)
    base = Path(frozen_root) if frozen_root else Path(__file__).resolve().parent.parent
    return base.joinpath("resources", *parts)
