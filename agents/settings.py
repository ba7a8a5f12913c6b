"""The workspace settings' keys, in one place, and the pause flags read through them.

Every module that reads or writes a setting names it with a constant from here instead of a bare
string. The pause state (scheduler and bridge) is stored only under ``SCHEDULE_PAUSED`` and
``BRIDGE_PAUSED``; the companion keeps the live state and the window asks the companion.
Async helpers run on the store's loop.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the keys import nothing heavy: the CLI and the bridge's URL check name them
    from agents.store import Store

BACKEND_URL = "backend_url"
DEVICE_NAME = "device_name"
SCHEDULE_PAUSED = "schedule_paused"
BRIDGE_PAUSED = "bridge_paused"
LLM_PROVIDER = "llm_provider"
LLM_BASE_URL = "llm_base_url"
LLM_MODEL = "llm_model"
LLM_TEMPERATURE = "llm_temperature"


async def is_schedule_paused(store: Store) -> bool:
    return bool(await store.get_setting(SCHEDULE_PAUSED, False))


async def is_bridge_paused(store: Store) -> bool:
    return bool(await store.get_setting(BRIDGE_PAUSED, False))
