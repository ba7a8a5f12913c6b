"""The line above the tabs while a sample agent exists: "You are trying Adiuva with sample files. [Remove the sample]".

It shows whenever an agent made from "Try it with the sample files" exists
(``agents.sample.sample_agent_ids``, re-read when the agents change), under
every tab's page, so it is visible after the first run whichever tab the
window lands on.
"Remove the sample" asks first (the removal is not undoable), then removes the
sample agent, its waiting suggestions and the records its runs created in one
transaction (``agents.sample.remove_sample``). ``attach_sample_notice`` puts it
in a main window's central area, under the pages. GUI thread only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QMainWindow, QMessageBox, QPushButton, QWidget

from agents import sample
from desktop.ui import operations

if TYPE_CHECKING:
    from agents.sample import Removed
    from desktop.companion import Companion
    from desktop.ui.status import AppStatus


class SampleNotice(QFrame):
    """A one-line notice with the one-step removal of the sample; hidden while no sample agent exists."""

    removed = Signal(object)  # agents.sample.Removed

    def __init__(self, *, companion: Companion, status: AppStatus | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.companion = companion
        self.setObjectName("sampleNotice")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.label = QLabel("You are trying Adiuva with sample files.")
        self.remove_button = QPushButton("Remove the sample")
        self.remove_button.setToolTip("Removes the sample agent, its suggestions and the records it made")
        self.remove_button.clicked.connect(self.ask_to_remove)
        self.confirm_box: QMessageBox | None = None
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 4, 10, 4)
        row.addWidget(self.label, 1)
        row.addWidget(self.remove_button)
        self.hide()
        self.refresher = operations.Refresher(lambda: sample.sample_agent_ids(companion.store), self._apply,
                                              parent=self)
        if status is not None:
            status.agents_changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        self.refresher.request()

    def _apply(self, ids: list[str]) -> None:
        self.setVisible(bool(ids))
        self.remove_button.setEnabled(True)

    def ask_to_remove(self) -> None:
        """Confirm first (non-modal): the sample's records go for good."""
        box = QMessageBox(QMessageBox.Icon.Question, "Remove the sample",
                          "Remove the sample agent and everything it suggested or created?",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self)
        box.setInformativeText("Your own agents and records stay as they are. This cannot be undone.")
        box.button(QMessageBox.StandardButton.Yes).setText("Remove the sample")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.accepted.connect(self.remove)
        box.finished.connect(lambda _r: setattr(self, "confirm_box", None))
        self.confirm_box = box
        box.open()

    def remove(self) -> None:
        """Remove the sample now (one transaction)."""
        self.remove_button.setEnabled(False)

        def done(result: Removed) -> None:
            self.hide()
            self.removed.emit(result)
            self.refresh()

        def failed(exc: BaseException) -> None:
            self.remove_button.setEnabled(True)
            operations.show_failure(self, "The sample was not removed", exc)

        operations.run(sample.remove_sample(self.companion.store, self.companion.events), done, failed, parent=self)


def attach_sample_notice(window: QMainWindow, *, companion: Companion, status: AppStatus | None) -> SampleNotice:
    """Put a ``SampleNotice`` in ``window``'s central area right under the pages, above the undo bar
    (as ``window.sample_notice``; the pages stay the layout's first item, where a banner goes above them)."""
    notice = SampleNotice(companion=companion, status=status, parent=window)
    central = window.centralWidget()
    layout = central.layout() if central is not None else None
    assert layout is not None and hasattr(layout, "insertWidget")
    layout.insertWidget(1, notice)
    window.sample_notice = notice  # type: ignore[attr-defined]
    return notice
