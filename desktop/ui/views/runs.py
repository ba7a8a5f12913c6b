"""Runs: a table of recent runs with a live row for the running ones, and a run's detail.

``RunsModel`` holds the last ``LIMIT`` runs from ``agent_runs``; a run that
starts gets a row at once (``run_did_start``), its counts move with
``run_did_progress``, and ``run_did_finish`` replaces it with the stored row.
The list shows each run's skipped-file count (the reasons in its tooltip).
The detail pane (``runs_detail.RunDetail``) shows the run's errors, the
skipped files with their reasons, a flood's busiest folders with Review
(``show_in_review``: Review's filters set to the run and the folder) and
Discard (``Review.discard_run_folder``, undoable from the undo bar), and its
tool calls from the journal (``agents.journal.calls_for_run``), including the
calls the backend made under the run's ``remote_run_id``. GUI thread only;
loads go through ``operations``.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QBrush, QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QSplitter, QTableView, QVBoxLayout, QWidget

from agents import journal, runs_query
from agents.events import ReviewDidChange, RunDidFinish, RunDidProgress, RunDidStart
from agents.store import parse_iso
from desktop.ui import operations
from desktop.ui.signals import CoreSignals
from desktop.ui.status import format_when
from desktop.ui.views.runs_detail import TRIGGER_TEXT, RunDetail, duration_text, errors_of, is_flood
from desktop.ui.widgets import STATUS_COLORS, HintLabel

if TYPE_CHECKING:
    from desktop.companion import Companion
    from desktop.ui.views.review import ReviewView

__all__ = ["LIMIT", "RunDetail", "RunsModel", "RunsView", "duration_text", "show_in_review"]

LIMIT = 200
COLUMNS = ("Agent", "Trigger", "Started", "Duration", "Status", "Processed", "Created", "Updated", "Skipped")

Index = QModelIndex | QPersistentModelIndex


class RunsModel(QAbstractTableModel):
    """Rows are run dicts as stored in ``agent_runs`` (``errors`` decoded), newest first."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.rows: list[dict[str, Any]] = []
        self._bold = QFont()
        self._bold.setBold(True)

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        col = index.column()
        status = row.get("status", "")
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, col)
        if role == Qt.ItemDataRole.ForegroundRole and col == 4:
            return QBrush(QColor(STATUS_COLORS.get(status, "#374151")))
        if role == Qt.ItemDataRole.FontRole and (col == 4 or status == "running"):
            return self._bold
        if role == Qt.ItemDataRole.TextAlignmentRole and col >= 5:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            if status == "running" and row.get("file"):
                return f"Reading {row['file']}"
            if col == 8:
                return runs_query.skipped_text(row.get("skipped_by_reason") or {}) or None
            lines = errors_of(row.get("errors"))[:5]
            if is_flood(row):
                lines.append(f"This run suggested {row.get('items_created', 0):,} items: review them by folder")
            return "\n".join(lines) or None
        if role == Qt.ItemDataRole.UserRole:
            return row.get("id")
        return None

    @staticmethod
    def _display(row: dict[str, Any], col: int) -> str:
        status = row.get("status", "")
        if col == 0:
            return row.get("agent_name") or "—"
        if col == 1:
            return TRIGGER_TEXT.get(row.get("trigger", ""), row.get("trigger", ""))
        if col == 2:
            return format_when(parse_iso(row.get("started_at")))
        if col == 3:
            return "…" if status == "running" else duration_text(row.get("started_at"), row.get("finished_at"))
        if col == 4:
            if status == "running" and row.get("total"):
                return f"running {row.get('items_processed', 0)}/{row['total']}"
            return status
        if col == 8:
            return f"{row.get('skipped_count') or 0:,}"
        key = ("items_processed", "items_created", "items_updated")[col - 5]
        return str(row.get(key, 0))

    # ── updates ────────────────────────────────────────────────────────────
    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        self.beginResetModel()
        running = [r for r in self.rows if r.get("status") == "running" and r.get("live")]
        ids = {r["id"] for r in rows}
        self.rows = [r for r in running if r["id"] not in ids] + rows
        self.endResetModel()

    def row_of(self, run_id: str) -> int | None:
        return next((i for i, r in enumerate(self.rows) if r.get("id") == run_id), None)

    def started(self, e: RunDidStart) -> None:
        if self.row_of(e.run_id) is not None:
            return
        self.beginInsertRows(QModelIndex(), 0, 0)
        self.rows.insert(0, {
            "id": e.run_id, "agent_id": e.agent_id, "agent_name": e.agent_name,
            "trigger": e.trigger, "engine": e.engine, "status": "running",
            "started_at": datetime.now().astimezone().isoformat(), "finished_at": None,
            "items_processed": 0, "items_created": 0, "items_updated": 0, "errors": [], "live": True,
        })
        self.endInsertRows()
        if len(self.rows) > LIMIT:
            self.beginRemoveRows(QModelIndex(), LIMIT, len(self.rows) - 1)
            del self.rows[LIMIT:]
            self.endRemoveRows()

    def progressed(self, e: RunDidProgress) -> None:
        row = self.row_of(e.run_id)
        if row is None:
            return
        data = self.rows[row]
        if e.processed is not None:
            data["items_processed"] = e.processed
        if e.total:
            data["total"] = e.total
        if e.file:
            data["file"] = e.file
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def replace(self, stored: dict[str, Any]) -> None:
        row = self.row_of(stored["id"])
        stored = {k: v for k, v in stored.items() if k != "details"}  # the list keeps counts, not the files
        stored["errors"] = errors_of(stored.get("errors"))
        if row is None:
            self.beginInsertRows(QModelIndex(), 0, 0)
            self.rows.insert(0, stored)
            self.endInsertRows()
            return
        self.rows[row] = stored
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))


async def load_runs(companion: Companion, limit: int = LIMIT) -> list[dict[str, Any]]:
    return await runs_query.recent_runs(companion.store, limit)


Detail = tuple[dict[str, Any] | None, list[dict[str, Any]], list[dict[str, Any]]]


async def load_run_detail(companion: Companion, run_id: str) -> Detail:
    """The run row (details decoded), its tool calls (local ones and those made under its backend run id)
    and, for a flood, its busiest folders (``runs_query.flood_folders``)."""
    run = await runs_query.get_run(companion.store, run_id)
    if run is None:
        return None, [], []
    calls = await journal.calls_for_run(companion.store, run_id)
    if run.get("remote_run_id"):
        calls += await journal.calls_for_run(companion.store, run["remote_run_id"])
        calls.sort(key=lambda c: c.get("started_at") or "")
    folders = await runs_query.flood_folders(companion.store, run) if is_flood(run) else []
    return run, calls, folders


def show_in_review(view: ReviewView, run: dict[str, Any], folder: str) -> None:
    """Set Review's filters to ``run``'s waiting suggestions from ``folder`` (one reload of its list)."""
    f = view.filters
    widgets = (f.states, f.search, *f.combos())
    for w in widgets:
        w.blockSignals(True)
    try:
        f.states.setCurrentIndex(0)
        f.search.clear()
        for combo in f.combos():
            combo.setCurrentIndex(0)
        if f.run.findData(run["id"]) < 0:  # Review has not loaded its facets yet: the run is offered anyway
            f.run.addItem(f"{run.get('agent_name') or 'Run'} · {format_when(parse_iso(run.get('started_at')))}",
                          run["id"])
        f.source.setEditText(folder)
    finally:
        for w in widgets:
            w.blockSignals(False)
    f.run.setCurrentIndex(f.run.findData(run["id"]))  # the one change that fires: the filters apply once


class RunsView(QWidget):
    """The runs table over the detail pane."""

    review_requested = Signal(str, str)  # run id, source folder: a flood folder's Review button

    def __init__(self, *, companion: Companion, signals: CoreSignals, parent: QWidget | None = None):
        super().__init__(parent)
        self.companion = companion
        self.model = RunsModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col, width in ((1, 90), (2, 130), (3, 90), (4, 120), (5, 80), (6, 75), (7, 75), (8, 75)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            self.table.setColumnWidth(col, width)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        # a run's context menu: "Discard this run's suggestions" (agents.review, undoable from the undo bar)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.discard_action = QAction("Discard this run's suggestions", self.table)
        self.discard_action.triggered.connect(self.discard_selected_run)
        self.table.addAction(self.discard_action)
        self.empty = HintLabel("No runs yet. Run an agent from the Agents tab or wait for its schedule.")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.detail = RunDetail()
        self.detail.flood.review_folder.connect(self.review_folder)
        self.detail.flood.discard_folder.connect(self.discard_folder)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(10, 10, 10, 0)
        top_layout.addWidget(self.table)
        top_layout.addWidget(self.empty)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(self.detail)
        splitter.setSizes([330, 300])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

        self._selected: str | None = None
        self._refresher = operations.Refresher(lambda: load_runs(companion), self._loaded, parent=self)
        self._detail = operations.Refresher(self._load_detail, self._detail_loaded, parent=self)
        signals.run_did_start.connect(self._started)
        signals.run_did_progress.connect(self.model.progressed)
        signals.run_did_finish.connect(self._finished)
        signals.review_did_change.connect(self._review_changed)  # a flood's waiting counts
        self._refresher.request()

    def discard_selected_run(self) -> None:
        if self._selected:
            operations.run(self.companion.review.discard_run(self._selected), parent=self,
                           what="The run's suggestions were not discarded")

    def review_folder(self, run_id: str, folder: str) -> None:
        """Open Review filtered to run ``run_id``'s suggestions from ``folder`` (the window's Review tab)."""
        row = self.model.row_of(run_id)
        run = self.model.rows[row] if row is not None else {"id": run_id}
        self.review_requested.emit(run_id, folder)
        window = self.window()
        if hasattr(window, "review_view") and hasattr(window, "show_tab"):
            show_in_review(window.review_view, run, folder)
            window.show_tab("review")

    def discard_folder(self, run_id: str, folder: str) -> None:
        """Reject run ``run_id``'s waiting suggestions from ``folder``: one batch, undoable from the undo bar."""
        operations.run(self.companion.review.discard_run_folder(run_id, folder), parent=self,
                       what="The folder's suggestions were not discarded")

    def _review_changed(self, _event: ReviewDidChange) -> None:
        if self._selected and self.detail.flood.isVisible():
            self._detail.request()

    def _loaded(self, rows: list[dict[str, Any]]) -> None:
        self.model.set_rows(rows)
        self._update_empty()
        if self._selected:
            row = self.model.row_of(self._selected)
            if row is not None:
                self.table.selectRow(row)
        elif self.model.rows:
            self.table.selectRow(0)

    def _update_empty(self) -> None:
        self.empty.setVisible(not self.model.rows)
        self.table.setVisible(bool(self.model.rows))

    def _started(self, e: RunDidStart) -> None:
        self.model.started(e)
        self._update_empty()
        if self._selected is None or self.model.row_of(self._selected) == 1:
            self.table.selectRow(0)

    def _finished(self, e: RunDidFinish) -> None:
        run_id = e.run_id

        async def fetch() -> dict[str, Any] | None:
            return await runs_query.get_run(self.companion.store, run_id)

        def apply(row: dict[str, Any] | None) -> None:
            if row is not None:
                self.model.replace(row)
                self._update_empty()
                if self._selected == run_id:
                    self._detail.request()

        operations.run(fetch(), apply, parent=self)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._selected = self.model.data(current, Qt.ItemDataRole.UserRole) if current.isValid() else None
        self._detail.request()

    async def _load_detail(self) -> Detail:
        if not self._selected:
            return None, [], []
        return await load_run_detail(self.companion, self._selected)

    def _detail_loaded(self, result: Detail) -> None:
        run, calls, folders = result
        live = self.model.rows[row] if (row := self.model.row_of(self._selected or "")) is not None else None
        if run is not None and live is not None and live.get("status") == "running":
            run = {**run, **{k: live[k] for k in ("items_processed",) if k in live}}
        self.detail.show_run(run, calls, folders)
