"""The rules engine's pure extraction: the labeling guide's rules and traps, titles, dates, notes, folders."""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from datetime import date

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from agents.extract import (
    MAX_SUMMARY,
    MAX_TITLE,
    ExtractedNote,
    FileExtraction,
    extract_text,
    fingerprint,
    humanise_stem,
    normalise_title,
    project_name_for_folder,
)
from agents.resources import resource_path

REF = date(2026, 11, 21)
SAMPLE = resource_path("sample-workspace")


def run(text: str, *, filename: str = "notes.md", reference_date: date = REF, today: date = REF) -> FileExtraction:
    return extract_text(text, filename=filename, reference_date=reference_date, today=today)


def tasks(text: str, **kw) -> list[tuple[str, bool, str | None]]:
    return [(t.title, t.completed, t.due_date) for t in run(text, **kw).tasks]


def titles(text: str, **kw) -> list[str]:
    return [t.title for t in run(text, **kw).tasks]


def milestones(text: str, **kw) -> list[tuple[str, str]]:
    return [(m.title, m.date) for m in run(text, **kw).milestones]


MINUTES = "# Team sync 2019-11-20\n\nAttendees: Dana, Marco, Ali\n\n"


# --- tasks: markers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "title"),
    [
        ("Action item: Dana to send the draft", "Dana to send the draft"),
        ("Action: send the draft", "Send the draft"),
        ("ACTION: Marco to book the room", "Marco to book the room"),
        ("**Action:** Marco to book the room", "Marco to book the room"),
        ("*AI:* Marco to book the room", "Marco to book the room"),
        ("AI: Marco to book the room", "Marco to book the room"),
        ("ACTION - Dana: write the proposal", "Write the proposal"),
        ("Action item for Ali: figure out the schedule", "Figure out the schedule"),
        ("Next step: merge to 4 and verify the patch", "Merge to 4 and verify the patch"),
        ("Send the invite (Action)", "Send the invite"),
        ("[Action] Send the invite", "Send the invite"),
        ("TODO: call the bank", "Call the bank"),
        ("TODO call the bank", "Call the bank"),
        ("todo: call the bank", "Call the bank"),
        ("FIXME: Dana, the header is wrong", "Dana, the header is wrong"),
        ("Sam has a doc. TODO: insert the link here. We move on.", "Insert the link here. We move on"),
        ("Great progress (TODO: Chris, could you add the link?)", "Chris, could you add the link?"),
        ("* Dana to update the docs", "Dana to update the docs"),
        ("* @marco will check CI", "@marco will check CI"),
        ("* JF to create the repo", "JF to create the repo"),
        ("* MD & MB to follow up", "MD & MB to follow up"),
        ("Ali has the TODO on a proposal for the repo.", "Ali has the TODO on a proposal for the repo"),
        ("Marco will take the action item of writing it up.", "Marco will take the action item of writing it up"),
        ("* Fix the flaky test; assign to BW", "Fix the flaky test; assign to BW"),
        ("Action to post a comment on the issue.", "Post a comment on the issue"),
        ("AI(Dana): send the draft", "Send the draft"),
        ("TODO(dana): fix the header", "Fix the header"),
    ],
)
def test_action_markers_and_assignments(line, title):
    """Every spelling of an action item, a TODO note to people and an assignment gives one task, marker removed."""
    assert titles(MINUTES + line + "\n") == [title]


@pytest.mark.parametrize(
    "line",
    [
        "AI: none",
        "AI: No action; awaiting review.",
        "Action Item:",
        "* Action item scribe: Dana",
        "* Brad Nelson to take notes",
        "* Note taker: Ali",
        "Myles: I'll add some language",
        "We discussed the release and agreed to wait.",
        "* Need to create a newer list",
        "* Desire to move the spec into a best practices section",
        "Consent to agenda",
        "Resolution: adopt the proposal",
        "Rod, Jon and Joyee will set up a meeting.",
        "We keep a TODOs file for this.",
        "Remember the todo list on the fridge.",
        "TODO If new members are approved:",
    ],
)
def test_not_tasks(line):
    """Empty markers, meeting roles, commitments in passing, narrative, decisions and intro lines are not tasks."""
    assert run(MINUTES + line + "\n").tasks == ()


# --- tasks: lists, checkboxes, joining ------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    ["## Action Items", "Action items:", "**Action items:**", "Next actions:", "### TODO items from last meeting:",
     "## TODOs:", "## TODO for next meeting", "#### Review of action items from prior meeting", "Next steps:",
     "Last week's AIs:"],
)
def test_items_under_an_action_header_are_tasks_and_sub_bullets_are_details(header):
    """The items under a heading or line that introduces action items are tasks; their sub-bullets are details."""
    text = MINUTES + f"{header}\n\n* Share the moodboard\n  with Dana and Marco\n    * detail, not a task\n\n" \
        "1. Draft the checklist\n"
    assert titles(text) == ["Share the moodboard with Dana and Marco", "Draft the checklist"]


def test_action_section_ends_at_the_next_heading_and_covers_table_rows():
    """An action heading's section holds list items and table rows until a heading of its level."""
    text = MINUTES + "## Action items\n\n| Owner | Item |\n|---|---|\n| Dana | Book the room |\n\n" \
        "## Discussion\n\n* Plain bullet\n"
    assert titles(text) == ["Dana | Book the room"]


def test_intro_list_item_makes_its_sub_items_tasks():
    """A list item that introduces next steps ("- next steps:") makes its sub-items tasks."""
    text = MINUTES + "- Safe transmute\n    - sense of the meeting: positive\n    - next steps:\n" \
        "        - brief RFC\n        - zulip stream\n"
    assert titles(text) == ["Brief RFC", "Zulip stream"]


def test_agenda_lists_are_not_tasks_but_their_checkboxes_are():
    """Agenda items are not tasks (even one naming action items); checkboxes, also without a bullet, are."""
    text = MINUTES + "## Agenda\n\n1. Review of action items from prior meeting.\n    - Import names\n" \
        "1. Triage\n\n* [ ] Nominated PR\n[x] Bare box done\n    * [ ] nested box\n"
    assert tasks(text) == [("Nominated PR", False, None), ("Bare box done", True, None), ("Nested box", False, None)]


def test_done_marks():
    """[x], struck-through items and "(done)" in an action list are done."""
    text = MINUTES + "## Action item\n- ~~Update the board~~\n- scott to post a comment (done)\n- [x] Send it\n"
    assert [done for _, done, _ in tasks(text)] == [True, True, True]


def test_an_item_listed_twice_is_two_tasks():
    """The same item under two topics is labelled twice, so it is two tasks."""
    assert titles(MINUTES + "- [ ] Zulip stream\n\n## Other\n\n- [ ] Zulip stream\n") == ["Zulip stream"] * 2


def test_wrapped_paragraph_is_joined_but_new_statements_are_not():
    """A marker's text runs on across wrapped lines; a line starting a statement of its own is not joined."""
    text = MINUTES + "**Action Item:** Julien to send James the list of assets used by the\nCI platform.\n" \
        "TODO update the rate card\ntodo: check the VAT\n"
    assert titles(text) == ["Julien to send James the list of assets used by the CI platform",
                            "Update the rate card", "Check the VAT"]


# --- tasks: the traps -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "text"),
    [
        ("README.md", "# Tool\n\n```sh\n# TODO: pin\n- [ ] in a fence\n```\n\nProse.\n\n    - [ ] indented code\n"
                      "    TODO: also code\n"),
        ("notes.md", "# N\n\n<!-- TODO: hidden\n- [ ] also hidden -->\n<!-- - [ ] one-line comment -->\n"),
        ("notes.md", "# N\n\n> TODO: quoted\n> - [ ] quoted box\n"),
        ("todo.md", "# todo\n\n> Manage a to-do list.\n\n- Add a new task to the work list:\n\n`todo new {{task}}`\n\n"
                    "- List startable tasks:\n\n`todo list`\n"),
        ("owner_repo__.github_PULL_REQUEST_TEMPLATE.md", "## Checklist\n\n- [ ] Tests added\n- [ ] Docs updated\n"),
        ("REQUESTING_RESOURCES.md", "- **Estimated cost:** USD XXXX\n- **Requested Features:**\n  - [ ] Actions\n"
                                    "  - [ ] Codespaces\n- **Champions:**\n  - Champion A (@handle)\n"),
        ("survey.md", "# Feedback\n\nWhich days suit you?\n\n- [ ] Monday\n- [ ] Tuesday\n\n"
                      "**Topics:**\n  - [ ] Rust\n"),
        ("chat.md", "[2024-03-01 10:32] <bob> TODO: nothing\n2024-03-01 10:33 alice: hi\n"),
    ],
)
def test_traps_give_no_task(filename, text):
    """Code (fenced, indented, inline), comments, quotes, tldr examples, templates and form options: no task."""
    assert run(text, filename=filename).tasks == ()


# --- titles and due dates -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "title"),
    [
        ("- [ ] **Bold** and _em_ and `code`", "Bold and em and code"),
        ("- [ ] Read [the brief](https://x.example/b) first", "Read [the brief](https://x.example/b) first"),
        ("- [ ] Link the [[Project Brief|brief]]", "Link the brief"),
        ("- [ ] Send the quote.", "Send the quote"),
        ("- [ ]   lots    of   space   ", "Lots of space"),
    ],
)
def test_title_cleaning(line, title):
    """Titles keep markdown links as written, lose emphasis, code ticks and trailing punctuation."""
    assert titles(line) == [title]


def test_long_title_is_cut_at_a_word():
    """A title over 200 characters is cut at a word boundary and ends with an ellipsis."""
    (title,) = titles("- [ ] " + "word " * 100)
    assert len(title) <= MAX_TITLE and title.endswith("…") and title[:-1].endswith("word")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("TODO: send revised quote by Dec 4", ("Send revised quote", "2026-12-04")),
        ("- [ ] Book a studio day (due 2026-12-09)", ("Book a studio day", "2026-12-09")),
        ("- [ ] Book a studio day [Dec 9]", ("Book a studio day", "2026-12-09")),
        ("- [ ] Wireframes — by Dec 8", ("Wireframes", "2026-12-08")),
        ("- [ ] Wireframes — Dec 8", ("Wireframes", "2026-12-08")),
        ("- [ ] Call Anna on Friday, Dec 4", ("Call Anna", "2026-12-04")),
        ("- [ ] Dec 4: send the draft", ("Send the draft", "2026-12-04")),
        ("- [ ] Review the 2026-11-18 notes with Dana", ("Review the 2026-11-18 notes with Dana", None)),
    ],
)
def test_due_date_phrase_moves_out_of_title(line, expected):
    """A date with due/by/on or brackets, or ending or opening the item, becomes due_date; a date mid-title stays."""
    (task,) = run("# List\n\n" + line + "\n").tasks
    assert (task.title, task.due_date) == expected


def test_dated_action_item_is_also_a_milestone():
    """A dated checkbox or action item is a task and a milestone (labeling guide)."""
    result = run(MINUTES + "- [ ] April 21: lang-team#90\nAI: Dana to add a security release for 28th January\n")
    assert [t.due_date for t in result.tasks] == ["2020-04-21", "2020-01-28"]
    assert [m.date for m in result.milestones] == ["2020-04-21", "2020-01-28"]


# --- dates ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "iso"),
    [
        ("2026-12-04", "2026-12-04"), ("2026/12/04", "2026-12-04"), ("Dec 4", "2026-12-04"), ("Dec. 4", "2026-12-04"),
        ("December 4th", "2026-12-04"), ("4 Dec", "2026-12-04"), ("4th of December", "2026-12-04"),
        ("4 December 2027", "2027-12-04"), ("Dec 4, 2028", "2028-12-04"), ("Friday, Dec 4", "2026-12-04"),
        ("Dec 4 (Fri)", "2026-12-04"), ("May 27 - 29, 2015", "2015-05-27"), ("July, 28 - 30, 2015", "2015-07-28"),
        ("24 - 26, Mar. 2015", "2015-03-24"), ("June 2nd & 3rd 2018", "2018-06-02"),
        ("2016-07-26 to 2016-07-28", "2016-07-26"), ("22nd September 2020", "2020-09-22"),
    ],
)
def test_date_formats(written, iso):
    """ISO dates, month-day and day-month, ranges (dated by their first day), with or without year or weekday."""
    assert milestones(f"# Plan\n\nDeadline: {written}\n") == [("Deadline", iso)]


@pytest.mark.parametrize(
    ("doc", "written", "iso"),
    [
        ("2019-11-20", "Dec 4", "2019-12-04"),
        ("2019-01-17", "January 29th", "2019-01-29"),
        ("2018-12-20", "Jan 10", "2019-01-10"),
        ("2019-01-05", "Dec 20", "2018-12-20"),
        ("2026-11-21", "Feb 29", "2028-02-29"),
    ],
)
def test_year_less_dates_take_the_year_nearest_the_document_date(doc, written, iso):
    """A year-less date takes the year nearest the document's own date (from its file name), never today's."""
    ms = milestones(f"# Sync\n\nNext meeting: {written}\n", filename=f"minutes/{doc}.md",
                    reference_date=date(2026, 11, 30))
    assert ms == [("Next meeting", iso)]


def test_document_date_from_heading_wins_over_file_name_and_mtime():
    """The header's full date is the document's date; a year-less date in it resolves against it, not the mtime."""
    text = "# Planning\n\nMeeting date: 2021-12-07\n\nNext meeting: Jan 4\n"
    assert milestones(text, filename="2021-12-01-Planning.md", reference_date=date(2026, 5, 1)) == [
        ("Next meeting", "2022-01-04")]


def test_schedule_without_a_document_date_takes_the_year_it_states():
    """Without a document date, year-less dates take the year the document states for the schedule."""
    text = "# Proposed timeline\n\nWe begin the release the first week of April 2017.\n\n" \
        "- April 3 (Mon): coding start\n" \
        "- Jun 1 (Thurs): Code Freeze\n"
    assert milestones(text, filename="README.md", reference_date=date(2026, 11, 30)) == [
        ("Coding start", "2017-04-03"), ("Code Freeze", "2017-06-01")]


@pytest.mark.parametrize(
    "line",
    [
        "Feb 30", "2026-02-30", "2026-13-01", "Dec 32", "v2026-12-04", "Dec 4:30", "Decimal 4", "Dec 2026", "in August",
        "mid-April", "late spring", "next Tuesday", "in two weeks", "tomorrow", "Tuesdays at 16:00 UTC", "Q3 2026",
    ],
)
def test_not_dates(line):
    """Impossible dates, look-alikes, month-only, season, weekday-only, relative and recurring phrases are no dates."""
    assert run(f"# Plan\n\nDeadline: {line}\n").milestones == ()


# --- milestones -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Next meeting: April 24 2017", ("Next meeting", "2017-04-24")),
        ("* Major cut-off for v15.0.0 is 22nd September 2020.", ("Major cut-off for v15.0.0", "2020-09-22")),
        ("We'll review the posts December 1.", ("We'll review the posts", "2019-12-01")),
        ("- Dec 14: End of Code Slush", ("End of Code Slush", "2019-12-14")),
        ("Milestone: Beta launch — Jan 12", ("Beta launch", "2020-01-12")),
    ],
)
def test_milestone_lines(line, expected):
    """Dated events stated in lists or prose are milestones titled by the event, not by the date."""
    assert milestones(MINUTES + line + "\n") == [expected]


def test_release_schedule_table():
    """A schedule table's dates are milestones titled by their row (and the column when it says more)."""
    text = "| Version | Release date | End of life |\n|---|---|---|\n| 1.29 | 2024-03-01 | 2025-03-01 |\n"
    assert milestones(text, filename="versions.md") == [("1.29 Release date", "2024-03-01"),
                                                          ("1.29 End of life", "2025-03-01")]


@pytest.mark.parametrize(
    ("filename", "text"),
    [
        ("CHANGELOG.md", "# Changelog\n\n## [1.2.0] - 2021-03-04\n- Fix\n\n## [1.1.0] - 2021-01-15\n"
                         "- Released on January 15, 2021\n\n## v1.0.0 (2020-12-01)\n- Initial release\n"),
        ("2019-11-20.md", "# Team meeting 2019-11-20\n\nWhen: Nov 20, 16:00 UTC\n\nThe fix went out Nov 2.\n"),
        ("n.md", "# Notes 2024-01-10\n\nSee https://example.com/2024/03/05/post and report-2024-03-06.pdf and "
                 "`2024-03-07`\n"),
        ("chat.md", "# Log\n\n2024-03-01 10:33 alice: deadline is soon\n[Mar 4 10:32] bob: ok\n"),
        ("n.md", "# Notes\n\n```\nDeadline: 2026-12-04\n```\n\n<!-- Next meeting: Dec 4 -->\n"),
        ("n.md", "# Plan\n\n## Week of Dec 7\n\n### April 3 - May 31\n"),
    ],
)
def test_traps_give_no_milestone(filename, text):
    """Changelog and past dates, the document's own date, URLs, file names, code, chat stamps and bare ranges."""
    assert run(text, filename=filename).milestones == ()


def test_same_event_twice_is_one_milestone_and_two_events_on_a_date_are_two():
    """One event mentioned twice on one date is one milestone; two events on one date stay two."""
    text = "# Schedule 2017\n\n- Jun 1 (Thurs): Code Freeze\n- June 14: v1.7.0-beta.2\n\n## Details\n\n" \
        "- June 1 Begin Code Freeze\n- June 14: End of Code Slush\n"
    assert milestones(text) == [("Code Freeze", "2017-06-01"), ("v1.7.0-beta.2", "2017-06-14"),
                                ("End of Code Slush", "2017-06-14")]


def test_past_milestones_are_completed_not_dropped():
    """A milestone before today is recorded as completed; one after today is open."""
    result = run("# Plan\n\n- Kickoff — 2026-11-12\n- Launch — 2027-01-12\n")
    assert [(m.title, m.completed) for m in result.milestones] == [("Kickoff", True), ("Launch", False)]


def test_fingerprints_follow_the_normalised_source_text():
    """A task's fingerprint is that of its normalised source text: the same line gives the same key."""
    a, b = run("- [ ] Send *the* quote\n").tasks[0], run("- [ ]  send the quote!\n").tasks[0]
    assert a.fingerprint == b.fingerprint == fingerprint("send the quote")
    assert run("- [ ] Send the quote today\n").tasks[0].fingerprint != a.fingerprint


def test_line_numbers_count_from_one_with_crlf_and_bom():
    """Line numbers are 1-based and CRLF line ends and a BOM change nothing."""
    result = run("\ufeff# Notes\r\n\r\nSome prose here.\r\n- [ ] First\r\nDeadline: Dec 4\r\n")
    assert [(t.title, t.line) for t in result.tasks] == [("First", 4)]
    assert [(m.title, m.line) for m in result.milestones] == [("Deadline", 5)]
    assert result.note == ExtractedNote("Notes", "Some prose here.")


# --- notes ----------------------------------------------------------------------------------------


def test_note_for_a_document_with_tasks():
    """A document with tasks gets a note: first '# heading' and first prose paragraph."""
    text = "# The **real** title #\n\nFirst prose line\ncontinues here.\n\n- [ ] A task\n"
    assert run(text).note == ExtractedNote("The real title", "First prose line continues here.")


def test_note_for_minutes_without_tasks():
    """Dated minutes get a note even without tasks; the title falls back to the file name."""
    note = run("Notes from the call, nothing decided yet.\n", filename="meeting-notes_2026-11-18.md").note
    assert note == ExtractedNote("Meeting notes 2026-11-18", "Notes from the call, nothing decided yet.")


@pytest.mark.parametrize(
    ("filename", "text"),
    [
        ("README.md", "# Tool\n\nA fast tool for things.\n\n## Install\n\nRun the installer.\n"),
        ("guide.md", "# Guide\n\nHow the project works, in prose.\n"),
        ("notes.md", "- [ ] only\n- [x] a checklist\n"),
        ("notes.md", ""),
    ],
)
def test_no_note_for_documents_not_worth_one(filename, text):
    """No tasks, no milestones and not minutes or a brief (or no prose at all): no note."""
    assert run(text, filename=filename).note is None


def test_long_summary_is_cut_at_a_word():
    """A summary over 500 characters is cut at a word boundary and ends with an ellipsis."""
    prose = "lorem ipsum " * 100
    summary = run("# T\n\n" + prose + "\n\n- [ ] task\n").note.summary
    assert len(summary) <= MAX_SUMMARY and summary.endswith("…")
    assert prose.startswith(summary[:-1] + " ")


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
    assert run("# a" + " " * 20_000 + "b\n\nprose\n\n- [ ] t").note.summary == "prose"
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




def test_todo_list_files():
    """A todo.txt is one task a line ("x " done); a TODO.md's top-level items are tasks, intro lines are not."""
    assert tasks("(A) Call mom +family\nx 2024-01-02 Pay rent\n", filename="todo.txt") == [
        ("Call mom +family", False, None), ("Pay rent", True, None)]
    text = "# Roadmap\n\nSome intro text.\n\n- Support Windows\n  - detail\n- Add a flag:\n\n## Later\n\n- Plugins\n"
    assert titles(text, filename="TODO.md") == ["Support Windows", "Plugins"]


def test_changelog_release_headings_are_past_releases():
    """Three or more dated version headings make a changelog: its dates are past releases, not milestones."""
    text = "# Changes\n\n" + "".join(f"## Release 1.{i} - 2021-0{i}-02\n\n- Fixed {i}\n\n" for i in range(1, 5))
    assert run(text, filename="HISTORY.md").milestones == ()


def test_agenda_presenters_and_empty_action_items_are_not_tasks():
    """'Bob to present …' in an agenda names a speaker; "- None" under Action items is no action."""
    text = MINUTES + "## Agenda\n\n1. Roadmap\n    * Dana to present the roadmap\n\n## Action items\n\n- None\n"
    assert run(text).tasks == ()


def test_a_date_line_after_a_long_attendee_list_is_the_document_date():
    """A labelled "Date:" line within the first 60 lines is the document's date."""
    text = "# WG call\n\n" + "".join(f"* Person {i}\n" for i in range(30)) + "\nDate: 2019-11-20\n\nNext call: Dec 4\n"
    assert milestones(text, filename="wg.md", reference_date=date(2026, 5, 1)) == [("Next call", "2019-12-04")]


def test_next_steps_in_a_readme_are_documentation():
    """A README's "Next steps" section is documentation; the same heading in minutes holds tasks."""
    text = "# Tool\n\nA tool.\n\n## Next steps\n\n- Read the tutorial\n- Join the forum\n"
    assert run(text, filename="README.md").tasks == ()
    assert titles(text, filename="meeting-minutes.md") == ["Read the tutorial", "Join the forum"]


@pytest.mark.parametrize("filename", ["docs/RELEASING.md", "release-process.md", "onboarding-checklist.md",
                                      ".github/ISSUE_TEMPLATE/bug.md", "CONTRIBUTING.md"])
def test_process_documents_and_templates_give_no_checkbox_tasks(filename):
    """Checklists in process documents and templates are meant to be copied, not done."""
    assert run("# Steps\n\n- [ ] Bump the version\n- [ ] Tag the release\n", filename=filename).tasks == ()
