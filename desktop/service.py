"""The headless service: the companion without a window until SIGTERM/SIGINT.

``adiuva-companion --headless`` (``desktop.cli``) and the GUI's fallbacks (``desktop.ui.app``, when
Qt cannot start) both run ``headless`` here, on an ``asyncio.run`` loop in the main thread.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path
from typing import Any

from agents import __version__
from desktop.output import EXIT_OK, fail


async def headless(directory: Path, backend_url: str | None, notice: str = "") -> int:
    """The service without a window; a failed start is one ``error:`` line and exit 1 (the notice only on success)."""
    from agents.paths import AlreadyRunning
    from desktop import control
    from desktop.companion import Companion

    # Signals are handled before the start: a SIGTERM while starting (the control socket is already
    # there) stops the service cleanly once it has started, instead of killing it half-way.
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # pragma: no cover - Windows
            signal.signal(sig, lambda *_: loop.call_soon_threadsafe(stop.set))
    companion = Companion(data_dir=directory, backend_url=backend_url)
    try:
        await companion.start()  # on failure it has already undone what it started and released the lock
    except AlreadyRunning as exc:
        answer = await control.request(directory, {"cmd": "ping"}, timeout=2.0)
        return fail(AlreadyRunning(exc.directory, (answer or {}).get("pid")))
    except Exception as exc:
        return fail(exc, "the companion could not start: ")
    if notice:
        print(notice, file=sys.stderr)
    await _print_first_steps(companion)
    await stop.wait()
    print("Stopping…", file=sys.stderr)
    await companion.stop()
    return EXIT_OK


async def _print_first_steps(companion: Any) -> None:
    from agents import config

    agents = await config.list_agents(companion.store)
    lines = [f"Adiuva Companion {__version__} running headless. Data: {companion.data_dir}"]
    if not agents:
        lines.append("No agents yet. Add one, e.g.:\n"
                     "  adiuva-companion agent add \"Client work\" --folder ~/Clients --cron \"0 9 * * 1-5\"\n"
                     "then run it now with: adiuva-companion agent run \"Client work\"")
    else:
        lines.append(f"{len(agents)} agent(s): " + ", ".join(a.name for a in agents))
    if not await companion.backend_url():
        lines.append("Not connected to a backend (offline mode). To connect:\n"
                     "  adiuva-companion login --backend-url wss://api.example.com/ws/device  (token on stdin)")
    lines.append("Stop with Ctrl-C or SIGTERM.")
    print("\n".join(lines), file=sys.stderr, flush=True)
