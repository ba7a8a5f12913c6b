"""What one dial needs besides the connection itself: the backoff, a no-redirect ``connect``, messages.

``Backoff`` draws the full-jitter delays between attempts; ``NoRedirects``
is websockets' ``connect`` with redirects refused (a 3xx is raised as
``InvalidStatus`` so the client can report it); the ``describe`` helpers turn
exceptions, header values and close codes into short texts for the state
detail; ``classify_failure`` sorts what a dial raised into ``Fatal`` (wait for
the user: a rejected token, a redirect, a bad URL or proxy, a server that does
not speak the protocol) and ``Transient`` (redial after the backoff). Pure
functions and small objects: used on the client's asyncio loop.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import (
    ConnectionClosed,
    InvalidHandshake,
    InvalidHeader,
    InvalidProxy,
    InvalidStatus,
    InvalidURI,
    NegotiationError,
)

from bridge.endpoint import State
from bridge.protocol import SUBPROTOCOL


@dataclass(frozen=True, slots=True)
class Fatal:
    """Stop dialling until the user acts (``reconnect()``); ``state`` says why."""

    state: State
    detail: str


@dataclass(frozen=True, slots=True)
class Transient:
    """Redial after the backoff; ``unexpected`` when the exception is not a network or handshake failure."""

    detail: str
    unexpected: bool = False


def classify_failure(exc: BaseException) -> Fatal | Transient:
    """What a failed dial (or a session that ended by an exception) means for the connect loop."""
    if isinstance(exc, InvalidStatus):
        status = exc.response.status_code
        if 300 <= status < 400:
            where = printable(exc.response.headers.get("Location", "")) or "nowhere (no Location)"
            return Fatal(State.MISCONFIGURED, (
                f"the backend answered HTTP {status} redirecting to {where}; redirects are not followed:"
                " if that address is right, set it as the backend URL"))
        if status in (401, 403):
            return Fatal(State.UNAUTHORIZED, f"the backend rejected the device token (HTTP {status}); sign in again")
        return Transient(f"the backend answered HTTP {status}")
    if isinstance(exc, InvalidURI):
        return Fatal(State.DISABLED, f"invalid backend URL: {exc}")
    if isinstance(exc, InvalidProxy):  # its text quotes the proxy URL, which may hold a password
        return Fatal(State.MISCONFIGURED, f"the proxy setting (HTTPS_PROXY or the OS settings) is not valid: {exc.msg}")
    if isinstance(exc, NegotiationError):
        return Fatal(State.MISCONFIGURED, (
            f"the server's handshake does not fit this device ({describe(exc)}); it must select the"
            f" {SUBPROTOCOL} subprotocol: check the backend URL"))
    if isinstance(exc, InvalidHeader):  # its text may quote a header we sent: say which header only
        return Transient(f"cannot reach the backend: bad {exc.name} header in the handshake")
    if isinstance(exc, OSError | TimeoutError | InvalidHandshake | ConnectionClosed):
        return Transient(f"cannot reach the backend: {describe(exc)}")
    return Transient(f"connection failed: {describe(exc)}", unexpected=True)


class Backoff:
    """Full-jitter exponential backoff, ``base`` to ``cap`` seconds."""

    def __init__(self, *, base: float = 1.0, cap: float = 60.0, rng: random.Random | None = None):
        self.base, self.cap = base, cap
        self.attempt = 0
        self._rng = rng or random.Random()

    def next_delay(self) -> float:
        ceiling = min(self.cap, self.base * (2 ** self.attempt))
        self.attempt = min(self.attempt + 1, 30)
        return self._rng.uniform(0, ceiling)

    def reset(self) -> None:
        self.attempt = 0


class NoRedirects(connect):
    """``connect`` that never follows a redirect: the hello, the roots and the token stay with the URL given."""

    def process_redirect(self, exc: Exception) -> Exception | str:
        return exc


def describe(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) < 200 else text[:200] + "…"


def printable(text: str, limit: int = 200) -> str:
    """A header value fit for a message: control characters dropped, at most ``limit`` characters."""
    text = "".join(ch for ch in text if ch.isprintable())
    return text if len(text) <= limit else text[:limit] + "…"


def close_reason(ws: ClientConnection) -> str:
    code = ws.close_code
    if code is None or code == 1006:
        return "connection lost"
    return f"code {code}" + (f" ({ws.close_reason})" if ws.close_reason else "")
