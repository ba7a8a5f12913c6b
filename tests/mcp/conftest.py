"""The MCP door's test helpers: a workspace with agents, and the official SDK client on a real subprocess."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from agents.store import Store
from tests.conftest import add_agent

REPO = Path(__file__).resolve().parents[2]


def door_env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO), "QT_QPA_PLATFORM": "offscreen"}


@contextlib.asynccontextmanager
async def door_session(data_dir: Path, *, client: str = "pytest-client", roots: list[Path] | None = None,
                       **kwargs: Any) -> AsyncIterator[Any]:
    """An initialized SDK ``ClientSession`` on ``adiuva-companion mcp`` (stdio, a real subprocess)."""
    from mcp import ClientSession, StdioServerParameters, types
    from mcp.client.stdio import stdio_client

    list_roots = kwargs.pop("list_roots_callback", None)
    if roots is not None:
        async def list_roots(_ctx: Any) -> types.ListRootsResult:
            return types.ListRootsResult(roots=[types.Root(uri=p.as_uri()) for p in roots])  # type: ignore[arg-type]

    params = StdioServerParameters(command=sys.executable,
                                   args=["-m", "desktop.cli", "mcp", "--data-dir", str(data_dir)],
                                   env=door_env(), cwd=str(REPO))
    async with stdio_client(params) as (read, write), ClientSession(
        read, write, client_info=types.Implementation(name=client, version="1.0"),
        list_roots_callback=list_roots, **kwargs,
    ) as session:
        await session.initialize()
        yield session


@pytest.fixture
async def workspace(tmp_path: Path) -> dict[str, Path]:
    """A data dir whose one agent may read ``files/`` (with a.txt); ``outside/`` holds a secret."""
    data = tmp_path / "data"
    files = tmp_path / "files"
    outside = tmp_path / "outside"
    for d in (data, files, outside, files / "sub"):
        d.mkdir()
    (files / "a.txt").write_text("hello from a\n")
    (files / "sub" / "b.txt").write_text("hello from b\n")
    (outside / "secret.txt").write_text("TOP SECRET\n")
    store = await Store.open(data / "workspace.sqlite3")
    try:
        await add_agent(store, "Notes", [files])
        await add_agent(store, "Other", [outside / "nothing"])
    finally:
        await store.close()
    return {"data": data, "files": files, "outside": outside, "db": data / "workspace.sqlite3"}


@contextlib.contextmanager
def http_door(data_dir: Path, listen: str = "127.0.0.1:0"):
    """``adiuva-companion mcp --http LISTEN`` as a real subprocess; yields its printed URL."""
    import subprocess

    proc = subprocess.Popen([sys.executable, "-m", "desktop.cli", "mcp", "--http", listen, "--data-dir", str(data_dir)],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=door_env(), cwd=str(REPO))
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        assert line.startswith("MCP door listening on "), f"no URL printed: {line!r} (exit {proc.poll()})"
        yield line.rsplit(" ", 1)[1].strip()
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
