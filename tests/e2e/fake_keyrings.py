"""Keyring backends for subprocess tests, chosen with ``PYTHON_KEYRING_BACKEND`` (the OS keyring is outside
the product): ``BlockingKeyring`` never answers, as a locked keyring waiting on a D-Bus prompt does."""

from __future__ import annotations

import threading

from keyring.backend import KeyringBackend


class BlockingKeyring(KeyringBackend):
    """Every call blocks forever."""

    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        threading.Event().wait()
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        threading.Event().wait()

    def delete_password(self, service: str, username: str) -> None:
        threading.Event().wait()
