"""Editing in the Workspace (issue 14 item 4): the dialog's checks, dates from phrases, the project field,
add / edit / complete / delete with undo, overdue and done rows; over a real store and real widgets."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from agents import records_ops
from agents.records_ops import parse_date
from desktop.ui import tones
from desktop.ui.main_window import MainWindow
from desktop.ui.views.record_dialog import RecordDialog
from tests.desktop.conftest import settle, until


async def _window(qtbot, companion, ui) -> MainWindow:
    signals, status = ui
    await companion.save_agent({"name": "Docs", "directory_paths": ["/tmp"], "engine": "rules"})
    await settle()
    window = MainWindow(companion=companion, signals=signals, status=status)
    qtbot.addWidget(window)
    window.show()
    window.show_tab("workspace")
    await settle()
    return window


def test_phrases_become_dates_relative_to_today():
    """Typed phrases resolve against today; an unreadable one says so in plain words."""
    monday = date(2026, 11, 30)
    assert parse_date("next friday", monday) == date(2026, 12, 4)
    assert parse_date("tomorrow", monday) == date(2026, 12, 1)
    assert parse_date("in 2 weeks", monday) == date(2026, 12, 14)
    assert parse_date("dec 4", monday) == date(2026, 12, 4)
    assert parse_date("jan 3", monday) == date(2027, 1, 3)  # no year: the coming one
    assert parse_date("2026-12-04", monday) == date(2026, 12, 4)
    assert parse_date("  ", monday) is None
    try:
        parse_date("someday soon", monday)
    except ValueError as exc:
        assert "not a date" in str(exc) and "Error" not in str(exc)
    else:
        raise AssertionError("an unreadable date was accepted")


async def test_the_dialog_keeps_the_input_and_shows_each_problem_beside_its_field(qtbot, companion, ui):
    """An empty title and an unreadable date keep the dialog open, the text as typed, the problems in words."""
    window = await _window(qtbot, companion, ui)
    task = (await companion.invoke_tool("create_task", {"title": "Send the quote"}))["id"]
    view = window.workspace_view
    await until(lambda: view.models["tasks"].rows, what="the task")
    view.tables["tasks"].selectRow(0)
    dialog = view.edit_record("tasks")
    assert dialog is not None
    dialog.title_edit.setText("   ")
    dialog.due_edit.setText("someday soon")
    dialog.accept()
    await settle()
    assert dialog.isVisible() and dialog.result() != RecordDialog.DialogCode.Accepted
    assert dialog.title_edit.text() == "   " and dialog.due_edit.text() == "someday soon"
    assert dialog.title_error.isVisibleTo(dialog) and dialog.title_error.text() == "Give it a title."
    problem = dialog.due_field.error.text()
    assert dialog.due_field.error.isVisibleTo(dialog) and "“someday soon” is not a date" in problem
    assert "pydantic" not in problem.lower() and "validation" not in problem.lower()
    row = await companion.store.fetchone("SELECT title, due_date FROM tasks WHERE id = ?", (task,))
    assert row["title"] == "Send the quote" and row["due_date"] is None  # nothing saved

    closed: list[int] = []
    dialog.finished.connect(closed.append)
    dialog.title_edit.setText("Send the signed quote")
    dialog.due_edit.setText("in 2 weeks")
    want = date.today() + timedelta(days=14)
    assert dialog.due_field.understood.text() == f"→ {want:%a} {want.day} {want:%b %Y}"
    dialog.accept()
    await until(lambda: closed == [RecordDialog.DialogCode.Accepted], what="the dialog to close after saving")
    row = await companion.store.fetchone("SELECT title, due_date FROM tasks WHERE id = ?", (task,))
    assert row["title"] == "Send the signed quote" and row["due_date"].startswith(want.isoformat())


async def test_a_save_the_store_refuses_keeps_the_dialog_open_with_a_plain_reason(qtbot, companion, ui):
    """Editing a task deleted meanwhile: the dialog stays, with the reason in words and the input kept."""
    window = await _window(qtbot, companion, ui)
    task = (await companion.invoke_tool("create_task", {"title": "Gone soon"}))["id"]
    view = window.workspace_view
    await until(lambda: view.models["tasks"].rows, what="the task")
    view.tables["tasks"].selectRow(0)
    dialog = view.edit_record("tasks")
    await records_ops.delete(companion.store, None, "tasks", task)
    dialog.title_edit.setText("Renamed")
    dialog.accept()
    await until(lambda: dialog.error.isVisibleTo(dialog), what="the save's problem")
    assert dialog.isVisible() and dialog.title_edit.text() == "Renamed"
    assert dialog.error.text() == "This task (or its project) no longer exists: it was deleted elsewhere."


async def test_deleting_a_task_deleted_elsewhere_says_it_does_not_exist(qtbot, companion, ui):
    """Delete of a task another window already deleted shows "was not deleted" and why, in words."""
    window = await _window(qtbot, companion, ui)
    task = (await companion.invoke_tool("create_task", {"title": "Gone soon"}))["id"]
    view = window.workspace_view
    await until(lambda: view.models["tasks"].rows, what="the task")
    view.tables["tasks"].selectRow(0)
    await records_ops.delete(companion.store, None, "tasks", task)  # no event: the row is still shown
    qtbot.mouseClick(view.delete_button, Qt.MouseButton.LeftButton)
    await until(lambda: view.findChildren(QMessageBox), what="the failure box")
    [box] = view.findChildren(QMessageBox)
    assert box.text() == "“Gone soon” was not deleted"
    assert box.informativeText() == f"task {task} does not exist"
    assert not window.undo_bar.isVisible()


async def test_add_a_task_in_a_project_edit_its_project_complete_it_and_delete_it_with_undo(qtbot, companion, ui):
    """New task… files it under the chosen project; Edit moves it; Mark done/Reopen; Delete and Undo."""
    window = await _window(qtbot, companion, ui)
    invoke = companion.invoke_tool
    acme = (await invoke("create_project", {"name": "Acme Corp"}))["id"]
    bluebird = (await invoke("create_project", {"name": "Bluebird"}))["id"]
    view = window.workspace_view
    await until(lambda: len(view.projects_model.rows) == 4, what="the projects")
    view.select_project_row(next(i for i, r in enumerate(view.projects_model.rows) if r["id"] == acme))
    await settle()

    dialog = view.add_record("tasks")
    combo = dialog.project_combo
    assert combo is not None and combo.currentData() == acme  # the selected project
    assert [combo.itemText(i) for i in range(combo.count())] == ["No project", "Acme Corp", "Bluebird"]
    dialog.title_edit.setText("Book the venue")
    dialog.due_edit.setText("tomorrow")
    dialog.accept()
    await until(lambda: [r["title"] for r in view.models["tasks"].rows] == ["Book the venue"], what="the new task")
    row = await companion.store.fetchone("SELECT * FROM tasks WHERE title = 'Book the venue'")
    assert row["project_id"] == acme and row["is_approved"] == 1 and row["is_ai_suggested"] == 0
    assert row["due_date"].startswith((date.today() + timedelta(days=1)).isoformat())

    view.tables["tasks"].selectRow(0)
    dialog = view.edit_record("tasks")
    dialog.project_combo.setCurrentIndex(dialog.project_combo.findData(bluebird))
    dialog.accept()
    await until(lambda: not view.models["tasks"].rows, what="the task to leave Acme")
    assert (await companion.store.scalar("SELECT project_id FROM tasks WHERE id = ?", (row["id"],))) == bluebird

    view.select_project_row(0)  # all projects
    await until(lambda: view.models["tasks"].rows, what="all tasks")
    view.tables["tasks"].selectRow(0)
    assert view.done_button.text() == "Mark done"
    qtbot.mouseClick(view.done_button, Qt.MouseButton.LeftButton)
    await until(lambda: view.models["tasks"].rows[0]["state"] == "Completed", what="the task to be done")
    view.tables["tasks"].selectRow(0)
    assert view.done_button.text() == "Reopen"
    model = view.models["tasks"]
    assert model.data(model.index(0, 0), Qt.ItemDataRole.FontRole).strikeOut()

    qtbot.mouseClick(view.delete_button, Qt.MouseButton.LeftButton)
    await until(lambda: not model.rows and window.undo_bar.isVisible(), what="the delete and its undo bar")
    assert window.undo_bar.label.text() == "Deleted “Book the venue”"
    assert await companion.store.scalar("SELECT deleted_at FROM tasks WHERE id = ?", (row["id"],)) is not None
    await settle()
    qtbot.mouseClick(window.undo_bar.action_button, Qt.MouseButton.LeftButton)
    await until(lambda: [r["title"] for r in model.rows] == ["Book the venue"], what="the undone delete")
    assert await companion.store.scalar("SELECT deleted_at FROM tasks WHERE id = ?", (row["id"],)) is None


async def test_tasks_sort_by_due_date_overdue_in_the_error_tone_done_ones_muted(qtbot, companion, ui):
    """Due dates order the tasks (none last); an overdue task is red, a done one struck through and muted."""
    window = await _window(qtbot, companion, ui)
    invoke = companion.invoke_tool
    today = date.today()
    await invoke("create_task", {"title": "A no date"})
    await invoke("create_task", {"title": "B later", "due_date": (today + timedelta(days=9)).isoformat()})
    await invoke("create_task", {"title": "C late", "due_date": (today - timedelta(days=2)).isoformat()})
    await invoke("create_task", {"title": "D done late", "due_date": (today - timedelta(days=3)).isoformat(),
                                 "state": "Completed"})
    model = window.workspace_view.models["tasks"]
    await until(lambda: len(model.rows) == 4, what="the tasks")
    assert [r["title"] for r in model.rows] == ["D done late", "C late", "B later", "A no date"]
    fg = Qt.ItemDataRole.ForegroundRole
    assert model.data(model.index(1, 0), fg) == tones.qcolor("error")
    assert "Overdue" in model.data(model.index(1, 0), Qt.ItemDataRole.ToolTipRole)
    assert model.data(model.index(2, 0), fg) is None
    assert model.data(model.index(0, 0), fg) == tones.qcolor("muted")  # done: not overdue
    assert model.data(model.index(0, 0), Qt.ItemDataRole.FontRole).strikeOut()


async def test_deleting_a_project_leaves_its_records_standalone_and_undelete_files_them_back(companion):
    """records_ops.delete of a project detaches its tasks; undelete restores the project and re-files them."""
    invoke = companion.invoke_tool
    project = (await invoke("create_project", {"name": "Acme"}))["id"]
    task = (await invoke("create_task", {"title": "T", "project_id": project}))["id"]
    done = await records_ops.delete(companion.store, companion.events, "projects", project)
    assert done.detached == (("tasks", task),)
    assert await companion.store.scalar("SELECT project_id FROM tasks WHERE id = ?", (task,)) is None
    assert await records_ops.undelete(companion.store, companion.events, done)
    assert await companion.store.scalar("SELECT project_id FROM tasks WHERE id = ?", (task,)) == project
    assert await companion.store.scalar("SELECT deleted_at FROM projects WHERE id = ?", (project,)) is None
