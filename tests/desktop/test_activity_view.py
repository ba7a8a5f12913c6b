"""The Activity tab: a backend's update to an existing task is listed with Undo; the user's own edits are not."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt

from agents import calls
from desktop.ui.main_window import MainWindow
from tests.desktop.conftest import settle, until


async def _due(companion, task_id: str) -> str | None:
    return (await companion.store.fetchone("SELECT due_date FROM tasks WHERE id = ?", (task_id,)))["due_date"]


async def test_a_bridge_update_shows_in_activity_and_undo_restores_it(qtbot, companion, ui):
    """update_task over the bridge shows as "Backend changed task …" in the Activity tab; Undo brings the old due
    date back and the row then reads Undone."""
    signals, status = ui
    year = date.today().year
    task = await companion.invoke_tool("create_task", {"title": "Send invoice", "due_date": f"{year}-12-04"})
    await companion.invoke_tool("update_task", {"task_id": task["id"], "state": "In Progress"})  # the user's own
    window = MainWindow(companion=companion, signals=signals, status=status)
    qtbot.addWidget(window)
    window.show()
    window.show_tab("activity")
    view = window.view("activity")
    await settle()
    assert view.texts() == [] and view.empty.isVisible()  # the user's own edit is not listed

    outcome = await calls.execute(companion.store, companion.catalog, call_id="b-1", name="update_task",
                                  args={"taskId": task["id"], "dueDate": f"{year}-12-08"}, source="bridge")
    assert outcome.ok
    await until(lambda: view.texts() == ["Backend changed task “Send invoice”: due 4 Dec → 8 Dec"],
                what="the backend's change listed")
    row = view.row_widget(0)
    assert row.isVisible() and row.undo_button.isEnabled()

    qtbot.mouseClick(row.undo_button, Qt.MouseButton.LeftButton)
    await until(lambda: view.rows and view.rows[0].undone_at is not None, what="the change undone")
    assert await _due(companion, task["id"]) == f"{year}-12-04"
    assert view.row_widget(0).undo_button.text() == "Undone" and not view.row_widget(0).undo_button.isEnabled()


async def test_undo_after_the_user_changed_the_field_says_so_and_changes_nothing(qtbot, companion, ui):
    """When the user changed the due date after the backend did, Undo refuses in plain words."""
    signals, _status = ui
    from desktop.ui.views.activity import ActivityView

    task = await companion.invoke_tool("create_task", {"title": "Send invoice", "due_date": "2026-12-04"})
    await calls.execute(companion.store, companion.catalog, call_id="b-2", name="update_task",
                        args={"task_id": task["id"], "due_date": "2026-12-08"}, source="bridge")
    await companion.invoke_tool("update_task", {"task_id": task["id"], "due_date": "2026-12-10"})
    view = ActivityView(companion=companion, signals=signals)
    qtbot.addWidget(view)
    view.show()
    await until(lambda: len(view.rows) == 1, what="the listed change")
    qtbot.mouseClick(view.row_widget(0).undo_button, Qt.MouseButton.LeftButton)
    await until(lambda: view.error.isVisible(), what="the refusal")
    assert "changed again since (due)" in view.error.text() and "not undone" in view.error.text()
    assert await _due(companion, task["id"]) == "2026-12-10"
    await settle()
    assert view.rows[0].undone_at is None and view.row_widget(0).undo_button.isEnabled()


async def test_undo_of_a_change_already_undone_shows_the_sentence(qtbot, companion, ui):
    """Undo of a change undone meanwhile (another window) shows "already undone" above the list, no machine code."""
    signals, _status = ui
    from desktop.ui.views.activity import ActivityView

    task = await companion.invoke_tool("create_task", {"title": "Send invoice", "due_date": "2026-12-04"})
    await calls.execute(companion.store, companion.catalog, call_id="b-3", name="update_task",
                        args={"task_id": task["id"], "due_date": "2026-12-08"}, source="bridge")
    view = ActivityView(companion=companion, signals=signals)
    qtbot.addWidget(view)
    view.show()
    await until(lambda: len(view.rows) == 1, what="the listed change")
    update_id = view.rows[0].id
    view.undo(update_id)
    await until(lambda: view.rows[0].undone_at is not None, what="the change undone")
    view.undo(update_id)
    await until(lambda: view.error.isVisible(), what="the refusal")
    assert view.error.text() == "This change to the task “Send invoice” was already undone."
    assert await _due(companion, task["id"]) == "2026-12-04"
