"""Workspace: projects, and the tasks, notes and milestones of the selected one, at any volume.

The project list and each tab are ``PagedModel``s (``desktop.ui.models.records``)
paged from SQL as the user scrolls: no cap, a project with 1,200 tasks lists
all of them; tasks and milestones by due date, overdue ones in red, done
ones struck through. The tab titles carry SQL counts. New…, Edit…, Mark
done (Reopen) and Delete work on the tab in front: adding and editing go
through the catalogue's ``create_*``/``update_*`` tools (the dialog checks
the fields first), deleting through ``agents.records_ops`` (a soft delete the
window's undo bar can take back). Suggestions still waiting for review are in
italics. Changes made elsewhere (``record_did_change``, ``review_did_change``,
and other processes' writes through ``agents.watch``) refetch only the loaded
rows, throttled, never the whole workspace. GUI thread only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QListView,
    QMessageBox,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from agents import records_ops, review_query
from agents.review_query import NO_PROJECT
from desktop.ui import operations
from desktop.ui.models.records import ALL, ProjectsModel, WorkspaceModel
from desktop.ui.signals import CoreSignals
from desktop.ui.views.record_dialog import RecordDialog, create_record, save_record, title_of
from desktop.ui.widgets import HintLabel, TitleLabel, UndoBar, fill_with_split

if TYPE_CHECKING:
    from desktop.companion import Companion

NONE = NO_PROJECT
TABS: dict[str, str] = {"tasks": "Tasks", "notes": "Notes", "timelines": "Milestones"}


class WorkspaceView(QWidget):
    """Projects on the left, their records in tabs on the right."""

    def __init__(self, *, companion: Companion, signals: CoreSignals, parent: QWidget | None = None):
        super().__init__(parent)
        self.companion = companion
        store = companion.store

        self.projects_model = ProjectsModel(store, self)
        self.projects = QListView()
        self.projects.setUniformItemSizes(True)
        self.projects.setModel(self.projects_model)
        self.projects.selectionModel().currentChanged.connect(lambda *_: self._project_changed())
        self.projects_model.loaded.connect(self._projects_loaded)
        self.edit_project_button = QPushButton("Edit project…")
        self.edit_project_button.clicked.connect(self.edit_project)
        self.new_project_button = QPushButton("New project…")
        self.new_project_button.clicked.connect(lambda: self.add_record("projects"))
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(10, 10, 4, 10)
        left_layout.addWidget(HintLabel("Projects"))
        left_layout.addWidget(self.projects, 1)
        project_buttons = QHBoxLayout()
        project_buttons.addWidget(self.new_project_button)
        project_buttons.addWidget(self.edit_project_button)
        left_layout.addLayout(project_buttons)

        self.heading = TitleLabel("All projects", size=12)
        self.project_text = HintLabel()
        self.project_text.hide()
        self.tabs = QTabWidget()
        self.models: dict[str, WorkspaceModel] = {}
        self.tables: dict[str, QTableView] = {}
        for kind, title in TABS.items():
            model = WorkspaceModel(store, kind, self)
            table = QTableView()
            table.setModel(model)
            table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
            table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
            table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            table.setAlternatingRowColors(True)
            table.setShowGrid(False)
            table.verticalHeader().hide()
            table.verticalHeader().setDefaultSectionSize(28)
            table.horizontalHeader().setStretchLastSection(True)
            table.setColumnWidth(0, 380)
            table.doubleClicked.connect(lambda _i, k=kind: self.edit_record(k))
            table.selectionModel().currentChanged.connect(lambda *_: self._update_buttons())
            model.loaded.connect(self._update_buttons)  # the selected row changed elsewhere (done, reopened)
            self.models[kind], self.tables[kind] = model, table
            self.tabs.addTab(table, title)
        self.tabs.currentChanged.connect(lambda _i: self._update_buttons())
        self.new_button = QPushButton("New…")
        self.edit_button = QPushButton("Edit…")
        self.done_button = QPushButton("Mark done")
        self.delete_button = QPushButton("Delete")
        self.new_button.clicked.connect(lambda: self.add_record(self.current_kind()))
        self.edit_button.clicked.connect(lambda: self.edit_record(self.current_kind()))
        self.done_button.clicked.connect(self.mark_done)
        self.delete_button.clicked.connect(self.delete_record)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addStretch(1)
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.done_button)
        buttons.addWidget(self.edit_button)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(8, 10, 12, 10)
        right_layout.addWidget(self.heading)
        right_layout.addWidget(self.project_text)
        right_layout.addWidget(self.tabs, 1)
        right_layout.addLayout(buttons)

        fill_with_split(self, left, right, (250, 750))

        self._counts = operations.Refresher(
            lambda: review_query.workspace_counts(store, self._project_filter()), self._counts_loaded, parent=self)
        # throttled, not debounced: a run's stream of events refreshes twice a second, not never
        self._changed_timer = QTimer(self, singleShot=True, interval=400, timeout=self._changed_elsewhere)
        signals.record_did_change.connect(self._heard)
        signals.review_did_change.connect(self._heard)
        self.projects_model.reload()
        for model in self.models.values():
            model.reload()
        self._counts.request()
        self._update_buttons()

    def _heard(self, _event: object) -> None:
        """A core event that may change what this view shows (a bound method: Qt drops the
        connection when the view is destroyed, where a lambda would outlive it)."""
        self._changed_soon()

    # ── projects ──────────────────────────────────────────────────────────
    def current_project(self) -> str:
        row = self.project_record(any_row=True)
        return row["id"] if row else ALL

    def project_record(self, *, any_row: bool = False) -> dict[str, Any] | None:
        """The selected project's row (None for "All projects" / "No project" unless ``any_row``)."""
        index = self.projects.currentIndex()
        if not index.isValid() or index.row() >= len(self.projects_model.rows):
            return None
        row = self.projects_model.rows[index.row()]
        return row if any_row or row["id"] not in (ALL, NONE) else None

    def _project_filter(self) -> str | None:
        key = self.current_project()
        return None if key == ALL else key

    def _projects_loaded(self) -> None:
        if not self.projects.currentIndex().isValid() and self.projects_model.rows:
            self.select_project_row(0)

    def select_project_row(self, row: int) -> None:
        self.projects.selectionModel().setCurrentIndex(self.projects_model.index(row, 0),
                                                       QItemSelectionModel.SelectionFlag.ClearAndSelect)

    def _project_changed(self) -> None:
        project = self.project_record()
        key = self.current_project()
        self.heading.setText(project["name"] if project else ("No project" if key == NONE else "All projects"))
        self.project_text.setText((project.get("description") or "") if project else "")
        self.project_text.setVisible(bool(self.project_text.text()))
        for model in self.models.values():
            model.set_project(key)
        self._counts.request()
        self.edit_project_button.setEnabled(project is not None)
        self._update_buttons()

    def _counts_loaded(self, counts: dict[str, int]) -> None:
        for i, (kind, title) in enumerate(TABS.items()):
            self.tabs.setTabText(i, f"{title} ({counts.get(kind, 0)})")

    def _changed_soon(self) -> None:
        if not self._changed_timer.isActive():
            self._changed_timer.start()

    def _changed_elsewhere(self) -> None:
        self.projects_model.refresh()
        for model in self.models.values():
            model.refresh()
        self._counts.request()

    # ── records ───────────────────────────────────────────────────────────
    def current_kind(self) -> str:
        return list(TABS)[self.tabs.currentIndex()]

    def current_record(self, kind: str) -> dict[str, Any] | None:
        index = self.tables[kind].currentIndex()
        rows = self.models[kind].rows
        return rows[index.row()] if index.isValid() and index.row() < len(rows) else None

    def _update_buttons(self) -> None:
        kind = self.current_kind()
        has = self.current_record(kind) is not None
        record = self.current_record(kind)
        self.edit_button.setEnabled(has)
        self.delete_button.setEnabled(has)
        self.done_button.setVisible(kind in ("tasks", "timelines"))
        self.done_button.setEnabled(has)
        self.done_button.setText("Reopen" if record is not None and _done(record) else "Mark done")
        self.new_button.setText(f"New {SINGULAR[kind]}…")

    def _projects_for_dialog(self) -> list[dict[str, Any]]:
        return [r for r in self.projects_model.rows if r["id"] not in (ALL, NONE)]

    def add_record(self, kind: str) -> RecordDialog:
        """A dialog for a new record of ``kind``, filed under the selected project."""
        project = self.current_project()
        dialog = RecordDialog(kind, None, self, save=lambda values: create_record(self.companion, kind, values),
                              projects=self._projects_for_dialog(),
                              project_id=None if project in (ALL, NONE) else project)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def edit_record(self, kind: str) -> RecordDialog | None:
        record = self.current_record(kind)
        return self._edit(kind, record) if record else None

    def edit_project(self) -> RecordDialog | None:
        record = self.project_record()
        return self._edit("projects", record) if record else None

    def _edit(self, kind: str, record: dict[str, Any]) -> RecordDialog:
        dialog = RecordDialog(kind, record, self, projects=self._projects_for_dialog(),
                              save=lambda values: save_record(self.companion, kind, record["id"], values))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def mark_done(self) -> None:
        """Complete the selected task or milestone; one already done is reopened."""
        kind = self.current_kind()
        record = self.current_record(kind)
        if record is None or kind not in ("tasks", "timelines"):
            return
        done = not _done(record)
        values = ({"state": "Completed" if done else "ToDo"} if kind == "tasks" else {"is_completed": done})
        operations.run(save_record(self.companion, kind, record["id"], values), parent=self,
                       what="The change was not saved")

    def delete_record(self) -> QMessageBox | None:
        """Delete the selected record; the window's undo bar offers to take it back (else: confirm first)."""
        kind = self.current_kind()
        record = self.current_record(kind)
        if record is None:
            return None
        bar = getattr(self.window(), "undo_bar", None)
        if isinstance(bar, UndoBar):
            self._delete(kind, record, bar)
            return None
        box = QMessageBox(QMessageBox.Icon.Question, "Delete", f"Delete “{title_of(kind, record)}”?",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.accepted.connect(lambda: self._delete(kind, record, None))
        box.open()
        return box

    def _delete(self, kind: str, record: dict[str, Any], bar: UndoBar | None) -> None:
        c = self.companion
        title = title_of(kind, record)
        self.models[kind].remove_keys([record["id"]])

        def deleted(done: records_ops.Deleted) -> None:
            if bar is not None:
                bar.show_action(f"Deleted “{title}”", lambda: operations.run(
                    records_ops.undelete(c.store, c.events, done), parent=self, what="The delete was not undone"))

        operations.run(records_ops.delete(c.store, c.events, kind, record["id"]), deleted, parent=self,
                       what=f"“{title}” was not deleted")


SINGULAR = {"tasks": "task", "notes": "note", "timelines": "milestone", "projects": "project"}


def _done(record: dict[str, Any]) -> bool:
    return record.get("state") == "Completed" or bool(record.get("is_completed"))
