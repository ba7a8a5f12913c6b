"""The backend's address and the connection states, without the websocket stack.

``validate_backend_url`` and ``State`` are what the settings, the CLI and the
UI need before (or without) a connection; ``bridge.client`` (websockets, the
protocol models) is imported only once there is something to dial. Both names
are also importable from ``bridge.client``. ``proxy_for`` says which proxy a
dial would use (websockets is imported only when it is called).
"""

from __future__ import annotations

import ipaddress
from enum import StrEnum
from urllib.parse import urlsplit

from agents.errors import ConfigError
from agents.settings import BACKEND_URL


class State(StrEnum):
    DISABLED = "disabled"          # no backend URL or no token: nothing to dial
    CONNECTING = "connecting"
    CONNECTED = "connected"
    OFFLINE = "offline"            # between attempts
    UNAUTHORIZED = "unauthorized"  # the token was rejected: sign in again
    CLOSED_BY_SERVER = "closed_by_server"  # a 4xxx close: the backend does not want this device now
    MISCONFIGURED = "misconfigured"  # a redirect or no adiuva subprotocol: check the URL; no redial until asked
    STOPPED = "stopped"


NO_URL = "no backend URL is configured"


def validate_backend_url(url: str) -> str:
    """``wss://`` for any host; ``ws://`` only for loopback. Raises ``ConfigError('backend_url', ...)``."""
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("ws", "wss") or not parts.hostname:
        raise ConfigError(BACKEND_URL, f"{url!r} is not a ws:// or wss:// URL with a host")
    if parts.scheme == "ws" and not _is_loopback(parts.hostname):
        raise ConfigError(
            BACKEND_URL,
            f"{parts.hostname} is not a loopback host, so the connection must use wss:// (TLS), not ws://",
        )
    if parts.username or parts.password or parts.query:
        raise ConfigError(BACKEND_URL, "the URL must not carry credentials or a query string")
    return url


def proxy_for(url: str) -> str | None:
    """The proxy a connection to ``url`` goes through, or None (direct).

    websockets' own choice (``proxy=True``: ``wss_proxy``/``HTTPS_PROXY``,
    SOCKS, or the OS settings, with ``NO_PROXY`` respected), except that a
    loopback backend is always dialled directly.
    """
    host = urlsplit(url).hostname or ""
    if _is_loopback(host):
        return None
    from websockets.proxy import get_proxy
    from websockets.uri import parse_uri

    return get_proxy(parse_uri(url))


def describe_proxy(proxy: str) -> str:
    """``scheme://host:port`` of a proxy URL, without any user or password in it."""
    parts = urlsplit(proxy)
    host = parts.hostname or "?"
    return f"{parts.scheme}://{host}" + (f":{parts.port}" if parts.port else "")


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
