"""The companion's control-socket commands: ``run``, ``agent_save``, ``agent_remove``.

``ControlCommands`` is a mixin of ``desktop.companion.Companion``: its
handlers answer ``desktop.control.ControlServer`` requests (a CLI talking to
the running app) through the companion's own facade (``start_run``,
``save_agent``, ``remove_agent``), so the change reaches the scheduler, the
hello and the window at once. Runs on the companion's asyncio loop (qasync's
in the GUI). Errors are app errors (``AgentNotFound``, ``AgentBusy``, ``ConfigError``), which
``ControlServer`` answers with their wire types; a malformed request is a ``ToolError`` (the wire's own).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from agents import config
from agents.errors import AgentBusy, AgentNotFound, ErrorType, ToolError

if TYPE_CHECKING:
    from agents.store import Store

Handler = Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]


class ControlCommands:
    """The control socket's handlers; the class using it provides ``store``, ``is_running``, ``start_run``,
    ``save_agent`` and ``remove_agent`` (``Companion`` does)."""

    store: Store

    def _control_handlers(self) -> dict[str, Handler]:
        """The command name → handler map ``ControlServer`` serves."""
        return {"run": self._control_run, "agent_save": self._control_save, "agent_remove": self._control_remove}

    async def _control_run(self, request: dict[str, Any]) -> dict[str, Any]:
        key = str(request.get("agent") or "")
        agent = await config.get_agent(self.store, key)
        if agent is None:
            raise AgentNotFound(key)
        if self.is_running(agent.id):
            raise AgentBusy(agent.name)
        self.start_run(agent.id, str(request.get("trigger") or "manual"))
        return {"ok": True, "agent_id": agent.id, "agent": agent.name, "started": True}

    async def _control_save(self, request: dict[str, Any]) -> dict[str, Any]:
        data = request.get("agent")
        if not isinstance(data, dict):
            raise ToolError(ErrorType.INVALID_ARGS, "agent must be an object")
        agent = await self.save_agent(data)
        return {"ok": True, "agent": agent.model_dump(mode="json")}

    async def _control_remove(self, request: dict[str, Any]) -> dict[str, Any]:
        key = str(request.get("agent") or "")
        agent = await config.get_agent(self.store, key)
        if agent is None:
            raise AgentNotFound(key)
        await self.remove_agent(agent.id)
        return {"ok": True, "removed": agent.id, "agent": agent.name}
