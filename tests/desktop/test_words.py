"""Words for people: plurals, local times with the zone, plain field and connection errors."""

from __future__ import annotations

import asyncio
import socket
import ssl
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
import websockets
from pydantic import SecretStr
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QLabel

from agents.config import AgentConfig
from agents.errors import ConfigError
from desktop.companion import Companion
from desktop.ui import tones
from desktop.ui.status import AppStatus
from desktop.ui.tray import Tray
from desktop.ui.views.agents import AgentsView
from desktop.ui.views.connection import ConnectionView, keyring_guidance, test_connection
from desktop.ui.words import connection_error, local_time, plural, waits
from tests.desktop.conftest import settle, until


def test_plurals_agree_with_the_count():
    """1 suggestion waits, 2 suggestions wait, 0 files, 1 file, 1 match / 2 matches."""
    assert waits(1, "suggestion") == "1 suggestion waits"
    assert waits(2, "suggestion") == "2 suggestions wait"
    assert plural(0, "file") == "0 files" and plural(1, "file") == "1 file"
    assert plural(2, "match") == "2 matches" and plural(3, "entry") == "3 entries"


@pytest.fixture
def berlin(monkeypatch):
    """The process runs in Europe/Berlin for the test."""
    if not hasattr(time, "tzset"):
        pytest.skip("no tzset here")
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_local_time_shows_the_local_clock_and_zone(berlin):
    """A stored UTC instant is printed in local time with the zone's name (summer and winter)."""
    assert local_time("2026-07-01T07:00:00.000Z") == "2026-07-01 09:00 CEST"
    assert local_time(datetime(2026, 12, 1, 7, 0, tzinfo=UTC)) == "2026-12-01 08:00 CET"
    assert local_time(None) == "—"


def test_every_agent_field_error_is_a_plain_sentence(tmp_path: Path):
    """No pydantic wording reaches people: each field's problem names the field in plain words."""
    folder = str(tmp_path)
    cases = [
        ({"name": "A", "directory_paths": []}, "directory_paths", "Pick at least one folder."),
        ({"name": "", "directory_paths": [folder]}, "name", "Give the agent a name."),
        ({"name": "   ", "directory_paths": [folder]}, "name", "The name cannot be blank."),
        ({"directory_paths": [folder]}, "name", "Give the agent a name."),
        ({"name": "x" * 101, "directory_paths": [folder]}, "name",
         "The name is too long: keep it under 100 characters."),
        ({"name": "A", "directory_paths": [folder], "data_types": []}, "data_types",
         "Tick at least one kind of thing to look for."),
        ({"name": "A", "directory_paths": [folder], "data_types": ["memos"]}, "data_types",
         "Look for tasks, notes, timelines or projects."),
        ({"name": "A", "directory_paths": [folder], "engine": "gpt"}, "engine",
         "Choose an engine: rules, llm or backend."),
        ({"name": "A", "directory_paths": [folder], "enabled": "maybe"}, "enabled",
         "Enabled must be on or off (true or false)."),
        ({"name": "A", "directory_paths": [folder], "prompt_template": "x" * 10_001}, "prompt_template",
         "The instructions are too long: keep them under 10,000 characters."),
        ({"name": "A", "directory_paths": [folder], "colour": "red"}, "colour",
         "“colour” is not a setting an agent has."),
        ({"name": "A", "directory_paths": folder}, "directory_paths", "Folders must be a list."),
        ({"name": "A", "directory_paths": [str(tmp_path / "gone")]}, "directory_paths",
         f"{tmp_path / 'gone'} is not an existing folder."),
    ]
    for data, field, message in cases:
        with pytest.raises(ConfigError) as caught:
            AgentConfig.parse(data)
        assert (caught.value.field, caught.value.message) == (field, message), data
        for banned in ("should have", "Input should", "validation", "Field required", "Value error"):
            assert banned not in caught.value.message


async def test_the_agent_form_shows_each_problem_beside_its_field(qtbot, companion, ui):
    """Saving an empty form shows plain sentences under Name and Folders, and nothing is stored."""
    signals, status = ui
    view = AgentsView(companion=companion, signals=signals, status=status)
    qtbot.addWidget(view)
    view.show()
    await settle()
    view.new_agent()
    for box in view.editor.type_boxes.values():
        box.setChecked(False)
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    await settle()
    errors = view.editor.errors
    assert errors["name"].isVisible() and errors["name"].text() == "Give the agent a name."
    assert errors["directory_paths"].isVisible() and errors["directory_paths"].text() == "Pick at least one folder."
    assert errors["data_types"].text() == "Tick at least one kind of thing to look for."
    assert not errors["agent"].isVisible()
    assert await companion.store.scalar("SELECT COUNT(*) FROM agents") == 0


async def test_tray_and_status_say_counts_in_plain_english(qtbot, companion, ui):
    """The tray's review notice and the last-result line agree in number."""
    _signals, status = ui
    tray = Tray(companion=companion, status=status, window=None, on_quit=lambda: None)
    tray._last_run_end = 0.0
    status._set_pending(1)
    assert tray.last_message == ("Suggestions to review", "1 suggestion waits for your review.")
    status._set_pending(3)
    assert tray.last_message == ("Suggestions to review", "3 suggestions wait for your review.")
    tray._run_finished({"agent_name": "A", "status": "success", "processed": 1, "created": 1, "updated": 0})
    assert tray.last_message[1] == "1 file read: 1 suggested, 0 updated. 1 new suggestion waits for your review."
    status.last_result = {"agent_name": "A", "status": "success", "processed": 2, "created": 0, "updated": 0}
    assert status.last_result_text() == "A: 2 files, 0 suggested, 0 updated"
    status.last_result["processed"] = 1
    assert status.last_result_text() == "A: 1 file, 0 suggested, 0 updated"


def test_connection_errors_in_plain_words():
    """Refused, no answer, a bad certificate and an unknown name each get a sentence naming the host."""
    url = "ws://127.0.0.1:18765/ws/device"
    assert connection_error(ConnectionRefusedError(111, "refused"), url).startswith(
        "The backend at 127.0.0.1:18765 refused the connection")
    assert connection_error(TimeoutError(), url, 10) == "The backend at 127.0.0.1:18765 did not answer within 10 s."
    cert = ssl.SSLCertVerificationError(1, "certificate verify failed")
    cert.verify_message = "Hostname mismatch, certificate is not valid for 'api.example.com'"
    assert connection_error(cert, "wss://api.example.com/ws/device").startswith(
        "The backend at api.example.com:443's certificate is not valid for api.example.com")
    assert connection_error(socket.gaierror(-2, "Name or service not known"), "wss://nowhere.invalid/ws") \
        .startswith("The name nowhere.invalid could not be found")
    # the bridge client's own detail text reads the same way
    assert connection_error("cannot reach the backend: [Errno 111] Connect call failed ('127.0.0.1', 18765)", url) \
        .startswith("The backend at 127.0.0.1:18765 refused the connection")
    assert connection_error("cannot reach the backend: timed out during opening handshake", url, 10) \
        == "The backend at 127.0.0.1:18765 did not answer within 10 s."


async def test_test_connection_tries_the_typed_url_not_the_saved_one(qtbot, tmp_path: Path, qapp):
    """With a refusing URL saved, Test connection on a typed URL reaches the websockets server there."""
    seen: list[str] = []

    async def handler(ws):
        seen.append(ws.request.path)
        await ws.wait_closed()

    server = await websockets.serve(handler, "127.0.0.1", 0, subprotocols=["adiuva-device.v1"])
    port = server.sockets[0].getsockname()[1]
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    device = Companion(data_dir=tmp_path / "data", token_provider=lambda: SecretStr("tok"), scheduler=False,
                       control=False)
    await device.start()
    try:
        await device.set_backend_url(f"ws://127.0.0.1:{closed}/ws/device", reconnect=False)
        from desktop.ui.signals import CoreSignals

        signals = CoreSignals(device.events)
        status = AppStatus(device, signals)
        await status.load()
        view = ConnectionView(companion=device, signals=signals, status=status)
        qtbot.addWidget(view)
        view.show()
        await settle()
        typed = f"ws://127.0.0.1:{port}/ws/device"
        view.url_edit.setText(typed)
        qtbot.mouseClick(view.test_button, Qt.MouseButton.LeftButton)
        await until(lambda: view.test_result.text().startswith(("✓", "✗")), timeout=15, what="the result")
        assert view.test_result.text() == f"✓ Connected to {typed}."
        assert seen == ["/ws/device"]
        assert view.test_result.property("tone") == "ok"
        assert await device.store.get_setting("backend_url") == f"ws://127.0.0.1:{closed}/ws/device"  # unsaved

        # the saved (refusing) URL typed back: a plain sentence, in the error tone
        view.url_edit.setText(f"ws://127.0.0.1:{closed}/ws/device")
        ok, text = await test_connection(device, timeout=10, url=view.url_edit.text())
        assert not ok and text.startswith(f"The backend at 127.0.0.1:{closed} refused the connection")
        signals.close()
    finally:
        await device.stop()
        server.close()
        await server.wait_closed()


async def test_a_probe_to_a_closed_port_says_refused(qtbot, companion):
    """A typed URL on a port nobody listens on: refused, in plain words."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    ok, text = await asyncio.wait_for(test_connection(companion, url=f"ws://127.0.0.1:{port}/ws/device"), 20)
    assert not ok and text.startswith(f"The backend at 127.0.0.1:{port} refused the connection")


def test_status_tones_follow_the_palette(qapp):
    """ok is green, warn amber, error red; on a dark palette each gets its lighter shade."""
    label = QLabel()
    light = QPalette()
    light.setColor(QPalette.ColorRole.Window, QColor("#ffffff"))
    label.setPalette(light)
    assert QColor(tones.color("ok", label)).hue() in range(100, 160)
    assert QColor(tones.color("warn", label)).hue() in range(25, 50)
    assert QColor(tones.color("error", label)).hue() in (*range(0, 10), *range(350, 360))
    dark = QPalette()
    dark.setColor(QPalette.ColorRole.Window, QColor("#1e1e1e"))
    label.setPalette(dark)
    for tone in ("ok", "warn", "error"):
        assert QColor(tones.color(tone, label)).lightness() > 140  # readable on a dark window
    tones.apply(label, "error")
    assert label.property("tone") == "error" and tones.color("error", label) in label.styleSheet()


async def test_a_missing_keyring_shows_what_to_install(qtbot, companion, ui, monkeypatch):
    """Without an OS keyring the sign-in page names Secret Service / KWallet and ADIUVA_DEVICE_TOKEN."""
    from bridge import credentials

    monkeypatch.setattr(credentials, "keyring_available", lambda: False)
    signals, status = ui
    view = ConnectionView(companion=companion, signals=signals, status=status)
    qtbot.addWidget(view)
    view.show()
    await until(lambda: view.keyring_help.isVisible(), what="the keyring guidance")
    text = view.keyring_help.text()
    assert "Secret Service" in text and "gnome-keyring" in text and "KWallet" in text
    assert "ADIUVA_DEVICE_TOKEN" in text and "--headless" in text and "keyrings.alt" not in text
    assert "Keychain" in keyring_guidance("darwin") and "Credential Manager" in keyring_guidance("win32")
