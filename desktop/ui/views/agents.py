"""Agents: the list of local agents and an editor for one.

The editor (``desktop.ui.views.agents_form``, re-exported here) validates the
schedule live (``agents.schedule_rules.validate_cron``): an error under the
field, else a description (cron-descriptor) and the next three run times in
local time. Presets beside the field (``SCHEDULE_PRESETS``) fill it in; a
saved schedule first fires at its next slot, never for a slot
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

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from agents import config, runs_query
from agents.config import AgentConfig
from agents.errors import ConfigError
from agents.store import parse_iso
from desktop.ui import operations, tones
from desktop.ui.signals import CoreSignals
from desktop.ui.status import AppStatus, format_when
from desktop.ui.views.agents_form import (
    CRON_ALIASES,
    CUSTOM_PRESET,
    ENGINE_LABELS,
    FIELDS,
    IGNORE_HINT,
    SCHEDULE_PRESETS,
    AgentEditor,
    CronField,
    describe_cron,
    next_runs,
)
from desktop.ui.widgets import HintLabel, TwoLineDelegate, UndoBar, fill_with_split, status_html
from desktop.ui.words import plural

if TYPE_CHECKING:
    from desktop.companion import Companion

__all__ = [
    "CRON_ALIASES",
    "CUSTOM_PRESET",
    "ENGINE_LABELS",
    "FIELDS",
    "IGNORE_HINT",
    "SCHEDULE_PRESETS",
    "AgentEditor",
    "AgentsView",
    "CronField",
    "describe_cron",
    "next_runs",
]


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
        signals.agent_did_change.connect(self._heard)
        signals.run_did_finish.connect(self._heard)  # last run times
        status.changed.connect(self._update_run_state)
        self._refresher.request()
        self._update_run_state()

    def _heard(self, _event: object) -> None:
        """A core event that may change what this view shows (a bound method: Qt drops the
        connection when the view is destroyed, where a lambda would outlive it)."""
        self._refresher.request()

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
        companion = self.companion

        def removed(what: tuple[AgentConfig, list[str]] | None) -> None:
            bar = getattr(self.window(), "undo_bar", None)
            if what is not None and isinstance(bar, UndoBar):  # the window offers to take it back
                bar.show_action(f"Removed the agent “{what[0].name}”", lambda: operations.run(
                    companion.restore_agent(what), parent=self, what="The agent was not restored"))

        operations.run(companion.remove_agent_undoably(agent_id), removed, parent=self,
                       what="The agent was not removed")

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
