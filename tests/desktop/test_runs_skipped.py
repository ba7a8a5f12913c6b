"""The Runs view accounts for every skipped file and turns a flood into per-folder Review and Discard."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from agents.review import pending_count
from agents.review_query import Selection, counts
from desktop.ui.main_window import MainWindow
from desktop.ui.views.runs import RunsView
from desktop.ui.views.runs_detail import SKIPPED_PAGE
from tests.agents.test_review_bulk import add_run, seed
from tests.desktop.conftest import settle, until


async def _waiting(companion, **sel) -> int:
    return sum((await counts(companion.store, Selection(**sel))).values())


async def test_skipped_files_are_counted_by_reason_and_listed_a_page_at_a_time(qtbot, companion, ui, tmp_path):
    """A run's skipped files show as a count with reasons in the list and the detail, each file with its reason."""
    signals, _status = ui
    root = tmp_path / "Work"
    (root / "Acme").mkdir(parents=True)
    (root / "drafts").mkdir()
    (root / "Acme" / "notes.md").write_text("# Notes\n\n- [ ] Send the quote\n")
    (root / "drafts" / "idea.md").write_text("- [ ] Secret idea\n")
    (root / "Acme" / "huge.md").write_text("x" * 2_100_000)
    (root / "Acme" / "old.bak").write_text("- [ ] stale\n")
    for i in range(SKIPPED_PAGE + 50):
        (root / "Acme" / f"scan{i:03d}.png").write_bytes(b"\x89PNG")
    await companion.save_agent({"name": "Work", "directory_paths": [str(root)], "ignore_patterns": ["drafts/"]})
    row = await companion.run_agent("Work")
    assert row["status"] == "success"

    view = RunsView(companion=companion, signals=signals)
    qtbot.addWidget(view)
    view.show()
    await settle()
    model = view.model
    total = SKIPPED_PAGE + 50 + 1 + 1 + 1  # the pictures and the .bak: unsupported; huge.md; drafts/idea.md
    assert model.data(model.index(0, 8)) == f"{total:,}"
    expected = f"{total:,} skipped: {SKIPPED_PAGE + 51} unsupported type, 1 too large, 1 ignored"
    assert model.data(model.index(0, 8), Qt.ItemDataRole.ToolTipRole) == expected
    view.table.selectRow(0)
    await settle()
    detail = view.detail
    assert expected in detail.summary.text()
    skipped = detail.skipped
    assert skipped.isVisibleTo(view) and skipped.title.text() == f"Skipped files ({total})"
    assert skipped.tree.topLevelItemCount() == SKIPPED_PAGE
    assert skipped.more_label.text() == f"… and {total - SKIPPED_PAGE} more"
    qtbot.mouseClick(skipped.more_button, Qt.MouseButton.LeftButton)
    assert skipped.tree.topLevelItemCount() == total and not skipped.more_label.isVisibleTo(view)
    reasons = {skipped.tree.topLevelItem(i).text(0): skipped.tree.topLevelItem(i).text(1) for i in range(total)}
    assert reasons[str(root / "drafts" / "idea.md")] == "ignored"
    assert reasons[str(root / "Acme" / "huge.md")] == "too large"
    assert reasons[str(root / "Acme" / "old.bak")] == "unsupported type"
    assert not detail.flood.isVisibleTo(view)  # one suggestion is no flood


def _flood_folder(root: Path, name: str, n: int) -> None:
    folder = root / name
    folder.mkdir(parents=True)
    for part in range(0, n, 50):
        lines = "\n".join(f"- [ ] {name} step {i:03d} of the plan" for i in range(part, min(n, part + 50)))
        (folder / f"list{part:03d}.md").write_text(f"# {name} {part}\n\n{lines}\n")


async def test_a_flood_run_offers_review_and_discard_by_folder_with_undo(qtbot, companion, ui, tmp_path):
    """A run with hundreds of suggestions names its busiest folders; Review filters, Discard rejects one folder."""
    signals, status = ui
    root = tmp_path / "Inbox"
    _flood_folder(root, "Acme", 200)
    _flood_folder(root, "Beta", 150)
    await companion.save_agent({"name": "Inbox", "directory_paths": [str(root)], "data_types": ["tasks"]})
    row = await companion.run_agent("Inbox")
    run_id = row["id"]
    assert row["items_created"] > 300
    other = await add_run(companion.store, "Elsewhere")  # another run's suggestions from the same folder stay
    await seed(companion.store, 7, run_id=other, source=str(root / "Beta" / "list000.md"))
    beta = str(root / "Beta")
    beta_waiting = await _waiting(companion, run_id=run_id, source=beta)
    acme_waiting = await _waiting(companion, run_id=run_id, source=str(root / "Acme"))
    assert beta_waiting >= 150 and acme_waiting >= 200

    window = MainWindow(companion=companion, signals=signals, status=status)
    qtbot.addWidget(window)
    window.show()
    window.show_tab("runs")
    view = window.runs_view
    await settle()
    view.table.selectRow(view.model.row_of(run_id))
    await settle()
    flood = view.detail.flood
    assert flood.isVisibleTo(view)
    assert flood.heading.text().startswith(f"<b>This run suggested {row['items_created']:,} items.</b>")
    labels = [label.text() for label, _r, _d in flood.rows]
    assert labels[0].startswith("Acme — ") and labels[1].startswith("Beta — ")
    assert f"{beta_waiting:,} waiting" in labels[1]

    _label, review_button, discard_button = flood.rows[1]
    qtbot.mouseClick(review_button, Qt.MouseButton.LeftButton)
    await settle()
    review = window.review_view
    assert window.current_page() == "review"
    assert review.selection_filter() == Selection(run_id=run_id, source=beta)
    await until(lambda: review.model.total == beta_waiting, what="Review filtered to the run's Beta folder")

    window.show_tab("runs")
    before = await pending_count(companion.store)
    qtbot.mouseClick(discard_button, Qt.MouseButton.LeftButton)
    await settle()
    assert await _waiting(companion, run_id=run_id, source=beta) == 0
    assert await _waiting(companion, run_id=run_id, source=str(root / "Acme")) == acme_waiting
    assert await _waiting(companion, run_id=other) == 7
    assert await pending_count(companion.store) == before - beta_waiting
    assert window.undo_bar.isVisible() and f"Discarded {beta_waiting} suggestions" in window.undo_bar.label.text()
    await until(lambda: "0 waiting" in flood.rows[1][0].text(), what="the notice's count follows")
    assert not flood.rows[1][2].isEnabled()

    qtbot.mouseClick(window.undo_bar.undo_button, Qt.MouseButton.LeftButton)
    await settle()
    assert await _waiting(companion, run_id=run_id, source=beta) == beta_waiting
    assert await pending_count(companion.store) == before
    await until(lambda: not review._changed_timer.isActive(), what="Review's refresh after the undo")
    await settle()  # nothing of this window is left to fire in the next test
