"""The control socket answers app errors (no such agent, busy, a bad field) with the same typed errors."""

from __future__ import annotations

import asyncio
from pathlib import Path

from agents.rules import RulesEngine
from desktop import control
from desktop.companion import Companion


class _Held(RulesEngine):
    """The rules engine, held at its start until the test releases it."""

    def __init__(self) -> None:
        super().__init__()
        self.started, self.release = asyncio.Event(), asyncio.Event()

    async def run(self, ctx) -> None:
        self.started.set()
        await self.release.wait()
        await super().run(ctx)


async def test_control_answers_not_found_busy_and_field_errors(tmp_path: Path):
    """run of an unknown agent is not_found, of a running one busy (retryable); a bad agent names its field."""
    held = _Held()
    folder = tmp_path / "notes"
    folder.mkdir()
    c = Companion(data_dir=tmp_path / "d", token_provider=lambda: None, scheduler=False, extra_engines={"rules": held})
    await c.start()
    try:
        agent = await c.save_agent({"name": "Notes", "directory_paths": [str(folder)]})
        unknown = await control.request(c.data_dir, {"cmd": "run", "agent": "Nobody"})
        assert unknown == {"ok": False, "error": {"type": "not_found", "message": "no agent named 'Nobody'",
                                                  "retryable": False}}
        first = await control.request(c.data_dir, {"cmd": "run", "agent": "Notes"})
        assert first is not None and first["ok"] and first["agent_id"] == agent.id
        await asyncio.wait_for(held.started.wait(), 10)
        busy = await control.request(c.data_dir, {"cmd": "run", "agent": "Notes"})
        assert busy == {"ok": False, "error": {"type": "busy", "message": "Notes is already running",
                                               "retryable": True}}
        bad = await control.request(c.data_dir, {"cmd": "agent_save", "agent": {"name": "X", "directory_paths": []}})
        assert bad is not None and not bad["ok"] and bad["error"]["type"] == "invalid_args"
        assert bad["error"]["details"]["field"] == "directory_paths"
        gone = await control.request(c.data_dir, {"cmd": "agent_remove", "agent": "Nobody"})
        assert gone is not None and gone["error"]["type"] == "not_found"
        held.release.set()
    finally:
        held.release.set()
        await c.stop()
