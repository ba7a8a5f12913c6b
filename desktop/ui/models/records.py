"""The Review and Workspace table models: ``PagedModel``s over ``agents.review_query`` (GUI thread).

``ReviewModel`` lists the suggestions a ``Selection`` names (waiting or
rejected, filtered), sorted by a clicked column in SQL. ``WorkspaceModel``
lists one kind's live records under a project (tasks and milestones by due
date, ``agents.records_ops``), overdue ones in the ``error`` tone, done ones
struck through and muted; ``ProjectsModel`` the projects, after two fixed
entries ("All projects", "No project").
"""

from __future__ import annotations

from collections.abc import Hashable
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QFont

from agents import records_ops, review_query
from agents.review_query import NO_PROJECT, Selection
from agents.store import parse_iso
from desktop.ui import tones
from desktop.ui.models.paged import PagedModel
from desktop.ui.status import format_when

if TYPE_CHECKING:
    from agents.store import Store

KIND_LABELS = {"projects": "Project", "tasks": "Task", "timelines": "Milestone", "notes": "Note"}
ALL = "__all__"


def short_path(path: str | None) -> str:
    if not path:
        return ""
    parts = path.replace("\\", "/").rstrip("/").split("/")
    return "/".join(parts[-2:])


class ReviewModel(PagedModel):
    """Suggestions of a ``Selection``, a page at a time; ``set_selection``/``sort`` reload in SQL order."""

    columns = ("Suggestion", "Kind", "Project", "Agent", "Source", "Created")
    sort_keys = ("title", "kind", "project", "agent", "source", "created")

    def __init__(self, store: Store, parent: QObject | None = None):
        super().__init__(parent)
        self.store = store
        self.selection = Selection()
        self.sort_key = "created"
        self.descending = False
        self.by_kind: dict[str, int] = {}

    def set_selection(self, selection: Selection) -> None:
        if selection != self.selection:
            self.selection = selection
            self.reload()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key, descending = self.sort_keys[column], order == Qt.SortOrder.DescendingOrder
        if (key, descending) != (self.sort_key, self.descending):
            self.sort_key, self.descending = key, descending
            self.reload()

    async def load_page(self, offset: int, limit: int) -> list[dict[str, Any]]:
        return await review_query.page(self.store, self.selection, offset=offset, limit=limit, sort=self.sort_key,
                                       descending=self.descending)

    async def load_total(self) -> int:
        self.by_kind = await review_query.counts(self.store, self.selection)
        return sum(self.by_kind.values())

    def key(self, row: dict[str, Any]) -> Hashable:
        return row["id"]

    def display(self, row: dict[str, Any], column: int) -> str:
        if column == 0:
            return str(row.get("title") or "")
        if column == 1:
            return KIND_LABELS[row["kind"]]
        if column == 2:
            return row.get("project_name") or ""
        if column == 3:
            return row.get("agent_name") or ("backend" if row.get("run_id") is None else "")
        if column == 4:
            return short_path(row.get("source_path"))
        return format_when(parse_iso(row.get("created_at")))

    def role_data(self, row: dict[str, Any], column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.get("source_path") if column == 4 else row.get("title") if column == 0 else None
        return None


class WorkspaceModel(PagedModel):
    """One kind's live records under a project (``ALL``, ``NO_PROJECT`` or an id), by title."""

    HEADERS = {
        "tasks": ("Title", "State", "Due"),
        "notes": ("Title", "Updated"),
        "timelines": ("Title", "Start", "Due", "Done"),
        "projects": ("Name",),
    }

    def __init__(self, store: Store, kind: str, parent: QObject | None = None):
        super().__init__(parent)
        self.store = store
        self.kind = kind
        self.columns = self.HEADERS[kind]
        self.project: str = ALL

    def set_project(self, project: str) -> None:
        if project != self.project:
            self.project = project
            self.reload()

    def _project(self) -> str | None:
        return None if self.project == ALL else self.project

    async def load_page(self, offset: int, limit: int) -> list[dict[str, Any]]:
        return await records_ops.page(self.store, self.kind, self._project(), offset=offset, limit=limit)

    async def load_total(self) -> int:
        return await records_ops.count(self.store, self.kind, self._project())

    def display(self, row: dict[str, Any], column: int) -> str:
        name = self.columns[column]
        if name in ("Title", "Name"):
            return str(row.get("title") or row.get("name") or "")
        if name == "State":
            return row.get("state") or ""
        if name == "Due":
            return _day(row.get("due_date"))
        if name == "Start":
            return _day(row.get("start_date"))
        if name == "Updated":
            return _day(row.get("updated_at"))
        return "✓" if row.get("is_completed") else ""

    def role_data(self, row: dict[str, Any], column: int, role: int) -> Any:
        waiting = not row.get("is_approved")
        done = is_done(row)
        if role == Qt.ItemDataRole.FontRole and (waiting or done):
            font = QFont()
            font.setItalic(waiting)
            font.setStrikeOut(done)
            return font
        if role == Qt.ItemDataRole.ForegroundRole:
            if done:
                return tones.qcolor("muted")
            if is_overdue(row) and self.columns[column] in ("Title", "Due"):
                return tones.qcolor("error")
        if role == Qt.ItemDataRole.ToolTipRole and column == 0:
            if is_overdue(row):
                return f"Overdue: was due {_day(row.get('due_date'))}"
            if waiting:
                return "Suggested; waiting for review"
        return None


class ProjectsModel(WorkspaceModel):
    """"All projects", "No project", then every live project by name, paged."""

    FIXED = ({"id": ALL, "name": "All projects", "is_approved": 1},
             {"id": NO_PROJECT, "name": "No project", "is_approved": 1})

    def __init__(self, store: Store, parent: QObject | None = None):
        super().__init__(store, "projects", parent)

    async def load_page(self, offset: int, limit: int) -> list[dict[str, Any]]:
        fixed = [dict(r) for r in self.FIXED[offset:offset + limit]]
        start = max(0, offset - len(self.FIXED))
        rest = await review_query.workspace_page(self.store, "projects", None, offset=start,
                                                 limit=limit - len(fixed))
        return fixed + rest

    async def load_total(self) -> int:
        return len(self.FIXED) + await review_query.workspace_count(self.store, "projects", None)


def _day(value: Any) -> str:
    return str(value)[:10] if value else ""


def is_done(row: dict[str, Any]) -> bool:
    return row.get("state") == "Completed" or bool(row.get("is_completed"))


def is_overdue(row: dict[str, Any], today: date | None = None) -> bool:
    """Due before today and not done."""
    due = _day(row.get("due_date"))
    return bool(due) and not is_done(row) and due < (today or date.today()).isoformat()
