"""The tray icon: state at a glance, a menu, notifications.

Five icons (``resources/icons/tray-*.svg``): offline, connected, running,
attention (suggestions wait or the last run failed), paused; see
``AppStatus.tray_state``. The tooltip has the connection, the next run and
the last result. Menu: status line, Run now ▸ (each agent), Stop current run,
Pause schedule, Pause bridge, Open…, Quit. Notifications when a run finishes
(with counts) or fails, and when suggestions wait for review outside a run.

The object works without a system tray too (it just never shows), so tests
and the no-tray fallback use the same code: every notification is also
emitted as ``notified(title, text, target, warning)``, which ``app.py``
connects to the in-window banner (``desktop.ui.banner``) when there is no
tray or it cannot show messages. GUI thread only.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from desktop.ui import operations
from desktop.ui.status import AppStatus
from desktop.ui.widgets import icon
from desktop.ui.words import plural, waits

if TYPE_CHECKING:
    from desktop.companion import Companion
    from desktop.ui.main_window import MainWindow

QUIET_AFTER_RUN = 5.0  # seconds: a run's own suggestions are announced with its result


class Tray(QObject):
    """The system tray icon and its menu, bound to the app status."""

    state_changed = Signal(str)
    notified = Signal(str, str, str, bool)  # title, text, target tab, warning

    def __init__(self, *, companion: Companion, status: AppStatus, window: MainWindow | None,
                 on_quit: Callable[[], None], parent: QObject | None = None):
        super().__init__(parent)
        self.companion = companion
        self.status = status
        self.window = window
        self.on_quit = on_quit
        self.state = ""
        self.last_message: tuple[str, str] | None = None
        self._last_pending = status.pending
        self._last_run_end = 0.0
        self._message_target = "runs"

        self.icon = QSystemTrayIcon(icon("tray-offline"), self)
        self.menu = QMenu()
        self.status_action = QAction("Adiuva Companion", self.menu)
        self.status_action.setEnabled(False)
        self.menu.addAction(self.status_action)
        self.menu.addSeparator()
        self.run_menu = self.menu.addMenu("Run now")
        self.stop_action = self.menu.addAction("Stop current run")
        self.stop_action.triggered.connect(self.stop_runs)
        self.menu.addSeparator()
        self.pause_schedule_action = self.menu.addAction("Pause schedule")
        self.pause_schedule_action.setCheckable(True)
        self.pause_schedule_action.toggled.connect(self._pause_schedule)
        self.pause_bridge_action = self.menu.addAction("Pause bridge")
        self.pause_bridge_action.setCheckable(True)
        self.pause_bridge_action.toggled.connect(self._pause_bridge)
        self.menu.addSeparator()
        self.open_action = self.menu.addAction("Open Adiuva Companion…")
        self.open_action.triggered.connect(lambda: self.open_window())
        self.quit_action = self.menu.addAction("Quit")
        self.quit_action.triggered.connect(on_quit)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._activated)
        self.icon.messageClicked.connect(lambda: self.open_window(self._message_target))

        status.changed.connect(self.refresh)
        status.agents_changed.connect(self._rebuild_run_menu)
        status.run_finished.connect(self._run_finished)
        self._rebuild_run_menu()
        self.refresh()

    def show(self) -> None:
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.icon.show()

    def hide(self) -> None:
        self.icon.hide()

    # ── state ──────────────────────────────────────────────────────────────
    def refresh(self) -> None:
        s = self.status
        state = s.tray_state()
        if state != self.state:
            self.state = state
            self.icon.setIcon(icon(f"tray-{state}"))
            self.state_changed.emit(state)
        review = f" · {s.pending} to review" if s.pending else ""
        line = s.running_text() or f"{s.connection_text()}{review}"
        self.status_action.setText(line)
        self.icon.setToolTip("\n".join((
            "Adiuva Companion", f"{s.connection_text()}{review}", s.running_text() or s.next_run_text(),
            f"Last: {s.last_result_text()}",
        )))
        self.stop_action.setEnabled(bool(s.running))
        running = s.running_agent_ids()
        for action in self.run_menu.actions():
            action.setEnabled(action.data() not in running)
        for action, value in ((self.pause_schedule_action, s.schedule_paused),
                              (self.pause_bridge_action, s.bridge_paused)):
            if action.isChecked() != value:
                action.blockSignals(True)
                action.setChecked(value)
                action.blockSignals(False)
        self._maybe_announce_review()

    def _rebuild_run_menu(self) -> None:
        self.run_menu.clear()
        agents = self.status.agents
        if not agents:
            empty = self.run_menu.addAction("No agents yet")
            empty.setEnabled(False)
        running = self.status.running_agent_ids()
        for agent in agents:
            action = self.run_menu.addAction(agent.name + ("" if agent.enabled else " (disabled)"))
            action.setData(agent.id)
            action.setEnabled(agent.id not in running)
            action.triggered.connect(lambda _checked=False, agent_id=agent.id: self.run_agent(agent_id))

    # ── actions ────────────────────────────────────────────────────────────
    def run_agent(self, agent_id: str) -> None:
        if self.companion.is_running(agent_id):
            return
        operations.watch(self.companion.start_run(agent_id), what="The run could not start")

    def stop_runs(self) -> None:
        self.companion.cancel_run()

    def _pause_schedule(self, paused: bool) -> None:
        operations.run(self.companion.set_schedule_paused(paused), what="The schedule could not be paused")

    def _pause_bridge(self, paused: bool) -> None:
        operations.run(self.companion.set_bridge_paused(paused), what="The bridge could not be paused")

    def open_window(self, tab: str | None = None) -> None:
        if self.window is None:
            return
        if tab is not None and self.window.current_page() != "welcome":
            self.window.show_tab(tab)
        self.window.bring_forward()

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger, QSystemTrayIcon.ActivationReason.DoubleClick):
            if self.window is not None and self.window.isVisible() and self.window.isActiveWindow():
                self.window.hide()
            else:
                self.open_window()

    # ── notifications ──────────────────────────────────────────────────────
    def notify(self, title: str, text: str, *, target: str = "runs", warning: bool = False) -> None:
        self.last_message = (title, text)
        self._message_target = target
        self.notified.emit(title, text, target, warning)
        if self.icon.isVisible() and QSystemTrayIcon.supportsMessages():
            kind = QSystemTrayIcon.MessageIcon.Warning if warning else QSystemTrayIcon.MessageIcon.Information
            self.icon.showMessage(title, text, kind, 8000)

    def _run_finished(self, result: dict[str, Any]) -> None:
        self._last_run_end = time.monotonic()
        name = result.get("agent_name") or "The agent"
        status = result.get("status")
        if status in ("success", "partial"):
            created, updated = int(result.get("created") or 0), int(result.get("updated") or 0)
            text = f"{plural(int(result.get('processed') or 0), 'file')} read: {created} suggested, {updated} updated."
            if status == "partial":
                errors = result.get("errors") or []
                failed = f"{plural(len(errors), 'file')} failed" if errors else "Some files failed"
                text += f" {failed}{': ' + str(errors[0]) if errors else ''}."
            if created:
                text += f" {waits(created, 'new suggestion')} for your review."
            self.notify(f"{name} finished", text, target="review" if created else "runs",
                        warning=status == "partial")
        elif status == "error":
            errors = result.get("errors") or ["no details"]
            self.notify(f"{name} failed", str(errors[0]), target="runs", warning=True)

    def _maybe_announce_review(self) -> None:
        pending = self.status.pending
        quiet = bool(self.status.running) or time.monotonic() - self._last_run_end < QUIET_AFTER_RUN
        if pending > self._last_pending and not quiet:
            self.notify("Suggestions to review",
                        f"{waits(pending, 'suggestion')} for your review.", target="review")
        self._last_pending = pending
