"""The review queue: approve, reject, and rejected suggestions never come back."""

from __future__ import annotations

import pytest

from agents import calls, review
from agents.errors import ErrorType, ReviewNotFound, ToolError
from agents.review import Review


async def suggest(catalog, tool, **args):
    return await calls.invoke(catalog, tool, {**args, "is_ai_suggested": True})


async def test_pending_lists_suggestions_by_kind(store, catalog):
    """Only unapproved AI suggestions wait, grouped by kind with their project name."""
    p = await suggest(catalog, "create_project", name="Acme")
    await suggest(catalog, "create_task", title="Quote", project_id=p["id"])
    await calls.invoke(catalog, "create_task", {"title": "Mine"})
    waiting = await review.pending(store)
    assert [t["title"] for t in waiting["tasks"]] == ["Quote"]
    assert waiting["tasks"][0]["project_name"] == "Acme"
    assert [x["name"] for x in waiting["projects"]] == ["Acme"]
    assert await review.pending_count(store) == 2


async def test_approve_and_reject_change_the_store_and_emit(store, catalog, hub, events):
    """Approve sets is_approved; reject hides the record; both announce the new count."""
    a = await suggest(catalog, "create_task", title="A")
    b = await suggest(catalog, "create_task", title="B")
    r = Review(store=store, events=hub)
    await r.approve("tasks", a["id"])
    await r.reject("tasks", b["id"])
    listed = await calls.invoke(catalog, "list_tasks", {})
    assert [(t["title"], t["is_approved"]) for t in listed["tasks"]] == [("A", True)]
    counts = [p["pending"] for name, p in events if name == "review_did_change"]
    assert counts == [1, 0]


async def test_rejected_suggestion_is_not_suggested_again(store, catalog):
    """Creating the same suggestion after a rejection is refused as a conflict."""
    t = await suggest(catalog, "create_task", title="Call Bob", source_path="/x/a.md")
    await Review(store=store).reject("tasks", t["id"])
    with pytest.raises(ToolError) as info:
        await suggest(catalog, "create_task", title="call bob", source_path="/x/a.md")
    assert info.value.type == ErrorType.CONFLICT
    mine = await calls.invoke(catalog, "create_task", {"title": "Call Bob"})
    assert mine["is_ai_suggested"] is False


async def test_rejecting_a_project_detaches_its_records(store, catalog):
    """A rejected project's suggestions stay, as standalone records."""
    p = await suggest(catalog, "create_project", name="Maybe")
    t = await suggest(catalog, "create_task", title="T", project_id=p["id"])
    await Review(store=store).reject("projects", p["id"])
    assert (await calls.invoke(catalog, "list_all_projects", {}))["total"] == 0
    assert (await review.pending(store))["tasks"][0]["id"] == t["id"]
    assert (await review.pending(store))["tasks"][0]["project_id"] is None


async def test_approve_all_and_unknown_ids(store, catalog):
    """approve_all clears the queue; an unknown id is not_found."""
    for i in range(3):
        await suggest(catalog, "create_note", title=f"n{i}", content="c")
    r = Review(store=store)
    assert await r.approve_all() == 3
    assert await review.pending_count(store) == 0
    with pytest.raises(ReviewNotFound) as info:
        await r.reject("notes", "missing")
    assert info.value.error_type == ErrorType.NOT_FOUND
