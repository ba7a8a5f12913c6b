"""Item: admission by time. Cheap database calls do not wait behind slow reads; a call that cannot start
before its deadline is answered ``busy`` (at once when that is foreseeable), never ``timeout``."""

from __future__ import annotations

import pytest

from agents.errors import ErrorType
from tests.conftest import until
from tests.security import dispatch_kit
from tests.security.dispatch_kit import call, make_dispatcher, reset_gate, slow_read


@pytest.mark.timeout(90)
async def test_saturating_slow_reads_get_busy_at_once_and_list_tasks_still_answers(store):
    """Slow reads past what fits before the deadline get busy before any of them finishes; list_tasks is answered
    meanwhile; nothing ends in timeout."""
    reset_gate()
    dispatcher, sent = make_dispatcher(store, extra=[slow_read], max_concurrency=2, deadline=20)
    try:
        warm = [f"warm-{i}" for i in range(4)]  # teach the dispatcher that slow_read takes ~0.5 s
        for call_id in warm:
            dispatcher.submit(call(call_id, "slow_read", {"hold": False, "seconds": 0.5}))
        assert await dispatcher.drain(30)
        assert all(f["ok"] for f in sent.frames)
        assert dispatcher.durations.estimate("files", "slow_read") >= 0.45

        flood = [f"flood-{i:03d}" for i in range(200)]
        for i, call_id in enumerate(flood):  # held at the gate: none of them can finish until the test says so
            dispatcher.submit(call(call_id, "slow_read", {"hold": True, "n": i}))
        flood_ids = set(flood)
        await until(lambda: len([f for f in sent.frames if f["id"] in flood_ids]) + dispatcher.in_flight == 200,
                    10, "every flood call to be either queued, running or answered")
        refused = [f for f in sent.frames if f["id"] in set(flood)]
        assert refused and all(f["error"]["type"] == "busy" and f["error"]["retryable"] for f in refused)
        assert all(f["error"]["details"]["expected_wait_ms"] > 0 for f in refused)
        admitted = len(flood) - len(refused)
        print(f"figure: of 200 slow reads (~0.5 s each, 2 workers, 20 s deadline) {admitted} admitted, "
              f"{len(refused)} answered busy at once")
        assert 2 <= admitted <= 100  # 2 workers x 20 s / 0.5 s at most fit; the rest is refused on arrival
        assert refused[0]["id"] == flood[admitted]  # the admitted ones are the oldest, the refused the newest

        dispatcher.submit(call("cheap", "list_tasks", {"limit": 5}))
        cheap = await sent.wait("cheap", timeout=10)  # the gate is still shut: no slow read has finished
        assert cheap["ok"] and cheap["result"]["total"] == 0
        assert len([f for f in sent.frames if f["id"] in set(flood) and f["ok"]]) == 0

        dispatcher_kit_gate_open()
        assert await dispatcher.drain(30)
        answers = [f for f in sent.frames if f["id"] in set(flood)]
        assert len(answers) == len(flood)  # each answered exactly once
        assert "timeout" not in [f["error"]["type"] for f in answers if not f["ok"]]
        assert sum(f["ok"] for f in answers) == admitted
    finally:
        dispatcher_kit_gate_open()
        await dispatcher.stop()


def dispatcher_kit_gate_open() -> None:
    dispatch_kit.GATE.set()


@pytest.mark.timeout(60)
async def test_a_call_still_queued_at_its_deadline_is_busy_not_timeout(store):
    """With nothing learned yet, calls queue; the one running past the deadline times out, the ones that never
    started are answered busy at the deadline; database calls are answered all along."""
    reset_gate()
    dispatcher, sent = make_dispatcher(store, extra=[slow_read], max_concurrency=1, deadline=1.0)
    try:
        ids = ["q0", "q1", "q2"]
        for call_id in ids:
            dispatcher.submit(call(call_id, "slow_read", {"hold": True}))
        await until(lambda: dispatcher.queued == 2, 5, "one running, two queued")
        assert not sent.frames  # no evidence yet that they will not fit: admitted
        dispatcher.submit(call("cheap", "list_tasks"))
        assert (await sent.wait("cheap"))["ok"]
        await until(lambda: all(sent.of(i) for i in ids), 10, "all three answers")
        assert [sent.of(i)[0]["error"]["type"] for i in ids] == ["timeout", "busy", "busy"]
        assert sent.of("q1")[0]["error"]["retryable"] and "could not start" in sent.of("q1")[0]["error"]["message"]
        assert dispatch_kit.RUNS == ["q0"]  # the busy ones never ran
        assert await store.scalar("SELECT COUNT(*) FROM tool_calls WHERE call_id IN ('q1', 'q2')") == 0
    finally:
        dispatcher_kit_gate_open()
        await dispatcher.stop()


async def test_an_idle_lane_admits_even_a_tool_known_to_be_slow(store):
    """A free worker always takes the call, however slow the tool was before (the rule refuses only waits)."""
    reset_gate()
    dispatcher, sent = make_dispatcher(store, extra=[slow_read], max_concurrency=1, deadline=5)
    try:
        dispatcher.durations.observe("files", "slow_read", 60.0)  # as if it once took a minute
        dispatcher.submit(call("only", "slow_read", {"hold": False}))
        assert (await sent.wait("only"))["ok"]
        assert ErrorType.BUSY not in sent.error_types(["only"])
    finally:
        await dispatcher.stop()
