"""bridge.session.DeviceSession without sockets: hello first, the outbox, routing, answers."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest

from agents.errors import ErrorType, ToolError
from agents.journal import Outcome
from bridge import protocol
from bridge.session import Cancel, DeviceSession, Failure, Refusal, Submit

HELLO = {"type": "device_hello", "protocol": 1, "device_id": "dev-1", "device_name": "test", "app_version": "0",
         "platform": "linux", "tools": [], "roots": ["/home/me"], "max_concurrency": 4, "agents": []}


def ok(call_id: str, result: Any = None) -> Outcome:
    return Outcome(call_id, "list_tasks", True, result if result is not None else {"tasks": []}, None, 1.5)


@dataclass(frozen=True)
class StoredOutcome:
    """An executor's outcome that carries the journal's stored result text."""

    call_id: str
    ok: bool
    result_json: str
    duration_ms: float
    error: ToolError | None = None


def drain(session: DeviceSession) -> list[dict[str, Any]]:
    """Send everything the session hands out, as a shell would; the frames decoded."""
    out = []
    while (text := session.next_frame()) is not None:
        out.append(json.loads(text))
        session.sent(text)
    return out


def online() -> DeviceSession:
    session = DeviceSession()
    session.connect(HELLO)
    drain(session)
    return session


def test_hello_is_first_even_with_results_queued():
    """Answers queued before the connection wait; the hello goes out first, then them."""
    session = DeviceSession()
    session.answer(ok("c1"))
    assert session.next_frame() is None  # offline: nothing to send
    session.connect(HELLO)
    frames = drain(session)
    assert [f["type"] for f in frames] == ["device_hello", "tool_result"]
    assert frames[0]["device_id"] == "dev-1" and frames[0]["protocol"] == 1 and frames[1]["id"] == "c1"


def test_results_queued_while_offline_go_out_after_the_next_hello():
    """An answer made after a disconnect is held and follows the next connection's hello."""
    session = online()
    session.disconnect()
    session.answer(ok("late"))
    assert session.next_frame() is None
    session.connect(HELLO)
    assert [f.get("id", f["type"]) for f in drain(session)] == ["device_hello", "late"]


def test_unsent_answer_survives_a_drop_mid_send():
    """A frame handed out but never reported sent stays queued for the next connection."""
    session = online()
    session.answer(ok("c1"))
    assert json.loads(session.next_frame())["id"] == "c1"
    session.disconnect()  # the send failed
    session.connect(HELLO)
    assert [f.get("id", f["type"]) for f in drain(session)] == ["device_hello", "c1"]


@pytest.mark.parametrize("text", ["{not json", "[1]", '{"type": 5}', b'{"type":"tool_call"}'])
def test_invalid_frame_gets_an_error_frame_and_the_session_continues(text):
    """A frame that cannot be used is answered invalid_frame; the next call still routes."""
    session = online()
    assert session.receive(text) is None
    (frame,) = drain(session)
    assert frame["type"] == "error" and frame["error"]["type"] == "invalid_frame"
    action = session.receive('{"type":"tool_call","id":"c2","name":"list_tasks","args":{}}')
    assert isinstance(action, Submit) and action.call.id == "c2"


def test_invalid_call_with_readable_id_gets_a_typed_tool_result():
    """A tool_call whose args are not an object is answered by id with invalid_args."""
    session = online()
    assert session.receive('{"type":"tool_call","id":"c3","name":"list_tasks","args":[1]}') is None
    (frame,) = drain(session)
    assert frame["type"] == "tool_result" and frame["id"] == "c3" and not frame["ok"]
    assert frame["error"]["type"] == "invalid_args"


def test_unknown_types_and_hello_ack_are_ignored():
    """Unknown frame types and hello_ack produce no action and no frame."""
    session = online()
    assert session.receive('{"type":"server_news","x":1}') is None
    assert session.receive('{"type":"hello_ack","protocol":1}') is None
    assert drain(session) == []


def test_tool_call_is_handed_to_the_dispatcher_with_aliases_read():
    """A tool_call becomes Submit with the parsed model (alias `tool`/`arguments`, integer id)."""
    session = online()
    action = session.receive('{"type":"tool_call","id":7,"tool":"create_task","arguments":{"title":"t"},'
                             '"run_context":{"run_id":"r1"}}')
    assert isinstance(action, Submit)
    assert (action.call.id, action.call.name, action.call.args, action.call.run_context.run_id) == (
        "7", "create_task", {"title": "t"}, "r1")


def test_duplicate_ids_are_handed_through():
    """The same id twice is handed to the dispatcher twice: it decides (one answer, or conflict)."""
    session = online()
    text = '{"type":"tool_call","id":"dup","name":"list_tasks","args":{}}'
    first, second = session.receive(text), session.receive(text)
    assert isinstance(first, Submit) and isinstance(second, Submit) and first.call.id == second.call.id == "dup"


def test_tool_cancel_suppresses_the_result():
    """After tool_cancel the call's answer is not sent; other answers are."""
    session = online()
    assert session.receive('{"type":"tool_cancel","id":"slow"}') == Cancel("slow")
    session.answer(ok("slow"))
    session.answer(ok("other"))
    assert [f["id"] for f in drain(session)] == ["other"]


def test_a_cancelled_id_asked_again_is_answered():
    """A tool_call arriving again after its cancel is answered (a replay by the backend)."""
    session = online()
    session.receive('{"type":"tool_cancel","id":"c"}')
    assert isinstance(session.receive('{"type":"tool_call","id":"c","name":"list_tasks"}'), Submit)
    session.answer(ok("c"))
    assert [f["id"] for f in drain(session)] == ["c"]


def test_suppressed_ids_are_bounded():
    """Cancels of calls that never answer do not grow the session without bound."""
    session = DeviceSession(max_suppressed=100)
    for i in range(1000):
        session.receive(json.dumps({"type": "tool_cancel", "id": f"c{i}"}))
    assert len(session._suppressed) == 100


async def test_run_frames_reach_the_right_waiter():
    """run_started / run_rejected / run_complete resolve the run whose request they answer."""
    session = online()
    agent = {"id": "a1", "name": "Client work", "directory_paths": ["/home/me"]}
    run_a, text_a = session.run_request(agent, "manual")
    run_b, _ = session.run_request(agent, "schedule")
    sent = json.loads(text_a)
    assert sent["type"] == "run_request" and sent["request_id"] == run_a.request_id and sent["agent"]["id"] == "a1"
    session.receive(json.dumps({"type": "run_rejected", "request_id": run_b.request_id,
                                "error": {"type": "busy", "message": "already running"}}))
    session.receive(json.dumps({"type": "run_started", "request_id": run_a.request_id,
                                "run_context": {"run_id": "r-a", "agent_id": "a1"}}))
    assert (await run_a.started)["run_id"] == "r-a"
    with pytest.raises(ToolError) as rejected:
        await run_b.started
    assert rejected.value.type is ErrorType.BUSY
    session.receive(json.dumps({"type": "run_complete", "run_context": {"run_id": "r-a"}, "status": "success",
                                "items_processed": 3}))
    assert (await run_a.completed)["items_processed"] == 3
    assert json.loads(session.run_cancel(run_a) or "null") == {"type": "run_cancel", "run_id": "r-a"}
    assert drain(session) == []  # run frames are answered by nothing


def test_stored_result_is_spliced_as_it_is():
    """An outcome with result_json goes out with that exact text as its result, the id JSON-escaped."""
    session = online()
    stored = '{"b":[1,2.5,18446744073709551623],"a":"Müller \\"quoted\\""}'
    session.answer(StoredOutcome('id "with" quotes\u2028', True, stored, 1.25))
    text = session.next_frame()
    assert ',"result":' + stored + "," in text
    frame = json.loads(text)
    assert frame["id"] == 'id "with" quotes\u2028' and frame["result"]["b"][2] == 2**64 + 7
    assert frame["duration_ms"] == 1.25 and frame["ok"] is True
    assert isinstance(protocol.parse(text), protocol.ToolResult)


def test_answers_of_every_kind_are_framed():
    """Outcome, Failure and Refusal become a tool_result, an error tool_result and an error frame."""
    session = online()
    session.answer(ok("c1", {"n": 1}))
    session.answer(Failure("c2", ToolError(ErrorType.BUSY, "later")))
    session.answer(Refusal("bad id"))
    one, two, three = drain(session)
    assert one == {"type": "tool_result", "id": "c1", "ok": True, "result": {"n": 1}, "duration_ms": 1.5}
    assert two["id"] == "c2" and two["error"] == {"type": "busy", "message": "later", "retryable": True}
    assert three == {"type": "error", "error": {"type": "invalid_frame", "message": "bad id", "retryable": False}}


def test_result_json_cannot_carry_becomes_internal():
    """A result holding NaN (stored text or a dict) is answered internal rather than sent as bad JSON."""
    session = online()
    session.answer(StoredOutcome("c1", True, '{"x":NaN}', 1.0))
    session.answer(ok("c2", {"x": float("nan")}))
    frames = drain(session)
    assert [(f["id"], f["error"]["type"]) for f in frames] == [("c1", "internal"), ("c2", "internal")]
