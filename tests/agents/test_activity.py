"""Updates the backend or an engine makes to existing records: before-images, the list, and undo."""

from __future__ import annotations

from datetime import date

import pytest

from agents import activity, calls
from agents.errors import ErrorType, RecordNotFound, UndoRefused
from agents.store import new_id


async def bridge_call(store, catalog, name, args, **kw):
    outcome = await calls.execute(store, catalog, call_id=f"c-{new_id()}", name=name, args=args, source="bridge", **kw)
    assert outcome.ok, outcome.error
    return outcome.result


async def test_a_bridge_update_stores_a_before_image_and_undo_restores_it(store, catalog, hub, events):
    """A backend's update_task is listed with the changed fields' old values; Undo writes them back."""
    year = date.today().year
    task = await calls.invoke(catalog, "create_task", {"title": "Send invoice", "due_date": f"{year}-12-04"})
    await bridge_call(store, catalog, "update_task", {"task_id": task["id"], "due_date": f"{year}-12-08",
                                                      "description": ""})  # description unchanged: not listed
    [update] = await activity.list_updates(store)
    assert update.source == "bridge" and update.kind == "tasks" and update.record_id == task["id"]
    assert update.before == {"due_date": f"{year}-12-04"} and update.after == {"due_date": f"{year}-12-08"}
    assert update.describe() == "Backend changed task “Send invoice”: due 4 Dec → 8 Dec"
    events.clear()
    undone = await activity.undo_update(store, hub, update.id)
    assert undone.undone_at is not None
    row = await store.fetchone("SELECT due_date FROM tasks WHERE id = ?", (task["id"],))
    assert row["due_date"] == f"{year}-12-04"
    assert ("record_did_change", {"tool": "activity", "group": "tasks", "id": task["id"], "run_id": None,
                                  "count": 1, "batch": None, "undone": True}) in events
    [again] = await activity.list_updates(store)
    assert again.undone_at is not None
    with pytest.raises(UndoRefused) as info:
        await activity.undo_update(store, hub, update.id)
    assert info.value.error_type == ErrorType.CONFLICT
    assert info.value.message == "This change to the task “Send invoice” was already undone."


async def test_the_users_own_edit_is_not_listed(store, catalog):
    """An update from the window (a local call without a run) keeps no before-image."""
    task = await calls.invoke(catalog, "create_task", {"title": "Call Dana"})
    await calls.invoke(catalog, "update_task", {"task_id": task["id"], "state": "Completed"})
    assert await activity.list_updates(store) == [] and await activity.count_updates(store) == 0


async def test_an_engine_runs_update_and_an_mcp_update_are_listed(store, catalog):
    """A local call that belongs to a run, and an MCP client's call, are listed with their run."""
    note = await calls.invoke(catalog, "create_note", {"title": "Kickoff", "content": "Scope."})
    await calls.invoke(catalog, "update_note", {"note_id": note["id"], "content": "Scope agreed."}, run_id="run-1")
    await calls.execute(store, catalog, call_id="m-1", name="update_note",
                        args={"note_id": note["id"], "title": "Kick-off"}, source="mcp")
    newest, older = await activity.list_updates(store)
    assert newest.who() == "MCP client" and newest.before == {"title": "Kickoff"}
    assert older.run_id == "run-1" and older.who() == "An agent run"
    assert [u.id for u in await activity.list_updates(store, run_id="run-1")] == [older.id]
    assert [u.id for u in await activity.list_updates(store, offset=1, limit=5)] == [older.id]


async def test_undo_refuses_when_the_user_changed_the_field_since(store, catalog, hub):
    """A field changed after the update makes undo refuse with a plain sentence and change nothing."""
    task = await calls.invoke(catalog, "create_task", {"title": "Send invoice", "state": "ToDo"})
    await bridge_call(store, catalog, "update_task", {"task_id": task["id"], "state": "In Progress"})
    await calls.invoke(catalog, "update_task", {"task_id": task["id"], "state": "Completed"})
    [update] = await activity.list_updates(store)
    with pytest.raises(UndoRefused) as info:
        await activity.undo_update(store, hub, update.id)
    assert info.value.error_type == ErrorType.CONFLICT and info.value.details == {"fields": ["state"]}
    assert info.value.message.startswith("The task “Send invoice” was changed again since (state)")
    row = await store.fetchone("SELECT state FROM tasks WHERE id = ?", (task["id"],))
    assert row["state"] == "Completed"
    assert (await activity.list_updates(store))[0].undone_at is None


async def test_a_failed_update_stores_no_before_image(store, catalog):
    """An update that fails (unknown project) rolls back with its before-image."""
    task = await calls.invoke(catalog, "create_task", {"title": "Send invoice"})
    outcome = await calls.execute(store, catalog, call_id="c-bad", name="update_task",
                                  args={"task_id": task["id"], "title": "New", "project_id": "missing"},
                                  source="bridge")
    assert not outcome.ok and outcome.error.type == ErrorType.NOT_FOUND
    assert await activity.count_updates(store) == 0


async def test_undo_of_an_unknown_update_is_not_found(store, hub):
    """An id that names no listed change is ``not_found``."""
    with pytest.raises(RecordNotFound) as info:
        await activity.undo_update(store, hub, "nope")
    assert info.value.error_type == ErrorType.NOT_FOUND and info.value.message == "no listed change nope"
