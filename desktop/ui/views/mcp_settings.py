"""The "AI apps (MCP)" box of Settings: the config snippet to paste, and the apps that called lately.

The snippet (``bridge.mcp_door.setup.snippet``) names this install's
executable, and the data dir when it is not the default one. The recent apps
come from the journal (``agents.mcp_access.recent_clients``), re-read each
time the box is shown. A checkbox sets ``mcp.allow_direct_writes``. GUI thread
only; store reads run as background tasks (``operations.run``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from agents import mcp_access
from agents.paths import APP_NAME
from agents.store import parse_iso
from bridge.mcp_door.setup import snippet
from desktop.ui import operations
from desktop.ui.widgets import HintLabel

if TYPE_CHECKING:
    from desktop.companion import Companion

APPS = (("Claude Desktop", "claude", "claude_desktop_config.json"),
        ("VS Code", "vscode", ".vscode/mcp.json in the project"),
        ("Cursor", "cursor", "~/.cursor/mcp.json"))


class McpBox(QGroupBox):
    """Set-up of local AI apps (Claude Desktop, VS Code, Cursor) and the ones that called."""

    def __init__(self, *, companion: Companion, parent: QWidget | None = None):
        super().__init__("AI apps (MCP)", parent)
        self.companion = companion
        default = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)).resolve()
        self._data_dir = None if Path(companion.data_dir).resolve() == default else Path(companion.data_dir)
        self.app_combo = QComboBox()
        for label, key, _where in APPS:
            self.app_combo.addItem(label, key)
        self.where_hint = HintLabel()
        self.snippet_edit = QPlainTextEdit()
        self.snippet_edit.setReadOnly(True)
        self.snippet_edit.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.snippet_edit.setMaximumHeight(150)
        self.copy_button = QPushButton("Copy")
        self.copy_button.clicked.connect(self.copy)
        self.direct_box = QCheckBox("Let AI apps create records without review")
        self.direct_box.toggled.connect(self._direct_writes)
        self.clients_label = HintLabel("No AI app has called yet.")
        row = QHBoxLayout()
        row.addWidget(self.app_combo)
        row.addWidget(self.where_hint, 1)
        row.addWidget(self.copy_button)
        layout = QVBoxLayout(self)
        layout.addWidget(HintLabel("Local AI apps can use this companion's tools, in the same folders, with new "
                                   "records waiting in Review. Paste this into the app's MCP settings:"))
        layout.addLayout(row)
        layout.addWidget(self.snippet_edit)
        layout.addWidget(self.direct_box)
        layout.addWidget(self.clients_label)
        self.app_combo.currentIndexChanged.connect(self._show_snippet)
        self._show_snippet()

    def _show_snippet(self) -> None:
        index = max(self.app_combo.currentIndex(), 0)
        _label, key, where = APPS[index]
        self.where_hint.setText(f"in {where}")
        self.snippet_edit.setPlainText(snippet(key, self._data_dir))

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.snippet_edit.toPlainText())
        self.copy_button.setText("Copied")

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.refresh()

    def refresh(self) -> None:
        operations.run(self._load(), self._loaded, parent=self, what="The AI apps could not be read")

    async def _load(self) -> tuple[bool, list[dict[str, Any]]]:
        store = self.companion.store
        direct = bool(await store.get_setting(mcp_access.MCP_DIRECT_WRITES_KEY, False))
        return direct, await mcp_access.recent_clients(store, limit=5)

    def _loaded(self, values: tuple[bool, list[dict[str, Any]]]) -> None:
        direct, clients = values
        self.direct_box.blockSignals(True)
        self.direct_box.setChecked(direct)
        self.direct_box.blockSignals(False)
        if not clients:
            self.clients_label.setText("No AI app has called yet.")
            return
        lines = []
        for c in clients:
            seen = parse_iso(c["last_seen"])
            when = seen.astimezone().strftime("%Y-%m-%d %H:%M") if seen else "?"
            lines.append(f"{c['client']}: {c['calls']} call{'s' if c['calls'] != 1 else ''}, last {when}")
        self.clients_label.setText("Recent AI apps:\n" + "\n".join(lines))

    def _direct_writes(self, on: bool) -> None:
        operations.run(self.companion.store.set_setting(mcp_access.MCP_DIRECT_WRITES_KEY, on), parent=self,
                       what="The setting could not be saved")
