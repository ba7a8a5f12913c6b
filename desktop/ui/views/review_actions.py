"""The Review view's actions: approve, reject, restore, discard a run, edit, the context menu.

``ReviewActions`` is a mixin of ``desktop.ui.views.review.ReviewView``: every
decision (one row, a selection, or all rows matching the filters) becomes one
``companion.review.decide`` batch (one transaction, undoable); a busy bar
shows when it takes longer than 200 ms; rows decided here are removed from the
model and the next one is selected. Edit opens a ``RecordDialog`` and saves
through ``save_record``. Qt: GUI thread only; store work goes through
``operations``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtWidgets import QMenu

from agents import review_query
from agents.review_query import Selection
from desktop.ui import operations
from desktop.ui.models.paged import ROW
from desktop.ui.models.records import short_path
from desktop.ui.views.record_dialog import RecordDialog, save_record

if TYPE_CHECKING:
    from agents.review import Batch


class ReviewActions:
    """Decisions and editing; ``ReviewView`` provides the model, table, combos, panels and signals."""

    def approve_selected(self) -> None:
        self._decide("restore" if self.rejected_state else "approve")

    def reject_selected(self) -> None:
        if not self.rejected_state:
            self._decide("reject")

    def approve_all(self) -> None:
        self._decide("restore" if self.rejected_state else "approve", everything=True)

    def reject_all(self) -> None:
        if not self.rejected_state:
            self._decide("reject", everything=True)

    def discard_run(self, run_id: str | None = None) -> None:
        run_id = run_id or self.run_combo.currentData()
        if run_id:
            self._decide("discard", selection=Selection(run_id=run_id))

    def _decide(self, action: str, *, everything: bool = False, selection: Selection | None = None) -> None:
        if self._working:
            return
        ids: list[str] | None = None
        if selection is None:
            selection, ids = (self.model.selection, None) if everything else self._target()
            if ids == []:
                return
        rows = self.selected_row_numbers()
        next_row = rows[0] if rows else 0
        self._working = True
        QTimer.singleShot(200, self.busy_bar, lambda: self._working and self.busy_bar.show())  # not after it is gone

        async def go() -> Batch:
            return await self.companion.review.decide(action, selection)

        def done(batch: Batch) -> None:
            self._finish()
            if ids is not None:
                self.table.selectionModel().clear()  # else Qt re-checks a 10,000-row selection as rows go
                self.model.remove_keys(ids)
                self._select_soon(next_row)
            else:
                self.model.reload()
            self._counts.request()
            self.decided.emit(batch)

        def failed(exc: BaseException) -> None:
            self._finish()
            operations.show_failure(self, "The review was not saved", exc)

        operations.run(go(), done, failed, parent=self)

    def _finish(self) -> None:
        self._working = False
        self.busy_bar.hide()

    @property
    def working(self) -> bool:
        return self._working

    def edit_selected(self) -> None:
        chosen = self.selected_rows()
        if len(chosen) != 1 or self.rejected_state:
            return
        kind, record_id = chosen[0]["kind"], chosen[0]["id"]
        operations.run(review_query.record(self.companion.store, kind, record_id),
                       lambda record: record and self._open_editor(kind, record), parent=self)

    def _open_editor(self, kind: str, record: dict[str, Any]) -> None:
        dialog = self.dialog = RecordDialog(kind, record, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def accepted() -> None:
            values = dialog.values()
            if values:
                operations.run(save_record(self.companion, kind, record["id"], values), parent=self,
                               what="The change was not saved")

        dialog.accepted.connect(accepted)
        dialog.finished.connect(lambda _r: setattr(self, "dialog", None))
        dialog.open()

    def _context_menu(self, pos: Any) -> None:
        index: QModelIndex = self.table.indexAt(pos)
        if not index.isValid():
            return
        row = index.data(ROW)
        menu = QMenu(self)
        if self.rejected_state:
            menu.addAction("Restore", self.approve_selected)
        else:
            menu.addAction("Approve", self.approve_selected)
            menu.addAction("Reject", self.reject_selected)
            menu.addAction("Edit…", self.edit_selected)
            if row.get("run_id"):
                menu.addSeparator()
                menu.addAction("Discard this run's suggestions", lambda: self.discard_run(row["run_id"]))
        if row.get("source_path"):
            menu.addAction(f"Only from {short_path(row['source_path'])}", lambda: self._only_source(row))
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.table.viewport().mapToGlobal(pos))

    def _only_source(self, row: dict[str, Any]) -> None:
        self.source_combo.setEditText(row["source_path"])
        self._filters_changed()
