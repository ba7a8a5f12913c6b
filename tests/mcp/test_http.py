"""``mcp --http``: Streamable HTTP on loopback only, Host/Origin checked against DNS rebinding."""

from __future__ import annotations

import subprocess
import sys

import httpx
import pytest

from bridge.mcp_door.http import NotLoopback, parse_listen
from tests.mcp.conftest import REPO, door_env, http_door

INIT = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                   "clientInfo": {"name": "pytest-http", "version": "1"}}}
HEADERS = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}


@pytest.mark.parametrize("spec, expected", [("0", ("127.0.0.1", 0)), ("localhost:8123", ("127.0.0.1", 8123)),
                                            ("[::1]:0", ("::1", 0)), ("127.0.0.2:9", ("127.0.0.2", 9))])
def test_parse_listen_accepts_loopback(spec, expected):
    """Loopback hosts (and a bare port) are accepted."""
    assert parse_listen(spec) == expected


@pytest.mark.parametrize("spec", ["0.0.0.0:0", "192.168.1.10:80", "example.com:80", "[::]:0"])
def test_parse_listen_refuses_other_hosts(spec):
    """Any non-loopback host is refused."""
    with pytest.raises(NotLoopback):
        parse_listen(spec)


def test_cli_refuses_non_loopback_host(tmp_path):
    """``mcp --http 0.0.0.0:0`` exits 2 with a message and serves nothing."""
    done = subprocess.run([sys.executable, "-m", "desktop.cli", "mcp", "--http", "0.0.0.0:0",
                           "--data-dir", str(tmp_path)], capture_output=True, text=True, env=door_env(),
                          cwd=str(REPO), timeout=60)
    assert done.returncode == 2 and "loopback" in done.stderr


async def test_http_serves_tools_and_refuses_rebinding(workspace):
    """Port 0 prints the bound URL; a foreign Host or Origin is refused; the SDK client lists and calls tools."""
    from mcp import ClientSession
    from mcp.client.streamable_http import streamable_http_client

    with http_door(workspace["data"]) as url:
        async with httpx.AsyncClient(timeout=10) as http:
            evil_host = await http.post(url, json=INIT, headers={**HEADERS, "Host": "evil.example:80"})
            assert evil_host.status_code == 421
            evil_origin = await http.post(url, json=INIT, headers={**HEADERS, "Origin": "http://evil.example"})
            assert evil_origin.status_code == 403
            good = await http.post(url, json=INIT, headers={**HEADERS, "Origin": url.rsplit("/", 1)[0]})
            assert good.status_code == 200
        async with streamable_http_client(url) as (read, write, _), ClientSession(read, write) as s:
            await s.initialize()
            assert len((await s.list_tools()).tools) > 10
            read_back = await s.call_tool("read_file_content", {"path": str(workspace["files"] / "a.txt")})
            assert read_back.structuredContent["content"] == "hello from a\n"
