"""Agents: the list of local agents and an editor for one.

The editor validates the schedule live (``agents.scheduler.validate_cron``):
an error under the field, else a description (cron-descriptor) and the next
three run times in local time. Presets beside the field (``SCHEDULE_PRESETS``)
fill it in; a saved schedule first fires at its next slot, never for a slot
from before it was saved (``agents.scheduler.due_at``). Save goes through ``Companion.save_agent``;
a ``ConfigError(field, message)`` is shown under the named field and nothing
is stored. The Ignore field takes .gitignore patterns, one a line, checked as
they are typed (``config.check_ignore_patterns``, pathspec). Run now saves
pending edits first; Stop cancels the agent's run.
An agent whose folder changed since it was picked (``agents.roots``) shows a
warning in the list; saving the agent again re-pins its folders.
All slots run on the GUI thread; store work goes through ``operations``.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

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
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from agents import config, runs_query
from agents.config import DATA_TYPES, DEFAULT_EXTENSIONS, AgentConfig
from agents.errors import ConfigError
from agents.schedule_rules import local_timezone, next_fire_after, validate_cron
from agents.store import parse_iso
from desktop.ui import operations, tones
from desktop.ui.signals import CoreSignals
from desktop.ui.status import AppStatus, format_when
from desktop.ui.widgets import ErrorLabel, HintLabel, TitleLabel, TwoLineDelegate, fill_with_split, stacked, status_html
from desktop.ui.words import plural, sentence

if TYPE_CHECKING:
    from desktop.companion import Companion

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


class AgentsView(QWidget):
    """List + editor; updates from ``agent_did_change`` and the run events."""

    def __init__(self, *, companion: Companion, signals: CoreSignals, status: AppStatus,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.companion = companion
        self.status = status
        self.agents: list[AgentConfig] = []
        self.last_runs: dict[str, dict[str, Any]] = {}
        self.root_problems: dict[str, list[str]] = {}
        self._note = ""
        self._select_after_load: str | None = None

        self.list = QListWidget()
        self.list.setMinimumWidth(210)
        self.list.setItemDelegate(TwoLineDelegate(self.list))
        self.list.currentItemChanged.connect(self._selected)
        self.new_button = QPushButton("New agent")
        self.remove_button = QPushButton("Remove")
        self.new_button.clicked.connect(self.new_agent)
        self.remove_button.clicked.connect(self._remove)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(10, 10, 4, 10)
        left_layout.addWidget(self.list, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.remove_button)
        left_layout.addLayout(buttons)

        self.editor = AgentEditor()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(self.editor)

        self.run_state = HintLabel()
        self.run_button = QPushButton("Run now")
        self.stop_button = QPushButton("Stop")
        self.save_button = QPushButton("Save")
        self.save_button.setDefault(True)
        self.run_button.clicked.connect(self.run_now)
        self.stop_button.clicked.connect(self.stop)
        self.save_button.clicked.connect(lambda: self.save())
        actions = QHBoxLayout()
        actions.setContentsMargins(18, 4, 18, 12)
        actions.addWidget(self.run_state, 1)
        for b in (self.run_button, self.stop_button, self.save_button):
            actions.addWidget(b)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(scroll, 1)
        right_layout.addLayout(actions)

        fill_with_split(self, left, right, (240, 760))

        self._refresher = operations.Refresher(lambda: load_agents(companion), self._loaded, parent=self)
        signals.agent_did_change.connect(lambda _p: self._refresher.request())
        signals.run_did_finish.connect(lambda _p: self._refresher.request())  # last run times
        status.changed.connect(self._update_run_state)
        self._refresher.request()
        self._update_run_state()

    # ── list ───────────────────────────────────────────────────────────────
    def _loaded(self, result: tuple[list[AgentConfig], dict[str, dict[str, Any]], dict[str, list[str]]]) -> None:
        agents, self.last_runs, self.root_problems = result
        current = self._select_after_load or self.editor.agent_id
        self._select_after_load = None
        self.agents = agents
        self.list.blockSignals(True)
        self.list.clear()
        for agent in agents:
            problems = self.root_problems.get(agent.id, [])
            item = QListWidgetItem(self._item_text(agent, self.last_runs.get(agent.id), problems))
            item.setToolTip("\n".join([item.text().replace("\n", " — "), *problems]))
            item.setData(Qt.ItemDataRole.UserRole, agent.id)
            self.list.addItem(item)
        self.list.blockSignals(False)
        row = next((i for i, a in enumerate(agents) if a.id == current), None)
        if row is not None:
            self.list.setCurrentRow(row)
            if current != self.editor.agent_id:
                self.editor.set_agent(agents[row])
        elif self.editor.agent_id is not None:  # the one being edited was removed
            self.editor.set_agent(agents[0] if agents else None)
            if agents:
                self.list.setCurrentRow(0)
        elif agents and not self.editor.name_edit.text():
            self.list.setCurrentRow(0)
        self._update_run_state()

    @staticmethod
    def _item_text(agent: AgentConfig, last: dict[str, Any] | None, problems: list[str] | None = None) -> str:
        if problems:  # a pinned folder changed: runs are refused until it is picked again
            return f"{agent.name}\n⚠ A folder changed: pick it again and save"
        when = describe_cron(agent.schedule_cron) if agent.schedule_cron else "Manual only"
        if not agent.enabled:
            when = "Disabled"
        if last is not None and last["status"] in ("error", "partial", "interrupted"):
            when += f" · last run: {last['status']}"
        return f"{agent.name}\n{when}"

    def _selected(self, item: QListWidgetItem | None, _previous: QListWidgetItem | None = None) -> None:
        if item is None:
            return
        agent_id = item.data(Qt.ItemDataRole.UserRole)
        agent = next((a for a in self.agents if a.id == agent_id), None)
        if agent is not None:
            self._note = ""
            self.editor.set_agent(agent)
            self._update_run_state()

    def new_agent(self) -> None:
        self._note = ""
        self.list.clearSelection()
        self.list.setCurrentRow(-1)
        self.editor.set_agent(None)
        self.editor.name_edit.setFocus()
        self._update_run_state()

    def _remove(self) -> None:
        agent_id = self.editor.agent_id
        if agent_id is None:
            self.editor.set_agent(None)
            return
        operations.run(self.companion.remove_agent(agent_id), parent=self, what="The agent was not removed")

    # ── save / run / stop ──────────────────────────────────────────────────
    def save(self, then: Any = None) -> None:
        """Validate and store the form; field errors appear under their fields."""
        self.editor.clear_errors()
        data = self.editor.data()

        def saved(agent: AgentConfig) -> None:
            self.editor.agent_id = agent.id
            self.editor.title.setText(agent.name)
            self._select_after_load = agent.id
            self._note = "Saved."
            self._refresher.request()
            self._update_run_state()
            if then is not None:
                then(agent)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ConfigError):
                self.editor.show_config_error(exc)
            else:
                operations.show_failure(self, "The agent was not saved", exc)

        operations.run(self.companion.save_agent(data), saved, failed, parent=self)

    def _dirty(self) -> bool:
        agent = next((a for a in self.agents if a.id == self.editor.agent_id), None)
        if agent is None:
            return True
        try:
            edited = AgentConfig.parse(self.editor.data())
        except ConfigError:
            return True
        keys = ("name", "directory_paths", "file_extensions", "data_types", "engine", "prompt_template",
                "ignore_patterns", "schedule_cron", "enabled")
        return any(getattr(edited, k) != getattr(agent, k) for k in keys)

    def run_now(self) -> None:
        """Run the agent in the editor now (saving unsaved edits first)."""
        if self._dirty():
            self.save(then=lambda agent: self._start(agent.id))
        elif self.editor.agent_id:
            self._start(self.editor.agent_id)

    def _start(self, agent_id: str) -> None:
        if self.companion.is_running(agent_id):
            return
        self._note = ""
        task = self.companion.start_run(agent_id)
        operations.watch(task, parent=self, what="The run could not start")

    def stop(self) -> None:
        if self.editor.agent_id:
            self.companion.cancel_run(self.editor.agent_id)

    def _update_run_state(self) -> None:
        agent_id = self.editor.agent_id
        running = next((r for r in self.status.running.values() if r.agent_id == agent_id), None)
        self.stop_button.setEnabled(running is not None)
        self.run_button.setEnabled(running is None)
        self.remove_button.setEnabled(agent_id is not None)
        last = self.last_runs.get(agent_id or "")
        tones.apply(self.run_state, "ok" if self._note and running is None else "muted")
        if running is not None:
            step = f" — {running.processed}/{plural(running.total, 'file')}" if running.total else ""
            self.run_state.setText(f"Running{step}…")
        elif self._note:
            self.run_state.setText(self._note)
        elif last is not None:
            when = format_when(parse_iso(last["started_at"]))
            self.run_state.setText(
                f"Last run {when}: {status_html(last['status'])} — {plural(last['items_processed'], 'file')}, "
                f"{last['items_created']} suggested, {last['items_updated']} updated"
            )
        elif agent_id:
            self.run_state.setText("Not run yet.")
        else:
            self.run_state.setText("")


async def load_agents(
    companion: Companion,
) -> tuple[list[AgentConfig], dict[str, dict[str, Any]], dict[str, list[str]]]:
    """The agents, each one's latest finished run, and its folders that changed since picked (by agent id)."""
    agents = await config.list_agents(companion.store)
    problems: dict[str, list[str]] = {}
    for problem in await config.root_problems(companion.store, agents):
        problems.setdefault(problem.agent_id, []).append(problem.message)
    return agents, await runs_query.last_finished_by_agent(companion.store), problems
