"""A table model that pages rows in from the store as the view scrolls (GUI thread; loads on the loop).

``PagedModel`` holds the rows fetched so far and the total the store counted.
Qt asks ``canFetchMore``/``fetchMore`` when the view nears the end of what it
has (``QAbstractItemModel`` lazy population); ``fetchMore`` starts the next
page as an asyncio task (``desktop.ui.operations``) and inserts its rows with
``beginInsertRows`` when it arrives, so the Qt loop never waits for SQL.

Changes never reload everything: ``remove_keys`` drops rows the view itself
decided (row-level ``beginRemoveRows``), and ``refresh`` refetches only the
window already loaded (the rows the user can have seen) plus the count,
emitting ``dataChanged`` when the same rows came back and a reset only when
the set changed. ``reload`` starts over (new filter or sort). Results of a
superseded load are dropped (a generation counter).

Subclasses give ``columns``, ``load_page(offset, limit)``, ``load_total()``,
``key(row)`` and ``display(row, column)``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Hashable, Iterable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal

from desktop.ui import operations

ROW = Qt.ItemDataRole.UserRole
Index = QModelIndex | QPersistentModelIndex


class PagedModel(QAbstractTableModel):
    """Rows fetched page by page; ``total`` from a COUNT query."""

    columns: tuple[str, ...] = ()
    page_size = 200
    loaded = Signal()  # after reload() or refresh() applied new rows
    total_changed = Signal(int)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.rows: list[dict[str, Any]] = []
        self.total = 0
        self._generation = 0
        self._fetching: asyncio.Task[Any] | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self.pages_fetched = 0

    # ── what a subclass provides (ReviewModel, WorkspaceModel) ────────────
    async def load_page(self, offset: int, limit: int) -> list[dict[str, Any]]:
        """``limit`` rows from ``offset``, in display order (the subclass's SQL query)."""
        raise NotImplementedError(f"{type(self).__name__} must say how to load a page")

    async def load_total(self) -> int:
        """How many rows there are (the subclass's COUNT query)."""
        raise NotImplementedError(f"{type(self).__name__} must say how to count its rows")

    def key(self, row: dict[str, Any]) -> Hashable:
        return row["id"]

    def display(self, row: dict[str, Any], column: int) -> str:
        return str(row.get(self.columns[column].lower()) or "")

    def role_data(self, row: dict[str, Any], column: int, role: int) -> Any:
        """Other roles (font, tooltip, …) for subclasses."""
        return None

    # ── Qt model ──────────────────────────────────────────────────────────
    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.columns[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(row, index.column())
        if role == ROW:
            return row
        return self.role_data(row, index.column(), role)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:
        return not parent.isValid() and self._fetching is None and len(self.rows) < self.total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:
        if not self.canFetchMore(parent):
            return
        generation, offset = self._generation, len(self.rows)
        self._fetching = self._start(self.load_page(offset, self.page_size),
                                     lambda rows: self._append(generation, offset, rows))

    # ── loading ───────────────────────────────────────────────────────────
    @property
    def busy(self) -> bool:
        return bool(self._tasks)

    def _start(self, coro: Any, on_success: Any) -> asyncio.Task[Any] | None:
        task = operations.run(coro, on_success, self._failed, parent=self)
        if task is not None:  # None: the app is shutting down
            self._tasks.add(task)
            task.add_done_callback(self._ended)
        return task

    def _ended(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if task is self._fetching:
            self._fetching = None

    def _failed(self, exc: BaseException) -> None:
        import logging

        logging.getLogger(__name__).warning("ui.model.load_failed error=%s", operations.describe(exc), exc_info=exc)

    def _append(self, generation: int, offset: int, rows: list[dict[str, Any]]) -> None:
        self._fetching = None
        if generation != self._generation or offset != len(self.rows):
            return
        self.pages_fetched += 1
        if not rows:  # the store has fewer rows than counted (they changed meanwhile)
            self._set_total(len(self.rows))
            return
        self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(rows) - 1)
        self.rows.extend(rows)
        self.endInsertRows()
        if len(self.rows) > self.total:
            self._set_total(len(self.rows))

    def _set_total(self, total: int) -> None:
        if total != self.total:
            self.total = total
            self.total_changed.emit(total)

    async def _first(self, size: int) -> tuple[int, list[dict[str, Any]]]:
        total = await self.load_total()
        rows = await self.load_page(0, size) if total else []
        return total, rows

    def reload(self) -> asyncio.Task[Any] | None:
        """Start over: count, then the first page (the old rows stay until they arrive)."""
        self._generation += 1
        generation = self._generation
        return self._start(self._first(self.page_size), lambda result: self._replace(generation, *result))

    def refresh(self) -> asyncio.Task[Any] | None:
        """Refetch the count and the rows already loaded (not more): for changes made elsewhere."""
        self._generation += 1
        generation = self._generation
        size = max(len(self.rows), self.page_size)
        return self._start(self._first(size), lambda result: self._replace(generation, *result))

    def _replace(self, generation: int, total: int, rows: list[dict[str, Any]]) -> None:
        if generation != self._generation:
            return
        old = [self.key(r) for r in self.rows]
        new = [self.key(r) for r in rows]
        if old and new[:len(old)] == old:  # the same rows (and maybe more after them): keep the view's selection
            self.rows[:] = rows[:len(old)]
            self.dataChanged.emit(self.index(0, 0), self.index(len(old) - 1, len(self.columns) - 1))
            if len(rows) > len(old):
                self.beginInsertRows(QModelIndex(), len(old), len(rows) - 1)
                self.rows.extend(rows[len(old):])
                self.endInsertRows()
        elif old == new:
            self.rows = rows
        else:
            self.beginResetModel()
            self.rows = rows
            self.endResetModel()
        self._set_total(total)
        self.loaded.emit()

    async def settled(self, timeout: float = 30.0) -> None:
        """Wait until no load of this model is in flight (tests, the benchmark)."""
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while self._tasks:
            await asyncio.wait(set(self._tasks), timeout=max(0.01, end - loop.time()))
            await asyncio.sleep(0)
            if loop.time() > end:
                raise TimeoutError("the model is still loading")

    async def fetch_until(self, count: int) -> None:
        """Page rows in until ``count`` are loaded or there are no more (select-all, tests)."""
        while len(self.rows) < min(count, self.total):
            await self.settled()
            if not self.canFetchMore():
                break
            self.fetchMore()
            await self.settled()

    # ── row-level changes ────────────────────────────────────────────────
    def row_of(self, key: Hashable) -> int:
        return next((i for i, r in enumerate(self.rows) if self.key(r) == key), -1)

    def remove_keys(self, keys: Iterable[Hashable]) -> int:
        """Drop the loaded rows with these keys (contiguous runs removed together); returns how many."""
        gone = set(keys)
        doomed = [i for i, r in enumerate(self.rows) if self.key(r) in gone]
        if not doomed:
            return 0
        ranges: list[list[int]] = []
        for i in doomed:
            if ranges and ranges[-1][1] == i - 1:
                ranges[-1][1] = i
            else:
                ranges.append([i, i])
        self._generation += 1  # a page in flight was counted against the old rows
        if len(ranges) > 64 or len(doomed) > 500:  # scattered or many: one reset beats row-by-row bookkeeping
            self.beginResetModel()
            self.rows = [r for r in self.rows if self.key(r) not in gone]
            self.endResetModel()
        else:
            for first, last in reversed(ranges):
                self.beginRemoveRows(QModelIndex(), first, last)
                del self.rows[first:last + 1]
                self.endRemoveRows()
        self._set_total(max(len(self.rows), self.total - len(doomed)))
        return len(doomed)
