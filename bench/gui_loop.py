"""The GUI's event loop during a big rules run: how late a 10 ms QTimer fires, beside the same timer idle.

    .venv/bin/python bench/gui_loop.py [--files 38000] [--idle 3] [--json]

One process, as the app runs: a QApplication (offscreen, Fusion) with a
qasync loop, a real ``Companion`` over a temporary data dir, the main window
shown on the Runs tab with ``AppStatus``, the tray-less status bar and the
Review and Workspace views built (they follow the run's events), and the
change watcher; cycles are collected on the GUI thread (``GuiThreadGc``),
start-up's objects are frozen out of later full collections once the window
is up (``settle``) and the GIL's switch interval is short
(``gil.hand_back_quickly``), as ``desktop.ui.app`` does. ``--files`` small
text files are generated (one in 40 with a checkbox line, so the run suggests
tasks and the Review/Workspace views refresh as it goes); one ``rules`` agent
reads them, started as the Run now button does (``companion.start_run``).

Lag = how much later than 10 ms after its previous tick a 10 ms precise
QTimer's tick came (a repeating timer, measured with ``perf_counter``): what a
click or a repaint would wait. Floor = the same timer over ``--idle`` seconds
of the same window with nothing running, in the same process just before.
Goals (issue 14): during the run p99 ≤ 20 ms and max ≤ 50 ms.

On a loaded machine the GUI thread also waits for a CPU: each tick reads the
thread's run-queue wait (``/proc/thread-self/schedstat``, Linux), and the
figures are printed as well with that wait taken out ("net"): what is left is
time the loop spent in our own work (or waiting for the GIL).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

P99_GOAL_MS = 20.0
MAX_GOAL_MS = 50.0


def make_files(root: Path, n: int) -> None:
    per_dir = 500
    for i in range(n):
        folder = root / f"client-{i // per_dir:03d}"
        if i % per_dir == 0:
            folder.mkdir(parents=True, exist_ok=True)
        body = f"# Meeting {i}\n\nWe talked about the schedule and the budget for item {i}.\n"
        if i % 40 == 0:
            body += f"\n- [ ] Send the follow-up for item {i}\n"
        (folder / f"note-{i:05d}.md").write_text(body)


class LagProbe:
    """A 10 ms precise QTimer; ``lags`` = lateness of each tick in ms while ``recording``."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.lags: list[float] = []
        self.net: list[float] = []
        self.recording = False
        self._last = time.perf_counter()
        self._waited = _run_queue_ms()
        self.timer = QTimer(interval=10, timerType=Qt.TimerType.PreciseTimer, timeout=self._tick)

    def _tick(self) -> None:
        now, waited = time.perf_counter(), _run_queue_ms()
        if self.recording:
            lag = max(0.0, (now - self._last) * 1000 - 10)
            self.lags.append(lag)
            self.net.append(max(0.0, lag - (waited - self._waited)))
        self._last, self._waited = now, waited

    def start(self) -> None:
        self._last = time.perf_counter()
        self.timer.start()

    def take(self) -> tuple[list[float], list[float]]:
        lags, net, self.lags, self.net = self.lags, self.net, [], []
        return lags, net


def _run_queue_ms() -> float:
    """This thread's time spent waiting for a CPU so far, in ms (0 where /proc has no schedstat)."""
    try:
        with open("/proc/thread-self/schedstat") as fh:
            return int(fh.read().split()[1]) / 1e6
    except (OSError, IndexError, ValueError):
        return 0.0


def summary(taken: tuple[list[float], list[float]]) -> dict[str, float]:
    lags, net = taken
    ordered, net = sorted(lags) or [0.0], sorted(net) or [0.0]
    return {"ticks": len(lags), "p50": statistics.median(ordered), "p99": _p99(ordered), "max": ordered[-1],
            "net_p99": _p99(net), "net_max": net[-1]}


def lag_row(figure: str, key: str, ours: dict[str, float], floor: dict[str, float], peer_label: str,
            goal: str, met: bool | None) -> dict[str, object]:
    """One JSON row of a loop-lag figure beside the idle floor (``key``: p99, max, net_p99, net_max)."""
    return {"figure": figure, "unit": "ms", "ours": round(ours[key], 1), "peer": round(floor[key], 1),
            "peer_label": peer_label, "ratio": round(ours[key] / floor[key], 2) if floor[key] else None,
            "goal": goal, "met": met}


def _p99(ordered: list[float]) -> float:
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


async def measure(files: int, idle: float, tmp: Path) -> dict[str, dict[str, float]]:
    from agents.watch import ChangeWatcher
    from desktop.companion import Companion
    from desktop.ui import gil
    from desktop.ui.gcguard import GuiThreadGc
    from desktop.ui.main_window import MainWindow
    from desktop.ui.signals import CoreSignals
    from desktop.ui.status import AppStatus

    folder = tmp / "Clients"
    t = time.perf_counter()
    make_files(folder, files)
    print(f"generated {files:,} files in {time.perf_counter() - t:.1f} s", flush=True)
    gc_guard = GuiThreadGc()  # as the app's Gui does before anything else
    gil.hand_back_quickly()
    companion = Companion(data_dir=tmp / "data", token_provider=lambda: None, scheduler=False, control=False)
    await companion.start()
    watcher = ChangeWatcher(companion.store.path, companion.events)
    watcher.start()
    try:
        agent = await companion.save_agent({"name": "Clients", "directory_paths": [str(folder)], "engine": "rules",
                                            "file_extensions": [".md"]})
        signals = CoreSignals(companion.events)
        status = AppStatus(companion, signals)
        await status.load()
        window = MainWindow(companion=companion, signals=signals, status=status)
        window.watch_with(watcher)
        window.show()
        gc_guard.settle()  # where the app's start-up ends; the tabs' views are built after, on demand
        for name in ("review", "workspace", "runs"):
            window.show_tab(name)
            await asyncio.sleep(0.3)
        probe = LagProbe()
        probe.start()
        await asyncio.sleep(0.5)
        probe.recording = True
        await asyncio.sleep(idle)
        floor = summary(probe.take())
        t = time.perf_counter()
        result = await companion.start_run(agent.id)
        took = time.perf_counter() - t
        during = summary(probe.take())
        probe.recording = False
        print(f"run: {result.get('status')} {result.get('items_processed')} files, "
              f"{result.get('items_created')} suggested "
              f"in {took:.1f} s", flush=True)
        window.hide()
        signals.close()
        processed = float(result.get("items_processed") or 0)
        return {"floor": floor, "run": {**during, "seconds": took, "processed": processed}}
    finally:
        await watcher.stop()
        from desktop.ui import operations

        operations.cancel_all()
        await asyncio.sleep(0)
        await companion.stop()
        gc_guard.uninstall()
        gc_guard.deleteLater()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=38_000)
    parser.add_argument("--idle", type=float, default=3.0, help="seconds of the idle floor")
    parser.add_argument("--json", action="store_true", help="end with one machine-readable JSON line")
    args = parser.parse_args(argv)

    import qasync
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(["adiuva-gui-loop-bench"])
    app.setStyle("Fusion")
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with tempfile.TemporaryDirectory(prefix="adiuva-gui-loop-") as tmp, loop:
        os.environ["XDG_CONFIG_HOME"] = str(Path(tmp) / "config")
        figures = loop.run_until_complete(measure(args.files, args.idle, Path(tmp)))
    run, floor = figures["run"], figures["floor"]
    ok_p99, ok_max = run["p99"] <= P99_GOAL_MS, run["max"] <= MAX_GOAL_MS
    print(f"event loop lag during the run ({run['processed']:,.0f} files, {run['seconds']:.1f} s, "
          f"{run['ticks']:,.0f} ticks): p50 {run['p50']:.1f} ms, p99 {run['p99']:.1f} ms, max {run['max']:.1f} ms")
    print(f"floor, the same window idle ({floor['ticks']:,.0f} ticks): p50 {floor['p50']:.1f} ms, "
          f"p99 {floor['p99']:.1f} ms, max {floor['max']:.1f} ms")
    print(f"net of waiting for a CPU (run queue): during the run p99 {run['net_p99']:.1f} ms, max "
          f"{run['net_max']:.1f} ms; idle p99 {floor['net_p99']:.1f} ms, max {floor['net_max']:.1f} ms")
    print(f"goal p99 ≤ {P99_GOAL_MS:g} ms: {'met' if ok_p99 else 'NOT met'}; "
          f"max ≤ {MAX_GOAL_MS:g} ms: {'met' if ok_max else 'NOT met'}")
    if args.json:
        rows = [
            lag_row(f"GUI loop lag p99 during a {run['processed']:,.0f}-file rules run", "p99", run, floor,
                    "idle window", f"≤ {P99_GOAL_MS:g} ms", ok_p99),
            lag_row("GUI loop lag max during the run", "max", run, floor, "idle window", f"≤ {MAX_GOAL_MS:g} ms",
                    ok_max),
            lag_row("GUI loop lag max during the run, net of waiting for a CPU", "net_max", run, floor,
                    "idle window", f"≤ {MAX_GOAL_MS:g} ms", run["net_max"] <= MAX_GOAL_MS),
        ]
        print(json.dumps({"bench": "gui_loop", "rows": rows}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
