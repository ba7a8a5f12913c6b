"""Workspace: projects, and the tasks, notes and milestones of the selected one.

Everything is read and written through the catalogue's tools (``list_*``,
``update_*``), the same ones the engines and the backend use; suggestions
still waiting for review are listed in italics. Reloads follow
``record_did_change``. GUI thread only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.ui import operations
from desktop.ui.signals import CoreSignals
from desktop.ui.views.record_dialog import RecordDialog, save_record, title_of
from desktop.ui.widgets import HintLabel, TitleLabel, fill_with_split

if TYPE_CHECKING:
    from desktop.companion import Companion

ALL = "__all__"
NONE = "__none__"
KEY = Qt.ItemDataRole.UserRole

TABS: dict[str, tuple[str, tuple[str, ...]]] = {
    "tasks": ("Tasks", ("Title", "State", "Due")),
    "notes": ("Notes", ("Title", "Updated")),
    "timelines": ("Milestones", ("Title", "Start", "Due", "Done")),
}


async def load_workspace(companion: Companion) -> dict[str, list[dict[str, Any]]]:
    """Every project, task, note and milestone (suggestions included), through the tools."""
    invoke = companion.catalog.invoke
    return {
        "projects": (await invoke("list_all_projects", {}))["projects"],
        "tasks": (await invoke("list_tasks", {"limit": 1000}))["tasks"],
        "notes": (await invoke("list_notes", {"limit": 1000}))["notes"],
        "timelines": (await invoke("list_timelines", {"limit": 1000}))["timelines"],
    }


def _columns(kind: str, record: dict[str, Any]) -> list[str]:
    if kind == "tasks":
        return [record["title"], record.get("state") or "", _day(record.get("due_date"))]
    if kind == "notes":
        return [record["title"], _day(record.get("updated_at"))]
    return [record["title"], _day(record.get("start_date")), _day(record.get("due_date")),
            "✓" if record.get("is_completed") else ""]


def _day(value: Any) -> str:
    return str(value)[:10] if value else ""


class WorkspaceView(QWidget):
    """Projects on the left, their records in tabs on the right."""

    def __init__(self, *, companion: Companion, signals: CoreSignals, parent: QWidget | None = None):
        super().__init__(parent)
        self.companion = companion
        self.data: dict[str, list[dict[str, Any]]] = {}

        self.projects = QListWidget()
        self.projects.currentItemChanged.connect(lambda *_: self._fill_records())
        self.edit_project_button = QPushButton("Edit project…")
        self.edit_project_button.clicked.connect(self.edit_project)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(10, 10, 4, 10)
        left_layout.addWidget(HintLabel("Projects"))
        left_layout.addWidget(self.projects, 1)
        left_layout.addWidget(self.edit_project_button)

        self.heading = TitleLabel("", size=12)
        self.project_text = HintLabel()
        self.tabs = QTabWidget()
        self.trees: dict[str, QTreeWidget] = {}
        for kind, (title, headers) in TABS.items():
            tree = QTreeWidget()
            tree.setHeaderLabels(list(headers))
            tree.setRootIsDecorated(False)
            tree.setAlternatingRowColors(True)
            tree.setColumnWidth(0, 380)
            tree.itemDoubleClicked.connect(lambda item, _col, k=kind: self.edit_record(k, item))
            tree.itemSelectionChanged.connect(self._update_buttons)
            self.trees[kind] = tree
            self.tabs.addTab(tree, title)
        self.tabs.currentChanged.connect(lambda _i: self._update_buttons())
        self.edit_button = QPushButton("Edit…")
        self.done_button = QPushButton("Mark done")
        self.edit_button.clicked.connect(lambda: self.edit_record(self.current_kind(), None))
        self.done_button.clicked.connect(self.mark_done)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
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

        self._refresher = operations.Refresher(lambda: load_workspace(companion), self._loaded, parent=self)
        signals.record_did_change.connect(lambda _p: self._refresher.request())
        signals.review_did_change.connect(lambda _p: self._refresher.request())
        self._refresher.request()
        self._update_buttons()

    def _loaded(self, data: dict[str, list[dict[str, Any]]]) -> None:
        current = self.projects.currentItem().data(KEY) if self.projects.currentItem() else ALL
        self.data = data
        self.projects.blockSignals(True)
        self.projects.clear()
        entries = [(ALL, "All projects", None)]
        for project in sorted(data["projects"], key=lambda p: p["name"].lower()):
            entries.append((project["id"], project["name"], project))
        entries.append((NONE, "No project", None))
        for key, label, project in entries:
            item = QListWidgetItem(label)
            item.setData(KEY, key)
            if project is not None and not project.get("is_approved"):
                _italic(item)
                item.setToolTip("Suggested; waiting for review")
            self.projects.addItem(item)
            if key == current:
                self.projects.setCurrentItem(item)
        if self.projects.currentItem() is None:
            self.projects.setCurrentRow(0)
        self.projects.blockSignals(False)
        self._fill_records()

    def current_project(self) -> str:
        item = self.projects.currentItem()
        return item.data(KEY) if item else ALL

    def current_kind(self) -> str:
        return list(TABS)[self.tabs.currentIndex()]

    def _fill_records(self) -> None:
        key = self.current_project()
        project = next((p for p in self.data.get("projects", []) if p["id"] == key), None)
        self.heading.setText(project["name"] if project else ("All projects" if key == ALL else "No project"))
        self.project_text.setText((project.get("description") or "") if project else "")
        self.project_text.setVisible(bool(self.project_text.text()))
        for kind, tree in self.trees.items():
            tree.clear()
            rows = [r for r in self.data.get(kind, [])
                    if key == ALL or (key == NONE and not r.get("project_id")) or r.get("project_id") == key]
            items = []
            for record in rows:
                item = QTreeWidgetItem(_columns(kind, record))
                item.setData(0, KEY, record["id"])
                if not record.get("is_approved"):
                    _italic(item, columns=tree.columnCount())
                    item.setToolTip(0, "Suggested; waiting for review")
                items.append(item)
            tree.addTopLevelItems(items)
            self.tabs.setTabText(list(TABS).index(kind), f"{TABS[kind][0]} ({len(rows)})")
        self.edit_project_button.setEnabled(project is not None)
        self._update_buttons()

    def _update_buttons(self) -> None:
        kind = self.current_kind()
        item = self.trees[kind].currentItem()
        self.edit_button.setEnabled(item is not None)
        self.done_button.setVisible(kind in ("tasks", "timelines"))
        self.done_button.setEnabled(item is not None)

    def _record(self, kind: str, record_id: str) -> dict[str, Any] | None:
        return next((r for r in self.data.get(kind, []) if r["id"] == record_id), None)

    def edit_record(self, kind: str, item: QTreeWidgetItem | None) -> RecordDialog | None:
        item = item or self.trees[kind].currentItem()
        record = self._record(kind, item.data(0, KEY)) if item else None
        return self._edit(kind, record) if record else None

    def edit_project(self) -> RecordDialog | None:
        record = self._record("projects", self.current_project())
        return self._edit("projects", record) if record else None

    def _edit(self, kind: str, record: dict[str, Any]) -> RecordDialog:
        dialog = RecordDialog(kind, record, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def accepted() -> None:
            values = dialog.values()
            if values:
                operations.run(save_record(self.companion, kind, record["id"], values), parent=self,
                               what=f"The change to {title_of(kind, record)!r} was not saved")

        dialog.accepted.connect(accepted)
        dialog.open()
        return dialog

    def mark_done(self) -> None:
        kind = self.current_kind()
        item = self.trees[kind].currentItem()
        if item is None or kind not in ("tasks", "timelines"):
            return
        values = {"state": "Completed"} if kind == "tasks" else {"is_completed": True}
        operations.run(save_record(self.companion, kind, item.data(0, KEY), values), parent=self,
                       what="The change was not saved")


def _italic(item: QListWidgetItem | QTreeWidgetItem, columns: int = 1) -> None:
    if isinstance(item, QListWidgetItem):
        font = item.font()
        font.setItalic(True)
        item.setFont(font)
        return
    for col in range(columns):
        font = item.font(col)
        font.setItalic(True)
        item.setFont(col, font)
