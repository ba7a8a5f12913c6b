"""Rules added from the third proxy check (sets H-K, docs/EXTRACTION.md): each on a small synthetic text."""

from __future__ import annotations

from datetime import date

from agents.extract import extract_text

REF = date(2030, 1, 15)


def _run(text: str, filename: str = "notes.md"):
    return extract_text(text, filename=filename, reference_date=REF, today=REF)


def _ms(text: str, filename: str = "notes.md") -> list[tuple[str, str]]:
    return [(m.title, m.date) for m in _run(text, filename).milestones]


def test_without_any_year_a_year_less_date_is_no_milestone_but_still_a_due_date():
    """No document date and no year stated: "March 3" cannot be placed (the guide skips it); the task
    keeps the due date, read with the file's modification year."""
    result = _run("# Elections\n\n- Nominations open on March 3\n\n## To do\n\n- [ ] Send the ballot by March 3\n")
    assert result.milestones == ()
    (task,) = result.tasks
    assert (task.title, task.due_date) == ("Send the ballot", "2030-03-03")
    assert _ms("# Elections 2031\n\n- Nominations open on March 3\n") == [("Nominations open", "2031-03-03")]


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
