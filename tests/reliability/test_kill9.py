"""kill -9 of the real companion process during a write storm through the real gateway.

Each trial (``bench.kill9.run_trial``, shared with ``bench/kill9.py``): a
``DeviceGateway`` on 127.0.0.1 port 0 in this process, the headless companion
as a subprocess, 16 ``create_task`` calls in flight with known ids, ``kill -9``
at a seeded random moment 20–300 ms in, restart on the same data dir, replay
of every id sent, SIGTERM, then a read-only look at the database.

Start-up of the subprocess (about 1 s to online) dominates a trial, so the
storms are short; 20 trials take about a minute.
"""

from __future__ import annotations

import asyncio
import signal
import sys
import time
from pathlib import Path

import pytest

from bench.kill9 import TOKEN, CompanionProcess, run_trial
from bridge.gateway import DeviceGateway

TRIALS = 20
BASE_SEED = 20_261_121

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals (SIGKILL, SIGTERM)")


@pytest.mark.timeout(60)
@pytest.mark.parametrize("trial", range(TRIALS))
async def test_kill9_mid_storm_loses_no_ack_and_applies_nothing_twice(trial: int, tmp_path: Path):
    """After kill -9 and restart, every acked write is there, replays return it unchanged, nothing is doubled."""
    result = await run_trial(BASE_SEED + trial, tmp_path)
    assert result.sent > 0, "the storm sent nothing before the kill"
    assert not result.problems, "\n".join([*result.problems, "companion log:", result.log_tail])
    assert result.integrity == "ok" and result.duplicates == 0 and not result.lost
    assert result.tasks_rows == result.journal_rows == result.sent


async def test_sigterm_while_idle_exits_zero_within_ten_seconds(tmp_path: Path):
    """SIGTERM to an idle, connected companion ends it with exit code 0 within 10 s."""
    gateway = DeviceGateway(tokens={TOKEN: "local"})
    await gateway.start("127.0.0.1", 0)
    proc = CompanionProcess(tmp_path / "data", gateway.url, TOKEN, tmp_path / "companion.log")
    try:
        proc.start()
        await gateway.wait_online(timeout=30)
        await asyncio.sleep(0.2)
        began = time.monotonic()
        proc.proc.send_signal(signal.SIGTERM)
        code = await asyncio.to_thread(proc.proc.wait, 10)
        assert code == 0, proc.log_tail()
        assert time.monotonic() - began < 10
        await gateway.wait_offline(timeout=5)
    finally:
        proc.ensure_dead()
        await gateway.stop()
