"""The device bridge wire format (PROTOCOL.md, version 1), sans-I/O.

Frames as pydantic models, plus ``parse`` (text → model) and ``encode``
(model → text). Nothing here touches a socket, a file or an event loop.

Frames, device to server (what the companion sends; the reference gateway
parses them)::

    device_hello   DeviceHello  (ToolManifestEntry, ToolAnnotations, AgentSummary)
    tool_result    ToolResult   (ErrorBody when ok is false)
    run_request    RunRequest   (trigger: schedule | manual | catch_up)
    run_cancel     RunCancel
    error          ErrorFrame   the answer to a frame that cannot be parsed

Frames, server to device::

    hello_ack      HelloAck
    tool_call      ToolCall     (RunContext; aliases: tool→name, arguments/input→args)
    tool_cancel    ToolCancel
    run_started    RunStarted
    run_rejected   RunRejected
    run_complete   RunComplete  (status: success | partial | error | cancelled)

Any other ``type`` parses to ``UnknownFrame``; the caller ignores and logs it.

Rules:

- ``parse`` accepts every frame type above (the device needs the server
  frames, the reference gateway the device frames) and **raises only
  ProtocolError**, whatever the input: bytes, oversize text, bad JSON,
  ``NaN``/``Infinity``, numbers out of range, absurd nesting, non-objects,
  a missing ``type``, invalid fields. When the frame is a ``tool_call`` whose
  ``id`` could be read (even from an oversize frame, when its top-level ``type``
  and ``id`` come before the bulk), ``ProtocolError.call_id`` carries it so the
  caller can answer that call with a typed ``tool_result`` error rather than a
  bare ``error`` frame.
- Strict in what we send, liberal in what we accept: the device→server models
  forbid unknown fields when our code builds them, but ``parse`` drops unknown
  keys at every level, for every frame.
- Ids (``id``, ``request_id``, ``run_id``, ``device_id``, agent ids) are
  non-empty strings of at most 256 characters. In a frame's own id field
  (``id``; ``request_id``; ``run_id`` of ``run_cancel``; ``device_id``) ``parse``
  also accepts a JSON integer and turns it into its decimal string
  (``7`` → ``"7"``), so a backend that numbers its calls still works; booleans
  and floats are not ids. ``run_context`` keys are optional plain strings.
- ``encode`` writes compact UTF-8 JSON, leaves out ``None`` fields except those
  the protocol requires (``result`` of a successful ``tool_result``), and raises
  ``ValueError`` for what JSON cannot carry (``NaN``, ``Infinity``, non-JSON types).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    model_validator,
)

from agents.errors import AdiuvaError, ErrorType, ToolError

PROTOCOL_VERSION = 1
SUBPROTOCOL = "adiuva-device.v1"
MAX_FRAME_BYTES = 4 * 1024 * 1024
MAX_ID_LENGTH = 256
MAX_TYPE_LENGTH = 256

__all__ = [
    "MAX_FRAME_BYTES",
    "PROTOCOL_VERSION",
    "SUBPROTOCOL",
    "AgentSummary",
    "DeviceFrame",
    "DeviceHello",
    "ErrorBody",
    "ErrorFrame",
    "Frame",
    "HelloAck",
    "ProtocolError",
    "RunCancel",
    "RunComplete",
    "RunContext",
    "RunRejected",
    "RunRequest",
    "RunStarted",
    "ServerFrame",
    "ToolAnnotations",
    "ToolCall",
    "ToolCancel",
    "ToolManifestEntry",
    "ToolResult",
    "UnknownFrame",
    "encode",
    "encode_dict",
    "encode_error",
    "error_frame",
    "parse",
    "result_budget",
    "tool_result_error",
    "tool_result_ok",
]


# ── errors ────────────────────────────────────────────────────────────────
class ProtocolError(AdiuvaError):
    """A frame that cannot be used. ``parse`` raises nothing else.

    ``error_type`` is the PROTOCOL.md error type (``invalid_frame``, or
    ``invalid_args`` for a ``tool_call`` whose args are not an object);
    ``call_id`` is the ``tool_call`` id when one could be read, else ``None``.
    """

    def __init__(self, error_type: ErrorType | str, message: str, *, call_id: str | None = None):
        self.error_type = ErrorType(error_type)
        self.message = message
        self.call_id = call_id
        super().__init__(f"{self.error_type}: {message}")

    def to_tool_error(self) -> ToolError:
        return ToolError(self.error_type, self.message)


# ── field types ───────────────────────────────────────────────────────────
FrameId = Annotated[str, StringConstraints(strict=True, min_length=1, max_length=MAX_ID_LENGTH)]
"""A non-empty string of at most 256 characters. ``parse`` turns a JSON integer in a frame's
own id field into its string before validation (see ``_ID_FIELD``); models built in code
take strings only."""


# ── base classes ──────────────────────────────────────────────────────────
_LENIENT: dict[str, bool] = {"lenient": True}
"""Validation context ``parse`` passes down: outgoing models then drop unknown keys."""


class _Incoming(BaseModel):
    """A frame or part the device receives: unknown keys are ignored."""

    model_config = ConfigDict(extra="ignore")
    _keep: ClassVar[frozenset[str]] = frozenset()


class _Outgoing(BaseModel):
    """A frame or part the device sends: unknown keys are an error when we build one,
    and silently dropped when ``parse`` reads one (the gateway reading a newer device)."""

    model_config = ConfigDict(extra="forbid")
    _keep: ClassVar[frozenset[str]] = frozenset()
    _known: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        cls._known = frozenset(cls.model_fields)

    @model_validator(mode="before")
    @classmethod
    def _drop_unknown_when_parsing(cls, data: Any, info: ValidationInfo) -> Any:
        if info.context is _LENIENT and type(data) is dict:
            known = cls._known
            for key in data:
                if key not in known:
                    return {k: v for k, v in data.items() if k in known}
        return data


# ── shared parts ──────────────────────────────────────────────────────────
class ErrorBody(_Outgoing):
    """The ``error`` object of ``tool_result``, ``run_rejected`` and ``error`` frames.

    ``type`` stays a plain string so a newer peer's error type still parses;
    ``retryable`` defaults from the type when a peer leaves it out.
    """

    type: str
    message: str = ""
    retryable: bool = False
    details: dict[str, Any] | None = None

    @model_validator(mode="before")
    @classmethod
    def _default_retryable(cls, data: Any) -> Any:
        if type(data) is dict and "retryable" not in data:
            kind = data.get("type")
            if isinstance(kind, str) and kind in ErrorType._value2member_map_:
                return {**data, "retryable": ErrorType(kind).retryable}
        return data

    @classmethod
    def from_tool_error(cls, error: ToolError) -> ErrorBody:
        return cls(type=str(error.type), message=error.message, retryable=error.retryable,
                   details=error.details or None)

    def to_tool_error(self) -> ToolError:
        """As a ``ToolError``; an error type this version does not know becomes ``internal``."""
        return ToolError.from_dict(self.model_dump(exclude_none=True))


class RunContext(_Incoming):
    """Which run a call or a run frame belongs to; every key optional, extra keys ignored."""

    run_id: str | None = None
    agent_id: str | None = None
    agent_name: str | None = None


class ToolAnnotations(_Outgoing):
    read_only: bool = False
    idempotent: bool = False


class ToolManifestEntry(_Outgoing):
    """One tool in ``device_hello.tools``; ``parameters`` is the JSON Schema of its args."""

    name: Annotated[str, StringConstraints(min_length=1, max_length=MAX_ID_LENGTH)]
    description: str = ""
    parameters: dict[str, Any] = Field(default_factory=dict)
    annotations: ToolAnnotations = Field(default_factory=ToolAnnotations)


class AgentSummary(_Outgoing):
    """A client-owned agent config as ``device_hello`` and ``run_request`` carry it."""

    id: FrameId
    name: str
    directory_paths: list[str] = Field(default_factory=list)
    file_extensions: list[str] = Field(default_factory=list)
    data_types: list[str] = Field(default_factory=list)
    prompt_template: str = ""
    schedule_cron: str | None = None
    last_run_at: str | None = None


# ── device → server ───────────────────────────────────────────────────────
class DeviceHello(_Outgoing):
    type: Literal["device_hello"] = "device_hello"
    protocol: int = PROTOCOL_VERSION
    device_id: FrameId
    device_name: str = ""
    app_version: str = ""
    platform: str = ""
    tools: list[ToolManifestEntry] = Field(default_factory=list)
    roots: list[str] = Field(default_factory=list)
    max_concurrency: int = Field(default=8, ge=1)
    agents: list[AgentSummary] = Field(default_factory=list)


class ToolResult(_Outgoing):
    """The answer to one ``tool_call``: ``result`` when ``ok``, else ``error``."""

    type: Literal["tool_result"] = "tool_result"
    id: FrameId
    ok: bool
    result: Any = None
    error: ErrorBody | None = None
    duration_ms: float | None = Field(default=None, ge=0, allow_inf_nan=False)


class RunRequest(_Outgoing):
    type: Literal["run_request"] = "run_request"
    request_id: FrameId
    trigger: Literal["schedule", "manual", "catch_up"]
    agent: AgentSummary


class RunCancel(_Outgoing):
    type: Literal["run_cancel"] = "run_cancel"
    run_id: FrameId


class ErrorFrame(_Outgoing):
    """``{"type": "error", "error": {...}, "id"?}``: the answer to a frame that cannot be used."""

    type: Literal["error"] = "error"
    error: ErrorBody
    id: FrameId | None = None


# ── server → device ───────────────────────────────────────────────────────
class HelloAck(_Incoming):
    type: Literal["hello_ack"] = "hello_ack"
    protocol: int = PROTOCOL_VERSION
    server_time: str | None = None


class ToolCall(_Incoming):
    """One tool call. ``tool`` is accepted for ``name``, ``arguments``/``input`` for ``args``
    (the first spelling present wins, in that order); missing args mean ``{}``, and ``parse``
    reads null args as ``{}`` too."""

    type: Literal["tool_call"] = "tool_call"
    id: FrameId
    name: Annotated[str, StringConstraints(strict=True, min_length=1, max_length=MAX_ID_LENGTH)] = Field(
        validation_alias=AliasChoices("name", "tool"),
    )
    args: dict[str, Any] = Field(
        default_factory=dict, strict=True, validation_alias=AliasChoices("args", "arguments", "input"),
    )
    run_context: RunContext | None = None


class ToolCancel(_Incoming):
    type: Literal["tool_cancel"] = "tool_cancel"
    id: FrameId


class RunStarted(_Incoming):
    type: Literal["run_started"] = "run_started"
    request_id: FrameId
    run_context: RunContext


class RunRejected(_Incoming):
    type: Literal["run_rejected"] = "run_rejected"
    request_id: FrameId
    error: ErrorBody | None = None


class RunComplete(_Incoming):
    """The end of a run. Only ``status`` is required: the reference runner sends
    ``type``, ``run_context`` and ``status``; the rest defaults (null counts as missing)."""

    type: Literal["run_complete"] = "run_complete"
    run_context: RunContext | None = None
    status: Literal["success", "partial", "error", "cancelled"]
    summary: str = ""
    errors: list[str | dict[str, Any]] = Field(default_factory=list)
    items_processed: int = Field(default=0, ge=0)
    _keep = frozenset({"summary", "errors", "items_processed"})

    @model_validator(mode="before")
    @classmethod
    def _null_means_default(cls, data: Any) -> Any:
        if type(data) is dict and (
            data.get("summary", "") is None or data.get("errors", ()) is None
            or data.get("items_processed", 0) is None
        ):
            return {k: v for k, v in data.items() if v is not None or k not in cls._keep}
        return data


class UnknownFrame(BaseModel):
    """A frame whose ``type`` this version does not know; ``raw`` is the whole object."""

    model_config = ConfigDict(extra="forbid")
    type: str
    raw: dict[str, Any] = Field(default_factory=dict)


DeviceFrame = DeviceHello | ToolResult | RunRequest | RunCancel | ErrorFrame
ServerFrame = HelloAck | ToolCall | ToolCancel | RunStarted | RunRejected | RunComplete
Frame = DeviceFrame | ServerFrame | UnknownFrame

_MODELS: dict[str, type[BaseModel]] = {
    "device_hello": DeviceHello,
    "tool_result": ToolResult,
    "run_request": RunRequest,
    "run_cancel": RunCancel,
    "error": ErrorFrame,
    "hello_ack": HelloAck,
    "tool_call": ToolCall,
    "tool_cancel": ToolCancel,
    "run_started": RunStarted,
    "run_rejected": RunRejected,
    "run_complete": RunComplete,
}

_ARGS_KEYS = frozenset({"args", "arguments", "input"})

_ID_FIELD: dict[str, str] = {
    "tool_call": "id",
    "tool_cancel": "id",
    "tool_result": "id",
    "error": "id",
    "run_request": "request_id",
    "run_started": "request_id",
    "run_rejected": "request_id",
    "run_cancel": "run_id",
    "device_hello": "device_id",
}
"""The id field of each frame type, where ``parse`` accepts a JSON integer for a string."""


# ── parse ─────────────────────────────────────────────────────────────────
def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise ValueError(f"number {text[:40]} is out of range")
    return value


_decoder = json.JSONDecoder(parse_constant=_reject_constant, parse_float=_finite_float)
_decode = _decoder.decode
_raw_decode = _decoder.raw_decode
_scanstring = json.decoder.scanstring
_WHITESPACE = json.decoder.WHITESPACE.match


def _invalid(message: str, call_id: str | None = None) -> ProtocolError:
    return ProtocolError(ErrorType.INVALID_FRAME, message, call_id=call_id)


def parse(data: str | bytes, *, max_size: int = MAX_FRAME_BYTES) -> Frame:
    """One text frame → its model. Raises ``ProtocolError`` and nothing else."""
    try:
        return _parse(data, max_size)
    except ProtocolError:
        raise
    except RecursionError:
        raise _invalid("frame is nested too deeply") from None
    except Exception as exc:  # the contract: nothing but ProtocolError escapes
        raise _invalid(f"frame cannot be parsed: {type(exc).__name__}") from None


def _parse(data: Any, max_size: int) -> Frame:
    if type(data) is not str:
        if isinstance(data, bytes | bytearray | memoryview):
            raise _invalid("binary frames are not allowed; send JSON as a text frame")
        if not isinstance(data, str):
            raise _invalid(f"a frame is text, not {type(data).__name__}")
    size = len(data)
    # A str of n code points is at most 4n UTF-8 bytes: encode only when that could matter.
    if size > max_size or (size * 4 > max_size and len(data.encode("utf-8", "surrogatepass")) > max_size):
        call_id = _oversize_call_id(data) if size <= 4 * max_size else None
        raise _invalid(f"frame is larger than {max_size} bytes", call_id)
    try:
        obj = _decode(data)
    except RecursionError:
        raise _invalid("frame is nested too deeply") from None
    except json.JSONDecodeError as exc:
        raise _invalid(f"frame is not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except ValueError as exc:  # NaN/Infinity, out-of-range floats, ints over the digit limit
        raise _invalid(f"frame is not valid JSON: {_clip(str(exc), 120)}") from None
    if type(obj) is not dict:
        raise _invalid(f"a frame is a JSON object, not {_json_kind(obj)}")
    kind = obj.get("type")
    if type(kind) is not str:
        raise _invalid("frame has no type" if kind is None else "frame type must be a string")
    model = _MODELS.get(kind)
    if model is None:
        if not kind or len(kind) > MAX_TYPE_LENGTH:
            raise _invalid("frame type must be 1 to 256 characters")
        return UnknownFrame.model_construct(type=kind, raw=obj)
    id_field = _ID_FIELD.get(kind)
    if id_field is not None and type(obj.get(id_field)) is int:
        obj[id_field] = str(obj[id_field])
    if kind == "tool_call":
        for key in ("args", "arguments", "input"):  # the alias order of ToolCall.args
            if key in obj:
                if obj[key] is None:
                    obj[key] = {}
                break
    try:
        return model.model_validate(obj, context=_LENIENT)  # type: ignore[return-value]
    except ValidationError as exc:
        raise _from_validation(kind, obj, exc) from None


def _oversize_call_id(text: str) -> str | None:
    """The id of an oversize ``tool_call``, so the call can be answered rather than left to time out.

    Reads the top-level members in order and stops as soon as both ``type`` and ``id`` are
    known: ``{"type": "tool_call", "id": "c1", "args": <5 MB>}`` costs two short decodes.
    Values before them are decoded to be skipped (C speed, bounded by the 4 × max_size text
    ``parse`` allows here). Anything unexpected gives ``None``.
    """
    ws = _WHITESPACE
    kind: Any = None
    call_id: Any = None
    try:
        pos = ws(text, 0).end()
        if text[pos] != "{":
            return None
        pos += 1
        while True:
            pos = ws(text, pos).end()
            if text[pos] != '"':
                return None
            key, pos = _scanstring(text, pos + 1)
            pos = ws(text, pos).end()
            if text[pos] != ":":
                return None
            value, pos = _raw_decode(text, ws(text, pos + 1).end())
            if key == "type":
                if value != "tool_call":
                    return None
                kind = value
            elif key == "id" and call_id is None:
                call_id = value
            if kind is not None and call_id is not None:
                break
            pos = ws(text, pos).end()
            if text[pos] != ",":
                return None
            pos += 1
    except (ValueError, IndexError, RecursionError):
        return None
    return _readable_id(str(call_id) if type(call_id) is int else call_id)


def _from_validation(kind: str, obj: dict[str, Any], exc: ValidationError) -> ProtocolError:
    errors = exc.errors(include_url=False, include_input=False, include_context=False)
    message = f"invalid {kind}: " + "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or '(frame)'}: {e['msg']}" for e in errors[:3]
    )
    if len(errors) > 3:
        message += f"; and {len(errors) - 3} more"
    message = _clip(message, 500)
    if kind != "tool_call":
        return _invalid(message)
    call_id = _readable_id(obj.get("id"))
    if call_id is None:
        return _invalid(message)
    if all(e["loc"] and e["loc"][0] in _ARGS_KEYS for e in errors):
        return ProtocolError(ErrorType.INVALID_ARGS, message, call_id=call_id)
    return _invalid(message, call_id)


def _readable_id(value: Any) -> str | None:
    """The id as a string the device can echo back, or None (text UTF-8 cannot carry is not an id)."""
    if type(value) is not str or not 0 < len(value) <= MAX_ID_LENGTH:
        return None
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return None
    return value


def _json_kind(obj: Any) -> str:
    if obj is None:
        return "null"
    if isinstance(obj, bool):
        return "a boolean"
    if isinstance(obj, list):
        return "an array"
    if isinstance(obj, str):
        return "a string"
    return "a number"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ── encode ────────────────────────────────────────────────────────────────
_dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode


def encode(frame: BaseModel) -> str:
    """A frame model → compact JSON text. ``None`` fields are left out, except those the
    protocol requires. Raises ``ValueError`` for values JSON cannot carry."""
    if isinstance(frame, UnknownFrame):
        data: dict[str, Any] = {**frame.raw, "type": frame.type}
    elif type(frame) is ToolResult:
        data = _tool_result_dict(frame)
    elif type(frame) is ToolCall:
        data = _tool_call_dict(frame)
    else:
        data = frame.model_dump(exclude_none=True)
        for name in getattr(frame, "_keep", ()):
            data.setdefault(name, getattr(frame, name))
    return encode_dict(data)


def _tool_result_dict(frame: ToolResult) -> dict[str, Any]:
    # The hot path for the device: built by hand, without a generic model dump of ``result``.
    data: dict[str, Any] = {"type": "tool_result", "id": frame.id, "ok": frame.ok}
    if frame.ok:
        data["result"] = frame.result  # required on success, even when null
    elif frame.result is not None:
        data["result"] = frame.result
    if frame.error is not None:
        data["error"] = frame.error.model_dump(exclude_none=True)
    if frame.duration_ms is not None:
        data["duration_ms"] = frame.duration_ms
    return data


def _tool_call_dict(frame: ToolCall) -> dict[str, Any]:
    data: dict[str, Any] = {"type": "tool_call", "id": frame.id, "name": frame.name, "args": frame.args}
    ctx = frame.run_context
    if ctx is not None:
        data["run_context"] = {k: v for k, v in ctx.__dict__.items() if v is not None}
    return data


def encode_dict(frame: Mapping[str, Any]) -> str:
    """An already-built frame dict → compact JSON text (no validation).
    Raises ``ValueError`` for values JSON cannot carry, and for anything but a mapping
    (an already-encoded ``str`` included: it would go out as a JSON string, not a frame)."""
    if not isinstance(frame, Mapping):
        raise ValueError(f"a frame is a JSON object (a mapping), not {type(frame).__name__}")
    try:
        return _dumps(frame)
    except TypeError as exc:
        raise ValueError(f"frame is not JSON-serialisable: {exc}") from None
    except RecursionError:
        raise ValueError("frame is nested too deeply to encode") from None


# ── sizes ─────────────────────────────────────────────────────────────────
_RESULT_ENVELOPE = len('{"type":"tool_result","id":,"ok":true,"result":,"duration_ms":}') + 32  # + a float's repr


def result_budget(call_id: str, max_size: int = MAX_FRAME_BYTES) -> int:
    """The most UTF-8 bytes a ``tool_result``'s encoded ``result`` may take so that the whole
    frame for ``call_id`` stays within ``max_size``. The result's compact JSON has the same
    length whatever its key order, so a caller that has encoded it once (the journal) compares
    that text's size with this budget instead of encoding the frame again."""
    try:
        id_size = len(_dumps(call_id).encode("utf-8"))
    except (UnicodeEncodeError, TypeError, ValueError):
        id_size = 6 * len(str(call_id)) + 2  # every character escaped: an upper bound
    return max_size - _RESULT_ENVELOPE - id_size


# ── constructors ──────────────────────────────────────────────────────────
def tool_result_ok(call_id: str, result: Any, duration_ms: float) -> ToolResult:
    return ToolResult(id=call_id, ok=True, result=result, duration_ms=_ms(duration_ms))


def tool_result_error(call_id: str, error: ToolError, duration_ms: float | None = None) -> ToolResult:
    return ToolResult(
        id=call_id, ok=False, error=ErrorBody.from_tool_error(error),
        duration_ms=None if duration_ms is None else _ms(duration_ms),
    )


def error_frame(exc: ProtocolError) -> ErrorFrame:
    """The ``error`` frame answering a frame that could not be used (carries the call id if known)."""
    body = ErrorBody(type=str(exc.error_type), message=exc.message, retryable=exc.error_type.retryable)
    return ErrorFrame(error=body, id=exc.call_id)


def encode_error(exc: ProtocolError) -> str:
    """``encode(error_frame(exc))``."""
    return encode(error_frame(exc))


def _ms(value: float) -> float:
    return round(max(float(value), 0.0), 3)
