"""The main window: the welcome page or the tabs, a menu and a status bar. Thin by design.

It can exist before the core does: ``MainWindow(on_quit=...)`` is a shell
with a "Starting…" page (this module imports no core module at the top, so
the app shows it fast), and ``attach(companion=, signals=, status=)`` builds
the views once the companion has started. Passing the three to the
constructor attaches at once.

Closing it hides it to the tray when a tray exists; without one, closing
asks the app to quit (``on_quit``), which stops the companion first and then
closes the window for good (``allow_close``). GUI thread only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QStackedWidget, QTabWidget, QWidget

from agents import __version__
from desktop.ui import operations
from desktop.ui.widgets import CONNECTION_COLORS, HintLabel, icon, open_path

if TYPE_CHECKING:
    from desktop.companion import Companion
    from desktop.ui.signals import CoreSignals
    from desktop.ui.status import AppStatus
    from desktop.ui.views.agents import AgentsView
    from desktop.ui.views.connection import ConnectionView
    from desktop.ui.views.review import ReviewView
    from desktop.ui.views.runs import RunsView
    from desktop.ui.views.welcome import WelcomeView
    from desktop.ui.views.workspace import WorkspaceView


TAB_TITLES = {
    "agents": "Agents",
    "runs": "Runs",
    "review": "Review",
    "workspace": "Workspace",
    "connection": "Connection && settings",
}


class MainWindow(QMainWindow):
    """Welcome page until the first agent exists, then the five tabs."""

    def __init__(self, *, companion: Companion | None = None, signals: CoreSignals | None = None,
                 status: AppStatus | None = None, on_quit: Callable[[], None] | None = None,
                 hide_on_close: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self.companion: Companion | None = None
        self.status: AppStatus | None = None
        self.on_quit = on_quit
        self.hide_on_close = hide_on_close
        self.allow_close = False
        self.setWindowTitle("Adiuva Companion")
        self.setWindowIcon(icon("app"))
        self.resize(1000, 680)
        self.setMinimumSize(820, 560)

        self.starting = HintLabel("Starting Adiuva Companion…")
        self.starting.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.starting)
        self.setCentralWidget(self.stack)
        self.connection_label = QLabel()
        self.activity_label = QLabel()
        self.next_label = QLabel()
        bar = self.statusBar()
        bar.addWidget(self.connection_label)
        bar.addWidget(self.activity_label, 1)
        bar.addPermanentWidget(self.next_label)
        self._build_menu()
        if companion is not None and signals is not None and status is not None:
            self.attach(companion=companion, signals=signals, status=status)

    def attach(self, *, companion: Companion, signals: CoreSignals, status: AppStatus) -> None:
        """Build the welcome page and the tabs over a started companion."""
        from desktop.ui.views.agents import AgentsView
        from desktop.ui.views.connection import ConnectionView
        from desktop.ui.views.review import ReviewView
        from desktop.ui.views.runs import RunsView
        from desktop.ui.views.welcome import WelcomeView
        from desktop.ui.views.workspace import WorkspaceView

        self.companion = companion
        self.status = status
        self.welcome: WelcomeView = WelcomeView(companion=companion)
        self.welcome.agent_started.connect(self._first_agent_started)
        self.agents_view: AgentsView = AgentsView(companion=companion, signals=signals, status=status)
        self.runs_view: RunsView = RunsView(companion=companion, signals=signals)
        self.review_view: ReviewView = ReviewView(companion=companion, signals=signals)
        self.workspace_view: WorkspaceView = WorkspaceView(companion=companion, signals=signals)
        self.connection_view: ConnectionView = ConnectionView(companion=companion, signals=signals, status=status)
        self.views: dict[str, QWidget] = {
            "agents": self.agents_view, "runs": self.runs_view, "review": self.review_view,
            "workspace": self.workspace_view, "connection": self.connection_view,
        }
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        for name, view in self.views.items():
            self.tabs.addTab(view, TAB_TITLES[name])
        self.stack.addWidget(self.tabs)
        self.stack.addWidget(self.welcome)
        self.stack.setCurrentWidget(self.tabs)
        status.changed.connect(self._status_changed)
        self._status_changed()

    def _build_menu(self) -> None:
        menu = self.menuBar().addMenu("&Companion")
        open_data = QAction("Open data folder", self)
        open_data.triggered.connect(lambda: self.companion is not None and open_path(self.companion.data_dir))
        menu.addAction(open_data)
        menu.addSeparator()
        self.quit_action = QAction("&Quit", self)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit_action.triggered.connect(self._quit)
        menu.addAction(self.quit_action)
        help_menu = self.menuBar().addMenu("&Help")
        about = QAction("About Adiuva Companion", self)
        about.triggered.connect(lambda: operations.message(
            self, f"Adiuva Companion {__version__}",
            "Local agents, the review queue and the device bridge for Adiuva."
            + (f"\nData: {self.companion.data_dir}" if self.companion is not None else ""),
        ))
        help_menu.addAction(about)

    # ── pages and tabs ────────────────────────────────────────────────────
    def show_tab(self, name: str) -> None:
        self.stack.setCurrentWidget(self.tabs)
        self.tabs.setCurrentWidget(self.views[name])

    def current_page(self) -> str:
        if self.status is None:
            return "starting"
        if self.stack.currentWidget() is self.welcome:
            return "welcome"
        return list(self.views)[self.tabs.currentIndex()]

    def _first_agent_started(self, _agent_id: str) -> None:
        self.show_tab("runs")

    def _review_badge(self, count: int) -> None:
        index = self.tabs.indexOf(self.review_view)
        self.tabs.setTabText(index, f"Review ({count})" if count else "Review")

    def review_tab_text(self) -> str:
        return self.tabs.tabText(self.tabs.indexOf(self.review_view))

    def _status_changed(self) -> None:
        s = self.status
        if s is None:
            return
        self._review_badge(s.pending)
        if s.loaded:
            want_welcome = not s.agents
            if want_welcome and self.stack.currentWidget() is not self.welcome:
                self.stack.setCurrentWidget(self.welcome)
            elif not want_welcome and self.stack.currentWidget() is self.welcome:
                self.stack.setCurrentWidget(self.tabs)
        color = CONNECTION_COLORS.get(s.connection_state, "#9ca3af")
        self.connection_label.setText(f'<span style="color:{color}">●</span> {s.connection_text()}')
        self.activity_label.setText(s.running_text() or s.last_result_text())
        self.next_label.setText(s.next_run_text())

    # ── window ─────────────────────────────────────────────────────────────
    def bring_forward(self) -> None:
        """Show, restore and raise the window (tray click, second launch)."""
        if self.isMinimized():
            self.showNormal()
        self.show()
        self.raise_()
        self.activateWindow()

    def _quit(self) -> None:
        if self.on_quit is not None:
            self.on_quit()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.allow_close:
            event.accept()
            return
        event.ignore()
        if self.hide_on_close:
            self.hide()
        else:
            self._quit()

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape and self.hide_on_close:
            self.hide()
            return
        super().keyPressEvent(event)
