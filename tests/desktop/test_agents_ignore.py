"""The Agents form's Ignore field: .gitignore patterns checked as typed, saved, shown again for the agent."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from agents import config
from desktop.ui.views.agents import AgentsView
from tests.desktop.conftest import settle


async def test_ignore_patterns_round_trip_and_a_bad_one_is_named_beside_the_field(qtbot, companion, ui,
                                                                                   workfolder: Path):
    """A bad pattern shows in plain words under Ignore and saves nothing; good ones save and load back."""
    signals, status = ui
    await companion.save_agent({"name": "Client work", "directory_paths": [str(workfolder)]})
    view = AgentsView(companion=companion, signals=signals, status=status)
    qtbot.addWidget(view)
    view.show()
    await settle()
    editor = view.editor
    assert editor.agent_id is not None and editor.ignore_edit.toPlainText() == ""
    assert ".gitignore files in the folders are honoured too" in editor.ignore_hint.text()

    editor.ignore_edit.setPlainText("node_modules/\n!\n")
    error = editor.errors["ignore_patterns"]
    assert error.isVisible() and "“!” is not a pattern a .gitignore file can hold" in error.text()  # as typed
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    await settle()
    assert error.isVisible() and "“!”" in error.text()
    [stored] = await config.list_agents(companion.store)
    assert stored.ignore_patterns == []

    editor.ignore_edit.setPlainText("node_modules/\n\n*.bak\ndrafts/**\n")
    assert not error.isVisible()
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    await settle()
    [stored] = await config.list_agents(companion.store)
    assert stored.ignore_patterns == ["node_modules/", "*.bak", "drafts/**"]

    view.new_agent()
    assert editor.ignore_edit.toPlainText() == ""
    view.list.setCurrentRow(0)
    await settle()
    assert editor.ignore_edit.toPlainText() == "node_modules/\n*.bak\ndrafts/**"
    assert not view._dirty()  # loaded back as saved: Run now does not save again
