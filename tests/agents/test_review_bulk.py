"""Review batches: set-based approve/reject/discard/restore over filters, each undone in one step."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from agents import calls, review_query
from agents.errors import ErrorType, InvalidReviewRequest, ReviewNotFound
from agents.review import Review, pending_count
from agents.review_query import NO_PROJECT, Selection
from agents.store import Store, iso, new_id, utcnow


async def seed(store: Store, n: int, *, kind: str = "tasks", project_id: str | None = None,
               run_id: str | None = None, source: str | None = None, prefix: str = "S") -> list[str]:
    """Insert ``n`` waiting suggestions straight into the table (fast; what a long run leaves behind)."""
    title = "name" if kind == "projects" else "title"
    cols = [title, "is_ai_suggested", "is_approved", "source_path", "run_id", "created_at", "updated_at", "id"]
    if kind != "projects":
        cols.append("project_id")
    ids = [new_id() for _ in range(n)]
    base = datetime.now(UTC)
    rows = []
    for i, record_id in enumerate(ids):
        now = iso(base + timedelta(milliseconds=i))  # oldest first in their own order
        row = [f"{prefix} {i:06d}", 1, 0, source, run_id, now, now, record_id]
        if kind != "projects":
            row.append(project_id)
        rows.append(row)

    def insert(conn):
        conn.executemany(f"INSERT INTO {kind} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", rows)

    await store.run(insert, begin="IMMEDIATE")
    return ids


async def add_run(store: Store, agent_name: str) -> str:
    run_id = new_id()
    await store.execute(
        "INSERT INTO agent_runs (id, agent_name, trigger, engine, status, started_at) "
        "VALUES (?, ?, 'manual', 'rules', 'success', ?)", (run_id, agent_name, utcnow()))
    return run_id


async def test_reject_all_matching_is_one_batch_and_undo_brings_every_row_back(store, hub, events):
    """Rejecting 3,000 filtered suggestions is one batch; undo restores exactly those rows in one step."""
    await seed(store, 3000, source="/c/acme/a.md", prefix="Acme")
    others = await seed(store, 5, kind="notes", source="/c/other/b.md")
    r = Review(store=store, events=hub)
    batch = await r.decide("reject", Selection(source="/c/acme"))
    assert batch.count == 3000 and batch.by_kind == (("tasks", 3000),)
    assert await pending_count(store) == 5
    assert await store.scalar("SELECT COUNT(*) FROM review_batches") == 1
    announced = [p for name, p in events if name == "review_did_change"]
    assert announced[-1]["pending"] == 5 and announced[-1]["count"] == 3000
    assert len([1 for name, _ in events if name == "record_did_change"]) == 1  # one per kind, not per row
    undone = await r.undo()
    assert undone is not None and undone.id == batch.id and undone.count == 3000
    assert await pending_count(store) == 3005
    assert await r.undo() is None  # nothing left to undo
    rejected = await store.scalar("SELECT COUNT(*) FROM notes WHERE rejected_at IS NOT NULL AND id = ?", (others[0],))
    assert rejected == 0


async def test_undo_of_a_rejected_project_refiles_its_records(store, catalog):
    """Rejecting a project detaches its records; undoing puts them back under it."""
    p = (await calls.invoke(catalog, "create_project", {"name": "Maybe", "is_ai_suggested": True}))["id"]
    t = (await calls.invoke(catalog, "create_task", {"title": "T", "project_id": p, "is_ai_suggested": True}))["id"]
    r = Review(store=store)
    await r.decide("reject", Selection(ids=(p,)))
    assert await store.scalar("SELECT project_id FROM tasks WHERE id = ?", (t,)) is None
    await r.undo()
    assert await store.scalar("SELECT project_id FROM tasks WHERE id = ?", (t,)) == p
    assert await store.scalar("SELECT rejected_at FROM projects WHERE id = ?", (p,)) is None


async def test_restore_brings_a_rejection_back_and_refiles_records(store, catalog):
    """A rejected project restored from the Rejected list is waiting again, its records filed back."""
    p = (await calls.invoke(catalog, "create_project", {"name": "Maybe", "is_ai_suggested": True}))["id"]
    t = (await calls.invoke(catalog, "create_task", {"title": "T", "project_id": p, "is_ai_suggested": True}))["id"]
    r = Review(store=store)
    await r.reject("projects", p)
    assert (await review_query.counts(store, Selection(state="rejected")))["projects"] == 1
    batch = await r.restore([p])
    assert batch.action == "restore" and batch.count == 1
    assert await store.scalar("SELECT project_id FROM tasks WHERE id = ?", (t,)) == p
    assert (await review_query.counts(store, Selection()))["projects"] == 1
    await r.undo()  # undoing the restore rejects it again
    assert await store.scalar("SELECT rejected_at IS NOT NULL FROM projects WHERE id = ?", (p,)) == 1
    assert await store.scalar("SELECT project_id FROM tasks WHERE id = ?", (t,)) is None


async def test_discard_run_rejects_only_that_runs_waiting_suggestions(store):
    """Discarding a run rejects its waiting suggestions and leaves another run's alone; undo reverts it."""
    a, b = await add_run(store, "Client work"), await add_run(store, "Inbox")
    await seed(store, 40, run_id=a)
    await seed(store, 7, kind="notes", run_id=b)
    r = Review(store=store)
    batch = await r.discard_run(a)
    assert batch.action == "discard" and batch.count == 40
    assert await pending_count(store) == 7
    await r.undo(batch.id)
    assert await pending_count(store) == 47


async def test_unknown_ids_change_nothing(store):
    """A selection naming an id that does not exist is not_found and changes no row."""
    ids = await seed(store, 3)
    with pytest.raises(ReviewNotFound) as info:
        await Review(store=store).decide("approve", Selection(ids=(ids[0], "missing")))
    assert info.value.error_type == ErrorType.NOT_FOUND and info.value.details == {"missing": ["missing"]}
    assert await pending_count(store) == 3
    assert await store.scalar("SELECT COUNT(*) FROM review_batches") == 0


async def test_pages_counts_and_filters(store):
    """Pages come sorted and sliced by SQL; counts and filters (agent, project, search, kind) agree."""
    run = await add_run(store, "Client work")
    p = (await seed(store, 1, kind="projects", prefix="Acme"))[0]
    await seed(store, 250, project_id=p, run_id=run, prefix="Quote")
    await seed(store, 30, kind="notes", prefix="Memo")
    assert await review_query.counts(store, Selection()) == {"projects": 1, "tasks": 250, "timelines": 0, "notes": 30}
    assert sum((await review_query.counts(store, Selection(agent="client work"))).values()) == 250
    assert sum((await review_query.counts(store, Selection(project_id=p))).values()) == 250
    assert sum((await review_query.counts(store, Selection(project_id=NO_PROJECT))).values()) == 30
    assert (await review_query.counts(store, Selection(search="memo 00002")))["notes"] == 10
    first = await review_query.page(store, Selection(kind="tasks"), offset=0, limit=100, sort="title")
    second = await review_query.page(store, Selection(kind="tasks"), offset=100, limit=100, sort="title")
    assert len(first) == 100 and first[0]["title"] == "Quote 000000" and second[0]["title"] == "Quote 000100"
    assert first[0]["project_name"] == "Acme 000000" and first[0]["agent_name"] == "Client work"
    by_agent = await review_query.page(store, Selection(), limit=5, sort="agent", descending=True)
    assert by_agent[0]["agent_name"] == "Client work"
    with pytest.raises(InvalidReviewRequest):
        Selection(kind="bogus")


async def test_a_record_rejected_with_its_project_comes_back_standalone_alone(store, catalog):
    """Rejected together, a task keeps its project; restored alone it is standalone; undo files it back."""
    p = (await calls.invoke(catalog, "create_project", {"name": "Maybe", "is_ai_suggested": True}))["id"]
    t = (await calls.invoke(catalog, "create_task", {"title": "T", "project_id": p, "is_ai_suggested": True}))["id"]
    r = Review(store=store)
    await r.reject_all()
    assert await store.scalar("SELECT project_id FROM tasks WHERE id = ?", (t,)) == p
    await r.restore([t])
    assert await store.scalar("SELECT project_id FROM tasks WHERE id = ?", (t,)) is None
    await r.undo()
    row = await store.fetchone("SELECT project_id, rejected_at IS NOT NULL AS rejected FROM tasks WHERE id = ?", (t,))
    assert row == {"project_id": p, "rejected": 1}
    await r.undo()  # the rejection of both
    assert await pending_count(store) == 2


def test_review_query_kinds_match_the_record_tools():
    """The review queries' title/text columns are the record tools' (kept apart so the CLI skips pydantic)."""
    from agents.review_query import KINDS as QUERY_KINDS
    from agents.tools.records import KINDS

    assert {k: (v.title_column, v.text_column) for k, v in KINDS.items()} == {
        k: (v.title_column, v.text_column) for k, v in QUERY_KINDS.items()}
