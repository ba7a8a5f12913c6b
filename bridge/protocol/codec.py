"""Frame text ↔ frame models for the device bridge (PROTOCOL.md): ``parse``, ``encode`` and the fast paths.

Owns the JSON rules of the wire. Pure functions, no I/O: called on the
client's, the session's and the gateway's asyncio loops.

- ``parse`` accepts every frame type (the device needs the server frames, the
  reference gateway the device frames) and **raises only ProtocolError**,
  whatever the input: bytes, oversize text, bad JSON, ``NaN``/``Infinity``,
  numbers out of range, absurd nesting, non-objects, a missing ``type``,
  invalid fields. When the frame is a ``tool_call`` whose ``id`` could be read
  (even from an oversize frame, when its top-level ``type`` and ``id`` come
  before the bulk), ``ProtocolError.call_id`` carries it so the caller can
  answer that call with a typed ``tool_result`` error rather than a bare
  ``error`` frame.
- In a frame's own id field (``id``; ``request_id``; ``run_id`` of
  ``run_cancel``; ``device_id``) ``parse`` also accepts a JSON integer and
  turns it into its decimal string (``7`` → ``"7"``); booleans and floats are
  not ids.
- ``encode`` writes compact UTF-8 JSON, leaves out ``None`` fields except those
  the protocol requires (``result`` of a successful ``tool_result``), and
  raises ``ValueError`` for what JSON cannot carry (``NaN``, ``Infinity``,
  non-JSON types).

Numbers follow the standard library's rules on both sides: ``NaN``,
``Infinity`` and numbers that overflow a double are refused; integers are
exact at any size up to Python's 4300-digit limit (beyond 2**53 and 2**64
too), never turned into floats.

Speed (bench/protocol_codec.py): text is decoded by ``msgspec.json`` (its
integers are exact at any size, it refuses ``NaN``/``Infinity`` and overflowing
numbers, as the standard library does here); anything msgspec refuses is
decoded again by the standard library's decoder, which decides and words the
error, so edge cases (escaped lone surrogates, the messages) are exactly as
before. A ``tool_result`` is written as a template around its parts, and a
result that is already JSON text (``RawJSON``: the journal's stored result)
is spliced in, not decoded and encoded again. (orjson was measured too: it
reads integers past 64 bits as floats and cannot write them, which breaks
the integer rule.)
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

import msgspec
from pydantic import BaseModel, ValidationError

from agents.errors import ErrorType, ToolError
from bridge.protocol.models import (
    _LENIENT,
    _MODELS,
    MAX_FRAME_BYTES,
    MAX_ID_LENGTH,
    MAX_TYPE_LENGTH,
    ErrorBody,
    ErrorFrame,
    Frame,
    ProtocolError,
    ToolCall,
    ToolResult,
    UnknownFrame,
)

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
_fast_decode = msgspec.json.Decoder().decode
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
        obj = _fast_decode(data)
    except Exception:  # msgspec refused it: the standard decoder decides, and says why
        obj = _MISSING
    if obj is _MISSING:
        obj = _slow_decode(data)
    if type(obj) is not dict:
        raise _invalid(f"a frame is a JSON object, not {_json_kind(obj)}")
    return _validate(obj)


_MISSING: Any = object()


def _slow_decode(data: str) -> Any:
    try:
        return _decode(data)
    except RecursionError:
        raise _invalid("frame is nested too deeply") from None
    except json.JSONDecodeError as exc:
        raise _invalid(f"frame is not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except ValueError as exc:  # NaN/Infinity, out-of-range floats, ints over the digit limit
        raise _invalid(f"frame is not valid JSON: {_clip(str(exc), 120)}") from None


def _validate(obj: dict[str, Any]) -> Frame:
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
