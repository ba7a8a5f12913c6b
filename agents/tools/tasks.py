"""Task tools."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, StringConstraints

from agents.store import SyncDb, new_id, utcnow
from agents.tools import records
from agents.tools.base import ArgsModel, ToolContext, aliased, tool
from agents.tools.fields import (
    DateValue,
    ListArgs,
    RecordId,
    Suggestion,
    SuggestionUpdate,
    TaskState,
    Text,
    Title,
    project_ref,
)

Assignee = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Assignees = Annotated[list[Assignee], Field(max_length=50)]


def _due() -> Any:
    return aliased("due_date", "dueDate", None, description="ISO 8601 date (YYYY-MM-DD) or date-time")


class ListTasksArgs(ListArgs):
    state: TaskState | None = None


class CreateTaskArgs(Suggestion):
    title: Title
    description: Text = ""
    project_id: RecordId | None = project_ref()
    state: TaskState = "ToDo"
    assignees: Assignees = []
    due_date: DateValue | None = _due()


class UpdateTaskArgs(SuggestionUpdate):
    task_id: RecordId = aliased("task_id", "taskId", ...)
    title: Title | None = None
    description: Text | None = None
    project_id: RecordId | None = project_ref()
    state: TaskState | None = None
    assignees: Assignees | None = None
    due_date: DateValue | None = _due()


class AddTaskCommentArgs(ArgsModel):
    task_id: RecordId = aliased("task_id", "taskId", ...)
    body: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)]
    author: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)] = "Adiuva"


@tool("list_tasks", ListTasksArgs, group="tasks", read_only=True, idempotent=True, sync=True)
def list_tasks(db: SyncDb, ctx: ToolContext, args: ListTasksArgs) -> dict[str, Any]:
    """Find tasks by project, text or state (ToDo, In Progress, Completed); use before creating one."""
    extra = {"state": args.state} if args.state else None
    return records.search(
        db, records.TASKS, query=args.query, project_id=args.project_id, limit=args.limit, extra=extra
    )


@tool("create_task", CreateTaskArgs, group="tasks", sync=True)
def create_task(db: SyncDb, ctx: ToolContext, args: CreateTaskArgs) -> dict[str, Any]:
    """Create a task. AI-found tasks: is_ai_suggested=true, is_approved=false, with source_path."""
    return records.create(db, ctx, records.TASKS, args)


@tool("update_task", UpdateTaskArgs, group="tasks", idempotent=True, sync=True)
def update_task(db: SyncDb, ctx: ToolContext, args: UpdateTaskArgs) -> dict[str, Any]:
    """Change a task's fields (state, assignees, due date, ...); fields not given stay as they are."""
    return records.update(db, records.TASKS, args.task_id, args, ctx)


@tool("add_task_comment", AddTaskCommentArgs, group="tasks", sync=True)
def add_task_comment(db: SyncDb, ctx: ToolContext, args: AddTaskCommentArgs) -> dict[str, Any]:
    """Add a comment to an existing task (author defaults to "Adiuva")."""
    records.get(db, records.TASKS, args.task_id)
    now = utcnow()
    comment = {
        "id": new_id(), "task_id": args.task_id, "body": args.body, "author": args.author,
        "run_id": ctx.run_id, "created_at": now, "updated_at": now,
    }
    db.execute(
        "INSERT INTO task_comments (id, task_id, body, author, run_id, created_at, updated_at) "
        "VALUES (:id, :task_id, :body, :author, :run_id, :created_at, :updated_at)",
        comment,
    )
    db.execute("UPDATE tasks SET updated_at = ? WHERE id = ?", (now, args.task_id))
    return comment


TOOLS = [list_tasks, create_task, update_task, add_task_comment]
