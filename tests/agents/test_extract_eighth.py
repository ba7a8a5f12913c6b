"""Rules added from the unseen sets DA–DH (docs/EXTRACTION.md, eighth proxy check): each on a small synthetic text."""

from __future__ import annotations

from tests.agents.extract_runs import milestones as _ms
from tests.agents.extract_runs import run as _run
from tests.agents.extract_runs import tasks as _tasks


def test_an_agenda_below_a_table_of_contents_is_still_an_agenda():
    """An in-person meeting's agenda opens with "## Table of Contents": what the document is comes from the next
    heading, so a registration deadline before the meeting's days is still ahead of its readers; minutes below
    the same table of contents leave it past."""
    agenda = ("## Table of Contents\n\n* [Registration](#registration)\n\n"
              "## Agenda for the June meeting of the group\n\n- **Dates**: Wednesday-Thursday, June 5-6, 2031\n\n"
              "### Registration\n\n- Fill out this [form](https://forms.example/f) by May 24.\n")
    assert _ms(agenda, "main_2031_CG-06.md") == [("Fill out this form", "2031-05-24")]
    minutes = agenda.replace("Agenda for the June meeting", "Minutes of the June meeting")
    assert _ms(minutes, "main_2031_CG-06.md") == []


def test_a_link_reference_definition_is_neither_a_date_nor_a_title():
    """ "[2031-03-10]: https://calendar.example/event?…" gives the address of the table's date link: the table row
    is the meeting, the definition below it is nothing (its label is no second event, its address no title)."""
    text = ("# Steering cycle\n\n### Steering Schedule\n\n| Date | Meeting Id | Meeting Topic |\n|---|---|---|\n"
            "| [2031-03-03][] | [team#590][] | Review for Q1 |\n| [2031-03-10][] | none | (planning for March) |\n\n"
            "[2031-03-03]: https://calendar.example/event?action=TEMPLATE&tmeid=Nzk5YW5ybjZh\n\n"
            "[2031-03-10]: https://calendar.example/event?action=TEMPLATE&tmeid=MDJyYnJ1cGFtdWR1\n\n"
            "[team#590]: ./issues/590 \"Review\"\n")
    assert _ms(text, "2031-02-10-steering.md") == [("[team#590] | Review for Q1", "2031-03-03"),
                                                    ("None | (planning for March)", "2031-03-10")]


def test_two_people_who_are_going_to_do_something_have_a_task():
    """ "Sara and Tobie are going to start by surveying the CPC" is their task, as "Vince is going to …" is;
    "They are going to …" and "We are going to …" name nobody."""
    text = ("# Minutes\n\n* Sara and Tobie are going to start by surveying the CPC\n* They are going to look at it\n"
            "* We are going to ship it\n")
    assert _tasks(text, "2031-02-16.md") == ["Sara and Tobie are going to start by surveying the CPC"]


def test_a_summary_of_two_sessions_is_dated_by_its_first_session_field():
    """An IETF meeting summary opens with "**Session Date/Time:** 04 Nov 2031 09:30" (no heading above it): that
    is the document's date, so its "## Next Steps" are a meeting's next steps, and the second session's field
    below is a day of the same meeting, no event."""
    session = ("**Session Date/Time:** {} 2031 {}\n\n# httpbis\n\n## Summary\n\nThe group met.\n\n"
               "## Next Steps\n\n*   Ben to update the Connect TCP draft and consolidate.\n")
    text = session.format("04 Nov", "09:30") + "\n---\n\n" + session.format("07 Nov", "17:30")
    result = _run(text, "ietf221_summary.md")
    assert [t.title for t in result.tasks] == ["Ben to update the Connect TCP draft and consolidate"] * 2
    assert not result.milestones


def test_a_file_name_joined_by_underscores_still_names_a_meeting():
    """ "Breakout-Room-Meetings_FOCIL_Meeting-03.md" (no date anywhere) is a meeting's notes: its "## Next Steps"
    are the meeting's next steps, not a README's section; a plain caption line below them ("Links shared in
    meeting") starts another part, whose links are no steps; "The next meeting is scheduled in two weeks" is an
    event, no step."""
    text = ("# Breakout Room #03\n\n## Next Steps\n- Client teams aim to complete implementations before the next "
            "meeting.\n- The next meeting is scheduled in two weeks for further updates.\n\nLinks shared in meeting\n"
            "- https://hackmd.io/@someone/test-cases\n- [Eth Magicians](https://ethereum-magicians.org/t/x/1)\n")
    assert _tasks(text, "Breakout-Room-Meetings_FOCIL_Meeting-03.md") == [
        "Client teams aim to complete implementations before the next meeting"]
    assert _tasks(text, "docs_README.md") == []


def test_an_assignment_after_a_conclusions_label_keeps_its_first_letters():
    """ "Conclusion: Seems fine … soon. Mara to write draft for blog post." in a discussion: the assignment is the
    sentence "Mara to write …" whole (the label before it once shifted the cut, leaving "E draft for blog post")."""
    text = ("# Minutes 2031-08-16\n\n- Topic\n    - Mara: I think so.\n    - Jack: Do we have consensus?\n"
            "    - Conclusion: Seems fine to make an invite request and that we want to announce dates soon. "
            "Mara to write draft for blog post.\n")
    assert _tasks(text) == ["Mara to write draft for blog post"]


def test_a_release_stated_done_on_a_later_day_in_a_retro_is_past():
    """A retrospective dated by its first day ("## February 5th, 2031") tells what followed: "9.0.0-beta.1 was
    successfully released on February 10th, 2031" happened; "9.0.0-beta.2 will be released on February 17th"
    is still ahead."""
    text = ("# Retro 9.0.0-beta.1\n\n## February 5th, 2031\n\nThe release failed. 9.0.0-beta.1 was successfully "
            "released on February 10th, 2031 at 11:05 AM PST.\n\n9.0.0-beta.2 will be released on February 17th.\n")
    assert [d for _, d in _ms(text, "retros_9.0.0-beta.1.md")] == ["2031-02-17"]


def test_a_delayed_dates_former_day_is_neither_its_date_nor_its_tense():
    """ "**Mon. April 13, 2029** - Alpha freeze (*Delayed; was originally April 6th*)": the freeze is on the 13th
    (the "was" belongs to the former day, not to the freeze), its title without the half-cut remark; April 6th is
    no event."""
    text = ("Release timeline\n================\n\nFor progress, see the project board.\nFor the process, see the "
            "process page.\n\n**As soon as possible** - Migrate to the target platforms\n\n"
            "**Mon. April 13, 2029** - Alpha freeze (*Delayed; was originally "
            "April 6th*)\n\n**Mon. April 27, 2029** - Beta\n")  # (read in 2030: the file's day is after them)
    assert _ms(text, "release-timeline.rst") == [("Alpha freeze", "2029-04-13"), ("Beta", "2029-04-27")]


def test_a_templates_blank_to_fill_in_is_no_task():
    """ "- [ ] TODO" under "## Action Items" in notes never filled in, and "* [ ] [RFC]()" (a link to nowhere) in an
    agenda template, are blanks, not tasks; "- [ ] TODO: book the room" is one."""
    text = ("# Notes 2031-12-18\n\n## Action Items\n\n* [ ] TODO\n\n## New RFCs\n\n- [ ] [RFC]()\n"
            "- [ ] TODO: book the room\n")
    assert _tasks(text) == ["TODO: book the room"]


def test_a_retrospectives_timeline_is_past():
    """A retrospective or post-mortem (by its name or title) tells what happened: its timeline's dates are no
    events, though a date it says is ahead ("will ship on …") still is; the same timeline in plain notes is."""
    text = ("# Berlin upgrade\n\n## Timeline\n\n- 2031-03-10: Ropsten at block #9 812 189\n"
            "- 2031-04-15: Mainnet at block #12 244 000\n\n## Next\n\n- The fix will ship on 2031-05-02.\n")
    assert [d for _, d in _ms(text, "berlin-retro.md")] == ["2031-05-02"]
    assert [d for _, d in _ms(text.replace("# Berlin upgrade", "# Berlin upgrade post-mortem"), "berlin.md")] == [
        "2031-05-02"]
    assert [d for _, d in _ms(text, "berlin.md")] == ["2031-03-10", "2031-04-15", "2031-05-02"]


def test_each_date_of_a_labelled_list_is_named_by_the_label_and_takes_its_year():
    """ "Strawman 2031 dates: Jan 24-26, Mar 28-30, …, Nov 28-30" in an agenda of November 2030: six meetings, each
    titled by the label and its own dates (not by the rest of the list), each in the label's year."""
    text = ("# Agenda 2030-11-29\n\n1. Determine next year's meeting dates. Strawman 2031  dates: Jan 24-26,  "
            "Mar 28-30, May 23-25,  July 25-27, Sept 26-28, Nov 28-30\n")
    assert _ms(text, "2030_11.md") == [
        ("Strawman 2031 dates: Jan 24-26", "2031-01-24"), ("Strawman 2031 dates: Mar 28-30", "2031-03-28"),
        ("Strawman 2031 dates: May 23-25", "2031-05-23"), ("Strawman 2031 dates: July 25-27", "2031-07-25"),
        ("Strawman 2031 dates: Sept 26-28", "2031-09-26"), ("Strawman 2031 dates: Nov 28-30", "2031-11-28")]


def test_a_question_put_to_someone_by_name_is_no_assignment():
    """In notes that write a speaker as "Name, …", "Myles, will there be any code paths …" asks Myles something;
    "Rod, will post an update" is still Rod's action."""
    text = ("# Minutes 2031-02-19\n\n* QUIC\n  * Myles, will there be any code paths that affect dynamic openssl\n"
            "  * Rod, will post an update\n")
    assert _tasks(text) == ["Rod, will post an update"]


def test_a_month_with_two_days_split_by_a_slash_is_a_range():
    """ "Collaborator summit Oct 1/2 just before NodeConf.eu" is on the first of October (its second day the
    second); "Jan 10/2031" is no such range, nor "Oct 1/2/3"."""
    text = "# Minutes 2031-07-27\n\n* Collaborator summit Oct 1/2 just before NodeConf.eu\n* Budget Jan 10/2031\n"
    assert _ms(text, "2031-07-27.md") == [("Collaborator summit just before NodeConf.eu", "2031-10-01")]


def test_a_topic_over_its_owned_actions_is_no_task_itself():
    """Under "## Action Items", "* __Review DevStats__ / Lee Byron" over "  * [ ] [@leebyron][]: Discuss …" (or over
    "  * Unclaimed: Create …") groups actions by topic: the sub-items are the tasks, the topic none; a top-level
    action with a note below it stays a task."""
    text = ("# WG Meeting 2031-07-03\n\n## Action Items\n\n* __Review DevStats__ / Lee Byron ([@leebyron][])\n"
            "  * [ ] [@leebyron][]: Discuss idea to track commenters by company\n"
            "* Website Planning / ([@tanaypratap][])\n  * [@tanaypratap][]: Schedule a meeting\n"
            "  * Unclaimed: Create Q&A on most important details\n"
            "* Lee to write the vision doc\n  * see the thread\n")
    assert _tasks(text) == ["[@leebyron]: Discuss idea to track commenters by company",
                            "[@tanaypratap]: Schedule a meeting", "Unclaimed: Create Q&A on most important details",
                            "Lee to write the vision doc"]


def test_a_post_mortems_corrective_actions_are_tasks():
    """ "## Corrective actions" in a post-mortem lists what the team will do, priority first; the lessons above
    it are not tasks."""
    text = ("# crates.io post-mortem\n\n## Lessons learned\n\n- The smoke test procedure should include downloads.\n\n"
            "## Corrective actions\n\n- **HIGH** Include crate downloads in the smoke test plan\n"
            "- **MEDIUM** Automate the staging environment smoke tests\n")
    assert _tasks(text, "crates-io-postmortem.md") == [
        "HIGH Include crate downloads in the smoke test plan", "MEDIUM Automate the staging environment smoke tests"]


def test_a_years_heading_dates_the_schedule_below_it():
    """ "## 2031 Presentation Schedule" over "| Apr 28 | Appium | Impact |" in a process document that speaks of
    an annual presentation (so the file's own day may not date its year-less days): each row is on that day of
    2031; a "TBD" slot is no event; the next heading without a year ends the year's reach."""
    text = ("# Annual Project Presentation Process\n\nEach project presents once per year.\n\n"
            "## 2031 Presentation Schedule\n\n| Date | Project | Category |\n|------|---------|----------|\n"
            "| Apr 28 | Appium | Impact |\n| May 12 | TBD | |\n\n## How it works\n\nWe meet every Tuesday.\n")
    assert _ms(text, "annual-project-presentations.md") == [("Appium | Impact", "2031-04-28")]


def test_a_numbered_action_heading_and_future_work_and_next_steps_introduce_tasks():
    """ "### 4. Action Items" is an action heading whatever its number, and "## Future Work and Next Steps" one in
    a meeting's notes; under "## Action Items", "- **Options**:" over alternatives lists choices, not tasks."""
    text = ("# Breakout Room #17\n\n## Notes\n\n### 3. Forkchoice\n\n- Discussed the model.\n\n### 4. Action Items\n\n"
            "- Open a PR for the small changes.\n\n## Future Work and Next Steps\n\n"
            "- Share documentation with the team.\n\n## Action Items\n\n- **Options**:\n"
            "  - `gasLimit: string | number`\n  - `gasLimit: number; a global flag`\n- Test the new endpoints.\n")
    assert _tasks(text, "Breakout-Room-Meetings_PBS_Meeting-17.md") == [
        "Open a PR for the small changes", "Share documentation with the team", "Test the new endpoints"]


def test_a_fence_that_never_closes_is_a_stray_line_not_code():
    """A generated summary opens "```markdown" and never closes it: what follows is the summary itself (its
    action items are tasks); a fenced template that does close stays code."""
    text = ("# httpbis summary\n\n```\n- [ ] a template's box\n```\n\n```markdown\n**Session Date/Time:** 06 Nov 2031 "
            "09:30\n\n## Action Items\n\n*   Ben to update the Connect TCP draft.\n")
    assert _tasks(text, "ietf218_summary.md") == ["Ben to update the Connect TCP draft"]


def test_next_steps_under_an_agenda_heading_is_a_topic():
    """ "### Next Steps" under "## Agenda" is a topic the meeting will discuss, its items issues to talk about;
    the same heading after the agenda closes ("## Notes" then "### Next Steps") lists the steps."""
    agenda = ("# Modules Team Meeting 2031-03-27\n\n## Agenda\n\n### Review Upstream Changes\n\n- Exports main\n\n"
              "### Next Steps\n\n- Moving forward with Dynamic Modules? [#252](https://example.org/252)\n"
              "- Flags functionality options\n")
    assert _tasks(agenda) == []
    notes = agenda.replace("### Next Steps", "## Notes\n\n### Next Steps")
    assert _tasks(notes) == ["Moving forward with Dynamic Modules? [#252](https://example.org/252)",
                             "Flags functionality options"]


def test_a_name_will_paragraph_under_next_steps_is_a_step():
    """Minutes written in paragraphs: under "## next steps", "Mikeal will make the WG charter happen." is the step
    of Mikeal (an attendee); "Trevor will …" in the discussion above is narrative, "Glen is working on …" no step."""
    text = ("# Minutes 2031-02-05\n\n## Attendees\n\n* Mikeal Rogers\n* Forrest Norvell\n* Trevor Norris\n\n"
            "## Discussion\n\n* Mikeal: hi\n* Forrest: sure\n\nTrevor will look at it some day.\n\n## next steps\n\n"
            "Mikeal will make the WG charter happen because he is ON IT.\n\nGlen is working on merging the PR.\n\n"
            "Forrest will look at the docs and come up with a way to use `async_wrap`.\n")
    assert _tasks(text, "2031-02-05.md") == [
        "Mikeal will make the WG charter happen because he is ON IT",
        "Forrest will look at the docs and come up with a way to use async_wrap"]


def test_an_adjective_before_to_is_nobody():
    """ "Open to using byte offsets, …" and "Happy to review it." in prose minutes say how someone feels, they
    assign nothing (no "Open" or "Happy" attends); "Ann to review it." does."""
    text = ("# CG Meeting 2031-07-09\n\nAnn: the Open and Happy cases are fine.\n\n"
            "Open to using byte offsets, but for consistency indices are more robust. Encourage folks to look.\n\n"
            "Happy to review it.\n\nAnn to review it.\n")  # ("Open", "Happy" written mid-sentence: known words)
    assert _tasks(text) == ["Ann to review it"]


def test_a_speakers_next_steps_and_unchecked_action_items_introduce_tasks():
    """ "- James Next steps:" in a discussion introduces James's list; "Unchecked action items:" introduces the
    items carried over; "Jack: Last number for swag: 10k" stays a remark."""
    text = ("# Sync meeting 2031-06-07\n\n- Budget\n    - Jack: Last number for swag: 10k\n    - James Next steps:\n"
            "        - Figure out budget for swag\n        - Figure out who to delegate to\n\n"
            "Unchecked action items:\n\n* 2031-05-27: ALL to review the stabilization report\n")
    assert _tasks(text) == ["Figure out budget for swag", "Figure out who to delegate to",
                            "ALL to review the stabilization report"]


def test_a_working_groups_role_is_someone_to_assign():
    """ "RESOLUTION: will use two identifiers. Editor to choose specific ids." and "Chairs to schedule an adoption
    call." assign by role; "Difficult to do." still assigns nobody."""
    text = ("# IETF 289 minutes 2031-03-03\n\nRESOLUTION: will use two identifiers, and they will identify the stack "
            "used. Editor to choose specific ids.\n\nChairs to schedule an adoption call.\n\nDifficult to do.\n")
    assert _tasks(text) == ["Editor to choose specific ids", "Chairs to schedule an adoption call"]


def test_an_arrow_from_someone_to_an_action_item_is_theirs():
    """ "DS -> Action item to prepare some kind of summary" and "PS (and/or Philip?) -> Action item to (eventually)
    send a reproducer." hand actions out; "DS -> great idea" hands out none."""
    text = ("# Debugging subgroup 2031-07-23\n\n* DS -> Action item to prepare some kind of summary\n"
            "* PS (and/or Philip?) -> Action item to (eventually) send a reproducer.\n* DS -> great idea\n")
    assert _tasks(text) == ["Prepare some kind of summary", "Send a reproducer"]


def test_a_next_meeting_heading_within_the_week_is_that_meeting():
    """Weekly calls: "### Next meeting [ 2nd November, 14:00-15:30 UTC]" a week after the call is the next call,
    titled without its hours or bracket (not a second session of this one, as "## FRIDAY 28 October - 0900-1100
    Morning Session" would be)."""
    text = ("# ACDE 173\n\n### Meeting Date/Time: Thursday 2031/10/26 at 14:00 UTC\n\nNotes.\n\n"
            "### Next meeting [ 2nd November, 14:00-15:30 UTC]\n")
    assert _ms(text) == [("Next meeting", "2031-11-02")]
    sessions = text.replace("### Next meeting [ 2nd November, 14:00-15:30 UTC]", "## FRIDAY 28 October - 0900-1100 "
                            "Morning Session")
    assert _ms(sessions) == []


def test_a_backlog_file_is_a_to_do_list():
    """ "backlog.md" is a list of work to do, as "TODO.md" is: its items are tasks; the same list in a
    "charter.md" is prose about the group."""
    text = "# Steering Committee Backlog\n\n- Check the governance documents into the community repo\n" \
           "- Improve the incubator process\n"
    assert _tasks(text, "steering__backlog.md") == ["Check the governance documents into the community repo",
                                                     "Improve the incubator process"]
    assert _tasks(text, "steering__charter.md") == []
