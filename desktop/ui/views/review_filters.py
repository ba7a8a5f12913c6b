"""Review's filter bar: Waiting / Rejected, search, kind, project, agent, run, source folder (GUI thread).

``changed`` fires when the filters change (typing in the search is debounced);
``selection()`` turns them into an ``agents.review_query.Selection``.
``fill(facets, folders)`` refills the project, agent, run and source choices,
keeping what is chosen (``changed`` fires if a choice is gone). The
"Discard this run's suggestions" button is enabled while a run is chosen.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QPushButton, QTabBar, QVBoxLayout, QWidget

from agents.review_query import KIND_ORDER, NO_PROJECT, Selection
from agents.store import parse_iso
from desktop.ui.status import format_when

KIND_TITLES = {"projects": "Projects", "tasks": "Tasks", "timelines": "Milestones", "notes": "Notes"}
ANY = None


class ReviewFilters(QWidget):
    """The row of filters above the review table."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.states = QTabBar()
        self.states.addTab("Waiting")
        self.states.addTab("Rejected")
        self.states.currentChanged.connect(lambda _i: self._changed())
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search titles (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self._timer = QTimer(self, singleShot=True, interval=250, timeout=self._changed)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.kind, self.project, self.agent, self.run = (QComboBox() for _ in range(4))
        self.source = QComboBox()
        self.source.setEditable(True)
        self.source.lineEdit().setPlaceholderText("Any source folder")
        self.source.setToolTip("Only suggestions from files in this folder (or this file)")
        self.kind.addItem("All kinds", ANY)
        for kind in KIND_ORDER:
            self.kind.addItem(KIND_TITLES[kind], kind)
        for combo in (self.project, self.agent, self.run):
            combo.addItem({self.project: "All projects", self.agent: "All agents", self.run: "All runs"}[combo], ANY)
        self.discard_run_button = QPushButton("Discard this run's suggestions")
        self.discard_run_button.setToolTip("Reject every suggestion of the chosen run still waiting (undoable)")
        # Two rows, so nothing is clipped in a window of ordinary width: what to look at and the search
        # on top, the filters below.
        self.states.setExpanding(False)
        self.states.setUsesScrollButtons(False)
        top = QHBoxLayout()
        top.addWidget(self.states)
        top.addWidget(self.search, 1)
        top.addWidget(self.discard_run_button)
        filters = QHBoxLayout()
        for combo in self.combos():
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(10)
            combo.currentIndexChanged.connect(lambda _i: self._changed())
            filters.addWidget(combo, 1)
        self.source.lineEdit().editingFinished.connect(self._changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 0, 12, 4)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addLayout(filters)
        self._update_discard()

    def combos(self) -> tuple[QComboBox, ...]:
        return self.kind, self.project, self.agent, self.run, self.source

    @property
    def rejected(self) -> bool:
        return self.states.currentIndex() == 1

    def selection(self) -> Selection:
        source = self.source.currentText().strip()
        return Selection(
            state="rejected" if self.rejected else "waiting", kind=self.kind.currentData(),
            project_id=self.project.currentData(), agent=self.agent.currentData(), run_id=self.run.currentData(),
            source=source or None, search=self.search.text().strip(),
        )

    def narrowed(self) -> bool:
        """True when any filter beyond Waiting/Rejected is set."""
        return self.selection().with_(state="waiting") != Selection()

    def _changed(self) -> None:
        self._update_discard()
        self.changed.emit()

    def _update_discard(self) -> None:
        self.discard_run_button.setEnabled(bool(self.run.currentData()) and not self.rejected)

    def clear(self) -> None:
        for widget in (*self.combos(), self.search):
            widget.blockSignals(True)
        for combo in self.combos():
            combo.setCurrentIndex(0)
        self.source.setEditText("")
        self.search.clear()
        for widget in (*self.combos(), self.search):
            widget.blockSignals(False)
        self._changed()

    def fill(self, facets: dict[str, list[dict[str, Any]]], folders: list[str]) -> None:
        lost = _refill(self.project, "All projects",
                       [("No project", NO_PROJECT)] + [(p["name"], p["id"]) for p in facets["projects"]])
        lost |= _refill(self.agent, "All agents", [(a["name"], a["name"]) for a in facets["agents"]])
        lost |= _refill(self.run, "All runs", [
            (f"{r['agent_name']} · {format_when(parse_iso(r['started_at']))}", r["id"]) for r in facets["runs"]])
        text = self.source.currentText()
        self.source.blockSignals(True)
        self.source.clear()
        self.source.addItem("")
        for folder in folders:
            self.source.addItem(folder)
        self.source.setEditText(text)
        self.source.blockSignals(False)
        self._update_discard()
        if lost:  # a chosen project, agent or run is gone: the filter follows the combo
            self._changed()


def _refill(combo: QComboBox, everything: str, items: list[tuple[str, Any]]) -> bool:
    """Refill a filter combo keeping its choice; True when the choice is gone."""
    current = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(everything, ANY)
    for label, value in items:
        combo.addItem(label, value)
    index = 0 if current is ANY else combo.findData(current)
    combo.setCurrentIndex(max(index, 0))
    combo.blockSignals(False)
    return index < 0
