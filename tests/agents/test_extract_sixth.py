"""Rules added from the unseen sets BA–BG (docs/EXTRACTION.md, sixth proxy check): each on a small synthetic text."""

from __future__ import annotations

from datetime import date

from agents.extract import extract_text

REF = date(2030, 1, 15)


def _run(text: str, filename: str = "notes.md"):
    return extract_text(text, filename=filename, reference_date=REF, today=REF)


def _ms(text: str, filename: str = "notes.md") -> list[tuple[str, str]]:
    return [(m.title, m.date) for m in _run(text, filename).milestones]


def _tasks(text: str, filename: str = "notes.md") -> list[str]:
    return [t.title for t in _run(text, filename).tasks]


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
