"""bridge.coalesce on a real websockets server: a burst is still one message per text, in order."""

from __future__ import annotations

import asyncio

import pytest
from websockets.asyncio.client import connect
from websockets.asyncio.server import serve
from websockets.exceptions import ConnectionClosed

from bridge.coalesce import Burst, CoalescingClient
from bridge.outbox import Outbox


@pytest.fixture
async def server():
    """A websockets server on port 0 that keeps every message it receives."""
    received: list[str | bytes] = []
    done = asyncio.Event()

    async def handler(ws):
        async for message in ws:
            received.append(message)
            if message == "end":
                done.set()

    async with serve(handler, "127.0.0.1", 0) as srv:
        port = srv.sockets[0].getsockname()[1]
        yield f"ws://127.0.0.1:{port}/", received, done


async def test_send_texts_sends_each_text_as_its_own_message_in_order(server):
    """A burst sent with send_texts arrives as separate text messages, in order, unchanged."""
    url, received, done = server
    texts = [f'{{"n":{i},"s":"é✓"}}' for i in range(50)] + ["end"]
    async with connect(url, create_connection=CoalescingClient) as ws:
        await ws.send_texts(texts[:20])
        await ws.send("single")
        await ws.send_texts(texts[20:])
        await asyncio.wait_for(done.wait(), 5)
    assert received == [*texts[:20], "single", *texts[20:]]


async def test_send_texts_on_a_closed_connection_raises_connection_closed(server):
    """After the connection closed, send_texts raises ConnectionClosed like send, and sends nothing."""
    url, received, _ = server
    async with connect(url, create_connection=CoalescingClient) as ws:
        await ws.close()
        with pytest.raises(ConnectionClosed):
            await ws.send_texts(["late"])
    assert "late" not in received


def test_outbox_burst_takes_the_oldest_frames_up_to_the_size_cap():
    """A burst is the queue's head: at least one frame, then frames while under the cap; nothing is removed."""
    outbox = Outbox()
    assert outbox.burst() == []
    big = "x" * 300
    for text in ("a" * 100, "b" * 100, big, "c"):
        outbox.put(text)
    assert outbox.burst(250) == ["a" * 100, "b" * 100]
    assert outbox.burst(10) == ["a" * 100]  # one frame even when it alone passes the cap
    assert len(outbox.burst()) == 4 and len(outbox) == 4


async def test_burst_writes_one_turns_texts_in_order_and_fails_waiters_when_closed(server):
    """A Burst sends what was put in one turn, in order, after that turn; on a closed connection the
    texts' waiters get ConnectionClosed instead of waiting forever."""
    url, received, done = server
    loop = asyncio.get_running_loop()
    async with connect(url, create_connection=CoalescingClient) as ws:
        burst = Burst(ws)
        written = burst.put("one")
        assert burst.put("two") is written and not written.done()  # nothing leaves within the turn
        await written
        burst.put("end")
        await asyncio.wait_for(done.wait(), 5)
        assert received == ["one", "two", "end"]
        await ws.close()
        waiter = loop.create_future()
        burst.put("late", waiter)
        with pytest.raises(ConnectionClosed):
            await asyncio.wait_for(waiter, 5)
    assert "late" not in received
