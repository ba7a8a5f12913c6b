"""DeviceSession: the device's side of the bridge conversation, sans-I/O.

In the style of python-websockets' ``Protocol``: the session consumes what
happened (a connection opened or closed, a text frame arrived, the dispatcher
answered a call) and produces what to do (frames to send, actions for the
shell); it owns no socket and starts no task. ``bridge.client`` is the shell
that dials, sends what ``next_frame`` gives and feeds back what it reads.

It owns:

- **hello first**: ``connect(hello)`` makes the ``device_hello`` the next
  frame; nothing else is handed out until the shell reports it ``sent``;
- **the outbox** (``bridge.outbox``): answers made while offline wait there
  and go out after the next hello;
- **routing**: ``receive(text)`` returns ``Submit(call)`` for a ``tool_call``
  (every one, duplicates included: the dispatcher decides what a repeated id
  gets) and ``Cancel(id)`` for a ``tool_cancel`` (whose answer is then
  suppressed); ``run_started`` / ``run_rejected`` / ``run_complete`` resolve the
  ``RunBook``'s waiters; ``hello_ack`` and unknown types are logged and ignored;
- **invalid frames**: a frame that cannot be used is answered (a typed
  ``tool_result`` when its call id could be read, else an ``error`` frame) and
  the session goes on;
- **every frame the device sends**, built from ``bridge.protocol``'s models and
  encoded by its codec, here and nowhere else. A stored result (an answer with
  a ``result_json`` str) is spliced into its ``tool_result`` as it is.

The dispatcher's side (``deliver``/``answer``) takes an *answer*: an outcome
(``call_id``, ``ok``, ``result`` or ``result_json``, ``error``, ``duration_ms``;
``agents.journal.Outcome`` is one), a ``Failure`` (an error the dispatcher
gives itself: busy, paused, timeout, conflict) or a ``Refusal`` (a call that
cannot be answered by id).

Runs on the client's asyncio loop (not thread-safe; the RunBook's futures
belong to that loop).
"""

from __future__ import annotations

import collections
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from pydantic import ValidationError

from agents.errors import ErrorType, ToolError
from bridge import protocol
from bridge.outbox import Outbox
from bridge.runs import RemoteRun, RunBook

log = logging.getLogger(__name__)

MAX_SUPPRESSED = 1_024


# ── what the session tells the shell to do ────────────────────────────────
@dataclass(frozen=True, slots=True)
class Submit:
    """Hand this ``tool_call`` to the dispatcher."""

    call: protocol.ToolCall


@dataclass(frozen=True, slots=True)
class Cancel:
    """Stop the call with this id (``tool_cancel``); its answer will not be sent."""

    call_id: str


Action = Submit | Cancel


# ── answers the dispatcher gives besides an executor's outcome ─────────────
@dataclass(frozen=True, slots=True)
class Failure:
    """An error answer the dispatcher gives itself (busy, paused, timeout, conflict, internal)."""

    call_id: str
    error: ToolError
    duration_ms: float | None = 0.0
    ok: ClassVar[bool] = False


@dataclass(frozen=True, slots=True)
class Refusal:
    """A ``tool_call`` that cannot be answered by its id (an id UTF-8 cannot carry): an ``error`` frame."""

    message: str
    error_type: ErrorType = ErrorType.INVALID_FRAME


# ── building frames ───────────────────────────────────────────────────────
def answer_text(answer: Any) -> str:
    """The frame text answering a call: ``tool_result`` for an outcome or a ``Failure``,
    ``error`` for a ``Refusal``. A result JSON cannot carry becomes an ``internal`` error."""
    if type(answer) is Refusal:
        return protocol.encode(protocol.ErrorFrame(error=protocol.ErrorBody(
            type=str(answer.error_type), message=answer.message, retryable=answer.error_type.retryable)))
    call_id, duration_ms = answer.call_id, answer.duration_ms
    try:
        if answer.ok:
            stored = getattr(answer, "result_json", None)
            if type(stored) is str:
                frame = protocol.tool_result_raw(call_id, stored, duration_ms)
            else:
                frame = protocol.tool_result_ok(call_id, answer.result, duration_ms or 0.0)
        else:
            frame = protocol.tool_result_error(call_id, answer.error, duration_ms)
        return protocol.encode(frame)
    except ValueError as exc:  # NaN, a non-JSON type: say so rather than lose the answer
        log.warning("bridge.tool_result.unencodable call_id=%s error=%s", call_id, exc)
        error = ToolError(ErrorType.INTERNAL, f"the result cannot be sent as JSON: {exc}")
        return protocol.encode(protocol.tool_result_error(call_id, error, duration_ms))


class DeviceSession:
    """Hello first, the outbox, routing and answers, for one device across its connections."""

    def __init__(self, *, outbox: Outbox | None = None, max_suppressed: int = MAX_SUPPRESSED):
        self.outbox = outbox or Outbox()
        self.runs = RunBook()
        self.online = False
        self._hello: str | None = None
        self._suppressed: collections.OrderedDict[str, None] = collections.OrderedDict()
        self._max_suppressed = max_suppressed

    # ── connection events (from the shell) ────────────────────────────────
    def connect(self, hello: Mapping[str, Any]) -> str:
        """A connection opened: ``device_hello`` (built from ``hello``'s fields) is the next frame."""
        fields = {k: v for k, v in hello.items() if k not in ("type", "protocol")}
        self._hello = protocol.encode(protocol.DeviceHello(**fields))
        self.online = False
        return self._hello

    def disconnect(self) -> None:
        """The connection is gone: queued answers stay for after the next hello."""
        self._hello = None
        self.online = False

    def next_frame(self) -> str | None:
        """What to send now: the hello while it is pending, then the outbox's head once online."""
        if self._hello is not None:
            return self._hello
        return self.outbox.head() if self.online else None

    def sent(self, text: str) -> None:
        """The shell wrote ``text`` (the frame ``next_frame`` gave)."""
        if text is self._hello:
            self._hello = None
            self.online = True
        else:
            self.outbox.pop(text)

    # ── received frames (from the shell) ──────────────────────────────────
    def receive(self, data: str | bytes) -> Action | None:
        """One received text frame → an action for the shell, or ``None`` (handled here, or ignored)."""
        try:
            frame = protocol.parse(data)
        except protocol.ProtocolError as exc:
            self._invalid(exc)
            return None
        kind = type(frame)
        if kind is protocol.ToolCall:
            if self._suppressed:
                self._suppressed.pop(frame.id, None)  # asked again after a cancel: answer this time
            return Submit(frame)
        if kind is protocol.ToolCancel:
            self._suppress(frame.id)
            return Cancel(frame.id)
        if kind is protocol.HelloAck:
            log.info("bridge.hello.acknowledged server_time=%s", frame.server_time)
        elif self.runs.on_frame(frame):
            pass
        elif kind is protocol.UnknownFrame:
            log.info("bridge.frame.ignored type=%s", frame.type)
        else:
            log.info("bridge.frame.unexpected type=%s", getattr(frame, "type", "?"))
        return None

    def _invalid(self, exc: protocol.ProtocolError) -> None:
        log.warning("bridge.frame.invalid call_id=%s error=%s", exc.call_id, exc.message)
        if exc.call_id is not None:
            self.outbox.put(protocol.encode(protocol.tool_result_error(exc.call_id, exc.to_tool_error())))
        else:
            self.outbox.put(protocol.encode_error(exc))

    def stopped(self, call_id: str) -> None:
        """The dispatcher stopped the call (``Cancel`` found it): it will not answer, nothing to suppress."""
        self._suppressed.pop(call_id, None)

    def _suppress(self, call_id: str) -> None:
        self._suppressed[call_id] = None
        self._suppressed.move_to_end(call_id)
        while len(self._suppressed) > self._max_suppressed:
            self._suppressed.popitem(last=False)

    # ── answers (from the dispatcher) ─────────────────────────────────────
    def answer(self, answer: Any) -> None:
        """Queue the frame answering a call; nothing for a cancelled one. Never raises."""
        call_id = getattr(answer, "call_id", None)
        if call_id is not None and self._suppressed and call_id in self._suppressed:
            del self._suppressed[call_id]
            log.info("bridge.tool_result.suppressed call_id=%s (the backend cancelled the call)", call_id)
            return
        try:
            text = answer_text(answer)
        except (ValidationError, TypeError, AttributeError):  # not an answer we can word: say so, keep going
            log.exception("bridge.tool_result.unbuildable call_id=%s", call_id)
            return
        self.outbox.put(text)

    async def deliver(self, answer: Any) -> None:
        """``answer`` as the dispatcher's awaitable ``send``."""
        self.answer(answer)

    # ── runs the device asks for ──────────────────────────────────────────
    def run_request(self, agent: Mapping[str, Any], trigger: str) -> tuple[RemoteRun, str]:
        """A new ``RemoteRun`` and its ``run_request`` frame (the shell sends it at once, not queued)."""
        run = self.runs.new()
        try:
            frame = protocol.RunRequest(request_id=run.request_id, trigger=trigger,  # type: ignore[arg-type]
                                        agent=protocol.AgentSummary(**agent))
        except ValidationError as exc:
            self.runs.forget(run)
            message = f"the run request cannot be sent: {exc.errors()[0]['msg']}"
            raise ToolError(ErrorType.INVALID_ARGS, message) from None
        return run, protocol.encode(frame)

    def run_cancel(self, run: RemoteRun) -> str | None:
        """Forget ``run``; the ``run_cancel`` frame to send when the backend had started it."""
        self.runs.forget(run)
        return protocol.encode(protocol.RunCancel(run_id=run.run_id)) if run.run_id else None
