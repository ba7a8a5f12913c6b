"""The Activity tab: recent changes others made to existing records, each with Undo.

Lists ``agents.activity.list_updates`` newest first, a page at a time ("Show
more"): what the backend, an MCP client or an agent run changed ("Backend
changed task “Send invoice”: due 4 Dec → 8 Dec   [Undo]"). The user's own edits
are not listed (``agents.activity.tracked``). Undo writes the old values back
(``undo_update``); when the record was changed again since, the refusal's
plain sentence shows above the list and nothing changes. ``run_id`` narrows the
list to one run's changes. Reloads on ``record_did_change``. GUI thread only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from agents import activity
from agents.activity import Update
from desktop.ui import operations
from desktop.ui.widgets import ErrorLabel, HintLabel, TitleLabel

if TYPE_CHECKING:
    from desktop.companion import Companion
    from desktop.ui.signals import CoreSignals

PAGE = 50


class UpdateRow(QWidget):
    """One change: its sentence, when, and Undo (or "Undone")."""

    def __init__(self, update: Update, on_undo, parent: QWidget | None = None):
        super().__init__(parent)
        self.update_id = update.id
        self.text = QLabel(update.describe())
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        when = HintLabel(update.at[:16].replace("T", " "))
        self.undo_button = QPushButton("Undone" if update.undone_at else "Undo")
        self.undo_button.setEnabled(update.undone_at is None)
        self.undo_button.clicked.connect(lambda: on_undo(update.id))
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 3, 6, 3)
        row.addWidget(self.text, 1)
        row.addWidget(when)
        row.addWidget(self.undo_button)


class ActivityView(QWidget):
    """Recent changes by others, with Undo."""

    def __init__(self, *, companion: Companion, signals: CoreSignals | None = None, run_id: str | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.companion = companion
        self.run_id = run_id
        self.rows: list[Update] = []
        self.shown = PAGE
        self.total = 0
        title = TitleLabel("Recent changes")
        hint = HintLabel("Changes the backend, an MCP client or an agent run made to records you already had. "
                         "Your own edits are not listed.")
        hint.setWordWrap(True)
        self.error = ErrorLabel()
        self.list = QListWidget()
        self.list.setSelectionMode(QListWidget.SelectionMode.NoSelection)
        self.empty = HintLabel("Nothing yet. When the backend or an agent changes one of your records, "
                               "it shows here and you can undo it.")
        self.empty.setWordWrap(True)
        self.more_button = QPushButton("Show more")
        self.more_button.clicked.connect(self.show_more)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addWidget(self.error)
        layout.addWidget(self.empty)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.more_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.refresher = operations.Refresher(self._load, self._apply, parent=self)
        if signals is not None:
            signals.record_did_change.connect(self._heard)
        self.refresh()


    def _heard(self, _event: object) -> None:
        """A core event that may change what this view shows (a bound method: Qt drops the
        connection when the view is destroyed, where a lambda would outlive it)."""
        self.refresh()
    def set_run(self, run_id: str | None) -> None:
        self.run_id, self.shown = run_id, PAGE
        self.refresh()

    def refresh(self) -> None:
        self.refresher.request()

    def show_more(self) -> None:
        self.shown += PAGE
        self.refresh()

    async def _load(self) -> tuple[list[Update], int]:
        store = self.companion.store
        rows = await activity.list_updates(store, run_id=self.run_id, limit=self.shown)
        return rows, await activity.count_updates(store, run_id=self.run_id)

    def _apply(self, loaded: tuple[list[Update], int]) -> None:
        self.rows, self.total = loaded
        self.list.clear()
        for update in self.rows:
            item = QListWidgetItem()
            row = UpdateRow(update, self.undo)
            item.setSizeHint(row.sizeHint())
            self.list.addItem(item)
            self.list.setItemWidget(item, row)
        self.empty.setVisible(not self.rows)
        self.list.setVisible(bool(self.rows))
        self.more_button.setVisible(self.total > len(self.rows))

    def texts(self) -> list[str]:
        """The listed sentences, top first."""
        return [u.describe() for u in self.rows]

    def row_widget(self, index: int) -> UpdateRow:
        widget = self.list.itemWidget(self.list.item(index))
        assert isinstance(widget, UpdateRow)
        return widget

    def undo(self, update_id: str) -> None:
        """Undo one change; a refusal (changed since) shows its sentence and changes nothing."""
        self.error.show_error(None)

        def failed(exc: BaseException) -> None:
            self.error.show_error(operations.describe(exc))
            self.refresh()

        operations.run(activity.undo_update(self.companion.store, self.companion.events, update_id),
                       lambda _u: self.refresh(), failed, parent=self)
