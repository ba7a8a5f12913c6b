"""Trying a backend URL and the words for a machine without a keyring (for the Connection view).

``test_connection(companion, url=...)``: the saved URL is redialled by the
bridge (the outcome is the first state after a fresh ``connecting``); another
URL is dialled once by ``probe`` with the device token, then closed without
a hello (so a live session is never replaced). Failures come back as plain
sentences (``desktop.ui.words.connection_error``). ``keyring_guidance()``
says what to install, or how to run with ``ADIUVA_DEVICE_TOKEN``. No widgets;
coroutines run on the GUI thread's loop, keyring reads in a worker thread.
"""

from __future__ import annotations

import asyncio
import sys
from typing import TYPE_CHECKING

from agents.errors import ConfigError
from agents.events import ConnectionDidChange, Event
from bridge import credentials
from bridge.endpoint import State, validate_backend_url
from desktop.ui.status import CONNECTION_TEXT
from desktop.ui.words import connection_error, sentence, where

if TYPE_CHECKING:
    from desktop.companion import Companion


def keyring_guidance(platform: str | None = None) -> str:
    """What to do on a machine without a usable OS keyring (shown on the sign-in page)."""
    platform = platform or sys.platform
    if platform.startswith("linux"):
        install = ("Install and unlock a Secret Service keyring: GNOME Keyring (package gnome-keyring) "
                   "or KWallet, then sign in again.")
    elif platform == "darwin":
        install = "Unlock the login keychain in Keychain Access, then sign in again."
    else:
        install = "Make sure Windows Credential Manager is available, then sign in again."
    return (f"No OS keyring is available, so the device token cannot be stored. {install} "
            f"Or run the service without a window and pass the token in its environment: "
            f"{credentials.TOKEN_ENV}=… adiuva-companion --headless")


async def test_connection(companion: Companion, timeout: float = 10.0, *,
                          url: str | None = None) -> tuple[bool, str]:
    """Try ``url`` (default: the saved backend URL) now; ``(ok, a sentence)``.

    The saved URL: the bridge dials again and the outcome is the first state
    after a fresh ``connecting`` (the close of the session being replaced does
    not count; when the client does not dial at all its reason is returned at
    once). Another URL: ``probe`` dials it once.
    """
    saved = await companion.backend_url()
    if url is not None and url.strip():
        try:
            url = validate_backend_url(url)
        except ConfigError as exc:
            return False, sentence(exc.message)
        if url != saved:
            return await probe(url, companion, timeout)
    url = saved
    if not url:
        return False, "Type the backend's URL first."
    loop = asyncio.get_running_loop()
    outcome: asyncio.Future[tuple[str, str | None]] = loop.create_future()
    dialled = False

    def listen(event: Event) -> None:
        nonlocal dialled
        if not isinstance(event, ConnectionDidChange) or outcome.done():
            return
        state = event.state
        if state == State.CONNECTING.value:
            dialled = True
        elif dialled or state in (State.DISABLED.value, State.UNAUTHORIZED.value):
            outcome.set_result((state, event.detail))

    unsubscribe = companion.events.subscribe(listen)
    try:
        companion.reconnect(url=None if companion.has_bridge else url)  # the first dial creates the client
        end = loop.time() + timeout
        while not outcome.done():
            remaining = end - loop.time()
            if remaining <= 0:
                return False, connection_error(TimeoutError(), url, timeout)
            await asyncio.wait({outcome}, timeout=min(0.5, remaining))
            current, detail = companion.connection_state()
            if not outcome.done() and not dialled and current == State.DISABLED.value:
                return False, sentence(detail or "Not signed in: paste the device token below")
        state, detail = outcome.result()
    finally:
        unsubscribe()
    if state == State.CONNECTED.value:
        return True, f"Connected to {url}."
    if state == State.UNAUTHORIZED.value:
        return False, connection_error("HTTP 401", url, timeout)
    if detail:
        return False, connection_error(detail, url, timeout)
    return False, CONNECTION_TEXT.get(state, state)


async def probe(url: str, companion: Companion | None = None, timeout: float = 10.0) -> tuple[bool, str]:
    """Open one connection to ``url`` with the device token, then close it (no hello is sent)."""
    from websockets.asyncio.client import connect

    from bridge import protocol

    token = None
    provider = getattr(companion, "_token_provider", None) if companion is not None else credentials.get_token
    if provider is not None:
        try:
            token = await asyncio.to_thread(provider)
        except Exception:  # no keyring: dial without a token; the backend's answer says the rest
            token = None
    headers = {"Authorization": f"Bearer {token.get_secret_value()}"} if token is not None else {}
    try:
        async with asyncio.timeout(timeout + 2):
            async with connect(url, additional_headers=headers, subprotocols=[protocol.SUBPROTOCOL],
                               open_timeout=timeout, close_timeout=2, max_size=2**16) as ws:
                chosen = ws.subprotocol
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        status = getattr(getattr(exc, "response", None), "status_code", None)
        if token is None and status in (401, 403):
            return False, f"The backend at {where(url)} answered; sign in below to connect."
        return False, connection_error(exc, url, timeout)
    if chosen != protocol.SUBPROTOCOL:
        return False, (f"Something answers at {where(url)}, but it is not an Adiuva backend "
                       f"(it does not speak {protocol.SUBPROTOCOL}).")
    return True, f"Connected to {url}."
