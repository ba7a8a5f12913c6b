"""Workspace record tools through the catalogue: happy paths, aliases, each error type."""

from __future__ import annotations

import pytest

from agents import calls
from agents.errors import ErrorType, ToolError


async def call(catalog, _tool, **args):
    return await calls.invoke(catalog, _tool, args)


async def expect_error(catalog, kind: ErrorType, name, args):
    with pytest.raises(ToolError) as info:
        await calls.invoke(catalog, name, args)
    assert info.value.type == kind, info.value
    return info.value


async def test_manifest_lists_every_protocol_tool(catalog):
    """The manifest carries each PROTOCOL.md tool with a JSON schema and annotations."""
    names = {t["name"] for t in catalog.manifest()}
    assert names == {
        "list_directory", "get_file_metadata", "read_file_content",
        "list_projects", "list_all_projects", "get_project", "create_project", "update_project",
        "list_tasks", "create_task", "update_task", "add_task_comment",
        "list_notes", "get_note", "create_note", "update_note",
        "list_timelines", "create_timeline", "update_timeline", "insert",
    }
    by_name = {t["name"]: t for t in catalog.manifest()}
    assert by_name["create_task"]["parameters"]["properties"]["title"]["type"] == "string"
    assert "title" in by_name["create_task"]["parameters"]["required"]
    assert by_name["list_tasks"]["annotations"] == {"read_only": True, "idempotent": True}
    assert by_name["create_task"]["annotations"] == {"read_only": False, "idempotent": False}
    assert "project_id" in by_name["create_task"]["parameters"]["properties"]


async def test_project_lifecycle(catalog):
    """Create, get, list, search and update a project."""
    p = await call(catalog, "create_project", name="Acme Corp", description="Website and brand")
    assert p["is_approved"] is True and p["is_ai_suggested"] is False
    assert p["created_at"].endswith("Z") and p["updated_at"] == p["created_at"]
    assert (await call(catalog, "get_project", project_id=p["id"]))["name"] == "Acme Corp"
    assert (await call(catalog, "list_all_projects"))["total"] == 1
    found = await call(catalog, "list_projects", query="brand")
    assert [x["id"] for x in found["projects"]] == [p["id"]]
    assert (await call(catalog, "list_projects", query="nothing"))["total"] == 0
    updated = await call(catalog, "update_project", projectId=p["id"], status="paused")
    assert updated["status"] == "paused" and updated["description"] == "Website and brand"


async def test_project_errors(catalog):
    """Duplicate names conflict, unknown ids are not found, bad args are invalid."""
    await call(catalog, "create_project", name="Acme")
    err = await expect_error(catalog, ErrorType.CONFLICT, "create_project", {"name": "acme"})
    assert "already exists" in err.message
    await expect_error(catalog, ErrorType.NOT_FOUND, "get_project", {"project_id": "missing"})
    await expect_error(catalog, ErrorType.NOT_FOUND, "update_project", {"project_id": "missing", "name": "x"})
    await expect_error(catalog, ErrorType.INVALID_ARGS, "create_project", {"name": ""})
    await expect_error(catalog, ErrorType.INVALID_ARGS, "create_project", {"name": "x", "colour": "red"})
    await expect_error(catalog, ErrorType.INVALID_ARGS, "get_project", {})


async def test_task_lifecycle_with_camel_case_aliases(catalog):
    """Tasks accept the camelCase aliases and keep AI suggestions unapproved."""
    project = await call(catalog, "create_project", name="Bluebird")
    task = await calls.invoke(catalog,
        "create_task",
        {"title": "Send invoice", "projectId": project["id"], "dueDate": "2026-12-04",
         "isAiSuggested": 1, "assignees": ["me"], "source_path": "/x/notes.md"},
    )
    assert task["project_id"] == project["id"] and task["due_date"] == "2026-12-04"
    assert task["is_ai_suggested"] is True and task["is_approved"] is False
    assert task["assignees"] == ["me"] and task["state"] == "ToDo"
    done = await calls.invoke(catalog, "update_task", {"taskId": task["id"], "state": "done"})
    assert done["state"] == "Completed" and done["title"] == "Send invoice"
    comment = await calls.invoke(catalog, "add_task_comment", {"taskId": task["id"], "body": "Paid on the 5th"})
    assert comment["author"] == "Adiuva" and comment["task_id"] == task["id"]
    listed = await call(catalog, "list_tasks", project_id=project["id"], state="Completed")
    assert listed["total"] == 1 and listed["tasks"][0]["id"] == task["id"]
    assert (await call(catalog, "list_tasks", state="ToDo"))["total"] == 0
    assert (await call(catalog, "list_tasks", query="invoice", limit=1))["total"] == 1


async def test_task_errors(catalog):
    """Task tools answer not_found, invalid_args for each way a call can be wrong."""
    await expect_error(catalog, ErrorType.NOT_FOUND, "create_task", {"title": "x", "project_id": "nope"})
    await expect_error(catalog, ErrorType.NOT_FOUND, "update_task", {"task_id": "nope", "title": "x"})
    await expect_error(catalog, ErrorType.NOT_FOUND, "add_task_comment", {"task_id": "nope", "body": "x"})
    await expect_error(catalog, ErrorType.INVALID_ARGS, "create_task", {"title": "x", "state": "Blocked"})
    await expect_error(catalog, ErrorType.INVALID_ARGS, "create_task", {"title": "x", "due_date": "soon"})
    await expect_error(catalog, ErrorType.INVALID_ARGS, "create_task", {"title": "x", "assignees": "me"})
    t = await call(catalog, "create_task", title="Real")
    await expect_error(catalog, ErrorType.INVALID_ARGS, "update_task", {"task_id": t["id"]})
    await expect_error(catalog, ErrorType.INVALID_ARGS, "update_task", {"task_id": t["id"], "title": None})
    await expect_error(catalog, ErrorType.INVALID_ARGS, "list_tasks", {"limit": 0})


async def test_note_lifecycle_and_errors(catalog):
    """Notes: create, get, list, merge-update; missing ones are not found."""
    note = await call(catalog, "create_note", title="Kick-off", content="Scope: landing page")
    got = await calls.invoke(catalog, "get_note", {"noteId": note["id"]})
    assert got["content"] == "Scope: landing page"
    merged = await call(catalog, "update_note", note_id=note["id"], content=got["content"] + "\nBudget: 4k")
    assert merged["content"].endswith("Budget: 4k")
    assert (await call(catalog, "list_notes", query="landing"))["total"] == 1
    await expect_error(catalog, ErrorType.NOT_FOUND, "get_note", {"note_id": "nope"})
    await expect_error(catalog, ErrorType.INVALID_ARGS, "create_note", {"title": "x"})


async def test_timeline_lifecycle_and_errors(catalog):
    """Timelines: create with dates, mark complete, list by project; errors typed."""
    p = await call(catalog, "create_project", name="Launch")
    tl = await calls.invoke(catalog,
        "create_timeline",
        {"title": "Beta", "projectId": p["id"], "start_date": "2026-12-01", "dueDate": "2027-01-12T09:00:00Z"},
    )
    assert tl["due_date"] == "2027-01-12T09:00:00.000Z" and tl["is_completed"] is False
    done = await calls.invoke(catalog, "update_timeline", {"timelineId": tl["id"], "is_completed": True})
    assert done["is_completed"] is True
    assert (await call(catalog, "list_timelines", project_id=p["id"]))["total"] == 1
    await expect_error(catalog, ErrorType.NOT_FOUND, "update_timeline", {"timeline_id": "x", "title": "y"})
    await expect_error(catalog, ErrorType.INVALID_ARGS, "create_timeline", {"title": "x", "due_date": "2026-02-30"})


async def test_generic_insert_validates_as_create(catalog):
    """insert(table, record) creates through the matching create_* and validates the same way."""
    task = await call(catalog, "insert", table="tasks", record={"title": "From Gmail", "isAiSuggested": True})
    assert task["is_ai_suggested"] is True and task["is_approved"] is False
    await expect_error(catalog, ErrorType.INVALID_ARGS, "insert", {"table": "tasks", "record": {"titel": "x"}})
    await expect_error(catalog, ErrorType.INVALID_ARGS, "insert", {"table": "users", "record": {}})


async def test_unknown_tool_and_non_object_args(catalog):
    """Unknown names are unknown_tool; arguments that are not an object are invalid_args."""
    await expect_error(catalog, ErrorType.UNKNOWN_TOOL, "drop_database", {})
    with pytest.raises(ToolError) as info:
        await calls.invoke(catalog, "list_tasks", ["not", "an", "object"])  # type: ignore[arg-type]
    assert info.value.type == ErrorType.INVALID_ARGS


async def test_sql_metacharacters_are_data(catalog):
    """Quotes, LIKE wildcards and SQL in arguments are stored and searched as plain text."""
    evil = "x'); DROP TABLE tasks; -- 100% _done_"
    await call(catalog, "create_task", title=evil)
    await call(catalog, "create_task", title="plain")
    assert (await call(catalog, "list_tasks", query="100%"))["total"] == 1
    assert (await call(catalog, "list_tasks", query="%"))["total"] == 1
    assert (await call(catalog, "list_tasks", query="_"))["total"] == 1
    assert (await call(catalog, "list_tasks"))["total"] == 2


async def test_writes_emit_record_events(catalog, events):
    """A successful write tells the UI through record_did_change; reads do not."""
    await call(catalog, "create_task", title="x")
    await call(catalog, "list_tasks")
    assert [e[0] for e in events] == ["record_did_change"]
    assert events[0][1]["tool"] == "create_task"


async def test_created_record_is_the_stored_row(store, catalog):
    """What a create returns is the row as stored (same fields, order and values), for every kind."""
    from agents.tools import records

    project = await call(catalog, "create_project", name="Acme", status="active", source_path="/x/a.md")
    made = {
        "projects": project,
        "tasks": await call(catalog, "create_task", title="Quote", project_id=project["id"], assignees=["Ann", "Bo"],
                            due_date="2025-03-01", state="In Progress", is_ai_suggested=True),
        "notes": await call(catalog, "create_note", title="N", content="ü ✓", project_id=project["id"]),
        "timelines": await call(catalog, "create_timeline", title="L", start_date="2025-01-01",
                                due_date="2025-02-01T10:00:00Z", is_completed=True, is_approved=False),
    }
    for table, result in made.items():
        row = await store.fetchone(f"SELECT * FROM {table} WHERE id = ?", (result["id"],))
        stored = records.to_record(row)
        assert list(result.items()) == list(stored.items()), table
