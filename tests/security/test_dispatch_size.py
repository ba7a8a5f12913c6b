"""Item: what the device sends is bounded by the 4 MiB frame limit (``too_large``, journaled for replays)."""

from __future__ import annotations

from pathlib import Path

from bridge import protocol
from tests.conftest import add_agent
from tests.security.dispatch_kit import call, make_dispatcher


def long_named_folder(root: Path, count: int) -> Path:
    folder = root / "many"
    folder.mkdir()
    for i in range(count):
        (folder / f"{i:05d}-{'n' * 200}.txt").touch()
    return folder


async def test_oversize_listing_is_too_large_and_its_replay_too(store, tmp_path: Path):
    """A listing whose frame would pass 4 MiB is answered too_large (not retryable), and so is a replay of its id."""
    folder = long_named_folder(tmp_path, 9_000)  # ~500 bytes of JSON per entry: ~4.5 MB
    await add_agent(store, "Many", [folder])
    dispatcher, sent = make_dispatcher(store)
    try:
        dispatcher.submit(call("big", "list_directory", {"path": str(folder), "max_entries": 100_000}))
        first = await sent.wait("big", timeout=60)
        assert not first["ok"] and first["error"]["type"] == "too_large" and not first["error"]["retryable"]
        assert first["error"]["details"]["size"] > first["error"]["details"]["limit"]
        assert len(protocol.encode_dict(first).encode()) < 4096
        row = await store.fetchone("SELECT ok, error_type FROM tool_calls WHERE call_id = 'big'")
        assert row == {"ok": 0, "error_type": "too_large"}

        dispatcher.submit(call("big", "list_directory", {"path": str(folder), "max_entries": 100_000}))
        await dispatcher.drain(30)
        replay = sent.of("big")[1]
        assert replay["error"]["type"] == "too_large"

        dispatcher.submit(call("small", "list_directory", {"path": str(folder), "max_entries": 100}))
        small = await sent.wait("small", timeout=30)
        assert small["ok"] and len(small["result"]["entries"]) == 100
    finally:
        await dispatcher.stop()


async def test_every_frame_sent_fits_the_limit(store, tmp_path: Path):
    """Reads of any size give frames of at most 4 MiB: the big one is refused, the others go out whole."""
    folder = long_named_folder(tmp_path, 9_000)
    await add_agent(store, "Many", [folder])
    dispatcher, sent = make_dispatcher(store)
    try:
        for i, entries in enumerate((10, 4_000, 7_000, 9_000)):
            dispatcher.submit(call(f"l{i}", "list_directory", {"path": str(folder), "max_entries": entries}))
        assert await dispatcher.drain(120)
        sizes = [len(protocol.encode_dict(f).encode()) for f in sent.frames]
        assert len(sizes) == 4 and max(sizes) <= protocol.MAX_FRAME_BYTES
        assert [f["ok"] for f in sorted(sent.frames, key=lambda f: f["id"])] == [True, True, True, False]
    finally:
        await dispatcher.stop()


def test_result_budget_leaves_room_for_the_envelope():
    """A result exactly at the budget, under the longest id and a long duration, still fits one frame."""
    call_id = "\u00e9" * protocol.MAX_ID_LENGTH
    budget = protocol.result_budget(call_id)
    frame = {"type": "tool_result", "id": call_id, "ok": True, "result": "x" * (budget - 2),
             "duration_ms": 123456789.123}
    assert len(protocol.encode_dict(frame).encode()) <= protocol.MAX_FRAME_BYTES
