"""Item: records the backend creates over the bridge are suggestions unless the user allows direct writes."""

from __future__ import annotations

import pytest

from agents import calls, review
from agents.tools.records import ALLOW_DIRECT_WRITES
from tests.security.dispatch_kit import call, make_dispatcher

CREATES = [
    ("create_task", {"title": "T"}, "tasks"),
    ("create_note", {"title": "N", "content": "c"}, "notes"),
    ("create_timeline", {"title": "L"}, "timelines"),
    ("create_project", {"name": "P"}, "projects"),
    ("insert", {"table": "tasks", "record": {"title": "I"}}, "tasks"),
    ("create_task", {"title": "Sneaky", "is_ai_suggested": False, "is_approved": True}, "tasks"),
    ("insert", {"table": "notes", "record": {"title": "S", "content": "", "isApproved": True}}, "notes"),
]


@pytest.mark.parametrize(("name", "args", "table"), CREATES, ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(CREATES)])
async def test_bridge_creates_wait_for_review(store, name, args, table):
    """A create over the bridge is stored as a suggestion (ai-suggested, not approved), whatever flags it sends."""
    dispatcher, sent = make_dispatcher(store)
    try:
        dispatcher.submit(call("c1", name, args))
        frame = await sent.wait("c1")
        assert frame["ok"], frame
        assert frame["result"]["is_ai_suggested"] is True and frame["result"]["is_approved"] is False
        row = await store.fetchone(f"SELECT is_ai_suggested, is_approved FROM {table}")
        assert row == {"is_ai_suggested": 1, "is_approved": 0}
        assert await review.pending_count(store) == 1  # it waits in the review queue
    finally:
        await dispatcher.stop()


async def test_direct_writes_setting_lets_creates_land_as_sent(store):
    """With bridge.allow_direct_writes on, a create without flags lands approved, as before."""
    await store.set_setting(ALLOW_DIRECT_WRITES, True)
    dispatcher, sent = make_dispatcher(store)
    try:
        dispatcher.submit(call("c1", "create_task", {"title": "Direct"}))
        dispatcher.submit(call("c2", "create_task", {"title": "Asked", "is_ai_suggested": True}))
        assert await dispatcher.drain(10)
        assert (await sent.wait("c1"))["result"]["is_approved"] is True
        assert (await sent.wait("c2"))["result"]["is_approved"] is False  # a suggestion when it says so
        await store.set_setting(ALLOW_DIRECT_WRITES, False)
        dispatcher.submit(call("c3", "create_task", {"title": "Off again"}))
        assert (await sent.wait("c3"))["result"]["is_approved"] is False
    finally:
        await dispatcher.stop()


async def test_updates_over_the_bridge_apply_at_once(store):
    """An update of an existing record is not turned into a suggestion."""
    dispatcher, sent = make_dispatcher(store)
    try:
        dispatcher.submit(call("c1", "create_task", {"title": "T"}))
        task_id = (await sent.wait("c1"))["result"]["id"]
        dispatcher.submit(call("u1", "update_task", {"task_id": task_id, "state": "Completed"}))
        assert (await sent.wait("u1"))["result"]["state"] == "Completed"
        assert await store.scalar("SELECT state FROM tasks WHERE id = ?", (task_id,)) == "Completed"
    finally:
        await dispatcher.stop()


async def test_local_engine_creates_are_unchanged(store, catalog):
    """The device's own engines still create approved records (their calls are not from the bridge)."""
    out = await calls.execute(store, catalog, call_id="l1", name="create_task", args={"title": "Mine"},
                                source="local")
    assert out.ok and out.result["is_approved"] is True and out.result["is_ai_suggested"] is False
    out = await calls.execute(store, catalog, call_id="l2", name="insert",
                                args={"table": "notes", "record": {"title": "N", "content": ""}}, source="local")
    assert out.ok and out.result["is_approved"] is True


async def test_bridge_create_of_a_rejected_suggestion_is_refused(store):
    """Over the bridge a rejected suggestion is not suggested again (conflict, nothing stored); with direct
    writes on, a record not flagged as a suggestion lands, a flagged one is still refused."""
    dispatcher, sent = make_dispatcher(store)
    try:
        dispatcher.submit(call("c1", "create_task", {"title": "Call Bob"}))
        first = (await sent.wait("c1"))["result"]
        await review.Review(store=store).reject("tasks", first["id"])
        dispatcher.submit(call("c2", "create_task", {"title": "call bob"}))
        refused = await sent.wait("c2")
        assert not refused["ok"] and refused["error"]["type"] == "conflict"
        assert refused["error"]["details"] == {"rejected_id": first["id"]}
        await store.set_setting(ALLOW_DIRECT_WRITES, True)
        dispatcher.submit(call("c3", "create_task", {"title": "Call Bob"}))
        assert (await sent.wait("c3"))["result"]["is_approved"] is True
        dispatcher.submit(call("c4", "create_task", {"title": "Call Bob", "is_ai_suggested": True}))
        assert (await sent.wait("c4"))["error"]["type"] == "conflict"
        assert await store.scalar("SELECT COUNT(*) FROM tasks") == 2
    finally:
        await dispatcher.stop()
