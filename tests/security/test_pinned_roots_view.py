"""The Agents view warns on an agent whose folder changed since it was picked; re-saving clears it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from desktop.ui.views.agents import AgentsView
from tests.desktop.conftest import _isolated_desktop, companion, settle, ui, until  # noqa: F401  (fixtures)

pytestmark = pytest.mark.timeout(60)


async def test_agents_view_shows_a_changed_folder_until_it_is_picked_again(qtbot, companion, ui, tmp_path):  # noqa: F811
    """A swapped folder puts a re-pick warning on the agent's line; saving the agent again removes it."""
    folder = Path(os.path.realpath(tmp_path)) / "Clients"
    folder.mkdir()
    agent = await companion.save_agent({"name": "Client work", "directory_paths": [str(folder)]})
    signals, status = ui
    view = AgentsView(companion=companion, signals=signals, status=status)
    qtbot.addWidget(view)
    view.show()
    await settle()
    assert "pick it again" not in view.list.item(0).text()

    os.rename(folder, folder.with_name("Clients.bak"))
    os.symlink("/", folder)
    view._refresher.request()
    await until(lambda: "pick it again" in view.list.item(0).text(), what="the warning")
    assert "changed since it was picked" in view.list.item(0).toolTip()

    os.unlink(folder)
    folder.mkdir()
    await companion.save_agent({**agent.model_dump(exclude={"last_run_at"}), "directory_paths": [str(folder)]})
    await until(lambda: "pick it again" not in view.list.item(0).text(), what="the warning to clear")
