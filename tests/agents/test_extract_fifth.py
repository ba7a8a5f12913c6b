"""Rules added from the unseen sets T and U (docs/EXTRACTION.md, fifth proxy check): each on a small synthetic text."""

from __future__ import annotations

from datetime import date

from agents.extract.dates import doc_date
from tests.agents.extract_runs import milestones as _ms
from tests.agents.extract_runs import tasks as _tasks


def test_an_emphasised_label_over_actions_groups_them_and_is_no_task():
    """Under "## Decisions and Action Items", "**Resumable Uploads:**" (or "**Design Team**") with sub-items is a
    group's label: the sub-items are the actions. A label followed by text is an item as before, and outside an
    action section a bold label's sub-items stay details."""
    text = ("# Session 2031-03-19\n\n## Decisions and Action Items\n\n"
            "*   **Resumable Uploads:**\n    *   Lock down the header name.\n    *   Discuss progress on the tracker.\n"
            "*   **Design Team**\n    *   Consider the discovery issues.\n"
            "*   **Structured Fields:** Take the draft to the list for adoption.\n\n"
            "## Discussion\n\n*   **Caching:**\n    *   Feedback varied.\n")
    assert _tasks(text) == ["Lock down the header name", "Discuss progress on the tracker",
                            "Consider the discovery issues",
                            "Structured Fields: Take the draft to the list for adoption"]


def test_a_file_name_with_a_one_digit_month_after_its_years_folder_dates_the_document():
    """ "stack_2021_sg-7-26.md" (or "stack/2021/sg-7-26.md") is 2021-07-26: the heading's "July 26th" video call
    is the document's own day, not an event."""
    text = "## Agenda for the July 26th video call of the Stack Subgroup\n\n- **When**: July 26th, 16:00 UTC\n"
    for name in ("WebAssembly_meetings__stack_2021_sg-7-26.md", "stack/2021/sg-7-26.md"):
        assert doc_date(name, []) == date(2021, 7, 26)
        assert _ms(text + "\n- Next call: August 3rd\n", name) == [("Next call", "2021-08-03")]


def test_bare_days_under_an_availability_heading_are_no_events():
    """ "## Availability" then "* Mar 16": a free slot, not an event; a named event beside it still is."""
    text = ("# Planning meeting 2031-03-02\n\n## Availability\n\n* Mar 16\n* Mar 23\n\n"
            "## Plan\n\n* Mar 30: Lint policy\n")
    assert _ms(text) == [("Lint policy", "2031-03-30")]


def test_a_sub_item_scheduled_for_a_day_takes_its_parents_name_and_yields_to_the_events_own_line():
    """ "- RPITIDT -- return position impl trait" over "  - scheduled for Mar 23" is that proposal's day; the plan's
    own "* Mar 23: RPITIDT" line later is the same event, and its title is kept."""
    text = ("# Planning meeting 2031-03-02\n\n## Proposed meetings\n\n- \"RPITIDT\" -- return position impl trait\n"
            "    - scheduled for Mar 23\n- \"Lint policy\"\n    - scheduled for Apr 6\n\n"
            "### Plan\n\n* Mar 23: RPITIDT [lang-team#144](https://github.com/rust-lang/lang-team/issues/144)\n")
    assert _ms(text) == [
        ("\"Lint policy\"", "2031-04-06"),
        ("RPITIDT lang-team#144", "2031-03-23")]


def test_a_lower_case_handle_built_on_a_name_the_notes_use_is_an_assignee():
    """ "pnkfelix to write initial draft" beside "Felix" in the attendance: an assignment; a lower-case word that
    holds no name the notes use ("benchmarks to run nightly") and a short name inside a word are not."""
    text = ("# Planning meeting 2031-03-02\n\n## Attendance\n\n"
            "* Team members: nikomatsakis, Felix, Josh, Scott, Mark\n\n"
            "## Plan\n\n* Mar 30: Lint policy\n    * pnkfelix to write initial draft\n\n"
            "### Deprecate target_vendor\n\n"
            "* scottmcm to second this\n* benchmarks to run nightly\n* bookmarks to keep in the wiki\n")
    assert _tasks(text) == ["Pnkfelix to write initial draft", "Scottmcm to second this"]


def test_an_action_item_for_someone_to_act_a_bracketed_speakers_marker_and_an_item_assigning_its_topic():
    """ "ZA: action item for everyone to look at …" says someone has an action item; "[Lee] Action item: …" is a
    marker after a speaker in brackets; "* Assign to pnkfelix" assigns its topic; "@nodejs/releasers to have
    admin access" names a team. "[Lee] Would love …" and "action items for the release" are not tasks."""
    text = ("# Meeting 2031-02-18\n\n## Notes\n\nZA: action item for everyone to look at outstanding issues\n\n"
            "- [Lee] Would love to see us use the term\n- [Lee] Action item: Lets have folks look at the PR\n"
            "- We listed action items for the release\n\n"
            "### Autoref for operators\n\n* Assign to pnkfelix\n\n"
            "### Keys\n\n* Moving keys to the new repository.\n"
            "  * @nodejs/releasers to have admin access to the repo.\n")
    assert _tasks(text) == ["ZA: action item for everyone to look at outstanding issues",
                            "Lets have folks look at the PR", "Assign to pnkfelix",
                            "@nodejs/releasers to have admin access to the repo"]


def test_names_joined_by_a_slash_assign_and_last_weeks_action_items_are_restated_actions():
    """ "Herve/Roberto to write up changes" assigns both; "Last week’s AI: …" on the line after an item (a lazy
    continuation in CommonMark, its own line to a reader) restates an action item; "AI, unrelated: …" is one;
    "AI: none - still waiting on legal" and "Last week’s AI: none" are empty markers."""
    text = ("# CPC meeting 2031-08-27\n\n## Old Business\n\nHerve: keep the table\n\n"
            "Herve/Roberto to write up changes\n\n"
            "* charter: governing body [#305](https://example.com/305)\n"
            "Last week’s AI: Need to get Board ok, then land it.\n\n"
            "AI, unrelated: examine issues related to quorum\n\n"
            "* draft charter template [#279](https://example.com/279)\n Last week’s AI: Jory to update PR\n\n"
            "AI: none - still waiting on review from legal\n\nLast week’s AI: none\n")
    assert _tasks(text) == ["Herve/Roberto to write up changes", "Need to get Board ok, then land it",
                            "Examine issues related to quorum", "Jory to update PR"]


def test_a_template_comment_before_the_header_does_not_hide_the_meetings_own_date():
    """A long HTML comment first (an agenda template's instructions): the "**Date & Time**:" line under the title
    is still in the header, so the meeting's own day is the document's date, not an event."""
    comment = "<!--\n" + "".join(f"   {n}. Instructions line {n} for the agenda.\n" for n in range(70)) + "-->\n"
    text = (comment + "\n# WG – December 2031 (Secondary)\n\nThe group meets monthly.\n\n"
            "- **Date & Time**: [December 7th 2031 3:30pm - 5:00pm PT](https://example.com/t?iso=20311207)\n\n"
            "## Agenda\n\n1. Next meeting: January 4th 2032\n")
    assert _ms(text, "agendas_2031_12-Dec_wg-secondary.md") == [("Next meeting", "2032-01-04")]


def test_an_owned_todo_in_brackets_two_release_lines_on_one_day_and_an_acronym_after_a_name():
    """ "[TODO(francis): link to slides]" is a TODO note ("link to slides"); "Upcoming v12.x on 21st July." and
    "Upcoming v10.x on 21st July." are two releases' events, not one; "Geoffrey PR to clarify that" has no
    assignee ("PR" is no surname), while "Rod Vagg to review" still does."""
    text = ("# Release WG 2031-07-16\n\n## Present\n\n* Rod Vagg @rvagg\n* Geoffrey Booth @GeoffreyBooth\n\n"
            "## Notes\n\n[TODO(francis): link to slides]\n\n* Release plan - v12.x LTS\n"
            "  * Upcoming v12.x on 21st July.\n* Release plan - v10.x LTS\n  * Upcoming v10.x on 21st July.\n\n"
            "* Geoffrey PR to clarify that - <https://example.com/pull/1>\n* Rod Vagg to review the plan\n")
    assert _tasks(text) == ["Link to slides", "Rod Vagg to review the plan"]
    assert _ms(text) == [("Upcoming v12.x", "2031-07-21"), ("Upcoming v10.x", "2031-07-21")]


def test_a_passive_with_be_states_what_is_ahead_not_what_happened():
    """ "By Monday, February 4, 2031, the KEPs … must be merged" in an undated plan is a deadline (the plan's year
    is 2031); "the KEPs were merged on January 8, 2031" and "has been merged on January 9, 2031" are past."""
    text = ("# Kubernetes 1.99\n\nThe 1.99 release cycle begins on Monday, January 7, 2031.\n\n"
            "By **Monday, February 4, 2031**, the KEPs of all enhancements must be merged with an implementable "
            "status.\n\n"
            "The first KEPs were merged on January 8, 2031. The guide has been merged on January 9, 2031.\n")
    assert _ms(text, "README.md") == [("The 1.99 release cycle begins", "2031-01-07"),
                                      ("The KEPs of all enhancements must be merged with an implementable status",
                                       "2031-02-04")]


def test_assignments_on_a_continuation_line_after_a_comma_and_as_a_paragraphs_first_sentence():
    """In minutes: "Robin to take the pen …" on the line after an item (joined to it in CommonMark) is an
    assignment of its own; "Took a vote, Rod to chase up more votes." assigns (the whole item), but not after a
    decision label ("Conclusion: …, Mark to send invites"); "Felix to FCP merge" takes an acronym as its verb's
    object; a paragraph "James to schedule in February.  Some discussion …" is its first sentence; "Soon to show
    up on the website" and "Rod will not be available" assign nothing."""
    text = ("# CPC meeting 2031-02-14\n\n## Present\n\n* Robin Ginn (@rginn)\n* Rod Vagg (@rvagg)\n"
            "* Mark Wong (@mwong)\n* Felix Klock (@pnkfelix)\n* James Snell (@jasnell)\n\n## Notes\n\n"
            "* Create a page on the collaboration model [#1003](https://x.org)\n"
            "Potentially have a working session\nRobin to take the pen and draft content\n"
            "* Took a vote, got 3/3, Rod to chase up more votes on GitHub.\n"
            "* Conclusion: meet every two weeks, Mark to send out invites\n* Felix to FCP merge\n"
            "* Soon to show up on the website\n* Rod will not be available on Friday\n\n"
            "## Next Meeting\n\nJames to schedule in February.  Some discussion about how often to meet.\n")
    assert _tasks(text) == ["Robin to take the pen and draft content",
                            "Took a vote, got 3/3, Rod to chase up more votes on GitHub",
                            "Felix to FCP merge", "James to schedule in February"]


def test_owned_bracket_markers_tracker_links_and_replies_in_an_action_list():
    """ "[ACTION: Lee] Go through …" and "[ACTION - Lee] …" are markers with the owner inside; under an action
    heading, a link to the tracker's list ("[Currently open action items](…)") and a speaker's reply ("Lee: I
    completely agree", "Ann: is this done?") are no actions, while "Ivan: draft the blog post" still is."""
    text = ("# WG notes 2031-12-05\n\n## Review previous meeting's action items\n\n"
            "*   [Currently open action items](https://github.com/o/r/issues?q=label%3A%22Action+item%22)\n"
            "*   Ivan: draft the blog post\n*   Lee: I completely agree\n*   Ann: is this done?\n\n"
            "## Namespaces\n\n*   [ACTION: Antoine] Put together an RFC concerning name spaces.\n"
            "*   [ACTION - Vince] Tie guiding principles to the criteria\n")
    assert _tasks(text) == ["Ivan: draft the blog post", "Put together an RFC concerning name spaces",
                            "Tie guiding principles to the criteria"]


def test_a_us_month_and_day_after_scheduled_for_is_a_date():
    """ "First meeting scheduled for 12/22 at 2000 UTC" in minutes of 2031-12-15 is 2031-12-22; a bare "3/4" or
    "got 3/3 votes" stays no date."""
    text = ("# TSC meeting 2031-12-15\n\n* First meeting scheduled for 12/22 at 2000 UTC\n"
            "* Took a vote, got 3/3, and 3/4 of the nodes passed\n")
    assert _ms(text) == [("First meeting at 2000 UTC", "2031-12-22")]


def test_a_day_offered_in_a_question_is_no_event_unless_named_in_brackets():
    """ "Use time slot on November 1st?" asks; "Can we get approval by the next meeting (April 26 I think)?" names
    the next meeting's day; "Interim - Seattle(?) on October 9" is unsure of the place, not the day; "v12 will hit
    stable Apr 23, rc = when?" asks about something else."""
    text = ("# Council 2031-03-11\n\n* Use time slot on November 1st?\n"
            "* Can we get approval by the next meeting (April 26 I think)?\n* Interim - Seattle(?) on October 9\n"
            "* v12 will hit stable Apr 23, rc = when?\n")
    assert [d for _, d in _ms(text)] == ["2031-04-26", "2031-10-09", "2031-04-23"]


def test_more_ways_minutes_assign_work():
    """ "BS: Action item to follow up with AR"; "Next step put into PR …" (no colon, not "Next steps are …");
    "(@BethGriggs & @MylesBorins) to post back …"; "**Decision:** Mara to help …" (a decision's "X will …" is
    none); "RG - will reach out …"; "Need somebody to" over sub-items; "Proposes to remove …" names nobody."""
    text = ("# Release WG 2031-02-27\n\n## Present\n\n* Mara Bos (@m-ou-se)\n* Rich Trott (@Trott)\n\n## Notes\n\n"
            "BS: Action item to follow up with AR\n\n* Next step put into PR in Admin repo.\n"
            "* Next steps are unclear for now.\n* (@BethGriggs & @MylesBorins) to post back on the issue.\n"
            "* **Decision:** Mara to help form a WG.\n* **Decision:** Mara will ask RustNL.\n"
            "* RG - will reach out to the projects\n* Sounds like consensus.  Need somebody to\n"
            "    * Create private repo\n    * Create initial issues\n* Proposes to remove the underscore\n")
    assert _tasks(text) == ["Follow up with AR", "Put into PR in Admin repo",
                            "(@BethGriggs & @MylesBorins) to post back on the issue", "Mara to help form a WG",
                            "RG - will reach out to the projects", "Create private repo", "Create initial issues"]


def test_an_events_list_line_wins_over_a_paragraph_saying_the_same_and_a_free_slot_is_none():
    """ "**TL;DR: … on Jan 9, 2031, and produce Rust 1.0.0 final …**" then "* Rust 1.0.0-alpha -- Friday, Jan 9,
    2031": one event, titled by its list line; "March 9 — (nothing)" in a plan is a free slot."""
    text = ("# 1.0 timeline\n\n**TL;DR: we will move to a six week cycle on Jan 9, 2031, and produce Rust 1.0.0 "
            "final two cycles later.**\n\n* Rust 1.0.0-alpha -- Friday, Jan 9, 2031\n\n## Design meetings\n\n"
            "- March 9 —  (nothing)\n- March 16 — ffi-unwind\n")
    assert _ms(text, "2030-12-12-timeline.md") == [("Rust 1.0.0-alpha", "2031-01-09"), ("ffi-unwind", "2031-03-16")]


def test_a_history_sections_dates_are_past_releases():
    """Under "## Release history" a README's "v1.0 - July 21, 2031" is a past release, not a milestone; the plan
    after it ("## Plan", "- Sept 20: release 1.4") still is."""
    text = ("# Project\n\nThe 1.4 cycle runs through 2031.\n\n## Release history\n\n- v1.0 - July 21, 2031\n"
            "- v1.1 - November 9, 2031\n\n## Plan\n\n- Sept 20, 2032: release 1.4\n")
    assert _ms(text, "README.md") == [("Release 1.4", "2032-09-20")]


def test_another_session_heading_of_the_meeting_is_its_own_day():
    """An IETF agenda: "## WEDNESDAY 31 July 2031 - 1510-1720 …" dates the document and "## FRIDAY 2 August
    2031 - 0900-1100 Morning Session I" is a second session of the same meeting, no event; "Interim on 2 October
    2031" after it still is one."""
    text = ("# HTTPbis Agenda - IETF 87\n\n## WEDNESDAY 31 July 2031 - 1510-1720 Afternoon Session II\n\n"
            " *   1 min - Blue sheets\n\n## FRIDAY 2 August 2031 - 0900-1100 Morning Session I\n\n"
            " *   Next interim on 2 October 2031\n")
    assert _ms(text, "ietf87_agenda.txt") == [("Next interim", "2031-10-02")]


def test_a_bold_next_steps_line_a_plus_pair_a_leading_link_and_a_struck_date():
    """ "**Next steps**" alone on a line introduces the items under it; "EP+AR to follow up offline." assigns
    both; "[#96463](…) Dan will take ownership" is Dan's item; "~~Tuesday, September 25~~ **Thursday, September
    27**" moved the day: only the 27th is an event."""
    text = ("# TSC meeting 2031-01-26\n\n## Present\n\n* Dan Mangum (@hasheddan)\n\n## Topics\n\n"
            "**Next steps**\n\n"
            "* Update #96 and remove from tsc-agenda.\n\nEP: People will look for it.\n\n"
            "EP+AR to follow up offline.\n\n"
            "* [#96463](https://github.com/k/k/issues/96463) Dan will take ownership of this issue\n\n"
            "Release day moved from ~~Tuesday, September 25, 2031~~ to **Thursday, September 27, 2031**.\n")
    assert _tasks(text) == ["Update #96 and remove from tsc-agenda", "EP+AR to follow up offline",
                            "[#96463](https://github.com/k/k/issues/96463) Dan will take ownership of this issue"]
    assert [d for _, d in _ms(text)] == ["2031-09-27"]


def test_a_list_right_under_a_marked_paragraph_holds_its_details():
    """Under "## Actions:", "**ACTION 62.1:** Reach out to the authors …" is the task and the list right under it
    ("- **Status:** Tabled for now.") its details; a list after a blank line under a plain paragraph is the
    section's own items."""
    text = ("# Core devs meeting 2031-06-21\n\n## Actions:\n\n**ACTION 62.1:** Reach out to the authors of EIP-615.\n"
            "- **Status:** Tabled for now.\n- Jordi: no discussion yet\n\nThese are new:\n\n- Benchmark EIP-1108\n")
    assert _tasks(text) == ["Reach out to the authors of EIP-615", "Benchmark EIP-1108"]


def test_a_session_stamp_heading_dates_an_ietf_summary():
    """ "# Session Summary: 20310320-0100" dates the summary (2031-03-20), so its "## Next Steps" are minutes'
    next steps; "build 20310320" with no hours is no stamp."""
    text = ("# Session Summary: 20310320-0100\n\n## HTTPBIS\n\nBuild 20310320 was used.\n\n## Next Steps\n"
            "* **MOQPACK:** Alan to iterate on the draft.\n")
    assert doc_date("ietf125_summary.md", text.split("\n")) == date(2031, 3, 20)
    assert doc_date("x.md", ["# Notes", "Build 20310320 was used."]) is None
    assert _tasks(text, "ietf125_summary.md") == ["MOQPACK: Alan to iterate on the draft"]


def test_expected_before_a_us_day_and_a_handle_after_a_comma():
    """ "first draft expected 11/23" in notes of 2031-11-13 is 2031-11-23; "* Add the list to the repo, @wk to
    prepare PR." assigns the item to @wk."""
    text = ("# Release team 2031-11-13\n\n* Release blog in progress with first draft expected 11/23 for review.\n"
            "* Add the list to the repo, @wk to prepare PR.\n")
    assert [d for _, d in _ms(text)] == ["2031-11-23"]
    assert _tasks(text) == ["Add the list to the repo, @wk to prepare PR"]


def test_one_moment_told_in_two_time_zones_is_one_date():
    """A release calendar row "| **Begin Enhancements Freeze** | Enhancements Lead | [02:00 UTC Friday 14th
    February 2031 / 18:00 PST Thursday 13th February 2031](…) |" is one milestone on the 14th, titled by the row
    without the hours."""
    text = ("# Kubernetes 1.99\n\n| What | Who | When |\n|---|---|---|\n"
            "| **Begin Enhancements Freeze** | Enhancements Lead | [02:00 UTC Friday 14th February 2031 / "
            "18:00 PST Thursday 13th February 2031](https://everytimezone.com/s/x) |\n")
    assert _ms(text, "README.md") == [("Begin Enhancements Freeze", "2031-02-14")]


def test_a_lower_case_attendee_opening_a_paragraph_assigns():
    """ "nikomatsakis to review." as a paragraph of its own, the handle in the attendance, assigns; a speaker's
    "rf: to know whether …" and "mnot to mike belshe -- we're getting there" (to another name) do not."""
    text = ("# T-lang meeting 2031-09-13\n\n* Team members: nikomatsakis, pnkfelix, mnot, mike, rf\n\n"
            "## PR 166\n\nnikomatsakis to review.\n\nrf: to know whether it is safe, you need the content\n\n"
            "mnot to mike belshe -- we're getting there\n")
    assert _tasks(text) == ["Nikomatsakis to review"]
