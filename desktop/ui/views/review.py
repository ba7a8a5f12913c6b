"""Review: AI suggestions waiting for approval, grouped by kind and project.

Each suggestion shows its source file (with a button to open it) and the run
that made it. Approve, reject, edit (``RecordDialog``), approve all and reject
all go through ``companion.review`` / the catalogue; the list reloads from
``review_did_change`` and ``record_did_change``. ``count_changed(n)`` feeds
the tab badge. GUI thread only.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from agents import review
from agents.review import KIND_ORDER
from agents.store import parse_iso
from desktop.ui import operations
from desktop.ui.signals import CoreSignals
from desktop.ui.status import format_when
from desktop.ui.views.record_dialog import RecordDialog, save_record, text_of, title_of
from desktop.ui.widgets import HintLabel, TitleLabel, open_path

if TYPE_CHECKING:
    from desktop.companion import Companion

KIND_TITLES = {"projects": "Projects", "tasks": "Tasks", "timelines": "Milestones", "notes": "Notes"}
NO_PROJECT = "No project"
KEY = Qt.ItemDataRole.UserRole


async def load_pending(companion: Companion) -> tuple[dict[str, list[dict[str, Any]]], dict[str, dict[str, Any]]]:
    """Waiting suggestions by kind, and the runs that made them (by id)."""
    pending = await review.pending(companion.store)
    run_ids = sorted({r["run_id"] for rows in pending.values() for r in rows if r.get("run_id")})
    runs: dict[str, dict[str, Any]] = {}
    if run_ids:
        marks = ", ".join("?" * len(run_ids))
        for row in await companion.store.fetchall(
            f"SELECT id, agent_name, trigger, started_at, status FROM agent_runs WHERE id IN ({marks})", run_ids
        ):
            runs[row["id"]] = row
    return pending, runs


class ReviewView(QWidget):
    """The review queue: a grouped list and the selected suggestion's detail."""

    count_changed = Signal(int)

    def __init__(self, *, companion: Companion, signals: CoreSignals, parent: QWidget | None = None):
        super().__init__(parent)
        self.companion = companion
        self.pending: dict[str, list[dict[str, Any]]] = {}
        self.runs: dict[str, dict[str, Any]] = {}
        self.count = 0

        self.heading = TitleLabel("Nothing waits for review", size=12)
        self.approve_all_button = QPushButton("Approve all")
        self.reject_all_button = QPushButton("Reject all")
        self.approve_all_button.clicked.connect(self.approve_all)
        self.reject_all_button.clicked.connect(self.confirm_reject_all)
        top = QHBoxLayout()
        top.setContentsMargins(12, 10, 12, 4)
        top.addWidget(self.heading, 1)
        top.addWidget(self.approve_all_button)
        top.addWidget(self.reject_all_button)

        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Suggestion", "Source"])
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setUniformRowHeights(True)
        self.tree.setColumnWidth(0, 300)
        self.tree.itemSelectionChanged.connect(self._selection_changed)
        self.tree.itemDoubleClicked.connect(lambda *_: self.edit_selected())

        self.title = TitleLabel("", size=12)
        self.title.setWordWrap(True)
        self.meta = HintLabel()
        self.body = QTextBrowser()
        self.body.setOpenExternalLinks(False)
        self.source = QLabel()
        self.source.setWordWrap(True)
        self.source.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_button = QPushButton("Open file")
        self.open_button.clicked.connect(self.open_source)
        source_row = QHBoxLayout()
        source_row.addWidget(self.source, 1)
        source_row.addWidget(self.open_button)
        self.run_label = HintLabel()
        self.approve_button = QPushButton("Approve")
        self.reject_button = QPushButton("Reject")
        self.edit_button = QPushButton("Edit…")
        self.approve_button.clicked.connect(self.approve_selected)
        self.reject_button.clicked.connect(self.reject_selected)
        self.edit_button.clicked.connect(self.edit_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.edit_button)
        buttons.addStretch(1)
        buttons.addWidget(self.reject_button)
        buttons.addWidget(self.approve_button)
        self.approve_button.setDefault(True)

        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(12, 6, 12, 10)
        detail_layout.addWidget(self.title)
        detail_layout.addWidget(self.meta)
        detail_layout.addWidget(self.body, 1)
        detail_layout.addLayout(source_row)
        detail_layout.addWidget(self.run_label)
        detail_layout.addLayout(buttons)

        splitter = QSplitter()
        splitter.addWidget(self.tree)
        splitter.addWidget(detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([560, 420])
        body = QHBoxLayout()
        body.setContentsMargins(12, 0, 12, 10)
        body.addWidget(splitter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(body, 1)

        self._refresher = operations.Refresher(lambda: load_pending(companion), self._loaded, parent=self)
        signals.review_did_change.connect(lambda _p: self._refresher.request())
        signals.record_did_change.connect(lambda _p: self._refresher.request())
        self._refresher.request()
        self._show_detail()

    # ── list ───────────────────────────────────────────────────────────────
    def _loaded(self, result: tuple[dict[str, list[dict[str, Any]]], dict[str, dict[str, Any]]]) -> None:
        selected = {key for key, _ in self.selected()}
        self.pending, self.runs = result
        self.tree.clear()
        first: QTreeWidgetItem | None = None
        reselect: list[QTreeWidgetItem] = []
        for kind in KIND_ORDER:
            rows = self.pending.get(kind, [])
            if not rows:
                continue
            kind_item = QTreeWidgetItem([f"{KIND_TITLES[kind]} ({len(rows)})", ""])
            _bold(kind_item)
            self.tree.addTopLevelItem(kind_item)
            groups: dict[str, list[dict[str, Any]]] = {}
            for row in rows:
                groups.setdefault(row.get("project_name") or NO_PROJECT, []).append(row)
            for project, records in sorted(groups.items(), key=lambda g: (g[0] == NO_PROJECT, g[0].lower())):
                parent = kind_item
                if kind != "projects":
                    parent = QTreeWidgetItem([f"{project} ({len(records)})", ""])
                    kind_item.addChild(parent)
                for record in records:
                    item = QTreeWidgetItem([title_of(kind, record), _short_path(record.get("source_path"))])
                    item.setData(0, KEY, (kind, record["id"]))
                    item.setToolTip(1, record.get("source_path") or "")
                    item.setToolTip(0, title_of(kind, record))
                    parent.addChild(item)
                    first = first or item
                    if (kind, record["id"]) in selected:
                        reselect.append(item)
        self.tree.expandAll()
        self.count = sum(len(v) for v in self.pending.values())
        self.heading.setText(
            f"{self.count} suggestion{'s' if self.count != 1 else ''} wait for your review" if self.count
            else "Nothing waits for review"
        )
        self.approve_all_button.setEnabled(self.count > 0)
        self.reject_all_button.setEnabled(self.count > 0)
        for item in reselect:
            item.setSelected(True)
        if not reselect and first is not None:
            self.tree.setCurrentItem(first)
        self._show_detail()
        self.count_changed.emit(self.count)

    def selected(self) -> list[tuple[tuple[str, str], dict[str, Any]]]:
        """The selected suggestions (a selected group counts as all of its items)."""
        out: dict[tuple[str, str], dict[str, Any]] = {}

        def collect(item: QTreeWidgetItem) -> None:
            key = item.data(0, KEY)
            if key:
                record = self.record(*key)
                if record is not None:
                    out[tuple(key)] = record  # type: ignore[index]
            for i in range(item.childCount()):
                collect(item.child(i))

        for item in self.tree.selectedItems():
            collect(item)
        return list(out.items())

    def record(self, kind: str, record_id: str) -> dict[str, Any] | None:
        return next((r for r in self.pending.get(kind, []) if r["id"] == record_id), None)

    def _selection_changed(self) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        chosen = self.selected()
        has = bool(chosen)
        for button in (self.approve_button, self.reject_button):
            button.setEnabled(has)
        self.edit_button.setEnabled(len(chosen) == 1)
        if len(chosen) != 1:
            self.title.setText(f"{len(chosen)} suggestions selected" if chosen else "")
            self.meta.setText("" if chosen else "Select a suggestion to see where it came from.")
            self.body.setPlainText("")
            self.source.setText("")
            self.open_button.setEnabled(False)
            self.run_label.setText("")
            return
        (kind, _record_id), record = chosen[0]
        self.title.setText(title_of(kind, record))
        bits = [KIND_TITLES[kind][:-1] if kind != "timelines" else "Milestone"]
        if kind != "projects":
            bits.append(record.get("project_name") or NO_PROJECT)
        if record.get("state"):
            bits.append(record["state"])
        if record.get("due_date"):
            bits.append(f"due {str(record['due_date'])[:10]}")
        if record.get("start_date"):
            bits.append(f"starts {str(record['start_date'])[:10]}")
        self.meta.setText(" · ".join(bits))
        self.body.setPlainText(text_of(kind, record) or "(no description)")
        path = record.get("source_path")
        self.source.setText(f"Source: {path}" if path else "Source: not recorded")
        self.open_button.setEnabled(bool(path) and os.path.exists(path or ""))
        run = self.runs.get(record.get("run_id") or "")
        if run:
            self.run_label.setText(
                f"Suggested by {run['agent_name']} ({run['trigger']} run, {format_when(parse_iso(run['started_at']))})"
            )
        else:
            self.run_label.setText("Suggested outside a local run (by the backend)" if record.get("run_id") is None
                                   else "")

    # ── actions ────────────────────────────────────────────────────────────
    def approve_selected(self) -> None:
        self._decide([key for key, _ in self.selected()], approve=True)

    def reject_selected(self) -> None:
        self._decide([key for key, _ in self.selected()], approve=False)

    def _decide(self, keys: list[tuple[str, str]], *, approve: bool) -> None:
        if not keys:
            return

        async def decide() -> None:
            for kind, record_id in keys:
                if approve:
                    await self.companion.review.approve(kind, record_id)
                else:
                    await self.companion.review.reject(kind, record_id)

        operations.run(decide(), parent=self, what="The review was not saved")

    def approve_all(self) -> None:
        operations.run(self.companion.review.approve_all(), parent=self, what="Approve all did not finish")

    def confirm_reject_all(self) -> None:
        box = QMessageBox(QMessageBox.Icon.Question, "Reject all suggestions",
                          f"Reject all {self.count} suggestions? Rejected items are not suggested again.",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(lambda result: result == QMessageBox.StandardButton.Yes.value and self.reject_all())
        box.open()

    def reject_all(self) -> None:
        operations.run(self.companion.review.reject_all(), parent=self, what="Reject all did not finish")

    def edit_selected(self) -> RecordDialog | None:
        chosen = self.selected()
        if len(chosen) != 1:
            return None
        (kind, record_id), record = chosen[0]
        dialog = RecordDialog(kind, record, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def accepted() -> None:
            values = dialog.values()
            if values:
                operations.run(save_record(self.companion, kind, record_id, values), parent=self,
                               what="The change was not saved")

        dialog.accepted.connect(accepted)
        dialog.open()
        return dialog

    def open_source(self) -> None:
        chosen = self.selected()
        if len(chosen) == 1 and chosen[0][1].get("source_path"):
            open_path(chosen[0][1]["source_path"])


def _short_path(path: str | None) -> str:
    if not path:
        return ""
    parts = path.replace("\\", "/").rstrip("/").split("/")
    return "/".join(parts[-2:])


def _bold(item: QTreeWidgetItem) -> None:
    font = item.font(0)
    font.setBold(True)
    item.setFont(0, font)
    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsSelectable)
