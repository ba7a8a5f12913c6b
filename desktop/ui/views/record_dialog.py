"""Add or edit one workspace record; saved through the catalogue's ``create_*``/``update_*`` tools (GUI thread).

Used by the Review and Workspace views. The dialog is opened with ``open()``
(window-modal, never blocking the loop). Save checks the fields first and
says what is wrong beside the field, in plain words, keeping what the user
typed; only then does it save (``save``: a coroutine the opener gives, run
with ``desktop.ui.operations``) and close once the save succeeded. A save the
store refuses leaves the dialog open with the reason under the fields.

Dates take a picker (a calendar popup) or typed text: "2026-12-04",
"dec 4", "tomorrow", "next friday", "in 2 weeks" (``agents.records_ops.
parse_date``, relative to today); the field says what it understood
("→ Fri 4 Dec 2026"). Tasks, notes and milestones have a project field.
Editing sends only the fields that changed.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from agents.errors import ErrorType, ToolError
from agents.records_ops import parse_date
from agents.tools.records import KINDS
from desktop.ui import operations
from desktop.ui.widgets import ErrorLabel, HintLabel

if TYPE_CHECKING:
    from desktop.companion import Companion

TASK_STATES = ("ToDo", "In Progress", "Completed")
TITLE_MAX = 500
NO_PROJECT_TEXT = "No project"
Save = Callable[[dict[str, Any]], Coroutine[Any, Any, Any]]


def singular(kind: str) -> str:
    return KINDS[kind].singular


def title_of(kind: str, record: dict[str, Any]) -> str:
    return str(record.get(KINDS[kind].title_column) or "")


def text_of(kind: str, record: dict[str, Any]) -> str:
    return str(record.get(KINDS[kind].text_column) or "")


async def save_record(companion: Companion, kind: str, record_id: str, values: dict[str, Any]) -> dict[str, Any]:
    """``update_<singular>`` through the executor (validation, journal row, events, one transaction)."""
    name = singular(kind)
    return await companion.invoke_tool(f"update_{name}", {f"{name}_id": record_id, **values})


async def create_record(companion: Companion, kind: str, values: dict[str, Any]) -> dict[str, Any]:
    """``create_<singular>`` through the executor: the user's own record (approved, not a suggestion)."""
    return await companion.invoke_tool(f"create_{singular(kind)}", values)


def plain_problem(exc: BaseException, kind: str) -> str:
    """Why a save failed, for people (no tool names, no validation dumps)."""
    noun = "milestone" if kind == "timelines" else singular(kind)
    if isinstance(exc, ToolError):
        if exc.type == ErrorType.NOT_FOUND:
            return f"This {noun} (or its project) no longer exists: it was deleted elsewhere."
        if exc.type == ErrorType.CONFLICT:
            return exc.message[:1].upper() + exc.message[1:]
        if exc.type == ErrorType.INVALID_ARGS:
            return f"The {noun} was not saved: one of the fields is not valid. Check them and save again."
    return f"The {noun} was not saved: {operations.describe(exc)}"


class DateField(QWidget):
    """Typed text ("next friday") beside a calendar picker; says what it understood, or what is wrong."""

    changed = Signal()

    def __init__(self, value: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.edit = QLineEdit(value)
        self.edit.setPlaceholderText("e.g. 2026-12-04, dec 4, next friday, in 2 weeks")
        self.edit.setClearButtonEnabled(True)
        self.picker = QDateEdit()
        self.picker.setCalendarPopup(True)
        self.picker.setDisplayFormat("yyyy-MM-dd")
        self.picker.setDate(QDate.currentDate())
        self.picker.setToolTip("Pick a date")
        self.picker.setFixedWidth(120)
        self.understood = HintLabel()
        self.error = ErrorLabel()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.picker)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.understood)
        layout.addWidget(self.error)
        self.edit.textChanged.connect(self._typed)
        self.picker.dateChanged.connect(self._picked)
        self._typed()

    def value(self) -> date | None:
        """The date, None when empty; ``ValueError`` (plain words) when unreadable."""
        return parse_date(self.edit.text())

    def _typed(self) -> None:
        self.error.show_error(None)
        try:
            day = self.value()
        except ValueError:
            self.understood.setText("")
            self.understood.hide()
            return
        self.understood.setText(f"→ {day:%a} {day.day} {day:%b %Y}" if day else "")
        self.understood.setVisible(day is not None)
        if day is not None:
            self.picker.blockSignals(True)
            self.picker.setDate(QDate(day.year, day.month, day.day))
            self.picker.blockSignals(False)
        self.changed.emit()

    def _picked(self, picked: QDate) -> None:
        self.edit.setText(picked.toString("yyyy-MM-dd"))

    def check(self) -> bool:
        """Show the problem beside the field; True when the text is a date or empty."""
        try:
            self.value()
        except ValueError as exc:
            self.error.show_error(str(exc))
            return False
        return True


class RecordDialog(QDialog):
    """Title/name, description/content and the kind's few extra fields; ``record`` None adds one."""

    def __init__(self, kind: str, record: dict[str, Any] | None, parent: QWidget | None = None, *,
                 save: Save | None = None, projects: list[dict[str, Any]] | None = None,
                 project_id: str | None = None):
        super().__init__(parent)
        self.kind = kind
        self.adding = record is None
        self.record = record or {}
        self.save = save
        self.saving = False
        spec = KINDS[kind]
        noun = "milestone" if kind == "timelines" else spec.singular
        self.setWindowTitle(f"New {noun}" if self.adding else f"Edit {noun}")
        self.setMinimumWidth(540)
        self.title_edit = QLineEdit(title_of(kind, self.record))
        self.title_error = ErrorLabel()
        self.text_edit = QPlainTextEdit(text_of(kind, self.record))
        self.text_edit.setMinimumHeight(140)
        self.error = ErrorLabel()
        form = QFormLayout()
        form.setVerticalSpacing(8)
        form.setHorizontalSpacing(12)
        form.addRow("Name" if kind == "projects" else "Title", _with(self.title_edit, self.title_error))
        form.addRow("Content" if kind == "notes" else "Description", self.text_edit)
        self.project_combo: QComboBox | None = None
        self.state_combo: QComboBox | None = None
        self.due_field: DateField | None = None
        self.start_field: DateField | None = None
        self.due_edit: QLineEdit | None = None
        self.start_edit: QLineEdit | None = None
        self.completed_box: QCheckBox | None = None
        self.status_edit: QLineEdit | None = None
        if kind != "projects":
            self.project_combo = QComboBox()
            self.set_projects(projects or [], self.record.get("project_id", project_id) if self.adding
                              else self.record.get("project_id"))
            form.addRow("Project", self.project_combo)
        if kind == "tasks":
            self.state_combo = QComboBox()
            self.state_combo.addItems(TASK_STATES)
            self.state_combo.setCurrentText(self.record.get("state") or "ToDo")
            form.addRow("State", self.state_combo)
        if kind in ("tasks", "timelines"):
            if kind == "timelines":
                self.start_field = DateField(_date(self.record.get("start_date")))
                self.start_edit = self.start_field.edit
                form.addRow("Start", self.start_field)
            self.due_field = DateField(_date(self.record.get("due_date")))
            self.due_edit = self.due_field.edit
            form.addRow("Due", self.due_field)
        if kind == "timelines":
            self.completed_box = QCheckBox("Completed")
            self.completed_box.setChecked(bool(self.record.get("is_completed")))
            form.addRow("", self.completed_box)
        if kind == "projects":
            self.status_edit = QLineEdit(self.record.get("status") or "active")
            form.addRow("Status", self.status_edit)
        self.title_edit.textChanged.connect(lambda _t: self.title_error.show_error(None))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 12)
        layout.setSpacing(10)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setWindowModality(Qt.WindowModality.WindowModal)

    def set_projects(self, projects: list[dict[str, Any]], current: str | None) -> None:
        """Fill the project field: "No project", then ``projects`` (id, name); select ``current``."""
        combo = self.project_combo
        if combo is None:
            return
        combo.clear()
        combo.addItem(NO_PROJECT_TEXT, None)
        for project in projects:
            combo.addItem(str(project.get("name") or ""), project["id"])
        if current and combo.findData(current) < 0:
            combo.addItem(str(self.record.get("project_name") or "(this record's project)"), current)
        combo.setCurrentIndex(max(0, combo.findData(current)) if current else 0)

    # ── checking and saving ───────────────────────────────────────────────
    def problems(self) -> bool:
        """Check every field and show what is wrong beside it; True when something is."""
        bad = False
        title = self.title_edit.text().strip()
        label = "name" if self.kind == "projects" else "title"
        if not title:
            self.title_error.show_error(f"Give it a {label}.")
            bad = True
        elif len(title) > TITLE_MAX:
            self.title_error.show_error(f"Keep the {label} under {TITLE_MAX} characters (it has {len(title)}).")
            bad = True
        fields = [f for f in (self.start_field, self.due_field) if f is not None]
        ok = [f.check() for f in fields]
        bad = bad or not all(ok)
        if self.start_field is not None and self.due_field is not None and all(ok):
            start, due = self.start_field.value(), self.due_field.value()
            if start and due and due < start:
                self.due_field.error.show_error(f"The due date is before the start ({start:%a} {start.day} "
                                                f"{start:%b %Y}).")
                bad = True
        return bad

    def accept(self) -> None:
        """Save (after the checks); the dialog closes when the save succeeded."""
        if self.saving:
            return
        self.error.show_error(None)
        if self.problems():
            return
        values = self.values()
        if not values or self.save is None:
            super().accept()
            return
        self.saving = True
        self.buttons.setEnabled(False)
        operations.run(self.save(values), self._saved, self._failed, parent=self)

    def _saved(self, _result: Any) -> None:
        self.saving = False
        self.buttons.setEnabled(True)
        super().accept()

    def _failed(self, exc: BaseException) -> None:
        self.saving = False
        self.buttons.setEnabled(True)
        self.error.show_error(plain_problem(exc, self.kind))

    def values(self) -> dict[str, Any]:
        """The fields as the ``create_*`` tool takes them (adding), or only the changed ones (editing)."""
        spec = KINDS[self.kind]
        new: dict[str, Any] = {
            spec.title_column: self.title_edit.text().strip(),
            spec.text_column: self.text_edit.toPlainText(),
        }
        if self.project_combo is not None:
            new["project_id"] = self.project_combo.currentData()
        if self.state_combo is not None:
            new["state"] = self.state_combo.currentText()
        if self.due_field is not None:
            due = self.due_field.value()
            new["due_date"] = due.isoformat() if due else None
        if self.start_field is not None:
            start = self.start_field.value()
            new["start_date"] = start.isoformat() if start else None
        if self.completed_box is not None:
            new["is_completed"] = self.completed_box.isChecked()
        if self.status_edit is not None:
            new["status"] = self.status_edit.text().strip() or "active"
        if self.adding:
            return {k: v for k, v in new.items() if v not in (None, "")}
        old = {k: (_date(v) or None) if k.endswith("_date") else v for k, v in self.record.items()}
        return {k: v for k, v in new.items() if old.get(k) != v}


def _with(field: QWidget, error: ErrorLabel) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    layout.addWidget(field)
    layout.addWidget(error)
    return box


def _date(value: Any) -> str:
    return str(value)[:10] if value else ""
