"""Words for people: plurals, local times with their zone, and plain connection errors.

No Qt here (the CLI uses it too); plain functions, safe on any thread.

* ``plural(n, "suggestion")`` → ``"1 suggestion"``, ``"2 suggestions"``;
  ``waits(n, "suggestion")`` → ``"1 suggestion waits"``, ``"2 suggestions wait"``.
* ``local_time(moment)`` → ``"2026-11-30 19:05 CET"``: a stored UTC instant in
  the machine's zone, with the zone's name (the CLI prints these).
* ``connection_error(exc_or_text, url, timeout)`` → one sentence naming the
  host and port: refused, no answer within N s, a certificate not valid for
  the host, a name that cannot be found, a rejected token. It reads both an
  exception from a dial and the bridge client's own detail text.
"""

from __future__ import annotations

import re
import socket
import ssl
from datetime import UTC, datetime
from urllib.parse import urlsplit


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """``"1 file"``, ``"0 files"``, ``"2 files"`` (``plural_form`` for irregular nouns)."""
    word = singular if count == 1 else (plural_form or _plural_noun(singular))
    return f"{count} {word}"


def _plural_noun(word: str) -> str:
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and word[-2:-1] not in ("a", "e", "i", "o", "u"):
        return word[:-1] + "ies"
    return word + "s"


def waits(count: int, singular: str) -> str:
    """``"1 suggestion waits"``, ``"3 suggestions wait"``: the verb agrees with the count."""
    return f"{plural(count, singular)} {'waits' if count == 1 else 'wait'}"


def sentence(text: str) -> str:
    """``"the minute field is wrong"`` → ``"The minute field is wrong."``."""
    text = text.strip()
    if not text:
        return text
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?", ")", "…")) else text + "."


def local_time(moment: datetime | str | None, *, seconds: bool = False) -> str:
    """``"2026-11-30 19:05 CET"``: an instant (aware, naive UTC, or ISO text) in local time with its zone."""
    if moment is None or moment == "":
        return "—"
    if isinstance(moment, str):
        from agents.store import parse_iso

        parsed = parse_iso(moment)
        if parsed is None:
            return moment
        moment = parsed
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone()
    zone = local.tzname() or local.strftime("%z")
    return local.strftime("%Y-%m-%d %H:%M" + (":%S" if seconds else "")) + f" {zone}"


# ── connection errors ─────────────────────────────────────────────────────
def where(url: str) -> str:
    """``"127.0.0.1:18765"`` for a websocket URL (the default port filled in)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or url
        port = parts.port or (443 if parts.scheme == "wss" else 80)
    except ValueError:
        return url
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _host(url: str) -> str:
    try:
        return urlsplit(url).hostname or url
    except ValueError:
        return url


_REFUSED = re.compile(r"refused|Connect call failed|Errno 111|WinError 1225|Errno 61", re.I)
_NO_NAME = re.compile(r"Name or service not known|nodename nor servname|getaddrinfo failed|"
                      r"Temporary failure in name resolution|No address associated|Errno -[235]", re.I)
_CERT = re.compile(r"CERTIFICATE_VERIFY_FAILED|certificate verify failed|Hostname mismatch|"
                   r"certificate is not valid", re.I)
_TIMEOUT = re.compile(r"timed out|TimeoutError|timeout", re.I)
_HTTP = re.compile(r"HTTP (\d{3})")
_UNREACHABLE = re.compile(r"Network is unreachable|No route to host|Errno 10[13]", re.I)


def connection_error(error: BaseException | str | None, url: str, timeout: float = 10.0) -> str:
    """One plain sentence for a failed dial to ``url`` (an exception or the bridge's detail text)."""
    at = f"The backend at {where(url)}"
    host = _host(url)
    if isinstance(error, BaseException):
        found = _from_exception(error, at, host, timeout)
        if found:
            return found
        text = f"{type(error).__name__}: {error}"
    else:
        text = error or ""
    if _CERT.search(text):
        reason = text.split("certificate verify failed:", 1)[-1].strip(" )") if "verify failed:" in text else ""
        return f"{at}'s certificate is not valid for {host}" + (f" ({reason})." if reason else ".")
    if _NO_NAME.search(text):
        return f"The name {host} could not be found: check the URL and your network."
    if _REFUSED.search(text):
        return f"{at} refused the connection: is it running, and is the port right?"
    if _UNREACHABLE.search(text):
        return f"{at} cannot be reached from this network."
    http = _HTTP.search(text)
    if http:
        return _http_sentence(int(http.group(1)), at)
    if _TIMEOUT.search(text):
        return f"{at} did not answer within {timeout:.0f} s."
    if "connection lost" in text or "disconnected" in text:
        return f"{at} dropped the connection."
    return f"{at} could not be reached" + (f" ({_strip_prefix(text)})." if text else ".")


def _from_exception(exc: BaseException, at: str, host: str, timeout: float) -> str | None:
    from websockets.exceptions import InvalidStatus, InvalidURI

    if isinstance(exc, ssl.SSLCertVerificationError):
        reason = getattr(exc, "verify_message", "") or ""
        return f"{at}'s certificate is not valid for {host}" + (f" ({reason})." if reason else ".")
    if isinstance(exc, socket.gaierror):
        return f"The name {host} could not be found: check the URL and your network."
    if isinstance(exc, ConnectionRefusedError):
        return f"{at} refused the connection: is it running, and is the port right?"
    if isinstance(exc, TimeoutError):
        return f"{at} did not answer within {timeout:.0f} s."
    if isinstance(exc, InvalidStatus):
        return _http_sentence(exc.response.status_code, at)
    if isinstance(exc, InvalidURI):
        return f"{getattr(exc, 'uri', '') or 'The URL'} is not a websocket URL like wss://api.example.com/ws/device."
    return None


def _http_sentence(status: int, at: str) -> str:
    if status in (401, 403):
        return f"{at} answered, but it did not accept the device token (HTTP {status}): sign in again."
    if status == 404:
        return f"{at} answered, but has no device endpoint at that path (HTTP 404): check the URL's path."
    if 300 <= status < 400:
        return f"{at} points elsewhere (HTTP {status}); redirects are not followed: use the final URL."
    if status >= 500:
        return f"{at} has a problem of its own (HTTP {status}); try again later."
    return f"{at} answered HTTP {status} instead of opening the connection."


def _strip_prefix(text: str) -> str:
    for prefix in ("cannot reach the backend: ", "connection failed: "):
        text = text.removeprefix(prefix)
    return text.strip().rstrip(".")
