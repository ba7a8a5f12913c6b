"""Turning argument validation failures into one readable line."""

from __future__ import annotations

from pydantic import ValidationError


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
