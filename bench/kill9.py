"""kill -9 of the companion in the middle of a write storm, then replay every id.

One trial:

1. a reference ``DeviceGateway`` on 127.0.0.1, port 0, in this process;
2. the headless companion as a real subprocess (``python -m desktop.cli
   --headless``) on a fresh data dir, token in ``ADIUVA_DEVICE_TOKEN``;
3. a write storm: ``create_task`` calls with known ids and titles, 16 in
   flight; every id whose ``ok`` result arrived is *acknowledged*;
4. ``kill -9`` of the companion at a seeded random moment 20–300 ms into the
   storm;
5. restart on the same data dir; once it is back online, replay every id that
   was sent (acknowledged or not) with the same arguments: each must succeed,
   each acknowledged id must return the identical stored result;
6. SIGTERM (must exit 0), then open the database read-only with ``sqlite3``:
   ``PRAGMA integrity_check`` is ``ok``, each title exists exactly once, every
   acknowledged task is there, one journal row per id.

``tests/reliability/test_kill9.py`` runs 20 trials; this script runs 100 by
default and prints the totals (lost acknowledged writes, duplicates and
integrity failures must all be 0)::

    .venv/bin/python bench/kill9.py [--trials 100] [--seed 1]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import random
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from websockets.exceptions import ConnectionClosed  # noqa: E402

from agents.store import utcnow  # noqa: E402
from bridge.gateway import DeviceGateway  # noqa: E402

TOKEN = "kill9-bench-device-token-5c1e77a0"
IN_FLIGHT = 16
STORM_LIMIT = 5_000  # never reached: the kill comes first
KILL_WINDOW = (0.020, 0.300)
ONLINE_TIMEOUT = 30.0
TERM_TIMEOUT = 10.0


class CompanionProcess:
    """The headless companion as a real OS process."""

    def __init__(
        self, data_dir: Path, url: str, token: str, log_path: Path, *, verbose: bool = False,
        python_args: tuple[str, ...] = (),
    ):
        self.data_dir, self.url, self.token, self.log_path = data_dir, url, token, log_path
        self.verbose = verbose
        self.python_args = python_args  # e.g. ("-m", "cProfile", "-o", "out.prof") to profile the device
        self.proc: subprocess.Popen[bytes] | None = None
        self.started_at = 0.0

    @property
    def argv(self) -> list[str]:
        argv = [sys.executable, *self.python_args, "-m", "desktop.cli", "--headless", "--data-dir", str(self.data_dir),
                "--backend-url", self.url]
        return [*argv, "-v"] if self.verbose else argv

    def env(self) -> dict[str, str]:
        drop = ("DISPLAY", "WAYLAND_DISPLAY", "ADIUVA_BACKEND_URL", "ADIUVA_DATA_DIR", "ADIUVA_DEVICE_TOKEN")
        env = {k: v for k, v in os.environ.items() if k not in drop}
        env["ADIUVA_DEVICE_TOKEN"] = self.token
        return env

    def start(self) -> None:
        with open(self.log_path, "ab") as log:
            log.write(f"--- start {time.strftime('%H:%M:%S')}\n".encode())
            log.flush()
            self.started_at = time.monotonic()
            self.proc = subprocess.Popen(
                self.argv, cwd=REPO, env=self.env(), stdin=subprocess.DEVNULL, stdout=log, stderr=log,
            )

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    async def kill9(self) -> int:
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGKILL)
        return await asyncio.to_thread(self.proc.wait, TERM_TIMEOUT)

    async def terminate(self, timeout: float = TERM_TIMEOUT) -> int | None:
        """SIGTERM; the exit code, or None (and a SIGKILL) when it did not exit within ``timeout``."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        try:
            return await asyncio.to_thread(self.proc.wait, timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            await asyncio.to_thread(self.proc.wait)
            return None

    def ensure_dead(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return ""


@dataclass
class TrialResult:
    seed: int
    kill_after_ms: float = 0.0
    sent: int = 0
    acknowledged: int = 0
    lost: list[str] = field(default_factory=list)          # acknowledged, then missing or changed
    replay_mismatch: list[str] = field(default_factory=list)  # acknowledged, replay answered differently
    replay_errors: list[str] = field(default_factory=list)    # a replayed id did not answer ok
    storm_errors: list[str] = field(default_factory=list)     # a storm call answered with an error
    # not acknowledged, yet committed before the kill, so answered from the journal on replay
    committed_unacked: int = 0
    duplicates: int = 0
    integrity: str = ""
    tasks_rows: int = 0
    journal_rows: int = 0
    kill_exit: int | None = None
    term_exit: int | None = None
    startup_s: list[float] = field(default_factory=list)
    seconds: float = 0.0
    log_tail: str = ""

    @property
    def problems(self) -> list[str]:
        found = []
        if self.lost:
            found.append(f"{len(self.lost)} acknowledged writes lost: {self.lost[:5]}")
        if self.replay_mismatch:
            found.append(f"{len(self.replay_mismatch)} replays differ from the acknowledged result: "
                         f"{self.replay_mismatch[:5]}")
        if self.replay_errors:
            found.append(f"replay errors: {self.replay_errors[:5]}")
        if self.storm_errors:
            found.append(f"storm errors: {self.storm_errors[:5]}")
        if self.duplicates:
            found.append(f"{self.duplicates} titles exist more than once")
        if self.integrity != "ok":
            found.append(f"integrity_check: {self.integrity!r}")
        if self.tasks_rows != self.sent:
            found.append(f"{self.tasks_rows} task rows for {self.sent} ids sent")
        if self.journal_rows != self.sent:
            found.append(f"{self.journal_rows} journal rows for {self.sent} ids sent")
        if self.kill_exit != -signal.SIGKILL:
            found.append(f"the killed process exited with {self.kill_exit}")
        if self.term_exit != 0:
            found.append(f"SIGTERM after the replay: exit {self.term_exit} (want 0 within {TERM_TIMEOUT:g} s)")
        return found


def call_id(tag: str, i: int) -> str:
    return f"{tag}-call-{i:05d}"


def call_args(tag: str, i: int) -> dict[str, Any]:
    return {"title": f"{tag} task {i:05d}", "description": f"storm write {i}", "isAiSuggested": False}


async def _online(gateway: DeviceGateway, proc: CompanionProcess) -> float:
    await gateway.wait_online(timeout=ONLINE_TIMEOUT)
    return time.monotonic() - proc.started_at


async def run_trial(seed: int, workdir: Path, *, in_flight: int = IN_FLIGHT) -> TrialResult:
    """One kill -9 trial in ``workdir`` (a fresh directory); never raises for a failed guarantee."""
    rng = random.Random(seed)
    result = TrialResult(seed=seed, kill_after_ms=round(rng.uniform(*KILL_WINDOW) * 1000, 1))
    tag = f"s{seed}"
    data_dir = workdir / "data"
    began = time.monotonic()
    gateway = DeviceGateway(tokens={TOKEN: "local"})
    await gateway.start("127.0.0.1", 0)
    proc = CompanionProcess(data_dir, gateway.url, TOKEN, workdir / "companion.log")
    try:
        proc.start()
        result.startup_s.append(await _online(gateway, proc))

        # ── the storm ──
        sent: list[int] = []
        acked: dict[int, dict[str, Any]] = {}
        counter = itertools.count()

        async def worker() -> None:
            while (i := next(counter)) < STORM_LIMIT:
                sent.append(i)
                try:
                    acked[i] = await gateway.call("create_task", call_args(tag, i), call_id=call_id(tag, i))
                except (ConnectionError, ConnectionClosed):
                    return  # the device is gone
                except Exception as exc:
                    result.storm_errors.append(f"{call_id(tag, i)}: {type(exc).__name__}: {exc}")

        workers = [asyncio.create_task(worker()) for _ in range(in_flight)]
        await asyncio.sleep(result.kill_after_ms / 1000)
        result.kill_exit = await proc.kill9()
        await gateway.wait_offline(timeout=10)
        # Results already on the wire before the kill have been read by now;
        # calls still waiting will never be answered by the dead process.
        for w in workers:
            w.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
        result.sent, result.acknowledged = len(sent), len(acked)

        # ── restart and replay every id ──
        restarted_at = utcnow()  # rows created before this were committed by the killed process
        proc.start()
        result.startup_s.append(await _online(gateway, proc))
        replayed: dict[int, dict[str, Any]] = {}
        gate = asyncio.Semaphore(in_flight)

        async def replay(i: int) -> None:
            async with gate:
                try:
                    replayed[i] = await gateway.call("create_task", call_args(tag, i), call_id=call_id(tag, i))
                except Exception as exc:
                    result.replay_errors.append(f"{call_id(tag, i)}: {type(exc).__name__}: {exc}")

        await asyncio.gather(*(replay(i) for i in sorted(sent)))
        result.replay_mismatch = [call_id(tag, i) for i, r in acked.items() if replayed.get(i) != r]
        result.term_exit = await proc.terminate()

        # ── the database, read-only, with the companion stopped ──
        check_database(data_dir / "workspace.sqlite3", tag, acked, result, restarted_at)
    finally:
        proc.ensure_dead()
        await gateway.stop()
        result.seconds = time.monotonic() - began
        if result.problems:
            result.log_tail = proc.log_tail()
    return result


def check_database(
    path: Path, tag: str, acked: dict[int, dict[str, Any]], result: TrialResult, restarted_at: str
) -> None:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        result.integrity = "; ".join(str(r[0]) for r in db.execute("PRAGMA integrity_check"))
        result.tasks_rows = db.execute(
            "SELECT COUNT(*) FROM tasks WHERE title LIKE ?", (f"{tag} task %",)
        ).fetchone()[0]
        result.journal_rows = db.execute(
            "SELECT COUNT(*) FROM tool_calls WHERE call_id LIKE ?", (f"{tag}-call-%",)
        ).fetchone()[0]
        result.duplicates = db.execute(
            "SELECT COUNT(*) FROM (SELECT title FROM tasks GROUP BY title HAVING COUNT(*) > 1)"
        ).fetchone()[0]
        rows = {
            row[0]: row[1:]
            for row in db.execute("SELECT id, title, description, created_at FROM tasks WHERE title LIKE ?",
                                  (f"{tag} task %",))
        }
    finally:
        db.close()
    acked_titles = {call_args(tag, i)["title"] for i in acked}
    result.committed_unacked = sum(
        1 for title, _description, created_at in rows.values()
        if title not in acked_titles and created_at < restarted_at
    )
    for i, ack in acked.items():
        args = call_args(tag, i)
        if rows.get(ack.get("id")) != (args["title"], args["description"], ack.get("created_at")):
            result.lost.append(call_id(tag, i))


async def run_trials(trials: int, seed: int, root: Path, *, progress: bool = False) -> list[TrialResult]:
    results = []
    for n in range(trials):
        workdir = root / f"trial-{n:03d}"
        workdir.mkdir()
        r = await run_trial(seed + n, workdir)
        results.append(r)
        if progress:
            status = "ok" if not r.problems else "FAIL: " + "; ".join(r.problems)
            print(f"trial {n + 1:3d}/{trials} seed={r.seed} kill@{r.kill_after_ms:5.1f} ms sent={r.sent:3d} "
                  f"acked={r.acknowledged:3d} {r.seconds:4.1f} s {status}", flush=True)
            if r.problems:
                print(r.log_tail, flush=True)
    return results


def summary(results: list[TrialResult]) -> list[tuple[str, Any]]:
    startups = [s for r in results for s in r.startup_s]
    return [
        ("trials", len(results)),
        ("ids sent", sum(r.sent for r in results)),
        ("acknowledged writes", sum(r.acknowledged for r in results)),
        ("unacknowledged at kill (replayed)", sum(r.sent - r.acknowledged for r in results)),
        ("unacknowledged but committed before the kill", sum(r.committed_unacked for r in results)),
        ("lost acknowledged writes", sum(len(r.lost) for r in results)),
        ("replays differing from the ack", sum(len(r.replay_mismatch) for r in results)),
        ("replay errors", sum(len(r.replay_errors) for r in results)),
        ("duplicates", sum(r.duplicates for r in results)),
        ("row count mismatches", sum(r.tasks_rows != r.sent or r.journal_rows != r.sent for r in results)),
        ("integrity failures", sum(r.integrity != "ok" for r in results)),
        ("SIGTERM exits other than 0", sum(r.term_exit != 0 for r in results)),
        ("start-up to online, median s", round(statistics.median(startups), 2) if startups else None),
        ("seconds per trial, median", round(statistics.median(r.seconds for r in results), 2) if results else None),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quiet", action="store_true", help="no line per trial")
    args = parser.parse_args()
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="adiuva-kill9-") as tmp:
        results = asyncio.run(run_trials(args.trials, args.seed, Path(tmp), progress=not args.quiet))
    rows = summary(results)
    width = max(len(name) for name, _ in rows)
    print()
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    print(f"{'wall time, s':<{width}}  {time.monotonic() - began:.0f}")
    failed = [r for r in results if r.problems]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
