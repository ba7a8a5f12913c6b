"""Item: text UTF-8 cannot carry (lone surrogates) in any argument is invalid_args, never internal."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bridge import protocol
from bridge.gateway import DeviceGateway
from tests.bridge.conftest import start_bare_device
from tests.security.dispatch_kit import call, make_dispatcher

BAD_CALLS = [
    ("create_task", {"title": "a\ud800b"}),
    ("create_note", {"title": "ok", "content": "tail \udcff"}),
    ("insert", {"table": "tasks", "record": {"title": "x\udc80"}}),
    ("insert", {"table": "tasks", "record": {"title": "x", "ti\udc80tle": "y"}}),
    ("create_task", {"title": "x", "assignees": ["a", "b\ud83d"]}),
    ("list_tasks", {"query": "\ud800"}),
    ("list_directory", {"path": "/tmp/\udcc3"}),
    ("read_file_content", {"path": "\ud800"}),
    ("get_project", {"project_id": "p\udfff"}),
]


@pytest.mark.parametrize(("name", "args"), BAD_CALLS, ids=[f"{n}-{i}" for i, (n, _) in enumerate(BAD_CALLS)])
async def test_lone_surrogates_in_any_argument_are_invalid_args(store, caplog, name, args):
    """The call is answered invalid_args (not retryable), writes nothing and logs no traceback; a replay agrees."""
    dispatcher, sent = make_dispatcher(store)
    try:
        with caplog.at_level(logging.DEBUG):
            dispatcher.submit(call("s1", name, args))
            frame = await sent.wait("s1")
            assert await dispatcher.drain(5)
            dispatcher.submit(call("s1", name, args))
            await dispatcher.drain(5)
        assert frame["error"]["type"] == "invalid_args" and not frame["error"]["retryable"], frame
        assert sent.of("s1")[1]["error"]["type"] == "invalid_args"
        protocol.encode_dict(frame).encode("utf-8")  # the answer itself can be sent
        assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
        for table in ("tasks", "notes", "projects"):
            assert await store.scalar(f"SELECT COUNT(*) FROM {table}") == 0
    finally:
        await dispatcher.stop()


async def test_bad_run_context_text_is_refused_without_running(store):
    """A run_context id UTF-8 cannot carry is refused with a typed error; nothing is written or journaled."""
    dispatcher, sent = make_dispatcher(store)
    try:
        dispatcher.submit(call("r1", "create_task", {"title": "t"}, run_id="run\ud800"))
        frame = await sent.wait("r1")
        assert not frame["ok"] and frame["error"]["type"] == "invalid_frame"
        assert await store.scalar("SELECT COUNT(*) FROM tasks") == 0
        assert await store.scalar("SELECT COUNT(*) FROM tool_calls") == 0
    finally:
        await dispatcher.stop()


async def test_escaped_surrogates_over_the_wire_get_invalid_args(tmp_path: Path, gateway: DeviceGateway):
    """A real frame with a \\ud800 escape in an argument is answered invalid_args and the connection stays up."""
    bare = await start_bare_device(tmp_path, gateway.url)
    try:
        await gateway.wait_online()
        pending = gateway.create_pending_call("local", "w1")
        await gateway.send_frame(
            "local", '{"type":"tool_call","id":"w1","name":"create_task","args":{"title":"bad \\ud800 text"}}')
        result = await pending
        assert not result.ok and result.error.type == "invalid_args"
        assert (await gateway.call("list_tasks", {}, timeout=5))["total"] == 0
        assert bare.client.dials == 1
    finally:
        await bare.close()
