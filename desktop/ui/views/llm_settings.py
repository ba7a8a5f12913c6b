"""The Connection view's "Model for the llm engine" box: endpoint, model, API key.

``LlmBox`` reads and writes ``llm_base_url`` and ``llm_model`` in the
workspace settings and the API key in the OS keyring (service
``adiuva-companion``, account ``llm-api-key``, as ``agents.llm`` reads it).
Qt widgets: GUI thread only; store work goes through ``operations`` and
keyring calls run in a worker thread (``asyncio.to_thread``).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from agents.settings import LLM_BASE_URL, LLM_MODEL
from desktop.ui import operations, tones

if TYPE_CHECKING:
    from desktop.companion import Companion

LLM_KEY_SERVICE = "adiuva-companion"
LLM_KEY_ACCOUNT = "llm-api-key"
KEY_STORED_HINT = "A key is stored in the OS keyring; type to replace it"


def _keyring_get(service: str, account: str) -> str | None:
    import keyring

    return keyring.get_password(service, account)


def _keyring_set(service: str, account: str, value: str) -> None:
    import keyring

    keyring.set_password(service, account, value)


class LlmBox(QGroupBox):
    """The llm engine's settings; ``set_values`` fills it, ``check_stored_key`` reads the keyring once."""

    def __init__(self, *, companion: Companion, parent: QWidget | None = None):
        super().__init__("Model for the llm engine", parent)
        self.companion = companion
        self.llm_url_edit = QLineEdit()
        self.llm_url_edit.setPlaceholderText("https://api.openai.com/v1 or http://localhost:11434/v1")
        self.llm_model_edit = QLineEdit()
        self.llm_model_edit.setPlaceholderText("e.g. gpt-4o-mini, llama3.1")
        self.llm_key_edit = QLineEdit()
        self.llm_key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.llm_key_edit.setPlaceholderText("API key (kept in the OS keyring)")
        self.llm_save_button = QPushButton("Save model settings")
        self.llm_save_button.clicked.connect(self.save_llm)
        self.llm_result = QLabel()
        self.llm_result.setWordWrap(True)
        llm_form = QFormLayout()
        llm_form.addRow("Endpoint", self.llm_url_edit)
        llm_form.addRow("Model", self.llm_model_edit)
        llm_form.addRow("API key", self.llm_key_edit)
        llm_buttons = QHBoxLayout()
        llm_buttons.addWidget(self.llm_result, 1)
        llm_buttons.addWidget(self.llm_save_button)
        llm_layout = QVBoxLayout(self)
        llm_layout.addLayout(llm_form)
        llm_layout.addLayout(llm_buttons)

    def set_values(self, values: dict[str, Any]) -> None:
        """Fill the fields from the loaded ``llm_base_url`` and ``llm_model`` settings."""
        self.llm_url_edit.setText(values[LLM_BASE_URL])
        self.llm_model_edit.setText(values[LLM_MODEL])

    def check_stored_key(self) -> None:
        """Say in the key field whether a key is stored (reads the keyring in a worker thread)."""

        async def key_stored() -> bool:
            return bool(await asyncio.to_thread(_keyring_get, LLM_KEY_SERVICE, LLM_KEY_ACCOUNT))

        def shown(stored: bool) -> None:
            if stored:
                self.llm_key_edit.setPlaceholderText(KEY_STORED_HINT)

        operations.run(key_stored(), shown, lambda _exc: None, parent=self)

    def save_llm(self) -> None:
        """Store the endpoint and model settings and, when typed, the API key; say the outcome."""
        base_url = self.llm_url_edit.text().strip()
        model = self.llm_model_edit.text().strip()
        key = self.llm_key_edit.text().strip()
        if base_url and not base_url.startswith(("http://", "https://")):
            self.llm_result.setText("The endpoint must start with http:// or https://.")
            tones.apply(self.llm_result, "error")
            return

        async def save() -> bool:
            store = self.companion.store
            for name, value in ((LLM_BASE_URL, base_url), (LLM_MODEL, model)):
                if value:
                    await store.set_setting(name, value)
                else:
                    await store.delete_setting(name)
            if key:
                await asyncio.to_thread(_keyring_set, LLM_KEY_SERVICE, LLM_KEY_ACCOUNT, key)
            return bool(key)

        def done(stored_key: bool) -> None:
            self.llm_key_edit.clear()
            if stored_key:
                self.llm_key_edit.setPlaceholderText(KEY_STORED_HINT)
            self.llm_result.setText("Saved.")
            tones.apply(self.llm_result, "ok")

        def failed(exc: BaseException) -> None:
            text = operations.describe(exc)
            if "keyring" in type(exc).__module__ or "Keyring" in type(exc).__name__:
                text = ("The OS keyring is not available, so the API key was not stored. "
                        "Set ADIUVA_LLM_API_KEY in the companion's environment instead.")
            self.llm_result.setText(text)
            tones.apply(self.llm_result, "error")

        operations.run(save(), done, failed, parent=self)
