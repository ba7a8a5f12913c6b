"""Argument field types shared by the record tools."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, StringConstraints

from agents.tools.base import ArgsModel, aliased

RecordId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
Text = Annotated[str, StringConstraints(max_length=200_000)]
SourcePath = Annotated[str, StringConstraints(min_length=1, max_length=4096)]
Limit = Annotated[int, Field(ge=1, le=1000)]
DateValue = date | datetime

_STATE_ALIASES = {
    "todo": "ToDo", "to do": "ToDo", "to-do": "ToDo", "open": "ToDo",
    "in progress": "In Progress", "in_progress": "In Progress", "inprogress": "In Progress",
    "doing": "In Progress", "started": "In Progress",
    "completed": "Completed", "complete": "Completed", "done": "Completed", "closed": "Completed",
}


def _normalise_state(value: Any) -> Any:
    if isinstance(value, str):
        return _STATE_ALIASES.get(" ".join(value.strip().lower().split()), value)
    return value


TaskState = Annotated[Literal["ToDo", "In Progress", "Completed"], BeforeValidator(_normalise_state)]


def project_ref() -> Any:
    return aliased("project_id", "projectId", None, description="id of the project it belongs to")


class Suggestion(ArgsModel):
    """Fields every created record carries."""

    is_ai_suggested: bool = aliased(
        "is_ai_suggested", "isAiSuggested", False,
        description="true when an AI proposed it; such records wait for review unless approved",
    )
    is_approved: bool | None = aliased(
        "is_approved", "isApproved", None,
        description="defaults to false for AI suggestions, true otherwise",
    )
    source_path: SourcePath | None = Field(None, description="the file it was extracted from")


class SuggestionUpdate(ArgsModel):
    """The same fields, all optional, for updates."""

    is_ai_suggested: bool | None = aliased("is_ai_suggested", "isAiSuggested", None)
    is_approved: bool | None = aliased("is_approved", "isApproved", None)
    source_path: SourcePath | None = None


class ListArgs(ArgsModel):
    project_id: RecordId | None = project_ref()
    query: Annotated[str, StringConstraints(max_length=500)] | None = Field(
        None, description="text to look for in titles and bodies (case-insensitive)"
    )
    limit: Limit = 50
