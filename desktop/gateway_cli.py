"""``adiuva-companion gateway``: the reference backend gateway for local development."""

from __future__ import annotations

import asyncio
import secrets
import signal
import sys

from bridge.gateway import DeviceGateway
from bridge.scripted import scripted_run


async def serve_gateway(host: str, port: int, token: str | None) -> int:
    """Serve until SIGINT/SIGTERM. Prints the URL and the token devices must use."""
    token = token or secrets.token_urlsafe(24)
    gateway = DeviceGateway(tokens={token: "local"}, run_handler=scripted_run)
    try:
        await gateway.start(host, port)
    except OSError as exc:
        print(f"error: cannot listen on {host}:{port}: {exc}", file=sys.stderr)
        return 1
    print(f"Reference gateway listening on {gateway.url}", flush=True)
    print(f"Device token: {token}", flush=True)
    print("Point a companion at it:\n"
          f"  ADIUVA_DEVICE_TOKEN=<token> adiuva-companion --headless --backend-url {gateway.url}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except NotImplementedError:  # pragma: no cover - Windows
            pass
    await stop.wait()
    await gateway.stop()
    return 0
