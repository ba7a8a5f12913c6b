"""Small typed UI operations: run a core coroutine from a slot (after Anki's ``aqt.operations``).

A slot never awaits. It calls ``run(coro, on_success, on_failure, parent=...)``,
which starts the coroutine as a task on the running asyncio loop (qasync's in
the app, pytest-asyncio's in the tests) and returns at once. When the task
ends, on the loop's (= the GUI) thread:

* success → ``on_success(result)``;
* failure → ``on_failure(exc)`` when given, else ``show_failure``: the error
  is logged and shown to the user in a non-blocking message box;
* cancelled (the app is shutting down) → neither;
* ``parent`` was deleted meanwhile (its window closed) → neither.

Tasks are kept in a module-level set until they end, so none is
garbage-collected mid-flight (ARCHITECTURE.md, house rule 5). Each runs
in a fresh ``contextvars.Context`` (see ``run``). ``drain()``
awaits everything in flight (used at shutdown, by tests and the screenshot
script). Cancelling an operation's task is safe whenever the coroutine it
runs is.

``Refresher`` coalesces reloads: a view asks for one on every event, at most
one load runs at a time and bursts collapse into one more.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import logging
import sys
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from agents.errors import AdiuvaError, ConfigError, RecordError, ReviewError, RunRefused, ToolError

log = logging.getLogger(__name__)

T = TypeVar("T")

_tasks: set[asyncio.Task[Any]] = set()


def _loop() -> asyncio.AbstractEventLoop | None:
    """The loop work starts on; None once the app's loop is gone (a timer or an event firing at exit)."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        pass
    try:
        loop = asyncio.get_event_loop_policy().get_event_loop()
    except RuntimeError:
        return None
    return None if loop.is_closed() else loop


def run(
    coro: Coroutine[Any, Any, T],
    on_success: Callable[[T], None] | None = None,
    on_failure: Callable[[BaseException], None] | None = None,
    *,
    parent: QObject | None = None,
    what: str = "That did not work",
) -> asyncio.Task[T] | None:
    """Start ``coro`` in the background; see the module docstring for the callbacks.

    The task runs in a fresh ``contextvars.Context``, so it never inherits a
    context variable set by whatever emitted the event that called the slot.
    Once the app's loop is gone (a late timer at exit) nothing starts: the
    coroutine is closed and None is returned.
    """
    loop = _loop()
    if loop is None:
        coro.close()
        log.debug("ui.operation.dropped (no loop: the app is shutting down)")
        return None
    task = loop.create_task(coro, context=contextvars.Context())
    return watch(task, on_success, on_failure, parent=parent, what=what)


def watch(
    task: asyncio.Future[T],
    on_success: Callable[[T], None] | None = None,
    on_failure: Callable[[BaseException], None] | None = None,
    *,
    parent: QObject | None = None,
    what: str = "That did not work",
) -> asyncio.Future[T]:
    """Attach the callbacks of ``run`` to a task started elsewhere (e.g. ``Companion.start_run``)."""
    _tasks.add(task)  # type: ignore[arg-type]
    task.add_done_callback(functools.partial(_done, on_success, on_failure, parent, what))
    return task


def _done(
    on_success: Callable[[Any], None] | None,
    on_failure: Callable[[BaseException], None] | None,
    parent: QObject | None,
    what: str,
    task: asyncio.Future[Any],
) -> None:
    _tasks.discard(task)  # type: ignore[arg-type]
    if task.cancelled():
        return
    if parent is not None and not shiboken6.isValid(parent):
        return
    exc = task.exception()
    try:
        if exc is None:
            if on_success is not None:
                on_success(task.result())
        elif on_failure is not None:
            on_failure(exc)
        else:
            show_failure(parent if isinstance(parent, QWidget) else None, what, exc)
    except Exception:
        sys.excepthook(*sys.exc_info())


def in_flight() -> int:
    """How many operations have not ended yet."""
    return len(_tasks)


async def drain(timeout: float = 30.0) -> None:
    """Wait until no operation is in flight (operations started meanwhile included)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while _tasks:
        remaining = end - loop.time()
        if remaining <= 0:
            raise TimeoutError(f"{len(_tasks)} UI operation(s) still running after {timeout} s")
        await asyncio.wait(set(_tasks), timeout=remaining)
        await asyncio.sleep(0)


def cancel_all() -> None:
    for task in list(_tasks):
        task.cancel()


def describe(exc: BaseException) -> str:
    """A sentence for a person: the core's message without the machine code."""
    if isinstance(exc, (ConfigError, ToolError, ReviewError, RecordError, RunRefused)):
        return exc.message
    if isinstance(exc, AdiuvaError):
        return str(exc)
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.strerror}{f': {exc.filename}' if exc.filename else ''}"
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def show_failure(parent: QWidget | None, what: str, exc: BaseException) -> QMessageBox:
    """Log ``exc`` and show it in a non-blocking warning box; returns the box."""
    log.error("ui.operation.failed what=%s error=%s", what, describe(exc), exc_info=exc)
    return message(parent, what, describe(exc), icon=QMessageBox.Icon.Warning)


def message(parent: QWidget | None, text: str, informative: str = "", *,
            icon: QMessageBox.Icon = QMessageBox.Icon.Information) -> QMessageBox:
    """A non-modal message box that deletes itself when closed (never blocks the loop)."""
    box = QMessageBox(icon, "Adiuva Companion", text, QMessageBox.StandardButton.Ok, parent)
    if informative:
        box.setInformativeText(informative)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setWindowModality(Qt.WindowModality.NonModal)
    box.show()
    return box


class Refresher:
    """Coalesced reloads: ``request()`` as often as events come; one load runs at a time.

    ``load()`` is awaited on the loop; ``apply(result)`` runs on the GUI thread
    after it. A request while a load runs queues exactly one more load. Load
    failures are logged (a view keeps its last data) unless ``on_failure`` is given.
    """

    def __init__(
        self,
        load: Callable[[], Awaitable[T]],
        apply: Callable[[T], None],
        *,
        parent: QObject | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
    ):
        self._load = load
        self._apply = apply
        self._parent = parent
        self._on_failure = on_failure or self._log_failure
        self._task: asyncio.Task[Any] | None = None
        self._again = False
        self.loads = 0

    @property
    def busy(self) -> bool:
        return self._task is not None

    def request(self) -> None:
        if self._task is not None:
            self._again = True
            return
        self._again = False
        task = run(self._load_once(), self._loaded, self._failed, parent=self._parent)
        if task is not None:  # None: the app is shutting down
            self._task = task
            task.add_done_callback(self._cancelled)

    def _cancelled(self, task: asyncio.Task[Any]) -> None:
        if task.cancelled() and self._task is task:
            self._task = None

    async def _load_once(self) -> Any:
        return await self._load()

    def _loaded(self, result: Any) -> None:
        self._task = None
        self.loads += 1
        try:
            self._apply(result)
        finally:
            if self._again:
                self.request()

    def _failed(self, exc: BaseException) -> None:
        self._task = None
        try:
            self._on_failure(exc)
        finally:
            if self._again:
                self.request()

    @staticmethod
    def _log_failure(exc: BaseException) -> None:
        log.warning("ui.refresh.failed error=%s", describe(exc), exc_info=exc)
