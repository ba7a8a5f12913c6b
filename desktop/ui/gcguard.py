"""Python's cyclic garbage collector runs on the GUI thread only.

CPython collects cycles on whichever thread happens to allocate when a
generation passes its threshold. In this app that is often the database
thread or a worker thread: if the cycle holds a Qt object (a view, a timer, a
model and the lambdas around them), its C++ destructor then runs on that
thread while the GUI thread walks its timers and events, and the process
crashes in ``QCoreApplication::notifyInternal2`` (seen in the test suite once
the store got its own thread). Reference counting, which frees most objects,
is unaffected; only the cycle collector is moved.

``GuiThreadGc`` turns automatic collection off and runs the same thresholds
from a timer on the GUI thread (every ``interval_ms``, 3 s by default: one
wake-up, well inside the idle budget). ``uninstall`` turns automatic
collection back on. Qt: GUI thread only.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer


class GuiThreadGc(QObject):
    """Automatic collection off; the GUI thread collects when a generation passes its threshold."""

    def __init__(self, *, interval_ms: int = 3000, parent: QObject | None = None):
        super().__init__(parent)
        self.threshold = gc.get_threshold()
        self.collections = 0
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer = QTimer(self, interval=interval_ms, timeout=self.check)
        self._timer.start()

    def check(self) -> int | None:
        """Collect the oldest generation that passed its threshold; returns it (None: nothing to do)."""
        count0, count1, count2 = gc.get_count()
        if count0 <= self.threshold[0]:
            return None
        generation = 2 if count2 > self.threshold[2] else 1 if count1 > self.threshold[1] else 0
        gc.collect(generation)
        self.collections += 1
        return generation

    def uninstall(self) -> None:
        self._timer.stop()
        gc.collect()
        if self._was_enabled:
            gc.enable()
