"""Note tools."""

from __future__ import annotations

from typing import Any

from agents.store import SyncDb
from agents.tools import records
from agents.tools.base import ArgsModel, ToolContext, aliased, tool
from agents.tools.fields import ListArgs, RecordId, Suggestion, SuggestionUpdate, Text, Title, project_ref


class ListNotesArgs(ListArgs):
    pass


class GetNoteArgs(ArgsModel):
    note_id: RecordId = aliased("note_id", "noteId", ...)


class CreateNoteArgs(Suggestion):
    title: Title
    content: Text
    project_id: RecordId | None = project_ref()


class UpdateNoteArgs(SuggestionUpdate):
    note_id: RecordId = aliased("note_id", "noteId", ...)
    title: Title | None = None
    content: Text | None = None
    project_id: RecordId | None = project_ref()


@tool("list_notes", ListNotesArgs, group="notes", read_only=True, idempotent=True, sync=True)
def list_notes(db: SyncDb, ctx: ToolContext, args: ListNotesArgs) -> dict[str, Any]:
    """Find notes by project or text; use before creating one."""
    return records.search(db, records.NOTES, query=args.query, project_id=args.project_id, limit=args.limit)


@tool("get_note", GetNoteArgs, group="notes", read_only=True, idempotent=True, sync=True)
def get_note(db: SyncDb, ctx: ToolContext, args: GetNoteArgs) -> dict[str, Any]:
    """One note with its full content."""
    return records.get(db, records.NOTES, args.note_id)


@tool("create_note", CreateNoteArgs, group="notes", sync=True)
def create_note(db: SyncDb, ctx: ToolContext, args: CreateNoteArgs) -> dict[str, Any]:
    """Create a note. AI-found notes: is_ai_suggested=true, is_approved=false, with source_path."""
    return records.create(db, ctx, records.NOTES, args)


@tool("update_note", UpdateNoteArgs, group="notes", idempotent=True, sync=True)
def update_note(db: SyncDb, ctx: ToolContext, args: UpdateNoteArgs) -> dict[str, Any]:
    """Change a note; to merge, read it with get_note and send the merged content."""
    return records.update(db, records.NOTES, args.note_id, args, ctx)


TOOLS = [list_notes, get_note, create_note, update_note]
