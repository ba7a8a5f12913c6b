"""Regression: the qasync loop survives tens of thousands of timer events (PySide6 6.12.0 aborted)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

PROGRAM = textwrap.dedent("""
    import asyncio, sys
    import qasync
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)

    async def main():
        ticks = 0
        done = loop.create_future()

        def tick():
            nonlocal ticks
            ticks += 1
            if ticks < 30_000:
                loop.call_later(0, tick)
            else:
                done.set_result(None)

        loop.call_later(0, tick)
        await done
        sleeps = 0
        for _ in range(30_000):
            await asyncio.sleep(0)
            sleeps += 1
        shots = 0
        fired = loop.create_future()

        def shot():
            nonlocal shots
            shots += 1
            if shots < 10_000:
                QTimer.singleShot(0, shot)
            else:
                fired.set_result(None)

        QTimer.singleShot(0, shot)
        await fired
        await asyncio.gather(*(asyncio.sleep(0.001) for _ in range(2_000)))
        return ticks + sleeps + shots

    with loop:
        print("timer events:", loop.run_until_complete(main()), flush=True)
""")


def test_tens_of_thousands_of_qasync_timer_events_do_not_abort():
    """70,000 call_later/sleep(0)/QTimer events plus 2,000 timed sleeps run to the end and exit 0."""
    proc = subprocess.run(
        [sys.executable, "-c", PROGRAM], cwd=REPO, capture_output=True, text=True, timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "timer events: 70000"


DEADLINES = textwrap.dedent("""
    import asyncio
    from dataclasses import dataclass
    import qasync
    from PySide6.QtWidgets import QApplication
    from bridge.admission import DeadlineSweep, Durations, Lane

    @dataclass
    class Call:
        id: str
        name: str
        deadline_at: float
        started_at: float
        timed_out: bool = False
        task: asyncio.Task | None = None

    app = QApplication([])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)

    async def main():
        lane = Lane("database", 4, Durations(), lambda call: None)
        sweep = DeadlineSweep([lane])
        now = loop.time()
        order = []
        for cid, after in (("late", 0.4), ("early", 0.1), ("never", 30.0)):
            call = Call(cid, "list_tasks", now + after, now)
            async def body(cid=cid):
                try:
                    await asyncio.sleep(60)
                except asyncio.CancelledError:
                    order.append(cid)
                    raise
            call.task = asyncio.ensure_future(body())
            lane.running[cid] = call
            sweep.watch(call.deadline_at)
        await asyncio.sleep(0.8)
        seen = list(order)
        sweep.clear()
        lane.running["never"].task.cancel()
        return seen

    with loop:
        print("timed out:", ",".join(loop.run_until_complete(main())), flush=True)
""")


def test_one_deadline_timer_works_on_the_qasync_loop():
    """The dispatcher's one deadline timer (admission.DeadlineSweep) runs on the window's qasync loop:
    calls past their deadlines are cancelled in deadline order, a later one is left running."""
    proc = subprocess.run(
        [sys.executable, "-c", DEADLINES], cwd=REPO, capture_output=True, text=True, timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(REPO)},
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "timed out: early,late"
