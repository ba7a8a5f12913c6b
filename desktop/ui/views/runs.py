"""Runs: a table of recent runs with a live row for the running ones, and a run's detail.

``RunsModel`` holds the last ``LIMIT`` runs from ``agent_runs``; a run that
starts gets a row at once (``run_did_start``), its counts move with
``run_did_progress``, and ``run_did_finish`` replaces it with the stored row.
The detail pane shows the run's errors and its tool calls from the journal
(``agents.journal.calls_for_run``), including the calls the backend made
under the run's ``remote_run_id``. GUI thread only; loads go through
``operations``.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QAction, QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from agents import journal, runs_query
from agents.events import RunDidFinish, RunDidProgress, RunDidStart
from agents.store import parse_iso
from desktop.ui import operations
from desktop.ui.signals import CoreSignals
from desktop.ui.status import format_when
from desktop.ui.widgets import STATUS_COLORS, HintLabel, TitleLabel, status_html

if TYPE_CHECKING:
    from desktop.companion import Companion

LIMIT = 200
COLUMNS = ("Agent", "Trigger", "Started", "Duration", "Status", "Processed", "Created", "Updated")
TRIGGER_TEXT = {"manual": "manual", "schedule": "schedule", "catch_up": "catch-up", "backend": "backend"}

Index = QModelIndex | QPersistentModelIndex


def duration_text(started: str | None, finished: str | None) -> str:
    start, end = parse_iso(started), parse_iso(finished)
    if start is None or end is None:
        return "—"
    seconds = max(0.0, (end - start).total_seconds())
    if seconds < 10:
        return f"{seconds:.1f} s"
    if seconds < 60:
        return f"{seconds:.0f} s"
    minutes, sec = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {sec:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def _errors(value: Any) -> list[str]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return [value]
    return [str(e) for e in value or []]


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
            errors = _errors(row.get("errors"))
            return "\n".join(errors[:5]) or None
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
        stored = {**stored, "errors": _errors(stored.get("errors"))}
        if row is None:
            self.beginInsertRows(QModelIndex(), 0, 0)
            self.rows.insert(0, stored)
            self.endInsertRows()
            return
        self.rows[row] = stored
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))


class RunDetail(QWidget):
    """One run: what, when, the outcome, its errors and the tool calls it made."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.title = TitleLabel("Select a run", size=12)
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setWordWrap(True)
        self.errors = QLabel()
        self.errors.setWordWrap(True)
        self.errors.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.errors.setStyleSheet("color: #c62828;")
        self.calls_title = HintLabel("Tool calls")
        self.calls = QTreeWidget()
        self.calls.setHeaderLabels(["Time", "Tool", "Result", "ms", "Arguments"])
        self.calls.setRootIsDecorated(False)
        self.calls.setAlternatingRowColors(True)
        self.calls.setUniformRowHeights(True)
        header = self.calls.header()
        header.setStretchLastSection(True)
        for col, width in enumerate((70, 160, 110, 60)):
            self.calls.setColumnWidth(col, width)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addWidget(self.title)
        layout.addWidget(self.summary)
        layout.addWidget(self.errors)
        layout.addWidget(self.calls_title)
        layout.addWidget(self.calls, 1)
        self.show_run(None, [])

    def show_run(self, run: dict[str, Any] | None, calls: list[dict[str, Any]]) -> None:
        self.calls.clear()
        if run is None:
            self.title.setText("Select a run to see its tool calls")
            self.summary.setText("")
            self.errors.hide()
            self.calls_title.setText("Tool calls")
            return
        started = parse_iso(run.get("started_at"))
        self.title.setText(f"{run.get('agent_name') or 'Run'} · {format_when(started)}")
        parts = [
            status_html(run.get("status", "")),
            f"{TRIGGER_TEXT.get(run.get('trigger', ''), run.get('trigger', ''))} run, engine {run.get('engine', '')}",
            f"took {duration_text(run.get('started_at'), run.get('finished_at'))}",
            f"{run.get('items_processed', 0)} files, {run.get('items_created', 0)} suggested, "
            f"{run.get('items_updated', 0)} updated",
        ]
        if run.get("remote_run_id"):
            parts.append(f"backend run {run['remote_run_id']}")
        text = " · ".join(parts)
        if run.get("summary"):
            text += f"<br>{_escape(run['summary'])}"
        self.summary.setText(text)
        errors = _errors(run.get("errors"))
        self.errors.setText("\n".join(f"• {e}" for e in errors[:50]))
        self.errors.setVisible(bool(errors))
        self.calls_title.setText(f"Tool calls ({len(calls)})")
        items = []
        for call in calls:
            moment = parse_iso(call.get("started_at"))
            result = "ok" if call.get("ok") else (call.get("error_type") or "error")
            args = json.dumps(call.get("args"), ensure_ascii=False)
            item = QTreeWidgetItem([
                moment.astimezone().strftime("%H:%M:%S") if moment else "", call.get("name", ""), result,
                f"{call.get('duration_ms') or 0:.0f}", args[:300],
            ])
            if not call.get("ok"):
                item.setForeground(2, QBrush(QColor(STATUS_COLORS["error"])))
                message = (call.get("result") or {}).get("message") if isinstance(call.get("result"), dict) else None
                if message:
                    item.setToolTip(2, message)
            item.setToolTip(4, args[:2000])
            items.append(item)
        self.calls.addTopLevelItems(items)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


async def load_runs(companion: Companion, limit: int = LIMIT) -> list[dict[str, Any]]:
    return await runs_query.recent_runs(companion.store, limit)


async def load_run_detail(companion: Companion, run_id: str) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """The run row and its tool calls: local ones and those made under its backend run id."""
    run = await runs_query.get_run(companion.store, run_id)
    if run is None:
        return None, []
    calls = await journal.calls_for_run(companion.store, run_id)
    if run.get("remote_run_id"):
        calls += await journal.calls_for_run(companion.store, run["remote_run_id"])
        calls.sort(key=lambda c: c.get("started_at") or "")
    return run, calls


class RunsView(QWidget):
    """The runs table over the detail pane."""

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
        for col, width in ((1, 90), (2, 130), (3, 90), (4, 120), (5, 80), (6, 75), (7, 75)):
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
        self._refresher.request()

    def discard_selected_run(self) -> None:
        if self._selected:
            operations.run(self.companion.review.discard_run(self._selected), parent=self,
                           what="The run's suggestions were not discarded")

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

    async def _load_detail(self) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
        if not self._selected:
            return None, []
        return await load_run_detail(self.companion, self._selected)

    def _detail_loaded(self, result: tuple[dict[str, Any] | None, list[dict[str, Any]]]) -> None:
        run, calls = result
        live = self.model.rows[row] if (row := self.model.row_of(self._selected or "")) is not None else None
        if run is not None and live is not None and live.get("status") == "running":
            run = {**run, **{k: live[k] for k in ("items_processed",) if k in live}}
        self.detail.show_run(run, calls)
