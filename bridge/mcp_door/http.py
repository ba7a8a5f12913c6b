"""The MCP door over Streamable HTTP, on loopback only (its own asyncio loop, under uvicorn).

``parse_listen("[HOST:]PORT")`` refuses any host that is not loopback. The
endpoint is ``/mcp``, served by the SDK's ``StreamableHTTPSessionManager``
with its DNS-rebinding protection on: the Host header must name a loopback
host (any port, so port 0 works) and a browser Origin must be a loopback
origin, else 421/403 before anything runs. The socket is bound before
serving, so with port 0 the bound URL is known and printed (stdout and
stderr) for whoever started the process.
"""

from __future__ import annotations

import ipaddress
import socket
import sys
from pathlib import Path
from typing import Any

from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.server.transport_security import TransportSecuritySettings

from agents.errors import AdiuvaError
from bridge.mcp_door.server import open_door

PATH = "/mcp"
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")


class NotLoopback(AdiuvaError, ValueError):
    """The listen address is not a loopback address."""


def parse_listen(spec: str) -> tuple[str, int]:
    """``PORT``, ``HOST:PORT`` or ``[::1]:PORT`` → (host, port); only loopback hosts are accepted."""
    spec = spec.strip()
    host, port_text = "127.0.0.1", spec
    if spec.startswith("["):
        end = spec.find("]")
        if end < 0 or spec[end + 1:end + 2] != ":":
            raise ValueError(f"cannot read {spec!r}; use [::1]:PORT")
        host, port_text = spec[1:end], spec[end + 2:]
    elif ":" in spec:
        host, _, port_text = spec.rpartition(":")
    try:
        port = int(port_text)
    except ValueError:
        raise ValueError(f"{port_text!r} is not a port number") from None
    if not 0 <= port <= 65535:
        raise ValueError(f"port {port} is out of range")
    if host == "localhost":
        host = "127.0.0.1"
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise NotLoopback(f"{host} is not a loopback address; the MCP door listens on 127.0.0.1 or ::1 only")
    return host, port


def security() -> TransportSecuritySettings:
    return TransportSecuritySettings(
        enable_dns_rebinding_protection=True,
        allowed_hosts=[f"{h}:*" for h in LOOPBACK_NAMES] + list(LOOPBACK_NAMES),
        allowed_origins=[f"http://{h}:*" for h in LOOPBACK_NAMES] + [f"http://{h}" for h in LOOPBACK_NAMES],
    )


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.setblocking(False)
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}{PATH}"


async def serve_http(data_dir: Path, host: str, port: int) -> None:
    """Serve Streamable HTTP on ``host:port`` (loopback) until cancelled or interrupted."""
    import uvicorn
    from starlette.responses import PlainTextResponse

    sock = bind(host, port)
    async with open_door(data_dir) as door:
        manager = StreamableHTTPSessionManager(door.server, security_settings=security())

        async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
            if scope["type"] == "http" and scope["path"].rstrip("/") == PATH:
                await manager.handle_request(scope, receive, send)
            elif scope["type"] == "http":
                await PlainTextResponse(f"not found; the MCP endpoint is {PATH}", status_code=404)(
                    scope, receive, send)

        config = uvicorn.Config(app, lifespan="off", log_level="warning", access_log=False)
        server = uvicorn.Server(config)
        url = url_of(sock)
        print(f"MCP door listening on {url}", flush=True)
        print(f"MCP door listening on {url}", file=sys.stderr, flush=True)
        async with manager.run():
            await server.serve(sockets=[sock])
