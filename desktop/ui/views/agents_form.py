"""The Agents view's form: ``AgentEditor`` (one agent's fields) and ``CronField`` (the schedule box).

``CronField`` validates the schedule live (``agents.schedule_rules.validate_cron``):
an error under the field, else a description (cron-descriptor) and the next
three run times in local time. Presets beside the field (``SCHEDULE_PRESETS``)
fill it in. The Ignore field takes .gitignore patterns, one a line, checked as
they are typed (``config.check_ignore_patterns``, pathspec). A
``ConfigError(field, message)`` is shown under the named field
(``AgentEditor.show_config_error``). Qt widgets: everything runs on the GUI
thread; no store access here (``desktop.ui.views.agents`` does that).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from agents import config
from agents.config import DATA_TYPES, DEFAULT_EXTENSIONS, AgentConfig
from agents.errors import ConfigError
from agents.schedule_rules import local_timezone, next_fire_after, validate_cron
from desktop.ui.status import format_when
from desktop.ui.widgets import ErrorLabel, HintLabel, TitleLabel, stacked
from desktop.ui.words import sentence

ENGINE_LABELS = {
    "rules": "Rules (offline, no model)",
    "llm": "Your chat model (llm)",
    "backend": "Adiuva cloud (backend)",
}
CRON_ALIASES = {
    "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *", "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
}
SCHEDULE_PRESETS = (
    ("Every weekday at 9:00", "0 9 * * 1-5"),
    ("Every day at 18:00", "0 18 * * *"),
    ("Every hour", "0 * * * *"),
    ("Manual only", ""),
)
CUSTOM_PRESET = "Custom"
FIELDS = ("name", "directory_paths", "file_extensions", "data_types", "engine", "prompt_template", "ignore_patterns",
          "schedule_cron")
IGNORE_HINT = ("One pattern per line, as in a .gitignore file: node_modules/, *.bak, drafts/** … "
               ".gitignore files in the folders are honoured too.")


def describe_cron(expr: str) -> str:
    """A sentence for a valid expression ("At 09:00, Monday through Friday")."""
    from cron_descriptor import ExpressionDescriptor, Options

    options = Options()
    options.use_24hour_time_format = True
    expr = CRON_ALIASES.get(expr.strip().lower(), expr)
    try:
        return ExpressionDescriptor(expr, options).get_description()
    except Exception:
        return ""


def next_runs(expr: str, count: int = 3, *, after: datetime | None = None) -> list[datetime]:
    """The next ``count`` fire times of a valid expression, aware, in local time."""
    tz = local_timezone()
    moment = after or datetime.now(UTC)
    out: list[datetime] = []
    for _ in range(count):
        moment = next_fire_after(expr, moment, tz)
        out.append(moment.astimezone(tz))
    return out


class CronField(QWidget):
    """A cron line edit with live validation, a description and the next three runs."""

    validity_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("e.g. 0 9 * * 1-5 — leave empty to run only when you ask")
        self.presets = QComboBox()
        self.presets.setToolTip("Pick a common schedule; it fills in the cron field")
        for label, expr in SCHEDULE_PRESETS:
            self.presets.addItem(label, expr)
        self.presets.addItem(CUSTOM_PRESET, None)
        self.presets.activated.connect(self._preset_chosen)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.presets)
        self.error = ErrorLabel()
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.next_label = HintLabel()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        layout.addLayout(row)
        for w in (self.error, self.description, self.next_label):
            layout.addWidget(w)
        self.valid = True
        self.edit.textChanged.connect(self._validate)
        self._validate(self.edit.text())

    def choose_preset(self, label: str) -> None:
        """Select the preset named ``label`` as a person would (it fills the field)."""
        index = self.presets.findText(label)
        if index < 0:
            raise KeyError(label)
        self.presets.setCurrentIndex(index)
        self._preset_chosen(index)

    def _preset_chosen(self, index: int) -> None:
        expr = self.presets.itemData(index)
        if expr is not None:
            self.edit.setText(expr)

    def _sync_preset(self, text: str) -> None:
        index = next((i for i, (_l, expr) in enumerate(SCHEDULE_PRESETS) if expr == text),
                     self.presets.count() - 1)
        self.presets.blockSignals(True)
        self.presets.setCurrentIndex(index)
        self.presets.blockSignals(False)

    def text(self) -> str:
        return self.edit.text().strip()

    def setText(self, text: str) -> None:
        self.edit.setText(text)

    def _validate(self, text: str) -> None:
        text = text.strip()
        self._sync_preset(" ".join(text.split()))
        valid = True
        if not text:
            self.error.show_error(None)
            self.description.setText("Manual only: it runs when you click Run now.")
            self.next_label.setText("")
        else:
            try:
                normalised = validate_cron(text)
            except ConfigError as exc:
                valid = False
                self.error.show_error(sentence(exc.message))
                self.description.setText("")
                self.next_label.setText("")
            else:
                self.error.show_error(None)
                self.description.setText(describe_cron(normalised))
                try:
                    times = next_runs(normalised)
                except Exception:  # a schedule too sparse to compute quickly
                    times = []
                self.next_label.setText(
                    "Next runs: " + " · ".join(format_when(t) for t in times) if times else ""
                )
        if valid != self.valid:
            self.valid = valid
            self.validity_changed.emit(valid)


class AgentEditor(QWidget):
    """The form for one agent (new or existing); ``data()`` is what Save sends."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.agent_id: str | None = None
        self.errors: dict[str, ErrorLabel] = {f: ErrorLabel() for f in (*FIELDS, "agent")}

        self.title = TitleLabel("New agent")
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("e.g. Client work")

        self.folders = QListWidget()
        self.folders.setMinimumHeight(72)
        self.folders.setMaximumHeight(92)
        self.add_folder_button = QPushButton("Add folder…")
        self.remove_folder_button = QPushButton("Remove")
        self.add_folder_button.clicked.connect(self._add_folder)
        self.remove_folder_button.clicked.connect(self._remove_folder)
        folder_buttons = QVBoxLayout()
        folder_buttons.addWidget(self.add_folder_button)
        folder_buttons.addWidget(self.remove_folder_button)
        folder_buttons.addStretch(1)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folders, 1)
        folder_row.addLayout(folder_buttons)

        self.extensions_edit = QLineEdit(", ".join(DEFAULT_EXTENSIONS))
        self.extensions_edit.setPlaceholderText(".md, .txt")

        self.type_boxes: dict[str, QCheckBox] = {}
        types_row = QHBoxLayout()
        for data_type in DATA_TYPES:
            box = QCheckBox(data_type.capitalize())
            box.setChecked(True)
            self.type_boxes[data_type] = box
            types_row.addWidget(box)
        types_row.addStretch(1)

        self.engine_combo = QComboBox()
        for key, label in ENGINE_LABELS.items():
            self.engine_combo.addItem(label, key)

        self.prompt_edit = QPlainTextEdit()
        self.prompt_edit.setPlaceholderText("Extra instructions for the llm and backend engines (optional)")
        self.prompt_edit.setFixedHeight(64)

        self.ignore_edit = QPlainTextEdit()
        self.ignore_edit.setPlaceholderText("node_modules/\n*.bak\ndrafts/**")
        self.ignore_edit.setFixedHeight(64)
        self.ignore_edit.setToolTip(IGNORE_HINT)
        self.ignore_hint = HintLabel(IGNORE_HINT)
        ignore_box = QWidget()
        ignore_layout = QVBoxLayout(ignore_box)
        ignore_layout.setContentsMargins(0, 0, 0, 0)
        ignore_layout.setSpacing(2)
        ignore_layout.addWidget(self.ignore_edit)
        ignore_layout.addWidget(self.ignore_hint)

        self.cron = CronField()
        self.enabled_box = QCheckBox("Enabled: run on its schedule")
        self.enabled_box.setChecked(True)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setVerticalSpacing(6)
        form.setHorizontalSpacing(14)
        form.addRow("Name", stacked(self.name_edit, self.errors["name"]))
        form.addRow("Folders", stacked(folder_row, self.errors["directory_paths"]))
        form.addRow("File types", stacked(self.extensions_edit, self.errors["file_extensions"]))
        form.addRow("Looks for", stacked(types_row, self.errors["data_types"]))
        form.addRow("Engine", stacked(self.engine_combo, self.errors["engine"]))
        form.addRow("Instructions", stacked(self.prompt_edit, self.errors["prompt_template"]))
        form.addRow("Ignore", stacked(ignore_box, self.errors["ignore_patterns"]))
        form.addRow("Schedule", stacked(self.cron, self.errors["schedule_cron"]))
        form.addRow("", self.enabled_box)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 10)
        layout.addWidget(self.title)
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addWidget(self.errors["agent"])
        layout.addStretch(1)

        self.cron.edit.textChanged.connect(lambda _t: self.errors["schedule_cron"].show_error(None))
        self.ignore_edit.textChanged.connect(self._check_ignore)

    def _check_ignore(self) -> None:
        """Each pattern is checked as it is typed (the same check Save makes); the problem shows under the field."""
        try:
            config.check_ignore_patterns(self.ignore_patterns())
        except ValueError as exc:
            self.errors["ignore_patterns"].show_error(sentence(str(exc)))
        else:
            self.errors["ignore_patterns"].show_error(None)

    def ignore_patterns(self) -> list[str]:
        return [line for line in self.ignore_edit.toPlainText().splitlines() if line.strip()]

    # the folder picker is a method so tests can replace QFileDialog
    def _add_folder(self) -> None:
        start = self.folders.item(self.folders.count() - 1).text() if self.folders.count() else os.path.expanduser("~")
        path = QFileDialog.getExistingDirectory(self, "Choose a folder for this agent to read", start)
        if path and not self.folders.findItems(path, Qt.MatchFlag.MatchExactly):
            self.folders.addItem(path)
            self.errors["directory_paths"].show_error(None)

    def _remove_folder(self) -> None:
        for item in self.folders.selectedItems() or ([self.folders.item(self.folders.count() - 1)]
                                                      if self.folders.count() else []):
            self.folders.takeItem(self.folders.row(item))

    def set_agent(self, agent: AgentConfig | None) -> None:
        self.clear_errors()
        self.agent_id = agent.id if agent else None
        self.title.setText(agent.name if agent else "New agent")
        self.name_edit.setText(agent.name if agent else "")
        self.folders.clear()
        for path in agent.directory_paths if agent else []:
            self.folders.addItem(path)
        self.extensions_edit.setText(", ".join(agent.file_extensions if agent else DEFAULT_EXTENSIONS))
        for data_type, box in self.type_boxes.items():
            box.setChecked(data_type in (agent.data_types if agent else DATA_TYPES))
        self.engine_combo.setCurrentIndex(max(0, self.engine_combo.findData(agent.engine if agent else "rules")))
        self.prompt_edit.setPlainText(agent.prompt_template if agent else "")
        self.ignore_edit.setPlainText("\n".join(agent.ignore_patterns if agent else []))
        self.cron.setText((agent.schedule_cron or "") if agent else "")
        self.enabled_box.setChecked(agent.enabled if agent else True)

    def data(self) -> dict[str, Any]:
        extensions = [e.strip() for e in self.extensions_edit.text().replace(";", ",").split(",") if e.strip()]
        data: dict[str, Any] = {
            "name": self.name_edit.text(),
            "directory_paths": [self.folders.item(i).text() for i in range(self.folders.count())],
            "file_extensions": extensions,
            "data_types": [t for t, box in self.type_boxes.items() if box.isChecked()],
            "engine": self.engine_combo.currentData(),
            "prompt_template": self.prompt_edit.toPlainText(),
            "ignore_patterns": self.ignore_patterns(),
            "schedule_cron": self.cron.text() or None,
            "enabled": self.enabled_box.isChecked(),
        }
        if self.agent_id:
            data["id"] = self.agent_id
        return data

    def clear_errors(self) -> None:
        for label in self.errors.values():
            label.show_error(None)

    def show_config_error(self, exc: ConfigError) -> None:
        """Each field's problem under that field, in plain words; others under the form."""
        problems = getattr(exc, "problems", None) or {exc.field: exc.message}
        for field, message in problems.items():
            if field in self.errors:
                self.errors[field].show_error(sentence(message))
            else:
                self.errors["agent"].show_error(sentence(message))
