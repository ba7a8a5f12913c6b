"""Item: the same call id arriving again while the first is still queued or running."""

from __future__ import annotations

import asyncio

from tests.conftest import until
from tests.security import dispatch_kit
from tests.security.dispatch_kit import call, make_dispatcher, reset_gate, slow_read


async def test_same_id_other_args_while_running_is_conflict_at_once(store):
    """Other arguments or another name under a running id get conflict before the first finishes; it runs once."""
    reset_gate()
    dispatcher, sent = make_dispatcher(store, extra=[slow_read])
    try:
        dispatcher.submit(call("d1", "slow_read", {"n": 1}))
        await until(lambda: dispatch_kit.RUNS == ["d1"], 5, "the first call to run")
        dispatcher.submit(call("d1", "slow_read", {"n": 2}))
        dispatcher.submit(call("d1", "list_tasks", {}))
        await until(lambda: len(sent.of("d1")) == 2, 5, "two conflicts")
        assert [f["error"]["type"] for f in sent.of("d1")] == ["conflict", "conflict"]
        assert not any(f["error"]["retryable"] for f in sent.of("d1"))

        dispatch_kit.GATE.set()
        assert await dispatcher.drain(10)
        oks = [f for f in sent.of("d1") if f["ok"]]
        assert len(oks) == 1 and oks[0]["result"] == {"n": 1}
        assert dispatch_kit.RUNS == ["d1"]
        assert await store.scalar("SELECT COUNT(*) FROM tasks") == 0
    finally:
        dispatch_kit.GATE.set()
        await dispatcher.stop()


async def test_same_id_same_call_while_queued_or_running_is_answered_once(store):
    """The same name and arguments again (in another key order, while running and while queued) run once and get
    exactly one frame, when the first finishes."""
    reset_gate()
    dispatcher, sent = make_dispatcher(store, extra=[slow_read], max_concurrency=1)
    try:
        dispatcher.submit(call("run", "slow_read", {"n": 1, "hold": True}))
        dispatcher.submit(call("queued", "slow_read", {"n": 2, "seconds": 0}))
        await until(lambda: dispatcher.queued == 1 and dispatch_kit.RUNS == ["run"], 5, "one running, one queued")
        dispatcher.submit(call("run", "slow_read", {"hold": True, "n": 1}))
        dispatcher.submit(call("queued", "slow_read", {"seconds": 0.0, "n": 2}))
        await asyncio.sleep(0.05)  # a conflict or a second answer would be sent by now
        assert sent.frames == []
        dispatch_kit.GATE.set()
        assert await dispatcher.drain(10)
        assert [f["result"] for f in sent.of("run")] == [{"n": 1}]
        assert [f["result"] for f in sent.of("queued")] == [{"n": 2}]
        assert dispatch_kit.RUNS == ["run", "queued"]
    finally:
        dispatch_kit.GATE.set()
        await dispatcher.stop()
