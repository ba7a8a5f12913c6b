"""Slow and stuck tools, a full queue and 10,000 queued calls, over a live connection.

A real ``DeviceGateway`` on 127.0.0.1 port 0 and an in-process device
(``start_bare_device``: a ``DeviceClient`` over its own store, with test
tools): ``stuck`` sleeps for an hour, ``stuck_write`` sleeps inside its
transaction, ``held`` waits until the test releases its call id.
"""

from __future__ import annotations

import asyncio
import gc
import time
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from agents.errors import ErrorType
from agents.tools.base import ArgsModel, ToolContext, tool
from bridge import protocol
from bridge.gateway import DeviceCallError, DeviceGateway
from tests.bridge.conftest import TOKEN, start_bare_device
from tests.conftest import until

SLACK = 0.5  # scheduling slack on a loaded 2-core machine

CANCELLED: set[str] = set()
STARTED: set[str] = set()
RELEASES: dict[str, asyncio.Event] = {}


class NoArgs(ArgsModel):
    pass


@tool("stuck", NoArgs, group="test", read_only=True)
async def stuck(ctx: ToolContext, args: NoArgs) -> dict:
    """Never finish (an hour); records that it was cancelled."""
    try:
        await asyncio.sleep(3600)
    except asyncio.CancelledError:
        CANCELLED.add(ctx.call_id or "")
        raise
    return {}


@tool("stuck_write", NoArgs, group="test")
async def stuck_write(ctx: ToolContext, args: NoArgs) -> dict:
    """Write a setting, then never commit (an hour)."""
    async with ctx.transaction() as tx:
        await tx.execute("INSERT INTO settings VALUES (?, '1', 'now')", (f"stuck:{ctx.call_id}",))
        await asyncio.sleep(3600)
    return {}


@tool("held", NoArgs, group="test", read_only=True)
async def held(ctx: ToolContext, args: NoArgs) -> dict:
    """Wait (at most 60 s) until the test releases this call id."""
    assert ctx.call_id is not None
    STARTED.add(ctx.call_id)
    async with asyncio.timeout(60):
        await RELEASES.setdefault(ctx.call_id, asyncio.Event()).wait()
    return {"released": ctx.call_id}


TEST_TOOLS = (stuck, stuck_write, held)


@pytest.fixture
async def gateway():
    gw = DeviceGateway(tokens={TOKEN: "local"})
    await gw.start()
    try:
        yield gw
    finally:
        await gw.stop()


def call_frame(call_id: str, name: str, args: dict[str, Any] | None = None) -> str:
    return protocol.encode_dict({"type": "tool_call", "id": call_id, "name": name, "args": args or {}})


def answered(gateway: DeviceGateway, ids: set[str]) -> list[protocol.ToolResult]:
    return [f for f in gateway.received if isinstance(f, protocol.ToolResult) and f.id in ids]


@pytest.mark.timeout(30)
async def test_stuck_tool_times_out_and_frees_the_worker(tmp_path: Path, gateway: DeviceGateway):
    """A stuck tool gets a retryable `timeout` at its deadline, is cancelled, and its worker serves the next call."""
    deadline = 0.3
    bare = await start_bare_device(tmp_path, gateway.url, extra=TEST_TOOLS, deadline=deadline, max_concurrency=1)
    loop = asyncio.get_running_loop()
    try:
        await gateway.wait_online()
        began = loop.time()
        with pytest.raises(DeviceCallError) as info:
            await gateway.call("stuck", {}, call_id="stuck-1", timeout=5)
        took = loop.time() - began
        print(f"figure: stuck tool answered timeout after {took:.3f} s (deadline {deadline} s)")
        assert info.value.type == ErrorType.TIMEOUT and info.value.retryable
        assert deadline - 0.01 <= took <= deadline + SLACK
        await until(lambda: "stuck-1" in CANCELLED, 1, "the stuck tool to be cancelled")

        began = loop.time()
        assert (await gateway.call("list_tasks", {}, timeout=5))["total"] == 0
        assert loop.time() - began < deadline  # the one worker is free again

        began = loop.time()
        outcomes = await asyncio.gather(
            *(gateway.call("stuck", {}, call_id=f"stuck-q{i}", timeout=5) for i in range(3)), return_exceptions=True,
        )
        # The first starts and times out; the tool is known to take the whole deadline, so the two that
        # would wait behind it cannot start in time: `busy` at once rather than `timeout` later.
        assert all(isinstance(o, DeviceCallError) for o in outcomes), outcomes
        assert sorted(o.type for o in outcomes) == [ErrorType.BUSY, ErrorType.BUSY, ErrorType.TIMEOUT], outcomes
        assert loop.time() - began <= deadline + SLACK  # three calls, one worker, one deadline
        assert bare.client.dispatcher.in_flight == 0

        with pytest.raises(DeviceCallError) as info:
            await gateway.call("stuck_write", {}, call_id="stuck-w", timeout=5)
        assert info.value.type == ErrorType.TIMEOUT
        assert await bare.store.scalar("SELECT COUNT(*) FROM settings WHERE key LIKE 'stuck:%'") == 0  # rolled back
        assert await bare.store.scalar("SELECT COUNT(*) FROM tool_calls WHERE call_id LIKE 'stuck%'") == 0
        assert (await gateway.call("create_task", {"title": "after the stuck write"}, timeout=5))["title"]
        assert await bare.store.scalar("SELECT COUNT(*) FROM tasks") == 1
        assert bare.client.dials == 1
    finally:
        await bare.close()


@pytest.mark.timeout(30)
async def test_busy_only_when_the_backlog_bound_is_hit(tmp_path: Path, gateway: DeviceGateway):
    """Exactly max_backlog queued calls wait; one more gets `busy` at once; all succeed once the workers free up."""
    backlog = 50
    bare = await start_bare_device(tmp_path, gateway.url, extra=TEST_TOOLS, max_concurrency=2, max_backlog=backlog)
    dispatcher = bare.client.dispatcher
    try:
        await gateway.wait_online()
        blockers = [f"block-{i}" for i in range(2)]
        blocked = [asyncio.create_task(gateway.call("held", {}, call_id=b, timeout=20)) for b in blockers]
        await until(lambda: STARTED.issuperset(blockers), 5, "both workers to be held")

        # `held` runs in the files lane, behind the two held workers (list_tasks would not wait: own lane)
        queued = {f"q-{i}": gateway.create_pending_call("local", f"q-{i}") for i in range(backlog)}
        for call_id in queued:
            await gateway.send_frame("local", call_frame(call_id, "held"))
        await until(lambda: dispatcher.queued == backlog, 5, "the queue to fill")
        await asyncio.sleep(0.2)
        assert not answered(gateway, set(queued))  # at the bound: waiting, not refused

        with pytest.raises(DeviceCallError) as info:
            await gateway.call("held", {}, call_id="one-more", timeout=2)
        assert info.value.type == ErrorType.BUSY and info.value.retryable
        assert dispatcher.queued == backlog

        for b in [*blockers, *queued]:
            RELEASES.setdefault(b, asyncio.Event()).set()
        assert [r["released"] for r in await asyncio.gather(*blocked)] == blockers
        results = await asyncio.wait_for(asyncio.gather(*queued.values()), 10)
        assert all(r.ok for r in results)
        assert await bare.store.scalar("SELECT COUNT(*) FROM tool_calls WHERE call_id = 'one-more'") == 0
        RELEASES.setdefault("one-more", asyncio.Event()).set()
        assert (await gateway.call("held", {}, call_id="one-more", timeout=5))["released"] == "one-more"
        assert bare.client.dials == 1
    finally:
        await bare.close()


@pytest.mark.timeout(90)
async def test_10000_queued_calls_stay_bounded_in_memory(tmp_path: Path, gateway: DeviceGateway):
    """10,000 queued calls cost < 2 KB each; cancelling them all (newest first) costs about what queueing them did
    (no scan per cancel) and frees the memory."""
    count = 10_000
    bare = await start_bare_device(tmp_path, gateway.url, extra=TEST_TOOLS, max_concurrency=1, max_backlog=count,
                                   deadline=120)
    dispatcher = bare.client.dispatcher
    send = gateway.send_frame
    try:
        await gateway.wait_online()
        blocker = asyncio.create_task(gateway.call("held", {}, call_id="mem-block", timeout=60))
        await until(lambda: "mem-block" in STARTED, 5, "the worker to be held")
        for i in range(20):  # warm every path (parse, submit, cancel) before measuring; `stuck` queues in
            await send("local", call_frame(f"warm-{i}", "stuck"))  # the files lane, behind the held worker
        await until(lambda: dispatcher.queued == 20, 5, "the warm-up calls")
        for i in range(20):
            await send("local", protocol.encode_dict({"type": "tool_cancel", "id": f"warm-{i}"}))
        await until(lambda: dispatcher.queued == 0, 5, "the warm-up cancels")

        tracemalloc.start()
        try:
            gc.collect()
            baseline = tracemalloc.get_traced_memory()[0]
            queue_began = time.monotonic()
            for i in range(count):
                await send("local", call_frame(f"mem-{i:05d}", "stuck"))
            await until(lambda: dispatcher.queued == count, 60, "10,000 queued calls")
            queue_seconds = time.monotonic() - queue_began
            gc.collect()
            per_call = (tracemalloc.get_traced_memory()[0] - baseline) / count

            with pytest.raises(DeviceCallError) as info:
                await gateway.call("stuck", {}, call_id="mem-busy", timeout=5)
            assert info.value.type == ErrorType.BUSY

            began = time.monotonic()
            for i in reversed(range(count)):
                await send("local", protocol.encode_dict({"type": "tool_cancel", "id": f"mem-{i:05d}"}))
            await until(lambda: dispatcher.queued == 0, 30, "the queue to empty")
            cancel_seconds = time.monotonic() - began
            gc.collect()
            left_per_call = (tracemalloc.get_traced_memory()[0] - baseline) / count
        finally:
            tracemalloc.stop()
        print(f"figure: 10,000 queued calls: {per_call:.0f} B each while queued, {left_per_call:.0f} B each left "
              f"after cancelling all in reverse order, cancel burst {cancel_seconds:.2f} s, queueing them "
              f"{queue_seconds:.2f} s")
        assert per_call < 2048, f"{per_call:.0f} bytes per queued call"
        assert left_per_call < 100, f"{left_per_call:.0f} bytes per call left after cancelling"
        # linear, not a scan per cancel: the burst costs about what queueing them did (both under tracemalloc,
        # so a ratio in the same run, not a time limit)
        assert cancel_seconds < 3 * queue_seconds, \
            f"cancelling 10,000 queued calls took {cancel_seconds:.1f} s, queueing them {queue_seconds:.1f} s"

        RELEASES.setdefault("mem-block", asyncio.Event()).set()
        assert (await blocker)["released"] == "mem-block"
        assert dispatcher.in_flight == 0
        assert not answered(gateway, {f"mem-{i:05d}" for i in range(count)})  # cancelled: no answer at all
        assert (await gateway.call("list_tasks", {"limit": 1}, timeout=5))["total"] == 0
        assert bare.client.dials == 1
    finally:
        await bare.close()
