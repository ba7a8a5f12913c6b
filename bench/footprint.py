"""The app's footprint: time until the window is shown and idle RSS, beside a bare PySide6 window.

    python bench/footprint.py [--runs 3] [--idle 3] [--no-write] [--backend-url URL]

Both are started the same way in the same run, offscreen (``QT_QPA_PLATFORM=offscreen``),
with the same interpreter:

* ours: ``python -m desktop.cli --data-dir <temp>`` (the real entry point: the
  companion with its store, scheduler and control socket, the main window on
  its welcome page and the tray; no backend URL is set, so no bridge client)
  with ``ADIUVA_BENCH_MARKER`` set, so the app prints the marker once its
  window is shown (``desktop.ui.app``);
* bare: a QApplication with one empty 1000x680 QMainWindow that prints the
  marker on the first turn of its event loop after ``show()``.

Start = from just before spawning to reading the marker line (ours shows its
window with a "Starting…" page first, then imports and starts the core); "views
filled" = to ours' ``<marker> ready`` line (the bare window's start). RSS = ``VmRSS``
from ``/proc/<pid>/status`` after ``--idle`` seconds of idling after the marker.
Wake-ups = context switches of all the process's threads (``voluntary`` and
``nonvoluntary_ctxt_switches`` summed over ``/proc/<pid>/task/*/status``) over
``--wake`` seconds of idling after the RSS reading, per second: how often the
idle app takes the CPU (the change watcher's poll, timers, threads). The median
of ``--runs`` alternating runs is reported. Goals: RSS ≤ bare + 40 MB, start ≤
bare + 0.5 s, idle wake-ups ≤ 2 per second (for the default configuration
above: no backend URL; the window is shown, so the watcher polls at its
visible rate).

``--backend-url URL`` also measures ours started with ``ADIUVA_BACKEND_URL=URL``
(and a device token), in the same alternation, as one more row for information:
the bridge client and websockets are loaded and it dials at start. No server
is needed (e.g. ``ws://127.0.0.1:9/device``: refused, it redials with backoff).

The figures are written to ``docs/PERFORMANCE.md`` under "Footprint" (only
that section is replaced). Linux only (``/proc``).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import select
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MARKER = "ADIUVA-BENCH-WINDOW-SHOWN"
RSS_GOAL_MB = 40.0
WAKE_GOAL = 2.0
START_GOAL_S = 0.5

BARE = f"""
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.setWindowTitle("bare")
window.resize(1000, 680)
window.show()
QTimer.singleShot(0, lambda: print("{MARKER}", flush=True))
sys.exit(app.exec())
"""


def _env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADIUVA_")}
    env.update(
        QT_QPA_PLATFORM="offscreen", ADIUVA_BENCH_MARKER=MARKER, XDG_CONFIG_HOME=str(tmp / "config"),
        PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",  # no D-Bus probing: same for every run
    )
    return env


def _rss_mb(pid: int) -> float:
    text = Path(f"/proc/{pid}/status").read_text()
    match = re.search(r"^VmRSS:\s+(\d+) kB", text, re.MULTILINE)
    if not match:
        raise RuntimeError(f"no VmRSS for pid {pid}")
    return int(match.group(1)) / 1024


def _switches(pid: int) -> int:
    """Context switches so far of every thread of ``pid``."""
    total = 0
    for status in Path(f"/proc/{pid}/task").glob("*/status"):
        try:
            text = status.read_text()
        except OSError:  # the thread ended meanwhile
            continue
        total += sum(int(n) for n in re.findall(r"^(?:non)?voluntary_ctxt_switches:\s+(\d+)", text, re.MULTILINE))
    return total


def measure(argv: list[str], env: dict[str, str], idle: float, timeout: float = 60.0,
            ready: bool = False, wake: float = 0.0) -> tuple[float, float, float, float]:
    """(seconds until the window is shown, until it is ready, RSS in MB after ``idle`` seconds,
    wake-ups per second over the next ``wake`` seconds (0 when not measured)).

    ``ready``: also wait for the ``<marker> ready`` line (ours prints it when the core has started and
    the views are filled; the bare window is ready when shown).
    """
    began = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    try:
        deadline = began + timeout
        while True:
            if time.perf_counter() > deadline:
                raise RuntimeError(f"no marker from {argv[:3]} within {timeout} s")
            readable, _, _ = select.select([proc.stdout], [], [], 0.5)
            if not readable:
                continue
            line = proc.stdout.readline()
            if line.startswith(f"{MARKER} ready"):
                done = time.perf_counter() - began
                break
            if line.startswith(MARKER):
                shown = done = time.perf_counter() - began
                if not ready:
                    break
            if not line and proc.poll() is not None:
                raise RuntimeError(f"{argv[:3]} exited {proc.returncode}: {proc.stderr.read()[-2000:]}")
        time.sleep(idle)
        rss = _rss_mb(proc.pid)
        wakeups = 0.0
        if wake > 0:
            before = _switches(proc.pid)
            time.sleep(wake)
            wakeups = (_switches(proc.pid) - before) / wake
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
    return shown, done, rss, wakeups


def run(runs: int, idle: float, backend_url: str | None = None, wake: float = 10.0) -> dict[str, dict[str, float]]:
    figures: dict[str, dict[str, list[float]]] = {
        k: {"ours": [], "bare": []} for k in ("start", "ready", "rss", "wake")
    }
    figures["rss"]["ours_url"] = []
    # one unmeasured start of each warms the page cache for both alike
    with tempfile.TemporaryDirectory(prefix="adiuva-footprint-") as tmp:
        env = _env(Path(tmp))
        url_env = {**env, "ADIUVA_BACKEND_URL": backend_url or "", "ADIUVA_DEVICE_TOKEN": "footprint-bench-token"}
        ours = [sys.executable, "-m", "desktop.cli", "--data-dir"]
        measure([sys.executable, "-c", BARE], env, 0.0)
        measure([*ours, str(Path(tmp) / "warm")], env, 0.0, ready=True)
        for i in range(runs):
            for who, argv, wait_ready in (("bare", [sys.executable, "-c", BARE], False),
                                          ("ours", [*ours, str(Path(tmp) / f"data{i}")], True)):
                shown, done, rss, wakeups = measure(argv, env, idle, ready=wait_ready, wake=wake)
                figures["start"][who].append(shown)
                figures["ready"][who].append(done)
                figures["rss"][who].append(rss)
                figures["wake"][who].append(wakeups)
            if backend_url:
                _shown, _done, rss, _wake = measure([*ours, str(Path(tmp) / f"url{i}")], url_env, idle, ready=True)
                figures["rss"]["ours_url"].append(rss)
    return {k: {who: statistics.median(v) for who, v in d.items() if v} for k, d in figures.items()}


def report(result: dict[str, dict[str, float]], runs: int, idle: float,
           backend_url: str | None = None, wake: float = 10.0) -> tuple[str, bool]:
    start, ready, rss, wakeups = result["start"], result["ready"], result["rss"], result.get("wake")
    d_start, d_ready, d_rss = start["ours"] - start["bare"], ready["ours"] - ready["bare"], rss["ours"] - rss["bare"]
    ok_start, ok_rss = d_start <= START_GOAL_S, d_rss <= RSS_GOAL_MB
    rows = [
        ("figure", "ours", "bare PySide6", "difference", "goal", "met"),
        ("time to window shown", f"{start['ours']:.2f} s", f"{start['bare']:.2f} s", f"{d_start:+.2f} s",
         f"≤ bare + {START_GOAL_S} s", "yes" if ok_start else "NO"),
        ("time to views filled", f"{ready['ours']:.2f} s", f"{ready['bare']:.2f} s", f"{d_ready:+.2f} s",
         "(for information)", ""),
        (f"RSS after {idle:g} s idle", f"{rss['ours']:.1f} MB", f"{rss['bare']:.1f} MB", f"{d_rss:+.1f} MB",
         f"≤ bare + {RSS_GOAL_MB:g} MB", "yes" if ok_rss else "NO"),
    ]
    ok_wake = True
    if wakeups:
        ok_wake = wakeups["ours"] <= WAKE_GOAL
        rows.append((f"wake-ups per second idle ({wake:g} s)", f"{wakeups['ours']:.1f}", f"{wakeups['bare']:.1f}",
                     f"{wakeups['ours'] - wakeups['bare']:+.1f}", f"≤ {WAKE_GOAL:g} per s", "yes" if ok_wake else "NO"))
    if "ours_url" in rss:
        rows.append(("… with a backend URL set", f"{rss['ours_url']:.1f} MB", f"{rss['bare']:.1f} MB",
                     f"{rss['ours_url'] - rss['bare']:+.1f} MB", "(for information)", ""))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    env = (f"median of {runs} alternating runs, offscreen, Python {platform.python_version()}, "
           f"PySide6 {_pyside_version()}, {platform.system()} {platform.machine()}")
    if "ours_url" in rss:
        env += f"\nbackend URL row: ADIUVA_BACKEND_URL={backend_url} and a device token (the client dials at start)"
    return "\n".join([*lines, "", env]), ok_start and ok_rss and ok_wake


def _pyside_version() -> str:
    try:
        from importlib.metadata import version

        return version("PySide6-Essentials")
    except Exception:
        return "?"


def write_section(text: str, path: Path) -> None:
    """Replace (or add) the "## Footprint" section of ``path``; the rest of the file is kept."""
    section = (
        "## Footprint\n\n"
        "`bench/footprint.py`: the app (`adiuva-companion` with a fresh data dir: companion, scheduler, "
        "control socket, main window on its welcome page, tray; no backend URL, so no bridge client) against "
        "a bare PySide6 window, both offscreen, same interpreter, same run. Start = spawn until the window is "
        "shown (the app prints `ADIUVA_BENCH_MARKER` then, see `desktop/ui/app.py`; it shows a \"Starting…\" "
        "page before importing the core); views filled = until the core has started and the window is filled; "
        "RSS = `VmRSS` after idling. `--backend-url` adds the app started with `ADIUVA_BACKEND_URL` set, for "
        "information. "
        f"Recorded {time.strftime('%Y-%m-%d')}.\n\n"
        "```\n" + text + "\n```\n\n"
        "Where the RSS goes (measured 2026-11-22, importing the app's modules in its order after a "
        "QApplication, and against the running app): asyncio with ssl (asyncio imports it, hence libcrypto) "
        "and qasync ≈ 6.5 MB; sqlite3, aiosqlite and the store ≈ 2.5; pydantic with its first model ≈ 9.6, "
        "then `AgentConfig`, `SecretStr` and the tool argument models ≈ 1.3; the scheduler and events ≈ 1.4; "
        "the Qt classes and UI modules ≈ 5; the window with its welcome page, menus, status bar and tray, the "
        "open store and the started companion ≈ 9 more than the bare window's own. pydantic is the largest "
        "item left: the runner, the tool catalogue and the review queue import it at start-up. "
        "Taken out for issue 5 (this bench, 5 runs each, same day: 103.2 MB, +55.0 over the bare window, "
        "before; 84.1 MB, +36.0, after; the items below were measured one change at a time on the app "
        "alone): PySide6's import hook kept the source of every module imported after it in `linecache` "
        "(≈ 13.7 MB, `desktop/ui/memory.py`); the bridge client with websockets and the protocol models is "
        "created only when a backend URL is configured (≈ 1.8; with one set the app is ≈ 2 MB larger, the "
        "row above when measured); the rules engine and croniter load on first use (≈ 1.3); each tab's view "
        "is built on its first show (≈ 4.2; the welcome page builds none); the icons are PNG renderings of "
        "the SVGs, so Qt's SVG icon engine is not loaded (≈ 1.4). "
        "`gc.collect()` with `malloc_trim(0)` after start-up freed nothing measurable and is not done. "
        "langchain-core (≈ 40 MB and ≈ 1 s) and keyring are not imported at start-up; the bench uses the null "
        "keyring, and a desktop Secret Service backend adds ≈ 6.6 MB once the token is read.\n"
    )
    old = path.read_text(encoding="utf-8") if path.exists() else "# Performance\n"
    pattern = re.compile(r"^## Footprint\n.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
    if pattern.search(old):
        new = pattern.sub(lambda _m: section + "\n", old, count=1).rstrip("\n") + "\n"
    else:
        new = old.rstrip("\n") + "\n\n" + section
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(new, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--idle", type=float, default=3.0, help="seconds to idle before reading RSS")
    parser.add_argument("--wake", type=float, default=10.0, help="seconds over which idle wake-ups are counted")
    parser.add_argument("--no-write", action="store_true", help="do not update docs/PERFORMANCE.md")
    parser.add_argument("--backend-url", help="also measure ours with ADIUVA_BACKEND_URL set to this (one more row)")
    args = parser.parse_args(argv)
    if not sys.platform.startswith("linux"):
        print("bench/footprint.py reads /proc: Linux only", file=sys.stderr)
        return 2
    result = run(args.runs, args.idle, args.backend_url, args.wake)
    text, ok = report(result, args.runs, args.idle, args.backend_url, args.wake)
    print(text)
    if not args.no_write:
        write_section(text, REPO / "docs" / "PERFORMANCE.md")
        print("\nwritten to docs/PERFORMANCE.md (## Footprint)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
