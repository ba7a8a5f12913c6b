"""The right-hand side of Review: one suggestion's detail with its source lines, or a selection's summary.

``DetailPanel`` shows a suggestion, where it came from and the lines of its
source file that mention it; the file is read with plain Python in a worker
thread (``asyncio.to_thread``: the UI is the user's own process, not the
agents' sandbox) so a slow disk never stalls the window. ``Open file`` says
so when the desktop cannot open it. ``SummaryPanel`` counts a multi-selection
by kind ("312 selected: 300 tasks, 12 notes") with the bulk buttons. GUI
thread only.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from agents.store import parse_iso
from desktop.ui import operations
from desktop.ui.models.records import KIND_LABELS
from desktop.ui.status import format_when
from desktop.ui.widgets import ErrorLabel, HintLabel, TitleLabel, open_path

PREVIEW_LINES = 12
MAX_READ = 4_000_000
PLURALS = {"projects": ("project", "projects"), "tasks": ("task", "tasks"), "timelines": ("milestone", "milestones"),
           "notes": ("note", "notes")}


def source_lines(path: str, text: str, *, limit: int = PREVIEW_LINES) -> list[tuple[int, str]]:
    """The numbered lines of ``path`` that contain ``text`` (case-insensitive); worker thread."""
    needle = text.strip().lower()
    if not needle:
        return []
    found: list[tuple[int, str]] = []
    with open(path, encoding="utf-8", errors="replace") as handle:
        data = handle.read(MAX_READ)
    for number, line in enumerate(data.splitlines(), start=1):
        if needle in line.lower():
            found.append((number, line.rstrip()))
            if len(found) >= limit:
                break
    return found


def summary_text(by_kind: dict[str, int]) -> str:
    """``312 selected: 300 tasks, 12 notes``."""
    total = sum(by_kind.values())
    parts = [f"{n} {PLURALS[k][0 if n == 1 else 1]}" for k, n in by_kind.items() if n]
    return f"{total} selected: {', '.join(parts)}"


class DetailPanel(QWidget):
    """One suggestion: title, kind and project, text, source lines, run; Edit / Reject / Approve."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.record: dict[str, Any] | None = None
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
        self.open_error = ErrorLabel()
        source_row = QHBoxLayout()
        source_row.addWidget(self.source, 1)
        source_row.addWidget(self.open_button)
        self.preview = QPlainTextEdit()
        self.preview.setReadOnly(True)
        self.preview.setMaximumHeight(140)
        self.preview.setPlaceholderText("The lines of the source file that mention this suggestion show here.")
        self.run_label = HintLabel()
        self.approve_button = QPushButton("Approve")
        self.reject_button = QPushButton("Reject")
        self.edit_button = QPushButton("Edit…")
        self.approve_button.setToolTip("Approve (Enter)")
        self.reject_button.setToolTip("Reject (Delete)")
        self.edit_button.setToolTip("Edit (E)")
        buttons = QHBoxLayout()
        buttons.addWidget(self.edit_button)
        buttons.addStretch(1)
        buttons.addWidget(self.reject_button)
        buttons.addWidget(self.approve_button)
        self.approve_button.setDefault(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 10)
        for widget in (self.title, self.meta):
            layout.addWidget(widget)
        layout.addWidget(self.body, 1)
        layout.addLayout(source_row)
        layout.addWidget(self.open_error)
        layout.addWidget(self.preview)
        layout.addWidget(self.run_label)
        layout.addLayout(buttons)

    def show_record(self, record: dict[str, Any], *, rejected: bool = False) -> None:
        self.record = record
        self.open_error.show_error(None)
        self.title.setText(record.get("title") or "")
        bits = [KIND_LABELS[record["kind"]]]
        if record["kind"] != "projects":
            bits.append(record.get("project_name") or "No project")
        if rejected and record.get("rejected_at"):
            bits.append(f"rejected {format_when(parse_iso(record['rejected_at']))}")
        self.meta.setText(" · ".join(bits))
        self.body.setPlainText(record.get("body") or "(no description)")
        path = record.get("source_path")
        self.source.setText(f"Source: {path}" if path else "Source: not recorded")
        self.open_button.setEnabled(bool(path))
        self.preview.setPlainText("")
        if record.get("agent_name"):
            when = format_when(parse_iso(record.get("run_started_at")))
            self.run_label.setText(f"Suggested by {record['agent_name']} ({record.get('run_trigger')} run, {when})")
        else:
            self.run_label.setText("Suggested outside a local run (by the backend)" if record.get("run_id") is None
                                   else "")
        self.approve_button.setText("Restore" if rejected else "Approve")
        self.approve_button.setToolTip("Restore (Enter)" if rejected else "Approve (Enter)")
        self.reject_button.setVisible(not rejected)
        self.edit_button.setVisible(not rejected)
        if path and record.get("title"):
            self.preview.setPlaceholderText("Reading the source file…")
            operations.run(asyncio.to_thread(source_lines, path, record["title"]),
                           lambda lines, rid=record["id"]: self._preview(rid, lines),
                           lambda exc, rid=record["id"]: self._preview_failed(rid, exc), parent=self)
        else:
            self.preview.setPlaceholderText("No source file was recorded for this suggestion.")

    def _preview(self, record_id: str, lines: list[tuple[int, str]]) -> None:
        if self.record is None or self.record["id"] != record_id:
            return
        if not lines:
            self.preview.setPlaceholderText("The source file no longer mentions this text.")
            return
        width = len(str(lines[-1][0]))
        self.preview.setPlainText("\n".join(f"{n:>{width}}  {line}" for n, line in lines))

    def _preview_failed(self, record_id: str, exc: BaseException) -> None:
        if self.record is not None and self.record["id"] == record_id:
            self.preview.setPlaceholderText(f"The source file cannot be read: {operations.describe(exc)}")

    def open_source(self) -> bool:
        path = (self.record or {}).get("source_path")
        if not path:
            return False
        if not os.path.exists(path):
            self.open_error.show_error(f"The file is gone: {path}")
            return False
        if not open_path(path):
            self.open_error.show_error(f"The desktop could not open {path}.")
            return False
        self.open_error.show_error(None)
        return True


class SummaryPanel(QWidget):
    """A multi-selection: what it holds, by kind, and the bulk buttons."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.heading = TitleLabel("", size=12)
        self.heading.setWordWrap(True)
        self.hint = HintLabel()
        self.approve_button = QPushButton("Approve selected")
        self.reject_button = QPushButton("Reject selected")
        self.select_all_button = QPushButton("Select all matching")
        buttons = QHBoxLayout()
        buttons.addWidget(self.select_all_button)
        buttons.addStretch(1)
        buttons.addWidget(self.reject_button)
        buttons.addWidget(self.approve_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 10)
        layout.addWidget(self.heading)
        layout.addWidget(self.hint)
        layout.addStretch(1)
        layout.addLayout(buttons)

    def show_summary(self, by_kind: dict[str, int], *, matching: int, all_matching: bool, rejected: bool) -> None:
        self.heading.setText(summary_text(by_kind))
        self.hint.setText(
            "Every suggestion matching the filters is selected." if all_matching
            else f"{matching} match the filters." + (" Enter restores them." if rejected
                                                     else " Enter approves them, Delete rejects them.")
        )
        self.approve_button.setText("Restore selected" if rejected else "Approve selected")
        self.reject_button.setVisible(not rejected)
        self.select_all_button.setText(f"Select all {matching} matching")
        self.select_all_button.setVisible(not all_matching and matching > sum(by_kind.values()))
