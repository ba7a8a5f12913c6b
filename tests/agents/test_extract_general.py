"""Rules added from the proxy held-out check: each on a small synthetic text (pure extraction, no I/O)."""

from __future__ import annotations

from datetime import date

from agents.extract import extract_text

REF = date(2030, 1, 15)


def _run(text: str, filename: str = "notes.md"):
    return extract_text(text, filename=filename, reference_date=REF, today=REF)


def test_sub_heading_after_action_items_closes_the_action_section():
    """Bullets under a sub-heading that follows an action section's own items are discussion, not tasks."""
    text = ("# Sync 2030-03-02\n\n## Action Items\n\n- Kim: book the venue\n- Lee: send the survey\n\n"
            "### Venue\n\n- The hall on the quay looks fine\n- Parking is limited\n")
    titles = [t.title for t in _run(text).tasks]
    assert titles == ["Kim: book the venue", "Lee: send the survey"]


def test_action_heading_whose_items_sit_under_sub_headings_still_holds_them():
    """An action heading followed at once by per-person sub-headings keeps their items as tasks."""
    text = "# Sync 2030-03-02\n\n## Action items\n\n### Kim\n\n- book the venue\n\n### Lee\n\n- send the survey\n"
    titles = sorted(t.title.lower() for t in _run(text).tasks)
    assert titles == ["book the venue", "send the survey"]


def test_changelog_title_makes_dated_entries_past_releases():
    """A document titled as a changelog yields no milestones from its dated entries."""
    text = "# Tooling Changelog\n\n* 2031-05-02: Added the export button\n* 2031-04-20: Fixed the login page\n"
    assert _run(text).milestones == ()


def test_newest_first_dated_items_are_a_log_not_a_schedule():
    """Three or more items opening with dates in descending order are a log: no milestones."""
    text = ("# Updates\n\n- 2031-06-09: moved the wiki\n- 2031-05-30: renamed the team\n"
            "- 2031-05-11: archived the old repo\n")
    assert _run(text).milestones == ()


def test_ascending_dated_items_stay_a_schedule():
    """The same items in ascending order are a schedule: each is a milestone."""
    text = ("# Plan\n\n- 2031-05-11: archive the old repo\n- 2031-05-30: rename the team\n"
            "- 2031-06-09: move the wiki\n")
    assert [m.date for m in _run(text).milestones] == ["2031-05-11", "2031-05-30", "2031-06-09"]


def test_schedule_line_named_by_its_version_alone_is_a_milestone():
    """"- 4.2.1: Tuesday, 2031-03-04" is a milestone titled by the version, not by the section heading."""
    text = "# Widget 4.2 schedule\n\nExpected:\n\n- 4.2.1: Tuesday, 2031-03-04\n- 4.2.2: Tuesday, 2031-05-06\n"
    got = [(m.title, m.date) for m in _run(text).milestones]
    assert got == [("4.2.1", "2031-03-04"), ("4.2.2", "2031-05-06")]


def test_parenthesised_remark_after_a_dated_event_is_not_its_title():
    """"event: date (remark)" is titled by the event; the remark on its wrapped line is dropped."""
    text = "# Widget 4.2 schedule\n\n- 4.2.0 beta 1: Monday, 2031-02-03\n  (No new features after this.)\n"
    (m,) = _run(text).milestones
    assert (m.title, m.date) == ("4.2.0 beta 1", "2031-02-03")


def test_remark_without_a_colon_label_stays_part_of_the_title():
    """Without an "event:" label the words after the date stay in the title."""
    text = "# Notes 2030-01-10\n\nThe summit is on March 3rd 2030 (in the old town).\n"
    (m,) = _run(text, filename="2030-01-10.md").milestones
    assert "summit" in m.title.lower() and m.date == "2030-03-03"


def test_process_checklist_in_use_holds_tasks():
    """A checklist file someone has ticked boxes in is the team's to-do list, not a template to copy."""
    text = "# Launch readiness checklist\n\n- [x] Spec merged\n- [ ] Devnet v2 live\n- [ ] Audit the library\n"
    got = [(t.title, t.completed) for t in _run(text, filename="launch-readiness-checklist.md").tasks]
    assert got == [("Spec merged", True), ("Devnet v2 live", False), ("Audit the library", False)]


def test_process_checklist_with_no_box_ticked_stays_a_template():
    """The same kind of file with every box empty is a procedure to copy: no tasks."""
    text = "# Release checklist\n\n- [ ] Bump the version\n- [ ] Tag the release\n"
    assert _run(text, filename="release-checklist.md").tasks == ()


def test_template_name_wins_over_ticked_boxes():
    """A file named as a template holds no tasks, even with an example box ticked."""
    text = "# Pull request\n\n- [x] I read the guide\n- [ ] Tests added\n"
    assert _run(text, filename="PULL_REQUEST_TEMPLATE.md").tasks == ()


def test_having_a_todo_and_taking_action_to_are_tasks():
    """ "has a TODO on …" and "will take action to …" say someone owns work; "a todo list" and "an AI" do not."""
    text = ("# Sync 2030-02-03\n\n- Have a TODO on release notes for beta.1\n"
            "- Michael will take action to draft the changes.\n- We have a todo list in the wiki\n"
            "- The vendor has an AI assistant now\n")
    titles = [t.title for t in _run(text, filename="2030-02-03.md").tasks]
    assert titles == ["Have a TODO on release notes for beta.1", "Michael will take action to draft the changes"]


def test_bare_date_under_a_heading_is_titled_by_the_heading():
    """A date alone on a line under "## Next Meeting" is that meeting; under "## Date" it names no event."""
    text = "# TSC Meeting 2030-08-11\n\n## Next Meeting\n\n2030-08-25\n"
    got = [(m.title, m.date) for m in _run(text, filename="2030-08-11.md").milestones]
    assert got == [("Next Meeting", "2030-08-25")]
    text = "# Notes\n\n## Date\n\n2030-08-25\n"
    assert _run(text).milestones == ()


def test_scheduled_date_near_the_document_date_is_kept():
    """A date within days of the document's own is the meeting itself, unless the sentence schedules it."""
    text = ("# Pre-release testing\n\nPublished 2030-10-06.\n\nThe release is scheduled for this Thursday, "
            "October 8th.\n")
    (m,) = _run(text, filename="2030-10-06-prerelease.md").milestones
    assert m.date == "2030-10-08" and "scheduled" in m.title
    text = "# Meeting 2030-10-06\n\nDate: Tuesday, October 8th\n"
    assert _run(text, filename="2030-10-06.md").milestones == ()


def test_two_releases_on_one_day_are_two_milestones_one_release_twice_is_one():
    """Same-day deadlines of two versions stay apart; "1.7" and "1.7.0" on one day are one release."""
    text = ("# Patch releases\n\n| Version | Cherry-picks deadline |\n|---|---|\n| 1.17.1 | 2031-03-10 |\n"
            "| 1.16.5 | 2031-03-10 |\n")
    assert len(_run(text).milestones) == 2
    text = "# Plan\n\n- June 28th 2031: v1.7.0 release\n\n## Details\n\n- Release 1.7 on June 28 2031\n"
    assert len(_run(text).milestones) == 1


def test_numeric_dates_with_a_four_digit_year():
    """US month-first with / or -, day-first when the first number cannot be a month or with dots."""
    text = ("# Plan\n\n- Summit: 09/20/2031\n- Freeze: 20/10/2031\n- Workshop: 05.11.2031\n"
            "- Deadline: 11-08-2031\n")
    assert sorted(m.date for m in _run(text).milestones) == ["2031-09-20", "2031-10-20", "2031-11-05",
                                                              "2031-11-08"]


def test_action_marker_inside_a_speakers_turn():
    """ "Ryan: Action item: Jack to revise …" is an action item; "Kim: actions speak louder" and an
    empty action in a turn are not."""
    text = ("# Sync 2030-02-03\n\n- Ryan: Action item: Jack to revise the proposal.\n"
            "- **Jack**: action item - send the survey\n- Kim: actions speak louder\n- Kim: Action: none needed\n")
    titles = [t.title for t in _run(text, filename="2030-02-03.md").tasks]
    assert titles == ["Jack to revise the proposal", "Send the survey"]


def test_date_only_item_is_titled_by_its_first_sub_item():
    """ "- Sept 8th" whose sub-item says what happens then is that event, not the section heading."""
    text = ("# Release 2031 schedule\n\n## Docs\n\n- Sept 8th\n  - Docs PRs must be open for review\n"
            "- Sept 20th: Code freeze\n")
    got = [(m.title, m.date) for m in _run(text).milestones]
    assert got == [("Docs PRs must be open for review", "2031-09-08"), ("Code freeze", "2031-09-20")]


def test_decisions_and_actionables_heading_introduces_tasks():
    """A heading that names action items after "Decisions and" (or "Summary and") holds tasks;
    "Discussion and next steps" does not."""
    text = "# Sync 2030-02-03\n\n### Decisions and Actionables\n\n- Open an issue for the CLI\n- Review the PR\n"
    assert [t.title for t in _run(text, filename="2030-02-03.md").tasks] == ["Open an issue for the CLI",
                                                                             "Review the PR"]
    text = "# Sync 2030-02-03\n\n### Discussion and next steps\n\n- The CLI is slow\n"
    assert _run(text, filename="2030-02-03.md").tasks == ()


def test_half_an_emphasis_pair_is_not_left_in_a_title():
    """A dated action item cut after "**Colin:**" reads "Colin: …", not "Colin:** …"."""
    text = "# Call 2030-02-03\n\n- **Colin:** Post the meetup link by March 3rd 2030\n"
    titles = [m.title for m in _run(text, filename="2030-02-03.md").milestones]
    assert titles and all("**" not in t for t in titles)


def test_month_slash_day_only_after_a_weekday():
    """ "Thursday 2/6" is February 6th in US minutes; "1/2 of the servers" is no date."""
    text = "# Community call 2030-01-29\n\n- Next meeting Thursday 2/6 @ 1PM PST\n- Moved 1/2 of the servers\n"
    got = [(m.title, m.date) for m in _run(text, filename="2030-01-29.md").milestones]
    assert got == [("Next meeting", "2030-02-06")]  # the hour after the date names nothing


def test_date_in_a_link_to_another_document_is_no_event():
    """A table of contents linking "[June 4 Meeting Notes](jun-4.md)" names documents, not events; a date
    after such a link, or in a web link's text, still counts."""
    text = ("# Meeting notes\n\n| Day | Notes |\n|---|---|\n| 1 | [June 4 Meeting Notes](jun-4.md#day-1) |\n\n"
            "- See [the plan](plan.md): code freeze on June 20th 2031\n")
    got = [(m.title, m.date) for m in _run(text, filename="toc.md").milestones]
    assert [d for _, d in got] == ["2031-06-20"]


def test_short_lines_each_a_thought_are_not_one_sentence():
    """Minutes typed one thought a line, without full stops: the dated line is the event, not the lines
    after it; a sentence wrapped at the width (its next line in lower case) is still one."""
    text = ("# Community meeting 2030-07-26\n\nCollab summit\nHappening in October, 12 and 13th\n"
            "Announcement has gone out but is empty around specific sessions currently\n\n"
            "The feature freeze for the next release\nwill be on August 20th 2030\n")
    got = {m.date: m.title for m in _run(text, filename="2030-07-26.md").milestones}
    assert set(got) == {"2030-10-12", "2030-08-20"}
    assert got["2030-10-12"].startswith("Happening in") and "Announcement" not in got["2030-10-12"]
    assert got["2030-08-20"].startswith("The feature freeze for the next release")


def test_a_span_from_one_date_to_another_is_dated_by_its_first_day():
    """ "from … (June 26th 2030) to September 18th 2030" is one milestone on June 26th; two dates joined
    by "and" are two events."""
    text = ("# Freeze 2030-06-19\n\nThe freeze runs from the beta (June 26th 2030) to September 18th 2030, "
            "the stable release.\n\nBeta on July 1st 2030 and the release on July 9th 2030.\n")
    dates = sorted(m.date for m in _run(text, filename="2030-06-19.md").milestones)
    assert dates == ["2030-06-26", "2030-07-01", "2030-07-09"]


def test_labelled_header_date_with_a_two_digit_year_is_the_documents_date():
    """ "Meeting Date/Time: Friday 7/14/17" dates the minutes, so "Aug. 26" below is 2017-08-26, titled by
    its item even though "sec." ends a sentence before the date (a bare "27 sec." would name no event)."""
    text = ("# Core Devs Meeting #20\n### Meeting Date/Time: Friday 7/14/17 at 14:00 UTC\n\n# Notes\n\n"
            "Testnets:\n\n- Ropsten at 27 sec. - Aug. 26\n")
    (m,) = _run(text, filename="Meeting-20.md").milestones
    assert (m.title, m.date) == ("Ropsten at 27 sec", "2017-08-26")
    assert _run("# Notes\n\nRatio: 1/2/17\n\n- Freeze on Aug. 26\n", filename="x.md").milestones[0].date != "2017-08-26"


def test_bullet_that_only_says_next_actions_introduces_its_sub_items():
    """ "- Next actions" (no colon) with sub-items: they are tasks; a "Next actions" bullet with no
    sub-items introduces nothing."""
    text = ("# Security WG 2030-06-14\n\n- Recognition program\n  - discussed the page\n- Next actions\n"
            "  - Update the readme (Vladimir)\n  - Schedule the tweets (Michael)\n")
    titles = [t.title for t in _run(text, filename="2030-06-14.md").tasks]
    assert titles == ["Update the readme (Vladimir)", "Schedule the tweets (Michael)"]


def test_labelled_header_date_without_a_year_is_the_meetings_own():
    """ "**Date & Time**: January 14, 14:00 UTC" in a header is the meeting's day even with no year to
    resolve it by; a "Next meeting: January 28" line is still an event."""
    text = ("# Breakout Room #02\n\n### Meeting Info\n\n**Date & Time**: January 14, 14:00-15:00 UTC\n\n"
            "- Next meeting: January 28 2030\n")
    assert [m.date for m in _run(text, filename="Meeting-02.md").milestones] == ["2030-01-28"]


def test_event_sentence_on_the_second_line_is_not_the_documents_date():
    """ "The 1.9 release cycle begins on Monday, October 2, 2017." under the title is an event (the
    guide's own example of a document without a date), not the document's date."""
    text = "# Release 1.9\n\nThe 1.9 release cycle begins on Monday, October 2, 2017.\n\n- Wed Nov 1: Code freeze\n"
    got = {m.date for m in _run(text, filename="README.md").milestones}
    assert {"2017-10-02", "2017-11-01"} <= got


def test_assignment_to_a_linked_name_after_a_topic_label():
    """ "MSYS2 - [Michael Sarahan](profile) to ask Ray …": a person written as a link, after a short topic
    label, is an assignment; "Docs - the page to be rewritten" is not."""
    text = ("# Core call 2030-11-24\n\n- Windows builds\n"
            "    * MSYS2 - [Michael Sarahan](https://example.org/u/ms) to ask Ray about build machines\n"
            "    * Docs - the page to be rewritten\n")
    assert [t.title for t in _run(text, filename="2030-11-24.md").tasks] == [
        "MSYS2 - [Michael Sarahan](https://example.org/u/ms) to ask Ray about build machines"]


def test_ai_as_a_topic_is_not_the_ai_marker():
    """ "AI & Dataset Profile - Gopi/Karen" names a topic (artificial intelligence); "AI: send the notes" is
    the marker."""
    text = "# SPDX call 2030-05-04\n\n- AI & Dataset Profile - Gopi/Karen/Kate\n- AI: send the notes\n"
    assert [t.title for t in _run(text, filename="2030-05-04.md").tasks] == ["Send the notes"]


def test_section_heading_is_not_a_persons_name():
    """ "## Links" does not make "Links to sign up have gone out" an assignment to someone called Links."""
    text = "# TSC 2030-04-04\n\n## Links\n\n- Links to sign up have gone out\n"
    assert _run(text, filename="2030-04-04.md").tasks == ()


def test_several_lowercase_handles_share_an_assignment():
    """ "@lightclient and @jflo will ask people …" is one task for both handles."""
    text = "# P2P call 2030-03-03\n\n- @lightclient and @jflo will ask people about the spec\n"
    (task,) = _run(text, filename="2030-03-03.md").tasks
    assert task.title.lower().endswith("lightclient and @jflo will ask people about the spec")
