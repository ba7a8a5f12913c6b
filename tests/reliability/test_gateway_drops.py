"""The gateway drops the device at random moments; the device comes back on schedule and loses nothing.

Every scenario runs a real ``DeviceGateway`` on 127.0.0.1 port 0 and an
in-process ``DeviceClient`` with a 0.2 s keepalive and a seeded
``Backoff(base=0.05, cap=0.5)``. The same seed replays the delay schedule
here (``schedule``), so each redial gap and the total number of dials are
compared with the schedule itself, not with a guess.

Drops: close codes 1001, 1011 and 1012 sent by the gateway; 1006 (the gateway
aborts its transport); and a half-open link (a loopback TCP proxy that stops
forwarding anything, so pings go unanswered and nothing is closed).

A ``held`` test tool waits until the test releases it; releasing it after the
drop, while the next connection is held before its ``device_hello``, makes
its result finish while the device is offline, so it must come out of the
outbox right after the next hello.
"""

from __future__ import annotations

import asyncio
import logging
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from agents.events import ConnectionDidChange, Event, EventHub
from agents.store import Store
from agents.tools.base import ArgsModel, ToolContext, tool
from agents.tools.catalog import ALL_TOOLS, Catalog
from bridge import protocol
from bridge.client import Backoff, DeviceClient
from bridge.dispatcher import Dispatcher
from bridge.gateway import DeviceGateway
from tests.conftest import until

TOKEN = "drops-test-device-token-4be1c07d"
BASE, CAP = 0.05, 0.5
PING = 0.2
CLOSE_TIMEOUT = 2.0  # DeviceClient waits this long for the server's TCP close after it fails a connection
SLACK = 0.5          # scheduling slack on a loaded 2-core machine
STORM = 16           # create_task calls in flight at each drop
HALF_OPEN = "half_open"

RELEASES: dict[str, asyncio.Event] = {}
STARTED: set[str] = set()


class NoArgs(ArgsModel):
    pass


@tool("held", NoArgs, group="test", read_only=True)
async def held(ctx: ToolContext, args: NoArgs) -> dict:
    """Wait (at most 10 s) until the test releases this call id."""
    assert ctx.call_id is not None
    STARTED.add(ctx.call_id)
    event = RELEASES.setdefault(ctx.call_id, asyncio.Event())
    async with asyncio.timeout(10):
        await event.wait()
    return {"released": ctx.call_id}


# ── the backoff schedule, replayed ─────────────────────────────────────────
def schedule(seed: int, count: int) -> list[float]:
    """The delays the device's ``Backoff`` draws from ``seed`` when no connection stays up long enough to reset it."""
    rng = random.Random(seed)
    return [rng.uniform(0, min(CAP, BASE * 2 ** min(n, 30))) for n in range(count)]


def dials_allowed(delays: list[float], elapsed: float) -> int:
    """The most dials the schedule allows within ``elapsed`` seconds of the first drop (the first dial included)."""
    total, dials = 0.0, 1
    for delay in delays:
        total += delay
        if total > elapsed:
            break
        dials += 1
    return dials


# ── the device under test ─────────────────────────────────────────────────
@dataclass
class Device:
    store: Store
    client: DeviceClient
    task: asyncio.Task[None]
    states: list[tuple[float, str, str | None]] = field(default_factory=list)  # (loop time, state, detail)
    hello_calls: list[float] = field(default_factory=list)
    gate: asyncio.Event = field(default_factory=asyncio.Event)  # a new connection waits here before its hello

    def times(self, state: str) -> list[float]:
        return [t for t, s, _ in self.states if s == state]

    def gaps(self) -> list[float]:
        """Seconds from each ``offline`` to the next ``connecting``: the redial delays actually waited."""
        out, last_offline = [], None
        for t, state, _ in self.states:
            if state == "offline":
                last_offline = t
            elif state == "connecting" and last_offline is not None:
                out.append(t - last_offline)
                last_offline = None
        return out

    async def close(self) -> None:
        self.gate.set()
        await self.client.stop(drain_timeout=0.5)
        self.task.cancel()
        await asyncio.gather(self.task, return_exceptions=True)
        await self.store.close()


async def start_device(tmp_path: Path, url: str, seed: int, *, stable_after: float = 3600.0) -> Device:
    loop = asyncio.get_running_loop()
    store = await Store.open(tmp_path / "device.sqlite3")
    catalog = Catalog(store=store, specs=(*ALL_TOOLS, held))
    hub = EventHub()
    device: Device

    async def hello() -> dict[str, Any]:
        device.hello_calls.append(loop.time())
        async with asyncio.timeout(10):
            await device.gate.wait()
        return {"device_id": "00000000-0000-4000-8000-0000000000d1", "device_name": "drops", "app_version": "0",
                "platform": "linux", "tools": catalog.manifest(), "roots": [], "max_concurrency": 8, "agents": []}

    client = DeviceClient(
        url=url, token=lambda: SecretStr(TOKEN), hello=hello, events=hub,
        ping_interval=PING, ping_timeout=PING, stable_after=stable_after,
        backoff=Backoff(base=BASE, cap=CAP, rng=random.Random(seed)), open_timeout=2.0,
        dispatcher_factory=lambda send: Dispatcher(store=store, catalog=catalog, send=send),
    )
    device = Device(store=store, client=client, task=None)  # type: ignore[arg-type]
    device.gate.set()

    def on_event(event: Event) -> None:
        if isinstance(event, ConnectionDidChange):
            device.states.append((loop.time(), event.state, event.detail))

    hub.subscribe(on_event)
    device.task = asyncio.create_task(client.run())
    return device


def hello_indexes(gateway: DeviceGateway) -> list[int]:
    return [i for i, f in enumerate(gateway.received) if isinstance(f, protocol.DeviceHello)]


def result_index(gateway: DeviceGateway, call_id: str) -> int:
    return next(i for i, f in enumerate(gateway.received) if isinstance(f, protocol.ToolResult) and f.id == call_id)


# ── a loopback TCP proxy that can go half-open ─────────────────────────────
@dataclass
class _Link:
    frozen: bool = False


class FreezableProxy:
    """Forwards loopback TCP to the gateway; ``freeze()`` turns the open links half-open:
    from then on they forward nothing and close nothing, like a peer that vanished.
    New connections are forwarded normally."""

    def __init__(self, target_port: int):
        self.target_port = target_port
        self.links: list[_Link] = []
        self._writers: list[asyncio.StreamWriter] = []
        self._tasks: set[asyncio.Task[Any]] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws/device"

    def freeze(self) -> None:
        for link in self.links:
            link.frozen = True

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        self._writers.append(writer)
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.transport.abort()
            return
        self._writers.append(up_writer)
        link = _Link()
        self.links.append(link)
        await asyncio.gather(self._pipe(reader, up_writer, link), self._pipe(up_reader, writer, link))

    @staticmethod
    async def _pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter, link: _Link) -> None:
        try:
            while True:
                data = await src.read(65536)
                if link.frozen:
                    await asyncio.Event().wait()  # hold: neither forward nor close, until the proxy closes
                if not data:
                    break
                dst.write(data)
                await dst.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            if not link.frozen:
                dst.close()

    async def close(self) -> None:
        self._server.close()
        for writer in self._writers:
            writer.transport.abort()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)


# ── drops ──────────────────────────────────────────────────────────────────
async def drop(gateway: DeviceGateway, proxy: FreezableProxy | None, mode: int | str) -> None:
    if mode == HALF_OPEN:
        assert proxy is not None
        proxy.freeze()
        return
    conn = gateway.connection()
    assert conn is not None
    if mode == 1006:
        conn.ws.transport.abort()
    else:
        await asyncio.wait_for(conn.ws.close(int(mode), "test drop"), 5)


def call_frame(call_id: str, name: str, args: dict[str, Any]) -> str:
    return protocol.encode_dict({"type": "tool_call", "id": call_id, "name": name, "args": args})


@pytest.fixture
def bridge_errors():
    """ERROR records logged under ``bridge.*`` during the test."""
    records: list[logging.LogRecord] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Collect(level=logging.ERROR)
    logger = logging.getLogger("bridge")
    logger.addHandler(handler)
    try:
        yield records
    finally:
        logger.removeHandler(handler)


SEEDS = {1001: 11, 1006: 12, 1011: 13, 1012: 14, HALF_OPEN: 15}


@pytest.mark.timeout(60)
@pytest.mark.parametrize("mode", [1001, 1006, 1011, 1012, HALF_OPEN])
async def test_drop_redials_on_schedule_and_resends_results_finished_while_down(
    mode: int | str, tmp_path: Path, bridge_errors: list[logging.LogRecord],
):
    """Each drop: redial after exactly the scheduled delay, outbox results after the next hello, no write lost."""
    loop = asyncio.get_running_loop()
    seed = SEEDS[mode]
    rng = random.Random(seed * 7919)
    drops = 2 if mode == HALF_OPEN else 4
    delays = schedule(seed, drops + 5)
    gateway = DeviceGateway(tokens={TOKEN: "local"})
    await gateway.start()
    proxy = None
    if mode == HALF_OPEN:
        proxy = FreezableProxy(gateway.port)
        await proxy.start()
    began = loop.time()
    device = await start_device(tmp_path, proxy.url if proxy else gateway.url, seed)
    storm: dict[str, tuple[dict[str, Any], asyncio.Future[protocol.ToolResult]]] = {}
    try:
        await until(lambda: len(gateway.hellos) == 1, 5, "the first hello")
        for i in range(drops):
            held_id = f"held-{mode}-{i}"
            RELEASES[held_id] = asyncio.Event()
            held_result = gateway.create_pending_call("local", held_id)
            await gateway.send_frame("local", call_frame(held_id, "held", {}))
            await until(lambda held_id=held_id: held_id in STARTED, 5, "the held call to start")
            for j in range(STORM):
                call_id, args = f"w-{mode}-{i}-{j}", {"title": f"drop {mode} round {i} write {j}"}
                storm[call_id] = (args, gateway.create_pending_call("local", call_id))
                await gateway.send_frame("local", call_frame(call_id, "create_task", args))
            await asyncio.sleep(rng.uniform(0.0, 0.02))  # some writes done, some in flight
            device.gate.clear()  # hold the next connection before its hello
            offline_before = len(device.times("offline"))
            dropped_at = loop.time()
            await drop(gateway, proxy, mode)

            offline_at = (await until(
                lambda n=offline_before: device.times("offline")[n:], CLOSE_TIMEOUT + 4 * PING + 2 * SLACK,
                "the device to notice the drop",
            ))[0]
            notice_bound = 2 * PING + CLOSE_TIMEOUT + SLACK if mode == HALF_OPEN else SLACK
            assert offline_at - dropped_at <= notice_bound
            detail = next(d for t, s, d in device.states if s == "offline" and t == offline_at) or ""
            if isinstance(mode, int) and mode != 1006:
                assert str(mode) in detail, detail

            RELEASES[held_id].set()  # finishes while the device is offline: into the outbox
            await until(lambda held_id=held_id: any(f.get("id") == held_id for f in device.client.outbox.frames()), 5,
                        "the held result to wait in the outbox")
            hello_at = (await until(lambda n=i + 2: device.hello_calls[n - 1:], CAP + 2 * SLACK,
                                    "the next connection"))[0]
            gap = device.gaps()[i]
            print(f"figure: drop mode={mode} round={i} noticed_after_s={offline_at - dropped_at:.3f} "
                  f"redial_gap_s={gap:.3f} scheduled_s={delays[i]:.3f} reopened_after_s={hello_at - offline_at:.3f}")
            assert delays[i] - 0.01 <= gap <= delays[i] + SLACK, (i, gap, delays[i])
            assert hello_at - offline_at <= delays[i] + SLACK

            device.gate.set()
            result = await asyncio.wait_for(held_result, 5)
            assert result.ok and result.result == {"released": held_id}
            assert result_index(gateway, held_id) > hello_indexes(gateway)[i + 1]

        await until(lambda: len(gateway.hellos) == drops + 1, 5, "the last hello")
        elapsed = loop.time() - began
        assert gateway.dials == device.client.dials == drops + 1
        assert device.client.dials <= dials_allowed(delays, elapsed)

        # Every storm write: acknowledged (result arrived, possibly from the outbox) or replayed by id now.
        await asyncio.wait([fut for _, fut in storm.values()], timeout=2)
        acked = {cid: fut.result() for cid, (_, fut) in storm.items() if fut.done()}
        assert all(r.ok for r in acked.values())
        hellos = hello_indexes(gateway)
        late = [c for c in acked if result_index(gateway, c) > hellos[int(c.rsplit("-", 2)[-2]) + 1]]
        print(f"figure: drop mode={mode} drops={drops} dials={gateway.dials} allowed_by_schedule="
              f"{dials_allowed(delays, elapsed)} storm_writes={len(storm)} acked={len(acked)} "
              f"acked_after_reconnect={len(late)} replayed_by_id={len(storm) - len(acked)}")
        for call_id, (args, _) in storm.items():
            replay = await gateway.call("create_task", args, call_id=call_id, timeout=5)
            if call_id in acked:
                assert replay == acked[call_id].result  # exactly once: the stored result, no second effect
        titles = [r["title"] for r in await device.store.fetchall("SELECT title FROM tasks")]
        assert sorted(titles) == sorted(args["title"] for args, _ in storm.values())
        assert await device.store.integrity_check() == "ok"
        assert not [r.getMessage() for r in bridge_errors]
    finally:
        await device.close()
        if proxy is not None:
            await proxy.close()
        await gateway.stop()


class FlappingGateway(DeviceGateway):
    """Closes every connection with 1012 right after its ``device_hello`` while ``flapping`` is true."""

    flapping = True

    async def _on_message(self, conn, message):
        await super()._on_message(conn, message)
        if self.flapping and conn.hello is not None and not getattr(conn, "flapped", False):
            conn.flapped = True
            self._spawn(conn.ws.close(1012, "flapping"))


@pytest.mark.timeout(30)
async def test_flapping_gateway_gets_no_dial_storm(tmp_path: Path):
    """A gateway closing every connection at once gets no more dials than the backoff schedule allows."""
    loop = asyncio.get_running_loop()
    seed = 21
    delays = schedule(seed, 200)
    gateway = FlappingGateway(tokens={TOKEN: "local"})
    await gateway.start()
    device = await start_device(tmp_path, gateway.url, seed)
    try:
        await asyncio.sleep(3.0)
        gateway.flapping = False
        dials = device.client.dials
        # the schedule counts from the first drop; the first dial (before it, and before start_device
        # returned under load) bounds it from below, so this bound never undercounts what was allowed
        elapsed = loop.time() - device.times("connecting")[0]
        print(f"figure: flapping for {elapsed:.2f} s: dials={dials} allowed_by_schedule="
              f"{dials_allowed(delays, elapsed)} gateway_dials={gateway.dials}")
        # a storm would be many more; the one-slack margin covers a dial landing on the boundary as it is read
        assert 4 <= dials <= dials_allowed(delays, elapsed + SLACK), (dials, elapsed)
        gaps = device.gaps()
        for n, gap in enumerate(gaps):
            assert delays[n] - 0.01 <= gap <= delays[n] + SLACK, (n, gap, delays[n])
        await until(lambda: gateway.is_online() and device.client.connected, CAP + 2 * SLACK, "a lasting connection")
        settled = device.client.dials
        await asyncio.sleep(0.5)
        assert device.client.dials == settled and device.client.connected
        assert gateway.dials == device.client.dials
        assert (await gateway.call("list_tasks", {}, timeout=5))["total"] == 0
    finally:
        await device.close()
        await gateway.stop()


@pytest.mark.timeout(30)
async def test_backoff_resets_only_after_a_stable_connection(tmp_path: Path):
    """Short-lived connections grow the backoff; one that stays up past stable_after resets it to the first step."""
    gateway = FlappingGateway(tokens={TOKEN: "local"})
    await gateway.start()
    device = await start_device(tmp_path, gateway.url, 22, stable_after=0.6)
    try:
        await until(lambda: device.client.backoff.attempt >= 3, 5, "a few flapping redials")
        gateway.flapping = False
        await until(lambda: device.client.connected, CAP + 2 * SLACK, "a lasting connection")
        assert device.client.backoff.attempt >= 3  # not reset by connecting alone
        await asyncio.sleep(0.8)  # longer than stable_after
        offline_before = len(device.times("offline"))
        await drop(gateway, None, 1012)
        await until(lambda: len(device.times("offline")) > offline_before, 2, "the drop")
        assert device.client.backoff.attempt == 1  # reset, then one delay drawn from the first step
        await until(lambda: device.client.connected, BASE + 2 * SLACK, "a reconnect within the first step")
        assert device.gaps()[-1] <= BASE + 0.05
    finally:
        await device.close()
        await gateway.stop()


@pytest.mark.timeout(30)
async def test_gateway_down_refused_dials_follow_the_schedule(tmp_path: Path):
    """Refused dials while the gateway is down follow the schedule; back within one capped delay of its return."""
    loop = asyncio.get_running_loop()
    seed = 23
    delays = schedule(seed, 200)
    gateway = DeviceGateway(tokens={TOKEN: "local"})
    await gateway.start()
    port = gateway.port
    device = await start_device(tmp_path, gateway.url, seed)
    replacement = DeviceGateway(tokens={TOKEN: "local"})
    try:
        await until(lambda: device.client.connected, 5, "the first connection")
        await gateway.stop()
        offline_at = (await until(lambda: device.times("offline"), 2, "the device to notice"))[0]
        await asyncio.sleep(2.0)
        await replacement.start(port=port)
        back_at = loop.time()
        dials_while_down = device.client.dials
        assert 3 <= dials_while_down <= dials_allowed(delays, back_at - offline_at), dials_while_down
        await until(lambda: replacement.is_online(), CAP + 2 * SLACK, "the device back on the new gateway")
        print(f"figure: gateway down {back_at - offline_at:.2f} s: dials={dials_while_down} allowed_by_schedule="
              f"{dials_allowed(delays, back_at - offline_at)} back_after_s={loop.time() - back_at:.3f}")
        assert loop.time() - back_at <= CAP + SLACK
        for n, gap in enumerate(device.gaps()):
            assert delays[n] - 0.01 <= gap <= delays[n] + SLACK, (n, gap, delays[n])
        assert replacement.dials == 1
        assert (await replacement.call("list_tasks", {}, timeout=5))["total"] == 0
    finally:
        await device.close()
        await replacement.stop()
        await gateway.stop()
