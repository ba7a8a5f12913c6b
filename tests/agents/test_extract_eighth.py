"""Rules added from the unseen sets DA–DH (docs/EXTRACTION.md, eighth proxy check): each on a small synthetic text."""

from __future__ import annotations

from tests.agents.extract_runs import milestones as _ms


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
