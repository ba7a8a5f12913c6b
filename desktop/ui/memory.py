"""Keeping the GUI process's resident memory down (see docs/PERFORMANCE.md, "Footprint").

``stop_source_caching()`` is called by ``app.run_gui`` right after PySide6 is
first imported. shiboken's import hook (PySide6's ``__feature__`` support,
PYSIDE-2029) asks of every module imported from then on whether its source
mentions "PySide6", and finds out with ``inspect.getsource(module)``, which
reads the whole file through ``linecache`` and leaves it there. For this app
that kept the source of some 220 modules (the core, pydantic, asyncio, ...)
as Python strings for the life of the process: about 10 MB of the idle RSS.
The replacement answers the same question from the file's bytes and keeps
nothing; modules without a readable ``.py`` file (extension modules, a frozen
build) still go to PySide6's own check. When a PySide6 version no longer has
that hook this is a no-op.
"""

from __future__ import annotations

import linecache
import logging
import sys
from typing import Any

log = logging.getLogger(__name__)

_FEATURE_MODULES = ("shibokensupport.feature", "PySide6.support.feature")


def stop_source_caching() -> bool:
    """Make PySide6's per-import check stop filling ``linecache``; True when the hook was found.

    Call after ``import PySide6`` (idempotent). Source already cached by the
    check for modules imported before PySide6 is dropped; it is read again
    from the file if a traceback needs it.
    """
    feature = next((sys.modules[n] for n in _FEATURE_MODULES if n in sys.modules), None)
    original = getattr(feature, "_mod_uses_pyside", None)
    if feature is None or not callable(original):
        return False
    if not getattr(original, "_adiuva_uncached", False):
        feature._mod_uses_pyside = _uncached_check(original)  # type: ignore[attr-defined]
    _drop_file_backed_lines()
    return True


def _uncached_check(original: Any) -> Any:
    def mod_uses_pyside(module: Any) -> bool:
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and path.endswith(".py"):
            try:
                with open(path, "rb") as source:
                    return b"PySide6" in source.read()
            except OSError:
                pass
        return original(module)

    mod_uses_pyside._adiuva_uncached = True  # type: ignore[attr-defined]
    return mod_uses_pyside


def _drop_file_backed_lines() -> None:
    """Forget cached lines that ``linecache`` can read again from their file (it does so on demand)."""
    for filename, entry in list(linecache.cache.items()):
        if len(entry) == 4 and entry[1] is not None:  # (size, mtime, lines, fullname): read from a file
            linecache.cache.pop(filename, None)
