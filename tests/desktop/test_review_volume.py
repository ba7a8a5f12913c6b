"""Review and Workspace at volume: lazy paging, one-batch bulk decisions, undo, the Rejected list, keys, filters."""

from __future__ import annotations

from PySide6.QtCore import Qt

from agents import calls
from agents.events import ReviewDidChange
from agents.review import pending_count
from desktop.ui.main_window import MainWindow
from desktop.ui.views.review import ReviewView
from desktop.ui.views.workspace import WorkspaceView
from tests.agents.test_review_bulk import add_run, seed
from tests.desktop.conftest import settle, until


async def _review(qtbot, companion, signals) -> ReviewView:
    view = ReviewView(companion=companion, signals=signals)
    qtbot.addWidget(view)
    view.resize(1000, 600)
    view.show()
    await settle()
    return view


async def test_five_thousand_suggestions_page_in_lazily_with_sql_counts(qtbot, companion, ui):
    """5,000 waiting rows: the model holds one page, counts all of them, and pages in as asked."""
    signals, _status = ui
    await seed(companion.store, 4800)
    await seed(companion.store, 200, kind="notes")
    view = await _review(qtbot, companion, signals)
    model = view.model
    assert model.total == 5000 and model.by_kind["tasks"] == 4800 and model.by_kind["notes"] == 200
    assert model.rowCount() < 5000 and model.canFetchMore()
    assert "5000 suggestions" in view.heading.text()
    await model.fetch_until(5000)
    assert model.rowCount() == 5000 and not model.canFetchMore()
    assert len({r["id"] for r in model.rows}) == 5000


async def test_workspace_project_with_1200_tasks_shows_all_of_them(qtbot, companion, ui):
    """A project with 1,200 tasks says Tasks (1200) and lists every one through fetchMore (no 1,000 cap)."""
    signals, _status = ui
    project = (await calls.invoke(companion.catalog, "create_project", {"name": "Big"}))["id"]
    await seed(companion.store, 1200, project_id=project)
    await seed(companion.store, 30)
    view = WorkspaceView(companion=companion, signals=signals)
    qtbot.addWidget(view)
    view.show()
    await settle()
    view.select_project_row(view.projects_model.row_of(project))
    await settle()
    assert view.tabs.tabText(0) == "Tasks (1200)"
    tasks = view.models["tasks"]
    assert tasks.total == 1200 and tasks.rowCount() < 1200
    await tasks.fetch_until(1200)
    assert tasks.rowCount() == 1200
    view.select_project_row(0)  # All projects
    await settle()
    assert view.tabs.tabText(0) == "Tasks (1230)"


async def test_bulk_reject_of_a_selection_is_one_batch_and_undo_brings_it_back(qtbot, companion, ui):
    """Rejecting 1,000 selected rows is one store batch; the undo bar's Undo restores them all."""
    signals, status = ui
    await seed(companion.store, 1500)
    await companion.save_agent({"name": "A", "directory_paths": ["/tmp"]})
    window = MainWindow(companion=companion, signals=signals, status=status)
    qtbot.addWidget(window)
    window.show()
    window.show_tab("review")
    await settle()
    view = window.review_view
    await view.model.fetch_until(1000)
    view.table.selectionModel().clearSelection()
    from PySide6.QtCore import QItemSelection, QItemSelectionModel

    sel = QItemSelection(view.model.index(0, 0), view.model.index(999, 0))
    view.table.selectionModel().select(sel, QItemSelectionModel.SelectionFlag.Select
                                       | QItemSelectionModel.SelectionFlag.Rows)
    assert view.summary.heading.text() == "1000 selected: 1000 tasks"
    qtbot.mouseClick(view.summary.reject_button, Qt.MouseButton.LeftButton)
    await until(lambda: window.undo_bar.isVisible(), what="the undo bar")
    assert window.undo_bar.label.text() == "Rejected 1000 suggestions"
    assert await pending_count(companion.store) == 500
    assert await companion.store.scalar("SELECT COUNT(*) FROM review_batches") == 1
    await settle()
    assert view.model.total == 500 and len(view.selected_rows()) == 1  # the next item is selected
    qtbot.mouseClick(window.undo_bar.undo_button, Qt.MouseButton.LeftButton)
    await until(lambda: view.model.total == 1500, what="the rows to come back")
    assert await pending_count(companion.store) == 1500
    assert window.undo_bar.label.text().startswith("Undone")
    window.undo_action.trigger()  # Edit > Undo with nothing left: says so, changes nothing
    await settle()
    assert window.statusBar().currentMessage() == "Nothing to undo"


async def test_reject_all_matching_then_edit_undo_and_the_rejected_list_restores(qtbot, companion, ui):
    """"All matching" rejects without listing ids; the Rejected list restores a row; Ctrl+Z undoes."""
    signals, _status = ui
    await seed(companion.store, 600, source="/c/acme/notes.md", prefix="Acme")
    await seed(companion.store, 20, kind="notes", source="/c/other/x.md", prefix="Other")
    view = await _review(qtbot, companion, signals)
    view.source_combo.setEditText("/c/acme")
    view._filters_changed()
    await settle()
    assert view.model.total == 600
    view.select_all_matching()
    assert view.all_matching and view.summary.heading.text() == "600 selected: 600 tasks"
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Delete)
    await until(lambda: not view.working, what="the rejection")
    await settle()
    assert await pending_count(companion.store) == 20
    assert view.model.total == 0 and view.list_stack.currentWidget() is view.empty
    assert view.empty.title.text() == "No suggestion matches these filters."

    view.clear_filters()
    view.states.setCurrentIndex(1)  # Rejected
    await settle()
    assert view.model.total == 600 and view.states.tabText(1) == "Rejected (600)"
    view.select_row(0)
    first = view.model.rows[0]["id"]
    assert view.detail.approve_button.text() == "Restore"
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    await until(lambda: view.model.total == 599, what="the restore")
    assert await companion.store.scalar("SELECT rejected_at FROM tasks WHERE id = ?", (first,)) is None
    assert await pending_count(companion.store) == 21


async def test_keyboard_flow_approve_reject_edit_and_find(qtbot, companion, ui):
    """Enter approves and moves on, Delete rejects, E opens the editor, Ctrl+F focuses the search."""
    signals, _status = ui
    ids = await seed(companion.store, 4)
    view = await _review(qtbot, companion, signals)
    assert view.model.rows[0]["id"] == ids[0] and view.detail.title.text() == "S 000000"
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    await until(lambda: view.model.total == 3, what="the approval")
    assert view.detail.title.text() == "S 000001"  # the next one is selected
    qtbot.keyClick(view.table, Qt.Key.Key_Delete)
    await until(lambda: view.model.total == 2, what="the rejection")
    assert view.detail.title.text() == "S 000002"
    row = await companion.store.fetchone("SELECT is_approved FROM tasks WHERE id = ?", (ids[0],))
    assert row["is_approved"] == 1
    assert await companion.store.scalar("SELECT rejected_at IS NOT NULL FROM tasks WHERE id = ?", (ids[1],)) == 1
    qtbot.keyClick(view.table, Qt.Key.Key_Down)
    assert view.detail.title.text() == "S 000003"
    qtbot.keyClick(view.table, Qt.Key.Key_E)
    await until(lambda: view.dialog is not None, what="the editor")
    assert view.dialog.title_edit.text() == "S 000003"
    view.dialog.reject()
    view.activateWindow()
    view.focus_search()
    assert view.search.hasFocus() or view.focusWidget() is view.search


async def test_filters_sorting_and_discarding_a_run(qtbot, companion, ui):
    """Kind, agent and search filters narrow the SQL query; a column sorts; discarding a run rejects only it."""
    signals, _status = ui
    run_a, run_b = await add_run(companion.store, "Client work"), await add_run(companion.store, "Inbox")
    await seed(companion.store, 30, run_id=run_a, prefix="Quote")
    await seed(companion.store, 12, kind="notes", run_id=run_b, prefix="Memo")
    view = await _review(qtbot, companion, signals)
    assert view.model.total == 42
    view.kind_combo.setCurrentIndex(view.kind_combo.findData("notes"))
    await settle()
    assert view.model.total == 12 and {r["kind"] for r in view.model.rows} == {"notes"}
    view.kind_combo.setCurrentIndex(0)
    view.agent_combo.setCurrentIndex(view.agent_combo.findData("Client work"))
    await settle()
    assert view.model.total == 30
    view.search.setText("Quote 00002")
    await until(lambda: view.model.total == 10, what="the search")
    view.clear_filters()
    await settle()
    view.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    await settle()
    assert view.model.rows[0]["title"] == "Quote 000029"

    view.run_combo.setCurrentIndex(view.run_combo.findData(run_b))
    await settle()
    assert view.discard_run_button.isEnabled()
    qtbot.mouseClick(view.discard_run_button, Qt.MouseButton.LeftButton)
    await until(lambda: view.model.total == 0, what="the discard")
    assert await pending_count(companion.store) == 30
    batch = await companion.store.fetchone("SELECT action, count FROM review_batches")
    assert batch == {"action": "discard", "count": 12}


async def test_multi_selection_summary_and_empty_state(qtbot, companion, ui):
    """A mixed selection is summarised by kind; an empty queue says what to do next."""
    signals, _status = ui
    view = await _review(qtbot, companion, signals)
    assert view.list_stack.currentWidget() is view.empty
    assert view.empty.title.text() == "Nothing waits for review." and "Agents tab" in view.empty.text.text()
    await seed(companion.store, 3)
    await seed(companion.store, 2, kind="notes")
    companion.events.emit(ReviewDidChange(pending=5))  # what a run announces
    await until(lambda: view.model.total == 5, what="the new suggestions")
    await settle()
    assert view.list_stack.currentWidget() is view.table
    view.table.selectAll()
    assert view.side.currentWidget() is view.summary
    assert view.summary.heading.text() == "5 selected: 3 tasks, 2 notes"


async def test_open_file_reports_failure_and_a_slow_decision_shows_the_busy_bar(qtbot, companion, ui, tmp_path,
                                                                                 monkeypatch):
    """Open file says so when the desktop cannot open it; a decision over 200 ms shows the busy bar."""
    import asyncio

    from desktop.ui.views import review_detail

    signals, _status = ui
    source = tmp_path / "brief.md"
    source.write_text("- [ ] Call Dana\n")
    await calls.invoke(companion.catalog, "create_task", {"title": "Call Dana", "is_ai_suggested": True,
                                                   "source_path": str(source)})
    view = await _review(qtbot, companion, signals)
    monkeypatch.setattr(review_detail, "open_path", lambda _p: False)
    assert view.detail.open_source() is False
    assert "could not open" in view.detail.open_error.text() and view.detail.open_error.isVisibleTo(view.detail)
    source.unlink()
    assert view.detail.open_source() is False and "gone" in view.detail.open_error.text()

    real = companion.review.decide

    async def slow(*args, **kwargs):
        await asyncio.sleep(0.5)
        return await real(*args, **kwargs)

    monkeypatch.setattr(companion.review, "decide", slow)
    view.approve_selected()
    await until(lambda: view.busy_bar.isVisible(), what="the busy bar")
    await until(lambda: not view.working, what="the decision")
    assert not view.busy_bar.isVisible() and view.model.total == 0


async def test_the_runs_view_discards_a_runs_suggestions(qtbot, companion, ui):
    """The Runs tab's "Discard this run's suggestions" rejects that run's waiting suggestions in one batch."""
    from desktop.ui.views.runs import RunsView

    signals, _status = ui
    run_a, run_b = await add_run(companion.store, "Client work"), await add_run(companion.store, "Inbox")
    await seed(companion.store, 25, run_id=run_a)
    await seed(companion.store, 5, run_id=run_b)
    view = RunsView(companion=companion, signals=signals)
    qtbot.addWidget(view)
    view.show()
    await settle()
    view.table.selectRow(view.model.row_of(run_a))
    view.discard_action.trigger()
    await settle()
    assert await pending_count(companion.store) == 5
    assert await companion.store.fetchone("SELECT action, count FROM review_batches") == {"action": "discard",
                                                                                          "count": 25}
