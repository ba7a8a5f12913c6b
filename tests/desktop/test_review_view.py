"""The Review tab: approving and rejecting change the store, the tab badge and the tray."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop.ui.main_window import MainWindow
from desktop.ui.tray import Tray
from tests.desktop.conftest import settle, until


async def _suggest(companion, kind: str, **fields) -> str:
    tool = {"tasks": "create_task", "notes": "create_note", "projects": "create_project"}[kind]
    record = await companion.catalog.invoke(tool, {"is_ai_suggested": True, **fields})
    return record["id"]


def _leaf(view, kind: str, record_id: str):
    """The tree item of one suggestion."""
    def walk(item):
        if item.data(0, Qt.ItemDataRole.UserRole) == (kind, record_id):
            return item
        for i in range(item.childCount()):
            found = walk(item.child(i))
            if found is not None:
                return found
        return None

    for i in range(view.tree.topLevelItemCount()):
        found = walk(view.tree.topLevelItem(i))
        if found is not None:
            return found
    raise AssertionError(f"{kind} {record_id} is not listed")


async def test_approve_and_reject_change_the_store_and_the_badge(qtbot, companion, ui, tmp_path):
    """Approve sets is_approved, reject sets rejected_at; the badge and tray count go 3 → 2 → 1."""
    signals, status = ui
    source = tmp_path / "brief.md"
    source.write_text("# Brief\n")
    project = await _suggest(companion, "projects", name="Acme Corp", source_path=str(source))
    task = await _suggest(companion, "tasks", title="Send the quote", project_id=project, source_path=str(source))
    note = await _suggest(companion, "notes", title="Kickoff", content="Scope agreed.")
    await companion.save_agent({"name": "Client work", "directory_paths": [str(tmp_path)]})
    window = MainWindow(companion=companion, signals=signals, status=status)
    qtbot.addWidget(window)
    tray = Tray(companion=companion, status=status, window=window, on_quit=lambda: None)
    window.show()
    window.show_tab("review")
    await settle()
    view = window.review_view
    assert window.review_tab_text() == "Review (3)" and status.pending == 3 and tray.state == "attention"
    assert "3 to review" in tray.icon.toolTip()

    view.tree.clearSelection()
    _leaf(view, "tasks", task).setSelected(True)
    assert view.title.text() == "Send the quote"
    assert view.source.text() == f"Source: {source}" and view.open_button.isEnabled()
    assert "Acme Corp" in view.meta.text()
    qtbot.mouseClick(view.approve_button, Qt.MouseButton.LeftButton)
    await until(lambda: window.review_tab_text() == "Review (2)", what="the badge to show 2")
    row = await companion.store.fetchone("SELECT is_approved, rejected_at FROM tasks WHERE id = ?", (task,))
    assert row == {"is_approved": 1, "rejected_at": None}
    await until(lambda: status.pending == 2 and "2 to review" in tray.icon.toolTip(), what="the tray count")

    view.tree.clearSelection()
    _leaf(view, "notes", note).setSelected(True)
    qtbot.mouseClick(view.reject_button, Qt.MouseButton.LeftButton)
    await until(lambda: window.review_tab_text() == "Review (1)", what="the badge to show 1")
    row = await companion.store.fetchone("SELECT is_approved, rejected_at FROM notes WHERE id = ?", (note,))
    assert row["is_approved"] == 0 and row["rejected_at"] is not None
    await settle()
    assert view.count == 1 and status.pending == 1
    with_note = [view.tree.topLevelItem(i).text(0) for i in range(view.tree.topLevelItemCount())]
    assert with_note == ["Projects (1)"]


async def test_edit_saves_through_the_catalogue(qtbot, companion, ui):
    """Edit… opens a dialog whose changes are saved with update_task and shown in the list."""
    signals, _status = ui
    task = await _suggest(companion, "tasks", title="Send quote")
    from desktop.ui.views.review import ReviewView

    view = ReviewView(companion=companion, signals=signals)
    qtbot.addWidget(view)
    view.show()
    await settle()
    _leaf(view, "tasks", task).setSelected(True)
    dialog = view.edit_selected()
    assert dialog is not None
    dialog.title_edit.setText("Send the final quote")
    dialog.accept()
    await until(lambda: view.tree.topLevelItemCount() and _leaf(view, "tasks", task).text(0) == "Send the final quote",
                what="the edited title")
    row = await companion.store.fetchone("SELECT title, is_approved FROM tasks WHERE id = ?", (task,))
    assert row == {"title": "Send the final quote", "is_approved": 0}  # still waiting for review
