"""Run now from the Agents tab: the Runs table and the tray follow the run through core events."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from desktop.ui.main_window import MainWindow
from desktop.ui.tray import Tray
from tests.desktop.conftest import settle, until


async def test_run_now_updates_the_runs_table_and_the_tray_state(qtbot, companion, ui, workfolder: Path):
    """Run now adds a run row that ends as success; the tray goes running → attention (suggestions wait)."""
    signals, status = ui
    await companion.save_agent({"name": "Client work", "directory_paths": [str(workfolder)]})
    await settle()
    window = MainWindow(companion=companion, signals=signals, status=status)
    qtbot.addWidget(window)
    tray = Tray(companion=companion, status=status, window=window, on_quit=lambda: None)
    states: list[str] = [tray.state]
    tray.state_changed.connect(states.append)
    window.show()
    await settle()
    assert window.current_page() == "agents" and tray.state == "offline"
    assert tray.icon.icon().cacheKey() != 0

    view = window.agents_view
    assert view.editor.name_edit.text() == "Client work"
    qtbot.mouseClick(view.run_button, Qt.MouseButton.LeftButton)
    model = window.runs_view.model
    await until(lambda: model.rows and model.rows[0]["status"] == "success", what="a successful run row")
    await settle()

    run = model.rows[0]
    assert run["agent_name"] == "Client work" and run["trigger"] == "manual"
    assert run["items_processed"] == 1 and run["items_created"] >= 2
    row = [model.data(model.index(0, col)) for col in range(model.columnCount())]
    assert row[0] == "Client work" and row[4] == "success" and row[5] == "1"
    assert "running" in states
    assert states[-1] == "attention" and tray.state == "attention"  # the run's suggestions wait for review
    assert tray.last_message is not None and tray.last_message[0] == "Client work finished"
    assert "1 file read" in tray.last_message[1]
    assert window.review_tab_text() == f"Review ({status.pending})" and status.pending >= 2

    window.runs_view.table.selectRow(0)
    await settle()
    detail = window.runs_view.detail
    assert detail.calls.topLevelItemCount() >= 3  # list_directory, read_file_content, create_* ...
    tools = {detail.calls.topLevelItem(i).text(1) for i in range(detail.calls.topLevelItemCount())}
    assert "read_file_content" in tools and "create_task" in tools
