"""Project tools."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import StringConstraints

from agents.errors import ErrorType, ToolError
from agents.store import SyncDb
from agents.tools import records
from agents.tools.base import ArgsModel, ToolContext, aliased, tool
from agents.tools.fields import Limit, RecordId, Suggestion, SuggestionUpdate, Text, Title

Status = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]


class ListProjectsArgs(ArgsModel):
    query: Annotated[str, StringConstraints(max_length=500)] | None = None
    limit: Limit = 50


class ListAllProjectsArgs(ArgsModel):
    pass


class GetProjectArgs(ArgsModel):
    project_id: RecordId = aliased("project_id", "projectId", ...)


class CreateProjectArgs(Suggestion):
    name: Title
    description: Text = ""
    status: Status = "active"


class UpdateProjectArgs(SuggestionUpdate):
    project_id: RecordId = aliased("project_id", "projectId", ...)
    name: Title | None = None
    description: Text | None = None
    status: Status | None = None


@tool("list_projects", ListProjectsArgs, group="projects", read_only=True, idempotent=True, sync=True)
def list_projects(db: SyncDb, ctx: ToolContext, args: ListProjectsArgs) -> dict[str, Any]:
    """Search the user's projects by name or description; newest first."""
    return records.search(db, records.PROJECTS, query=args.query, limit=args.limit)


@tool("list_all_projects", ListAllProjectsArgs, group="projects", read_only=True, idempotent=True, sync=True)
def list_all_projects(db: SyncDb, ctx: ToolContext, args: ListAllProjectsArgs) -> dict[str, Any]:
    """Every project in the user's workspace (including suggestions awaiting review)."""
    return records.search(db, records.PROJECTS)


@tool("get_project", GetProjectArgs, group="projects", read_only=True, idempotent=True, sync=True)
def get_project(db: SyncDb, ctx: ToolContext, args: GetProjectArgs) -> dict[str, Any]:
    """One project by id."""
    return records.get(db, records.PROJECTS, args.project_id)


@tool("create_project", CreateProjectArgs, group="projects", sync=True)
def create_project(db: SyncDb, ctx: ToolContext, args: CreateProjectArgs) -> dict[str, Any]:
    """Create a project. Only when no existing project matches: a name already in use is a conflict."""
    taken = db.fetchone(
        "SELECT id FROM projects WHERE name = ? COLLATE NOCASE AND deleted_at IS NULL AND rejected_at IS NULL",
        (args.name,),
    )
    if taken:
        raise ToolError(
            ErrorType.CONFLICT,
            f"a project named {args.name!r} already exists ({taken['id']}); update it instead",
            details={"existing_id": taken["id"]},
        )
    return records.create(db, ctx, records.PROJECTS, args)


@tool("update_project", UpdateProjectArgs, group="projects", idempotent=True, sync=True)
def update_project(db: SyncDb, ctx: ToolContext, args: UpdateProjectArgs) -> dict[str, Any]:
    """Change a project's name, description, status or review flags."""
    return records.update(db, records.PROJECTS, args.project_id, args, ctx)


TOOLS = [list_projects, list_all_projects, get_project, create_project, update_project]
