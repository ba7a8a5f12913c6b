"""The device bridge end to end: a real gateway on port 0, a real device, real SQLite."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from agents.config import AgentConfig, save_agent
from agents.errors import ErrorType
from agents.tools.base import ArgsModel, ToolContext, tool
from bridge import protocol
from bridge.client import Backoff, State
from bridge.gateway import DeviceCallError, DeviceGateway
from desktop.companion import Companion

from .conftest import TOKEN, start_bare_device


class SlowArgs(ArgsModel):
    seconds: float = 1.0


@tool("slow", SlowArgs, group="test", read_only=True)
async def slow(ctx: ToolContext, args: SlowArgs) -> dict:
    """Sleep (a stand-in for a slow read)."""
    await asyncio.sleep(args.seconds)
    return {"slept": args.seconds}


@tool("slow_write", SlowArgs, group="test")
async def slow_write(ctx: ToolContext, args: SlowArgs) -> dict:
    """Write a setting, then sleep before committing."""
    async with ctx.transaction() as tx:
        await tx.execute("INSERT INTO settings VALUES ('slow_write', '1', 'now')")
        await asyncio.sleep(args.seconds)
    return {"written": True}


async def add_folder_agent(device: Companion, folder: Path, name: str = "Client work") -> AgentConfig:
    return await device.save_agent({"name": name, "directory_paths": [str(folder)]})


async def test_hello_is_first_and_carries_the_manifest(device, gateway):
    """device_hello comes first, with the tool manifest, versions and a stable device id."""
    first = gateway.received[0]
    assert isinstance(first, protocol.DeviceHello)
    assert {t.name for t in first.tools} == set(device.catalog.names)
    assert first.device_id == device.device_id and first.protocol == 1 and first.max_concurrency == 8
    create = next(t for t in first.tools if t.name == "create_task")
    assert create.parameters["properties"]["title"]["type"] == "string"
    assert create.annotations.read_only is False


async def test_whole_tool_list_over_the_wire(device, gateway, tmp_path):
    """Every tool in the manifest executes over the wire."""
    folder = tmp_path / "Clients"
    (folder / "Acme").mkdir(parents=True)
    (folder / "Acme" / "brief.md").write_text("# Brief\n- [ ] Send quote\n")
    await add_folder_agent(device, folder)
    await gateway.wait_online()
    call = gateway.call
    listing = await call("list_directory", {"path": str(folder), "recursive": True})
    assert [e["name"] for e in listing["entries"]] == ["Acme", "brief.md"]
    path = str(folder / "Acme" / "brief.md")
    assert (await call("get_file_metadata", {"path": path}))["size"] > 0
    assert "Send quote" in (await call("read_file_content", {"path": path}))["content"]
    p = await call("create_project", {"name": "Acme"})
    assert (await call("get_project", {"projectId": p["id"]}))["name"] == "Acme"
    assert (await call("list_projects", {"query": "ac"}))["total"] == 1
    assert (await call("list_all_projects", {}))["total"] == 1
    assert (await call("update_project", {"project_id": p["id"], "status": "done"}))["status"] == "done"
    t = await call("create_task", {"title": "Send quote", "projectId": p["id"], "isAiSuggested": True})
    assert (await call("update_task", {"task_id": t["id"], "state": "In Progress"}))["state"] == "In Progress"
    assert (await call("add_task_comment", {"task_id": t["id"], "body": "sent"}))["author"] == "Adiuva"
    assert (await call("list_tasks", {"project_id": p["id"]}))["total"] == 1
    n = await call("create_note", {"title": "Kick-off", "content": "x"})
    assert (await call("get_note", {"note_id": n["id"]}))["content"] == "x"
    assert (await call("update_note", {"note_id": n["id"], "content": "y"}))["content"] == "y"
    assert (await call("list_notes", {}))["total"] == 1
    tl = await call("create_timeline", {"title": "Beta", "due_date": "2027-01-12"})
    assert (await call("update_timeline", {"timeline_id": tl["id"], "is_completed": True}))["is_completed"]
    assert (await call("list_timelines", {}))["total"] == 1
    assert (await call("insert", {"table": "notes", "record": {"title": "Mail", "content": "hi"}}))["title"] == "Mail"
    with pytest.raises(DeviceCallError) as info:
        await call("read_file_content", {"path": "/etc/passwd"})
    assert info.value.type == ErrorType.FORBIDDEN_PATH


async def _frames_of(gateway: DeviceGateway, kind: type, count: int, timeout: float = 5.0) -> list:
    async with asyncio.timeout(timeout):
        while len(found := [f for f in gateway.received if isinstance(f, kind)]) < count:
            await asyncio.sleep(0.01)
    return found


async def test_malformed_frames_get_invalid_frame_and_the_connection_stays(device, gateway):
    """Not JSON, no id, binary, 5 MB: each gets invalid_frame and the next call still works."""
    ws = gateway.connection().ws
    await ws.send("this is not json")
    await ws.send(json.dumps({"type": "tool_call", "name": "list_tasks"}))
    await ws.send(b"\x00\x01binary")
    await ws.send(json.dumps({"type": "tool_call", "id": "big", "name": "list_tasks", "args": {"x": "a" * 5_000_000}}))
    errors = await _frames_of(gateway, protocol.ErrorFrame, 3)
    assert {e.error.type for e in errors} == {"invalid_frame"}
    results = await _frames_of(gateway, protocol.ToolResult, 1)
    big = next(r for r in results if r.id == "big")
    assert big.ok is False and big.error.type == "invalid_frame"
    assert (await gateway.call("list_tasks", {}))["total"] == 0
    assert device.client.state == State.CONNECTED and device.client.dials == 1


async def test_bad_args_and_unknown_tool_are_typed_errors(device, gateway):
    """A call with a usable id always gets a typed tool_result."""
    with pytest.raises(DeviceCallError) as info:
        await gateway.call("format_disk", {})
    assert info.value.type == ErrorType.UNKNOWN_TOOL
    with pytest.raises(DeviceCallError) as info:
        await gateway.call("create_task", {"title": 5, "nope": 1})
    assert info.value.type == ErrorType.INVALID_ARGS


async def test_200_concurrent_calls_are_all_answered(device, gateway):
    """200 calls in flight at once each get their own result."""
    results = await asyncio.gather(*(gateway.call("create_task", {"title": f"task {i}"}) for i in range(200)))
    assert sorted(r["title"] for r in results) == sorted(f"task {i}" for i in range(200))
    assert await device.store.scalar("SELECT COUNT(*) FROM tasks") == 200


async def test_replay_after_reconnect_has_no_second_effect(device, gateway):
    """An executed id sent again, even on a new connection, answers from the journal."""
    first = await gateway.call("create_task", {"title": "Once"}, call_id="call-once")
    await gateway.connection().ws.close(1012, "restart")
    await gateway.wait_offline()
    await gateway.wait_online(timeout=5)
    again = await gateway.call("create_task", {"title": "Once"}, call_id="call-once")
    assert again == first
    assert await device.store.scalar("SELECT COUNT(*) FROM tasks") == 1
    with pytest.raises(DeviceCallError) as info:
        await gateway.call("create_task", {"title": "Other"}, call_id="call-once")
    assert info.value.type == ErrorType.CONFLICT
    assert await device.store.scalar("SELECT COUNT(*) FROM tasks") == 1


async def test_device_is_back_within_two_seconds_after_server_restart(device, gateway):
    """Stopping and restarting the gateway on the same port: the device reconnects within 2 s."""
    port = gateway.port
    await gateway.stop()
    new = DeviceGateway(tokens={TOKEN: "local"})
    await new.start(port=port)
    try:
        loop = asyncio.get_running_loop()
        began = loop.time()
        await new.wait_online(timeout=5)
        assert loop.time() - began < 2.0
        assert (await new.call("list_tasks", {}))["total"] == 0
        assert isinstance(new.received[0], protocol.DeviceHello)
    finally:
        await new.stop()


async def test_rejected_token_stops_dialling(tmp_path, gateway):
    """A 401 ends the dialling after at most two attempts and says to sign in again."""
    bare = await start_bare_device(tmp_path, gateway.url, token="wrong-token", backoff=Backoff(base=0.01))
    try:
        async with asyncio.timeout(5):
            while bare.client.state != State.UNAUTHORIZED:
                await asyncio.sleep(0.01)
        await asyncio.sleep(0.5)
        assert bare.client.dials <= 2 and gateway.rejected_dials <= 2
        assert "sign in again" in bare.client.last_error
    finally:
        await bare.close()


async def test_tool_cancel_stops_the_call_and_sends_nothing(tmp_path, gateway):
    """tool_cancel on a running write rolls it back and no result is sent for it."""
    bare = await start_bare_device(tmp_path, gateway.url, extra=[slow, slow_write])
    try:
        await gateway.wait_online()
        await gateway.send_frame("local", protocol.encode_dict(
            {"type": "tool_call", "id": "c-slow", "name": "slow_write", "args": {"seconds": 5}}))
        await asyncio.sleep(0.3)
        await gateway.send_frame("local", protocol.encode_dict({"type": "tool_cancel", "id": "c-slow"}))
        assert (await gateway.call("list_tasks", {}))["total"] == 0
        await asyncio.sleep(0.3)
        assert not [f for f in gateway.received if isinstance(f, protocol.ToolResult) and f.id == "c-slow"]
        assert await bare.store.scalar("SELECT COUNT(*) FROM settings WHERE key = 'slow_write'") == 0
        assert await bare.store.scalar("SELECT COUNT(*) FROM tool_calls WHERE call_id = 'c-slow'") == 0
    finally:
        await bare.close()


async def test_deadline_answers_timeout(tmp_path, gateway):
    """A tool past the device deadline is answered with a retryable timeout; its write is rolled back."""
    bare = await start_bare_device(tmp_path, gateway.url, extra=[slow, slow_write], deadline=0.3)
    try:
        await gateway.wait_online()
        with pytest.raises(DeviceCallError) as info:
            await gateway.call("slow_write", {"seconds": 3})
        assert info.value.type == ErrorType.TIMEOUT and info.value.retryable
        assert await bare.store.scalar("SELECT COUNT(*) FROM settings WHERE key = 'slow_write'") == 0
        assert (await gateway.call("slow", {"seconds": 0.01}))["slept"] == 0.01
    finally:
        await bare.close()


async def test_each_running_call_times_out_at_its_own_deadline(tmp_path, gateway):
    """One deadline timer serves all running calls: each slow call is answered timeout at its own
    deadline (not at an earlier call's), and a quick call between them gets its result."""
    bare = await start_bare_device(tmp_path, gateway.url, extra=[slow], deadline=0.5)
    loop = asyncio.get_running_loop()

    async def timed(seconds: float) -> tuple[float, Any]:
        began = loop.time()
        try:
            return loop.time() - began, await gateway.call("slow", {"seconds": seconds})
        except DeviceCallError as exc:
            return loop.time() - began, exc

    try:
        await gateway.wait_online()
        first = asyncio.create_task(timed(5))
        await asyncio.sleep(0.3)
        second = asyncio.create_task(timed(5))
        assert (await gateway.call("slow", {"seconds": 0.01}))["slept"] == 0.01
        (_, a), (took, b) = await asyncio.gather(first, second)
        assert isinstance(a, DeviceCallError) and a.type == ErrorType.TIMEOUT
        assert isinstance(b, DeviceCallError) and b.type == ErrorType.TIMEOUT
        assert took >= 0.45  # its own 0.5 s deadline, not the first call's (0.2 s after it started)
    finally:
        await bare.close()


async def test_full_backlog_answers_busy_and_pause_answers_paused(tmp_path, gateway):
    """Past the backlog bound a call gets busy at once; a paused bridge answers paused."""
    bare = await start_bare_device(tmp_path, gateway.url, extra=[slow], max_concurrency=1, max_backlog=2)
    try:
        await gateway.wait_online()
        waiting = [asyncio.create_task(gateway.call("slow", {"seconds": 0.5}))]
        await asyncio.sleep(0.15)  # the first is running; the next two fill the queue
        waiting += [asyncio.create_task(gateway.call("slow", {"seconds": 0.5})) for _ in range(2)]
        await asyncio.sleep(0.1)
        with pytest.raises(DeviceCallError) as info:
            await gateway.call("slow", {"seconds": 0.5})
        assert info.value.type == ErrorType.BUSY
        assert [r["slept"] for r in await asyncio.gather(*waiting)] == [0.5, 0.5, 0.5]
        bare.client.dispatcher.set_paused(True)
        with pytest.raises(DeviceCallError) as info:
            await gateway.call("create_task", {"title": "x"})
        assert info.value.type == ErrorType.PAUSED
        assert await bare.store.scalar("SELECT COUNT(*) FROM tasks") == 0
    finally:
        await bare.close()


async def test_results_finished_while_offline_are_sent_after_hello(tmp_path, gateway):
    """A result that finishes while the connection is down goes out right after the next hello."""
    bare = await start_bare_device(tmp_path, gateway.url, extra=[slow], backoff=Backoff(base=0.05))
    try:
        await gateway.wait_online()
        fut = gateway.create_pending_call("local", "c-late")
        await gateway.send_frame("local", protocol.encode_dict(
            {"type": "tool_call", "id": "c-late", "name": "slow", "args": {"seconds": 0.5}}))
        await asyncio.sleep(0.1)
        await gateway.connection().ws.close(1011, "server error")
        result = await asyncio.wait_for(fut, 5)
        assert result.ok and result.result == {"slept": 0.5}
        hellos = [i for i, f in enumerate(gateway.received) if isinstance(f, protocol.DeviceHello)]
        late = next(
            i for i, f in enumerate(gateway.received) if isinstance(f, protocol.ToolResult) and f.id == "c-late"
        )
        assert len(hellos) == 2 and late > hellos[1]
    finally:
        await bare.close()


async def test_backend_engine_run_request_round_trip(device, gateway, tmp_path):
    """A backend-engine run: run_request → run_started → tool calls → run_complete, recorded locally."""
    folder = tmp_path / "Clients"
    (folder / "Acme Corp").mkdir(parents=True)
    (folder / "Acme Corp" / "notes.md").write_text("# Kick-off\n\nScope agreed.\n\n- [ ] Send the quote\n")
    agent = await device.save_agent({"name": "Remote", "directory_paths": [str(folder)], "engine": "backend"})
    await gateway.wait_online()
    row = await device.run_agent(agent.id)
    assert row["status"] == "success", row["errors"]
    assert row["remote_run_id"] and row["items_processed"] == 1
    assert row["items_created"] == 3  # the project, the task, the note
    titles = {r["title"] for r in await device.store.fetchall("SELECT title FROM tasks")}
    assert titles == {"Send the quote"}
    calls = await device.store.fetchall("SELECT name FROM tool_calls WHERE run_id = ?", (row["remote_run_id"],))
    assert {"list_directory", "read_file_content", "create_task"} <= {c["name"] for c in calls}


async def test_backend_run_request_nobody_answers_ends_as_error(tmp_path):
    """A run_request that the backend never answers ends as error with a clear reason."""
    silent = DeviceGateway(tokens={TOKEN: "local"})
    silent._on_run_request = _ignore  # type: ignore[method-assign]
    await silent.start()
    companion = Companion(data_dir=tmp_path / "d", backend_url=silent.url, token_provider=lambda: SecretStr(TOKEN),
                          scheduler=False, control=False)
    await companion.start()
    try:
        companion.runner.engines["backend"].request_timeout = 0.3
        folder = tmp_path / "f"
        folder.mkdir()
        agent = await save_agent(companion.store, AgentConfig.parse(
            {"name": "R", "directory_paths": [str(folder)], "engine": "backend"}))
        await silent.wait_online()
        row = await companion.runner.run(agent, "manual")
        assert row["status"] == "error"
        assert "did not answer the run request" in row["errors"][0]
    finally:
        await companion.stop()
        await silent.stop()


async def _ignore(*_args) -> None:
    return None


async def test_close_with_a_4xxx_code_stops_redialling(device, gateway):
    """A 4xxx close means the backend does not want the device: it does not redial until asked."""
    dials = gateway.dials
    await gateway.connection().ws.close(4001, "device revoked")
    await gateway.wait_offline()
    await asyncio.sleep(1.5)
    assert gateway.dials == dials and device.client.state == State.CLOSED_BY_SERVER
    assert "4001" in device.client.last_error
    device.client.reconnect()
    await gateway.wait_online(timeout=5)
    assert device.client.state == State.CONNECTED
