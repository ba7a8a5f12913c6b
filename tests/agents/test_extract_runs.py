"""Rules runs on real folders: no flood, every skipped file accounted for, ignore patterns, suggestion identity."""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path

import pytest

from agents.config import AgentConfig, save_agent
from agents.review import Review
from agents.rules import FLOOD, RulesEngine, summarise
from agents.runner import Runner, RunStats

TODAY = date(2026, 11, 21)


def _runner(store, catalog, hub) -> Runner:
    return Runner(store=store, catalog=catalog, events=hub, engines={"rules": RulesEngine()}, today=lambda: TODAY)


async def _agent(store, folder: Path, name: str = "A", **fields) -> AgentConfig:
    return await save_agent(store, AgentConfig.parse({"name": name, "directory_paths": [str(folder)], **fields}))


async def _titles(store, table: str) -> list[str]:
    rows = await store.fetchall(f"SELECT title FROM {table} WHERE deleted_at IS NULL AND rejected_at IS NULL "
                                "ORDER BY title")
    return [r["title"] for r in rows]


def _documentation_tree(root: Path, files: int) -> None:
    """README/doc-like files: headings, prose, code with TODOs, changelogs with dates, templates, licenses."""
    for i in range(files):
        folder = root / f"pkg{i % 30:02d}" / ("docs" if i % 2 else "")
        folder.mkdir(parents=True, exist_ok=True)
        kind = i % 6
        if kind == 0:
            text = (f"# Package {i}\n\nA library that does thing {i}.\n\n## Install\n\n```sh\npip install pkg{i}\n"
                    "# TODO: pin the version\n```\n\n## Usage\n\n    - [ ] indented example\n\n"
                    "Released on March 3, 2021. See https://example.com/2024/03/05/notes.\n")
        elif kind == 1:
            text = (f"# Changelog\n\n## [1.{i}.0] - 2021-03-04\n### Fixed\n- Crash on start\n\n"
                    f"## [1.{i - 1}.0] - 2021-01-15\n- Released on January 15, 2021\n\n"
                    "## v1.0.0 (2020-12-01)\n- Initial release\n")
        elif kind == 2:
            text = ("## Description\n\n<!-- Describe your change -->\n\n## Checklist\n\n- [ ] Tests added\n"
                    "- [ ] Docs updated\n- [ ] Changelog entry\n")
        elif kind == 3:
            text = (f"# tool{i}\n\n> Manage a to-do list.\n\n- Add a new task:\n\n`todo new {{{{task}}}}`\n\n"
                    "- List tasks:\n\n`todo list`\n")
        elif kind == 4:
            text = ("MIT License\n\nCopyright (c) 2015-2020 The Authors\n\nPermission is hereby granted, free of "
                    "charge, to any person obtaining a copy of this software.\n")
        else:
            text = (f"# Design notes {i}\n\nHow the cache works. We discussed eviction on 2019-05-02 and "
                    "decided on LRU.\n\n## API\n\n| Method | Since |\n|---|---|\n| get | 1.2 |\n")
        name = f"PULL_REQUEST_TEMPLATE_{i}.md" if kind == 2 else (f"LICENSE-{i}.txt" if kind == 4 else f"doc{i:03d}.md")
        (folder / name).write_text(text, encoding="utf-8")


async def test_documentation_tree_gives_fewer_than_one_suggestion_per_hundred_files(store, catalog, hub, tmp_path):
    """300 README/doc-like files (headings, code, changelog dates, templates, licenses): fewer than 3 suggestions."""
    root = tmp_path / "docs-tree"
    _documentation_tree(root, 300)
    row = await _runner(store, catalog, hub).run(await _agent(store, root, data_types=["tasks", "timelines", "notes"]))
    assert row["status"] == "success", row["errors"]
    assert row["items_processed"] == 300
    assert row["items_created"] < 3, (await _titles(store, "tasks"), await _titles(store, "timelines"),
                                      await _titles(store, "notes"))


def test_a_flooding_first_run_says_so_and_groups_by_folder():
    """A first run over FLOOD suggestions says so in its summary and keeps the counts by folder in its details."""
    stats = RunStats(processed=900, created=FLOOD + 50)
    text = summarise(stats, {"a": 200, "b": 150, "": 0}, first_run=True)
    assert "many suggestions" in text and "a 200" in text and "b 150" in text
    assert stats.details["flood"] is True and stats.details["suggestions_by_folder"]["a"] == 200
    quiet = RunStats(processed=900, created=FLOOD + 50)
    assert "many" not in summarise(quiet, {"a": 350}, first_run=False) and "flood" not in quiet.details


async def test_every_skipped_file_is_counted_with_its_reason(store, catalog, hub, tmp_path):
    """Unsupported types, too-large files, .gitignore'd and pattern-ignored files are counted and listed by reason."""
    root = tmp_path / "work"
    (root / "build").mkdir(parents=True)
    (root / "notes").mkdir()
    (root / ".gitignore").write_text("build/\n*.log.md\n", encoding="utf-8")
    (root / "notes" / ".gitignore").write_text("secret.md\n", encoding="utf-8")
    (root / "todo.md").write_text("# Todo\n\n- [ ] Buy milk\n", encoding="utf-8")
    (root / "build" / "out.md").write_text("- [ ] not me\n", encoding="utf-8")
    (root / "run.log.md").write_text("- [ ] not me\n", encoding="utf-8")
    (root / "notes" / "secret.md").write_text("- [ ] not me\n", encoding="utf-8")
    (root / "notes" / "drafts.md").write_text("- [ ] not me\n", encoding="utf-8")
    (root / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00")
    (root / "huge.md").write_text("- [ ] x\n" * 300_000, encoding="utf-8")
    agent = await _agent(store, root, ignore_patterns=["notes/drafts.md"])
    row = await _runner(store, catalog, hub).run(agent)
    assert row["status"] == "success", row["errors"]
    assert await _titles(store, "tasks") == ["Buy milk"]
    reasons = {Path(s["path"]).name: s["reason"] for s in row["details"]["skipped"]}
    assert reasons == {"out.md": "ignored", "run.log.md": "ignored", "secret.md": "ignored",
                       "drafts.md": "ignored", "picture.png": "unsupported type", "huge.md": "too large"}
    assert "skipped 6 files (1 unsupported type, 1 too large, 4 ignored)" in row["summary"]
    stored = await store.fetchone("SELECT details FROM agent_runs WHERE id = ?", (row["id"],))
    assert '"reason": "ignored"' in stored["details"]


def _touch(path: Path, text: str, when: datetime) -> None:
    path.write_text(text, encoding="utf-8")
    os.utime(path, (when.timestamp(), when.timestamp()))


async def test_reviewed_suggestions_are_never_suggested_again_and_edited_sources_update(store, catalog, hub, tmp_path):
    """Approved, edited or rejected items stay reviewed while their source line is unchanged; an edited line
    updates its still-unreviewed item instead of adding one."""
    root = tmp_path / "lists"
    root.mkdir()
    doc = root / "todo.md"
    text = "# Todo\n\n- [ ] Buy milk\n- [ ] Call the bank\n- [ ] Book the dentist\n- [ ] Fix the bike\n"
    _touch(doc, text, datetime(2026, 11, 20, 9))
    runner = _runner(store, catalog, hub)
    await runner.run(await _agent(store, root))
    rows = {r["title"]: r["id"] for r in await store.fetchall("SELECT id, title FROM tasks")}
    assert set(rows) == {"Buy milk", "Call the bank", "Book the dentist", "Fix the bike"}
    review = Review(store=store)
    await review.approve("tasks", rows["Buy milk"])
    await review.reject("tasks", rows["Call the bank"])
    await store.execute("UPDATE tasks SET title = 'Dentist, Tuesday', is_approved = 1 WHERE id = ?",
                        (rows["Book the dentist"],))
    # Reworded source line for the still-unreviewed item; the others unchanged.
    _touch(doc, text.replace("Fix the bike", "Fix the bike's brakes"), datetime(2026, 11, 22, 9))
    second = await runner.run(await _agent(store, root, name="B"))
    assert second["status"] == "success" and second["items_created"] == 0, second
    assert second["items_updated"] == 1
    live = await _titles(store, "tasks")
    assert live == ["Buy milk", "Dentist, Tuesday", "Fix the bike's brakes"]
    assert await store.scalar("SELECT COUNT(*) FROM tasks") == 4


async def test_a_new_source_line_is_a_new_suggestion(store, catalog, hub, tmp_path):
    """A line added to a file is suggested; an unchanged rerun suggests nothing."""
    root = tmp_path / "lists"
    root.mkdir()
    doc = root / "todo.md"
    _touch(doc, "# Todo\n\n- [ ] Buy milk\n", datetime(2026, 11, 20, 9))
    runner = _runner(store, catalog, hub)
    agent = await _agent(store, root)
    await runner.run(agent)
    _touch(doc, "# Todo\n\n- [ ] Buy milk\n- [ ] Buy bread\n", datetime(2026, 11, 22, 9))
    again = await runner.run(await _agent(store, root, name="B"))
    assert again["items_created"] == 1
    assert await _titles(store, "tasks") == ["Buy bread", "Buy milk"]


@pytest.mark.parametrize("pattern", ["*.md", "/todo.md", "**/todo.md"])
async def test_ignore_patterns_use_gitignore_syntax(store, catalog, hub, tmp_path, pattern):
    """An agent's ignore patterns are .gitignore patterns."""
    root = tmp_path / "w"
    root.mkdir()
    (root / "todo.md").write_text("- [ ] Buy milk\n", encoding="utf-8")
    row = await _runner(store, catalog, hub).run(await _agent(store, root, ignore_patterns=[pattern]))
    assert row["items_processed"] == 0 and row["details"]["skipped"][0]["reason"] == "ignored"


async def test_a_suggested_milestone_carries_the_line_it_was_read_from(store, catalog, hub, tmp_path):
    """The review queue shows where a date came from: a timeline suggestion's description is its source line
    (links and emphasis unwrapped, a table row's cells joined); a line that is only its title adds nothing;
    an unchanged rerun leaves the suggestion as it is."""
    root = tmp_path / "plan"
    root.mkdir()
    _touch(root / "plan.md", "# Launch plan 2026-11-20\n\n- **Code freeze** on [Dec 4](https://x.org/c) for all PRs\n"
           "- Launch: December 14th\n\n| Milestone | Date |\n|---|---|\n| Beta | Dec 9 |\n",
           datetime(2026, 11, 20, 9))
    runner = _runner(store, catalog, hub)
    await runner.run(await _agent(store, root, data_types=["timelines"]))
    rows = await store.fetchall("SELECT title, description FROM timelines WHERE deleted_at IS NULL ORDER BY due_date")
    assert [(r["title"], r["description"]) for r in rows] == [
        ("Code freeze for all PRs", "Code freeze on Dec 4 for all PRs"), ("Beta", "Beta · Dec 9"),
        ("Launch", "Launch: December 14th")]
    again = await runner.run(await _agent(store, root, name="B", data_types=["timelines"]))
    assert again["items_created"] == 0 and again["items_updated"] == 0
