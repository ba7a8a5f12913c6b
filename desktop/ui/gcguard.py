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

A full (generation 2) collection walks every tracked object, and after
start-up that is ~110,000 of them (the modules, classes and functions of Qt,
pydantic and the core, the window's widgets): 30-60 ms with the GIL held, so
the loop stalls that long whichever thread runs it (issue 14's
``bench/gui_loop.py``: the max lag of a 38,000-file run). Nearly all of them
live as long as the app, so ``settle``, called once when start-up is done,
collects once and moves the survivors to the permanent generation
(``gc.freeze``): later full collections walk only what was made since
(~10,000 objects after a big run). Objects made later are collected as
before; what ``settle`` froze is still freed by reference counting, and a
cycle among them that dies later stays (bounded: at most the start-up set,
frozen once). ``uninstall`` (once; ``Gui.shutdown`` calls it) unfreezes them.
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
        self.settled = False
        self._was_enabled = gc.isenabled()
        self._installed = True
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

    def settle(self) -> int:
        """Once start-up is done: collect, then freeze what survived (see the module docstring); returns
        how many objects it froze (0 when already settled: it is done once)."""
        if self.settled:
            return 0
        self.settled = True
        gc.collect()
        before = gc.get_freeze_count()
        gc.freeze()
        return gc.get_freeze_count() - before

    def uninstall(self) -> None:
        """Automatic collection back as it was, start-up's objects unfrozen; once (later calls do nothing)."""
        if not self._installed:
            return
        self._installed = False
        self._timer.stop()
        if self.settled:
            gc.unfreeze()  # back into the oldest generation, so the collection below sees them again
        gc.collect()
        if self._was_enabled:
            gc.enable()
