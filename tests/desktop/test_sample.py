"""The sample agent: created manual-only from the welcome page, and removed in one step from the window."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from agents import calls, config, sample
from agents.review import pending_count
from desktop.ui.main_window import MainWindow
from tests.desktop.conftest import settle, until


async def _live(companion, kind: str) -> list[dict]:
    return await companion.store.fetchall(f"SELECT * FROM {kind} WHERE deleted_at IS NULL AND rejected_at IS NULL")


async def test_the_sample_agent_is_manual_only_and_remove_the_sample_leaves_nothing_of_it(qtbot, companion, ui):
    """"Try it with the sample files" makes an agent with no schedule; "Remove the sample" removes it, its waiting
    suggestions and its projects, and leaves the user's own records."""
    signals, status = ui
    window = MainWindow(companion=companion, signals=signals, status=status)
    qtbot.addWidget(window)
    window.show()
    await settle()
    assert window.current_page() == "welcome" and not window.sample_notice.isVisible()

    qtbot.mouseClick(window.welcome.sample_button, Qt.MouseButton.LeftButton)
    await until(lambda: window.current_page() == "review", timeout=60, what="the sample run's suggestions")
    [agent] = await config.list_agents(companion.store)
    assert agent.name == "Sample files" and agent.schedule_cron is None
    assert agent.directory_paths == [sample.sample_folder()]
    assert await sample.sample_agent_ids(companion.store) == [agent.id]
    assert await pending_count(companion.store) > 0
    assert await _live(companion, "projects")  # the sample suggested its client projects
    await until(lambda: window.sample_notice.isVisible(), what="the sample notice")
    assert "sample files" in window.sample_notice.label.text()

    own = await calls.invoke(companion.catalog, "create_project", {"name": "My real client"})
    mine = await calls.invoke(companion.catalog, "create_task", {"title": "My own task", "project_id": own["id"]})

    qtbot.mouseClick(window.sample_notice.remove_button, Qt.MouseButton.LeftButton)
    box = window.sample_notice.confirm_box
    assert box is not None  # asks first: the removal cannot be undone
    box.button(QMessageBox.StandardButton.Yes).click()
    await until(lambda: not window.sample_notice.isVisible(), what="the notice to go")
    await settle()

    assert await config.list_agents(companion.store) == []
    assert await sample.sample_agent_ids(companion.store) == []
    assert await companion.store.get_setting(sample.SAMPLE_AGENT) is None
    assert await pending_count(companion.store) == 0
    assert [p["id"] for p in await _live(companion, "projects")] == [own["id"]]
    assert [t["id"] for t in await _live(companion, "tasks")] == [mine["id"]]
    assert await _live(companion, "notes") == [] and await _live(companion, "timelines") == []
    await until(lambda: window.current_page() == "welcome", what="the welcome page (no agent left)")


async def test_cancel_keeps_the_sample(qtbot, companion, ui):
    """Cancelling the confirmation removes nothing."""
    signals, status = ui
    agent = await companion.save_agent({"name": "Sample files", "directory_paths": [sample.sample_folder()],
                                        "engine": "rules"})
    window = MainWindow(companion=companion, signals=signals, status=status)
    qtbot.addWidget(window)
    window.show()
    await until(lambda: window.sample_notice.isVisible(), what="the sample notice (recognised by its folder)")
    window.sample_notice.ask_to_remove()
    window.sample_notice.confirm_box.button(QMessageBox.StandardButton.Cancel).click()
    await settle()
    assert [a.id for a in await config.list_agents(companion.store)] == [agent.id]
    assert window.sample_notice.isVisible()
