"""App errors (review, runs, record actions) are raised as app errors; a wire answers them with the same typed error."""

from __future__ import annotations

import pytest

from agents import activity, calls, records_ops, review, review_query
from agents.config import AgentConfig, save_agent
from agents.errors import (
    AgentBusy,
    ConfigError,
    EngineUnavailable,
    ErrorType,
    InvalidReviewRequest,
    RecordError,
    RecordNotFound,
    ReviewError,
    ReviewNotFound,
    RunRefused,
    StoreError,
    ToolError,
    UndoRefused,
    UnknownRecordKind,
)
from agents.review import Review
from agents.review_query import Selection
from agents.runner import Runner
from agents.tools.base import ArgsModel, tool
from agents.tools.catalog import Catalog
from agents.tools.errors import as_tool_error


class _DecideArgs(ArgsModel):
    kind: str | None = None
    ids: list[str] = []


@tool("check_review_selection", _DecideArgs, group="tasks", read_only=True, sync=True)
def _check_selection(db, ctx, args: _DecideArgs) -> dict:
    """A tool over review code: the selection must be valid and name existing records."""
    sel = Selection(kind=args.kind, ids=tuple(args.ids) or None)
    review._check_ids(db.conn, sel)
    return {"ok": True}


async def test_review_raises_review_errors_not_tool_errors(store):
    """Bad review requests raise InvalidReviewRequest / ReviewNotFound, never the wire's ToolError."""
    r = Review(store=store)
    cases = [
        (InvalidReviewRequest, r.decide("frobnicate", Selection())),
        (InvalidReviewRequest, r.discard_run_folder("run-1", "  ")),
        (InvalidReviewRequest, review_query.page(store, Selection(), sort="colour")),
        (InvalidReviewRequest, review_query.record(store, "widgets", "x")),
        (ReviewNotFound, r.undo("no-such-batch")),
        (ReviewNotFound, r.approve("tasks", "no-such-task")),
    ]
    for kind, pending in cases:
        with pytest.raises(kind) as info:
            await pending
        assert isinstance(info.value, ReviewError) and not isinstance(info.value, ToolError)
        assert info.value.message
    with pytest.raises(InvalidReviewRequest):
        Selection(state="maybe")
    assert await store.scalar("SELECT COUNT(*) FROM review_batches") == 0


async def test_runner_refusals_are_run_errors(store, catalog, hub, tmp_path):
    """An agent whose engine this device lacks is refused with EngineUnavailable and nothing is recorded."""
    agent = await save_agent(store, AgentConfig.parse({"name": "A", "directory_paths": [str(tmp_path)]}))
    runner = Runner(store=store, catalog=catalog, events=hub, engines={})
    with pytest.raises(EngineUnavailable) as info:
        await runner.run(agent)
    assert isinstance(info.value, RunRefused) and not isinstance(info.value, ToolError)
    assert info.value.error_type == ErrorType.INVALID_ARGS and agent.engine in info.value.message
    assert await store.scalar("SELECT COUNT(*) FROM agent_runs") == 0


def test_as_tool_error_names_app_errors_by_their_wire_type():
    """The one converter keeps an app error's wire type, message and details; the unexpected is internal."""
    busy = as_tool_error("run", AgentBusy("Clients"), call_id=None, run_id=None)
    assert busy.to_dict() == {"type": "busy", "message": "Clients is already running", "retryable": True}
    missing = as_tool_error("t", ReviewNotFound("gone", details={"missing": ["x"]}), call_id=None, run_id=None)
    assert missing.type == ErrorType.NOT_FOUND and missing.details == {"missing": ["x"]}
    assert not missing.retryable
    field = as_tool_error("agent_save", ConfigError("schedule_cron", "bad cron"), call_id=None, run_id=None)
    assert field.to_dict() == {"type": "invalid_args", "message": "bad cron", "retryable": False,
                               "details": {"field": "schedule_cron"}}
    engine = as_tool_error("run", EngineUnavailable("llm"), call_id=None, run_id=None)
    assert engine.type == ErrorType.INVALID_ARGS
    other = as_tool_error("t", StoreError("disk gone"), call_id="c", run_id=None)
    assert other.type == ErrorType.INTERNAL and "disk gone" in other.message


async def test_a_tool_over_review_code_answers_the_same_typed_errors(store, hub):
    """Through the executor, review code's app errors become not_found / invalid_args, as before the split."""
    cat = Catalog(store=store, events=hub, specs=[_check_selection])
    missing = await calls.execute(store, cat, call_id="c1", name="check_review_selection", args={"ids": ["nope"]})
    assert not missing.ok and missing.error.type == ErrorType.NOT_FOUND
    assert missing.error.details == {"missing": ["nope"]}
    bad = await calls.execute(store, cat, call_id="c2", name="check_review_selection", args={"kind": "widgets"})
    assert not bad.ok and bad.error.type == ErrorType.INVALID_ARGS and "widgets" in bad.error.message
    await store.scalar("SELECT 1")  # a job queued after the posted rows: they are stored (a read may run here
    # on the loop's connection before its row commits; then a replayed read-only id simply runs again)
    again = await calls.execute(store, cat, call_id="c1", name="check_review_selection", args={"ids": ["nope"]})
    assert again.replayed and again.error.type == ErrorType.NOT_FOUND


async def test_undo_and_workspace_refusals_are_record_errors_not_tool_errors(store, catalog, hub):
    """An undo of a missing change, of a change whose record is gone or of an unknown kind, and a delete of a
    missing record or kind raise RecordError subclasses (never ToolError) and change nothing."""
    task = await calls.invoke(catalog, "create_task", {"title": "Send invoice"})
    outcome = await calls.execute(store, catalog, call_id="b-1", name="update_task",
                                  args={"task_id": task["id"], "title": "Send the invoice"}, source="bridge")
    assert outcome.ok
    [update] = await activity.list_updates(store)
    await records_ops.delete(store, None, "tasks", task["id"])
    odd = await store.write(lambda db: activity.record_sync(
        db, source="bridge", run_id=None, call_id=None, kind="widgets", before={"id": "w1", "size": 1},
        after={"id": "w1", "size": 2}, fields=["size"]))
    cases = [
        (RecordNotFound, activity.undo_update(store, hub, update.id),
         "The task this change was made to no longer exists, so there is nothing to undo."),
        (RecordNotFound, activity.undo_update(store, hub, "nope"), "no listed change nope"),
        (UnknownRecordKind, activity.undo_update(store, hub, odd), "'widgets' is not a record kind"),
        (RecordNotFound, records_ops.delete(store, hub, "tasks", task["id"]), f"task {task['id']} does not exist"),
        (UnknownRecordKind, records_ops.delete(store, hub, "widgets", "w1"),
         "'widgets' is not one of projects, tasks, timelines, notes"),
        (UnknownRecordKind, records_ops.page(store, "widgets", None), None),
    ]
    for kind, pending, message in cases:
        with pytest.raises(kind) as info:
            await pending
        assert isinstance(info.value, RecordError) and not isinstance(info.value, ToolError)
        assert info.value.message == message or (message is None and "widgets" in info.value.message)
    assert await store.scalar("SELECT COUNT(*) FROM record_updates WHERE undone_at IS NOT NULL") == 0


def test_record_errors_would_cross_a_wire_as_their_protocol_types():
    """as_tool_error answers UndoRefused conflict (with the fields), RecordNotFound not_found and
    UnknownRecordKind invalid_args, each with its sentence."""
    moved = as_tool_error("undo", UndoRefused("changed again", details={"fields": ["due_date"]}), call_id=None,
                          run_id=None)
    assert moved.to_dict() == {"type": "conflict", "message": "changed again", "retryable": False,
                               "details": {"fields": ["due_date"]}}
    gone = as_tool_error("delete", RecordNotFound("task t1 does not exist"), call_id=None, run_id=None)
    assert gone.to_dict() == {"type": "not_found", "message": "task t1 does not exist", "retryable": False}
    kind = as_tool_error("delete", UnknownRecordKind("'widgets' is not a record kind"), call_id=None, run_id=None)
    assert kind.type == ErrorType.INVALID_ARGS and kind.message == "'widgets' is not a record kind"
