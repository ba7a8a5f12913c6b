"""What one dial needs besides the connection itself: the backoff, a no-redirect ``connect``, messages.

``Backoff`` draws the full-jitter delays between attempts; ``NoRedirects``
is websockets' ``connect`` with redirects refused (a 3xx is raised as
``InvalidStatus`` so the client can report it); the ``describe`` helpers turn
exceptions, header values and close codes into short texts for the state
detail. Pure functions and small objects: used on the client's asyncio loop.
"""

from __future__ import annotations

import random

from websockets.asyncio.client import ClientConnection, connect


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
