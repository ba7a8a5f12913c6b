"""The app hands the GIL back to the GUI thread quickly while a run's thread computes (desktop.ui.gil)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from desktop.ui import app as app_module
from desktop.ui import gil


def test_the_app_sets_the_short_switch_interval_and_hand_back_returns_the_old_one(qapp, tmp_path: Path):
    """Gui's start-up sets the GIL's switch interval to gil.SWITCH_SECONDS; the call returns the one it replaced."""
    previous = sys.getswitchinterval()
    sys.setswitchinterval(0.005)  # CPython's default
    gui = None
    try:
        gui = app_module.Gui(app=qapp, data_dir=tmp_path, backend_url=None)
        assert sys.getswitchinterval() == pytest.approx(gil.SWITCH_SECONDS)
        sys.setswitchinterval(0.004)
        assert gil.hand_back_quickly() == pytest.approx(0.004)
    finally:
        if gui is not None:
            gui.gc.uninstall()
            gui.gc.deleteLater()
        sys.setswitchinterval(previous)
