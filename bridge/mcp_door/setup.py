"""How apps start the door: the command line, the config snippets, and a start-up probe (Qt-free).

``door_command()`` is the executable and arguments an MCP client should
spawn (the frozen app, the installed ``adiuva-companion`` script, or this
Python with ``-m desktop.cli``). ``snippet(app)`` is the JSON for Claude
Desktop, VS Code or Cursor. ``probe(data_dir)`` spawns the door over stdio
with the SDK client, initializes and lists the tools under a timeout (for
``doctor``); it runs on the caller's asyncio loop.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sys
from pathlib import Path

SERVER_NAME = "adiuva"
APPS = ("claude", "vscode", "cursor")


def door_command(data_dir: Path | None = None) -> list[str]:
    if getattr(sys, "frozen", False):
        cmd = [sys.executable, "mcp"]
    else:
        script = Path(sys.executable).with_name("adiuva-companion" + (".exe" if os.name == "nt" else ""))
        found = str(script) if script.exists() else shutil.which("adiuva-companion")
        cmd = [found, "mcp"] if found else [sys.executable, "-m", "desktop.cli", "mcp"]
    if data_dir is not None:
        cmd += ["--data-dir", str(data_dir)]
    return cmd


def snippet(app: str, data_dir: Path | None = None) -> str:
    """The config JSON for ``app`` (``claude``: claude_desktop_config.json, ``vscode``: .vscode/mcp.json,
    ``cursor``: ~/.cursor/mcp.json)."""
    command, *args = door_command(data_dir)
    entry: dict[str, object] = {"command": command, "args": args}
    if app == "vscode":
        return json.dumps({"servers": {SERVER_NAME: {"type": "stdio", **entry}}}, indent=2)
    return json.dumps({"mcpServers": {SERVER_NAME: entry}}, indent=2)


async def probe(data_dir: Path, *, timeout: float = 20.0) -> tuple[bool, str]:
    """(started, what happened): spawn the door over stdio, initialize, list tools."""
    from mcp import ClientSession, StdioServerParameters
    from mcp.client.stdio import stdio_client

    command, *args = door_command(data_dir)
    params = StdioServerParameters(command=command, args=args, env=dict(os.environ))
    try:
        with open(os.devnull, "w") as quiet:  # noqa: ASYNC230 (devnull does not block; the door's log is not doctor's output)
            async with asyncio.timeout(timeout):
                async with stdio_client(params, errlog=quiet) as (read, write), ClientSession(read, write) as session:
                    await session.initialize()
                    tools = (await session.list_tools()).tools
        return True, f"{len(tools)} tools"
    except TimeoutError:
        return False, f"no answer within {timeout:g} s"
    except Exception as exc:  # anything: doctor reports it and goes on
        return False, f"{type(exc).__name__}: {exc}"
