"""Rules added from the unseen sets BA–BQ (docs/EXTRACTION.md, sixth proxy check): each on a small synthetic text."""

from __future__ import annotations

from tests.agents.extract_runs import milestones as _ms
from tests.agents.extract_runs import run as _run
from tests.agents.extract_runs import tasks as _tasks


def test_the_days_under_a_scheduled_meetings_heading_are_other_meetings_not_this_one():
    """A one-day meeting's notes list the next meetings under "## Scheduled meetings" within the header's first
    lines: the day after the meeting there is another meeting, not a second day of this one. Without that heading
    a date right after the meeting's own in its header is still its second day."""
    text = ("# Triage meeting\n\n* Meeting date: 2031-03-08\n\n## Attendance\n\n* Ann, Bob\n\n"
            "## Scheduled meetings\n\n* Mar 9: Roadmap (Ann to write document)\n* Mar 16: Backlog review\n")
    assert _ms(text, "2031-03-08.md") == [("Roadmap (Ann to write document)", "2031-03-09"),
                                           ("Backlog review", "2031-03-16")]
    header = "# Workshop\n\nMarch 8-9, 2031, Berlin\n\n## Notes\n\n* Mar 9: wrap-up session\n"
    assert _ms(header, "2031-03-08.md") == []


def test_a_table_whose_rows_run_newest_first_is_past_releases_but_the_row_named_next():
    """A patch-release table lists its rows newest first (the version first, its dates after it): a record of
    releases, except the row the line above names as the next release. A table of past end-of-life dates has
    no next row: nothing. The same rows oldest first are a schedule: every date."""
    rows = ("| Patch Release | Cherry-picks deadline | Target date |\n| --- | --- | --- |\n"
            "| 2.6.5 | 2031-01-10 | 2031-01-14 |\n| 2.6.4 | 2030-12-06 | 2030-12-11 |\n"
            "| 2.6.3 | 2030-11-08 | 2030-11-13 |\n")
    text = f"# Patch releases\n\n### 2.6\n\nNext patch release is **2.6.5**.\n\n{rows}"
    assert _ms(text) == [("2.6.5 Cherry-picks deadline", "2031-01-10"), ("2.6.5", "2031-01-14")]
    eol = ("# Patch releases\n\n### 2.3 and older\n\nThese releases are no longer supported.\n\n"
           "| Minor | Final patch | EOL date |\n| --- | --- | --- |\n| 2.3 | 2.3.9 | 2030-12-11 |\n"
           "| 2.2 | 2.2.7 | 2030-10-15 |\n| 2.1 | 2.1.4 | 2030-07-08 |\n")
    assert _ms(eol) == []
    ahead = "# Schedule\n\n" + "| Release | Freeze | Date |\n| --- | --- | --- |\n" + "".join(
        f"| 3.{i} | 2031-0{i}-01 | 2031-0{i}-15 |\n" for i in (2, 3, 4))
    assert len(_ms(ahead)) == 6


def test_a_file_named_as_a_template_has_no_milestones():
    """A meeting-update template's "beta.2 is scheduled for Tuesday, November 17th" is an example to replace;
    the same line in a dated update is a milestone."""
    text = "# Release team update\n\n* Next: beta.2 is scheduled for Tuesday, November 17th, 2031\n"
    assert _ms(text, "meeting-updates/TEMPLATE.md") == []
    assert _ms(text, "meeting-updates/2031-11-04.md") == [("Next: beta.2 is scheduled for", "2031-11-17")]


def test_an_owner_in_brackets_right_after_the_marker_then_the_action():
    """ "AI(Ben Smith) move these forward …" is an action item of Ben Smith's (the owner stays in the text); "AI
    (machine learning) models are …" is about artificial intelligence, and a lower-case bracket is no owner."""
    text = ("# Notes\n\nAI(Ben Smith) move these forward until they can be integrated.\n\n"
            "AI (machine learning) models are discussed.\n\nAI(ml) works well here.\n")
    assert _tasks(text, "2031-06-06.md") == ["(Ben Smith) move these forward until they can be integrated"]


def test_who_had_an_action_item_and_an_issue_assigned_with_and_are_tasks():
    """ "Rich had action item to take pulse of TSC" says someone has an action item (in the past tense of the
    minutes); "issue raised #264 and assigned to mnot" is an item explicitly assigned."""
    text = ("# Minutes\n\n* Rich had action item to take pulse of TSC on the survey\n"
            "* Some discussion: issue raised #264 and assigned to mnot\n* The room had a good time\n")
    assert _tasks(text, "2031-10-25.md") == ["Rich had action item to take pulse of TSC on the survey",
                                             "Some discussion: issue raised #264 and assigned to mnot"]


def test_an_assignment_after_a_dash_ends_an_item_as_after_a_comma():
    """ "… Intl enabled - Steven to work with Rod on this": the item's last clause gives it to an attendee, as
    "…, Rod to chase up more votes" does; a dash before a word that is no attendee's name is not one."""
    text = ("# Minutes\n\n## Present\n\n* Steven Loomis (TSC)\n* Rod Vagg (TSC)\n\n## Notes\n\n"
            "* the build needs the new target - Steven to work with Rod on this\n"
            "* the build needs the new target - Release to follow later\n")
    assert _tasks(text, "2031-08-26.md") == ["The build needs the new target - Steven to work with Rod on this"]


def test_tildes_before_markdown_are_struck_text_not_a_code_fence():
    """ "~~~~[**P-high issues**](…)" (an empty strike-through pasted from a web editor) opens no code block: the
    action below it is read. "~~~ python" does open one."""
    text = ("# Meeting 2031-03-05\n\n## Triage\n\n~~~~[**P-high issues**](https://example.org/q)\n\n"
            "- [Arc::drop](https://example.org/55005)\n"
            "    - **next step:** somebody needs to write up the implications\n"
            "\n~~~ python\nTODO: not a task, code\n~~~\n")
    assert _tasks(text) == ["Somebody needs to write up the implications"]


def test_who_the_action_items_name_is_a_person_in_the_discussion_too():
    """ "simulacrum to post a comment" under "## Action items" makes the lower-case handle a person: the same
    assignment restated under a discussion item is a task too (the guide labels an item listed twice twice). A
    lower-case word no action item names stays a word ("ideas to explore")."""
    text = ("# Meeting 2031-03-05\n\n## Action items\n\n- simulacrum to post a comment on #67058 asking libs\n\n"
            "## Triage\n\n- Arc::drop has a dangling ref\n    - simulacrum to post a comment on #67058\n"
            "    - crates to publish the fix later\n")
    assert _tasks(text) == ["Simulacrum to post a comment on #67058 asking libs",
                            "Simulacrum to post a comment on #67058"]


def test_an_assignment_in_brackets_and_one_after_a_struck_name_are_tasks():
    """ "[@zcbenz to update spec]" is a note in brackets that gives work to someone; "~~Niko~~ Felix to register
    concern" hands it from Niko to Felix (the task is Felix's). A bracketed aside that assigns nothing is no task."""
    text = ("# API WG 2031-04-20\n\n## Present\n\n* Niko Matsakis (lang)\n* Felix Klock (lang)\n\n## Notes\n\n"
            "* Spec out a plan B\n    * [@zcbenz to update spec]\n    * [still to be decided]\n"
            "* ~~Niko~~ Felix to register concern about semantics\n")
    assert _tasks(text) == ["@zcbenz to update spec", "Felix to register concern about semantics"]


def test_abbreviations_and_organisations_are_nobody_to_assign_to():
    """ "FYI to TSC, plan to land tomorrow" tells the committee something (FYI is no one's initials); "Foundation
    will aid with RFC processes" is what an organisation offers, not an attendee's action."""
    text = ("# Meeting 2031-03-31\n\n## Notes\n\n* Distributions and security releases\n"
            "  * FYI to TSC, plan to land tomorrow unless there are any objections\n"
            "* Funding\n  * The Foundation offered help.\n  * Foundation will aid with RFC processes, resources, etc\n")
    assert _tasks(text) == []


def test_an_attendee_written_with_a_slash_before_the_handle_is_a_person():
    """ "James Snell/ @jasnell" in the attendance list makes "James to schedule in May" (under "## Next Meeting:")
    James's task; a first word no attendee has stays none."""
    text = ("# Release WG 2031-04-25\n\n## Present\n\n* James Snell/ @jasnell\n* Rod Vagg/ @rvagg\n\n"
            "## Next Meeting:\n\nJames to schedule in May\n\nPlans to follow later\n")
    assert _tasks(text) == ["James to schedule in May"]


def test_a_conclusion_that_assigns_work_is_a_task():
    """ "**Conclusion**: Mara to propose updates …" concludes by giving Mara the work, as "**Decision:** Mara to
    help …" does; a conclusion that states an outcome is none."""
    text = ("# Council 2031-10-27\n\n## Attendees\n\n* Mara Bos (libs)\n\n## Twitter\n\n"
            "**Conclusion**: Mara to propose updates to the guidelines in the Forge.\n\n"
            "**Conclusion**: the guidelines stay as they are.\n")
    assert _tasks(text) == ["Mara to propose updates to the guidelines in the Forge"]


def test_an_assignment_after_the_dates_that_open_an_item_is_a_task():
    """ "09-20-2031, 11-08-2031 Lee Byron to build empty agendas" gives Lee work for the two sessions it dates (a
    task and two milestones); "2031-06-02 Release notes to be drafted" assigns nobody."""
    text = ("# Notes 2031-05-24\n\n## Present\n\n* Lee Byron (host)\n\n## Dates for upcoming sessions:\n\n"
            "  - 09-20-2031, 11-08-2031 Lee Byron to build empty agendas\n  - 2031-06-02 Release notes to be drafted\n")
    run = _run(text)
    assert [t.title for t in run.tasks] == ["09-20-2031, 11-08-2031 Lee Byron to build empty agendas"]
    assert [m.date for m in run.milestones] == ["2031-09-20", "2031-11-08", "2031-06-02"]


def test_a_numeric_date_may_end_a_sentence():
    """ "… the next Implementers Call, scheduled for 10/25/2031." and "due by 12/22." end their sentence with a
    full stop; "10/25/2031.5" and "v1.2.2031.3" are no dates."""
    text = ("# Call 2031-10-11\n\n## Notes\n\n* Discussion on availability for the next Implementers Call, "
            "scheduled for 10/25/2031.\n* Build 10/25/2031.5 and v1.2.2031.3 are versions\n")
    assert _ms(text) == [("Discussion on availability for the next Implementers Call, scheduled for", "2031-10-25")]


def test_a_date_labelled_as_the_next_meeting_is_that_meeting_and_its_hour_names_nothing():
    """ "# Date for Next Meeting: Friday 18 October 2031, 14:00 UTC" is labelled like the document's own date field
    but names the next meeting: a milestone titled by its label, without the hour."""
    text = ("# Meeting 72\n\n### Meeting Date/Time: Friday 04 October 2031 at 14:00 UTC\n\nSome notes.\n\n"
            "# Date for Next Meeting: Friday 18 October 2031, 14:00 UTC\n")
    assert _ms(text, "Meeting 72.md") == [("Date for Next Meeting", "2031-10-18")]


def test_an_action_item_for_a_named_group_is_a_task():
    """ "Let's keep this as an action item for the Cat Herders to reach out …" gives a group the action (as
    "action item for everyone to look at" does); "action items for the next meeting to be reviewed" names none."""
    text = ("# Meeting 2031-10-04\n\n## Notes\n\nLets keep this as an action item for the Cat Herders to reach out "
            "to the team.\n\nThere were action items for the next meeting to be reviewed.\n")
    assert _tasks(text) == ["Lets keep this as an action item for the Cat Herders to reach out to the team"]


def test_a_plural_is_its_word_when_two_mentions_of_one_date_are_one_event():
    """The schedule's "Feature Freeze begins" and the details' "All features must have an issue by Monday, January
    22nd" are one event; "Docs deadline" on the same day stays a second one."""
    text = ("# Release 4.10\n\nThe 4.10 cycle begins on Tuesday, January 2nd, 2031.\n\n"
            "* Feature Freeze begins: Wednesday, January 22nd, 2031\n* Docs deadline: January 22nd, 2031\n\n"
            "## Details\n\nAll features going into the release must have an issue by Wednesday, January 22nd.\n")
    assert [t for t, d in _ms(text) if d == "2031-01-22"] == ["Feature Freeze begins", "Docs deadline"]


def test_an_item_whose_last_clause_introduces_next_steps_has_them_as_sub_items():
    """ "Lee: Wrap up, concrete next steps —" over a sub-item: the sub-item is a task (an intro line with a
    speaker and a dash). A discussion item that only mentions next steps mid-sentence introduces nothing."""
    text = ("# WG notes 2031-11-06\n\n## Input unions\n\n* Discussion\n    * Lee: Wrap up, concrete next steps —\n"
            "        * Prototype the input union coercion in graphql-js.\n"
            "    * Tim: next steps are unclear to me\n        * I would wait.\n")
    assert _tasks(text) == ["Prototype the input union coercion in graphql-js"]


def test_an_end_of_life_releases_section_is_past_releases():
    """Under "### End-of-Life Releases" a table's dates are releases that ended (its rows in release order, oldest
    first); the schedule table above it keeps its dates."""
    text = ("# Release Working Group\n\n## Release schedule\n\n| Release | Status | Initial Release | End-of-life |\n"
            "| --- | --- | --- | --- |\n| 40.x | Active LTS | 2031-04-20 | 2034-04-30 |\n\n### End-of-Life Releases\n\n"
            "| Release | Status | Initial Release | End-of-life |\n| --- | --- | --- | --- |\n"
            "| 30.x | End-of-Life | 2026-04-20 | 2029-04-30 |\n| 32.x | End-of-Life | 2027-04-20 | 2030-04-30 |\n")
    assert [d for _, d in _ms(text, "README.md")] == ["2031-04-20", "2034-04-30"]


def test_an_action_for_everyone_is_a_task_and_an_action_of_none_is_none():
    """ "Action for all to review the document." mid-paragraph gives everyone the action; "a call to action for
    folks to provide input" is a phrase; "ACTION: none. Open until the PR lands. Michael to continue …" says
    there is no action."""
    text = ("# CPC 2031-02-11\n\n## Present\n\n* Michael Dawson (IBM)\n\n## Notes\n\n"
            "Jory asked for clarification.  Action for all to review the document.  Myles notes more.\n\n"
            "Maybe it belongs in the blog post as a call to action for folks to provide input?\n\n"
            "* Bylaws\n  * ACTION: none. Open until related PR lands. Michael to continue moving this forward\n")
    assert _tasks(text) == ["Action for all to review the document"]


def test_an_attendees_handle_to_a_verb_on_a_line_of_its_own_is_a_task():
    """ "nikomatsakis to address this async" on a line of its own (no full stop) gives the note-taker work; a line
    of talk ("mnot to mike belshe (mb) -- we're getting there") is none."""
    text = ("# T-lang meeting 2031-05-10\n\n* Note-taker: nikomatsakis\n* Present: mnot, mike\n\n## Notes\n\n"
            "nikomatsakis to address this async\n\nmnot to mike belshe (mb) -- we're getting there\n")
    assert _tasks(text) == ["Nikomatsakis to address this async"]


def test_a_link_to_a_trackers_search_in_an_action_list_is_no_task():
    """Under "## Review previous meeting's action items", "[Ready for review](…/issues?q=is%3Aopen…)" points at a
    list; "[Fix the parser](…/issues/12)" restates an action item."""
    text = ("# WG 2031-06-03\n\n## Review previous meeting's action items\n\n"
            "- [Ready for review](https://github.com/o/r/issues?q=is%3Aissue+is%3Aopen+label%3Aready)\n"
            "- [Fix the parser](https://github.com/o/r/issues/12)\n")
    assert _tasks(text) == ["[Fix the parser](https://github.com/o/r/issues/12)"]


def test_owner_in_square_brackets_a_lower_case_speaker_and_an_outcome_after_the_marker():
    """ "AI[BS]: talk to eric about licenses" is BS's action; "mnot: next step: refactor" a speaker's next step;
    "Action: _Closed with no action_" and "Action: Proposal accepted" record outcomes, no action."""
    text = ("# Minutes 2031-07-22\n\n## Notes\n\nAI[BS]: talk to eric about licenses\n\n"
            "* Issue #12\n  * mnot: next step: refactor\n  * Action: _Closed with no action_\n"
            "* Issue #13\n  * Action: Proposal accepted\n")
    assert _tasks(text) == ["Talk to eric about licenses", "Refactor"]


def test_who_takes_ownership_of_an_issue_has_a_task_and_a_calendar_day_span_is_dated_by_its_first_day():
    """ "[#96463](…) Dan will take ownership of this issue" takes the work on; in a calendar whose columns are
    months, "13 - 15" under November is an event from the 13th."""
    text = ("# Release 4.13\n\nThe 4.13 cycle begins on Monday, October 1st, 2031.\n\n"
            "| What | Who | Oct | Nov |\n| --- | --- | --- | --- |\n"
            "| Kubecon Shanghai | Community event | | 13 - 15 |\n\n"
            "## Notes 2031-11-02\n\n"
            "* [#96463](https://github.com/o/r/issues/96463) Dan will take ownership of this issue\n")
    run = _run(text, "README.md")
    assert [t.title for t in run.tasks] == ["[#96463](https://github.com/o/r/issues/96463) Dan will take ownership of "
                                            "this issue"]
    assert ("Kubecon Shanghai", "2031-11-13") in [(m.title, m.date) for m in run.milestones]


def test_a_date_that_links_to_the_record_of_what_happened_and_a_changelog_section_are_past():
    """A maintainers list dates each term by the issue that decided it ("[12 March 2031](…/issues/1209#issuecomment-1)
    — present", "[2 Feb 2031](…/pull/5219) — [25 June 2031](https://matrix.to/#/!room)"): records, not events; under
    "## Changelog" a version's date is a past release. A date linked to a countdown page stays a deadline."""
    text = ("# Maintainers\n\n## Repository collaborators\n\n- **Jeef ([@jeeftor](https://github.com/jeeftor))**:\n"
            "  [12 March 2031](https://github.com/o/r/issues/1209#issuecomment-285924778) — present\n"
            "- bl-ue:\n"
            "  [2 February 2031](https://github.com/o/r/pull/5219) — [25 June 2031](https://matrix.to/#/!zX:g.im/$q)\n"
            "\n## Changelog\n\n- [v2.1](https://github.com/o/r/blob/v2.1/SPEC.md) - 30th November 2031\n\n## Next\n\n"
            "Deadline for advancement eligibility: [April 9th, 2031, 10:00 ET](https://www.timeanddate.com/countdown/x)\n")
    assert [d for _, d in _ms(text, "MAINTAINERS.md")] == ["2031-04-09"]


def test_bullets_under_marked_action_paragraphs_are_their_notes():
    """Under "## Actions", "**ACTION 62.2:** Have a discussion …" paragraphs are the actions; the bullets between
    them ("- **Status:** No update.", "* Wei proposed …") are their status and discussion, not tasks. Under an
    action heading without such paragraphs, the bullets are the actions."""
    text = ("# Core Devs Meeting 64\n\n## Actions\n\n### OPEN\n\n**ACTION 62.2:** Have a discussion on EIP-663.\n\n"
            "- **Status:** No update.\n\n**ACTION 62.6:** EIP-1283 requires a new EIP number.\n\n"
            "[Timestamp: 8:44](https://youtu.be/x?t=524)\n\n- **Status:** It was disabled.\n"
            "* Wei proposed Night Gas Metering.\n\n## Action items\n\n* Ann to write the summary\n")
    assert _tasks(text, "Meeting 64.md") == ["Have a discussion on EIP-663", "EIP-1283 requires a new EIP number",
                                             "Ann to write the summary"]


def test_a_title_of_only_pointing_words_names_no_event():
    """ "… delaying Code Slush and Code Freeze by one week each (to **May 29** and **June 5**) on that day.": the
    second date's own words ") on that day" name nothing, so it is titled by its sentence."""
    text = ("# Release 4.11\n\nOn **May 18th, 2031**, the team will evaluate stability. If the boards are green, the "
            "release team will announce delaying the start of Code Slush and Code Freeze by one week each (to "
            "**May 29** and **June 5**) on that day.\n")
    titles = {d: t for t, d in _ms(text, "README.md")}
    assert titles["2031-06-05"].startswith("If the boards are green, the release team will announce delaying")


def test_a_line_of_its_own_that_ends_by_giving_someone_the_work_is_a_task():
    """ "March 14th - 11pm PST --- Brad to schedule." and "Feb 19: Town Hall (11a PST), Myles to follow up", lines
    of their own in minutes, end by giving an attendee the work, as an item's last clause does; a paragraph of
    several lines whose clause does so is narrative."""
    text = ("# WG meeting 2031-02-28\n\n## Attendees\n\n* Brad Nelson (Google)\n* Myles Borins (Google)\n\n"
            "## Next meeting\n\nMarch 14th - 11pm PST --- Brad to schedule.\n\nFeb 19: Town Hall (11a PST), Myles to "
            "follow up\n\nWe talked about it for a while,\nBrad to think it over maybe later on.\n")
    tasks = _run(text).tasks  # (the date that opens a line is its due date)
    assert [(t.title, t.due_date) for t in tasks] == [("11pm PST --- Brad to schedule", "2031-03-14"),
                                                      ("Town Hall (11a PST), Myles to follow up", "2031-02-19")]


def test_an_action_item_marker_in_brackets_after_the_item_and_an_action_of_nothing():
    """ "Sam C: I will write something down for the next meeting [action item]" is marked as an action after the
    fact, as "… (Action)" is; "Action: nothing now, maybe if v8 adds a hook" says there is none."""
    text = ("# WASI meeting 2031-05-16\n\n## Notes\n\nSam C: I will write something down for the next meeting "
            "[action item]\n\n* Action: nothing now, maybe if v8 adds a hook for rejections\n")
    assert _tasks(text) == ["Sam C: I will write something down for the next meeting"]


def test_year_less_dates_of_yearly_cycles_and_example_dates_are_no_events():
    """An undated elections calendar of one-year terms ("Term Start/End: May 1") recurs every year: no milestone
    (a plan without a year keeps its dates by the file's day); "For a release date of (for example) Tuesday June
    25th, 2031, …" is a hypothetical date."""
    calendar = ("# Dates and Reminders\n\n## Elections Calendar\n\n"
                "Position | Term Length | Term Start/End\n-- | -- | --\n"
                "CPC Directors (3) | 1 Year | May 1\nCPC Chair | 1 Year | Nov 15\n")
    assert _ms(calendar, "Dates-and-Reminders.md") == []
    plan = "# Website plan\n\n* Wireframes — Dec 8\n* Launch — Dec 20\n"
    assert [t for t, _ in _ms(plan, "plan.md")] == ["Wireframes", "Launch"]
    retro = ("# 5.0.0 retro 2031-04-23\n\nFor a release date of (for example) Tuesday June 25th, 2031, this would "
             "mean triggering the bot on the morning of Monday June 24th.\n")
    assert _ms(retro) == []


def test_one_known_name_in_a_list_and_a_name_a_handle_ends_with_are_people():
    """ "Mark/Niko to make doc" gives work to two people when the document knows Niko; "Felix to FCP merge" when
    it knows the handle "pnkfelix"; "[sandbox](…) to mess around" names no one."""
    text = ("# Planning 2031-02-02\n\n* Attendees: Niko, Josh, pnkfelix\n\n## Schedule\n\n"
            "* Feb 23rd -- never type next steps\n    * Mark/Niko to make doc\n* Modules\n    * Felix to FCP merge\n"
            "    * a [sandbox](https://github.com/o/shuffling_sandbox) to mess around with\n")
    assert _tasks(text) == ["Mark/Niko to make doc", "Felix to FCP merge"]


def test_a_readme_of_upcoming_calls_and_its_table_of_previous_meetings():
    """A README whose fourth heading down is "#### ACD 106: February 19, 2031" states no date of its own: the
    upcoming calls are its milestones (titled without their HTML markup), the rows under "### Previous Meetings"
    are past."""
    text = ("# Project Management Repository\n\nThis repository is used for project management.\n\n"
            "## All Core Devs Meetings\n\n### Purpose\n\nA technical call.\n\n### Agendas\n\nBelow are the agendas for "
            "the upcoming calls.\n\n#### ACD 106: February 19, 2031\n\n* Duration: 90 minutes\n\n<details>\n"
            "  <summary>ACD 107: March 5, 2031</summary>\n\n</details>\n\n### Previous Meetings\n\n"
            " №  | Date | Agenda\n--- | --- | ---\n103 | Friday 8 Jan 2030, 14:00 UTC | [agenda](https://x.org/232)\n"
            "98 | Friday 16 Oct 2030, 14:00 UTC | [agenda](https://x.org/217)\n")
    assert _ms(text, "README.md") == [("ACD 106", "2031-02-19"), ("ACD 107", "2031-03-05")]


def test_a_speakers_name_over_sub_items_a_time_stamp_and_no_other_business_are_no_actions():
    """Under "## Review of previous action items", "- Lee:" over sub-items labels whose they are (the sub-items are
    the actions), "- [TIME]: 19:10 London" marks the recording, "- &lt;no other business>" closes the list."""
    text = ("# WG notes 2031-08-01\n\n## Review of previous action items\n\n- [TIME]: 19:10 London\n"
            "- Lee:\n  - Write the spec cut announcement\n  - Ping the TSC about the charter\n"
            "- Benjie to review the RFC\n- &lt;no other business>\n")
    assert _tasks(text) == ["Write the spec cut announcement", "Ping the TSC about the charter",
                            "Benjie to review the RFC"]


def test_a_speaker_reporting_who_is_to_do_it_and_a_date_cells_weekday_and_year():
    """ "Julien: Julien to try and review today" is Julien's task though a speaker's turn opens it; "Goal: Decide
    to establish a team" is a goal, not a speaker. A table row's date cell "Tuesday, June 11th. 2031" leaves no
    "Tuesday, . 2031" in the row's title."""
    text = ("# Release WG 2031-06-01\n\n## Present\n\n* Julien Gilli (Joyent)\n\n## Notes\n\n"
            "* Julien: Julien to try and review today, likely to be included in the release\n"
            "* Goal: Decide to establish a documentation team\n\n"
            "| What | Who | When |\n| --- | --- | --- |\n| Code Thaw | Test Infra Lead | Tuesday, June 11th. 2031 |\n")
    run = _run(text)
    assert [t.title for t in run.tasks] == ["Julien: Julien to try and review today, likely to be included in the "
                                            "release"]
    assert [(m.title, m.date) for m in run.milestones] == [("Code Thaw", "2031-06-11")]


def test_a_year_first_date_with_one_digit_month_dates_the_notes_and_a_video_second_is_no_year():
    """ "### Meeting Date/Time: Thursday 2031/2/14 at 14:00 GMT" dates the call (2031-02-14), so "from Feb 2 to
    Feb 8" in it is 2031; "[_(34:54)_](https://youtu.be/x?t=2094)" is a second of the video, never the year."""
    text = ("# Implementers Call 12 Notes\n\n### Meeting Date/Time: Thursday 2031/2/14 at 14:00 GMT\n\n"
            "* Client A [_(34:54)_](https://youtu.be/x?t=2094) [_(35:10)_](https://youtu.be/x?t=2094)\n"
            "  * Meet and hack in Brussels from Feb 20 to Feb 28 (+ FOSDEM)\n")
    run = _run(text, "call_012.md")
    assert [(m.title, m.date) for m in run.milestones] == [("Meet and hack in Brussels + FOSDEM", "2031-02-20")]


def test_labels_and_counted_actions_introduce_their_sub_items_and_asides_are_none():
    """Under a review of action items, "- Also worth reviewing:" introduces its sub-items; "Lee: let's make a plan.
    Two actions:" does too. "niko: to clarify, josh, …" and "Robert: to summarize: …" are a speaker's asides,
    "We could have an action item to have a browser try it" a thought, "Action: No consensus." an outcome."""
    text = ("# WG notes 2031-02-03\n\n## Review of previous action items\n\n- Also worth reviewing:\n"
            "  - [#794](https://github.com/o/r/issues/794) spec text changes for argument uniqueness\n\n## Notes\n\n"
            "* Lee: let's put a plan together for the bus factor. Two actions:\n    * Start a specific call\n"
            "* niko: to clarify, josh, if you had unions of two types\n* Robert: to summarize: someone would open it\n"
            "* We could have an action item to have a browser try it\n* Action: No consensus.\n")
    assert _tasks(text) == ["[#794](https://github.com/o/r/issues/794) spec text changes for argument uniqueness",
                            "Start a specific call"]


def test_a_pointer_to_the_action_items_with_an_empty_bullet_after_it_is_no_task():
    """ "- [All open action items (by meeting)](…)" then an empty "-": the empty bullet joins the line, and the
    pointer is still a pointer."""
    text = ("# WG 2031-02-03\n\n## Review previous meeting's action items (1m, Lee)\n\n"
            "- [All open action items (by meeting)](https://github.com/o/r/projects?query=is%3Aopen)\n-\n"
            "- Benjie to review the RFC\n")
    assert _tasks(text) == ["Benjie to review the RFC"]


def test_action_items_from_a_meeting_are_a_topic_not_an_owner():
    """ "LC: Action items from last meeting - Ralph is not on the call, so we'll skip …" names where the items came
    from, not who has one: no task. "Action item for Ralph - send the draft" still is."""
    text = ("# WASI 2031-12-03\n\n## Notes\n\nLC: Action items from last meeting - Ralph is not on the call, so "
            "we'll skip over follow ups with him\n\nAction item for Ralph - send the draft\n")
    assert _tasks(text) == ["Send the draft"]


def test_a_summary_table_row_without_its_first_pipe_is_no_line_of_its_own():
    """ "201.5 | EIP-4444 rollout | Discussion about versioning, Piper to follow up" is a row of a summary table
    whose lines lack the first pipe (a bare link line broke the table above it): a clause in a cell assigns
    nothing (a line of its own would)."""
    text = ("# Execution Layer Meeting #201\n\n## Notes\n\nPiper Merriam (EF)\n\n| S No | Agenda | Summary |\n"
            "| -------- | -------- | -------- |\n201.1 | Pectra updates | Mekong is operational\n"
            "https://notes.example.org/devnet-5\n201.5 | EIP-4444 rollout | Discussion about versioning, Piper to "
            "follow up\n\nThe rollout stalled, Piper to follow up\n")
    assert _tasks(text, "2031-12-05.md") == ["The rollout stalled, Piper to follow up"]


def test_a_release_page_with_no_year_anywhere_dates_nothing():
    """ "# Kubernetes 4.19" (or a "release-4.19" file) with a calendar and schedule lines but no year anywhere: a
    past release's cycle of a year the page does not say, so no milestone (the file's day would date it wrongly).
    A plan of one's own without a year ("Wireframes — Dec 8") keeps its dates by the file's day."""
    page = ("# Kubernetes 4.19\n\n| What | Who | Jan | Feb |\n| --- | --- | --- | --- |\n"
            "| Start of Release Cycle | Lead | 6 | |\n| Enhancements Freeze | Lead | | 4 |\n\n"
            "* Feature Complete due end of day May 20\n")
    assert _ms(page, "README.md") == []
    assert _ms(page.replace("# Kubernetes 4.19", "# Proposed timeline"), "release-4.19_README.md") == []
    plan = "# Website plan\n\n* Wireframes — Dec 8\n* Launch — Dec 20\n"
    assert len(_ms(plan, "plan.md")) == 2


def test_a_speaker_in_brackets_is_a_person():
    """ "[john] definitely not ready …" names John as a speaker, so "John to follow up with them" is his task."""
    text = ("# Releases WG 2031-07-24\n\n## Notes\n\n* Arm\n    * [john] definitely not ready for the first release.\n"
            "    * We should find out Arm's timeline.\n        * John to follow up with them\n"
            "        * Timeline to be decided later\n")
    assert _tasks(text) == ["John to follow up with them"]


def test_a_range_with_the_before_each_day_and_a_date_said_to_be_no_deadline():
    """ "a meetup from the 6th to the 13th September" is dated by its first day; "January 3rd, 2032 is not a
    deadline for the implementation" says the date is none."""
    text = ("# Call 20 2031-06-27\n\n## Notes\n\n* There is a meetup from the 6th to the 13th September.\n"
            "* NOTE 20.1: January 3rd, 2032 is not a deadline for the implementation of Phase 0\n")
    assert [d for _, d in _ms(text)] == ["2031-09-06"]


def test_a_done_status_before_an_assignment_makes_it_a_done_task():
    """Under "### Followup", "- **DONE** @codebytere to de-deprecate …" is a done task; "- Done with the review" is
    no assignment."""
    text = ("# API WG 2031-03-23\n\n### Followup\n\n- **DONE** @codebytere to de-deprecate the properties\n"
            "- Done with the review\n")
    assert [(t.title, t.completed) for t in _run(text).tasks] == [("@codebytere to de-deprecate the properties", True)]


def test_a_date_inside_an_issue_links_text_with_brackets_of_its_own_is_a_record():
    """A restated action item "[#646 [2031-03-04] Add prose …](…/issues/646)" carries the day it was set in brackets
    inside the link's text: the record of a past meeting, no milestone."""
    text = ("# WG notes\n\n## Review previous meeting's action items\n\n"
            "- [#646 [2031-03-04] Add prose to explain scalar fields](https://github.com/o/r/issues/646) (#646)\n")
    assert _ms(text) == []
