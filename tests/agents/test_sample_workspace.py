"""The rules engine on resources/sample-workspace/: an exact, fixed set of suggestions."""

from __future__ import annotations

import os
import shutil
from datetime import date, datetime
from pathlib import Path

import pytest

from agents.config import AgentConfig, save_agent
from agents.resources import resource_path
from agents.rules import RulesEngine
from agents.runner import Runner

ACME, BLUEBIRD = "Acme Corp", "Bluebird Studio"

EXPECTED_PROJECTS = {ACME, BLUEBIRD}
EXPECTED_TASKS = {
    # (title, project, state, due date)
    ("Chase AP about invoice #2026-038 if unpaid", ACME, "ToDo", "2026-12-03"),
    ("Update the rate card for 2027 before sending the final invoice", ACME, "ToDo", None),
    ("Check whether the rush fee needs VAT", ACME, "ToDo", None),
    ("Share the revised moodboard with Dana", ACME, "ToDo", "2026-11-25"),
    ("Ask Marco for the app icon specs", ACME, "ToDo", None),
    ("Draft the packaging dieline checklist", ACME, "ToDo", None),
    ("Send the signed contract back", ACME, "Completed", None),
    ("Book a studio day for the product photos", ACME, "ToDo", "2026-12-09"),
    ("Send revised quote", ACME, "ToDo", "2026-12-04"),
    # "AI:" is an action marker (labeling guide, docs/EXTRACTION.md)
    ("Marco to check the print budget with finance", ACME, "ToDo", None),
    ("Confirm the print vendor with Dana", ACME, "ToDo", None),
    ("Audit the current Etsy listings", BLUEBIRD, "Completed", None),
    ("Sitemap and page list approved", BLUEBIRD, "Completed", None),
    ("Wireframes for home, shop and workshops", BLUEBIRD, "ToDo", "2026-12-08"),
    # listed a second time further down, without the date: an item listed twice is two items
    ("Wireframes for home, shop and workshops", BLUEBIRD, "ToDo", None),
    ("Write alt text for the product photos", BLUEBIRD, "ToDo", None),
    ("Set up the booking form (Cal.com embed)", BLUEBIRD, "ToDo", None),
    ("Collect product photos from Ana", BLUEBIRD, "Completed", None),
    ("Send final files to Harbor Books", None, "Completed", None),
    ("Ask Harbor Books for a testimonial", None, "ToDo", None),
    ("Delete the old Dropbox share", None, "ToDo", None),
    ("Renew professional indemnity insurance", None, "ToDo", "2026-12-01"),
    ("Book the dentist", None, "ToDo", None),
    ("Back up the laptop to the external drive", None, "ToDo", None),
}
EXPECTED_TIMELINES = {
    ("Kickoff call", ACME, "2026-11-12"),
    ("Moodboards and direction", ACME, "2026-11-27"),
    ("First logo concepts", ACME, "2026-12-04"),
    ("Launch event at the Market Street café", ACME, "2027-02-06"),
    ("Final delivery", ACME, "2026-12-15"),
    ("Packaging print files", ACME, "2027-01-22"),
    ("Beta launch", BLUEBIRD, "2027-01-12"),
    ("Go-live", BLUEBIRD, "2027-01-26"),
    ("Design sign-off", BLUEBIRD, "2026-12-18"),
    ("Delivery: Harbor Books picture book files", None, "2025-06-30"),
    ("Send bookkeeping spreadsheet to the accountant", None, "2027-01-24"),
    # "… is due 31 Jan 2027; the accountant …" on line 3 is a deadline, not the note's own date
    ("The quarterly VAT return for Q4", None, "2027-01-31"),
    # The labeling guide (docs/EXTRACTION.md): a dated action item or checkbox is a task and a milestone;
    # "Next call" is a next meeting; a deadline stated in prose is a milestone.
    ("Chase AP about invoice #2026-038 if unpaid", ACME, "2026-12-03"),
    ("Share the revised moodboard with Dana", ACME, "2026-11-25"),
    ("Book a studio day for the product photos", ACME, "2026-12-09"),
    ("Send revised quote", ACME, "2026-12-04"),
    ("Next call at 10:00 to walk through the first concepts", ACME, "2026-12-02"),
    ("Wireframes for home, shop and workshops", BLUEBIRD, "2026-12-08"),
    ("Workshop page copy is due from Ana so keep that section flexible", BLUEBIRD, "2026-12-11"),
    ("Renew professional indemnity insurance", None, "2026-12-01"),
}
EXPECTED_NOTES = {
    ("Invoices — Acme Corp", ACME),
    ("Call with Acme Corp — 18 Nov 2026", ACME),
    ("Acme Corp — Brand refresh", ACME),
    ("Bluebird Studio — website redesign", BLUEBIRD),
    ("Old notes (2025)", None),
    ("Personal admin", None),
}


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = Path(shutil.copytree(resource_path("sample-workspace"), tmp_path / "Clients"))
    # The files were last edited just before "today": a document without a date of its own reads
    # its year-less dates against its modification day, not against the checkout's.
    stamp = datetime(2026, 11, 20, 12, 0).timestamp()
    for path in root.rglob("*"):
        os.utime(path, (stamp, stamp))
    return root


async def _snapshot(store):
    names = {r["id"]: r["name"] for r in await store.fetchall("SELECT id, name FROM projects")}
    tasks = {(r["title"], names.get(r["project_id"]), r["state"], r["due_date"])
             for r in await store.fetchall("SELECT * FROM tasks")}
    timelines = {(r["title"], names.get(r["project_id"]), r["due_date"])
                 for r in await store.fetchall("SELECT * FROM timelines")}
    notes = {(r["title"], names.get(r["project_id"])) for r in await store.fetchall("SELECT * FROM notes")}
    return set(names.values()), tasks, timelines, notes


async def test_sample_workspace_gives_the_exact_expected_set(store, catalog, hub, workspace):
    """A rules run over the sample workspace suggests exactly these records; a second run adds none."""
    runner = Runner(store=store, catalog=catalog, events=hub, engines={"rules": RulesEngine()},
                    today=lambda: date(2026, 11, 21))
    agent = await save_agent(store, AgentConfig.parse({"name": "Sample", "directory_paths": [str(workspace)]}))
    row = await runner.run(agent, "manual")
    assert row["status"] == "success", row["errors"]
    assert row["items_processed"] == 6  # logo.png is binary (and not .md/.txt): never read
    projects, tasks, timelines, notes = await _snapshot(store)
    assert projects == EXPECTED_PROJECTS
    assert tasks == EXPECTED_TASKS
    assert timelines == EXPECTED_TIMELINES
    assert notes == EXPECTED_NOTES
    assert row["items_created"] == 2 + 24 + 20 + 6
    assert await store.scalar(
        "SELECT COUNT(*) FROM (SELECT id FROM tasks WHERE is_ai_suggested = 1 AND is_approved = 0 "
        "AND source_path IS NOT NULL AND run_id = ? UNION ALL SELECT id FROM notes WHERE run_id = ?)",
        (row["id"], row["id"]),
    ) == 24 + 6

    second = await save_agent(store, AgentConfig.parse({"name": "Again", "directory_paths": [str(workspace)]}))
    rerun = await runner.run(second, "manual")
    assert rerun["status"] == "success" and rerun["items_created"] == 0 and rerun["items_updated"] == 0
    assert await _snapshot(store) == (projects, tasks, timelines, notes)
