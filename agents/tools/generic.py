"""The generic push used by cloud connector agents: ``insert(table, record)``."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ValidationError

from agents.errors import ErrorType, ToolError
from agents.store import SyncDb
from agents.tools import notes, projects, tasks, timelines
from agents.tools.base import ArgsModel, ToolContext, ToolSpec, tool
from agents.tools.errors import validation_message


class InsertArgs(ArgsModel):
    table: Literal["tasks", "notes", "timelines", "projects"]
    record: dict[str, Any]


_CREATORS: dict[str, ToolSpec] = {
    "tasks": tasks.create_task,
    "notes": notes.create_note,
    "timelines": timelines.create_timeline,
    "projects": projects.create_project,
}


@tool("insert", InsertArgs, group="generic", sync=True)
def insert(db: SyncDb, ctx: ToolContext, args: InsertArgs) -> dict[str, Any]:
    """Insert one record into tasks, notes, timelines or projects; validated as the matching create_* call."""
    spec = _CREATORS[args.table]
    try:
        model = spec.args_model.model_validate(args.record)
    except ValidationError as exc:
        raise ToolError(ErrorType.INVALID_ARGS, validation_message(f"insert into {args.table}", exc)) from None
    assert spec.sync_impl is not None
    return spec.sync_impl(db, ctx, model)


TOOLS = [insert]
