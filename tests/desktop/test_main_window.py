"""Window closing with and without a tray, the exception hook, the display check, the tray menu."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox

from agents import calls
from desktop.ui import app as app_module
from desktop.ui.main_window import MainWindow
from desktop.ui.tray import Tray
from tests.desktop.conftest import settle, until


async def test_closing_quits_without_a_tray_and_hides_with_one(qtbot, companion, ui):
    """Without a tray, closing the window asks the app to quit; with one it only hides the window."""
    signals, status = ui
    quits: list[str] = []
    no_tray = MainWindow(companion=companion, signals=signals, status=status, on_quit=lambda: quits.append("q"))
    qtbot.addWidget(no_tray)
    no_tray.show()
    await settle()
    no_tray.close()
    assert quits == ["q"] and no_tray.isVisible()  # it stays until the app has shut down
    no_tray.quit_action.trigger()
    assert quits == ["q", "q"]
    no_tray.allow_close = True
    no_tray.close()
    assert not no_tray.isVisible()

    with_tray = MainWindow(companion=companion, signals=signals, status=status, on_quit=lambda: quits.append("t"),
                           hide_on_close=True)
    qtbot.addWidget(with_tray)
    with_tray.show()
    with_tray.close()
    assert not with_tray.isVisible() and quits == ["q", "q"]
    with_tray.bring_forward()
    assert with_tray.isVisible()


async def test_the_shell_window_shows_before_the_core_and_fills_on_attach(qtbot, companion, ui):
    """MainWindow() without a companion is a "Starting…" shell; attach() builds the tabs."""
    signals, status = ui
    window = MainWindow(on_quit=lambda: None)
    qtbot.addWidget(window)
    window.show()
    assert window.current_page() == "starting" and window.stack.currentWidget() is window.starting
    window.attach(companion=companion, signals=signals, status=status)
    await settle()
    assert window.current_page() == "welcome"  # no agents yet


async def test_a_tab_view_is_built_when_its_page_is_first_shown(qtbot, companion, ui, tmp_path: Path):
    """The welcome page builds no tab view; with agents only the tab in front is built, the others when
    first shown; the review badge is right before the Review view exists."""
    signals, status = ui
    window = MainWindow(companion=companion, signals=signals, status=status)
    qtbot.addWidget(window)
    window.show()
    await settle()
    assert window.current_page() == "welcome" and window.views == {}

    await calls.invoke(companion.catalog, "create_note",
                       {"is_ai_suggested": True, "title": "Kickoff", "content": "Agreed."})
    await companion.save_agent({"name": "Client work", "directory_paths": [str(tmp_path)]})
    await until(lambda: window.current_page() == "agents" and status.pending == 1, what="the tabs and the count")
    await settle()
    assert list(window.views) == ["agents"]
    assert window.review_tab_text() == "Review (1)"

    window.show_tab("review")
    await settle()
    assert list(window.views) == ["agents", "review"] and window.views["review"].isVisible()
    assert window.review_view.model.rowCount() == 1  # filled on its first show


async def test_the_exception_hook_logs_and_shows_a_box_instead_of_dying(qapp, tmp_path: Path, caplog):
    """An unhandled exception becomes a log line and one readable message box; the app goes on."""
    gui = app_module.Gui(app=qapp, data_dir=tmp_path, backend_url=None)
    try:
        try:
            raise ValueError("the widget fell over")
        except ValueError:
            gui.excepthook(*sys.exc_info())
        box = gui._error_box
        assert isinstance(box, QMessageBox) and box.isVisible()
        assert "ValueError: the widget fell over" in box.informativeText()
        assert "ui.unhandled_exception" in caplog.text
        gui.excepthook(RuntimeError, RuntimeError("second"), None)
        assert gui._error_box is box  # one box at a time
        box.close()
        QApplication.processEvents()
        gui.excepthook(KeyboardInterrupt, KeyboardInterrupt(), None)
        assert gui._quit.is_set()
    finally:
        await gui.shutdown()  # the process's collector and switch interval back for the next tests


def test_an_unreachable_display_is_detected_before_qt_aborts(monkeypatch):
    """No display or an unreachable one is reported (the app then runs headless); offscreen is fine."""
    monkeypatch.setattr(app_module.sys, "platform", "linux")
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("DISPLAY", raising=False)
    assert "no display" in app_module.display_problem()
    monkeypatch.setenv("DISPLAY", ":947")
    assert "cannot be reached" in app_module.display_problem()
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert app_module.display_problem() is None


async def test_the_tray_menu_runs_an_agent_and_pauses_the_schedule(qtbot, companion, ui, workfolder: Path):
    """Run now ▸ lists each agent and starts it; Pause schedule is stored; the icon shows paused."""
    _signals, status = ui
    await companion.save_agent({"name": "Client work", "directory_paths": [str(workfolder)]})
    tray = Tray(companion=companion, status=status, window=None, on_quit=lambda: None)
    await until(lambda: [a.text() for a in tray.run_menu.actions()] == ["Client work"], what="the Run now menu")
    tray.pause_schedule_action.trigger()
    await until(lambda: tray.state == "paused", what="the paused icon")
    assert await companion.store.get_setting("schedule_paused") is True
    tray.run_menu.actions()[0].trigger()
    await until(lambda: status.last_result and status.last_result["status"] == "success", what="the run")
    assert tray.last_message and tray.last_message[0] == "Client work finished"
    await settle()


async def test_pausing_through_the_facade_shows_in_the_status_bar_and_tray(qtbot, companion, ui):
    """A pause made on the companion (no UI action) shows in the status bar and the tray; the status keeps no copy."""
    signals, status = ui
    window = MainWindow(companion=companion, signals=signals, status=status)
    qtbot.addWidget(window)
    tray = Tray(companion=companion, status=status, window=window, on_quit=lambda: None)
    assert window.next_label.text() != "Schedule paused" and status.tray_state() != "paused"
    await companion.set_schedule_paused(True)
    await until(lambda: window.next_label.text() == "Schedule paused", what="the paused schedule in the status bar")
    assert tray.pause_schedule_action.isChecked() and tray.state == "paused"
    await companion.set_schedule_paused(False)
    await companion.set_bridge_paused(True)
    await until(lambda: window.next_label.text() != "Schedule paused" and tray.pause_bridge_action.isChecked(),
                what="the schedule resumed, the bridge paused")
    assert not tray.pause_schedule_action.isChecked() and tray.state == "paused"
    await companion.set_bridge_paused(False)
    await until(lambda: tray.state != "paused", what="nothing paused")
    assert not {"schedule_paused", "bridge_paused"} & set(vars(status))  # one owner: the companion
    await settle()
