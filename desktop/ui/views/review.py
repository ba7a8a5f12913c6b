"""Review: AI suggestions waiting for approval, at any volume, with undo.

A ``ReviewModel`` (paged from SQL) in a sortable table, filters
(``ReviewFilters``: search, kind, project, agent, run, source folder,
Waiting / Rejected, "Discard this run's suggestions"), and
on the right the selected suggestion (``DetailPanel``) or a multi-selection's
summary (``SummaryPanel``). Every decision, on one row, a selection or "all
matching the filters", is one ``companion.review.decide`` batch (one
transaction; undoable from the main window's undo bar and Edit ▸ Undo); a
busy bar shows when it takes longer than 200 ms. Rows the view decided are
removed row by row and the next one is selected; changes made elsewhere
refetch only the loaded window (debounced). Keys: Enter approves (restores
on Rejected), Delete rejects, E edits, Ctrl+F finds. ``count_changed(n)``
feeds the tab badge. The decisions, editing and the context menu are in
``desktop.ui.views.review_actions`` (a mixin). GUI thread only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from agents import review, review_query
from agents.events import RecordDidChange, ReviewDidChange
from agents.review_query import KIND_ORDER, Selection
from desktop.ui import operations
from desktop.ui.models.records import ReviewModel
from desktop.ui.signals import CoreSignals
from desktop.ui.views.record_dialog import RecordDialog
from desktop.ui.views.review_actions import ReviewActions
from desktop.ui.views.review_detail import DetailPanel, SummaryPanel
from desktop.ui.views.review_filters import ReviewFilters
from desktop.ui.widgets import EmptyState, HintLabel, TitleLabel

if TYPE_CHECKING:
    from desktop.companion import Companion

KIND_TITLES = {"projects": "Projects", "tasks": "Tasks", "timelines": "Milestones", "notes": "Notes"}
ANY = None


class ReviewTable(QTableView):
    """The list; Enter, Delete and E are the review keys while it has focus."""

    approve = Signal()
    reject = Signal()
    edit = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers():
            self.approve.emit()
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and not event.modifiers():
            self.reject.emit()
        elif key == Qt.Key.Key_E and not event.modifiers():
            self.edit.emit()
        else:
            super().keyPressEvent(event)


class ReviewView(QWidget, ReviewActions):
    """The review queue: filters, a lazy table and the selection's detail or summary."""

    count_changed = Signal(int)
    decided = Signal(object)  # the Batch a decision made

    def __init__(self, *, companion: Companion, signals: CoreSignals, parent: QWidget | None = None):
        super().__init__(parent)
        self.companion = companion
        self.count = 0
        self.rejected_count = 0
        self.all_matching = False
        self.dialog: RecordDialog | None = None
        self._working = False

        self.heading = TitleLabel("Nothing waits for review", size=12)
        self.approve_all_button = QPushButton("Approve all")
        self.reject_all_button = QPushButton("Reject all")
        self.approve_all_button.clicked.connect(self.approve_all)
        self.reject_all_button.clicked.connect(self.reject_all)
        top = QHBoxLayout()
        top.setContentsMargins(12, 10, 12, 4)
        top.addWidget(self.heading, 1)
        top.addWidget(self.approve_all_button)
        top.addWidget(self.reject_all_button)

        self.filters = ReviewFilters()
        self.filters.changed.connect(self._filters_changed)
        self.filters.discard_run_button.clicked.connect(lambda: self.discard_run())
        f = self.filters  # the view's own names for the filter widgets (tests and the context menu use them)
        self.states, self.search, self.kind_combo, self.project_combo = f.states, f.search, f.kind, f.project
        self.agent_combo, self.run_combo, self.source_combo = f.agent, f.run, f.source
        self.discard_run_button = f.discard_run_button
        find = QAction(self, shortcut=QKeySequence.StandardKey.Find, triggered=self.focus_search)
        find.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.addAction(find)

        self.model = ReviewModel(companion.store, self)
        self.table = ReviewTable()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(0, 300)
        self.table.horizontalHeader().setSortIndicator(5, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.table.approve.connect(self.approve_selected)
        self.table.reject.connect(self.reject_selected)
        self.table.edit.connect(self.edit_selected)
        self.model.loaded.connect(self._model_loaded)
        self.model.modelReset.connect(self._model_loaded)
        self.model.total_changed.connect(lambda _n: self._update_heading())
        self.model.rowsInserted.connect(lambda *_: self._rows_arrived())
        self._pending_select: int | None = None

        self.empty = EmptyState()
        self.empty.action.clicked.connect(self.clear_filters)
        self.list_stack = QStackedWidget()
        self.list_stack.addWidget(self.table)
        self.list_stack.addWidget(self.empty)

        self.detail = DetailPanel()
        self.detail.approve_button.clicked.connect(self.approve_selected)
        self.detail.reject_button.clicked.connect(self.reject_selected)
        self.detail.edit_button.clicked.connect(self.edit_selected)
        self.summary = SummaryPanel()
        self.summary.approve_button.clicked.connect(self.approve_selected)
        self.summary.reject_button.clicked.connect(self.reject_selected)
        self.summary.select_all_button.clicked.connect(self.select_all_matching)
        self.nothing = HintLabel("Select a suggestion to see where it came from.")
        self.nothing.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.side = QStackedWidget()
        for page in (self.nothing, self.detail, self.summary):
            self.side.addWidget(page)

        splitter = QSplitter()
        splitter.addWidget(self.list_stack)
        splitter.addWidget(self.side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([600, 400])
        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setMaximumHeight(6)
        self.busy_bar.setTextVisible(False)
        self.busy_bar.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.filters)
        body = QHBoxLayout()
        body.setContentsMargins(12, 0, 12, 4)
        body.addWidget(splitter)
        layout.addLayout(body, 1)
        layout.addWidget(self.busy_bar)

        # throttled, not debounced: a run's stream of events refreshes twice a second, not never
        self._changed_timer = QTimer(self, singleShot=True, interval=400, timeout=self._changed_elsewhere)
        self._counts = operations.Refresher(self._load_counts, self._counts_loaded, parent=self)
        self._facets = operations.Refresher(self._load_facets, self._facets_loaded, parent=self)
        signals.review_did_change.connect(self._event)
        signals.record_did_change.connect(self._event)
        signals.run_did_finish.connect(self._run_finished)
        self._facets.request()
        self._counts.request()
        self.model.reload()
        self._selection_changed()

    def _run_finished(self, _event: object) -> None:
        """A core event that may change what this view shows (a bound method: Qt drops the
        connection when the view is destroyed, where a lambda would outlive it)."""
        self._facets.request()

    # ── filters ───────────────────────────────────────────────────────────
    @property
    def rejected_state(self) -> bool:
        return self.filters.rejected

    def selection_filter(self) -> Selection:
        return self.filters.selection()

    def has_filters(self) -> bool:
        return self.filters.narrowed()

    def _filters_changed(self) -> None:
        self.all_matching = False
        self.approve_all_button.setText("Restore all" if self.rejected_state else "Approve all")
        self.reject_all_button.setVisible(not self.rejected_state)
        self.model.set_selection(self.selection_filter())

    def clear_filters(self) -> None:
        self.filters.clear()

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    async def _load_facets(self) -> tuple[dict[str, list[dict[str, Any]]], list[str]]:
        return await review_query.facets(self.companion.store), await review_query.folders(self.companion.store)

    def _facets_loaded(self, result: tuple[dict[str, list[dict[str, Any]]], list[str]]) -> None:
        self.filters.fill(*result)

    # ── counts and changes made elsewhere ──────────────────────────────
    async def _load_counts(self) -> tuple[int, int]:
        store = self.companion.store
        waiting = await review.pending_count(store)
        rejected = sum((await review_query.counts(store, Selection(state="rejected"))).values())
        return waiting, rejected

    def _counts_loaded(self, counts: tuple[int, int]) -> None:
        self.count, self.rejected_count = counts
        self.states.setTabText(1, f"Rejected ({self.rejected_count})" if self.rejected_count else "Rejected")
        self._update_heading()
        self.count_changed.emit(self.count)

    def _update_heading(self) -> None:
        n = self.count
        self.heading.setText(f"{n} suggestion{'s' if n != 1 else ''} wait{'s' if n == 1 else ''} for your review"
                             if n else "Nothing waits for review")
        matching = self.model.total
        self.approve_all_button.setEnabled(matching > 0)
        self.reject_all_button.setEnabled(matching > 0)
        if matching and self.model.rows:
            self.approve_all_button.setText(f"{'Restore' if self.rejected_state else 'Approve'} all {matching}")
            self.reject_all_button.setText(f"Reject all {matching}")

    def _event(self, event: ReviewDidChange | RecordDidChange) -> None:
        self._counts.request()
        # this view's own decision (announced while it awaits it) is applied row by row already
        own = self._working and event.batch is not None and not event.undone
        if not own:
            self._changed_soon()

    def _changed_soon(self) -> None:
        if not self._changed_timer.isActive():
            self._changed_timer.start()

    def _changed_elsewhere(self) -> None:
        self.model.refresh()
        self._facets.request()

    def _model_loaded(self) -> None:
        empty = self.model.total == 0
        self.list_stack.setCurrentWidget(self.empty if empty else self.table)
        if empty:
            if self.has_filters():
                self.empty.show_state("No suggestion matches these filters.",
                                      "Change the filters or clear them to see the whole queue.", "Clear filters")
            elif self.rejected_state:
                self.empty.show_state("Nothing rejected.",
                                      "Suggestions you reject are kept here, so you can restore any of them.")
            else:
                self.empty.show_state("Nothing waits for review.",
                                      "When an agent reads your folders, the tasks, notes and projects it finds "
                                      "wait here for your approval. Run an agent from the Agents tab, or give it "
                                      "another folder.")
        elif not self.table.selectionModel().hasSelection() and self.model.rows:
            self.select_row(0)
        self._update_heading()
        self._selection_changed()

    # ── selection ─────────────────────────────────────────────────────────
    def select_row(self, row: int) -> None:
        if not self.model.rows:
            return
        row = max(0, min(row, len(self.model.rows) - 1))
        index = self.model.index(row, 0)
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        self.table.selectionModel().setCurrentIndex(index, flags)
        self.table.scrollTo(index)

    def _select_soon(self, row: int) -> None:
        """Select ``row`` (the item after the decided ones), paging it in first when it is not loaded yet."""
        if row < len(self.model.rows) or not self.model.canFetchMore():
            self._pending_select = None
            self.select_row(row)
        else:
            self._pending_select = row
            self.model.fetchMore()

    def _rows_arrived(self) -> None:
        if self._pending_select is not None:
            self._select_soon(self._pending_select)

    def selected_row_numbers(self) -> list[int]:
        """The selected rows, from the selection's ranges (``selectedRows()`` asks the model about every row)."""
        out: set[int] = set()
        for span in self.table.selectionModel().selection():
            out.update(range(span.top(), span.bottom() + 1))
        return sorted(r for r in out if r < len(self.model.rows))

    def selected_rows(self) -> list[dict[str, Any]]:
        rows = self.model.rows
        return [rows[i] for i in self.selected_row_numbers()]

    def select_all_matching(self) -> None:
        self.table.selectAll()
        self.all_matching = True
        self._selection_changed()

    def _selection_changed(self) -> None:
        if self.all_matching and len(self.selected_row_numbers()) < len(self.model.rows):
            self.all_matching = False
        chosen = self.selected_rows()
        if len(chosen) == 1 and not self.all_matching:
            self.side.setCurrentWidget(self.detail)
            self.detail.show_record(chosen[0], rejected=self.rejected_state)
        elif chosen:
            by_kind = dict(self.model.by_kind) if self.all_matching else _by_kind(chosen)
            self.summary.show_summary(by_kind, matching=self.model.total, all_matching=self.all_matching,
                                      rejected=self.rejected_state)
            self.side.setCurrentWidget(self.summary)
        else:
            self.side.setCurrentWidget(self.nothing)

    def _target(self) -> tuple[Selection, list[str] | None]:
        """What a decision applies to: every row matching the filters, or the selected ids."""
        if self.all_matching:
            return self.model.selection, None
        rows = self.selected_rows()
        ids = [r["id"] for r in rows]
        kinds = {r["kind"] for r in rows}
        kind = kinds.pop() if len(kinds) == 1 else self.model.selection.kind  # one kind: one table to update
        return self.model.selection.with_(ids=tuple(ids), kind=kind), ids



def _by_kind(rows: list[dict[str, Any]]) -> dict[str, int]:
    out = dict.fromkeys(KIND_ORDER, 0)
    for r in rows:
        out[r["kind"]] += 1
    return out
