"""Rules added from the unseen sets CA–CG (docs/EXTRACTION.md, seventh proxy check): each on a small synthetic text."""

from __future__ import annotations

from tests.agents.extract_runs import milestones as _ms
from tests.agents.extract_runs import run as _run
from tests.agents.extract_runs import tasks as _tasks


def test_a_milestone_title_shows_a_links_text_not_its_address():
    """ "Ann: [register](https://forms.example/…) by May 24" is titled by the link's text, as its quote reads;
    a task keeps its links as written (the guide's rule for task text)."""
    text = ("# Meeting 2031-05-02\n\nAnn: [register](https://forms.example/d/e/1FAIpQL/viewform) by May 24.\n\n"
            "## Action items\n\n* Bob to file [the form](https://forms.example/f)\n")
    result = _run(text, "2031-05-02.md")
    [m] = result.milestones
    assert (m.title, m.date, m.quote) == ("Ann: register", "2031-05-24", "Ann: register by May 24.")
    assert [t.title for t in result.tasks] == ["Bob to file [the form](https://forms.example/f)"]


def test_a_month_and_day_joined_by_a_hyphen_after_a_weekday_is_a_date():
    """ "Next formal meeting on Thursday Dec-15." is that meeting; without the weekday "Dec-15" reads as a
    month and a year (a budget line), no date."""
    text = "# Minutes\n\nNext formal meeting on Thursday Dec-15.\n\nSee the Dec-15 budget.\n"
    assert _ms(text, "2031-11-20.md") == [("Next formal meeting", "2031-12-15")]


def test_the_rows_of_a_table_whose_first_column_is_action_items_are_tasks_without_a_heading():
    """A session's "Action Item | Owner(s)" table (no pipes at the ends, no action heading above it) lists
    tasks; a table whose first column is a bare "Action" (key bindings) does not."""
    text = ("# Session notes\n\nQ: Is it worth it?\n\nAction Item |Owner(s)\n------------|------------\n"
            "Talk to the storage team | Tim Hockin\nRegular community checkins | Brian Grant\n\n"
            "Action | Keys\n---|---\nSave the file | Ctrl+S\n")
    assert _tasks(text) == ["Talk to the storage team | Tim Hockin", "Regular community checkins | Brian Grant"]


def test_a_process_folders_onboarding_checklist_is_a_template_unless_someone_ticked_it():
    """A council's `process/onboarding.md` lists the steps every new member takes: a checklist to copy, nobody's
    tasks (the file name flattened with underscores too); once a box in it is ticked it is in use."""
    text = "# Onboarding members\n\n## New member steps\n\n- [ ] Review the charter\n- [ ] Request an email address\n"
    assert _tasks(text, "process/onboarding.md") == []
    assert _tasks(text, "council__process_onboarding.md") == []
    assert _tasks(text.replace("[ ] Review", "[x] Review"), "process/onboarding.md") == [
        "Review the charter", "Request an email address"]


def test_having_filing_or_putting_an_action_is_an_action_item():
    """ "Staff had action to look at …", "filing an action item to figure that out", "Let's put an action item
    to double check" each record an action item in the discussion; "a call to action" does not."""
    text = ("# Minutes\n\n* Unable to record, filing an action item to figure that out.\n"
            "* Ryan: Let's put an action item to double check with RFC.\n"
            "* Staff had action to look at different cost models\n"
            "* The talk ended with a call to action for everyone.\n")
    assert _tasks(text, "2031-06-15.md") == [
        "Unable to record, filing an action item to figure that out",
        "Ryan: Let's put an action item to double check with RFC",
        "Staff had action to look at different cost models"]


def test_handles_with_an_action_under_a_follow_up_heading_are_their_action_items():
    """Under "### Follow-up" the notes list last meeting's actions as "@handle: Verb …"; a plain item there
    ("Approve the joining process") and the same handle lines under another heading are not tasks."""
    text = ("# WG meeting\n\n### Follow-up\n- @malept: Prepare Forge 6 stable with a note.\n"
            "    - Need to bump other modules first.\n- @erickzhao: Email Appzi about preferences.\n"
            "- @erickzhao or @felixrieseberg: Delete disabled apps.\n"
            "- Approve the joining process\n\n### Discussion\n- @ckerr: Wondered about the release\n")
    assert _tasks(text, "2031-05-28.md") == ["@malept: Prepare Forge 6 stable with a note",
                                             "@erickzhao: Email Appzi about preferences",
                                             "@erickzhao or @felixrieseberg: Delete disabled apps"]


def test_a_capitalised_action_item_marker_without_a_colon():
    """ "ACTION ITEM Niko to leave a comment" is marked as clearly as with a colon; "Action item review was
    short" in ordinary case is a sentence about action items."""
    text = ("# Triage\n\n- Some issue\n    - ACTION ITEM Niko to leave a comment summarizing the above\n"
            "    - ACTION ITEM Check your boxes!\n- Action item review was short\n")
    assert _tasks(text, "2031-01-26.md") == ["Niko to leave a comment summarizing the above", "Check your boxes"]


def test_what_others_are_taking_action_to_do_is_no_action_item():
    """ "browsers are taking action to restrict state storage" says what others do; "Rod will take action to
    draft the charter" is someone's action."""
    text = ("# Minutes\n\n* EKR: browsers are taking action to restrict the use of state storage\n"
            "* Rod will take action to draft the charter\n")
    assert _tasks(text, "2031-06-15.md") == ["Rod will take action to draft the charter"]


def test_dates_without_a_year_under_a_recurring_heading_come_back_every_year():
    """ "## Recurring dates" then "Director election - term ends February 28": a yearly date, no event; the
    reminder with its year under "## Reminders" is one."""
    text = ("# Dates and reminders\n\n## Recurring dates\n\n- Director election - term ends February 28\n"
            "- Member selection - terms end March 31\n\n## Reminders\n\n"
            "- October 12, 2031 - Check on progress of the mentoring plan\n")
    assert _ms(text) == [("Check on progress of the mentoring plan", "2031-10-12")]


def test_a_list_of_presentations_given_is_a_record_of_past_meetings():
    """ "# Presentations given in 2031" lists talks with the meeting each was given at: a record, no events;
    "# Presentations planned" with the same lines is a schedule."""
    body = "\n* [Stack mechanisms](https://example.org/a.pdf) (Ross)\n  Meeting: [11-02-2031](https://example.org/SG-11-02.md)\n"
    assert _ms("# Presentations given in 2031\n" + body, "stack/README.md") == []
    assert [d for _, d in _ms("# Presentations planned for 2031\n" + body, "stack/README.md")] == ["2031-11-02"]


def test_a_table_row_with_a_meetings_recording_is_a_meeting_that_took_place():
    """A breakout series' table lists each meeting with its agenda, recording and notes: a row with a recording
    is a record; the row of the next meeting, with no recording yet, is an event."""
    text = ("# Breakout room meetings\n\n| # | Date | Agenda | Recording |\n| -- | -- | -- | -- |\n"
            "| 1 | December 13, 2031 | [Agenda](https://example.org/i/1) | [Recording](https://youtu.be/SOt-rNDl) |\n"
            "| 2 | January 10, 2032 | [Agenda](https://example.org/issues/1240) | |\n")
    assert [d for _, d in _ms(text)] == ["2032-01-10"]


def test_an_upper_case_word_the_document_writes_in_the_plural_is_a_thing_not_initials():
    """ "FCP to merge started" in notes with "## Proposed FCPs" is a status (FCP is a process, written in the
    plural), while "JF to merge the PR" with JF an attendee's initials is an assignment."""
    text = ("# Triage\n\n## Proposed FCPs\n\n* Tracking issue\n\nFCP to merge started\n\n"
            "JF to merge the PR after review\n")
    assert _tasks(text, "2031-09-21.md") == ["JF to merge the PR after review"]


def test_an_attendee_written_with_an_address_is_a_person_who_can_be_assigned():
    """ "Matteo Collina <mailto:…>" in the attendee list makes "Matteo to provide some data." (after other
    sentences of an item) and "Matteo will create a write-up." assignments; an unlisted "Node will need to
    inherit them." is narrative."""
    text = ("# V8 meeting\n\n## Attendees\n\n* Matteo Collina <mailto:matteo@example.org>\n"
            "* Colin Ihrig <mailto:colin@example.org>\n\n## Notes\n\n"
            "* Repro case would be great. Maybe tools exist. Matteo to provide some data.\n"
            "* Matteo will create a write-up.\n* Node will need to inherit them.\n")
    assert _tasks(text, "2031-01-31.md") == ["Matteo to provide some data", "Matteo will create a write-up"]


def test_a_line_that_opens_with_its_date_names_the_event_over_prose_saying_the_same():
    """The town hall is proposed in prose ("Myles recommends a town hall on Tuesday, Feb 19th …") and listed
    under "Recap of important dates:" as "Feb 19: Town Hall (11a PST)": one event, titled by the recap line."""
    text = ("# Bootstrap meeting\n\nMyles recommends a town hall on Tuesday, Feb 19th to give people a chance to "
            "review.\n\nRecap of important dates:\nFeb 19: Town Hall (11a PST), Myles to follow up\n")
    assert _ms(text, "2031-02-11.md") == [("Town Hall (11a PST), Myles to follow up", "2031-02-19")]


def test_an_agenda_topic_named_next_steps_with_a_timebox_is_a_topic_not_a_list_of_actions():
    """ "* Next steps" over "- 10 minute timebox" and a question is a topic of the agenda like its siblings;
    "* Next steps" over real steps still introduces them."""
    text = ("# Meeting\n\n### Proposals\n\n* [Charter](https://example.org/c)\n  - 10 minute timebox\n"
            "* Next steps\n  - 10 minute timebox\n  - What's next, what do we have to do?\n\n"
            "### Wrap-up\n\n* Next steps\n  - Ann to draft the bylaws\n")
    assert _tasks(text, "2031-02-11.md") == ["Ann to draft the bylaws"]


def test_a_release_day_stated_in_a_posts_first_lines_is_an_event_even_when_a_link_ends_the_line():
    """A pre-release post of 7 October says "The release is scheduled for this Thursday, October 8th." on a
    line that ends in an opening link: the release is an event, not a second day of the post."""
    text = ('+++\npath = "inside-rust/2031/10/07/1.47.0-prerelease-2"\ntitle = "1.47.0 pre-release testing"\n+++\n\n'
            "The second pre-release for 1.47.0 is ready for testing. The release is\n"
            "scheduled for this Thursday, October 8th. [Release notes can be found\nhere.][relnotes]\n")
    assert [d for _, d in _ms(text, "1.47.0-prerelease-2.md")] == ["2031-10-08"]


def test_a_date_under_a_bold_label_is_the_event_the_label_names_in_the_plan():
    """The plan lists "March 16 — ffi-unwind"; the updates below say "meeting scheduled for Mar 16 now" under
    "**ffi-unwind (Amanieu)**": one event. Two events of one section on one day stay two."""
    text = ("# Lang team meeting\n\n## Upcoming meetings\n\n- March 16 — ffi-unwind\n- March 23 — sealed rust\n\n"
            "## Updates\n\n**ffi-unwind (Amanieu)**\n\n- meeting scheduled for Mar 16 now\n\n"
            "## Schedule\n\n- April 6: code freeze\n- April 6: docs deadline\n")
    assert _ms(text, "2031-03-05.md") == [("ffi-unwind", "2031-03-16"), ("Sealed rust", "2031-03-23"),
                                          ("Code freeze", "2031-04-06"), ("Docs deadline", "2031-04-06")]


def test_an_assignment_after_an_outcome_label_and_a_question_that_names_no_one():
    """ "**Outcome**: @ofrobots to open an issue" assigns the issue like "**Conclusion**: …"; "Updates to add to
    the registration page this week?" asks a question."""
    text = ("# Summit notes\n\n## Embedding\n\n**Outcome**: @ofrobots to open an issue\n\n"
            "**Outcome** - No consensus on adding more APIs.\n\n## Registration\n\n"
            "* Registration is open\n    * Updates to add to registration page this week?\n")
    assert _tasks(text, "2031-10-13.md") == ["@ofrobots to open an issue"]


def test_skipped_under_an_action_heading_is_no_action():
    """ "## Review previous meeting's action items" over "- skipped" records that the review did not happen."""
    text = "# WG notes\n\n## Review previous meeting's action items (5m, Host)\n\n- skipped\n\n## Topic\n\n- talk\n"
    assert _tasks(text, "2031-08-01.md") == []


def test_a_persons_next_steps_heading_introduces_their_steps():
    """ "### Mark - Next steps" (sub-headed by "#### Document schedule") lists Mark's next steps; "### Mark -
    Notes" does not."""
    text = ("# Interim meeting\n\n### Mark - Next steps\n\n#### Document schedule\n\n"
            "- Updated implementation draft in 2 weeks.\n- Write a blog entry on what went on here.\n\n"
            "### Mark - Notes\n\n- The venue was fine.\n")
    assert _tasks(text, "2031-08-05.md") == ["Updated implementation draft in 2 weeks",
                                             "Write a blog entry on what went on here"]


def test_a_known_person_going_to_do_something_is_an_assignment_like_will():
    """ "Vince is going to do some research …" and "Benjie’s going to do some thinking …" as items of their own
    in minutes read as "Name will …"; "The spec is going to change" names nobody the notes know."""
    text = ("# WG notes\n\n## Attendees\n\n* Vince\n* Benjie\n\n## Input unions\n\n"
            "* Vince is going to do some research on literal values.\n"
            "* Benjie’s going to do some thinking about `@oneOf`.\n* The spec is going to change a lot.\n")
    assert _tasks(text, "2031-05-07.md") == ["Vince is going to do some research on literal values",
                                             "Benjie’s going to do some thinking about @oneOf"]


def test_a_surname_initial_or_a_comma_before_will_and_a_next_step_that_is_an_action():
    """ "Michael Z will find out the plans", "Rod, will post an update" and "Next step is for Myles to write the
    first draft." are actions; "jup, will do" is a reply, "Next steps are unclear" names none, and "Next step is
    to put examples" under "[Ivan]" is a point of his turn."""
    text = ("# TSC meeting\n\n## Attendees\n\n* Michael Zasso (@targos)\n* Rod Vagg (@rvagg)\n\n## Notes\n\n"
            "* Data\n  * Michael Z will find out the plans and report back.\n  * Rod, will post an update.\n"
            "  * Next step is for Myles to write first draft of doc.\n  * Next steps are unclear for now.\n"
            "  * jup, will do\n* [Ivan]\n  * Next step is to put examples of what problems are solved\n")
    assert _tasks(text, "2031-01-30.md") == ["Michael Z will find out the plans and report back",
                                             "Rod, will post an update",
                                             "Next step is for Myles to write first draft of doc"]


def test_an_action_marker_in_brackets_with_its_owner_after_it_ends_the_item():
    """ "We should consider doing a release today! [ACTION] sam" is sam's action; "[ACTION] is a tag we use"
    mid-sentence is not a marker at the end."""
    text = ("# Upgrades WG\n\n* Release\n    * We should consider doing a release today! [ACTION] sam\n"
            "* The [ACTION] tag is what we use for owners in these notes\n")
    assert _tasks(text, "2031-04-30.md") == ["We should consider doing a release today"]


def test_a_note_under_an_issue_item_shares_the_plans_event_for_that_issue():
    """The plan lists "Feb 10 — Ralf + UnsafeCell bugs ([#55005](…))"; under the item for issue #55005 a note
    says "meeting planned for Feb 10": one event. A note under another issue on the same day is another."""
    text = ("# Lang team\n\n## Upcoming design meetings\n\n"
            "- Feb 10 — Ralf + `UnsafeCell` bugs ([#55005](https://example.org/issues/55005))\n\n"
            "## Triage\n\n- [Arc::drop has a dangling shared ref #55005](https://example.org/issues/55005)\n"
            "    - meeting planned for Feb 10\n"
            "- [Float casts #10184](https://example.org/issues/10184)\n    - review planned for Feb 10\n")
    assert _ms(text, "2031-01-16.md") == [("Ralf + UnsafeCell bugs (#55005)", "2031-02-10"),
                                          ("Review planned for", "2031-02-10")]


def test_a_date_named_as_an_earlier_meetings_is_no_event():
    """A post of 14 January: "Our next meeting will be 28 January 2031. We will focus on reviewing action items
    from the meeting of December 3rd.": the next meeting is an event, December 3rd is the last one."""
    text = ('+++\npath = "inside-rust/2031/01/14/governance-wg"\n+++\n\nOur next meeting will be 28 January 2031. '
            "We will discuss the RFC, and then focus on reviewing action items from the meeting of December 3rd.\n")
    assert [d for _, d in _ms(text, "governance-wg.md")] == ["2031-01-28"]


def test_a_todo_that_only_names_its_owner_makes_its_parent_item_their_task():
    """ "* Culling inactive members" over "* TODO for @erickzhao": the parent is the task; "TODO: tidy the
    list" under an item is its own task."""
    text = ("# Outreach WG\n\n## Agenda\n\n* Culling inactive members\n    * TODO for @erickzhao\n"
            "* Slack\n    * TODO: tidy the channel list\n")
    assert _tasks(text, "2031-07-19.md") == ["Culling inactive members", "Tidy the channel list"]


def test_actions_given_to_someone_in_the_prose_of_minutes():
    """Prose minutes hand out actions mid-paragraph: "Action to Gabriel Montenegro to make a proposal …",
    "Action item on Mark to talk to Martin …", "Eliot Lear was given an AI in Tokyo to propose text …";
    "a call to action for everyone" and "the AI to generate code" are not."""
    text = ("# Interim minutes\n\nSense of the room was clear. Action to Gabriel Montenegro to make a proposal "
            "for text. Mark asks about testing.\n\nAction item on Mark to talk to Martin about caching.\n\n"
            "Eliot Lear was given an AI in Tokyo to propose text for a registry.\n\n"
            "The talk was a call to action for everyone.\n\nWe asked the AI to generate code.\n")
    assert _tasks(text, "2031-06-12.md") == [
        "Action to Gabriel Montenegro to make a proposal for text",
        "Action item on Mark to talk to Martin about caching",
        "Eliot Lear was given an AI in Tokyo to propose text for a registry"]


def test_a_summary_of_action_items_heading_introduces_them():
    """ "## **Summary of Action Items**" lists the call's actions, as "## Action Items" would."""
    text = ("# Call 42\n\n## Notes\n\n- talk\n\n## **Summary of Action Items**\n\n"
            "- Further discussion of genesis to occur on Discord\n- Ben to perform sanity checks on snappy\n\n"
            "## **Resources Mentioned**\n\n- [a link](https://example.org)\n")
    assert _tasks(text, "2031-06-25.md") == ["Further discussion of genesis to occur on Discord",
                                             "Ben to perform sanity checks on snappy"]


def test_a_quantity_is_no_event_and_a_past_year_less_date_is_the_one_before():
    """Block-time estimates ("27 sec. - Aug. 26") name no event; in October "When the fork was implemented on
    March 1st, the block time went down" is the March before (past), while "The fork is planned for March 1st"
    is the March ahead."""
    estimates = ("# Call 20\n\n- Block time estimates (subject to change):\n    - 27 sec. - Aug. 26\n"
                 "    - 35 sec. - Sept. 27\n")
    assert _ms(estimates, "2031-07-14.md") == []
    past = ("# Call 72\n\n**James**: When the fork was implemented on March 1st, the last time, the block time "
            "went down.\n\n**Tim**: The next fork is planned for March 2nd.\n")
    assert [d for _, d in _ms(past, "2031-10-04.md")] == ["2032-03-02"]


def test_a_first_name_will_do_something_as_an_item_of_its_own_in_minutes():
    """ "Keeley will write the blog post by Friday" (a name the notes use nowhere else) is her action, as the
    guide's "@name will …"; "Node will need to inherit them", "Ron Buckton will not be available", "Build
    will happen on Appveyor" and "Friday will see the launch" are no one's action, and in a document that is not
    minutes nothing is assigned."""
    items = ("* Blog post\n    * Mostly quiet release.\n    * Keeley will write the blog post by Friday\n"
             "* Brian Warner will add a pinned message\n* Node will need to inherit them\n"
             "* Ron Buckton will not be available after 1pm\n* Build will happen on Appveyor\n"
             "* Friday will see the launch\n")
    assert _tasks("# Releases WG\n\n## Agenda\n\n" + items, "2031-10-28.md") == [
        "Keeley will write the blog post by Friday", "Brian Warner will add a pinned message"]
    assert _tasks("# Release plan\n\n" + items, "plan.md") == []


def test_a_schedule_rows_title_is_its_what_cell_not_who_or_which_week():
    """ "| **What** | **Who** | **When** | **Week** |": "[Thaw]" on release day is titled "[Thaw]", not "[Thaw] |
    Branch Manager | week 14"; a table with no "What" column still joins its cells."""
    text = ("# 4.27 release\n\n| **What** | **Who** | **When** | **Week** |\n| --- | --- | --- | --- |\n"
            "| **[Thaw]** | Branch Manager | Tuesday 11th April 2031 | week 14 |\n\n"
            "## Venues\n\n| Venue | Host | Date |\n| --- | --- | --- |\n| Honolulu | Google | May 2, 2031 |\n")
    assert _ms(text, "README.md") == [("[Thaw]", "2031-04-11"), ("Honolulu | Google", "2031-05-02")]


def test_outcome_action_items_and_an_assignment_in_brackets_that_ends_an_item():
    """ "* outcome action items:" over numbered items lists actions; "Somebody should submit a PR. (Colin will do
    that)" is Colin's; "(see the notes)" in brackets assigns nothing."""
    text = ("# Releases WG\n\n## Present\n\n* Colin Ihrig (@cjihrig)\n\n## Notes\n\n* 9.0.0 retro\n"
            "    * outcome action items:\n"
            "        1. Add tests to the notes generator\n        2. Test build process changes\n"
            "* Charter\n    * Somebody should submit a PR. (Colin will do that)\n"
            "    * The text is old (see the notes)\n")
    assert _tasks(text, "2031-05-20.md") == ["Add tests to the notes generator", "Test build process changes",
                                             "Somebody should submit a PR. (Colin will do that)"]


def test_a_review_of_action_items_with_its_tracker_links_lost_and_a_speakers_apology():
    """Under "## Review previous meeting's action items" the notes list the tracker's views without their links
    ("Ready for review", "All open action items (by meeting)") and "Benjie: sorry, I'm behind on filing them":
    no actions; "Pending action item: Felix to merge" and "Felix assigned to review." are."""
    text = ("# WG notes\n\n## Review previous meeting's action items (5m, Lee)\n\n- Ready for review\n"
            "- All open action items (by last update)\n- All open action items (by meeting)\n"
            "- Benjie: sorry, I'm behind on filing them\n\n## RFC 2845\n\n* Pending action item: Felix to merge\n\n"
            "## PR 113\n\n* Felix assigned to review.\n* Niko: to step back, seems like this wants an initiative\n")
    assert _tasks(text, "2031-03-03.md") == ["Felix to merge", "Felix assigned to review"]


def test_two_release_lines_on_one_day_under_their_own_plans_are_two_events():
    """ "Next release is 27th October - First LTS Release." under "Release plan - v14.x" and "v10.24.0 scheduled
    for 2031-10-27." under "Release plan - v10.x" share a day and the word "release" but name two releases."""
    text = ("# Release WG\n\n* Release plan - v14.x Current\n  * Next release is 27th October - First LTS Release.\n"
            "* Release plan - v10.x\n  * v10.24.0 scheduled for 2031-10-27. Mainly for N-API updates.\n")
    assert [d for _, d in _ms(text, "2031-10-08.md")] == ["2031-10-27", "2031-10-27"]


def test_a_month_and_day_in_figures_after_on_until_or_week_of_is_a_date():
    """ "Goal is to have the next draft on 7/4." and "in Orlando the week of 9/20" are dates (US order);
    "on 1/3 of the cases" and "a 3/4 majority" are fractions."""
    text = ("# Interim 2031-06-12\n\n* Goal is to have the next draft on 7/4.\n"
            "* Sara will be in Orlando the week of 9/20.\n* Seen on 1/3 of the cases\n* a 3/4 majority\n")
    assert [d for _, d in _ms(text, "2031-06-12.md")] == ["2031-07-04", "2031-09-20"]


def test_who_will_join_or_attend_and_a_capitalised_verb_after_a_name_are_no_assignments():
    """ "Oli will join in December" and "Jonathan Keslin will attend remotely" say who will be there; "Claudio
    Wanted to give a quick overview" reports a wish (no surname "Wanted"); "Rod Vagg to draft the charter" is
    Rod's."""
    text = ("# Council sync\n\n## Attendees\n\n* Rod Vagg (@rvagg)\n\n## Notes\n\n* Oli will join in December\n"
            "* Jonathan Keslin will attend remotely\n"
            "* Claudio Wanted to give a quick overview\n* Rod Vagg to draft the charter\n")
    assert _tasks(text, "2031-09-27.md") == ["Rod Vagg to draft the charter"]


def test_a_bracketed_action_marker_with_a_long_list_of_owners():
    """ "[ACTION: Benjie and Stephen and Alan (or anyone else)] Help Ivan with the blogpost" names its owners
    inside the marker, however many."""
    text = "# WG notes\n\n## Blog\n\n* [ACTION: Benjie and Stephen and Alan (or anyone else)] Help Ivan with the post\n"
    assert _tasks(text, "2031-12-05.md") == ["Help Ivan with the post"]


def test_a_speaker_naming_an_action_item_with_an_article_or_a_comma():
    """ "RW: an action item to take on our end, …" and "Jack: Action item, I'll update the doc …" are actions;
    "Ann: action items are tracked on GitHub" is talk about them."""
    text = ("# Notes\n\n* RW: an action item to take on our end, have talked to architects\n"
            "* Jack: Action item, I'll update the doc to mention observers.\n"
            "* Ann: action items are tracked on GitHub\n")
    assert _tasks(text, "2031-10-27.md") == ["Take on our end, have talked to architects",
                                             "I'll update the doc to mention observers"]


def test_a_question_after_a_dash_leaves_the_dated_statement_before_it():
    """ "Daylight Savings begins March 8th -- Do we want to keep our meeting time?" states the day, then asks;
    "Use the slot on March 9th?" offers a day and sets none."""
    text = ("# Releases WG\n\n## Members\n\n* @jkleinsc\n\n## Visitors\n\n## Agenda\n\n"
            "* Daylight Savings begins March 8th -- Do we want to keep our meeting time?\n"
            "* Use the slot on March 9th?\n")
    assert _ms(text, "2031-03-04.md") == [("Daylight Savings begins", "2031-03-08")]
