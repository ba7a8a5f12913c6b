"""The tool catalogue as MCP tools, and journal outcomes as MCP tool results (pure, Qt-free).

``mcp_tools(catalog)``: every catalogue tool with its JSON Schema as
``inputSchema``, a title, its description and annotations (readOnlyHint,
destructiveHint, idempotentHint, openWorldHint=false). ``as_result(outcome)``:
a result becomes ``structuredContent`` plus its JSON text; a ``ToolError``
becomes an ``isError`` result whose structured content carries the
PROTOCOL.md error type. ``as_suggestion(name, args)``: a create as the
review queue wants it. Runs wherever it is called (no I/O).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from mcp import types

from agents.errors import ToolError
from agents.journal import Outcome
from agents.tools.catalog import Catalog

CREATES = frozenset({"create_project", "create_task", "create_note", "create_timeline", "insert"})
_FLAGS = ("is_ai_suggested", "isAiSuggested", "is_approved", "isApproved")


def title_of(name: str) -> str:
    return name.replace("_", " ").capitalize()


def mcp_tools(catalog: Catalog) -> list[types.Tool]:
    tools = []
    for name in catalog.names:
        spec = catalog.get(name)
        tools.append(types.Tool(
            name=spec.name,
            title=title_of(spec.name),
            description=spec.description,
            inputSchema=spec.parameters_schema(),
            annotations=types.ToolAnnotations(
                title=title_of(spec.name),
                readOnlyHint=spec.read_only,
                # Updates overwrite fields (the activity can undo them); creates only add.
                destructiveHint=not spec.read_only and spec.name not in CREATES,
                idempotentHint=spec.idempotent,
                openWorldHint=False,
            ),
        ))
    return tools


def as_suggestion(name: str, args: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    """A create's arguments marked as a suggestion waiting for review (PROTOCOL: creates are suggestions)."""
    if name not in CREATES or not isinstance(args, Mapping):
        return args
    if name == "insert":
        record = args.get("record")
        if not isinstance(record, Mapping):
            return args
        return {**args, "record": as_suggestion("create_task", record)}
    out = {k: v for k, v in args.items() if k not in _FLAGS}
    out["is_ai_suggested"] = True
    out["is_approved"] = False
    return out


def error_result(error: ToolError) -> types.CallToolResult:
    payload = {"error": error.to_dict()}
    return types.CallToolResult(
        content=[types.TextContent(type="text", text=f"{error.type}: {error.message}")],
        structuredContent=payload,
        isError=True,
    )


def as_result(outcome: Outcome) -> types.CallToolResult:
    if not outcome.ok:
        return error_result(outcome.error)  # type: ignore[arg-type]
    result = outcome.result or {}
    return types.CallToolResult(
        content=[types.TextContent(type="text", text=json.dumps(result, ensure_ascii=False, separators=(",", ":"),
                                                                  default=str))],
        structuredContent=result,
        isError=False,
    )
