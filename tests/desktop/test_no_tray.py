"""Without a system tray, notifications reach the user in a banner at the top of the window."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSystemTrayIcon

from desktop.ui import app as app_module
from desktop.ui.banner import NotificationBanner
from tests.desktop.conftest import settle


async def test_without_a_tray_a_notification_shows_in_the_window(qtbot, qapp, tmp_path: Path, monkeypatch):
    """The real app start-up with no tray: a run's notification appears in the banner; Open goes to its tab."""
    monkeypatch.setattr(QSystemTrayIcon, "isSystemTrayAvailable", staticmethod(lambda: False))
    gui = app_module.Gui(app=qapp, data_dir=tmp_path / "data", backend_url=None)
    gui._show_shell()
    try:
        assert await gui._start() == app_module.EXIT_OK
        assert gui.has_tray is False and gui.tray is not None and gui.window is not None
        banner = gui.window.notification_banner
        assert isinstance(banner, NotificationBanner) and not banner.isVisible()
        central = gui.window.centralWidget()
        assert central.layout().itemAt(0).widget() is banner  # on top of the central area
        assert central.layout().itemAt(1).widget().isAncestorOf(gui.window.stack)  # the window's own content

        gui.tray._run_finished({"agent_name": "Client work", "status": "success", "processed": 2, "created": 1,
                                "updated": 0})
        await settle()
        assert banner.isVisible()
        assert banner.title.text() == "Client work finished"
        assert banner.text.text() == "2 files read: 1 suggested, 0 updated. 1 new suggestion waits for your review."
        gui.window.stack.setCurrentWidget(gui.window.tabs)
        qtbot.mouseClick(banner.open_button, Qt.MouseButton.LeftButton)
        assert not banner.isVisible() and gui.window.current_page() == "review"

        gui.tray.notify("Agent failed", "The folder is gone.", warning=True)
        assert banner.isVisible() and banner.title.property("tone") == "warn"
        qtbot.mouseClick(banner.dismiss_button, Qt.MouseButton.LeftButton)
        assert not banner.isVisible()
    finally:
        await gui.shutdown()


async def test_with_a_tray_that_shows_messages_no_banner_is_added(qapp, tmp_path: Path, monkeypatch):
    """A desktop whose tray shows messages keeps the window as it is."""
    monkeypatch.setattr(QSystemTrayIcon, "isSystemTrayAvailable", staticmethod(lambda: True))
    monkeypatch.setattr(QSystemTrayIcon, "supportsMessages", staticmethod(lambda: True))
    gui = app_module.Gui(app=qapp, data_dir=tmp_path / "data", backend_url=None)
    gui._show_shell()
    try:
        assert await gui._start() == app_module.EXIT_OK
        assert gui.attach_banner_if_needed() is None
        assert getattr(gui.window, "notification_banner", None) is None
        assert gui.window.centralWidget().layout().itemAt(0).widget() is gui.window.stack
    finally:
        await gui.shutdown()
        qapp.setQuitOnLastWindowClosed(True)
