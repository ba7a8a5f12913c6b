"""Projects, tasks, notes and timelines as MCP resources (read-only queries; the door's loop).

URIs are ``adiuva://<kind>/<id>``. ``list_page(store, cursor)`` pages through
every live record (not deleted, not rejected; suggestions waiting for review
included and marked so), kind by kind, newest change first, ``PAGE_SIZE`` at a
time; the cursor is opaque (base64 JSON of kind and keyset position). ``read``
returns one record as JSON. Reading a record is not a tool call, so it is not
journaled.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from mcp import types
from mcp.shared.exceptions import McpError

from agents.store import Store

SCHEME = "adiuva"
PAGE_SIZE = 100
KINDS = ("projects", "tasks", "notes", "timelines")
_TITLE = {"projects": "name", "tasks": "title", "notes": "title", "timelines": "title"}
_LIVE = "deleted_at IS NULL AND rejected_at IS NULL"


def _invalid(message: str) -> McpError:
    return McpError(types.ErrorData(code=types.INVALID_PARAMS, message=message))


def _encode(kind: int, updated_at: str, rid: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([kind, updated_at, rid]).encode()).decode()


def _decode(cursor: str | None) -> tuple[int, str | None, str | None]:
    if not cursor:
        return 0, None, None
    try:
        kind, updated_at, rid = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if not (isinstance(kind, int) and 0 <= kind < len(KINDS)) or not isinstance(updated_at, str):
            raise ValueError
        return kind, updated_at, str(rid)
    except (ValueError, TypeError, binascii.Error, UnicodeError):
        raise _invalid("invalid cursor") from None


def _resource(kind: str, row: dict[str, Any]) -> types.Resource:
    waiting = row["is_ai_suggested"] and not row["is_approved"]
    title = row[_TITLE[kind]] or "(untitled)"
    return types.Resource(
        uri=f"{SCHEME}://{kind}/{row['id']}",  # type: ignore[arg-type]
        name=f"{kind[:-1]}-{row['id']}",
        title=f"{title} (suggestion waiting for review)" if waiting else title,
        description=f"A {kind[:-1]} in the Adiuva workspace",
        mimeType="application/json",
    )


async def list_page(store: Store, cursor: str | None) -> types.ListResourcesResult:
    kind_index, after_updated, after_id = _decode(cursor)
    out: list[types.Resource] = []
    next_cursor = None
    while kind_index < len(KINDS) and len(out) < PAGE_SIZE:
        kind = KINDS[kind_index]
        title = _TITLE[kind]
        where, params = _LIVE, []
        if after_updated is not None:
            where += " AND (updated_at < ? OR (updated_at = ? AND id > ?))"
            params = [after_updated, after_updated, after_id]
        want = PAGE_SIZE - len(out)
        rows = await store.fetchall(
            f"SELECT id, {title}, is_ai_suggested, is_approved, updated_at FROM {kind} WHERE {where} "
            "ORDER BY updated_at DESC, id LIMIT ?", (*params, want + 1),
        )
        out.extend(_resource(kind, r) for r in rows[:want])
        if len(rows) > want:
            last = rows[want - 1]
            next_cursor = _encode(kind_index, last["updated_at"], last["id"])
            break
        kind_index, after_updated, after_id = kind_index + 1, None, None
        if kind_index < len(KINDS) and len(out) >= PAGE_SIZE:
            next_cursor = _encode(kind_index, "\uffff", "")  # start of the next kind
    return types.ListResourcesResult(resources=out, nextCursor=next_cursor)


def parse_uri(uri: str) -> tuple[str, str]:
    prefix = f"{SCHEME}://"
    if not uri.startswith(prefix):
        raise _invalid(f"not an Adiuva resource: {uri}")
    kind, _, rid = uri[len(prefix):].partition("/")
    if kind not in KINDS or not rid:
        raise _invalid(f"unknown resource {uri}; use adiuva://<projects|tasks|notes|timelines>/<id>")
    return kind, rid


async def read(store: Store, uri: str) -> str:
    kind, rid = parse_uri(uri)
    row = await store.fetchone(f"SELECT * FROM {kind} WHERE id = ? AND {_LIVE}", (rid,))
    if row is None:
        raise McpError(types.ErrorData(code=-32002, message=f"resource not found: {uri}"))
    for key in ("is_ai_suggested", "is_approved", "is_completed"):
        if key in row:
            row[key] = bool(row[key])
    if "assignees" in row and isinstance(row["assignees"], str):
        row["assignees"] = json.loads(row["assignees"])
    return json.dumps(row, ensure_ascii=False)
