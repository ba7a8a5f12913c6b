"""Schedule presets in the agent form, and a saved schedule's first run waits for its next slot."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import Qt

from agents import config
from agents.config import AgentConfig
from agents.scheduler import AgentSchedule, due_at
from agents.store import DB_FILENAME, Store
from desktop.ui.views.agents import AgentsView, CronField
from tests.desktop.conftest import settle


async def test_choosing_a_preset_fills_the_cron_field_and_its_reading(qtbot, qapp):
    """Each preset fills the field; the human reading follows; typing a preset's cron selects it."""
    field = CronField()
    qtbot.addWidget(field)
    field.choose_preset("Every weekday at 9:00")
    assert field.text() == "0 9 * * 1-5"
    assert "09:00" in field.description.text() and "Monday through Friday" in field.description.text()
    assert field.next_label.text().startswith("Next runs: ")
    field.choose_preset("Every hour")
    assert field.text() == "0 * * * *" and "every hour" in field.description.text().lower()
    field.choose_preset("Every day at 18:00")
    assert field.text() == "0 18 * * *" and "18:00" in field.description.text()
    field.choose_preset("Manual only")
    assert field.text() == "" and field.description.text().startswith("Manual only")
    field.setText("0  9 * * 1-5")
    assert field.presets.currentText() == "Every weekday at 9:00"
    field.setText("*/5 * * * *")
    assert field.presets.currentText() == "Custom"
    field.setText("61 * * * *")
    assert field.error.text().startswith("The minute field '61' is not valid")


async def test_a_preset_saved_in_the_form_waits_for_its_next_slot(qtbot, companion, ui, workfolder: Path):
    """Saving an agent with a preset stores the cron and its saved-at time; it is due at the next slot, later."""
    signals, status = ui
    view = AgentsView(companion=companion, signals=signals, status=status)
    qtbot.addWidget(view)
    view.show()
    await settle()
    view.new_agent()
    view.editor.name_edit.setText("Client work")
    view.editor.folders.addItem(str(workfolder))
    view.editor.cron.choose_preset("Every weekday at 9:00")
    before = datetime.now(UTC).replace(microsecond=0)
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    await settle()
    agent = (await config.list_agents(companion.store))[0]
    assert agent.schedule_cron == "0 9 * * 1-5"
    assert agent.schedule_saved_at is not None and agent.schedule_saved_at >= before
    when = due_at(AgentSchedule.of(agent), UTC)
    assert when is not None and when > agent.schedule_saved_at  # not at once
    assert await companion.store.scalar("SELECT COUNT(*) FROM agent_runs") == 0


async def test_the_saved_at_time_moves_only_when_the_schedule_changes(tmp_path: Path):
    """Renaming keeps the schedule's saved-at time; a new cron or re-enabling moves it."""
    store = await Store.open(tmp_path / DB_FILENAME)
    try:
        first = await config.save_agent(store, AgentConfig.parse(
            {"name": "A", "directory_paths": [str(tmp_path)], "schedule_cron": "0 9 * * *"}))
        saved = first.schedule_saved_at
        assert saved is not None
        await asyncio.sleep(0.01)
        renamed = await config.save_agent(store, first.model_copy(update={"name": "B"}))
        assert renamed.schedule_saved_at == saved
        disabled = await config.save_agent(store, renamed.model_copy(update={"enabled": False}))
        assert disabled.schedule_saved_at == saved
        await asyncio.sleep(0.01)
        enabled = await config.save_agent(store, disabled.model_copy(update={"enabled": True}))
        assert enabled.schedule_saved_at > saved
        await asyncio.sleep(0.01)
        changed = await config.save_agent(store, enabled.model_copy(update={"schedule_cron": "0 10 * * *"}))
        assert changed.schedule_saved_at > enabled.schedule_saved_at
        assert (await config.get_agent(store, "B")).schedule_saved_at == changed.schedule_saved_at
    finally:
        await store.close()
