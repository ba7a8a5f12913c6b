"""The device token and the device id.

The token lives in the OS keyring (service ``adiuva-companion``); the
``ADIUVA_DEVICE_TOKEN`` environment variable overrides it for headless use and
CI. It is handled as a ``pydantic.SecretStr`` so it never shows up in a repr,
a log line or an exception; it is never written to the database or a file.
Every token read or stored here is also handed to ``bridge.redact`` so that
no log line shows it in any form. ``check_token`` refuses a token that
cannot travel in an HTTP header, without echoing it.

The device id is a UUID generated once per installation and kept in the data
dir as ``device_id`` (mode 0600).
"""

from __future__ import annotations

import logging
import os
import uuid
from pathlib import Path

from pydantic import SecretStr

from agents.errors import AdiuvaError
from bridge import redact

log = logging.getLogger(__name__)

SERVICE = "adiuva-companion"
ACCOUNT = "device-token"
TOKEN_ENV = "ADIUVA_DEVICE_TOKEN"

HEADLESS_HINT = (
    f"No OS keyring is available on this machine. For headless use, set {TOKEN_ENV} "
    "in the environment of the companion instead of signing in."
)


class CredentialsUnavailable(AdiuvaError, RuntimeError):
    """No keyring backend works here; the message says how to run headless."""


def _keyring():
    """keyring, imported on first use: it is ~10 MB the app does not need until a token is read."""
    import keyring
    import keyring.errors

    return keyring


def _keyring_call(action: str, fn, *args):
    keyring = _keyring()
    try:
        return fn(*args)
    except keyring.errors.NoKeyringError as exc:
        raise CredentialsUnavailable(HEADLESS_HINT) from exc
    except keyring.errors.KeyringError as exc:
        raise CredentialsUnavailable(f"The OS keyring refused to {action} the token ({type(exc).__name__}). "
                                     + HEADLESS_HINT) from exc
    except RuntimeError as exc:  # some backends raise plain RuntimeError when locked / no D-Bus
        raise CredentialsUnavailable(f"The OS keyring failed ({type(exc).__name__}). " + HEADLESS_HINT) from exc


class BadToken(AdiuvaError, ValueError):
    """The token cannot be sent in an ``Authorization`` header; the message never contains it."""


def check_token(value: str) -> str:
    """``value`` trimmed, or ``BadToken`` when it is empty or has spaces, control or non-ASCII characters.

    A bearer token is visible ASCII (RFC 6750 ``b64token`` and friends): anything
    else would be refused by the HTTP stack with an error that quotes the header.
    """
    redact.remember(value)
    value = value.strip()
    if not value:
        raise BadToken("the token is empty")
    for position, char in enumerate(value, 1):
        code = ord(char)
        if code > 0x7E:
            raise BadToken(f"the token has a non-ASCII character (at position {position}); "
                           "paste the token exactly as the backend showed it")
        if code < 0x21:
            kind = "a space" if char == " " else "a control character"
            raise BadToken(f"the token has {kind} (at position {position}); a device token is one word "
                           "of visible ASCII characters")
    return value


def token_source() -> str:
    """``"environment"`` when the env var is set, else ``"keyring"``."""
    return "environment" if os.environ.get(TOKEN_ENV) else "keyring"


def get_token() -> SecretStr | None:
    """The device token, or None when the user has not signed in."""
    env = os.environ.get(TOKEN_ENV)
    if env:
        redact.remember(env)
        return SecretStr(env.strip())
    value = _keyring_call("read", _keyring().get_password, SERVICE, ACCOUNT)
    redact.remember(value)
    return SecretStr(value) if value else None


def set_token(token: str | SecretStr) -> None:
    """Store the token in the OS keyring (sign in)."""
    value = check_token(token.get_secret_value() if isinstance(token, SecretStr) else token)
    _keyring_call("store", _keyring().set_password, SERVICE, ACCOUNT, value)
    log.info("credentials.token.stored backend=%s", keyring_backend_name())


def delete_token() -> bool:
    """Remove the token from the keyring (sign out); False when there was none."""
    try:
        _keyring_call("delete", _keyring().delete_password, SERVICE, ACCOUNT)
    except CredentialsUnavailable as exc:
        if isinstance(exc.__cause__, _keyring().errors.PasswordDeleteError):
            return False
        raise
    return True


def keyring_backend_name() -> str:
    backend = _keyring().get_keyring()
    return f"{type(backend).__module__}.{type(backend).__name__}"


def keyring_available() -> bool:
    from keyring.backends import fail

    return not isinstance(_keyring().get_keyring(), fail.Keyring)


def device_id(data_dir: Path) -> str:
    """This installation's stable id, created on first use with mode 0600."""
    path = data_dir / "device_id"
    try:
        text = path.read_text(encoding="utf-8").strip()
        if text:
            return str(uuid.UUID(text))
    except FileNotFoundError:
        pass
    except ValueError:
        log.warning("credentials.device_id.invalid path=%s; generating a new one", path)
        path.unlink(missing_ok=True)
    new = str(uuid.uuid4())
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process won the race; use theirs
        return device_id(data_dir)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(new + "\n")
    return new
