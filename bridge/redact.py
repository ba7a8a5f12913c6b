"""Secrets out of log lines: one registry of the tokens this process knows, one filter.

``remember(secret)`` is called wherever a token enters the process (the
``ADIUVA_DEVICE_TOKEN`` environment variable, a keyring read, the ``login``
input); ``redact(text)`` replaces every known token in ``text`` with ``***``
in the forms it can take in an error message: as is, trimmed, escaped
(``repr``, ``\\x..``), percent- or base64-encoded, and truncated (a prefix or
a suffix of at least ``FRAGMENT`` characters, as in ``Bearer abcd1234…``).

``install()`` puts ``RedactSecrets`` on the root logger and its handlers and
also runs it when each record is created: a filter on the root logger alone
never sees records that child loggers hand to the root's handlers, so the
record factory is what makes it hold for every logger and every handler
(pytest's ``caplog`` included). Message, arguments, exception text
(tracebacks) and stack info are redacted.

Plain functions and a lock-protected set: callable from any thread and any
event loop; imports nothing heavy.
"""

from __future__ import annotations

import base64
import logging
import os
import threading
from typing import Any
from urllib.parse import quote

MASK = "***"
FRAGMENT = 8      # a prefix or suffix this long of a known token is redacted too
MIN_SECRET = 4    # shorter strings are not remembered: masking them would shred every line
TOKEN_ENV = "ADIUVA_DEVICE_TOKEN"

_lock = threading.Lock()
_secrets: set[str] = set()
_forms: tuple[str, ...] = ()      # every literal form, longest first
_fragments: tuple[str, ...] = ()  # the secrets long enough for prefix/suffix matching


def remember(secret: Any) -> None:
    """Add a token (``str`` or anything with ``get_secret_value()``) to what ``redact`` hides."""
    if secret is None:
        return
    value = secret.get_secret_value() if hasattr(secret, "get_secret_value") else str(secret)
    candidates = {value, value.strip()}
    with _lock:
        added = {c for c in candidates if len(c) >= MIN_SECRET and c not in _secrets}
        if not added:
            return
        _secrets.update(added)
        _rebuild()


def forget_all() -> None:
    """Clear the registry (tests)."""
    global _forms, _fragments
    with _lock:
        _secrets.clear()
        _forms, _fragments = (), ()


def _rebuild() -> None:
    global _forms, _fragments
    forms: set[str] = set()
    for s in _secrets:
        raw = s.encode("utf-8", "surrogatepass")
        forms.update({
            s,
            repr(s)[1:-1],
            s.encode("unicode_escape").decode("ascii"),
            repr(raw)[2:-1],
            quote(s, safe=""),
            base64.b64encode(raw).decode("ascii"),
            base64.urlsafe_b64encode(raw).decode("ascii").rstrip("="),
        })
    _forms = tuple(sorted((f for f in forms if len(f) >= MIN_SECRET), key=len, reverse=True))
    _fragments = tuple(s for s in _secrets if len(s) >= 2 * FRAGMENT)


def known() -> bool:
    return bool(_forms)


def redact(text: str) -> str:
    """``text`` with every known token (in any of its forms) replaced by ``***``."""
    forms, fragments = _forms, _fragments
    if not forms or not text:
        return text
    for form in forms:
        if form in text:
            text = text.replace(form, MASK)
    for secret in fragments:
        text = _cut_fragments(text, secret)
    return text


def _cut_fragments(text: str, secret: str) -> str:
    """Mask truncated copies: a run of ``secret``'s first (or last) characters, at least ``FRAGMENT`` long."""
    head, tail = secret[:FRAGMENT], secret[-FRAGMENT:]
    start = text.find(head)
    while start != -1:
        end = start + FRAGMENT
        while end < len(text) and end - start < len(secret) and text[end] == secret[end - start]:
            end += 1
        text = text[:start] + MASK + text[end:]
        start = text.find(head, start + len(MASK))
    end = text.find(tail)
    while end != -1:
        stop = end + FRAGMENT  # the fragment ends here; extend to the left while it matches the secret's end
        begin = end
        k = len(secret) - FRAGMENT - 1
        while begin > 0 and k >= 0 and text[begin - 1] == secret[k]:
            begin -= 1
            k -= 1
        text = text[:begin] + MASK + text[stop:]
        end = text.find(tail, begin + len(MASK))
    return text


class RedactSecrets(logging.Filter):
    """Rewrites a record so no known token is in its message, arguments, traceback or stack."""

    def filter(self, record: logging.LogRecord) -> bool:
        scrub(record)
        return True


def scrub(record: logging.LogRecord) -> logging.LogRecord:
    if not _forms or getattr(record, "_adiuva_redacted", False):
        return record
    try:
        message = record.getMessage()
    except Exception:  # a bad format string: keep the raw parts, redacted
        message = f"{record.msg} {record.args!r}"
    clean = redact(message)
    if clean != message or record.args:
        record.msg, record.args = clean, None
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = redact(record.exc_text)
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    record._adiuva_redacted = True  # type: ignore[attr-defined]
    return record


_installed: RedactSecrets | None = None


def install() -> RedactSecrets:
    """Redact every log record of this process from now on (idempotent); remembers the env token."""
    global _installed
    remember(os.environ.get(TOKEN_ENV))
    root = logging.getLogger()
    if _installed is None:
        _installed = RedactSecrets()
        previous = logging.getLogRecordFactory()

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            return scrub(previous(*args, **kwargs))

        logging.setLogRecordFactory(factory)
    if _installed not in root.filters:
        root.addFilter(_installed)
    for handler in root.handlers:
        if _installed not in handler.filters:
            handler.addFilter(_installed)
    return _installed
