"""Edit one workspace record's basic fields; saved through the catalogue's ``update_*`` tools.

Used by the Review and Workspace views. The dialog is opened with ``open()``
(window-modal, never blocking the loop); on accept ``save_record`` sends only
the fields that changed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from agents import calls
from agents.tools.records import KINDS
from desktop.ui.widgets import ErrorLabel

if TYPE_CHECKING:
    from desktop.companion import Companion

TASK_STATES = ("ToDo", "In Progress", "Completed")


def singular(kind: str) -> str:
    return KINDS[kind].singular


def title_of(kind: str, record: dict[str, Any]) -> str:
    return str(record.get(KINDS[kind].title_column) or "")


def text_of(kind: str, record: dict[str, Any]) -> str:
    return str(record.get(KINDS[kind].text_column) or "")


async def save_record(companion: Companion, kind: str, record_id: str, values: dict[str, Any]) -> dict[str, Any]:
    """``update_<singular>`` through the executor (validation, journal row, events, one transaction)."""
    name = singular(kind)
    return await calls.invoke(companion.catalog, f"update_{name}", {f"{name}_id": record_id, **values})


class RecordDialog(QDialog):
    """Title/name, description/content and the kind's few extra fields."""

    def __init__(self, kind: str, record: dict[str, Any], parent: QWidget | None = None):
        super().__init__(parent)
        self.kind = kind
        self.record = record
        spec = KINDS[kind]
        self.setWindowTitle(f"Edit {spec.singular}")
        self.setMinimumWidth(520)
        self.title_edit = QLineEdit(title_of(kind, record))
        self.text_edit = QPlainTextEdit(text_of(kind, record))
        self.text_edit.setMinimumHeight(160)
        self.error = ErrorLabel()
        form = QFormLayout()
        form.addRow("Name" if kind == "projects" else "Title", self.title_edit)
        form.addRow("Content" if kind == "notes" else "Description", self.text_edit)
        self.state_combo: QComboBox | None = None
        self.due_edit: QLineEdit | None = None
        self.start_edit: QLineEdit | None = None
        self.completed_box: QCheckBox | None = None
        self.status_edit: QLineEdit | None = None
        if kind == "tasks":
            self.state_combo = QComboBox()
            self.state_combo.addItems(TASK_STATES)
            self.state_combo.setCurrentText(record.get("state") or "ToDo")
            form.addRow("State", self.state_combo)
        if kind in ("tasks", "timelines"):
            if kind == "timelines":
                self.start_edit = QLineEdit(_date(record.get("start_date")))
                self.start_edit.setPlaceholderText("YYYY-MM-DD")
                form.addRow("Start", self.start_edit)
            self.due_edit = QLineEdit(_date(record.get("due_date")))
            self.due_edit.setPlaceholderText("YYYY-MM-DD")
            form.addRow("Due", self.due_edit)
        if kind == "timelines":
            self.completed_box = QCheckBox("Completed")
            self.completed_box.setChecked(bool(record.get("is_completed")))
            form.addRow("", self.completed_box)
        if kind == "projects":
            self.status_edit = QLineEdit(record.get("status") or "active")
            form.addRow("Status", self.status_edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setWindowModality(Qt.WindowModality.WindowModal)

    def values(self) -> dict[str, Any]:
        """The changed fields, as the ``update_*`` tool takes them."""
        spec = KINDS[self.kind]
        new: dict[str, Any] = {
            spec.title_column: self.title_edit.text().strip(),
            spec.text_column: self.text_edit.toPlainText(),
        }
        if self.state_combo is not None:
            new["state"] = self.state_combo.currentText()
        if self.due_edit is not None:
            new["due_date"] = self.due_edit.text().strip() or None
        if self.start_edit is not None:
            new["start_date"] = self.start_edit.text().strip() or None
        if self.completed_box is not None:
            new["is_completed"] = self.completed_box.isChecked()
        if self.status_edit is not None:
            new["status"] = self.status_edit.text().strip() or "active"
        old = {k: (_date(v) or None) if k.endswith("_date") else v for k, v in self.record.items()}
        return {k: v for k, v in new.items() if old.get(k) != v}


def _date(value: Any) -> str:
    return str(value)[:10] if value else ""
