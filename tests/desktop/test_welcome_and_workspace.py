"""First run (the welcome page) and the Workspace tab, over the real store and rules engine."""

from __future__ import annotations

import functools
import threading
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from agents import calls, config
from agents.events import ReviewDidChange
from desktop.ui.main_window import MainWindow
from desktop.ui.signals import CoreSignals
from tests.desktop.conftest import settle, until


async def test_first_run_picks_a_folder_creates_a_rules_agent_and_runs_it(qtbot, companion, ui, workfolder: Path,
                                                                         monkeypatch):
    """With no agents the window shows the welcome page; choosing a folder creates a rules agent and runs it once."""
    signals, status = ui
    window = MainWindow(companion=companion, signals=signals, status=status)
    qtbot.addWidget(window)
    window.show()
    await settle()
    assert window.current_page() == "welcome"

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(workfolder))
    qtbot.mouseClick(window.welcome.choose_button, Qt.MouseButton.LeftButton)
    await until(lambda: window.current_page() == "runs", what="the Runs tab")
    [agent] = await config.list_agents(companion.store)
    assert agent.name == "Clients" and agent.engine == "rules" and agent.directory_paths == [str(workfolder)]
    model = window.runs_view.model
    await until(lambda: model.rows and model.rows[0]["status"] == "success", what="the first run to succeed")
    # the run found a task: the window lands on Review, where its suggestions wait
    await until(lambda: window.current_page() == "review", what="the Review tab after the first run")
    await settle()
    assert "Send the quote to Dana" in [r["title"] for r in window.review_view.model.rows]


async def test_workspace_lists_a_projects_records_and_edits_a_task(qtbot, companion, ui):
    """Selecting a project lists its tasks; Mark done and Edit… change the task through the catalogue."""
    signals, _status = ui
    from desktop.ui.views.workspace import WorkspaceView

    invoke = functools.partial(calls.invoke, companion.catalog)
    project = (await invoke("create_project", {"name": "Acme Corp"}))["id"]
    task = (await invoke("create_task", {"title": "Send the quote", "project_id": project}))["id"]
    await invoke("create_task", {"title": "Unfiled chore"})
    await invoke("create_note", {"title": "Kickoff", "content": "Scope agreed.", "project_id": project})
    view = WorkspaceView(companion=companion, signals=signals)
    qtbot.addWidget(view)
    view.show()
    await settle()
    model = view.projects_model
    names = [model.rows[i]["name"] for i in range(model.rowCount())]
    assert names == ["All projects", "No project", "Acme Corp"]  # the fixed entries first: the list is paged
    view.select_project_row(2)
    await settle()
    tasks = view.models["tasks"]
    assert [r["title"] for r in tasks.rows] == ["Send the quote"]
    assert view.tabs.tabText(0) == "Tasks (1)" and view.tabs.tabText(1) == "Notes (1)"

    view.tables["tasks"].selectRow(0)
    qtbot.mouseClick(view.done_button, Qt.MouseButton.LeftButton)
    await until(lambda: view.models["tasks"].data(view.models["tasks"].index(0, 1)) == "Completed",
                what="the task to be done")
    assert (await companion.store.fetchone("SELECT state FROM tasks WHERE id = ?", (task,)))["state"] == "Completed"

    view.tables["tasks"].selectRow(0)
    dialog = view.edit_record("tasks")
    assert dialog is not None
    dialog.title_edit.setText("Send the signed quote")
    dialog.due_edit.setText("2026-12-04")
    dialog.accept()
    await until(lambda: view.models["tasks"].rows[0]["title"] == "Send the signed quote", what="the edit")
    row = await companion.store.fetchone("SELECT title, due_date FROM tasks WHERE id = ?", (task,))
    assert row["title"] == "Send the signed quote" and row["due_date"].startswith("2026-12-04")


async def test_events_from_another_thread_reach_slots_on_the_gui_thread(qapp, companion):
    """An event emitted off the GUI thread is queued and delivered on the GUI thread."""
    signals = CoreSignals(companion.events)
    seen: list[tuple[str, bool]] = []
    gui = threading.current_thread()
    signals.review_did_change.connect(lambda e: seen.append((str(e.pending), threading.current_thread() is gui)))
    worker = threading.Thread(target=lambda: companion.events.emit(ReviewDidChange(pending=7)))
    worker.start()
    worker.join()
    assert seen == []  # queued, not run on the worker
    await until(lambda: seen, what="the queued event")
    assert seen == [("7", True)]
    signals.close()
