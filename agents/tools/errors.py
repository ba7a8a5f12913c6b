"""Errors at the tool and wire boundary: validation failures as one readable line, any exception as a ``ToolError``.

``as_tool_error`` is the one converter: the executor (``agents.calls``) uses it for what a tool lets out,
and the control socket (``desktop.control``) for what a command raises. Runs wherever it is called (no I/O).
"""

from __future__ import annotations

import logging
import sqlite3

from pydantic import ValidationError

from agents.errors import AdiuvaError, ErrorType, ToolError

log = logging.getLogger("agents.calls")


def validation_message(what: str, exc: ValidationError, *, limit: int = 5) -> str:
    """``"create_task: title: Field required; foo: unknown field"``."""
    parts = []
    for err in exc.errors()[:limit]:
        where = ".".join(str(p) for p in err.get("loc", ())) or "arguments"
        message = "unknown field" if err.get("type") == "extra_forbidden" else err.get("msg", "invalid")
        parts.append(f"{where}: {message}")
    more = len(exc.errors()) - limit
    if more > 0:
        parts.append(f"and {more} more")
    return f"{what}: " + "; ".join(parts)


def as_tool_error(name: str, exc: BaseException, *, call_id: str | None, run_id: str | None) -> ToolError:
    """The one place where an exception a tool (or a wire's command ``name``) let out becomes a typed error.

    An app error that names its wire type (``AdiuvaError.error_type``: ``AgentBusy`` → ``busy``,
    ``ReviewNotFound`` → ``not_found``, ``ConfigError`` → ``invalid_args`` with ``details.field``, …) keeps
    its message and details; anything else unexpected is logged and answered ``internal``.
    """
    if isinstance(exc, ToolError):
        return exc
    if isinstance(exc, AdiuvaError) and exc.error_type is not None:
        message = getattr(exc, "message", None) or str(exc)
        return ToolError(exc.error_type, message, details=dict(getattr(exc, "details", None) or {}) or None)
    if isinstance(exc, sqlite3.IntegrityError):
        return ToolError(ErrorType.CONFLICT, f"{name}: the write conflicts with current data ({exc})")
    if isinstance(exc, ValidationError):
        return ToolError(ErrorType.INVALID_ARGS, validation_message(name, exc))
    log.error("tools.invoke.failed tool=%s call_id=%s run_id=%s", name, call_id, run_id, exc_info=exc)
    return ToolError(ErrorType.INTERNAL, f"{name} failed: {type(exc).__name__}: {exc}")
