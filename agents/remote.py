"""The ``backend`` engine: ask the backend to run the agent and follow the run.

The engine sends ``run_request`` through a ``RunRequester`` (the bridge's
``DeviceClient``, injected by the companion so ``agents`` never imports
``bridge``), waits up to 30 s for ``run_started`` (a request nobody answers
ends as ``error`` saying so), then for ``run_complete``. The backend's tool
calls arrive meanwhile through the dispatcher with the run's ``run_context``,
so they land in the journal under the backend's run id, which is linked to
the local run row; created/updated counts come from there.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from agents.errors import ToolError
from agents.runner import RunCancelled, RunContext, RunFailed

RUN_REQUEST_TIMEOUT = 30.0
RUN_TIMEOUT = 4 * 3600.0


class RemoteRunHandle(Protocol):
    started: asyncio.Future[dict[str, Any]]
    completed: asyncio.Future[dict[str, Any]]


class RunRequester(Protocol):
    async def wait_connected(self, timeout: float) -> bool: ...

    async def request_run(self, agent: dict[str, Any], trigger: str) -> Any: ...

    async def cancel_run(self, run: Any) -> None: ...


class BackendEngine:
    name = "backend"

    def __init__(
        self,
        *,
        requester: Callable[[], RunRequester | None],
        link_remote_run: Callable[[str, str], Awaitable[dict[str, int]]],
        request_timeout: float = RUN_REQUEST_TIMEOUT,
        run_timeout: float = RUN_TIMEOUT,
    ):
        self._requester = requester
        self._link = link_remote_run
        self.request_timeout = request_timeout
        self.run_timeout = run_timeout

    async def run(self, ctx: RunContext) -> None:
        requester = self._requester()
        if requester is None:
            raise RunFailed("the backend engine needs a backend connection; set a backend URL and sign in")
        trigger = ctx.trigger if ctx.trigger in ("schedule", "manual", "catch_up") else "manual"
        if not await requester.wait_connected(self.request_timeout):
            raise RunFailed(
                f"the companion could not reach the backend within {self.request_timeout:g} s; "
                "check the connection settings"
            )
        try:
            handle = await requester.request_run(ctx.agent.summary(), trigger)
        except ToolError as err:
            raise RunFailed(f"cannot ask the backend for a run: {err.message}") from None
        try:
            try:
                started = await asyncio.wait_for(asyncio.shield(handle.started), self.request_timeout)
            except TimeoutError:
                raise RunFailed(
                    f"the backend did not answer the run request within {self.request_timeout:g} s"
                ) from None
            except ToolError as err:
                raise RunFailed(f"the backend rejected the run ({err.type}): {err.message}") from None
            remote_id = str(started.get("run_id") or "")
            ctx.progress(phase="remote", remote_run_id=remote_id)
            try:
                done = await asyncio.wait_for(asyncio.shield(handle.completed), self.run_timeout)
            except TimeoutError:
                raise RunFailed(f"the backend run did not complete within {self.run_timeout / 3600:g} h") from None
        except asyncio.CancelledError:
            await requester.cancel_run(handle)
            raise
        counts = await self._link(ctx.run_id, remote_id) if remote_id else {"created": 0, "updated": 0}
        ctx.stats.created += counts.get("created", 0)
        ctx.stats.updated += counts.get("updated", 0)
        ctx.stats.processed += int(done.get("items_processed") or 0)
        ctx.stats.summary = str(done.get("summary") or "")
        errors = [str(e) for e in done.get("errors") or []]
        status = done.get("status")
        if status == "cancelled":
            raise RunCancelled("the backend cancelled the run")
        if status == "error":
            raise RunFailed("; ".join(errors) or ctx.stats.summary or "the backend reported an error")
        if status == "partial" and not errors:
            errors = ["the backend reported a partial run"]
        ctx.stats.errors.extend(errors)
        if status == "partial" and ctx.stats.processed == 0:
            ctx.stats.processed = 1  # partial means something was done
