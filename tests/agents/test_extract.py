"""The rules engine's pure extraction: tasks, milestones, notes, titles and project folders."""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from agents.extract import (
    MAX_SUMMARY,
    MAX_TITLE,
    ExtractedMilestone,
    ExtractedNote,
    ExtractedTask,
    FileExtraction,
    extract_text,
    humanise_stem,
    normalise_title,
    project_name_for_folder,
)
from agents.resources import resource_path

REF = date(2026, 11, 21)
SAMPLE = resource_path("sample-workspace")


def run(text: str, *, filename: str = "notes.md", reference_date: date = REF) -> FileExtraction:
    return extract_text(text, filename=filename, reference_date=reference_date)


def tasks(text: str, **kw) -> list[tuple[str, bool, str | None]]:
    return [(t.title, t.completed, t.due_date) for t in run(text, **kw).tasks]


def milestones(text: str, **kw) -> list[tuple[str, str]]:
    return [(m.title, m.date) for m in run(text, **kw).milestones]


# --- tasks ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("- [ ] Send the draft", ("Send the draft", False, None)),
        ("* [ ] Send the draft", ("Send the draft", False, None)),
        ("+ [ ] Send the draft", ("Send the draft", False, None)),
        ("1. [ ] Send the draft", ("Send the draft", False, None)),
        ("    - [ ] Nested item", ("Nested item", False, None)),
        ("- [x] Sent the draft", ("Sent the draft", True, None)),
        ("- [X] Sent the draft", ("Sent the draft", True, None)),
        ("TODO: call the bank", ("Call the bank", False, None)),
        ("TODO call the bank", ("Call the bank", False, None)),
        ("TODO - call the bank", ("Call the bank", False, None)),
        ("- TODO: call the bank", ("Call the bank", False, None)),
        ("todo: call the bank", ("Call the bank", False, None)),
        ("To do: call the bank", ("Call the bank", False, None)),
        ("To-do: call the bank", ("Call the bank", False, None)),
        ("Action item: ask Anna for the logo", ("Ask Anna for the logo", False, None)),
        ("**Action item:** ask Anna for the logo", ("Ask Anna for the logo", False, None)),
        ("- Action item - ask Anna for the logo", ("Ask Anna for the logo", False, None)),
    ],
)
def test_task_markers(line, expected):
    """Checkboxes, TODO lines and Action item lines each give one task."""
    assert tasks(line) == [expected]


@pytest.mark.parametrize(
    "line",
    [
        "AI: Marco to check the print budget",
        "FIXME: the header",
        "We keep a TODOs file for this.",
        "Remember the todo list on the fridge.",
        "See [x] in the legend.",
        "- [ ]",
        "-[ ] no space after the bullet",
        "[ ] no bullet before the box",
        "- [ ] ???",
        "Things to do this week include resting.",
    ],
)
def test_not_tasks(line):
    """AI:, FIXME:, TODO inside words or prose, and malformed or empty checkboxes are not tasks."""
    assert run(line).tasks == ()


def test_action_items_block_gives_each_bullet():
    """The bullets under 'Action items:' are tasks until the first other line; wrapped lines stay."""
    text = (
        "Notes from the call\n"
        "\n"
        "Action items:\n"
        "- Share the moodboard\n"
        "  with Dana and Marco\n"
        "* Ask for the icon specs\n"
        "1. Draft the checklist\n"
        "\n"
        "- [x] Send the contract\n"
        "Back to prose here.\n"
        "- Not an action item\n"
    )
    assert tasks(text) == [
        ("Share the moodboard", False, None),
        ("Ask for the icon specs", False, None),
        ("Draft the checklist", False, None),
        ("Send the contract", True, None),
    ]
    assert [t.line for t in run(text).tasks] == [4, 6, 7, 9]


@pytest.mark.parametrize(
    "header",
    ["Action items:", "ACTION ITEMS", "**Action items:**", "## Action items", "### Action items (Dana):", "TODO:",
     "## To do"],
)
def test_block_headers(header):
    """Action-item lines, headings and a bare TODO heading all open a list of tasks."""
    assert tasks(f"{header}\n- First thing\n- Second thing\n") == [
        ("First thing", False, None),
        ("Second thing", False, None),
    ]


def test_block_ends_at_heading():
    """A heading after an action-item list ends it."""
    text = "Action items:\n- One\n## Later\n- Plain bullet\n"
    assert tasks(text) == [("One", False, None)]


# --- titles ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "title"),
    [
        ("- [ ] **Bold** and _em_ and *star* and ~~gone~~", "Bold and em and star and gone"),
        ("- [ ] Read [the brief](https://example.com/brief) and `notes.md`", "Read the brief and notes.md"),
        ("- [ ] Link the [[Project Brief|brief]] and [[Timeline]]", "Link the brief and Timeline"),
        ("- [ ] Send the quote.", "Send the quote"),
        ("- [ ] Send the quote!!", "Send the quote"),
        ("- [ ] Send the quote;", "Send the quote"),
        ("- [ ] Ask about fonts?", "Ask about fonts?"),
        ("- [ ] Set up the form (Cal.com embed)", "Set up the form (Cal.com embed)"),
        ("- [ ]   lots    of   space   ", "Lots of space"),
        ("- [ ] iPhone test pass", "iPhone test pass"),
        ("- [ ] snake_case_name stays", "snake_case_name stays"),
    ],
)
def test_title_cleaning(line, title):
    """Titles lose markdown emphasis, links, code ticks and trailing punctuation; a plain first word is capitalised."""
    assert run(line).tasks[0].title == title


def test_long_title_is_cut_at_a_word():
    """A title over 200 characters is cut at a word boundary and ends with an ellipsis."""
    title = run("- [ ] " + "word " * 100).tasks[0].title
    assert len(title) <= MAX_TITLE and title.endswith("…") and title[:-1].endswith("word")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("TODO: send revised quote by Dec 4", ("Send revised quote", "2026-12-04")),
        ("- [ ] Book a studio day (due 2026-12-09)", ("Book a studio day", "2026-12-09")),
        ("- [ ] Book a studio day (due 2026-12-09).", ("Book a studio day", "2026-12-09")),
        ("- [ ] Book a studio day [Dec 9]", ("Book a studio day", "2026-12-09")),
        ("- [ ] Wireframes — by Dec 8", ("Wireframes", "2026-12-08")),
        ("- [ ] Wireframes due: December 8th", ("Wireframes", "2026-12-08")),
        ("- [ ] Wireframes — Dec 8", ("Wireframes", "2026-12-08")),
        ("- [ ] Wireframes 8 Dec 2026", ("Wireframes", "2026-12-08")),
        ("- [ ] Call Anna on Friday, Dec 4", ("Call Anna", "2026-12-04")),
        ("- [ ] Dec 4: send the draft", ("Send the draft", "2026-12-04")),
        ("- [ ] Ship v2 by Dec 4 and tell Anna", ("Ship v2 and tell Anna", "2026-12-04")),
        ("- [ ] Review Dec 1 notes and send by Dec 4", ("Review Dec 1 notes and send", "2026-12-04")),
        ("- [ ] Review the 2026-11-18 notes with Dana", ("Review the 2026-11-18 notes with Dana", None)),
        ("- [ ] Dec 4", ("Dec 4", "2026-12-04")),
        ("- [ ] Launch — Jan 12", ("Launch", "2027-01-12")),
    ],
)
def test_due_date_phrase_moves_out_of_title(line, expected):
    """A date with due/by/on or brackets, or ending the title, becomes due_date; a date mid-title stays."""
    (task,) = run(line).tasks
    assert (task.title, task.due_date) == expected


def test_dated_task_is_not_a_milestone():
    """A checkbox or TODO line with a date gives a task with a due date and no milestone."""
    result = run("- [ ] Deadline: Dec 4 final files\nTODO: Milestone: beta — Jan 12\n")
    assert [t.due_date for t in result.tasks] == ["2026-12-04", "2027-01-12"]
    assert result.milestones == ()


def test_duplicate_tasks_collapse_to_the_first():
    """Tasks with the same normalised title collapse to the first; a later one only lends its due date."""
    text = "- [ ] Send the quote\n- [x] send the QUOTE.\nTODO: Send the *quote* by Dec 4\n- [ ] Other\n"
    assert tasks(text) == [("Send the quote", False, "2026-12-04"), ("Other", False, None)]
    assert [t.line for t in run(text).tasks] == [1, 4]


# --- dates ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "iso"),
    [
        ("2026-12-04", "2026-12-04"),
        ("Dec 4", "2026-12-04"),
        ("dec 4", "2026-12-04"),
        ("Dec. 4", "2026-12-04"),
        ("December 4", "2026-12-04"),
        ("December 4th", "2026-12-04"),
        ("Sept 4", "2027-09-04"),
        ("4 Dec", "2026-12-04"),
        ("4th of December", "2026-12-04"),
        ("4 Dec 2026", "2026-12-04"),
        ("4 December 2027", "2027-12-04"),
        ("Dec 4, 2026", "2026-12-04"),
        ("Dec 4 2028", "2028-12-04"),
        ("Friday, Dec 4", "2026-12-04"),
        ("Fri Dec 4", "2026-12-04"),
    ],
)
def test_date_formats(written, iso):
    """ISO dates, month-day and day-month in English, with or without a year or weekday, are read."""
    assert milestones(f"Deadline: {written}") == [("Deadline", iso)]


@pytest.mark.parametrize(
    ("reference", "written", "iso"),
    [
        (date(2026, 11, 21), "Dec 4", "2026-12-04"),
        (date(2026, 12, 20), "Jan 10", "2027-01-10"),
        (date(2026, 11, 21), "Oct 1", "2026-10-01"),
        (date(2026, 11, 21), "Sep 22", "2026-09-22"),
        (date(2026, 11, 21), "Sep 21", "2027-09-21"),
        (date(2027, 1, 5), "Dec 20", "2026-12-20"),
        (date(2026, 11, 21), "Feb 29", "2028-02-29"),
        (datetime(2026, 12, 20, 23, 59), "Jan 10", "2027-01-10"),
    ],
)
def test_year_inference(reference, written, iso):
    """A date without a year is its first occurrence on or after reference_date minus 60 days."""
    assert milestones(f"Deadline: {written}", reference_date=reference) == [("Deadline", iso)]


@pytest.mark.parametrize("written", ["Feb 30", "2026-02-30", "2026-13-01", "Dec 32", "31 Apr 2027", "2027-02-29"])
def test_invalid_dates_are_ignored(written):
    """Impossible dates give no milestone and no due date."""
    assert run(f"Deadline: {written}").milestones == ()
    assert run(f"- [ ] Send it by {written}").tasks[0].due_date is None


@pytest.mark.parametrize(
    "line",
    [
        "Deadline: v2026-12-04",
        "Deadline: 12026-12-04",
        "Deadline: Dec 4:30",
        "Deadline: Decimal 4",
        "Deadline: Dec 2026",
    ],
)
def test_date_lookalikes_are_not_dates(line):
    """Dates glued to words, times and month-year pairs are not read as dates."""
    assert run(line).milestones == ()


# --- milestones -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Deadline: 2026-12-15 final delivery", ("Final delivery", "2026-12-15")),
        ("Deadline: Dec 4", ("Deadline", "2026-12-04")),
        ("Deadline for the logo Dec 4", ("Deadline for the logo", "2026-12-04")),
        ("Deadline Feb 29", ("Deadline", "2028-02-29")),
        ("Milestone: Beta launch — Jan 12", ("Beta launch", "2027-01-12")),
        ("**Milestone:** Packaging print files — Jan 22", ("Packaging print files", "2027-01-22")),
        ("Due: 4 December 2026", ("Due", "2026-12-04")),
        ("Due date: Dec 4 — invoices", ("Invoices", "2026-12-04")),
        ("Launch party Jan 20", ("Launch party", "2027-01-20")),
        ("Go-live: 2027-01-26", ("Go-live", "2027-01-26")),
        ("Release v2 on 2027-03-01", ("Release v2", "2027-03-01")),
        ("Delivery: 2025-06-30 picture book files", ("Delivery: picture book files", "2025-06-30")),
        ("- Kickoff call — Nov 12, 2026", ("Kickoff call", "2026-11-12")),
        ("## Launch — Jan 30", ("Launch", "2027-01-30")),
        ("- First draft — Dec 4", ("First draft", "2026-12-04")),
        ("- First draft: 2026-12-04", ("First draft", "2026-12-04")),
        ("- First draft (Dec 4)", ("First draft", "2026-12-04")),
        ("- Dec 5: second draft", ("Second draft", "2026-12-05")),
        ("2026-12-05 — second draft", ("Second draft", "2026-12-05")),
        ("Final files due Dec 7", ("Final files", "2026-12-07")),
        ("Next call: Dec 2", ("Next call", "2026-12-02")),
    ],
)
def test_milestone_lines(line, expected):
    """Labelled lines and lines with the date at the start or after a separator give milestones."""
    assert milestones(line) == [expected]


@pytest.mark.parametrize(
    "line",
    [
        "We met on 2026-11-18 to go through the moodboards.",
        "Workshop page copy is due from Ana on Dec 11, so keep that flexible.",
        "Due to the holidays we moved the call to Dec 29.",
        "AI: Anna to send the logos by Dec 4",
        "# Call with Acme Corp — 18 Nov 2026",
        "## Week of Dec 7",
        "- Dec 6 third draft",
        "- #2026-031 Deposit €3,200 sent 2026-11-10, paid 2026-11-14",
        "| Design | 2026-12-01 |",
        "Dec 8",
        "Milestone: soon",
    ],
)
def test_not_milestones(line):
    """Dates inside prose, unlabelled headings, bare dates, table cells and undated labels give nothing."""
    assert run(line).milestones == ()


def test_setext_heading_needs_a_label():
    """A heading underlined with === or --- is a heading: its date is a milestone only with a label."""
    assert milestones("Version 1.52 (2021-05-10)\n==========================\n") == []
    assert milestones("Release 1.52 (2021-05-10)\n-------------------------\n") == [("Release 1.52", "2021-05-10")]


def test_duplicate_milestones_collapse_by_title_and_date():
    """Milestones collapse when title and date match; the same title on another date stays."""
    text = "Review — Dec 4\n- review: Dec 4\nReview — Dec 18\n"
    assert milestones(text) == [("Review", "2026-12-04"), ("Review", "2026-12-18")]


def test_line_numbers_count_from_one_with_crlf_and_bom():
    """Line numbers are 1-based and CRLF line ends and a BOM change nothing."""
    text = "\ufeff# Notes\r\n\r\nSome prose.\r\n- [ ] First\r\nDeadline: Dec 4\r\n"
    result = run(text)
    assert [(t.title, t.line) for t in result.tasks] == [("First", 4)]
    assert [(m.title, m.line) for m in result.milestones] == [("Deadline", 5)]
    assert result.note == ExtractedNote("Notes", "Some prose.")


def test_fenced_code_and_front_matter_are_skipped():
    """Nothing is extracted from YAML front matter or fenced code blocks."""
    text = (
        "---\ntitle: Ignored\ndue: 2026-12-04\n---\n"
        "```bash\n# TODO: not this\n- [ ] nor this\n```\n"
        "~~~\nDeadline: Dec 4\n~~~\n"
        "# Real title\n\nReal prose.\n- [ ] Real task\n"
    )
    result = run(text)
    assert [(t.title, t.line) for t in result.tasks] == [("Real task", 15)]
    assert result.milestones == ()
    assert result.note == ExtractedNote("Real title", "Real prose.")


def test_unclosed_fence_hides_the_rest():
    """An unclosed code fence runs to the end of the file."""
    assert run("- [ ] Before\n```\n- [ ] Inside\n").tasks == (ExtractedTask("Before", False, None, 1),)


# --- notes ----------------------------------------------------------------------------------------


def test_note_title_from_first_h1_and_summary_from_first_prose():
    """The note title is the first '# heading'; the summary is the first prose paragraph."""
    text = (
        "## Section\n\n- a bullet\n\n"
        "# The **real** title #\n\nFirst prose line\ncontinues here.\n\nSecond paragraph.\n"
    )
    assert run(text).note == ExtractedNote("The real title", "First prose line continues here.")


def test_note_title_from_short_first_line():
    """Without an h1 the first non-empty line is the title if short, and is not repeated in the summary."""
    note = run("Invoices — Acme Corp\n====================\n\n- list\n\nPayment terms are 14 days.\n").note
    assert note == ExtractedNote("Invoices — Acme Corp", "Payment terms are 14 days.")


def test_note_title_from_file_stem_when_first_line_is_long():
    """A long first line is prose, and the title falls back to the humanised file name."""
    first = "This first line runs on well past eighty characters, so it is prose and not a title."
    note = run(first + "\n", filename="Acme Corp/meeting-notes_2026-11-18.md").note
    assert note == ExtractedNote("Meeting notes 2026-11-18", first)


def test_note_title_from_stem_when_file_starts_with_a_list():
    """A first line that is a list item or a task is never the title."""
    note = run("- [ ] Task first\n\nThen some prose.\n", filename="to-review.txt").note
    assert note == ExtractedNote("To review", "Then some prose.")


@pytest.mark.parametrize(
    "text",
    ["- [ ] only\n- [x] a checklist\n", "# Just a heading\n\n- a list\n", "Personal admin\n\nTODO: book dentist\n", ""],
)
def test_no_note_without_a_prose_paragraph(text):
    """A file with no prose paragraph (checklists, headings and lists, a lone title line) gives no note."""
    assert run(text).note is None


def test_summary_skips_task_and_milestone_lines():
    """Lines that gave a task or milestone are not prose, and they end a paragraph."""
    note = run("# T\n\nDeadline: Dec 4\nTODO: x\nReal prose.\nMore prose.\n- bullet\n").note
    assert note == ExtractedNote("T", "Real prose. More prose.")


def test_long_summary_is_cut_at_a_word():
    """A summary over 500 characters is cut at a word boundary and ends with an ellipsis."""
    prose = "lorem ipsum " * 100
    summary = run("# T\n\n" + prose + "\n").note.summary
    assert len(summary) <= MAX_SUMMARY and summary.endswith("…")
    assert prose.startswith(summary[:-1] + " ")


def test_summary_unwraps_markdown():
    """The summary drops markdown emphasis and link targets and joins wrapped lines."""
    note = run("# T\n\n> Quoted **bold** and [a link](http://x.example)\n> on two lines.\n").note
    assert note.summary == "Quoted bold and a link on two lines."


@pytest.mark.parametrize(
    ("filename", "stem"),
    [
        ("meeting-notes_2026-11-18", "Meeting notes 2026-11-18"),
        ("Acme Corp/meeting-notes-2026-11-18.md", "Meeting notes 2026-11-18"),
        ("C:\\Users\\me\\project_brief.txt", "Project brief"),
        ("README", "README"),
        (".hidden.md", "Hidden"),
    ],
)
def test_humanise_stem(filename, stem):
    """File stems lose directories, the extension and separators, but keep date hyphens."""
    assert humanise_stem(filename) == stem


# --- matching keys, folders, values ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Send the *revised* quote!", "send the revised quote"),
        ("  Send   the quote ", "send the quote"),
        ("Don’t e-mail Anna.", "dont e mail anna"),
        ("Café (menu) — board", "café menu board"),
        ("ＦＵＬＬ width", "full width"),
        ("Straße", "strasse"),
        ("€6,400 fee", "€6 400 fee"),
    ],
)
def test_normalise_title(a, b):
    """normalise_title casefolds, drops punctuation and collapses whitespace."""
    assert normalise_title(a) == b


@pytest.mark.parametrize(
    ("folder", "name"),
    [
        ("acme-corp", "Acme Corp"),
        ("acme_corp", "Acme Corp"),
        ("bluebird studio", "Bluebird Studio"),
        ("Bluebird Studio", "Bluebird Studio"),
        ("ACME_Labs", "ACME Labs"),
        ("Jean-Luc Design Co", "Jean-Luc Design Co"),
        ("client-42", "Client 42"),
        ("2025 Acme", "2025 Acme"),
        ("Acme Corp", "Acme Corp"),
    ],
)
def test_project_folders(folder, name):
    """A top-level folder that looks like a client or project gets a display name."""
    assert project_name_for_folder(folder) == name


@pytest.mark.parametrize(
    "folder",
    [
        "archive", "Archive", "misc", "tmp", "Downloads", "personal", "old", "backup", "templates", "inbox",
        "_drafts", ".git", "2025", "2025-11", "2025_11_18", "2025 Q1", "Q1-2025", "Archive 2024", "backup-2025-01",
        "New Folder", "Old Projects", "", "   ", "---",
    ],
)
def test_generic_folders_are_not_projects(folder):
    """Generic, hidden, underscore and pure-date folders are not projects."""
    assert project_name_for_folder(folder) is None


def test_values_are_frozen_and_results_deterministic():
    """Results are frozen values and the same input always gives an equal result."""
    text = (SAMPLE / "Acme Corp" / "meeting-notes-2026-11-18.md").read_text(encoding="utf-8")
    first, second = run(text), run(text)
    assert first == second
    with pytest.raises(FrozenInstanceError):
        first.tasks[0].title = "x"  # type: ignore[misc]


def test_pathological_markup_is_handled():
    """Long runs of brackets, emphasis markers and spaces give plain results (no backtracking blow-up)."""
    assert run("[" * 20_000).tasks == ()
    assert run("- [ ] " + "**a " * 5_000).tasks[0].title.startswith("**a **a")
    assert run("# a" + " " * 20_000 + "b\n\nprose").note.summary == "prose"
    assert run("- [ ] " + "(due " * 5_000).tasks[0].due_date is None


_PIECES = st.sampled_from(
    [
        "- [ ] ", "- [x] ", "* ", "TODO", "todo:", "Action items:", "Action item: ", "\n", "\n\n", "# ", "## ",
        "Dec 4", "4 Dec", "2026-12-04", "Feb 30", "by ", "(due ", ")", "[", "]", "**", "_", "`", "```", "---\n",
        "Deadline: ", "Milestone: ", "Launch ", " — ", ": ", "é", "’", "\t", "Friday, ", "1st ", "of ", "January",
        "\r\n", "\ufeff", "|", "> ", "===", "word ", "12", "2027", ".", "İ", "\x00",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.one_of(_PIECES, st.text(max_size=4)), max_size=40).map("".join),
    st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 1, 1)),
)
@example("---\n> ", date(2000, 1, 1))
def test_any_text_gives_well_formed_results(text, reference):
    """Any text extracts without error into bounded titles, valid ISO dates and real line numbers."""
    result = extract_text(text, filename="a/b-c.md", reference_date=reference)
    line_count = text.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1
    for t in result.tasks:
        assert 0 < len(t.title) <= MAX_TITLE and normalise_title(t.title) and 1 <= t.line <= line_count
        assert t.due_date is None or date.fromisoformat(t.due_date)
    for m in result.milestones:
        assert 0 < len(m.title) <= MAX_TITLE and 1 <= m.line <= line_count and date.fromisoformat(m.date)
    if result.note is not None:
        assert 0 < len(result.note.title) <= MAX_TITLE and 0 < len(result.note.summary) <= MAX_SUMMARY


# --- the sample workspace -------------------------------------------------------------------------


def sample(relpath: str) -> FileExtraction:
    text = (SAMPLE / relpath).read_text(encoding="utf-8")
    return extract_text(text, filename=relpath, reference_date=REF)


def test_sample_workspace_files():
    """The sample workspace holds exactly these files, one of them a binary PNG."""
    files = sorted(p.relative_to(SAMPLE).as_posix() for p in SAMPLE.rglob("*") if p.is_file())
    assert files == [
        "Acme Corp/invoices.txt",
        "Acme Corp/logo.png",
        "Acme Corp/meeting-notes-2026-11-18.md",
        "Acme Corp/project-brief.md",
        "Bluebird Studio/website-redesign.md",
        "archive/old-notes.md",
        "personal-admin.txt",
    ]
    png = (SAMPLE / "Acme Corp" / "logo.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and b"\x00" in png
    assert [project_name_for_folder(d) for d in ("Acme Corp", "Bluebird Studio", "archive")] == [
        "Acme Corp", "Bluebird Studio", None,
    ]


def test_sample_project_brief():
    """project-brief.md: one open checkbox, six timeline milestones, a note."""
    r = sample("Acme Corp/project-brief.md")
    assert r.tasks == (ExtractedTask("Confirm the print vendor with Dana", False, None, 37),)
    assert r.milestones == (
        ExtractedMilestone("Kickoff call", "2026-11-12", 20),
        ExtractedMilestone("Moodboards and direction", "2026-11-27", 21),
        ExtractedMilestone("First logo concepts", "2026-12-04", 22),
        ExtractedMilestone("Launch event at the Market Street café", "2027-02-06", 23),
        ExtractedMilestone("Final delivery", "2026-12-15", 25),
        ExtractedMilestone("Packaging print files", "2027-01-22", 27),
    )
    assert r.note == ExtractedNote(
        "Acme Corp — Brand refresh",
        "Acme Corp is a regional coffee roaster with twelve cafés. They want to refresh their brand before the "
        "spring menu launch: a new wordmark, a tighter colour palette and packaging templates their in-house "
        "team can reuse.",
    )


def test_sample_meeting_notes():
    """meeting-notes: action-item bullets, checkboxes and a TODO with due dates; AI: and prose dates ignored."""
    r = sample("Acme Corp/meeting-notes-2026-11-18.md")
    assert r.tasks == (
        ExtractedTask("Share the revised moodboard with Dana", False, "2026-11-25", 13),
        ExtractedTask("Ask Marco for the app icon specs", False, None, 14),
        ExtractedTask("Draft the packaging dieline checklist", False, None, 15),
        ExtractedTask("Send the signed contract back", True, None, 17),
        ExtractedTask("Book a studio day for the product photos", False, "2026-12-09", 18),
        ExtractedTask("Send revised quote", False, "2026-12-04", 20),
    )
    assert r.milestones == ()
    assert r.note == ExtractedNote(
        "Call with Acme Corp — 18 Nov 2026",
        "Dana liked the second moodboard (warm neutrals, hand-drawn details) and wants to see it pushed "
        "further. Marco asked whether the wordmark can work at 16 px in the mobile ordering app; I said yes, "
        "with the simplified secondary mark.",
    )


def test_sample_invoices():
    """invoices.txt: three TODO spellings, invoice rows with dates are not milestones, a setext title."""
    r = sample("Acme Corp/invoices.txt")
    assert r.tasks == (
        ExtractedTask("Chase AP about invoice #2026-038 if unpaid", False, "2026-12-03", 10),
        ExtractedTask("Update the rate card for 2027 before sending the final invoice", False, None, 11),
        ExtractedTask("Check whether the rush fee needs VAT", False, None, 12),
    )
    assert r.milestones == ()
    assert r.note == ExtractedNote(
        "Invoices — Acme Corp",
        "Payment terms are 14 days. Dana approves invoices, but Accounts Payable (ap@acme-corp.example) "
        "actually pays them, so always copy them in.",
    )


def test_sample_website_redesign():
    """website-redesign: checkboxes with [x]/[X], a duplicate collapsed, three labelled or structured milestones."""
    r = sample("Bluebird Studio/website-redesign.md")
    assert r.tasks == (
        ExtractedTask("Audit the current Etsy listings", True, None, 11),
        ExtractedTask("Sitemap and page list approved", True, None, 12),
        ExtractedTask("Wireframes for home, shop and workshops", False, "2026-12-08", 13),
        ExtractedTask("Write alt text for the product photos", False, None, 14),
        ExtractedTask("Set up the booking form (Cal.com embed)", False, None, 15),
        ExtractedTask("Collect product photos from Ana", True, None, 16),
    )
    assert r.milestones == (
        ExtractedMilestone("Beta launch", "2027-01-12", 21),
        ExtractedMilestone("Go-live", "2027-01-26", 22),
        ExtractedMilestone("Design sign-off", "2026-12-18", 23),
    )
    assert r.note == ExtractedNote(
        "Bluebird Studio — website redesign",
        "Bluebird is a two-person ceramics studio that sells through Etsy today. The new site moves the shop "
        "onto their own domain, adds a booking page for the Saturday wheel-throwing workshops and has to load "
        "fast on phones.",
    )


def test_sample_personal_admin():
    """personal-admin.txt: standalone TODOs and a checkbox, a Deadline milestone, a short-line title."""
    r = sample("personal-admin.txt")
    assert r.tasks == (
        ExtractedTask("Renew professional indemnity insurance", False, "2026-12-01", 6),
        ExtractedTask("Book the dentist", False, None, 7),
        ExtractedTask("Back up the laptop to the external drive", False, None, 8),
    )
    assert r.milestones == (ExtractedMilestone("Send bookkeeping spreadsheet to the accountant", "2027-01-24", 9),)
    assert r.note == ExtractedNote(
        "Personal admin",
        "The quarterly VAT return for Q4 is due 31 Jan 2027; the accountant wants the spreadsheet a week earlier.",
    )


def test_sample_archive_notes():
    """archive/old-notes.md: tasks still extracted, a past explicit-year milestone, a note."""
    r = sample("archive/old-notes.md")
    assert r.tasks == (
        ExtractedTask("Send final files to Harbor Books", True, None, 6),
        ExtractedTask("Ask Harbor Books for a testimonial", False, None, 7),
        ExtractedTask("Delete the old Dropbox share", False, None, 8),
    )
    assert r.milestones == (ExtractedMilestone("Delivery: Harbor Books picture book files", "2025-06-30", 10),)
    assert r.note == ExtractedNote(
        "Old notes (2025)",
        "Loose notes from last year's projects, kept for reference. Nothing here is active any more.",
    )
