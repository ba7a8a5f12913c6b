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


async def test_shutdown_gives_the_process_its_collector_and_switch_interval_back(qapp, tmp_path: Path):
    """After Gui.shutdown automatic collection is as it was before the Gui, nothing stays frozen and the
    switch interval is the one before; a second uninstall of the guard changes nothing."""
    import gc

    previous = sys.getswitchinterval()
    was_enabled = gc.isenabled()  # off under the tests' own guard (tests/conftest.py), on without it
    sys.setswitchinterval(0.005)
    try:
        gui = app_module.Gui(app=qapp, data_dir=tmp_path, backend_url=None)
        assert not gc.isenabled() and sys.getswitchinterval() == pytest.approx(gil.SWITCH_SECONDS)
        gui.gc.settle()
        assert gc.get_freeze_count() > 0
        await gui.shutdown()
        assert gc.isenabled() == was_enabled and gc.get_freeze_count() == 0
        assert sys.getswitchinterval() == pytest.approx(0.005)
        (gc.disable if was_enabled else gc.enable)()
        gui.gc.uninstall()  # done once: a second call leaves the collector alone
        assert gc.isenabled() != was_enabled
    finally:
        (gc.enable if was_enabled else gc.disable)()
        sys.setswitchinterval(previous)
