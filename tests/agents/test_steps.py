"""Engines as steps: the async driver and the runner's local driver agree on what the steps see."""

from __future__ import annotations

import pytest

from agents import calls, journal
from agents.errors import ErrorType, ToolError
from agents.events import EventHub
from agents.rules import RulesEngine
from agents.runner import Runner
from agents.steps import CHECKPOINT, Call, Progress, drive


def script(seen: list):
    """Creates two tasks, the second one invalid, and reports what came back."""
    first = yield Call("create_task", {"title": "One"})
    seen.append(first["title"])
    yield Progress({"phase": "half"})
    yield CHECKPOINT
    try:
        yield Call("create_task", {"title": ""})
    except ToolError as err:
        seen.append(err.type)
    listed = yield Call("list_tasks", {})
    return listed["total"]


async def test_drive_sends_results_and_throws_tool_errors(store, catalog):
    """Each call's result is sent in; a failed call is thrown in at its yield, as a ToolError."""
    seen: list = []
    shown: list = []

    async def call(name, args):
        return await calls.invoke(catalog, name, args)

    total = await drive(script(seen), call, lambda **kw: shown.append(kw))
    assert total == 1 and seen == ["One", ErrorType.INVALID_ARGS] and shown == [{"phase": "half"}]


async def test_drive_closes_the_steps_when_the_caller_fails(store, catalog):
    """An error that is not a ToolError ends the steps (their finally blocks run) and propagates."""
    closed = []

    def steps():
        try:
            yield Call("list_tasks", {})
        finally:
            closed.append(True)

    async def call(name, args):
        raise RuntimeError("link down")

    with pytest.raises(RuntimeError):
        await drive(steps(), call)
    assert closed == [True]


async def test_local_driver_journals_every_call_and_announces_writes(store, catalog):
    """The same steps on the database thread: results and errors as above, each call journaled with
    the run id, each write announced once committed."""
    events: list = []
    hub = EventHub()
    hub.subscribe(lambda event: events.append((event.name, event.payload())))
    catalog.events = hub
    runner = Runner(store=store, catalog=catalog, events=hub, engines={"rules": RulesEngine()}, trip_seconds=0)
    seen: list = []
    shown: list = []
    total = await runner.run_steps(script(seen), run_id="run-1", agent_id=None,
                                   progress=lambda **kw: shown.append(kw))
    assert total == 1 and seen == ["One", ErrorType.INVALID_ARGS] and shown == [{"phase": "half"}]
    calls = await journal.calls_for_run(store, "run-1")
    assert [(c["name"], c["ok"]) for c in calls] == [
        ("create_task", True), ("create_task", False), ("list_tasks", True)
    ]
    assert calls[1]["error_type"] == "invalid_args"
    changed = [p for n, p in events if n == "record_did_change"]
    assert [(p["tool"], p["run_id"]) for p in changed] == [("create_task", "run-1")]


async def test_local_driver_rolls_back_the_unfinished_unit_only(store, catalog):
    """A failure after a checkpoint keeps what came before it and nothing after it."""
    runner = Runner(store=store, catalog=catalog, events=EventHub(), engines={}, trip_seconds=60)

    def steps():
        yield Call("create_task", {"title": "Kept"})
        yield CHECKPOINT
        yield Call("create_task", {"title": "Rolled back"})
        raise RuntimeError("bug in the engine")

    with pytest.raises(RuntimeError):
        await runner.run_steps(steps(), run_id="run-2", agent_id=None, progress=lambda **_: None)
    assert [r["title"] for r in await store.fetchall("SELECT title FROM tasks")] == ["Kept"]
    assert [c["args"]["title"] for c in await journal.calls_for_run(store, "run-2")] == ["Kept"]
