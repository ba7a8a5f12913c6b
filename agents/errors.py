"""The project's one exception tree, shared by every layer (stdlib only).

Every exception class the app defines subclasses ``AdiuvaError``. Most live
here; a few stay beside the code that raises them (so their module need not be
imported by everyone), and are marked with their module::

    AdiuvaError
    ├── ToolError                 one of PROTOCOL.md's error types; only at the wire and tool boundary
    │   ├── DocumentError         agents.documents.base: a document cannot be read (unsupported_file, too_large)
    │   ├── RootChanged           agents.roots: an agent's folder is not the one picked (forbidden_path)
    │   └── DeviceCallError       bridge.gateway: the device answered the reference gateway with an error
    ├── ProtocolError             bridge.protocol: a frame that cannot be used (invalid_frame, invalid_args)
    ├── StoreError                the local database cannot be opened or migrated
    │   └── SchemaTooNewError     written by a newer version of the app
    ├── ConfigError               an agent config or a setting is invalid (names the field; invalid_args)
    ├── DataDirError              agents.paths: the data dir or its lock file cannot be written
    ├── AlreadyRunning            agents.paths: another companion holds the data dir's lock
    ├── RunError                  a run could not be started or did not end well
    │   ├── AgentNotFound         no agent has that id or name (not_found)
    │   ├── RunRefused            a run cannot start now
    │   │   ├── AgentBusy         that agent is already running (busy)
    │   │   └── EngineUnavailable the agent's engine is not available on this device (invalid_args)
    │   ├── RunFailed             the engine could not do its job; the message is the run's error
    │   └── RunCancelled          the run was cancelled elsewhere (e.g. by the backend; cancelled)
    ├── ReviewError               a review decision or query the user asked for cannot be made
    │   ├── ReviewNotFound        a named suggestion, record or review batch does not exist (not_found)
    │   └── InvalidReviewRequest  an unknown kind, state, action or sort; no folder named (invalid_args)
    ├── RecordError               a Workspace delete or an Activity undo the user asked for cannot be made
    │   ├── RecordNotFound        the record, or the listed change to one, does not exist (not_found)
    │   ├── UnknownRecordKind     not one of projects, tasks, notes, timelines (invalid_args)
    │   └── UndoRefused           the change was already undone, or its record changed again since (conflict)
    ├── CredentialsUnavailable    bridge.credentials: no OS keyring works here (also a RuntimeError)
    ├── BadToken                  bridge.credentials: a token that cannot be sent (also a ValueError)
    ├── NotLoopback               bridge.mcp_door.http: the MCP door may listen on loopback only (also a ValueError)
    ├── PathEscape                agents.tools.fsafe ``Escape``: a path leaves its root or loops
    └── DocumentFull              agents.documents.base ``_Full``: the text reached its cap (internal stop signal)

A ``ToolError`` keeps three things apart: ``type`` (the machine code from the
table), ``message`` (for a person) and ``details`` (structured extras). The
app's own code raises the app errors above, never ``ToolError``; an app error
that names its wire type in ``error_type`` (the types in brackets above) and
reaches a wire (a tool call, the control socket) becomes the ``ToolError`` of
that type in one place, ``agents.tools.errors.as_tool_error``.
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
    """Base of every error this project raises on purpose.

    ``error_type`` is the PROTOCOL.md type a wire answers this error with, for the app errors that have one
    (None: an unexpected failure, answered ``internal``); a ``details`` attribute, where there is one, holds
    its structured extras.
    """

    error_type: ErrorType | None = None


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

    error_type = ErrorType.INVALID_ARGS

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")

    @property
    def details(self) -> dict[str, Any]:
        return {"field": self.field}


class RunError(AdiuvaError):
    """A run could not be started or did not end well; ``error_type`` is how a wire names it."""

    error_type = ErrorType.INTERNAL


class AgentNotFound(RunError):
    """No agent has this id or name."""

    error_type = ErrorType.NOT_FOUND

    def __init__(self, key: str):
        self.key = key
        self.message = f"no agent named {key!r}"
        super().__init__(self.message)


class RunRefused(RunError):
    """A run cannot start now; nothing was recorded."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


class AgentBusy(RunRefused):
    """That agent is already running (one run per agent at a time)."""

    error_type = ErrorType.BUSY

    def __init__(self, agent_name: str):
        self.agent_name = agent_name
        super().__init__(f"{agent_name} is already running")


class EngineUnavailable(RunRefused):
    """The agent names an engine this device does not have."""

    error_type = ErrorType.INVALID_ARGS

    def __init__(self, engine: str):
        self.engine = engine
        super().__init__(f"engine {engine!r} is not available on this device")


class RunFailed(RunError):
    """The engine could not do its job at all; the message is the run's error."""


class RunCancelled(RunError):
    """The run was cancelled elsewhere (e.g. by the backend)."""

    error_type = ErrorType.CANCELLED


class _Refusal(AdiuvaError):
    """Base of the refusals of a user's request (``ReviewError``, ``RecordError``): ``message`` is a
    sentence for a person, ``details`` its structured extras; nothing changed."""

    error_type = ErrorType.INTERNAL

    def __init__(self, message: str, *, details: dict[str, Any] | None = None):
        self.message = message
        self.details = details or {}
        super().__init__(message)


class ReviewError(_Refusal):
    """A review decision or query cannot be made; nothing changed. ``message`` is for a person."""


class ReviewNotFound(ReviewError):
    """A suggestion, record or review batch named by id does not exist."""

    error_type = ErrorType.NOT_FOUND


class InvalidReviewRequest(ReviewError):
    """An unknown kind, state, action or sort, or a discard with no folder named."""

    error_type = ErrorType.INVALID_ARGS


class RecordError(_Refusal):
    """A user's action on records (a Workspace delete, an Activity undo) cannot be made; nothing changed.

    ``message`` is a sentence for a person; ``details`` its structured extras."""


class RecordNotFound(RecordError):
    """The record, or the listed change to one, does not exist (or is deleted)."""

    error_type = ErrorType.NOT_FOUND


class UnknownRecordKind(RecordError):
    """A kind that is not one of projects, tasks, notes, timelines."""

    error_type = ErrorType.INVALID_ARGS


class UndoRefused(RecordError):
    """The change was already undone, or a field it set holds another value now (``details.fields``)."""

    error_type = ErrorType.CONFLICT
