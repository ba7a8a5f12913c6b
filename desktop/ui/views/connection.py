"""Connection & settings: backend URL, device name, sign in/out, test, pauses, the llm model, autostart.

The state line follows ``connection_did_change`` through ``AppStatus`` (no polling); failures are
said in plain words (``desktop.ui.words.connection_error``). Test connection
tries the URL typed in the field: the bridge redials when it is the saved one,
otherwise one probe dial opens and closes a connection to the typed URL (no
hello, so a live session elsewhere is not replaced). The token goes to the OS
keyring through ``bridge.credentials``; without a keyring the Account box says
what to install (a Secret Service keyring on Linux) or how to run the service
with ``ADIUVA_DEVICE_TOKEN`` (``keyring_guidance``). The llm
engine's settings are ``llm_base_url`` and ``llm_model`` in the workspace
settings and its API key in the keyring (service ``adiuva-companion``,
account ``llm-api-key``); that box is ``desktop.ui.views.llm_settings.LlmBox``.
Keyring calls run in a worker thread. GUI thread only.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from agents.errors import ConfigError
from agents.settings import DEVICE_NAME, LLM_BASE_URL, LLM_MODEL
from agents.tools.records import ALLOW_DIRECT_WRITES
from bridge import credentials
from bridge.endpoint import State, validate_backend_url
from desktop.ui import autostart, operations, tones
from desktop.ui.signals import CoreSignals
from desktop.ui.status import AppStatus
from desktop.ui.views.connection_check import keyring_guidance, probe, test_connection
from desktop.ui.views.llm_settings import LLM_KEY_ACCOUNT, LLM_KEY_SERVICE, LlmBox
from desktop.ui.views.mcp_settings import McpBox
from desktop.ui.widgets import ErrorLabel, HintLabel, stacked
from desktop.ui.words import connection_error, sentence, where

if TYPE_CHECKING:
    from desktop.companion import Companion

CONNECTION_TONES = {"connected": "ok", "connecting": "warn", "unauthorized": "error", "closed_by_server": "error",
                    "misconfigured": "error"}
__all__ = [
    "LLM_KEY_ACCOUNT",
    "LLM_KEY_SERVICE",
    "ConnectionView",
    "LlmBox",
    "keyring_guidance",
    "probe",
    "test_connection",
]



class ConnectionView(QWidget):
    """Settings for the bridge, the account, the llm engine and login start."""

    def __init__(self, *, companion: Companion, signals: CoreSignals, status: AppStatus,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.companion = companion
        self.status = status
        self._key_checked = False

        # ── connection ───────────────────────────────────────────────────
        self.state_dot = QLabel("●")
        self.state_label = QLabel()
        self.state_label.setStyleSheet("font-weight: 600;")
        self.detail_label = HintLabel()
        state_row = QHBoxLayout()
        state_row.addWidget(self.state_dot)
        state_row.addWidget(self.state_label)
        state_row.addStretch(1)
        self.url_edit = QLineEdit()
        self.url_edit.setPlaceholderText("wss://api.example.com/ws/device")
        self.url_error = ErrorLabel()
        self.name_edit = QLineEdit()
        self.save_button = QPushButton("Save")
        self.test_button = QPushButton("Test connection")
        self.test_result = HintLabel()
        self.save_button.clicked.connect(self.save_connection)
        self.test_button.clicked.connect(self.test)
        self.url_edit.textChanged.connect(self._validate_url)
        buttons = QHBoxLayout()
        buttons.addWidget(self.test_result, 1)
        buttons.addWidget(self.test_button)
        buttons.addWidget(self.save_button)
        conn_form = QFormLayout()
        conn_form.addRow("State", stacked(state_row, self.detail_label))
        conn_form.addRow("Backend URL", stacked(self.url_edit, self.url_error))
        conn_form.addRow("Device name", self.name_edit)
        conn_box = QGroupBox("Connection")
        conn_layout = QVBoxLayout(conn_box)
        conn_layout.addLayout(conn_form)
        conn_layout.addLayout(buttons)

        # ── account ──────────────────────────────────────────────────────
        self.token_edit = QLineEdit()
        self.token_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.token_edit.setPlaceholderText("Paste the device token from your Adiuva account")
        self.sign_in_button = QPushButton("Sign in")
        self.sign_out_button = QPushButton("Sign out")
        self.sign_in_button.clicked.connect(self.sign_in)
        self.sign_out_button.clicked.connect(self.sign_out)
        self.account_result = QLabel()
        self.account_result.setWordWrap(True)
        self.account_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.account_result.hide()
        token_row = QHBoxLayout()
        token_row.addWidget(self.token_edit, 1)
        token_row.addWidget(self.sign_in_button)
        token_row.addWidget(self.sign_out_button)
        account_box = QGroupBox("Account")
        account_layout = QVBoxLayout(account_box)
        account_layout.addWidget(HintLabel("The token is kept in the OS keyring, never in a file or the database."))
        account_layout.addLayout(token_row)
        account_layout.addWidget(self.account_result)
        self.keyring_help = QLabel()
        self.keyring_help.setWordWrap(True)
        self.keyring_help.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.keyring_help.hide()
        account_layout.addWidget(self.keyring_help)
        if credentials.token_source() == "environment":
            self.token_edit.setEnabled(False)
            self.sign_in_button.setEnabled(False)
            self.sign_out_button.setEnabled(False)
            self._account_message(f"The token comes from {credentials.TOKEN_ENV} in the environment.")

        # ── pauses ───────────────────────────────────────────────────────
        self.pause_bridge_box = QCheckBox("Pause the bridge: the backend's tool calls wait until you resume")
        self.pause_schedule_box = QCheckBox("Pause the schedule: agents run only when you click Run now")
        self.pause_bridge_box.toggled.connect(self._pause_bridge)
        self.pause_schedule_box.toggled.connect(self._pause_schedule)
        self.direct_writes_box = QCheckBox("Let the backend add records without review "
                                           "(off: what it creates waits in Review)")
        self.direct_writes_box.toggled.connect(self._direct_writes)
        pause_box = QGroupBox("Pauses and review")
        pause_layout = QVBoxLayout(pause_box)
        pause_layout.addWidget(self.pause_bridge_box)
        pause_layout.addWidget(self.pause_schedule_box)
        pause_layout.addWidget(self.direct_writes_box)

        # ── llm model ────────────────────────────────────────────────────
        llm_box = self.llm_box = LlmBox(companion=companion)
        self.llm_url_edit, self.llm_model_edit = llm_box.llm_url_edit, llm_box.llm_model_edit
        self.llm_key_edit, self.llm_save_button, self.llm_result = (
            llm_box.llm_key_edit, llm_box.llm_save_button, llm_box.llm_result)
        self.save_llm = llm_box.save_llm

        # ── start at login ───────────────────────────────────────────────
        self.autostart_box = QCheckBox("Start Adiuva Companion when I log in")
        if autostart.supported():
            self.autostart_box.setChecked(autostart.enabled())
            self.autostart_box.setToolTip(str(autostart.entry_path()))
        else:
            self.autostart_box.setEnabled(False)
            self.autostart_box.setToolTip("Not available here: run `adiuva-companion service install` to start "
                                          "the service at login, or use your system's login items.")
        self.autostart_box.toggled.connect(self._autostart)

        column = QWidget()
        column.setMaximumWidth(820)
        layout = QVBoxLayout(column)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.setSpacing(12)
        self.service_hint = HintLabel("To run without a window from login instead (the headless service): "
                                      "adiuva-companion service install")
        self.service_hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.mcp_box = McpBox(companion=companion)
        for w in (conn_box, account_box, pause_box, llm_box, self.mcp_box, self.autostart_box, self.service_hint):
            layout.addWidget(w)
        layout.addStretch(1)
        inner = QWidget()
        centred = QHBoxLayout(inner)
        centred.setContentsMargins(0, 0, 0, 0)
        centred.addStretch(1)
        centred.addWidget(column, 100)
        centred.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(inner)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

        status.changed.connect(self._show_state)
        status.changed.connect(self._sync_pauses)
        self._show_state()
        self._sync_pauses()
        operations.run(self._load(), self._loaded, parent=self, what="The settings could not be read")

    # ── loading ────────────────────────────────────────────────────────────
    async def _load(self) -> dict[str, Any]:
        store = self.companion.store
        return {
            "url": await self.companion.backend_url() or "",
            "name": await self.companion.device_name(),
            LLM_BASE_URL: await store.get_setting(LLM_BASE_URL, "") or "",
            LLM_MODEL: await store.get_setting(LLM_MODEL, "") or "",
            "direct_writes": bool(await store.get_setting(ALLOW_DIRECT_WRITES, False)),
        }

    def _loaded(self, values: dict[str, Any]) -> None:
        self.url_edit.setText(values["url"])
        self.name_edit.setText(values["name"])
        self.llm_box.set_values(values)
        self.direct_writes_box.blockSignals(True)
        self.direct_writes_box.setChecked(values["direct_writes"])
        self.direct_writes_box.blockSignals(False)

    def showEvent(self, event: Any) -> None:
        """The keyring is read when the tab is first shown, not at start-up (it may ask to be unlocked)."""
        super().showEvent(event)
        if not self._key_checked:
            self._key_checked = True
            self.llm_box.check_stored_key()
            if credentials.token_source() != "environment":
                def checked(available: bool) -> None:
                    if not available:
                        self.show_keyring_help()

                operations.run(asyncio.to_thread(credentials.keyring_available), checked, lambda _exc: None,
                               parent=self)

    # ── state ──────────────────────────────────────────────────────────────
    def _show_state(self) -> None:
        state, detail = self.status.connection_state, self.status.connection_detail
        self.state_label.setText(self.status.connection_text())
        tones.apply(self.state_dot, CONNECTION_TONES.get(state, "muted"), extra="font-size: 14pt;")
        url = self.url_edit.text().strip()
        self.detail_label.setText(connection_error(detail, url) if detail and url and state == "offline"
                                  else sentence(detail or ""))
        self.detail_label.setVisible(bool(detail) and state != State.CONNECTED.value)

    def _sync_pauses(self) -> None:
        for box, value in ((self.pause_bridge_box, self.status.bridge_paused),
                           (self.pause_schedule_box, self.status.schedule_paused)):
            if box.isChecked() != value:
                box.blockSignals(True)
                box.setChecked(value)
                box.blockSignals(False)

    # ── connection ─────────────────────────────────────────────────────────
    def _validate_url(self, text: str) -> bool:
        if not text.strip():
            self.url_error.show_error(None)
            return True
        try:
            validate_backend_url(text)
        except ConfigError as exc:
            self.url_error.show_error(exc.message)
            return False
        self.url_error.show_error(None)
        return True

    def save_connection(self) -> None:
        """Store the URL and device name; the bridge dials again with them."""
        if not self._validate_url(self.url_edit.text()):
            return
        url = self.url_edit.text().strip() or None
        name = self.name_edit.text().strip()

        async def save() -> None:
            store = self.companion.store
            if name:
                await store.set_setting(DEVICE_NAME, name)
            else:
                await store.delete_setting(DEVICE_NAME)
            await self.companion.set_backend_url(url)  # dials again (creating the bridge client if needed)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ConfigError):
                self.url_error.show_error(exc.message)
            else:
                operations.show_failure(self, "The connection settings were not saved", exc)

        def saved(_r: Any) -> None:
            self.test_result.setText("Saved.")
            tones.apply(self.test_result, "ok")

        self.test_result.setText("")
        operations.run(save(), saved, failed, parent=self)

    def test(self) -> None:
        """Try the URL typed in the field (not necessarily the saved one)."""
        typed = self.url_edit.text().strip()
        if typed and not self._validate_url(typed):
            return
        self.test_button.setEnabled(False)
        self.test_result.setText(f"Trying {where(typed)}…" if typed else "Testing…")
        tones.apply(self.test_result, "muted")

        def done(result: tuple[bool, str]) -> None:
            ok, text = result
            self.test_button.setEnabled(True)
            self.test_result.setText(("✓ " if ok else "✗ ") + text)
            tones.apply(self.test_result, "ok" if ok else "error")

        def failed(exc: BaseException) -> None:
            done((False, operations.describe(exc)))

        operations.run(test_connection(self.companion, url=typed or None), done, failed, parent=self)

    # ── account ────────────────────────────────────────────────────────────
    def sign_in(self) -> None:
        token = self.token_edit.text().strip()
        if not token:
            self._account_message("Paste the device token first.", error=True)
            return

        def done(_r: Any) -> None:
            self.token_edit.clear()
            self.keyring_help.hide()
            self._account_message("Signed in: the token is in the OS keyring.")
            self.companion.reconnect()

        operations.run(asyncio.to_thread(credentials.set_token, token), done, self._account_failed, parent=self)

    def sign_out(self) -> None:
        def done(removed: bool) -> None:
            self._account_message("Signed out." if removed else "There was no token to remove.")
            self.companion.reconnect()

        operations.run(asyncio.to_thread(credentials.delete_token), done, self._account_failed, parent=self)

    def _account_failed(self, exc: BaseException) -> None:
        if isinstance(exc, credentials.CredentialsUnavailable):
            # not a dead end: say what to install, or how to run with the token in the environment
            text = str(exc)
            first = text.split(". ")[0] + "." if text.startswith("The OS keyring") else ""
            self._account_message(first or "The device token was not stored.", error=True)
            self.show_keyring_help()
            return
        self._account_message(operations.describe(exc), error=True)

    def show_keyring_help(self) -> None:
        self.keyring_help.setText(keyring_guidance())
        tones.apply(self.keyring_help, "warn")
        self.keyring_help.show()

    def _account_message(self, text: str, *, error: bool = False) -> None:
        self.account_result.setText(text)
        self.account_result.setVisible(bool(text))
        tones.apply(self.account_result, "error" if error else "ok")

    # ── pauses ─────────────────────────────────────────────────────────────
    def _pause_bridge(self, paused: bool) -> None:
        operations.run(self.companion.set_bridge_paused(paused), parent=self, what="The bridge could not be paused")

    def _direct_writes(self, allowed: bool) -> None:
        operations.run(self.companion.store.set_setting(ALLOW_DIRECT_WRITES, allowed), lambda _r: None,
                       parent=self, what="The setting could not be saved")

    def _pause_schedule(self, paused: bool) -> None:
        operations.run(self.companion.set_schedule_paused(paused), parent=self,
                       what="The schedule could not be paused")

    # ── autostart ──────────────────────────────────────────────────────────
    def _autostart(self, on: bool) -> None:
        try:
            autostart.set_enabled(on)
        except OSError as exc:
            self.autostart_box.blockSignals(True)
            self.autostart_box.setChecked(not on)
            self.autostart_box.blockSignals(False)
            operations.show_failure(self, "Start at login could not be changed", exc)
