"""First run: no agents yet. Pick a folder; a ``rules`` agent is created on it and run once.

The agent reads the folder's ``.md`` and ``.txt`` files on weekday mornings
(``0 9 * * 1-5``); both can be changed in the Agents tab. "Try it with the
sample files" makes a manual-only agent (no schedule) on the bundled sample
folder, marked as the sample (``agents.sample.SAMPLE_AGENT``) so the window can
offer to remove it in one step (``views.sample_notice``). ``agent_started``
carries the new agent's id once its first run has started. GUI thread only.
"""

from __future__ import annotations

import os
from pathlib import PurePath
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from agents import config
from agents.config import AgentConfig
from agents.sample import SAMPLE_AGENT, sample_folder
from desktop.ui import operations
from desktop.ui.widgets import ErrorLabel, HintLabel, TitleLabel, icon

if TYPE_CHECKING:
    from desktop.companion import Companion

DEFAULT_CRON = "0 9 * * 1-5"


async def create_first_agent(companion: Companion, folder: str, *, name: str | None = None,
                             sample: bool = False) -> AgentConfig:
    """A rules agent on ``folder`` with a name no other agent has, saved and started.

    ``sample``: the sample agent, run by hand only (no schedule) and marked as the sample."""
    base = name or PurePath(folder).name or "My files"
    taken = {a.name.lower() for a in await config.list_agents(companion.store)}
    chosen, n = base, 2
    while chosen.lower() in taken:
        chosen, n = f"{base} {n}", n + 1
    agent = await companion.save_agent({
        "name": chosen, "directory_paths": [folder], "engine": "rules",
        "schedule_cron": None if sample else DEFAULT_CRON,
    })
    if sample:
        await companion.store.set_setting(SAMPLE_AGENT, agent.id)
    companion.start_run(agent.id)
    return agent


class WelcomeView(QWidget):
    """The first-run page: one clear action."""

    agent_started = Signal(str)

    def __init__(self, *, companion: Companion, parent: QWidget | None = None):
        super().__init__(parent)
        self.companion = companion
        logo = QLabel()
        logo.setPixmap(icon("app").pixmap(QSize(88, 88)))
        logo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title = TitleLabel("Welcome to Adiuva Companion", size=20)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text = QLabel(
            "Choose a folder where you keep your client work. An agent reads its notes and documents, "
            "finds tasks, milestones and projects, and suggests them to you for review.\n\n"
            "Your files never leave this computer. The first agent uses the offline rules engine: "
            "no account and no AI model needed."
        )
        text.setWordWrap(True)
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text.setStyleSheet("font-size: 11pt;")
        self.choose_button = QPushButton("Choose a folder…")
        self.choose_button.setDefault(True)
        self.choose_button.setMinimumHeight(40)
        self.choose_button.setMinimumWidth(220)
        self.choose_button.setStyleSheet("font-size: 11pt; font-weight: 600; padding: 6px 18px;")
        self.choose_button.clicked.connect(self.choose_folder)
        self.sample_button = QPushButton("Try it with the sample files")
        self.sample_button.setFlat(True)
        self.sample_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.sample_button.setStyleSheet("color: palette(link); text-decoration: underline;")
        self.sample_button.clicked.connect(self.use_samples)
        self.error = ErrorLabel()
        self.error.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint = HintLabel("It reads the folder now, then every weekday at 09:00. Change that in Agents.")
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)

        column = QVBoxLayout()
        column.setSpacing(14)
        column.addStretch(2)
        column.addWidget(logo)
        column.addWidget(title)
        column.addWidget(text)
        column.addSpacing(10)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.choose_button)
        row.addStretch(1)
        column.addLayout(row)
        column.addWidget(self.sample_button, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addWidget(hint)
        column.addWidget(self.error)
        column.addStretch(3)
        box = QWidget()
        box.setMaximumWidth(560)
        box.setLayout(column)
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(box, 4)
        outer.addStretch(1)

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Choose a folder with your work", os.path.expanduser("~"))
        if folder:
            self.create(folder)

    def use_samples(self) -> None:
        self.create(sample_folder(), name="Sample files", sample=True)

    def create(self, folder: str, *, name: str | None = None, sample: bool = False) -> None:
        self.error.show_error(None)
        self.choose_button.setEnabled(False)

        def done(agent: AgentConfig) -> None:
            self.choose_button.setEnabled(True)
            self.agent_started.emit(agent.id)

        def failed(exc: BaseException) -> None:
            self.choose_button.setEnabled(True)
            self.error.show_error(operations.describe(exc))

        operations.run(create_first_agent(self.companion, folder, name=name, sample=sample), done, failed, parent=self)
