"""The device bridge's frames (PROTOCOL.md, version 1) as pydantic models: what a frame may hold.

Owns the frame models, ``ProtocolError``, the constants and the table of frame
types (``_MODELS``); ``bridge.protocol.codec`` turns text into these models and
back, and ``bridge.protocol`` re-exports both. Pure data, no I/O: importable
from any thread or loop.

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
Strict in what we send, liberal in what we accept: the device→server models
forbid unknown fields when our code builds them, but ``parse`` drops unknown
keys at every level, for every frame. Ids are non-empty strings of at most
256 characters.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    model_validator,
)

from agents.errors import AdiuvaError, ErrorType, ToolError

PROTOCOL_VERSION = 1
SUBPROTOCOL = "adiuva-device.v1"
MAX_FRAME_BYTES = 4 * 1024 * 1024
MAX_ID_LENGTH = 256
MAX_TYPE_LENGTH = 256



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
