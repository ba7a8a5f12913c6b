"""A run's detail pane: outcome, errors, a flood's folders, the skipped files and the tool calls (GUI thread).

``RunDetail.show_run(run, calls, folders)`` fills it from ``runs_query.get_run`` (``details`` decoded),
``journal.calls_for_run`` and ``runs_query.flood_folders``. The skipped files are listed with their
reasons a page at a time (``SKIPPED_PAGE``; "and N more" with a Show more button, since a run may hold
thousands). A run that suggested more than ``FLOOD`` items shows a notice naming its busiest folders,
each with Review and Discard buttons; they emit ``review_folder`` / ``discard_folder`` (run id, folder)
and the Runs view acts on them.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from agents.rules import FLOOD  # more suggestions than a person reviews one by one
from agents.runs_query import skipped_text
from agents.store import parse_iso
from desktop.ui.status import format_when
from desktop.ui.widgets import STATUS_COLORS, HintLabel, TitleLabel, status_html

SKIPPED_PAGE = 200
TRIGGER_TEXT = {"manual": "manual", "schedule": "schedule", "catch_up": "catch-up", "backend": "backend"}


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def errors_of(value: Any) -> list[str]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return [value]
    return [str(e) for e in value or []]


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


def is_flood(run: dict[str, Any]) -> bool:
    return bool(run.get("flood")) or int(run.get("items_created") or 0) > FLOOD


class FloodNotice(QFrame):
    """"This run suggested 2,140 items. Review them by folder:" and a row per busy folder."""

    review_folder = Signal(str, str)
    discard_folder = Signal(str, str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("FloodNotice { background: #fff8e1; border: 1px solid #f0c36d; border-radius: 4px; }")
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.grid = QGridLayout()
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setColumnStretch(0, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.heading)
        layout.addLayout(self.grid)
        self.rows: list[tuple[QLabel, QPushButton, QPushButton]] = []
        self.hide()

    def show_flood(self, run: dict[str, Any], folders: list[dict[str, Any]]) -> None:
        for widgets in self.rows:
            for w in widgets:
                self.grid.removeWidget(w)
                w.deleteLater()
        self.rows = []
        if not is_flood(run):
            self.hide()
            return
        n = int(run.get("items_created") or 0)
        self.heading.setText(f"<b>This run suggested {n:,} items.</b> "
                             + ("Review them by folder:" if folders else "Review them in the Review tab."))
        run_id = str(run["id"])
        for i, f in enumerate(folders):
            label = QLabel(f"{escape(f['folder'])} — {f['suggested']:,} suggested, {f['waiting']:,} waiting")
            label.setToolTip(f.get("path") or "")
            review = QPushButton("Review")
            discard = QPushButton("Discard")
            review.setToolTip("Open Review showing this run's suggestions from this folder and its subfolders")
            discard.setToolTip("Reject this run's suggestions still waiting from this folder and its subfolders "
                               "(undoable)")
            path = f.get("path")
            review.setEnabled(bool(path))
            discard.setEnabled(bool(path) and f["waiting"] > 0)
            review.clicked.connect(lambda _c=False, p=path: self.review_folder.emit(run_id, p))
            discard.clicked.connect(lambda _c=False, p=path: self.discard_folder.emit(run_id, p))
            self.grid.addWidget(label, i, 0)
            self.grid.addWidget(review, i, 1)
            self.grid.addWidget(discard, i, 2)
            self.rows.append((label, review, discard))
        self.show()


class SkippedList(QWidget):
    """The files a run left out, with the reason; a page at a time."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.title = HintLabel("Skipped files")
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["File", "Reason", "Detail"])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setColumnWidth(0, 380)
        self.tree.setColumnWidth(1, 120)
        self.more_label = HintLabel()
        self.more_button = QPushButton("Show more")
        self.more_button.clicked.connect(self.show_more)
        more = QHBoxLayout()
        more.setContentsMargins(0, 0, 0, 0)
        more.addWidget(self.more_label, 1)
        more.addWidget(self.more_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.tree, 1)
        layout.addLayout(more)
        self.skipped: list[dict[str, Any]] = []
        self.total = 0

    def show_skipped(self, skipped: list[dict[str, Any]], total: int) -> None:
        """``skipped`` as stored (maybe capped), ``total`` how many the run skipped in all."""
        self.tree.clear()
        self.skipped, self.total = skipped, max(total, len(skipped))
        self.title.setText(f"Skipped files ({self.total:,})")
        self.setVisible(bool(self.total))
        self.show_more()

    def show_more(self) -> None:
        start = self.tree.topLevelItemCount()
        items = []
        for s in self.skipped[start:start + SKIPPED_PAGE]:
            item = QTreeWidgetItem([str(s.get("path", "")), str(s.get("reason", "")), str(s.get("message") or "")])
            item.setToolTip(0, str(s.get("path", "")))
            if s.get("message"):
                item.setToolTip(2, str(s["message"]))
            items.append(item)
        self.tree.addTopLevelItems(items)
        shown = self.tree.topLevelItemCount()
        left = self.total - shown
        self.more_label.setText(f"… and {left:,} more" if left > 0 else "")
        self.more_label.setVisible(left > 0)
        self.more_button.setVisible(shown < len(self.skipped))


class RunDetail(QWidget):
    """One run: what, when, the outcome, its errors, a flood's folders, skipped files and tool calls."""

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
        self.flood = FloodNotice()
        self.calls_title = HintLabel("Tool calls")
        self.calls = QTreeWidget()
        self.calls.setHeaderLabels(["Time", "Tool", "Result", "ms", "Arguments"])
        self.calls.setRootIsDecorated(False)
        self.calls.setAlternatingRowColors(True)
        self.calls.setUniformRowHeights(True)
        self.calls.header().setStretchLastSection(True)
        for col, width in enumerate((70, 160, 110, 60)):
            self.calls.setColumnWidth(col, width)
        self.skipped = SkippedList()
        calls_box = QWidget()
        calls_layout = QVBoxLayout(calls_box)
        calls_layout.setContentsMargins(0, 0, 0, 0)
        calls_layout.addWidget(self.calls_title)
        calls_layout.addWidget(self.calls, 1)
        lists = QSplitter(Qt.Orientation.Vertical)
        lists.addWidget(calls_box)
        lists.addWidget(self.skipped)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addWidget(self.title)
        layout.addWidget(self.summary)
        layout.addWidget(self.errors)
        layout.addWidget(self.flood)
        layout.addWidget(lists, 1)
        self.show_run(None, [])

    def show_run(self, run: dict[str, Any] | None, calls: list[dict[str, Any]],
                 folders: list[dict[str, Any]] | None = None) -> None:
        self.calls.clear()
        if run is None:
            self.title.setText("Select a run to see its tool calls")
            self.summary.setText("")
            self.errors.hide()
            self.flood.show_flood({}, [])
            self.skipped.show_skipped([], 0)
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
        skipped = skipped_text(run.get("skipped_by_reason") or {})
        if skipped:
            text += f"<br>{escape(skipped)}"
        if run.get("summary"):
            text += f"<br>{escape(run['summary'])}"
        self.summary.setText(text)
        errors = errors_of(run.get("errors"))
        self.errors.setText("\n".join(f"• {e}" for e in errors[:50]))
        self.errors.setVisible(bool(errors))
        self.flood.show_flood(run, folders or [])
        details = run.get("details") or {}
        self.skipped.show_skipped(list(details.get("skipped") or []), int(run.get("skipped_count") or 0))
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
