"""The main window: the welcome page or the tabs, a menu and a status bar. Thin by design.

It can exist before the core does: ``MainWindow(on_quit=...)`` is a shell
with a "Starting…" page (this module imports no core module at the top, so
the app shows it fast), and ``attach(companion=, signals=, status=)`` builds
the welcome page and the tab bar once the companion has started. Passing the
three to the constructor attaches at once.

Each tab's view (and its module) is built the first time its page is shown,
or when it is asked for (``window.runs_view``): a start on the welcome page,
or in the tray, builds none of them, and one with agents builds only the tab
in front. The tab titles, the review badge and the status bar come from
``AppStatus``, not from the views, so they are right from the start.

Review decisions are undoable from here: every ``review_did_change`` that
carries a batch shows the undo bar ("Rejected 751 suggestions · Undo") at the
bottom for a few seconds, and Edit ▸ Undo (Ctrl+Z) undoes the batch the bar
shows, else the newest one (``companion.review.undo``, one transaction).
When the first agent's first run (started from the welcome page) ends with
suggestions waiting, the window lands on Review.

The change watcher (``agents.watch``, handed over by ``watch_with``) polls
every second while the window shows and every five while it is hidden.

Closing it hides it to the tray when a tray exists; without one, closing
asks the app to quit (``on_quit``), which stops the companion first and then
closes the window for good (``allow_close``). GUI thread only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QStackedWidget, QTabWidget, QVBoxLayout, QWidget

from agents import __version__
from desktop.ui import operations, tones
from desktop.ui.widgets import CONNECTION_TONES, HintLabel, UndoBar, icon, open_path

if TYPE_CHECKING:
    from agents.events import ReviewDidChange
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
    "activity": "Activity",
    "connection": "Connection && settings",
}


class TabPage(QWidget):
    """A tab's page: its view is built by ``build()`` when the page is first shown or asked for."""

    def __init__(self, build: Callable[[], QWidget], parent: QWidget | None = None):
        super().__init__(parent)
        self._build = build
        self.view: QWidget | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

    def ensure_view(self) -> QWidget:
        if self.view is None:
            self.view = self._build()
            layout = self.layout()
            assert layout is not None
            layout.addWidget(self.view)
            if self.isVisible():
                self.view.show()  # added while the page shows: show it now, not on the next event loop turn
        return self.view

    def showEvent(self, event: QShowEvent) -> None:
        self.ensure_view()
        super().showEvent(event)


class MainWindow(QMainWindow):
    """Welcome page until the first agent exists, then the tabs."""

    def __init__(self, *, companion: Companion | None = None, signals: CoreSignals | None = None,
                 status: AppStatus | None = None, on_quit: Callable[[], None] | None = None,
                 hide_on_close: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self.companion: Companion | None = None
        self.status: AppStatus | None = None
        self.signals: CoreSignals | None = None
        self.pages: dict[str, TabPage] = {}
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
        self.undo_bar = UndoBar()
        self.undo_bar.undo_button.clicked.connect(self.undo)
        central = QWidget()
        central_layout = QVBoxLayout(central)
        central_layout.setContentsMargins(0, 0, 0, 0)
        central_layout.setSpacing(4)
        central_layout.addWidget(self.stack, 1)
        central_layout.addWidget(self.undo_bar)
        self.setCentralWidget(central)
        self._land_on_review = False
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
        """Build the welcome page and the tab bar over a started companion (the views: on first show)."""
        from desktop.ui.views.welcome import WelcomeView

        self.companion = companion
        self.status = status
        self.signals = signals
        self.welcome: WelcomeView = WelcomeView(companion=companion)
        self.welcome.agent_started.connect(self._first_agent_started)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        for name, title in TAB_TITLES.items():
            self.pages[name] = TabPage(lambda name=name: self._build_view(name))
            self.tabs.addTab(self.pages[name], title)
        self.stack.addWidget(self.tabs)
        self.stack.addWidget(self.welcome)
        # straight to the page the status asks for: showing the tabs even for a moment builds the front view
        self.stack.setCurrentWidget(self.welcome if status.loaded and not status.agents else self.tabs)
        status.changed.connect(self._status_changed)
        status.run_finished.connect(self._run_finished)
        signals.review_did_change.connect(self._review_changed)
        from desktop.ui.views.sample_notice import attach_sample_notice

        attach_sample_notice(self, companion=companion, status=status)  # "Remove the sample" while one exists
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
        edit = self.menuBar().addMenu("&Edit")
        self.undo_action = QAction("&Undo", self)
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.undo_action.triggered.connect(self.undo)
        edit.addAction(self.undo_action)
        help_menu = self.menuBar().addMenu("&Help")
        about = QAction("About Adiuva Companion", self)
        about.triggered.connect(lambda: operations.message(
            self, f"Adiuva Companion {__version__}",
            "Local agents, the review queue and the device bridge for Adiuva."
            + (f"\nData: {self.companion.data_dir}" if self.companion is not None else ""),
        ))
        help_menu.addAction(about)

    # ── pages and tabs ────────────────────────────────────────────────────
    def _build_view(self, name: str) -> QWidget:
        companion, signals, status = self.companion, self.signals, self.status
        assert companion is not None and signals is not None and status is not None
        if name == "agents":
            from desktop.ui.views.agents import AgentsView

            return AgentsView(companion=companion, signals=signals, status=status)
        if name == "runs":
            from desktop.ui.views.runs import RunsView

            return RunsView(companion=companion, signals=signals)
        if name == "review":
            from desktop.ui.views.review import ReviewView

            return ReviewView(companion=companion, signals=signals)
        if name == "workspace":
            from desktop.ui.views.workspace import WorkspaceView

            return WorkspaceView(companion=companion, signals=signals)
        if name == "activity":
            from desktop.ui.views.activity import ActivityView

            return ActivityView(companion=companion, signals=signals)
        from desktop.ui.views.connection import ConnectionView

        return ConnectionView(companion=companion, signals=signals, status=status)

    def view(self, name: str) -> Any:
        """The view of tab ``name``, built now if it has not been shown yet."""
        return self.pages[name].ensure_view()

    @property
    def views(self) -> dict[str, QWidget]:
        """The views built so far, by tab name."""
        return {name: page.view for name, page in self.pages.items() if page.view is not None}

    @property
    def agents_view(self) -> AgentsView:
        return cast("AgentsView", self.view("agents"))

    @property
    def runs_view(self) -> RunsView:
        return cast("RunsView", self.view("runs"))

    @property
    def review_view(self) -> ReviewView:
        return cast("ReviewView", self.view("review"))

    @property
    def workspace_view(self) -> WorkspaceView:
        return cast("WorkspaceView", self.view("workspace"))

    @property
    def connection_view(self) -> ConnectionView:
        return cast("ConnectionView", self.view("connection"))

    def show_tab(self, name: str) -> None:
        self.stack.setCurrentWidget(self.tabs)
        self.tabs.setCurrentWidget(self.pages[name])

    def current_page(self) -> str:
        if self.status is None:
            return "starting"
        if self.stack.currentWidget() is self.welcome:
            return "welcome"
        return list(self.pages)[self.tabs.currentIndex()]

    def _first_agent_started(self, _agent_id: str) -> None:
        self.show_tab("runs")
        self._land_on_review = True  # when that first run ends with suggestions, show them

    def _run_finished(self, _result: dict[str, Any]) -> None:
        if not self._land_on_review or self.companion is None:
            return
        self._land_on_review = False
        from agents.review import pending_count

        operations.run(pending_count(self.companion.store),
                       lambda n: n > 0 and self.current_page() == "runs" and self.show_tab("review"), parent=self)

    # ── undo ──────────────────────────────────────────────────────────────
    def _review_changed(self, event: ReviewDidChange) -> None:
        if not event.batch or not event.count:
            return
        n, action = event.count, event.action or ""
        verb = {"approve": "Approved", "reject": "Rejected", "discard": "Discarded", "restore": "Restored"}.get(
            action, "Changed")
        text = f"{verb} {n} suggestion{'s' if n != 1 else ''}"
        if event.undone:
            self.undo_bar.show_message(f"Undone: {text[0].lower()}{text[1:]}", None)
        else:
            self.undo_bar.show_message(text, event.batch)

    def undo(self) -> None:
        """Undo what the undo bar shows (a decision, a delete, a removed agent), else the newest decision."""
        if self.companion is None:
            return
        if self.undo_bar.isVisible() and self.undo_bar.has_action():
            self.undo_bar.run_action()
            return
        batch_id = self.undo_bar.batch_id if self.undo_bar.isVisible() else None

        def done(batch: Any) -> None:
            if batch is None:
                self.statusBar().showMessage("Nothing to undo", 4000)

        operations.run(self.companion.review.undo(batch_id), done, parent=self, what="Undo did not finish")

    def _review_badge(self, count: int) -> None:
        index = self.tabs.indexOf(self.pages["review"])
        self.tabs.setTabText(index, f"Review ({count})" if count else "Review")

    def review_tab_text(self) -> str:
        return self.tabs.tabText(self.tabs.indexOf(self.pages["review"]))

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
        color = tones.color(CONNECTION_TONES.get(s.connection_state, "muted"), self)
        self.connection_label.setText(f'<span style="color:{color}">●</span> {s.connection_text()}')
        self.activity_label.setText(s.running_text() or s.last_result_text())
        self.next_label.setText(s.next_run_text())

    # ── changes made by other processes ────────────────────────────────────
    def watch_with(self, watcher: Any) -> None:
        """Let ``watcher`` (``agents.watch.ChangeWatcher``) poll fast while this window shows, slowly while not."""
        self.watcher = watcher
        watcher.set_visible(self.isVisible() and not self.isMinimized())

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if getattr(self, "watcher", None) is not None:
            self.watcher.set_visible(True)

    def hideEvent(self, event: Any) -> None:
        super().hideEvent(event)
        if getattr(self, "watcher", None) is not None:
            self.watcher.set_visible(False)

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
