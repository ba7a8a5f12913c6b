"""Typed errors shared by every tool, the dispatcher and the engines.

Exception tree::

    AdiuvaError
    ├── ToolError          one of PROTOCOL.md's error types; becomes an error frame
    ├── StoreError         the local database cannot be opened or migrated
    │   └── SchemaTooNewError
    └── ConfigError        an agent config or a setting is invalid (names the field)

A ``ToolError`` keeps three things apart: ``type`` (the machine code from the
table), ``message`` (for a person) and ``details`` (structured extras).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ErrorType(StrEnum):
    """The error types of PROTOCOL.md, with whether a retry may succeed."""

    INVALID_FRAME = "invalid_frame"
    UNKNOWN_TOOL = "unknown_tool"
    INVALID_ARGS = "invalid_args"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    FORBIDDEN_PATH = "forbidden_path"
    TOO_LARGE = "too_large"
    UNSUPPORTED_FILE = "unsupported_file"
    TIMEOUT = "timeout"
    BUSY = "busy"
    PAUSED = "paused"
    CANCELLED = "cancelled"
    INTERNAL = "internal"

    @property
    def retryable(self) -> bool:
        return self in _RETRYABLE


_RETRYABLE = frozenset({ErrorType.TIMEOUT, ErrorType.BUSY, ErrorType.PAUSED, ErrorType.INTERNAL})


class AdiuvaError(Exception):
    """Base of every error this project raises on purpose."""


class ToolError(AdiuvaError):
    """A tool call failed in a way the protocol can name."""

    def __init__(self, type: ErrorType | str, message: str, *, details: dict[str, Any] | None = None):
        self.type = ErrorType(type)
        self.message = message
        self.details = details or {}
        super().__init__(f"{self.type}: {message}")

    @property
    def retryable(self) -> bool:
        return self.type.retryable

    def to_dict(self) -> dict[str, Any]:
        """The ``error`` object of a ``tool_result`` frame."""
        out: dict[str, Any] = {"type": str(self.type), "message": self.message, "retryable": self.retryable}
        if self.details:
            out["details"] = self.details
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ToolError:
        try:
            kind = ErrorType(data.get("type", "internal"))
        except ValueError:
            kind = ErrorType.INTERNAL
        return cls(kind, str(data.get("message", "")), details=data.get("details") or None)


class StoreError(AdiuvaError):
    """The workspace database cannot be used."""


class SchemaTooNewError(StoreError):
    """The database was written by a newer version of the app."""


class ConfigError(AdiuvaError):
    """Invalid configuration; ``field`` names what to fix."""

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")
