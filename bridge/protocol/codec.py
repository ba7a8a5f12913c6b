"""Frame text ↔ frame models for the device bridge (PROTOCOL.md): ``parse``, ``encode`` and the fast paths.

Owns the JSON rules of the wire. Pure functions, no I/O: called on the
client's, the session's and the gateway's asyncio loops. The encoding side
(``encode``, ``encode_dict``, ``RawJSON``, ``result_budget``, the
``tool_result_*`` / ``error_frame`` constructors) and the strict decoder both
sides share are in ``bridge.protocol.encoding``, re-exported here.

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
from typing import Any

import msgspec
from pydantic import ValidationError

from agents.errors import ErrorType
from bridge.protocol.encoding import (
    RawJSON,
    _clip,
    _decoder,
    encode,
    encode_dict,
    encode_error,
    error_frame,
    result_budget,
    tool_result_error,
    tool_result_ok,
    tool_result_raw,
)
from bridge.protocol.models import (
    _LENIENT,
    _MODELS,
    MAX_FRAME_BYTES,
    MAX_ID_LENGTH,
    MAX_TYPE_LENGTH,
    Frame,
    ProtocolError,
    UnknownFrame,
)

__all__ = [
    "RawJSON",
    "encode",
    "encode_dict",
    "encode_error",
    "error_frame",
    "parse",
    "result_budget",
    "tool_result_error",
    "tool_result_ok",
    "tool_result_raw",
]

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
