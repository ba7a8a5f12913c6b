"""The Agents view: live cron validation, field errors from ConfigError, saving to the real store."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from agents import config
from desktop.ui.views.agents import AgentsView
from tests.desktop.conftest import settle


async def test_invalid_cron_shows_the_error_and_saves_nothing_then_a_valid_one_saves(
    qtbot, companion, ui, workfolder: Path, monkeypatch
):
    """An invalid cron shows an error under the field and stores nothing; a valid one saves the agent."""
    signals, status = ui
    view = AgentsView(companion=companion, signals=signals, status=status)
    qtbot.addWidget(view)
    view.show()
    await settle()

    qtbot.mouseClick(view.new_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(view.editor.name_edit, "Client work")
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(workfolder))
    qtbot.mouseClick(view.editor.add_folder_button, Qt.MouseButton.LeftButton)
    assert view.editor.folders.count() == 1

    qtbot.keyClicks(view.editor.cron.edit, "61 * * * *")
    assert view.editor.cron.error.isVisible()  # live, before Save
    assert "minute" in view.editor.cron.error.text()

    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    await settle()
    field_error = view.editor.errors["schedule_cron"]
    assert field_error.isVisible() and "minute" in field_error.text()
    assert await config.list_agents(companion.store) == []

    view.editor.cron.edit.clear()
    qtbot.keyClicks(view.editor.cron.edit, "0 9 * * 1-5")
    assert not view.editor.cron.error.isVisible()
    assert "Monday through Friday" in view.editor.cron.description.text()
    assert view.editor.cron.next_label.text().count("·") == 2  # three next run times

    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    await settle()
    [agent] = await config.list_agents(companion.store)
    assert agent.name == "Client work" and agent.schedule_cron == "0 9 * * 1-5"
    assert agent.directory_paths == [str(workfolder.resolve())] and agent.engine == "rules"
    assert view.list.count() == 1 and view.list.currentItem().text().startswith("Client work")
    assert not any(label.isVisible() for label in view.editor.errors.values())


async def test_a_missing_folder_is_reported_under_the_folders_field(qtbot, companion, ui):
    """Save without a folder names the folders field and stores nothing."""
    signals, status = ui
    view = AgentsView(companion=companion, signals=signals, status=status)
    qtbot.addWidget(view)
    view.show()
    await settle()
    qtbot.keyClicks(view.editor.name_edit, "No folders")
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    await settle()
    assert view.editor.errors["directory_paths"].isVisible()
    assert await config.list_agents(companion.store) == []


async def test_remove_agent_offers_undo_and_undo_brings_it_back_with_its_runs(qtbot, companion, ui, tmp_path):
    """Remove takes the agent away at once; the window's Undo restores it (same id, settings) and its runs."""
    from desktop.ui.main_window import MainWindow
    from tests.desktop.conftest import until

    signals, status = ui
    folder = tmp_path / "Clients"
    folder.mkdir()
    (folder / "a.md").write_text("- [ ] Call Ana\n")
    agent = await companion.save_agent({"name": "Clients", "directory_paths": [str(folder)],
                                        "schedule_cron": "0 9 * * 1-5"})
    run = await companion.run_agent("Clients")
    window = MainWindow(companion=companion, signals=signals, status=status)
    qtbot.addWidget(window)
    window.show()
    window.show_tab("agents")
    view = window.agents_view
    await until(lambda: view.list.count() == 1, what="the agent in the list")
    view.list.setCurrentRow(0)
    await settle()
    qtbot.mouseClick(view.remove_button, Qt.MouseButton.LeftButton)
    await until(lambda: window.undo_bar.isVisible(), what="the undo bar")
    assert await config.get_agent(companion.store, agent.id) is None
    assert window.undo_bar.label.text() == "Removed the agent “Clients”"
    window.undo()  # Edit ▸ Undo (Ctrl+Z) runs what the bar offers, like its own button
    await settle()
    back = await config.get_agent(companion.store, agent.id)
    assert back is not None and back.schedule_cron == "0 9 * * 1-5" and back.directory_paths == [str(folder)]
    linked = await companion.store.scalar("SELECT agent_id FROM agent_runs WHERE id = ?", (run["id"],))
    assert linked == agent.id
    await until(lambda: view.list.count() == 1, what="the agent back in the list")
