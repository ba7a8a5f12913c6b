"""Timeline (milestone) tools."""

from __future__ import annotations

from typing import Any

from agents.store import SyncDb
from agents.tools import records
from agents.tools.base import ToolContext, aliased, tool
from agents.tools.fields import DateValue, ListArgs, RecordId, Suggestion, SuggestionUpdate, Text, Title, project_ref


def _date(snake: str, camel: str | None = None) -> Any:
    return aliased(snake, camel or snake, None, description="ISO 8601 date (YYYY-MM-DD) or date-time")


class ListTimelinesArgs(ListArgs):
    pass


class CreateTimelineArgs(Suggestion):
    title: Title
    description: Text = ""
    project_id: RecordId | None = project_ref()
    start_date: DateValue | None = _date("start_date", "startDate")
    due_date: DateValue | None = _date("due_date", "dueDate")
    is_completed: bool = aliased("is_completed", "isCompleted", False)


class UpdateTimelineArgs(SuggestionUpdate):
    timeline_id: RecordId = aliased("timeline_id", "timelineId", ...)
    title: Title | None = None
    description: Text | None = None
    project_id: RecordId | None = project_ref()
    start_date: DateValue | None = _date("start_date", "startDate")
    due_date: DateValue | None = _date("due_date", "dueDate")
    is_completed: bool | None = aliased("is_completed", "isCompleted", None)


@tool("list_timelines", ListTimelinesArgs, group="timelines", read_only=True, idempotent=True, sync=True)
def list_timelines(db: SyncDb, ctx: ToolContext, args: ListTimelinesArgs) -> dict[str, Any]:
    """Find timeline entries (milestones, deadlines) by project or text; use before creating one."""
    return records.search(
        db, records.TIMELINES, query=args.query, project_id=args.project_id, limit=args.limit
    )


@tool("create_timeline", CreateTimelineArgs, group="timelines", sync=True)
def create_timeline(db: SyncDb, ctx: ToolContext, args: CreateTimelineArgs) -> dict[str, Any]:
    """Create a milestone or deadline. AI-found ones: is_ai_suggested=true, is_approved=false."""
    return records.create(db, ctx, records.TIMELINES, args)


@tool("update_timeline", UpdateTimelineArgs, group="timelines", idempotent=True, sync=True)
def update_timeline(db: SyncDb, ctx: ToolContext, args: UpdateTimelineArgs) -> dict[str, Any]:
    """Change a timeline entry or mark it complete (is_completed=true)."""
    return records.update(db, records.TIMELINES, args.timeline_id, args, ctx)


TOOLS = [list_timelines, create_timeline, update_timeline]
