"""The desktop app: a QApplication on a qasync loop around one ``Companion``.

``run_gui(data_dir=..., backend_url=...)`` (called by ``desktop.cli``):

1. No reachable display, or the QApplication cannot be created → a clear
   message on stderr and the headless service (``desktop.service.headless``).
2. One instance per data dir: it first asks a running companion to show its
   window (``desktop.control.request(data_dir, {"cmd": "show"})``); if one
   answers, this process exits 0.
3. Shows the window at once (a "Starting…" page; the core's modules are
   not imported yet), then imports and starts the companion, fills the
   window and shows the tray. With a system tray,
   closing the window hides it (``setQuitOnLastWindowClosed(False)``);
   without one (e.g. Xvfb without a panel) the window stays and closing it
   quits, and notifications appear in a banner at the top of the window
   (``desktop.ui.banner``; also when the tray cannot show messages).
4. Quit (menu, tray, Ctrl+Q), SIGTERM and SIGINT shut down cleanly: UI
   operations are cancelled, ``companion.stop()`` stops the scheduler,
   drains the bridge and closes the store, then the loop ends and the
   process exits 0.
5. An unhandled exception in a slot is logged and shown in a message box
   (``sys.excepthook``) instead of ending the app; asyncio's unhandled task
   errors are logged.

Environment:

* ``ADIUVA_BENCH_MARKER=TEXT``: once the window is shown (first turn of the
  event loop after ``show()``), print ``TEXT <unix time>`` on stdout, one
  line, flushed; once the core has started and the views are filled, print
  ``TEXT ready <unix time>``. ``bench/footprint.py`` and the start-up test
  read them.
* ``ADIUVA_START_HIDDEN=1``: start in the tray without opening the window
  (used by the start-at-login entry; ignored when there is no tray).

Everything here runs on the GUI thread, which is the asyncio loop's thread.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from desktop.companion import Companion
    from desktop.ui.main_window import MainWindow
    from desktop.ui.signals import CoreSignals
    from desktop.ui.tray import Tray

log = logging.getLogger(__name__)

BENCH_MARKER_ENV = "ADIUVA_BENCH_MARKER"
HIDDEN_ENV = "ADIUVA_START_HIDDEN"
EXIT_OK, EXIT_ERROR = 0, 1


# ── before Qt ──────────────────────────────────────────────────────────────
def display_problem() -> str | None:
    """Why no window can be shown here (Linux: no reachable X11/Wayland display), else None.

    Qt aborts the process when it cannot open the display, so this is checked first.
    """
    if not sys.platform.startswith("linux"):
        return None
    platform = os.environ.get("QT_QPA_PLATFORM", "").split(";")[0].strip()
    if platform and not platform.startswith(("xcb", "wayland")):
        return None  # offscreen, minimal, vnc, eglfs...
    wayland = os.environ.get("WAYLAND_DISPLAY")
    display = os.environ.get("DISPLAY")
    if wayland and platform != "xcb":
        runtime = os.environ.get("XDG_RUNTIME_DIR", "")
        path = wayland if os.path.isabs(wayland) else os.path.join(runtime, wayland)
        if os.path.exists(path):
            return None
    if display and _x11_reachable(display):
        return _xcb_plugin_problem()
    if not display and not wayland:
        return "no display is set (DISPLAY and WAYLAND_DISPLAY are empty)"
    return f"the display cannot be reached (DISPLAY={display or ''!s}, WAYLAND_DISPLAY={wayland or ''!s})"


def _xcb_plugin_problem() -> str | None:
    """Qt aborts (it does not raise) when its xcb platform plugin cannot load, e.g. because
    libxcb-icccm4 or libxcb-keysyms1 are missing. Load the plugin library first to find out
    and name the missing library instead."""
    import ctypes

    import PySide6

    plugin = os.path.join(os.path.dirname(PySide6.__file__), "Qt", "plugins", "platforms", "libqxcb.so")
    if not os.path.exists(plugin):  # a distribution build lays Qt out elsewhere; let Qt decide
        return None
    try:
        ctypes.CDLL(plugin)
    except OSError as exc:
        missing = str(exc).split(":")[0]
        return (f"Qt's X11 plugin cannot load ({missing} is missing; on Debian/Ubuntu: "
                "apt install libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxkbcommon-x11-0)")
    return None


def _x11_reachable(display: str) -> bool:
    host, _, rest = display.rpartition(":")
    number = rest.split(".")[0]
    if not number.isdigit():
        return False
    if host in ("", "unix") or host.startswith("/"):
        if host.startswith("/"):  # macOS-style launchd socket path
            return os.path.exists(display.split(":")[0])
        return os.path.exists(f"/tmp/.X11-unix/X{number}")
    try:
        with socket.create_connection((host, 6000 + int(number)), timeout=1.0):
            return True
    except OSError:
        return False


def _headless(data_dir: Path, backend_url: str | None) -> int:
    from desktop.service import headless

    return asyncio.run(headless(data_dir, backend_url))


def run_gui(*, data_dir: str | os.PathLike[str], backend_url: str | None = None) -> int:
    """Run the desktop app until it quits; returns the process exit code."""
    data_dir = Path(data_dir)
    problem = display_problem()
    if problem is not None:
        print(f"The window cannot open: {problem}. Starting the headless service instead.", file=sys.stderr)
        return _headless(data_dir, backend_url)
    try:
        import PySide6.QtCore  # noqa: F401 - first: shiboken installs its import hook here

        from desktop.ui import memory

        memory.stop_source_caching()  # before the imports below (~10 MB, see desktop.ui.memory)
        import qasync
        from PySide6.QtWidgets import QApplication

        app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "adiuva-companion"])
    except Exception as exc:  # ImportError of a system library, a platform plugin that raises
        print(f"The window cannot open here ({type(exc).__name__}: {exc}). Starting the headless service instead.",
              file=sys.stderr)
        return _headless(data_dir, backend_url)
    assert isinstance(app, QApplication)
    _configure(app)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    gui = Gui(app=app, data_dir=data_dir, backend_url=backend_url)
    previous_hook = sys.excepthook
    sys.excepthook = gui.excepthook
    loop.set_exception_handler(gui.loop_exception)
    try:
        with loop:
            try:
                return loop.run_until_complete(gui.main())
            except RuntimeError as exc:
                if "stopped before" not in str(exc):
                    raise
                # Qt quit on its own (e.g. the session ended): still stop the companion cleanly.
                log.info("ui.app.qt_quit_early")
                loop.run_until_complete(gui.shutdown())
                return EXIT_OK
    finally:
        sys.excepthook = previous_hook
        asyncio.set_event_loop(None)


def _configure(app: QApplication) -> None:
    from desktop.ui.widgets import icon

    app.setApplicationName("Adiuva Companion")
    app.setOrganizationName("Adiuva")
    app.setApplicationDisplayName("Adiuva Companion")
    app.setDesktopFileName("adiuva-companion")
    app.setWindowIcon(icon("app"))
    if app.platformName() in ("offscreen", "minimal"):  # no platform theme: Fusion, not the bare Windows style
        app.setStyle("Fusion")


# ── the running app ────────────────────────────────────────────────────────
class Gui:
    """Owns the companion, the window and the tray for one run of the app (GUI thread)."""

    def __init__(self, *, app: QApplication, data_dir: Path, backend_url: str | None):
        self.app = app
        self.data_dir = data_dir
        self.backend_url = backend_url
        self.companion: Companion | None = None
        self.signals: CoreSignals | None = None
        self.window: MainWindow | None = None
        self.tray: Tray | None = None
        self._quit = asyncio.Event()
        self._shut_down = False
        self._error_box: Any = None
        self.has_tray = False
        self.watcher: Any = None
        from desktop.ui import gil
        from desktop.ui.gcguard import GuiThreadGc

        self.gc = GuiThreadGc(parent=app)  # cycles are freed on this thread, never on the store's
        self._switch_interval = gil.hand_back_quickly()  # the loop waits ~1 ms, not 5-10, for the GIL

    async def main(self) -> int:
        from desktop import control

        answer = await control.request(self.data_dir, {"cmd": "show"}, timeout=3.0)
        if answer is not None and answer.get("ok"):
            if answer.get("shown"):
                print("Adiuva Companion is already running; its window was brought forward.", file=sys.stderr)
            else:
                text = ("The Adiuva Companion service is already running without a window for this data folder "
                        f"({self.data_dir}). Stop it first to use the window.")
                print(text, file=sys.stderr)
                await self._message("Adiuva Companion is already running", text)
            return EXIT_OK
        self._install_signal_handlers()
        self._show_shell()
        code = await self._start()
        if code != EXIT_OK:
            return code
        await self._quit.wait()
        await self.shutdown()
        return EXIT_OK

    def _show_shell(self) -> None:
        """The window, before the core is imported: it says "Starting…" for the half second that takes."""
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QSystemTrayIcon

        from desktop.ui.main_window import MainWindow

        self.has_tray = QSystemTrayIcon.isSystemTrayAvailable()
        if self.has_tray:
            self.app.setQuitOnLastWindowClosed(False)
        self.window = MainWindow(on_quit=self.request_quit, hide_on_close=self.has_tray)
        if not (self.has_tray and os.environ.get(HIDDEN_ENV) == "1"):
            self.window.show()
        QTimer.singleShot(0, self._announce_shown)

    async def _start(self) -> int:
        """Import and start the core, then fill the window and show the tray."""
        await asyncio.sleep(0.01)  # let the shell paint before the imports below hold the loop
        from desktop.companion import Companion
        from desktop.ui import operations
        from desktop.ui.signals import CoreSignals
        from desktop.ui.status import AppStatus
        from desktop.ui.tray import Tray

        assert self.window is not None
        self.companion = companion = Companion(data_dir=self.data_dir, backend_url=self.backend_url)
        try:
            await companion.start()
        except Exception as exc:
            log.exception("ui.app.start_failed")
            with_details = operations.describe(exc)
            print(f"error: Adiuva Companion could not start: {with_details}", file=sys.stderr)
            self.window.hide()
            await self._message("Adiuva Companion could not start", with_details)
            await companion.stop()
            return EXIT_ERROR
        self.signals = CoreSignals(companion.events)
        status = AppStatus(companion, self.signals)
        await status.load()
        self.window.attach(companion=companion, signals=self.signals, status=status)
        from agents.watch import ChangeWatcher

        self.watcher = ChangeWatcher(companion.store.path, companion.events)
        self.watcher.start()
        self.window.watch_with(self.watcher)
        self.tray = Tray(companion=companion, status=status, window=self.window, on_quit=self.request_quit)
        self.tray.show()
        self.attach_banner_if_needed()
        if companion.control is not None:
            companion.control.on_show(self.window.bring_forward)
        log.info("ui.app.started tray=%s data_dir=%s", self.has_tray, self.data_dir)
        marker = os.environ.get(BENCH_MARKER_ENV)
        if marker:
            print(f"{marker} ready {time.time():.3f}", flush=True)
        frozen = self.gc.settle()  # start-up's objects out of every later full collection (desktop.ui.gcguard)
        log.debug("ui.app.gc_settled frozen=%d", frozen)
        return EXIT_OK

    def attach_banner_if_needed(self) -> Any:
        """Without a tray (or tray messages) the tray's notifications go to a banner in the window."""
        from PySide6.QtWidgets import QSystemTrayIcon

        from desktop.ui.banner import attach_banner

        if self.window is None or self.tray is None:
            return None
        if self.has_tray and QSystemTrayIcon.supportsMessages():
            return None
        banner = attach_banner(self.window)
        self.tray.notified.connect(banner.show_message)
        banner.open_requested.connect(self.tray.open_window)
        return banner

    def _announce_shown(self) -> None:
        marker = os.environ.get(BENCH_MARKER_ENV)
        if marker:
            print(f"{marker} {time.time():.3f}", flush=True)

    def _install_signal_handlers(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            if sys.platform == "win32":  # pragma: no cover - Windows loops have no add_signal_handler
                signal.signal(sig, lambda *_: loop.call_soon_threadsafe(self.request_quit))
            else:
                loop.add_signal_handler(sig, self.request_quit)

    def request_quit(self) -> None:
        """Quit the app after a clean shutdown (any caller on the GUI thread)."""
        self._quit.set()

    async def shutdown(self) -> None:
        """Stop the UI's work, then the companion (scheduler, bridge, store); idempotent."""
        if self._shut_down:
            return
        self._shut_down = True
        from desktop.ui import operations

        log.info("ui.app.stopping")
        if self.tray is not None:
            self.tray.hide()
        if self.window is not None:
            self.window.hide()
        if self.watcher is not None:
            await self.watcher.stop()
        operations.cancel_all()
        try:
            await operations.drain(timeout=5.0)
        except TimeoutError:
            log.warning("ui.app.operations_still_running")
        if self.companion is not None:
            await self.companion.stop()
        if self.signals is not None:
            self.signals.close()
        if self.window is not None:
            self.window.allow_close = True
            self.window.close()
        if sys.platform != "win32":
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.remove_signal_handler(sig)
        self.gc.uninstall()  # the process's collector and GIL switch interval as they were before this Gui
        sys.setswitchinterval(self._switch_interval)
        log.info("ui.app.stopped")

    # ── errors ─────────────────────────────────────────────────────────────
    def excepthook(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        """Log an unhandled exception and show it readably; the app keeps running."""
        if issubclass(exc_type, KeyboardInterrupt):
            self.request_quit()
            return
        log.error("ui.unhandled_exception", exc_info=(exc_type, exc, tb))
        try:
            from desktop.ui import operations

            if self._error_box is not None and self._error_box.isVisible():
                return  # one box at a time; the log has every error
            self._error_box = operations.message(
                self.window if self.window is not None and self.window.isVisible() else None,
                "Something went wrong in Adiuva Companion",
                f"{operations.describe(exc)}\n\nThe details are in {self.data_dir / 'logs' / 'companion.log'}. "
                "The app keeps running.",
                icon=operations.QMessageBox.Icon.Critical,
            )
        except Exception:  # never let the hook itself raise
            log.exception("ui.excepthook.failed")

    def loop_exception(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        log.error("ui.loop.unhandled message=%s", context.get("message"), exc_info=exc)

    async def _message(self, title: str, text: str) -> None:
        """Show a message and wait until it is closed (without blocking the loop)."""
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(QMessageBox.Icon.Warning, "Adiuva Companion", title, QMessageBox.StandardButton.Ok)
        box.setInformativeText(text)
        closed = asyncio.get_running_loop().create_future()
        box.finished.connect(lambda _r: closed.done() or closed.set_result(None))
        box.open()
        if os.environ.get("QT_QPA_PLATFORM", "").startswith("offscreen"):
            box.close()  # nobody can click it
            return
        await closed
