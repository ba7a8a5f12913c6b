"""The core's event hub as Qt signals (after Electrum's ``qt`` event mixin).

``CoreSignals`` subscribes to ``companion.events`` (``agents.events.EventHub``)
and re-emits every event twice: as ``event(name, payload)`` and as the signal
named after it, e.g. ``run_did_finish(payload)``; one signal per entry of
``agents.events.EVENTS``, each carrying the payload dict unchanged.

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

from agents.events import EVENTS, EventHub

# One Signal(object) per event name, declared on a base class so the set follows EVENTS.
_EventSignals: type[QObject] = type(
    "_EventSignals", (QObject,), {name: Signal(object, name=name) for name in EVENTS}
)


class CoreSignals(_EventSignals):  # type: ignore[misc,valid-type]
    """Qt signals for the events of one ``EventHub``; ``close()`` unsubscribes."""

    event = Signal(str, object)
    _incoming = Signal(str, object)

    def __init__(self, hub: EventHub, parent: QObject | None = None):
        super().__init__(parent)
        self._incoming.connect(self._dispatch, Qt.ConnectionType.AutoConnection)
        self._unsubscribe = hub.subscribe(self._listen)

    def _listen(self, name: str, payload: dict[str, Any]) -> None:
        # Any thread: Qt queues the delivery when this is not the GUI thread.
        self._incoming.emit(name, dict(payload))

    def _dispatch(self, name: str, payload: dict[str, Any]) -> None:
        # GUI thread.
        signal = getattr(self, name, None)
        if signal is not None:
            signal.emit(payload)
        self.event.emit(name, payload)

    def close(self) -> None:
        self._unsubscribe()
