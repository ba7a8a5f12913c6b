"""The encoding side of the device bridge's wire (PROTOCOL.md): frame models → compact JSON text.

Owns ``encode``, ``encode_dict``, ``RawJSON`` (a result already JSON text,
spliced into a ``tool_result`` as it is), ``result_budget`` and the frame
constructors (``tool_result_ok`` / ``_raw`` / ``_error``, ``error_frame``,
``encode_error``), plus the strict standard-library decoder (``NaN``,
``Infinity`` and overflowing numbers refused) that ``bridge.protocol.codec``'s
``parse`` shares. Pure functions, no I/O: called on the client's, the
session's and the gateway's asyncio loops. Re-exported by
``bridge.protocol.codec`` and ``bridge.protocol``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from agents.errors import ToolError
from bridge.protocol.models import (
    MAX_FRAME_BYTES,
    ErrorBody,
    ErrorFrame,
    ProtocolError,
    ToolCall,
    ToolResult,
    UnknownFrame,
)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise ValueError(f"number {text[:40]} is out of range")
    return value


_decoder = json.JSONDecoder(parse_constant=_reject_constant, parse_float=_finite_float)
_decode = _decoder.decode


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ── encode ────────────────────────────────────────────────────────────────
_dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode


_str = json.encoder.encode_basestring  # one JSON string, as _dumps writes it (C)


class RawJSON:
    """A value that is already compact JSON text (the journal's stored result): spliced into
    the frame as it is. Put one in ``ToolResult.result`` (``tool_result_raw``)."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return f"RawJSON({_clip(self.text, 60)!r})"


def encode(frame: BaseModel) -> str:
    """A frame model → compact JSON text. ``None`` fields are left out, except those the
    protocol requires. Raises ``ValueError`` for values JSON cannot carry."""
    if type(frame) is ToolResult:
        return _tool_result_text(frame)
    if isinstance(frame, UnknownFrame):
        data: dict[str, Any] = {**frame.raw, "type": frame.type}
    elif type(frame) is ToolCall:
        data = _tool_call_dict(frame)
    else:
        data = frame.model_dump(exclude_none=True)
        for name in getattr(frame, "_keep", ()):
            data.setdefault(name, getattr(frame, name))
    return encode_dict(data)


def _tool_result_text(frame: ToolResult) -> str:
    """The hot path: a template around the parts; a ``RawJSON`` result is spliced in as it is."""
    parts = ['{"type":"tool_result","id":', _str(frame.id), ',"ok":true' if frame.ok else ',"ok":false']
    result = frame.result
    if frame.ok or result is not None:  # required on success, even when null
        parts.append(',"result":')
        parts.append(_raw_text(result) if type(result) is RawJSON else _value(result))
    if frame.error is not None:
        parts.append(',"error":')
        parts.append(_value(frame.error.model_dump(exclude_none=True)))
    if frame.duration_ms is not None:
        if not math.isfinite(frame.duration_ms):
            raise ValueError("duration_ms must be a finite number")
        parts.append(f',"duration_ms":{float(frame.duration_ms)!r}')
    parts.append("}")
    return "".join(parts)


def _raw_text(raw: RawJSON) -> str:
    text = raw.text
    if type(text) is not str or not text:
        raise ValueError("a RawJSON result must be non-empty JSON text")
    if "NaN" in text or "Infinity" in text:  # perhaps inside a string; the decoder tells
        try:
            _decode(text)
        except (ValueError, RecursionError) as exc:
            raise ValueError(f"result is not valid JSON: {_clip(str(exc), 120)}") from None
    return text


def _value(value: Any) -> str:
    try:
        return _dumps(value)
    except TypeError as exc:
        raise ValueError(f"frame is not JSON-serialisable: {exc}") from None
    except RecursionError:
        raise ValueError("frame is nested too deeply to encode") from None


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


def tool_result_raw(call_id: str, result_json: str, duration_ms: float | None) -> ToolResult:
    """A successful ``tool_result`` whose result is already JSON text (spliced by ``encode``)."""
    return ToolResult(id=call_id, ok=True, result=RawJSON(result_json),
                      duration_ms=None if duration_ms is None else _ms(duration_ms))


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
