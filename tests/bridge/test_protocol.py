"""bridge.protocol: frame models, parse (raises only ProtocolError) and encode."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from agents.errors import ErrorType, ToolError
from bridge import protocol
from bridge.protocol import (
    AgentSummary,
    DeviceHello,
    ErrorBody,
    ErrorFrame,
    HelloAck,
    ProtocolError,
    RunCancel,
    RunComplete,
    RunContext,
    RunRejected,
    RunRequest,
    RunStarted,
    ToolAnnotations,
    ToolCall,
    ToolCancel,
    ToolManifestEntry,
    ToolResult,
    UnknownFrame,
    encode,
    parse,
)

ROOT = Path(__file__).resolve().parents[2]

AGENT = AgentSummary(
    id="agent-1", name="Client work", directory_paths=["/home/me/Clients"],
    file_extensions=[".md", ".txt"], data_types=["tasks", "notes"], prompt_template="Do {x}",
    schedule_cron="0 9 * * 1-5", last_run_at="2026-11-20T09:00:02Z",
)
CTX = RunContext(run_id="run-1", agent_id="agent-1", agent_name="Client work")

EVERY_FRAME: list[BaseModel] = [
    DeviceHello(
        device_id="5b0e8f3c", device_name="studio-laptop", app_version="0.1.0", platform="linux",
        tools=[ToolManifestEntry(
            name="list_directory", description="List a folder",
            parameters={"type": "object", "properties": {"path": {"type": "string"}}},
            annotations=ToolAnnotations(read_only=True, idempotent=True),
        )],
        roots=["/home/me/Clients"], max_concurrency=4, agents=[AGENT],
    ),
    protocol.tool_result_ok("call-1", {"entries": [], "truncated": False, "ü": "ß"}, 1.7),
    protocol.tool_result_ok("call-2", None, 0.0),
    protocol.tool_result_error("call-3", ToolError(ErrorType.NOT_FOUND, "no task", details={"id": "7"}), 2.5),
    protocol.tool_result_error("call-4", ToolError(ErrorType.TIMEOUT, "too slow")),
    RunRequest(request_id="req-1", trigger="catch_up", agent=AGENT),
    RunCancel(run_id="run-1"),
    protocol.error_frame(ProtocolError(ErrorType.INVALID_FRAME, "not JSON")),
    protocol.error_frame(ProtocolError(ErrorType.INVALID_ARGS, "args", call_id="call-5")),
    HelloAck(server_time="2026-11-21T10:00:00Z"),
    HelloAck(),
    ToolCall(id="call-6", name="create_task", args={"title": "Send invoice", "n": [1, 2.5, None]},
             run_context=CTX),
    ToolCall(id="call-7", name="list_projects"),
    ToolCancel(id="call-6"),
    RunStarted(request_id="req-1", run_context=CTX),
    RunRejected(request_id="req-1", error=ErrorBody(type="busy", message="already running", retryable=True)),
    RunRejected(request_id="req-2"),
    RunComplete(run_context=CTX, status="partial", summary="done", errors=["x failed"], items_processed=12),
    RunComplete(status="cancelled"),
    UnknownFrame(type="future_frame", raw={"type": "future_frame", "x": [1, {"y": None}]}),
]


def _call(**fields: Any) -> str:
    return json.dumps({"type": "tool_call", "id": "c1", "name": "create_task", **fields})


def _fails(data: Any, **kwargs: Any) -> ProtocolError:
    with pytest.raises(ProtocolError) as info:
        parse(data, **kwargs)
    return info.value


# ── round trips and the spec's own examples ───────────────────────────────
@pytest.mark.parametrize("frame", EVERY_FRAME, ids=lambda f: f"{type(f).__name__}")
def test_round_trip_every_frame_type(frame: BaseModel) -> None:
    """encode → parse gives back an equal frame of the same class, for every frame type."""
    text = encode(frame)
    back = parse(text)
    assert type(back) is type(frame)
    assert back == frame
    assert encode(back) == text


def test_every_frame_type_is_covered() -> None:
    """The round-trip list holds every model parse can return."""
    assert {type(f) for f in EVERY_FRAME} == {*protocol._MODELS.values(), UnknownFrame}


def _protocol_md() -> Path | None:
    candidates = [os.environ.get("ADIUVA_PROTOCOL_MD"), ROOT / "docs" / "PROTOCOL.md",
                  ROOT / "PROTOCOL.md", ROOT.parent / "shared" / "PROTOCOL.md"]
    return next((Path(c) for c in candidates if c and Path(c).is_file()), None)


def _spec_examples(text: str) -> list[dict[str, Any]]:
    examples = []
    decoder = json.JSONDecoder()
    for block in re.findall(r"```json\n(.*?)```", text, flags=re.S):
        block = re.sub(r"/\*.*?\*/", "", block, flags=re.S)
        block = re.sub(r"(^|\s)//[^\n]*", r"\1", block)
        pos = 0
        while (pos := _skip_ws(block, pos)) < len(block):
            obj, pos = decoder.raw_decode(block, pos)
            examples.append(obj)
    return examples


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def test_every_protocol_md_example_parses() -> None:
    """Each JSON example in PROTOCOL.md (comments stripped) parses to its own frame class."""
    path = _protocol_md()
    if path is None:
        pytest.skip("PROTOCOL.md not found (set ADIUVA_PROTOCOL_MD)")
    examples = _spec_examples(path.read_text(encoding="utf-8"))
    assert len(examples) >= 11
    seen = set()
    for example in examples:
        frame = parse(json.dumps(example))
        assert not isinstance(frame, UnknownFrame), example
        assert frame.type == example["type"]
        seen.add(example["type"])
    assert seen == set(protocol._MODELS) - {"error"}


# ── what parse accepts ────────────────────────────────────────────────────
def test_tool_alias_for_name() -> None:
    """`tool` is accepted as `name`."""
    frame = parse(json.dumps({"type": "tool_call", "id": "c1", "tool": "get_note", "args": {"note_id": "n"}}))
    assert isinstance(frame, ToolCall)
    assert (frame.name, frame.args) == ("get_note", {"note_id": "n"})


@pytest.mark.parametrize("key", ["arguments", "input"])
def test_args_aliases(key: str) -> None:
    """`arguments` and `input` are accepted as `args`."""
    frame = parse(json.dumps({"type": "tool_call", "id": "c1", "name": "x", key: {"a": 1}}))
    assert isinstance(frame, ToolCall)
    assert frame.args == {"a": 1}


def test_canonical_spelling_wins_over_alias() -> None:
    """When both spellings are present, `name` and `args` win over their aliases."""
    frame = parse(_call(tool="other", args={"a": 1}, arguments={"b": 2}))
    assert isinstance(frame, ToolCall)
    assert (frame.name, frame.args) == ("create_task", {"a": 1})


def test_encode_uses_canonical_names() -> None:
    """A call parsed from aliases is encoded with `name` and `args`."""
    frame = parse(json.dumps({"type": "tool_call", "id": "c1", "tool": "x", "input": {"a": 1}}))
    assert json.loads(encode(frame)) == {"type": "tool_call", "id": "c1", "name": "x", "args": {"a": 1}}


def test_int_id_becomes_string() -> None:
    """A JSON integer id is accepted and turned into its decimal string."""
    frame = parse(json.dumps({"type": "tool_call", "id": 42, "name": "x"}))
    assert isinstance(frame, ToolCall)
    assert frame.id == "42"
    cancel = parse('{"type": "tool_cancel", "id": -7}')
    assert isinstance(cancel, ToolCancel)
    assert cancel.id == "-7"


@pytest.mark.parametrize("bad_id", [True, 1.5, "", "x" * 257, None, [], {}])
def test_bad_ids_are_rejected(bad_id: Any) -> None:
    """Booleans, floats, empty or over-256-character strings are not ids; no call id is carried."""
    exc = _fails(_call(id=bad_id))
    assert exc.error_type is ErrorType.INVALID_FRAME
    assert exc.call_id is None


def test_id_of_256_characters_is_accepted() -> None:
    """An id of exactly 256 characters is fine."""
    frame = parse(_call(id="i" * 256))
    assert isinstance(frame, ToolCall)
    assert len(frame.id) == 256


@pytest.mark.parametrize("text", [
    '{"type": "tool_call", "id": "c1", "name": "x"}',
    '{"type": "tool_call", "id": "c1", "name": "x", "args": null}',
    '{"type": "tool_call", "id": "c1", "name": "x", "arguments": null}',
])
def test_missing_or_null_args_mean_empty(text: str) -> None:
    """Missing or null args parse as an empty object."""
    frame = parse(text)
    assert isinstance(frame, ToolCall)
    assert frame.args == {}


def test_run_context_optional() -> None:
    """A tool_call without run_context has run_context None."""
    frame = parse(_call(args={}))
    assert isinstance(frame, ToolCall)
    assert frame.run_context is None


def test_run_context_extra_keys_ignored() -> None:
    """run_context keys beyond run_id/agent_id/agent_name are ignored, missing ones are None."""
    frame = parse(_call(run_context={"run_id": "r1", "trace": {"a": 1}, "priority": 3}))
    assert isinstance(frame, ToolCall)
    assert frame.run_context == RunContext(run_id="r1")
    assert json.loads(encode(frame))["run_context"] == {"run_id": "r1"}


def test_unknown_top_level_keys_ignored_in_every_frame() -> None:
    """Unknown keys are dropped on parse, at top level and nested, for device frames too."""
    hello = json.loads(encode(EVERY_FRAME[0]))
    hello["future"] = 1
    hello["tools"][0]["future"] = 2
    hello["tools"][0]["annotations"]["future"] = 3
    hello["agents"][0]["future"] = 4
    assert parse(json.dumps(hello)) == EVERY_FRAME[0]
    result = json.loads(encode(EVERY_FRAME[3]))
    result["future"] = 1
    result["error"]["future"] = 2
    assert parse(json.dumps(result)) == EVERY_FRAME[3]


def test_outgoing_models_forbid_unknown_fields() -> None:
    """Our device→server models refuse unknown fields when code builds them."""
    with pytest.raises(ValidationError):
        ToolResult(id="c1", ok=True, reslt={})  # type: ignore[call-arg]
    with pytest.raises(ValidationError):
        DeviceHello(device_id="d", tool=[])  # type: ignore[call-arg]
    with pytest.raises(ValidationError):
        ErrorBody(type="busy", mesage="x")  # type: ignore[call-arg]


def test_run_complete_minimal_form_defaults() -> None:
    """run_complete with only type, run_context and status gets summary '', errors [] and 0 items."""
    frame = parse('{"type": "run_complete", "run_context": {"run_id": "r"}, "status": "success"}')
    assert isinstance(frame, RunComplete)
    assert (frame.summary, frame.errors, frame.items_processed) == ("", [], 0)
    assert json.loads(encode(frame)) == {"type": "run_complete", "run_context": {"run_id": "r"},
                                         "status": "success", "summary": "", "errors": [],
                                         "items_processed": 0}


def test_run_complete_null_fields_mean_defaults() -> None:
    """Null summary, errors or items_processed in run_complete count as missing."""
    frame = parse('{"type": "run_complete", "status": "error", "summary": null, "errors": null,'
                  ' "items_processed": null}')
    assert isinstance(frame, RunComplete)
    assert (frame.summary, frame.errors, frame.items_processed) == ("", [], 0)


def test_error_body_retryable_defaults_from_type() -> None:
    """A peer's error without `retryable` gets the table's value; to_tool_error maps back."""
    frame = parse('{"type": "run_rejected", "request_id": "q", "error": {"type": "busy", "message": "m"}}')
    assert isinstance(frame, RunRejected)
    assert frame.error is not None
    assert frame.error.retryable is True
    err = frame.error.to_tool_error()
    assert (err.type, err.message) == (ErrorType.BUSY, "m")


def test_error_body_accepts_unknown_error_type() -> None:
    """An error type this version does not know still parses, and maps to internal."""
    frame = parse('{"type": "tool_result", "id": "c", "ok": false, "error": {"type": "quota", "message": "m"}}')
    assert isinstance(frame, ToolResult)
    assert frame.error is not None
    assert frame.error.type == "quota"
    assert frame.error.retryable is False
    assert frame.error.to_tool_error().type is ErrorType.INTERNAL


def test_unknown_type_is_unknown_frame() -> None:
    """An unknown frame type parses to UnknownFrame with the whole object kept."""
    frame = parse('{"type": "server_news", "text": "hi"}')
    assert isinstance(frame, UnknownFrame)
    assert frame.type == "server_news"
    assert frame.raw == {"type": "server_news", "text": "hi"}


def test_parse_accepts_bytes_limit_exactly() -> None:
    """A frame of exactly max_size UTF-8 bytes is accepted."""
    head = '{"type":"x","p":"'
    text = head + "é" * ((100 - len(head) - 2) // 2) + '"}'
    size = len(text.encode())
    assert isinstance(parse(text, max_size=size), UnknownFrame)
    assert _fails(text, max_size=size - 1).error_type is ErrorType.INVALID_FRAME


# ── what parse refuses ────────────────────────────────────────────────────
@pytest.mark.parametrize(("data", "needle"), [
    ("{not json", "not JSON"),
    ("", "not JSON"),
    ("[1, 2]", "array"),
    ('"tool_call"', "string"),
    ("null", "null"),
    ("3", "number"),
    ('{"id": "c1", "name": "x"}', "no type"),
    ('{"type": 5, "id": "c1"}', "string"),
    ('{"type": null}', "no type"),
    ('{"type": ""}', "type"),
    ('{"type": "tool_result", "id": "a", "ok": true, "result": NaN}', "NaN"),
    ('{"type": "tool_result", "id": "a", "ok": true, "result": -Infinity}', "Infinity"),
    ('{"type": "tool_result", "id": "a", "ok": true, "duration_ms": 1e999}', "out of range"),
    ('{"type": "run_request", "request_id": "q", "trigger": "cron", "agent": {"id": "a", "name": "n"}}',
     "trigger"),
    ('{"type": "run_complete", "status": "done"}', "status"),
    ('{"type": "run_started", "request_id": "q"}', "run_context"),
])
def test_malformed_frames(data: str, needle: str) -> None:
    """Malformed text raises ProtocolError(invalid_frame) with a message that says why."""
    exc = _fails(data)
    assert exc.error_type is ErrorType.INVALID_FRAME
    assert exc.call_id is None
    assert needle in exc.message


def test_tool_call_without_id() -> None:
    """A tool_call without id is invalid_frame with no call id to answer."""
    exc = _fails('{"type": "tool_call", "name": "x", "args": {}}')
    assert (exc.error_type, exc.call_id) == (ErrorType.INVALID_FRAME, None)


@pytest.mark.parametrize("fields", [{}, {"name": None}, {"name": ""}, {"name": 5}, {"tool": ["x"]}])
def test_tool_call_with_id_but_no_valid_name_carries_call_id(fields: dict[str, Any]) -> None:
    """A tool_call with a good id but no usable name is invalid_frame carrying the id."""
    exc = _fails(json.dumps({"type": "tool_call", "id": "c9", **fields}))
    assert (exc.error_type, exc.call_id) == (ErrorType.INVALID_FRAME, "c9")


@pytest.mark.parametrize("args", [[1, 2], "a=1", 3, True, [["a", 1]]])
def test_tool_call_args_not_object_is_invalid_args(args: Any) -> None:
    """Args that are not an object give invalid_args carrying the call id."""
    exc = _fails(_call(id=77, args=args))
    assert (exc.error_type, exc.call_id) == (ErrorType.INVALID_ARGS, "77")
    exc = _fails(json.dumps({"type": "tool_call", "id": "c1", "tool": "x", "input": args}))
    assert (exc.error_type, exc.call_id) == (ErrorType.INVALID_ARGS, "c1")


def test_tool_call_bad_name_and_bad_args_is_invalid_frame() -> None:
    """When the name is bad as well as the args, the frame is invalid_frame (still carrying the id)."""
    exc = _fails(json.dumps({"type": "tool_call", "id": "c1", "args": []}))
    assert (exc.error_type, exc.call_id) == (ErrorType.INVALID_FRAME, "c1")


def test_tool_call_bad_run_context_is_not_dropped() -> None:
    """A run_context that is not an object fails the call rather than widening its folder scope."""
    exc = _fails(_call(run_context="run-1"))
    assert (exc.error_type, exc.call_id) == (ErrorType.INVALID_FRAME, "c1")


@pytest.mark.parametrize("data", [b'{"type": "hello_ack"}', bytearray(b"{}"), memoryview(b"{}"), b""])
def test_binary_frames_are_refused(data: Any) -> None:
    """Binary frames are a protocol error, even when they hold valid JSON."""
    assert "binary" in _fails(data).message


@pytest.mark.parametrize("data", [None, 12, ["{}"], {"type": "hello_ack"}])
def test_non_text_input_is_refused(data: Any) -> None:
    """Anything but str raises ProtocolError, never TypeError."""
    _fails(data)


def test_five_megabyte_frame_is_refused() -> None:
    """A 5 MB frame is over the 4 MiB default limit."""
    exc = _fails('{"type": "x", "p": "' + "a" * (5 * 1024 * 1024) + '"}')
    assert "larger" in exc.message
    assert (exc.error_type, exc.call_id) == (ErrorType.INVALID_FRAME, None)


@pytest.mark.parametrize(("frame", "call_id"), [
    ({"type": "tool_call", "id": "big", "name": "x", "args": {"p": "a" * 5_000_000}}, "big"),
    ({"args": {"p": "a" * 5_000_000}, "name": "x", "id": 12, "type": "tool_call"}, "12"),
    ({"type": "tool_call", "args": {"id": "inner", "p": "a" * 5_000_000}}, None),
    ({"type": "tool_result", "id": "r1", "result": "a" * 5_000_000}, None),
    ({"type": "tool_call", "id": "", "args": {"p": "a" * 5_000_000}}, None),
])
def test_oversize_tool_call_carries_its_top_level_id(frame: dict[str, Any], call_id: str | None) -> None:
    """An oversize tool_call still names its top-level id so the call can be answered; nested ids never count."""
    exc = _fails(json.dumps(frame))
    assert (exc.error_type, exc.call_id) == (ErrorType.INVALID_FRAME, call_id)


def test_oversize_id_scan_gives_up_on_garbage() -> None:
    """Oversize text that breaks before both top-level type and id are read carries no call id."""
    assert _fails('{"type": "tool_call", "id": "c1"' + " " * 5_000_000).call_id == "c1"
    assert _fails('{"type": "tool_call" "id": "c1"' + " " * 5_000_000).call_id is None
    assert _fails('{"type": "tool_call", ' + "x" * 5_000_000).call_id is None
    assert _fails("[" * 5_000_000).call_id is None


def test_multibyte_text_measured_in_utf8_bytes() -> None:
    """The limit counts UTF-8 bytes, not characters."""
    text = '{"type":"x","p":"' + "€" * 1000 + '"}'
    assert len(text) < 1100
    _fails(text, max_size=1100)


def test_deep_nesting_is_refused() -> None:
    """`[[[[…]]]]` 100 000 deep raises ProtocolError, not RecursionError."""
    assert "deep" in _fails("[" * 100_000 + "]" * 100_000).message
    inner = '{"a":' * 100_000 + "1" + "}" * 100_000
    _fails('{"type": "tool_call", "id": "c1", "name": "x", "args": ' + inner + "}")


@pytest.mark.parametrize("depth", [10, 200, 900, 2000])
def test_moderate_nesting_either_parses_or_is_refused(depth: int) -> None:
    """Nested args parse, or raise ProtocolError once too deep; never anything else."""
    text = '{"type": "tool_call", "id": "c1", "name": "x", "args": {"v": ' + "[" * depth + "]" * depth + "}}"
    try:
        frame = parse(text)
    except ProtocolError:
        return
    assert isinstance(frame, ToolCall)


def test_huge_int_literal_is_refused() -> None:
    """A 10^5000 integer literal raises ProtocolError, not ValueError."""
    exc = _fails('{"type": "tool_call", "id": "c1", "name": "x", "args": {"n": 1' + "0" * 5000 + "}}")
    assert exc.error_type is ErrorType.INVALID_FRAME


def test_error_message_does_not_echo_large_input() -> None:
    """Validation messages stay short and do not quote the offending values."""
    exc = _fails(json.dumps({"type": "run_complete", "status": "x" * 100_000, "items_processed": "y" * 1000}))
    assert len(exc.message) <= 500
    assert "xxxx" not in exc.message


def test_overlong_unknown_type_is_refused() -> None:
    """An unknown type over 256 characters is refused rather than logged whole."""
    _fails(json.dumps({"type": "t" * 257}))


# ── encode and constructors ───────────────────────────────────────────────
def test_encode_is_compact_utf8() -> None:
    """encode writes compact JSON with non-ASCII characters as themselves."""
    text = encode(protocol.tool_result_ok("c1", {"name": "Müller"}, 1.0))
    assert text == '{"type":"tool_result","id":"c1","ok":true,"result":{"name":"Müller"},"duration_ms":1.0}'


def test_encode_drops_none_but_keeps_null_result() -> None:
    """None fields are left out, but a successful result stays even when null; nulls inside values stay."""
    assert json.loads(encode(protocol.tool_result_ok("c1", None, 3))) == {
        "type": "tool_result", "id": "c1", "ok": True, "result": None, "duration_ms": 3.0}
    assert "duration_ms" not in encode(protocol.tool_result_error("c1", ToolError("busy", "m")))
    assert json.loads(encode(ToolCall(id="c", name="x", args={"a": None})))["args"] == {"a": None}
    assert "server_time" not in encode(HelloAck())


def test_encode_refuses_nan() -> None:
    """A result JSON cannot carry raises ValueError in encode."""
    with pytest.raises(ValueError):
        encode(protocol.tool_result_ok("c1", {"x": float("nan")}, 1))
    with pytest.raises(ValueError):
        encode(protocol.tool_result_ok("c1", {"x": object()}, 1))


def test_encode_dict_refuses_non_mapping() -> None:
    """encode_dict takes a frame dict; already-encoded text is refused, not double-encoded."""
    assert protocol.encode_dict({"type": "tool_cancel", "id": "c"}) == '{"type":"tool_cancel","id":"c"}'
    with pytest.raises(ValueError):
        protocol.encode_dict('{"type":"tool_cancel"}')  # type: ignore[arg-type]


def test_tool_result_error_carries_type_retryable_details() -> None:
    """tool_result_error writes the ToolError's type, message, retryable and details."""
    frame = protocol.tool_result_error("c1", ToolError(ErrorType.TIMEOUT, "slow", details={"s": 25}), 25000)
    assert json.loads(encode(frame)) == {
        "type": "tool_result", "id": "c1", "ok": False, "duration_ms": 25000.0,
        "error": {"type": "timeout", "message": "slow", "retryable": True, "details": {"s": 25}}}


def test_error_frame_carries_call_id_when_known() -> None:
    """error_frame puts the call id in `id` when the ProtocolError has one, and leaves it out otherwise."""
    with_id = json.loads(protocol.encode_error(ProtocolError(ErrorType.INVALID_ARGS, "m", call_id="c1")))
    assert with_id == {"type": "error", "id": "c1",
                       "error": {"type": "invalid_args", "message": "m", "retryable": False}}
    assert "id" not in json.loads(protocol.encode_error(_fails("nope")))
    assert isinstance(parse(protocol.encode_error(_fails("nope"))), ErrorFrame)


def test_protocol_error_to_tool_error() -> None:
    """ProtocolError converts to a ToolError of the same type and message."""
    err = ProtocolError("invalid_args", "bad").to_tool_error()
    assert (err.type, err.message) == (ErrorType.INVALID_ARGS, "bad")


def test_constants() -> None:
    """Version, subprotocol and default limit match PROTOCOL.md."""
    assert (protocol.PROTOCOL_VERSION, protocol.SUBPROTOCOL, protocol.MAX_FRAME_BYTES) == (
        1, "adiuva-device.v1", 4 * 1024 * 1024)


# ── fuzz ──────────────────────────────────────────────────────────────────
FUZZ = settings(max_examples=300, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
FRAME_CLASSES = (*protocol._MODELS.values(), UnknownFrame)

json_scalars = (st.none() | st.booleans() | st.integers()
                | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20))
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)


def _parse_or_protocol_error(data: Any) -> BaseModel | ProtocolError:
    try:
        frame = parse(data)
    except ProtocolError as exc:
        assert isinstance(exc.error_type, ErrorType)
        assert exc.call_id is None or (isinstance(exc.call_id, str) and 0 < len(exc.call_id) <= 256)
        return exc
    assert isinstance(frame, FRAME_CLASSES)
    return frame


@FUZZ
@given(st.text() | st.binary())
def test_fuzz_arbitrary_text_and_bytes(data: str | bytes) -> None:
    """Any text or bytes gives a frame or a ProtocolError, nothing else; bytes always an error."""
    out = _parse_or_protocol_error(data)
    if isinstance(data, bytes):
        assert isinstance(out, ProtocolError)


@FUZZ
@given(json_values | st.builds(
    lambda kind, rest: {**rest, "type": kind},
    st.sampled_from([*protocol._MODELS, "other"]),
    st.dictionaries(st.sampled_from(["id", "name", "args", "ok", "result", "error", "status",
                                     "run_context", "request_id", "run_id", "agent", "trigger",
                                     "device_id", "tools", "protocol", "x"]), json_values, max_size=6),
))
def test_fuzz_json_values(value: Any) -> None:
    """Any JSON value (and objects shaped like frames) gives a frame or a ProtocolError; frames re-encode."""
    out = _parse_or_protocol_error(json.dumps(value))
    if not isinstance(value, dict):
        assert isinstance(out, ProtocolError)
    if isinstance(out, BaseModel):
        assert parse(encode(out)) == out


TOOL_CALL_FIELDS = ["type", "id", "name", "args", "run_context", "tool", "arguments", "input"]


@FUZZ
@given(
    st.dictionaries(st.sampled_from(TOOL_CALL_FIELDS), json_values, max_size=4),
    st.sets(st.sampled_from(TOOL_CALL_FIELDS), max_size=2),
)
def test_fuzz_tool_call_fields(replace: dict[str, Any], drop: set[str]) -> None:
    """A valid tool_call with fields replaced by any JSON value or dropped parses or fails cleanly."""
    base: dict[str, Any] = {"type": "tool_call", "id": "c1", "name": "create_task",
                            "args": {"title": "t"}, "run_context": {"run_id": "r"}}
    frame_dict = {k: v for k, v in {**base, **replace}.items() if k not in drop}
    out = _parse_or_protocol_error(json.dumps(frame_dict))
    if isinstance(out, ToolCall):
        assert isinstance(out.args, dict)
        assert out.name and out.id
        assert parse(encode(out)) == out
    elif isinstance(out, ProtocolError) and out.call_id is not None:
        assert frame_dict.get("type") == "tool_call"
        assert out.call_id == str(frame_dict["id"])


# ── the fast codec keeps the number and text rules ────────────────────────
@pytest.mark.parametrize("number", [2**53 + 1, 2**63 + 7, 2**64 + 7, -(2**64), 10**300])
def test_big_integers_stay_exact_both_ways(number: int) -> None:
    """Integers past 2**53, 2**63 and 2**64 parse as exact ints and encode back digit for digit."""
    text = f'{{"type":"tool_result","id":"c1","ok":true,"result":{{"n":{number}}},"duration_ms":1.0}}'
    frame = parse(text)
    assert type(frame.result["n"]) is int and frame.result["n"] == number
    assert encode(frame) == text


def test_integer_over_the_digit_limit_is_invalid_frame() -> None:
    """An integer of more than 4300 digits is refused as invalid_frame, as before."""
    exc = _fails('{"type":"tool_result","id":"c1","ok":true,"result":1' + "0" * 4300 + "}")
    assert exc.error_type is ErrorType.INVALID_FRAME


def test_escaped_lone_surrogate_still_parses() -> None:
    """Text the fast decoder refuses but JSON allows (an escaped lone surrogate) still parses."""
    frame = parse('{"type":"tool_call","id":"c1","name":"list_tasks","args":{"q":"\\ud800"}}')
    assert isinstance(frame, ToolCall) and frame.args == {"q": "\ud800"}


def test_raw_result_is_spliced_and_nan_refused() -> None:
    """tool_result_raw puts the stored text in the frame as it is; stored NaN raises ValueError."""
    text = encode(protocol.tool_result_raw("c1", '{"z":1,"a":[2]}', 2.0))
    assert text == '{"type":"tool_result","id":"c1","ok":true,"result":{"z":1,"a":[2]},"duration_ms":2.0}'
    assert encode(protocol.tool_result_raw("c1", '{"s":"NaN"}', 2.0)).count("NaN") == 1  # inside a string: fine
    with pytest.raises(ValueError):
        encode(protocol.tool_result_raw("c1", '{"x":NaN}', 2.0))
