"""Set-up for users: the config snippets, doctor's door check, and the Settings box with recent apps."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

import pytest
from pydantic import SecretStr

from agents import calls, mcp_access
from agents.tools.catalog import Catalog
from bridge.mcp_door.setup import snippet
from desktop.doctor import Report, State, check_mcp_door
from tests.desktop.conftest import _isolated_desktop  # noqa: F401  (memory keyring, no autostart writes)


@pytest.mark.parametrize("app, key", [("claude", "mcpServers"), ("cursor", "mcpServers"), ("vscode", "servers")])
def test_snippet_names_an_executable_that_serves_mcp(app, key, tmp_path):
    """Each app's snippet is JSON naming an existing executable with the ``mcp`` sub-command."""
    entry = json.loads(snippet(app, tmp_path))[key]["adiuva"]
    assert os.path.exists(entry["command"]) and "mcp" in entry["args"]
    assert entry["args"][-2:] == ["--data-dir", str(tmp_path)]
    if app == "vscode":
        assert entry["type"] == "stdio"


async def test_doctor_sees_the_door_start(tmp_path, capsys):
    """The doctor check spawns the door over stdio, initializes and lists the tools."""
    report = Report()
    await check_mcp_door(report, State(data_dir=tmp_path, timeout=5.0))
    out = capsys.readouterr().out
    assert not report.failed and "MCP door starts (20 tools)" in out


async def test_doctor_reports_a_door_that_does_not_answer(tmp_path, capsys):
    """A door that cannot start within the timeout is a FAIL line with the fix."""
    report = Report()
    await check_mcp_door(report, State(data_dir=tmp_path, timeout=5.0), timeout=0.01)
    assert report.failed and "adiuva-companion mcp --verbose" in capsys.readouterr().out


async def test_settings_box_shows_snippet_copies_it_and_lists_recent_apps(tmp_path: Path, qtbot, qapp):
    """The MCP box shows the snippet, Copy puts it on the clipboard, and apps that called are listed."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication

    from desktop.companion import Companion
    from desktop.ui.views.mcp_settings import McpBox
    from tests.desktop.conftest import until

    c = Companion(data_dir=tmp_path / "data", token_provider=lambda: SecretStr("t"), scheduler=False, control=False)
    await c.start()
    try:
        catalog = Catalog(store=c.store)
        for _ in range(2):
            await calls.execute(c.store, catalog, call_id=mcp_access.new_call_id("Claude Desktop"),
                                  name="list_tasks", args={}, source=mcp_access.SOURCE)
        box = McpBox(companion=c)
        qtbot.addWidget(box)
        box.show()
        assert json.loads(box.snippet_edit.toPlainText())["mcpServers"]["adiuva"]["args"][0] == "mcp"
        qtbot.mouseClick(box.copy_button, Qt.MouseButton.LeftButton)
        assert QGuiApplication.clipboard().text() == box.snippet_edit.toPlainText()
        box.app_combo.setCurrentIndex(1)
        assert "servers" in json.loads(box.snippet_edit.toPlainText())
        await until(lambda: "Claude Desktop: 2 calls" in box.clients_label.text(), timeout=10, what="recent apps")
        box.direct_box.setChecked(True)
        for _ in range(100):
            if await c.store.get_setting(mcp_access.MCP_DIRECT_WRITES_KEY) is True:
                break
            await asyncio.sleep(0.05)
        assert await c.store.get_setting(mcp_access.MCP_DIRECT_WRITES_KEY) is True
    finally:
        await c.stop()
