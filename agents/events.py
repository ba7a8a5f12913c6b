"""A small Qt-free event hub.

Core code emits named events; the UI turns them into Qt signals
(``desktop.ui.signals``), the CLI prints them, tests collect them. Listeners
run synchronously on the thread that emits (the asyncio loop's thread); a
listener that raises is logged and never breaks the emitter.

Event names follow ``<subject>_did_<verb>``; ``EVENTS`` documents each.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from agents.scheduler import SCHEDULER_EVENTS

log = logging.getLogger(__name__)

EVENTS: dict[str, str] = {
    "record_did_change": "A workspace record was created or changed (kind, id, action).",
    "review_did_change": "The review queue changed (pending count).",
    "tool_call_did_finish": "A tool call finished (call_id, name, ok, error_type, run_id, duration_ms, replayed).",
    "agent_did_change": "An agent config was added, edited or removed (agent_id).",
    "run_did_start": "A run began (run_id, agent_id, agent_name, trigger, engine).",
    "run_did_progress": "A run moved on (run_id, phase, file, processed, total).",
    "run_did_finish": "A run ended (run_id, agent_id, status, processed, created, updated, errors).",
    "connection_did_change": "The bridge connection state changed (state, detail).",
    "bridge_did_pause": "The user paused or resumed the bridge (paused).",
    **SCHEDULER_EVENTS,
}

Listener = Callable[[str, dict[str, Any]], None]


class EventHub:
    """Fan-out of named events to listeners. Not thread-safe: use on the loop thread."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Add a listener for every event; returns a function that removes it."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    def emit(self, event: str, /, **payload: Any) -> None:
        if event not in EVENTS:
            raise ValueError(f"unknown event {event!r}; add it to agents.events.EVENTS")
        for listener in list(self._listeners):
            try:
                listener(event, payload)
            except Exception:
                log.exception("events.listener.failed event=%s", event)
