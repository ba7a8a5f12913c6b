"""Runs the device asks the backend for (the ``backend`` engine): request ids, run ids, futures.

``RunBook`` keeps each ``RemoteRun`` from ``run_request`` until its
``run_complete`` (or ``run_rejected``) and resolves its futures from the
frames ``bridge.session.DeviceSession`` routes to it (the session also builds
the ``run_request`` / ``run_cancel`` frames). Runs on the client's asyncio loop.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass, field
from typing import Any

from agents.errors import ErrorType, ToolError
from bridge import protocol

log = logging.getLogger(__name__)


def _future() -> asyncio.Future[Any]:
    return asyncio.get_running_loop().create_future()


@dataclass
class RemoteRun:
    """A run the device asked the backend for."""

    request_id: str
    started: asyncio.Future[dict[str, Any]]
    completed: asyncio.Future[dict[str, Any]] = field(default_factory=lambda: _future())
    run_id: str | None = None


class RunBook:
    """The runs waiting for ``run_started`` / ``run_complete``."""

    def __init__(self) -> None:
        self._runs: dict[str, RemoteRun] = {}       # request_id -> run
        self._runs_by_id: dict[str, RemoteRun] = {}  # backend run_id -> run

    def new(self) -> RemoteRun:
        run = RemoteRun(request_id=str(uuid.uuid4()), started=_future())
        self._runs[run.request_id] = run
        return run

    def forget(self, run: RemoteRun) -> None:
        self._runs.pop(run.request_id, None)
        if run.run_id:
            self._runs_by_id.pop(run.run_id, None)

    def on_frame(self, frame: Any) -> bool:
        """Resolve a run from ``run_started`` / ``run_rejected`` / ``run_complete``; False for other frames."""
        if isinstance(frame, protocol.RunStarted):
            run = self._runs.get(frame.request_id)
            if run is not None and not run.started.done():
                ctx = frame.run_context.model_dump(exclude_none=True)
                run.run_id = ctx.get("run_id")
                if run.run_id:
                    self._runs_by_id[run.run_id] = run
                run.started.set_result(ctx)
        elif isinstance(frame, protocol.RunRejected):
            run = self._runs.pop(frame.request_id, None)
            if run is not None and not run.started.done():
                err = frame.error
                run.started.set_exception(ToolError(
                    _error_type(err.type if err else None),
                    (err.message if err else "") or "the backend rejected the run",
                ))
        elif isinstance(frame, protocol.RunComplete):
            run_id = frame.run_context.run_id if frame.run_context else None
            run = self._runs_by_id.pop(run_id, None) if run_id else None
            if run is not None:
                self._runs.pop(run.request_id, None)
                if not run.completed.done():
                    run.completed.set_result(frame.model_dump())
            else:
                log.info("bridge.run_complete.unknown run_id=%s", run_id)
        else:
            return False
        return True


def _error_type(value: str | None) -> ErrorType:
    try:
        return ErrorType(value or "internal")
    except ValueError:
        return ErrorType.INTERNAL
