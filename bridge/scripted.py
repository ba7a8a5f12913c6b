"""A scripted backend run for the reference gateway: the two phases, no model.

It follows the reference runner's order (triage: list the folders, check the
projects; processing: read each file, update first, then create) by running
the rules engine's logic with every tool call sent over the wire to the
device. ``make demo`` and the end-to-end tests use it as the backend.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from agents.rules import run_rules
from agents.runner import RunStats
from agents.store import parse_iso

if TYPE_CHECKING:
    from bridge import protocol
    from bridge.gateway import DeviceGateway, RunOutcome


async def scripted_run(
    gateway: DeviceGateway, user_id: str, request: protocol.RunRequest, run_context: dict[str, Any]
) -> RunOutcome:
    """Drive one run of ``request.agent`` on the device through tool calls."""
    from bridge.gateway import RunOutcome

    async def call(name: str, args: dict[str, Any]) -> dict[str, Any]:
        return await gateway.call(name, args, run_context=run_context, user_id=user_id)

    agent = request.agent.model_dump()
    stats = RunStats()
    await run_rules(
        call, agent=agent, since=parse_iso(agent.get("last_run_at")), reference_date=date.today(), stats=stats,
    )
    return RunOutcome(
        status=stats.status(), summary=stats.summary, errors=stats.errors, items_processed=stats.processed
    )
