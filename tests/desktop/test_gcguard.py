"""Cycles are collected on the GUI thread only (desktop.ui.gcguard); nothing starts once the loop is gone."""

from __future__ import annotations

import gc
import threading
import weakref

from desktop.ui.gcguard import GuiThreadGc
from tests.desktop.conftest import until


class Cycle:
    def __init__(self) -> None:
        self.me = self


async def test_cycles_made_on_another_thread_are_collected_on_the_gui_thread(qapp):
    """Automatic collection is off; the guard's timer frees cycles, on the thread that runs Qt."""
    collected_on: list[str] = []

    def note(phase: str, _info: dict) -> None:
        if phase == "stop":
            collected_on.append(threading.current_thread().name)

    guard = GuiThreadGc(interval_ms=20)
    gc.callbacks.append(note)
    try:
        assert not gc.isenabled()
        worker = threading.Thread(target=lambda: [Cycle() for _ in range(50_000)], name="store-like")
        worker.start()
        worker.join()
        assert "store-like" not in collected_on  # the worker allocated past every threshold, collected nothing
        await until(lambda: guard.collections > 0, what="a collection by the guard")
        assert set(collected_on) == {threading.main_thread().name}
    finally:
        gc.callbacks.remove(note)
        guard.uninstall()
        guard.deleteLater()


async def test_settle_freezes_what_start_up_left_alive_once_and_later_cycles_are_still_freed(qapp):
    """settle() frees start-up's garbage and freezes the survivors, once; cycles made after are collected."""
    guard = GuiThreadGc(interval_ms=20)
    try:
        dead, alive = Cycle(), Cycle()
        dead_ref, alive_ref = weakref.ref(dead), weakref.ref(alive)
        del dead
        assert guard.settle() > 0
        assert dead_ref() is None  # garbage at settle time is collected, not frozen
        frozen = gc.get_freeze_count()
        assert guard.settle() == 0 and gc.get_freeze_count() == frozen  # done once: nothing more is frozen
        del alive
        gc.collect()
        assert alive_ref() is not None  # frozen: a full collection no longer walks start-up's objects
        later = [Cycle() for _ in range(2_000)]  # past generation 0's threshold
        later_ref = weakref.ref(later[0])
        del later
        await until(lambda: later_ref() is None, what="the guard freeing a cycle made after settle")
    finally:
        guard.uninstall()
        guard.deleteLater()
    assert gc.get_freeze_count() == 0
    assert alive_ref() is None  # uninstall unfreezes start-up's objects and collects them again


def test_work_started_after_the_loop_is_gone_is_dropped_not_raised():
    """At exit (a late timer, the loop closed) operations.run closes the coroutine and returns None."""
    import asyncio

    from desktop.ui import operations

    async def load() -> int:
        return 1

    policy = asyncio.get_event_loop_policy()
    previous = getattr(getattr(policy, "_local", None), "_loop", None)  # put back whatever was set
    closed = asyncio.new_event_loop()
    closed.close()
    asyncio.set_event_loop(closed)
    try:
        coro = load()
        assert operations.run(coro) is None
        assert coro.cr_frame is None  # closed, so no "never awaited" warning either
        refresher = operations.Refresher(load, lambda _r: None)
        refresher.request()
        assert not refresher.busy
    finally:
        asyncio.set_event_loop(previous)
