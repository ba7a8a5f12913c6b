"""Rules added from the third proxy check (sets H-K, docs/EXTRACTION.md): each on a small synthetic text."""

from __future__ import annotations

from datetime import date

from agents.extract import extract_text

REF = date(2030, 1, 15)


def _run(text: str, filename: str = "notes.md"):
    return extract_text(text, filename=filename, reference_date=REF, today=REF)


def _ms(text: str, filename: str = "notes.md") -> list[tuple[str, str]]:
    return [(m.title, m.date) for m in _run(text, filename).milestones]


def test_the_days_of_a_multi_day_meeting_are_the_documents_own():
    """A header "Tuesday-Thursday July 18-20, 2031" makes the 19th and 20th the meeting's own days anywhere
    in the document, also past the header lines; a day after the span is still an event."""
    text = ("## Agenda for the July meeting\n\n- **Dates**: Tuesday-Thursday July 18-20, 2031\n"
            "- **Host**: Kirkland\n\n## Logistics\n\n" + "".join(f"- note {i}\n" for i in range(25)) +
            "\n## Schedule\n\n* Wednesday - July 19\n    1. GC discussion\n"
            "* Thursday - July 20\n    1. Threads\n\n## Next\n\n- Social dinner on July 28\n")
    assert _ms(text) == [("Social dinner", "2031-07-28")]


def test_days_listed_under_a_dates_label_date_the_document():
    """ "- **Dates and times**:" with one sub-item a day: the first is the document's date, all are its days."""
    text = ("# Agenda for the 99th meeting\n\n- **Host**: Remote\n- **Dates and times**:\n"
            "  - 10:00 to 15:00 PST on 27 November 2031\n  - 10:00 to 15:00 PST on 28 November 2031\n\n"
            "## Schedule constraints\n\n- Kim will only be available on Nov 28\n"
            "- Advancement deadline: November 17th\n")
    assert _ms(text, "2031_11.md") == [("Advancement deadline", "2031-11-17")]


def test_a_sentence_with_two_dated_events_titles_each_by_its_own_clause():
    """ "After the window closes on June 4th, we will announce the results on June 26th": two events,
    each titled by its clause, and the emphasis the date leaves behind is dropped."""
    text = ("# Summer programme 2031-05-07\n\nAfter the application window closes on June 4th, "
            "we will review and announce the results on June 26th. Students then start.\n\n"
            "The week holds a celebration on **15 May 2032**\n"
            "and the All Hands on **16 and 17 May 2032**, both at the same venue.\n")
    assert _ms(text) == [("After the application window closes", "2031-06-04"),
                         ("We will review and announce the results", "2031-06-26"),
                         ("The week holds a celebration on", "2032-05-15"),
                         ("The All Hands on, both at the same venue", "2032-05-16")]


def test_a_calendar_table_with_month_columns_dates_each_row_and_runs_past_december():
    """ "| What | Who | Nov | Dec | Jan |" with a day in a month's cell: a dated row, titled by its cells; the
    January column is the next year; rows on one day are two events."""
    text = ("# Release 4.2\n\nThe cycle begins in November 2031.\n\n"
            "| **What** | **Who** | **Nov** | **Dec** | **Jan** |\n| --- | --- | --- | --- | --- |\n"
            "| Start of cycle | Lead | Mon 3 | | |\n| Branch created | Branch Manager | | 8 | |\n"
            "| Beta released from branch | Branch Manager | | 8 | |\n| Release retrospective | Community | | | 6? |\n")
    assert _ms(text) == [("Start of cycle", "2031-11-03"), ("Branch created", "2031-12-08"),
                         ("Beta released from branch", "2031-12-08"), ("Release retrospective", "2032-01-06")]


def test_a_table_row_is_titled_by_its_cells_and_wins_over_the_same_event_in_prose():
    """A meeting row reads "Honolulu, HI | University & Google"; the summary line above it that names the
    same day's event is the same milestone, kept as the row."""
    text = ("# Agenda 2031-12-03\n\nThe next meeting, in Honolulu, starts on Monday, February 2nd, 2032.\n\n"
            "| Dates | Location | Host |\n| --- | --- | --- |\n"
            "| 2032-02-02 to 2032-02-04 | Honolulu, HI | University & Google |\n"
            "| 2032-03-30 to 2032-04-01 | Cupertino, CA | Apple |\n")
    assert _ms(text) == [("Honolulu, HI | University & Google", "2032-02-02"), ("Cupertino, CA | Apple", "2032-03-30")]


def _tasks(text: str, filename: str = "2031-09-12.md") -> list[str]:
    return [t.title for t in _run(text, filename).tasks]


def test_an_action_marker_in_brackets_after_a_speaker_in_brackets():
    """ "[Ivan][**ACTION**] Write …", "**[ACTION**] Open …", "[Matt][ACTION] Will …": tasks, the speaker kept."""
    text = ("# Working group 2031-09-12\n\n## Discussion\n\n* [Lee] Progress here.\n"
            "    * [Ivan][**ACTION**] Write a proposal for the test suite\n\n"
            "[Lee][**ACTION**] add this requirement to the agenda template.\n\n"
            "* **[ACTION**] Open an issue to discuss the meeting time\n* [Matt][ACTION] Will sync with the team\n")
    assert _tasks(text) == ["[Ivan] Write a proposal for the test suite",
                            "[Lee] add this requirement to the agenda template",
                            "Open an issue to discuss the meeting time", "[Matt] Will sync with the team"]


def test_a_heading_written_as_a_link_introduces_action_items():
    text = ("# Working group 2031-09-12\n\n### [Previous Action Items](https://example.org/notes#action-items)\n\n"
            "* Unclaimed: add a maintainer list\n\n### Lexer\n\n* We talked about lookaheads\n")
    assert _tasks(text) == ["Unclaimed: add a maintainer list"]


def test_name_will_as_a_list_item_of_its_own_in_minutes():
    """ "Matteo will open an issue …" as an item in minutes is an assignment; in a paragraph it is narrative,
    and a process document's "OpenJS will add a card" is a step."""
    minutes = ("# TSC meeting 2031-09-13\n\nPresent: Matteo, Rod, Joyee\n\n## Podcast\n\n"
               "* Matteo will open an issue to collect votes.\n\n"
               "Rod and Joyee will set up a meeting to work through this.\n")
    assert _tasks(minutes) == ["Matteo will open an issue to collect votes"]
    process = "# Requesting resources\n\n1. Submit a PR\n1. OpenJS will add a credit card to the account\n"
    assert _tasks(process, "REQUESTING.md") == []


def test_a_bullet_that_is_only_an_action_marker_introduces_its_sub_items():
    text = ("# Council 2031-10-15\n\n## Items\n\n* Charter PR\n  * Joe: plan was to merge.\n  * ACTION:\n"
            "    * Joe - squash & merge;\n    * Michael - open PR to move to stage 3\n"
            "* Next topic\n  * Action Item:\n  * Discuss the roadmap\n")
    assert _tasks(text) == ["Joe - squash & merge", "Michael - open PR to move to stage 3"]


def test_a_linked_word_or_an_acronym_in_use_is_no_person():
    """ "[RFC](…) to create a group" and "FCP to merge" (the notes say "in FCP") are not assignments;
    "JF to create the repo" still is."""
    text = ("# Minutes 2031-01-16\n\n## Items\n\n- Inline assembly\n"
            "    - [RFC](https://example.org/1) to create a group in FCP\n- Ops\n    - FCP to merge\n"
            "- JF to create the repo\n")
    assert _tasks(text) == ["JF to create the repo"]


def test_a_table_of_past_meetings_newest_first_is_a_log():
    """ "## Prior Meetings" rows dated newest first are a record, not a schedule; an ascending table still is."""
    text = ("# TSC Meetings\n\n## Prior Meetings\n\n| Date | Issue |\n|---|---|\n| 2031-03-03 | [#57](//x.org/57) |\n"
            "| 2031-02-25 | [#52](//x.org/52) |\n| 2031-02-18 | Budget |\n\n## Next\n\n| Date | What |\n|---|---|\n"
            "| 2031-04-02 | Summit |\n| 2031-05-07 | Release |\n| 2031-06-04 | Retro |\n")
    assert [d for _, d in _ms(text, "MEETINGS.md")] == ["2031-04-02", "2031-05-07", "2031-06-04"]


def test_a_date_and_time_right_under_an_event_heading_is_that_event():
    """ "# Date for next meeting" then "June 21, 2031 at 14:00 UTC (…)": the heading's event, not a log stamp;
    a stamped line under "# Chat" stays a stamp."""
    text = ("# Call 108\n\n## Notes\n\nText.\n\n# Date for next meeting\n"
            "June 21, 2031 at 14:00 UTC (postponed two weeks)\n\n# Chat\n2031-06-22 14:00 Bob: hi\n")
    assert _ms(text, "2031-05-24.md") == [("Date for next meeting", "2031-06-21")]


def test_a_date_near_the_documents_own_in_a_later_section_is_an_event():
    """Two days after the meeting, under a third heading, "JQ Infra meeting on thurs Oct. 17" is another
    meeting, not a day of this one (that rule reads the header block only)."""
    text = ("# Council meeting 2031-10-15\n\n## Present\n\n- Joe\n\n### Announcements\n\n"
            "* JQ Infra meeting on thurs Oct. 17\n")
    assert _ms(text, "2031-10-15.md") == [("JQ Infra meeting", "2031-10-17")]


def test_a_range_with_a_weekday_after_the_dash_and_a_slot_without_a_meeting():
    """ "May 31 - Friday, June 1, 2032" is one event on its first day; "July 14 -- no meeting" is none."""
    text = ("# TSC 2031-12-13\n\n## Summit\n\n* Collab summit Berlin, most likely on May 31 - Friday, June 1, 2032. "
            "Before the conference.\n\n## Planning\n\n* January 14 -- no meeting (also, Kim has a conflict)\n"
            "* January 21 -- Structural equality\n")
    assert _ms(text, "2031-12-13.md") == [("Collab summit Berlin, most likely", "2032-05-31"),
                                          ("Structural equality", "2032-01-21")]


def test_ai_before_a_name_is_the_marker_and_proposed_action_items_introduce():
    """ "AI Felix: summarize and close" is an action item for Felix ("AI & Dataset Profile - Gopi" stays a
    topic); "Proposed action items to review:" introduces its sub-items."""
    text = ("# Lang team 2031-03-02\n\n## Items\n\n* AI Felix: summarize and fcp close\n"
            "* AI & Dataset Profile - Gopi\n* Proposed action items to review / check boxes:\n    * pnkfelix\n"
            "    * josh\n")
    assert _tasks(text) == ["Summarize and fcp close", "Pnkfelix", "Josh"]


def test_days_listed_one_by_one_are_one_event_and_a_weekday_is_no_title():
    """ "the All Hands on Thursday (21 May), Friday (22 May) and Saturday (23 May)" is one event on its first
    day, titled without the other days; "Wednesday 22 through Friday 24 January, 2032" is a range too."""
    text = ("# Plans 2031-12-30\n\nAfter the conference, the three-day All Hands runs on **Thursday (21 May), "
            "Friday (22 May) and Saturday (23 May)**.\n\nThe interim: we'll be meeting Wednesday 22 through "
            "Friday 24 January, 2032.\n")
    assert _ms(text) == [("After the conference, the three-day All Hands runs", "2032-05-21"),
                         ("The interim: we'll be meeting", "2032-01-22")]


def test_a_date_whose_clause_is_only_the_date_takes_its_sentence():
    """ "09-20-2031, 11-08-2031 Lee to build the agendas": the first date's clause is bare, so its title is
    the sentence (not the heading above), and a date at a line's start is no stamp without a time."""
    text = "# WG 2031-05-24\n\n## Dates for upcoming sessions\n\n09-20-2031, 11-08-2031 Lee to build the agendas\n"
    assert _ms(text) == [("11-08-2031 Lee to build the agendas", "2031-09-20"),
                         ("Lee to build the agendas", "2031-11-08")]


def test_a_deadline_before_the_date_is_ahead_in_an_agenda_and_past_in_minutes():
    """An agenda is written before its meeting: "register before 18th of March" (meeting on the 24th) is a
    deadline; minutes are written after it: the same sentence there is history."""
    line = "Please register before 18th of March 2031.\n"
    assert _ms(f"# Agenda for the 44th meeting\n\n## Logistics\n\n{line}", "2031-03-24.md") == [
        ("Please register", "2031-03-18")]
    assert _ms(f"# Council call\n\n## Logistics\n\n{line}", "2031-03-24.md") == []


def test_a_year_less_date_stated_as_ahead_but_months_before_the_post_is_next_years():
    """A post of 30 September: "The second day (Wednesday 20 May) will again include a track" is next May;
    "followed by" separates two events of one sentence."""
    text = ("+++\npath = \"inside-rust/2031/09/30/all-hands\"\n+++\n\n# All Hands\n\n"
            "The conference takes place on Tuesday (19 May) followed by the All Hands on Thursday (21 May). "
            "It will be fun.\n\nThe second day (Wednesday 20 May) will again include a track for talks.\n")
    assert _ms(text, "all-hands.md") == [("The conference takes place", "2032-05-19"),
                                          ("The All Hands", "2032-05-21"),
                                          ("The second day will again include a track for talks", "2032-05-20")]


def test_a_deadline_mid_sentence_near_the_top_is_no_document_date():
    """ "The VAT return is due 31 Jan 2032; the accountant wants …" on line 3 of a plain-text note is a
    deadline (titled up to the semicolon), not the note's own date; "2031-03-01 standup" on line 1 is."""
    text = "Personal admin\n\nThe quarterly VAT return is due 31 Jan 2032; the accountant wants the\nfile earlier.\n"
    assert _ms(text, "admin.txt") == [("The quarterly VAT return", "2032-01-31")]
    assert _ms("2031-03-01 standup\n\nNext meeting: March 8\n", "standup.txt") == [("Next meeting", "2031-03-08")]


def test_a_schedule_of_phases_has_no_document_date_and_keeps_every_phase():
    """ "### September 19 - Monday, November 7, 2031" heads a phase, so it neither dates the document nor
    makes the later phases ("### November 8 - November 28, 2031") the meeting's own days."""
    text = ("# 1.5 Timeline\n\n### September 19 - Monday, November 7, 2031\n- [x] **Monday, November 7, 2031**\n"
            "  - Feature Complete Date\n\n### November 8 - November 28, 2031\n- KubeCon is Nov 8-9, 2031\n"
            "- [ ] **Monday, November 28, 2031**\n  - Release branch fast-forwarded\n")
    assert [d for _, d in _ms(text, "README.md")] == ["2031-11-07", "2031-11-08", "2031-11-28"]


def test_a_side_event_on_a_day_of_the_meeting_is_an_event_of_its_own():
    """During a meeting on 10-12 October, "### Social" with "- Date and time: Thursday, Oct 12th from 6:00PM" is
    an event named by its heading; the agenda's own "Thursday - Oct 12" day is not."""
    pad = "".join(f"* Topic {i}: review the proposal\n" for i in range(24))
    text = ("# CG meeting\n\n- **Dates**: Tuesday-Thursday October 10-12, 2031\n\n## Logistics\n\n" + pad +
            "\n### Social\n\n- Date and time: Thursday, Oct 12th from 6:00PM - 8:00PM\n- Place: Augustiner-Keller\n\n"
            "## Agenda\n\n* Thursday - Oct 12\n")
    assert _ms(text, "CG-10.md") == [("Social", "2031-10-12")]


def test_an_event_months_before_the_notes_without_past_words_is_next_years_and_long_term_todos():
    """Notes of 14 March: "Summit (Bilbao) - 19th-21st September" is this coming September, but "Update from
    April 6" in notes of 7 July refers back; "## Long-term TODOs" introduces tasks; "We discussed it on
    2019-05-02" in a design note is history."""
    assert _ms("# CPC 2031-03-14\n\n## Events\n\n* Summit Europe (Bilbao) - 19th-21st September\n") == [
        ("Summit Europe (Bilbao)", "2031-09-19")]
    assert _ms("# Planning 2031-07-07\n\n## Notes\n\n* Update from April 6 suggests a change\n") == []
    assert _tasks("# WG 2031-05-14\n\n## Long-term TODOs\n\n- Update the docs\n- Fix the button\n") == [
        "Update the docs", "Fix the button"]
    assert _ms("# Design notes\n\nHow the cache works. We discussed eviction on 2019-05-02 and decided on LRU.\n",
               "doc1.md") == []


def _tasks(text: str, filename: str = "2030-01-10.md") -> list[str]:
    return [t.title for t in _run(text, filename).tasks]


def test_a_discussion_under_a_review_of_action_items_heading_is_no_task_list():
    """ "### Review of action items" whose sub-sections are speakers' turns ("Brad: feature detection?",
    "Luke: yes"): a discussion, not action items; a sub-section of imperatives keeps inheriting the heading."""
    text = ("### Review of action items from prior meeting.\n\n#### TC39 recap\n\n"
            "* JF: TC39 sometimes feel left out about weak refs.\n* Peter: biggest TC39 I've been to.\n\n"
            "#### Feature detection\n\n* Brad: would exception handling be under this?\n* Luke: yes.\n\n"
            "#### Tooling\n\n- Confirm buy-in from Reth and Besu.\n- Contact Gabriel about the tests.\n")
    assert _tasks(text) == ["Confirm buy-in from Reth and Besu", "Contact Gabriel about the tests"]


def test_a_linked_proposal_before_to_stage_is_no_assignee():
    """ "[Promise.try](…) to stage 1" in an agenda is a proposal, not a person; "[Ann Lee](…) to ask" and a
    GitHub profile link ("[ckerr](https://github.com/ckerr) to file") are."""
    text = ("# Minutes\n\n- [Rest/Spread Properties](http://x.io/a) to stage 3. (Sebastian Markbage)\n"
            "- [Promise.try](https://github.com/ljharb/proposal-promise-try) to stage 1 (Jordan Harband)\n"
            "- [Ann Lee](https://example.com/ann) to ask the board\n"
            "- [ckerr](https://github.com/ckerr) to file the issue\n")
    assert _tasks(text) == ["[Ann Lee](https://example.com/ann) to ask the board",
                            "[ckerr](https://github.com/ckerr) to file the issue"]


def test_an_attendees_first_name_is_a_name():
    """ "* Rod Vagg @rvagg (TSC)" among the attendees: "Rod to follow up …" later is an assignment."""
    text = ("# TSC Meeting\n\n## Present\n\n* Rod Vagg @rvagg (TSC)\n* Ann Lee (Acme)\n\n## Minutes\n\n"
            "### Travel fund\n\n* Michael posted an issue\n* Rod to follow up with email to everyone\n"
            "* Ann to book the room\n")
    assert _tasks(text) == ["Rod to follow up with email to everyone", "Ann to book the room"]


def test_an_assignment_mid_paragraph_and_with_an_oxford_comma():
    """In minutes, "Jory to check with Brian …" after another sentence is an assignment, and so is "Jory, Brian,
    and Tobie to speak …"; "Difficult to do." (a prefix of a name, one word after "to") is not."""
    text = ("# CPC meeting\n\n## Present\n\n* Jory Burson (@jorydotcom)\n* Brian Warner (@brianwarner)\n"
            "* Tobie Langel (@tobie)\n* Dana (difficulty lead)\n\n## Minutes\n\n"
            "Where should onboarding topics live? Jory, Brian, and Tobie to speak further to move this forward.\n\n"
            "Private repo has been requested and we are waiting.  Jory to check with Brian on the private repo.\n\n"
            "Main-net variables take a lot of digging. Difficult to do.\n")
    assert _tasks(text) == ["Jory, Brian, and Tobie to speak further to move this forward",
                            "Jory to check with Brian on the private repo"]


def test_a_speaker_to_verb_and_actionable_items():
    """ "cramertj: to follow up" is an assignment ("Uri: will we release …?" is a question); the sub-items of
    "Actionable items:" are tasks."""
    text = ("# Lang team\n\n## Present\n\n* cramertj\n* Uri\n\n## Notes\n\n* cramertj: to follow up\n"
            "* Uri: will we be releasing alpha.1 at that point?\n"
            "* Union inputs\n  - Actionable items:\n    - Sizing impact\n    - Stability for linking to specs\n")
    assert _tasks(text) == ["cramertj: to follow up", "Sizing impact", "Stability for linking to specs"]


def test_dates_offered_as_options_are_no_events_and_an_approximate_date_leaves_no_bracket():
    """ "picking block 4.35mil (Oct. 9th), 4.36mil (Oct. 13th), or 4.4mil (Oct. 27th)": options, not events
    (and "Oct." ends no sentence); "… at block 4.37mil (roughly Oct. 17th) in order to …" is the event."""
    text = ("# Meeting 25\n\n- Byzantium\n    - We discussed picking block number 4.35mil (Oct. 9th), 4.36mil "
            "(Oct. 13th), or 4.4mil (Oct. 27th) for the mainnet fork.\n"
            "    - The mainnet fork will occur at block number 4.37mil (roughly Oct. 17th) in order to give more "
            "time for testing.\n")
    assert _ms(text, "2029-09-22.md") == [
        ("The mainnet fork will occur at block number 4.37mil in order to give more time for testing",
         "2029-10-17")]


def test_a_plan_without_a_year_runs_forward_from_the_files_day():
    """No date and no year in the text: the file's day (here 2030-01-15 would put "Mar" this year and "Dec"
    last year) dates the first entry, and each later entry of the plan is not before the one above it;
    "###Apr 4 - Apr 8" (no space after the hashes) is a heading."""
    text = ("# Proposed timeline\n\nThat would look like:\n\n###Nov 20 - Nov 24\n- Feature coding week 1\n\n"
            "- Code freeze on Dec 14\n- Release on Mar 2\n- Retro on Mar 9\n")
    assert _ms(text, "README.md") == [("Code freeze", "2029-12-14"), ("Release", "2030-03-02"),
                                      ("Retro", "2030-03-09")]
    assert _ms("# Plan\n\n- Kick-off on Jun 6\n- Review on Mar 3\n", "README.md") == [
        ("Kick-off", "2030-06-06"), ("Review", "2031-03-03")]


def test_an_html_table_in_markdown_reads_as_a_table():
    """A README's calendar written as an HTML <table> (month columns, a day under a month, CRLF line ends)
    dates each row as the Markdown table would; an HTML table under "## Action items" gives a task a row."""
    cell = "\r\n    ".join
    rows = [["What", "Who", "JAN", "FEB"], ["Start of Release Cycle", "Lead", "2", ""],
            ["Code freeze &amp; branch", "<b>Branch</b> Manager", "", "26"]]
    table = "<table>\r\n" + "".join(
        "  <tr>\r\n    " + cell(f"<td>{c}</td>" for c in row) + "\r\n  </tr>\r\n" for row in rows) + "</table>\r\n"
    text = "# 1.10 release\r\n\r\nThe cycle begins in January 2031.\r\n\r\n## Timeline\r\n\r\n" + table
    assert _ms(text, "README.md") == [("Start of Release Cycle", "2031-01-02"), ("Code freeze & branch", "2031-02-26")]
    actions = ("## Action items\n\n<table>\n<tr><th>Who</th><th>What</th></tr>\n"
               "<tr><td>Ann</td><td>Send the <a href='x'>invoice</a></td></tr>\n</table>\n")
    assert _tasks(actions) == ["Ann | Send the invoice"]


def test_a_table_without_outer_pipes_and_a_heading_stamp_with_a_weekday_and_utc():
    """ "Action Item | Decision" over "-|-" is a table (GFM needs no outer pipes); its numbering cell
    ("**6.1**") is no part of a task; "Thur. December 3, 2031, 1400 UTC." under "## Next Meeting Date/Time"
    is that meeting ("Thur." ends no sentence)."""
    text = ("# Fee market meeting 6\n\n## Actions Required\n\nAction Item | Decision\n-|-\n"
            "**6.1** | Finish POA testnet\n**6.2** | Create a testnet from a fork of mainnet\n---\n\n"
            "# Notes\n\nWe talked.\n\n## Next Meeting Date/Time\n\nThur. December 3, 2031, 1400 UTC.\n")
    got = _run(text, "fee-market-06.md")
    assert [t.title for t in got.tasks] == ["Finish POA testnet", "Create a testnet from a fork of mainnet"]
    assert [(m.title, m.date) for m in got.milestones] == [("Next Meeting Date/Time", "2031-12-03")]


def test_names_joined_by_a_slash_are_names():
    """ "… in particular Rodd/James" makes "James to schedule in March." under "## Next Meeting:" a task."""
    text = ("# Release meeting\n\n## Minutes\n\nDiscuss next time when we have a bigger group, in particular "
            "Rodd/James\n\n## Next Meeting:\n\nJames to schedule in March.\n")
    assert _tasks(text) == ["James to schedule in March"]


def test_a_second_event_titled_by_its_verb_takes_the_first_ones_subject():
    """ "Code freeze begins Monday February 26th and ends Wednesday, March 14th.": "Code freeze ends"."""
    text = "# 1.10 release\n\nCode freeze begins **Monday February 26th** and ends **Wednesday, March 14th**.\n"
    assert _ms(text, "2031-01-02-plan.md") == [("Code freeze begins", "2031-02-26"), ("Code freeze ends", "2031-03-14")]


def test_a_range_across_new_year_dates_its_start_in_the_year_before_its_end():
    """ "November 29 - 30 - December 1, 2031": one range, in 2031; "Dec 28 - Jan 3, 2032" starts in 2031;
    "Dec 8 - Jan 3" in a README whose year is 2032 starts in December 2031."""
    assert _ms("# Meetings\n\n- November 29 - 30 - December 1, 2031 (Palo Alto)\n", "2031-09-22.md")[0][1] == \
        "2031-11-29"
    assert _ms("# Freeze\n\n- Holiday freeze: Dec 28 - Jan 3, 2032\n", "2031-09-22.md") == [
        ("Holiday freeze", "2031-12-28")]
    text = "# Proposed timeline for 1.6\nWe will begin the 1.6 release the first week of 2032.\n\n" \
           "## Schedule\n- Dec 8 - Jan 3: planning period\n- Jan 24 (Tues) features repo freeze\n"
    assert _ms(text, "README.md") == [("Planning period", "2031-12-08"), ("Features repo freeze", "2032-01-24")]


def test_roles_and_lists_that_are_not_all_names_are_no_assignments():
    """ "Mark will minutes" is a meeting role; "Rod, How to make it …" is no list of names; "Request:" as a
    label does not make "Request to move …" someone's action."""
    text = ("# Meeting\n\n## Present\n\n* Rod Vagg @rvagg\n* Mark (chair)\n\n## Agenda\n\n"
            "* Request: Additional travel fund\n\n## Minutes\n\n* Mark will minutes\n"
            "* Rod, How to make it more digestable\n* Request to move moderation responsibilities to CommComm\n"
            "* Rod to draft the budget\n")
    assert _tasks(text) == ["Rod to draft the budget"]
