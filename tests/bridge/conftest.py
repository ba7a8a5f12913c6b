"""A real reference gateway on port 0 and a real device (the Companion) dialling it."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from agents.store import Store
from agents.tools.base import ToolSpec
from agents.tools.catalog import ALL_TOOLS, Catalog
from bridge.client import Backoff, DeviceClient
from bridge.dispatcher import Dispatcher
from bridge.gateway import DeviceGateway
from desktop.companion import Companion
from tests.conftest import GATEWAY_TOKEN as TOKEN


@pytest.fixture
async def device(tmp_path: Path, gateway: DeviceGateway):
    """A companion connected to the gateway (no scheduler, no control socket)."""
    companion = Companion(
        data_dir=tmp_path / "data", backend_url=gateway.url, token_provider=lambda: SecretStr(TOKEN),
        scheduler=False, control=False,
    )
    await companion.start()
    await gateway.wait_online(timeout=10)
    try:
        yield companion
    finally:
        await companion.stop()


class BareDevice:
    """A DeviceClient over its own store and a catalogue with extra test tools."""

    def __init__(self, store: Store, client: DeviceClient, task: asyncio.Task):
        self.store, self.client, self.task = store, client, task

    async def close(self) -> None:
        await self.client.stop(drain_timeout=0.5)
        self.task.cancel()
        await asyncio.gather(self.task, return_exceptions=True)
        await self.store.close()


async def start_bare_device(
    tmp_path: Path, url: str, *, extra: Iterable[ToolSpec] = (), token: str = TOKEN, deadline: float = 25.0,
    max_concurrency: int = 8, max_backlog: int = 10_000, backoff: Backoff | None = None, **client_kwargs: Any,
) -> BareDevice:
    store = await Store.open(tmp_path / "bare.sqlite3")
    catalog = Catalog(store=store, specs=(*ALL_TOOLS, *extra))

    async def hello():
        return {"device_id": "00000000-0000-4000-8000-000000000001", "device_name": "bare", "app_version": "0",
                "platform": "linux", "tools": catalog.manifest(), "roots": [], "max_concurrency": max_concurrency,
                "agents": []}

    client = DeviceClient(
        url=url, token=lambda: SecretStr(token), hello=hello, backoff=backoff, **client_kwargs,
        dispatcher_factory=lambda send: Dispatcher(
            store=store, catalog=catalog, send=send, deadline=deadline, max_concurrency=max_concurrency,
            max_backlog=max_backlog,
        ),
    )
    task = asyncio.create_task(client.run())
    return BareDevice(store, client, task)
