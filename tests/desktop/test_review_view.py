"""The Review tab: approving and rejecting change the store, the tab badge and the tray."""

from __future__ import annotations

from PySide6.QtCore import Qt

from agents import calls
from desktop.ui.main_window import MainWindow
from desktop.ui.tray import Tray
from tests.desktop.conftest import settle, until


async def _suggest(companion, kind: str, **fields) -> str:
    tool = {"tasks": "create_task", "notes": "create_note", "projects": "create_project"}[kind]
    record = await calls.invoke(companion.catalog, tool, {"is_ai_suggested": True, **fields})
    return record["id"]


def select(view, record_id: str) -> None:
    """Select one suggestion's row in the review table."""
    row = view.model.row_of(record_id)
    assert row >= 0, f"{record_id} is not listed"
    view.select_row(row)


async def test_approve_and_reject_change_the_store_and_the_badge(qtbot, companion, ui, tmp_path):
    """Approve sets is_approved, reject sets rejected_at; the badge and tray count go 3 → 2 → 1."""
    signals, status = ui
    source = tmp_path / "brief.md"
    source.write_text("# Brief\n\n- [ ] Send the quote to Dana\n")
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

    select(view, task)
    assert view.detail.title.text() == "Send the quote"
    assert view.detail.source.text() == f"Source: {source}" and view.detail.open_button.isEnabled()
    assert "Acme Corp" in view.detail.meta.text()
    await until(lambda: "Send the quote to Dana" in view.detail.preview.toPlainText(), what="the source lines")
    assert view.detail.preview.toPlainText().strip().startswith("3")  # numbered: line 3 of the file
    qtbot.mouseClick(view.detail.approve_button, Qt.MouseButton.LeftButton)
    await until(lambda: window.review_tab_text() == "Review (2)", what="the badge to show 2")
    row = await companion.store.fetchone("SELECT is_approved, rejected_at FROM tasks WHERE id = ?", (task,))
    assert row == {"is_approved": 1, "rejected_at": None}
    await until(lambda: status.pending == 2 and "2 to review" in tray.icon.toolTip(), what="the tray count")

    select(view, note)
    qtbot.mouseClick(view.detail.reject_button, Qt.MouseButton.LeftButton)
    await until(lambda: window.review_tab_text() == "Review (1)", what="the badge to show 1")
    row = await companion.store.fetchone("SELECT is_approved, rejected_at FROM notes WHERE id = ?", (note,))
    assert row["is_approved"] == 0 and row["rejected_at"] is not None
    await settle()
    assert view.count == 1 and status.pending == 1
    assert [r["id"] for r in view.model.rows] == [project]


async def test_edit_saves_through_the_catalogue(qtbot, companion, ui):
    """Edit… opens a dialog whose changes are saved with update_task and shown in the list."""
    signals, _status = ui
    task = await _suggest(companion, "tasks", title="Send quote")
    from desktop.ui.views.review import ReviewView

    view = ReviewView(companion=companion, signals=signals)
    qtbot.addWidget(view)
    view.show()
    await settle()
    select(view, task)
    view.edit_selected()
    await until(lambda: view.dialog is not None, what="the edit dialog")
    dialog = view.dialog
    dialog.title_edit.setText("Send the final quote")
    dialog.accept()
    await until(lambda: view.model.rows and view.model.rows[0]["title"] == "Send the final quote",
                what="the edited title")
    row = await companion.store.fetchone("SELECT title, is_approved FROM tasks WHERE id = ?", (task,))
    assert row == {"title": "Send the final quote", "is_approved": 0}  # still waiting for review
