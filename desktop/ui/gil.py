"""How soon the GUI thread gets the GIL back while another thread computes (process-wide, set once).

During a run the database thread runs the engine's Python code, and the GUI
thread gives the GIL up many times a second: every file or SQLite read on the
loop, every Qt call that lets other threads run. Taking it back waits for the
holder's switch interval, 5 ms by default, and often twice that, so a loop
turn that gives it up a few times is 20-40 ms late (issue 14's
``bench/gui_loop.py``: a 38,000-file run's max lag, most of what was left
once full collections were cut short by ``gcguard.GuiThreadGc.settle``).
``hand_back_quickly`` sets the interval to ``SWITCH_SECONDS``; the run's own
speed is unchanged within the noise (the bench's run time). Called by the app
at start-up, on the GUI thread (``Gui.shutdown`` puts the previous interval back);
``sys.setswitchinterval`` is process-wide.
"""

from __future__ import annotations

import sys

SWITCH_SECONDS = 0.001


def hand_back_quickly() -> float:
    """Set the GIL's switch interval to ``SWITCH_SECONDS``; returns the one it replaces."""
    previous = sys.getswitchinterval()
    sys.setswitchinterval(SWITCH_SECONDS)
    return previous
