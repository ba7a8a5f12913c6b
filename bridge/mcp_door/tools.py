"""The tool catalogue as MCP tools, and journal outcomes as MCP tool results (pure, Qt-free).

``mcp_tools(catalog)``: every catalogue tool with its JSON Schema as
``inputSchema``, a title, its description and annotations (readOnlyHint,
destructiveHint, idempotentHint, openWorldHint=false). ``as_result(outcome)``:
a result becomes ``structuredContent`` plus a text rendering (``render``): the
page of text itself for ``read_file_content``, one line per entry for
``list_directory`` (whose result the door asks for as columns: ``_is_listing``),
the JSON text for the rest; the structured content is the whole result (the
text is for a model or a person); a ``ToolError`` becomes an ``isError`` result whose
structured content carries the PROTOCOL.md error type. ``as_suggestion(name, args)``: a create as the
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


def _is_listing(result: Mapping[str, Any]) -> bool:
    """The door's ``list_directory`` result: columns (it asks the tool for them: ``Grant.columns``), as
    ``{"path", "count", "truncated", "columns": {"path": [...], "type": [...], "size": [...],
    "modified_at": [...]}}``, paths relative to ``path``, no size and time columns when the call asked
    for no details. Columns, not one object per entry: a client's SDK parses a listing of 20,000
    entries several times faster (``bench/mcp_door.py``); the structured content is this result as is."""
    return isinstance(result.get("columns"), dict)


def listing_text(listed: Mapping[str, Any]) -> str:
    """A columns listing as text: a header, then each entry by its path below the folder ("name/" for
    a folder, "name  <size> B" for a file when there are sizes), then a note of names left out."""
    columns = listed["columns"]
    rels, kinds, sizes = columns["path"], columns["type"], columns.get("size")
    more = ", truncated: there are more (raise max_entries)" if listed.get("truncated") else ""
    lines = [f"{listed.get('path', '')}: {len(rels)} entries{more}"]
    if sizes is not None:
        lines += [rel + "/" if kind == "dir" else f"{rel}  {size} B"
                  for rel, kind, size in zip(rels, kinds, sizes, strict=True)]
    elif "dir" in kinds:
        lines += [rel + "/" if kind == "dir" else rel for rel, kind in zip(rels, kinds, strict=True)]
    else:
        lines += rels
    if listed.get("undecodable_names"):
        lines.append(f"({listed['undecodable_names']} names that are not valid UTF-8 left out)")
    return "\n".join(lines)


def _page_text(result: Mapping[str, Any]) -> list[types.TextContent]:
    """``read_file_content``: the text itself, and a note when there is more to read."""
    blocks = [types.TextContent(type="text", text=str(result.get("content", "")))]
    if result.get("next_offset") is not None:
        blocks.append(types.TextContent(
            type="text", text=f"[{result.get('path')}: {result.get('size')} bytes; this page ends here, "
                              f"read on with offset={result['next_offset']}]"))
    return blocks


def render(name: str, result: Mapping[str, Any]) -> list[types.TextContent]:
    """The text rendering MCP asks for beside ``structuredContent``."""
    if name == "read_file_content" and isinstance(result.get("content"), str):
        return _page_text(result)
    if name == "list_directory" and _is_listing(result):
        return [types.TextContent(type="text", text=listing_text(result))]
    return [types.TextContent(type="text", text=json.dumps(result, ensure_ascii=False, separators=(",", ":"),
                                                           default=str))]


def as_result(outcome: Outcome) -> types.CallToolResult:
    """An outcome as an MCP result: ``structuredContent`` is the result, beside its text rendering."""
    if not outcome.ok:
        return error_result(outcome.error)  # type: ignore[arg-type]
    result = outcome.result or {}
    return types.CallToolResult(content=render(outcome.name, result), structuredContent=result, isError=False)
