"""The door's settings cache (agents.mcp_access.DoorSettingsCache): kept while nothing it depends on changes."""

from __future__ import annotations

import json

from agents import mcp_access, roots
from tests.conftest import add_agent


async def test_the_cache_is_kept_until_what_it_read_changes(store, tmp_path):
    """Unrelated writes keep the cached settings; each change that decides the door's folders is seen next call."""
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    cache = mcp_access.DoorSettingsCache()
    first = await mcp_access.door_settings(store, cache)
    assert first.folders == () and await mcp_access.door_settings(store, cache) is first

    agent = await add_agent(store, "A", [one])
    added = await mcp_access.door_settings(store, cache)
    assert added.folders == (str(one.resolve()),)

    await store.set_setting("ui.theme", "dark")  # not the door's
    await store.execute("UPDATE agents SET last_run_at = 'x' WHERE id = ?", (agent,))  # not its folders
    assert await mcp_access.door_settings(store, cache) is added

    await store.execute("UPDATE agents SET directory_paths = ? WHERE id = ?", (json.dumps([str(two)]), agent))
    moved = await mcp_access.door_settings(store, cache)
    assert moved.folders == (str(two),)

    await store.write(lambda db: roots.store_first_pins_sync(db, {str(two): roots.pin_folder(str(two))}))
    pinned = await mcp_access.door_settings(store, cache)
    assert set(pinned.pins) == {str(two)}

    await store.set_setting(mcp_access.MCP_DIRECT_WRITES_KEY, True)
    assert (await mcp_access.door_settings(store, cache)).direct is True
    await store.delete_setting(mcp_access.MCP_DIRECT_WRITES_KEY)
    assert (await mcp_access.door_settings(store, cache)).direct is False

    await store.set_setting(mcp_access.MCP_AGENTS_KEY, ["nobody"])
    assert (await mcp_access.door_settings(store, cache)).folders == ()

    await store.delete_setting(mcp_access.MCP_AGENTS_KEY)
    assert (await mcp_access.door_settings(store, cache)).folders == (str(two),)
    await store.execute("DELETE FROM agents WHERE id = ?", (agent,))
    assert (await mcp_access.door_settings(store, cache)).folders == ()
