"""Connection & settings against a real reference gateway on port 0."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr
from PySide6.QtCore import Qt

from bridge import credentials
from desktop.companion import Companion
from desktop.ui import autostart
from desktop.ui.signals import CoreSignals
from desktop.ui.status import AppStatus
from desktop.ui.views import connection as connection_view
from desktop.ui.views.connection import LLM_KEY_ACCOUNT, LLM_KEY_SERVICE, ConnectionView
from tests.conftest import GATEWAY_TOKEN as TOKEN
from tests.desktop.conftest import settle, until


@pytest.fixture
async def device(tmp_path: Path, qapp):
    """A companion with the gateway's token but no backend URL yet."""
    c = Companion(data_dir=tmp_path / "data", token_provider=lambda: SecretStr(TOKEN), scheduler=False, control=False)
    await c.start()
    try:
        yield c
    finally:
        await c.stop()


async def test_the_view_shows_offline_then_connected_against_the_real_gateway(qtbot, device, gateway):
    """Offline without a URL; typing the gateway's URL and Save connects, and the state line says so live."""
    signals = CoreSignals(device.events)
    status = AppStatus(device, signals)
    await status.load()
    view = ConnectionView(companion=device, signals=signals, status=status)
    qtbot.addWidget(view)
    view.show()
    await settle()
    assert view.state_label.text().startswith("Offline")
    assert not gateway.is_online()

    qtbot.keyClicks(view.url_edit, "ws://example.com/ws/device")
    assert view.url_error.isVisible() and "wss://" in view.url_error.text()  # live validation
    view.url_edit.clear()
    qtbot.keyClicks(view.url_edit, gateway.url)
    assert not view.url_error.isVisible()
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)

    await until(lambda: view.state_label.text() == "Connected", timeout=15, what="Connected")
    await gateway.wait_online(timeout=5)
    assert await device.store.get_setting("backend_url") == gateway.url
    assert status.tray_state() == "connected"

    qtbot.mouseClick(view.test_button, Qt.MouseButton.LeftButton)
    await until(lambda: view.test_result.text().startswith(("✓", "✗")), timeout=15, what="the test result")
    assert view.test_result.text() == f"✓ Connected to {gateway.url}."

    await gateway.stop()
    await until(lambda: view.state_label.text() != "Connected", timeout=15, what="the drop to be shown")
    signals.close()


async def test_test_connection_dials_a_url_stored_before_the_bridge_client_existed(device, gateway):
    """The client is created on first need: a URL stored without a dial (e.g. by `login --backend-url`
    while the app runs) is dialled by Test connection."""
    assert device.client is None and device.connection_state() == ("disabled", "no backend URL is configured")
    await device.set_backend_url(gateway.url, reconnect=False)
    assert device.client is None
    ok, text = await connection_view.test_connection(device, timeout=15)
    assert (ok, text) == (True, f"Connected to {gateway.url}.")
    assert device.client is not None and device.connection_state() == ("connected", None)
    await gateway.wait_online(timeout=5)


async def test_sign_in_stores_the_token_and_a_missing_keyring_is_said_plainly(qtbot, companion, ui, memory_keyring,
                                                                            monkeypatch):
    """Sign in puts the token in the keyring; without a keyring the page says what to do instead."""
    signals, status = ui
    view = ConnectionView(companion=companion, signals=signals, status=status)
    qtbot.addWidget(view)
    view.show()
    await settle()
    qtbot.keyClicks(view.token_edit, "tok-123")
    qtbot.mouseClick(view.sign_in_button, Qt.MouseButton.LeftButton)
    await settle()
    assert memory_keyring.secrets[(credentials.SERVICE, credentials.ACCOUNT)] == "tok-123"
    assert view.account_result.text().startswith("Signed in") and view.token_edit.text() == ""

    def no_keyring(_token):
        raise credentials.CredentialsUnavailable(credentials.HEADLESS_HINT)

    monkeypatch.setattr(credentials, "set_token", no_keyring)
    qtbot.keyClicks(view.token_edit, "tok-456")
    qtbot.mouseClick(view.sign_in_button, Qt.MouseButton.LeftButton)
    await settle()
    assert view.account_result.text() == "The device token was not stored."
    assert view.keyring_help.isVisible() and "ADIUVA_DEVICE_TOKEN" in view.keyring_help.text()

    qtbot.mouseClick(view.sign_out_button, Qt.MouseButton.LeftButton)
    await settle()
    assert (credentials.SERVICE, credentials.ACCOUNT) not in memory_keyring.secrets


async def test_model_settings_and_start_at_login_are_stored(qtbot, companion, ui, memory_keyring, tmp_path):
    """The llm settings go to the store, the API key to the keyring; start at login writes the XDG entry."""
    signals, status = ui
    view = ConnectionView(companion=companion, signals=signals, status=status)
    qtbot.addWidget(view)
    view.show()
    await settle()
    qtbot.keyClicks(view.llm_url_edit, "http://localhost:11434/v1")
    qtbot.keyClicks(view.llm_model_edit, "llama3.1")
    qtbot.keyClicks(view.llm_key_edit, "sk-test")
    qtbot.mouseClick(view.llm_save_button, Qt.MouseButton.LeftButton)
    await settle()
    assert await companion.store.get_setting("llm_model") == "llama3.1"
    assert await companion.store.get_setting("llm_base_url") == "http://localhost:11434/v1"
    assert memory_keyring.secrets[(LLM_KEY_SERVICE, LLM_KEY_ACCOUNT)] == "sk-test"
    assert view.llm_key_edit.text() == "" and view.llm_result.text() == "Saved."

    entry = tmp_path / "config" / "autostart" / "adiuva-companion.desktop"
    assert autostart.entry_path() == entry
    view.autostart_box.setChecked(True)
    assert entry.is_file() and "Exec=env ADIUVA_START_HIDDEN=1 " in entry.read_text()
    view.autostart_box.setChecked(False)
    assert not entry.exists()


async def test_direct_writes_box_is_off_by_default_and_stored(qtbot, companion, ui):
    """Backend creates wait in Review unless the user ticks the box; the choice is stored and shown again."""
    from agents.tools.records import ALLOW_DIRECT_WRITES

    signals, status = ui
    view = ConnectionView(companion=companion, signals=signals, status=status)
    qtbot.addWidget(view)
    view.show()
    await settle()
    assert not view.direct_writes_box.isChecked()
    view.direct_writes_box.setChecked(True)
    await settle()
    assert await companion.store.get_setting(ALLOW_DIRECT_WRITES) is True
    again = ConnectionView(companion=companion, signals=signals, status=status)
    qtbot.addWidget(again)
    await settle()
    assert again.direct_writes_box.isChecked()


def test_a_misconfigured_backend_reads_as_a_settings_problem():
    """The bridge's "misconfigured" state (a redirect, no subprotocol) has its own words and the error tone."""
    from desktop.ui.status import CONNECTION_TEXT

    assert CONNECTION_TEXT["misconfigured"] == "Check the backend URL"
    assert connection_view.CONNECTION_TONES["misconfigured"] == "error"
