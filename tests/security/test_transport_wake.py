"""After sleep/wake or a network change the bridge redials within seconds, not after keepalive + backoff.

``NetWatch`` is driven with injected clocks and routing tables; then a real
device talks to a real gateway through a loopback TCP proxy that goes
half-open (forwards nothing, closes nothing — the link a suspend leaves
behind), its backoff grown to the 60 s cap and its keepalive at the default
20 s + 20 s: a "wake" (the suspend-counting clock jumping an hour) must
bring a fresh connection within 5 s.
"""

from __future__ import annotations

import asyncio
import random
from pathlib import Path

import pytest

from bridge.client import Backoff, State
from bridge.gateway import DeviceGateway
from bridge.netwatch import NetWatch, read_routes
from tests.bridge.conftest import start_bare_device
from tests.conftest import GATEWAY_TOKEN, until
from tests.reliability.test_gateway_drops import FreezableProxy


class Clocks:
    def __init__(self) -> None:
        self.suspend = 1_000.0
        self.mono = 50.0
        self.routes: str | None = "eth0 00000000 0102A8C0 0003"

    def tick(self, seconds: float, *, slept: float = 0.0) -> None:
        self.mono += seconds
        self.suspend += seconds + slept


def watch(clocks: Clocks, **kwargs) -> NetWatch:
    return NetWatch(suspend_clock=lambda: clocks.suspend, monotonic=lambda: clocks.mono,
                    routes=lambda: clocks.routes, **kwargs)


def test_ordinary_ticks_report_nothing():
    """Clocks moving together (even a late tick) and an unchanged routing table: no change."""
    clocks = Clocks()
    w = watch(clocks)
    assert w.check() is None
    for seconds in (2.0, 2.0, 9.0, 2.0):  # a tick 9 s late (a busy loop) is not a sleep
        clocks.tick(seconds)
        assert w.check() is None
    clocks.tick(2.0, slept=1.5)  # clock jitter under the 5 s threshold
    assert w.check() is None


def test_a_clock_jump_is_a_wake_and_a_route_change_is_a_network_change():
    """The suspend-counting clock gaining an hour on monotonic is a wake; a new default route is a network change."""
    clocks = Clocks()
    w = watch(clocks)
    w.check()
    clocks.tick(2.0, slept=3600.0)
    assert "sleep/wake" in (w.check() or "")
    clocks.tick(2.0)
    assert w.check() is None
    clocks.routes = "wlan0 00000000 0101A8C0 0003"
    clocks.tick(2.0)
    assert "network changed" in (w.check() or "")
    clocks.tick(2.0)
    assert w.check() is None
    clocks.tick(2.0, slept=-30.0)  # the wall clock set back by NTP or the user: also a reason to check the link
    assert w.check() is not None


def test_the_routing_table_reader_tolerates_a_missing_file(tmp_path: Path):
    """No /proc/net/route (macOS, Windows): None, so only the clocks are watched."""
    assert read_routes(str(tmp_path / "missing")) is None
    table = tmp_path / "route"
    table.write_text("Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\n"
                     "eth0\t00000000\t0102A8C0\t0003\t0\t7\n")
    first = read_routes(str(table))
    table.write_text(table.read_text().replace("\t7\n", "\t99\n"))  # only a use counter moved
    assert first == read_routes(str(table)) and "eth0" in first


async def test_run_calls_on_change_once_per_change():
    """The watcher task calls on_change for a wake and keeps ticking after an on_change that raises."""
    clocks = Clocks()
    seen: list[str] = []

    def on_change(reason: str) -> None:
        seen.append(reason)
        raise RuntimeError("a broken listener must not stop the watcher")

    w = watch(clocks, on_change=on_change, interval=0.01)
    task = asyncio.create_task(w.run())
    try:
        await asyncio.sleep(0.05)
        clocks.tick(0.0, slept=600.0)
        await until(lambda: len(seen) == 1, 2, "the wake")
        clocks.routes = None
        await until(lambda: len(seen) == 2, 2, "the network change")
        await asyncio.sleep(0.05)
        assert len(seen) == 2 and w.changes == 2
    finally:
        task.cancel()


@pytest.mark.timeout(30)
async def test_wake_redials_a_half_open_link_within_five_seconds(tmp_path: Path):
    """Half-open link, backoff at its 60 s cap, 20 s keepalive: a wake gives a fresh hello within 5 s."""
    loop = asyncio.get_running_loop()
    gateway = DeviceGateway(tokens={GATEWAY_TOKEN: "local"})
    await gateway.start()
    proxy = FreezableProxy(gateway.port)
    await proxy.start()
    clocks = Clocks()
    backoff = Backoff(base=1.0, cap=60.0, rng=random.Random(5))
    device = await start_bare_device(tmp_path, proxy.url, backoff=backoff,
                                     netwatch=watch(clocks, interval=0.5))
    try:
        await until(lambda: len(gateway.hellos) == 1 and device.client.connected, 10, "the first connection")
        backoff.attempt = 10  # as after a long outage: the next delay could be up to 60 s
        proxy.freeze()
        await asyncio.sleep(1.0)
        assert device.client.connected and device.client.state is State.CONNECTED  # nothing noticed yet
        woke = loop.time()
        clocks.tick(0.0, slept=3600.0)
        await until(lambda: len(gateway.hellos) == 2, 5, "a fresh connection after the wake")
        redial = loop.time() - woke
        print(f"figure: redial after wake {redial:.2f} s (watch interval 0.5 s; default 2 s)")
        assert device.client.backoff.attempt <= 1
        assert (await gateway.call("list_tasks", {}, timeout=5))["total"] == 0
    finally:
        await device.close()
        await proxy.close()
        await gateway.stop()


@pytest.mark.timeout(30)
async def test_a_wake_does_not_redial_a_rejected_token(tmp_path: Path):
    """After HTTP 401 the device waits for a new sign-in; a wake or network change does not make it dial again."""
    gateway = DeviceGateway(tokens={"another-token-entirely": "local"})
    await gateway.start()
    clocks = Clocks()
    device = await start_bare_device(tmp_path, gateway.url, netwatch=watch(clocks, interval=0.05))
    try:
        await until(lambda: device.client.state is State.UNAUTHORIZED, 10, "the rejection")
        clocks.tick(0.0, slept=3600.0)
        await until(lambda: device.client.netwatch.changes == 1, 2, "the wake to be seen")
        await asyncio.sleep(0.3)
        assert gateway.dials == 1 and device.client.state is State.UNAUTHORIZED
    finally:
        await device.close()
        await gateway.stop()


