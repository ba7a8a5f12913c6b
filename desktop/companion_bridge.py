"""The companion's bridge side: the device client, its dispatcher, the hello, the connection state.

``BridgeSide`` is a mixin of ``desktop.companion.Companion``: it creates the
bridge client (``bridge.client.DeviceClient``, imported on first use so a
companion with no backend never loads websockets) and answers the window's
and the CLI's questions about the connection. Everything runs on the
companion's asyncio loop (qasync's in the GUI).
"""

from __future__ import annotations

import asyncio
import platform
from typing import TYPE_CHECKING, Any

from agents import __version__, config
from agents.events import ConnectionDidChange, Event, EventHub
from bridge.endpoint import NO_URL, State

if TYPE_CHECKING:
    from agents.store import Store
    from agents.tools.catalog import Catalog
    from bridge.client import DeviceClient
    from bridge.dispatcher import Dispatcher


class BridgeSide:
    """The bridge client's life and the connection facade; ``Companion`` provides the attributes below
    and ``_spawn`` / ``device_name``."""

    client: DeviceClient | None
    started: bool
    store: Store
    catalog: Catalog
    events: EventHub
    device_id: str
    max_concurrency: int
    deadline: float
    _token_provider: Any
    _bridge_paused: bool

    def connection_state(self) -> tuple[str, str | None]:
        if self.client is None:
            return (State.DISABLED.value, NO_URL) if self.started else (State.OFFLINE.value, None)
        return self.client.state.value, self.client.last_error

    def _start_client(self, url: str) -> DeviceClient:
        """Create the bridge client and start its connect loop (imports websockets and the protocol)."""
        from bridge.client import DeviceClient

        self.client = DeviceClient(
            url=url,
            token=self._token_provider,
            dispatcher_factory=self._make_dispatcher,
            hello=self.hello,
            events=self.events,
        )
        self.client.dispatcher.set_paused(self._bridge_paused)
        self._spawn(self.client.run(), "bridge-client")
        return self.client

    def _make_dispatcher(self, send: Any) -> Dispatcher:
        from bridge.dispatcher import Dispatcher

        return Dispatcher(
            store=self.store, catalog=self.catalog, send=send, events=self.events,
            max_concurrency=self.max_concurrency, deadline=self.deadline,
        )

    async def hello(self) -> dict[str, Any]:
        agents = await config.list_agents(self.store)
        roots = list(dict.fromkeys(p for a in agents for p in a.directory_paths))
        return {
            "type": "device_hello",
            "protocol": 1,
            "device_id": self.device_id,
            "device_name": await self.device_name(),
            "app_version": __version__,
            "platform": platform.system().lower(),
            "tools": self.catalog.manifest(),
            "roots": roots,
            "max_concurrency": self.max_concurrency,
            "agents": [a.summary() for a in agents],
        }

    @property
    def has_bridge(self) -> bool:
        """Whether a bridge client exists (a backend URL is configured)."""
        return self.client is not None

    @property
    def bridge_connected(self) -> bool:
        return self.client is not None and self.client.connected

    async def wait_connected(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for the bridge to connect; whether it did."""
        if self.bridge_connected:
            return True
        connected = asyncio.Event()

        def listen(event: Event) -> None:
            if isinstance(event, ConnectionDidChange) and event.state == State.CONNECTED.value:
                connected.set()

        unsubscribe = self.events.subscribe(listen)
        try:
            await asyncio.wait_for(connected.wait(), timeout)
            return True
        except TimeoutError:
            return False
        finally:
            unsubscribe()
