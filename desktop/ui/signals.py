"""The core's typed events as Qt signals (after Electrum's ``qt`` event mixin).

``CoreSignals`` subscribes to ``companion.events`` (``agents.events.EventHub``)
and re-emits each event object on the signal named after its class's event
name, e.g. ``run_did_finish(RunDidFinish)``; one signal per class in
``agents.events.EVENT_TYPES``, chosen by a dispatch dict (type → signal), so
a consumer connects one slot per event type and reads typed fields. ``event``
carries every event (for logs and tests).

Threads: the hub calls its listeners on the thread that emits, which is the
asyncio loop's thread. With qasync that is the GUI thread, and delivery is
direct (synchronous). Delivery goes through a private signal connected with
``AutoConnection`` to this object, which lives on the GUI thread, so an event
emitted from any other thread is queued to the GUI thread by Qt instead of
touching widgets from the wrong thread.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt, Signal

from agents.events import EVENT_TYPES, Event, EventHub

# One Signal(object) per event class, declared on a base class so the set follows EVENT_TYPES.
_EventSignals: type[QObject] = type(
    "_EventSignals", (QObject,), {cls.name: Signal(object, name=cls.name) for cls in EVENT_TYPES}
)


class CoreSignals(_EventSignals):  # type: ignore[misc,valid-type]
    """Qt signals for the events of one ``EventHub``; ``close()`` unsubscribes."""

    event = Signal(object)
    _incoming = Signal(object)

    def __init__(self, hub: EventHub, parent: QObject | None = None):
        super().__init__(parent)
        self._signals: dict[type[Event], Any] = {cls: getattr(self, cls.name) for cls in EVENT_TYPES}
        self._incoming.connect(self._dispatch, Qt.ConnectionType.AutoConnection)
        self._unsubscribe = hub.subscribe(self._listen)

    def _listen(self, event: Event) -> None:
        # Any thread: Qt queues the delivery when this is not the GUI thread.
        self._incoming.emit(event)

    def _dispatch(self, event: Event) -> None:
        # GUI thread.
        self._signals[type(event)].emit(event)
        self.event.emit(event)

    def close(self) -> None:
        self._unsubscribe()
