"""Milestones from a document's units: dated events, resolved against the document's own date.

Pure, no I/O, any thread; a mixin of ``agents.extract.items.Extractor`` (it
uses the extractor's ``units``, ``doc_day``, ``anchor``, ``changelog`` and
``context``). A milestone is a month-and-day date stated in the document,
titled by its event (the sentence or item without the date phrase; a table
row by its name cell and column header, read by ``agents.extract.rows``; a bare date by its first sub-item or
the heading above it). A span "<date> to <date>" is dated by its first day.
Skipped: the document's own date and the days of the meeting in its header
(unless the sentence schedules something), a labelled header date without a
year, dates in the text of a link to another file of the project, past dates
(before the document's date and not stated as a deadline; changelogs),
chat-log stamps, titles without an event ("Week of").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from itertools import pairwise
from typing import Any

from agents.extract import cues
from agents.extract.blocks import Unit
from agents.extract.cues import AHEAD, FUTURE, PAST, ROUGHLY, SCHEDULED, SIDE_EVENT, SINCE
from agents.extract.dates import OWN_DATE_FIELD, YEAR_IN, Found, find_dates, list_label
from agents.extract.tables import make_date

_LINK_OR_URL = re.compile(r"\]\([^()\s]*(?:\([^()\s]*\)[^()\s]*)*\)|<?https?://[^\s>)\]]+>?|`[^`\n]*`")
# A link to another file of the project ("[June 4 meeting notes](jun-4.md)"): a date in its text names that
# document, not an event.
_DOC_LINK = re.compile(r"\[[^\]\n]*\]\((?![a-z][\w+.-]*:)[^()\s]*\)"
                       # ... or to the record of something that happened ("[12 March 2017](…/issues/1209)")
                       r"|\[(?:[^\[\]\n]|\[[^\[\]\n]*\])*\]\(https?://(?:matrix\.to/|[^()\s]*(?:/issues/\d|/pull/\d|#issuecomment"
                       r"|/discussions/\d|/commit/))[^()\s]*\)", re.IGNORECASE)
_SENTENCE = re.compile(  # "Oct." before a day or "Thur." before a date ends no sentence: "(Oct. 9th)"
    r"(?:[^.!?]|(?:(?<=\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec))|(?<=\bSept))\.(?=[ \t]+\d)"
    r"|(?:(?<=\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun))|(?<=\b(?:Tues|Thur))|(?<=\bThurs))\.(?=[ \t]+[\dA-Z])"
    r"|[.!?]+(?![\s)]|$))+(?:[.!?]+|$)")
_DIGIT = re.compile(r"\d")
# "Code freeze begins Feb 26 and ends Mar 14": the second event is titled by the verb alone, the first's subject
_BARE_VERB = re.compile(r"(?:and[ \t]+)?(?:ends?|begins?|starts?|closes?|opens?|finish(?:es)?|resumes?)\b[^,;:.]{0,30}",
                        re.IGNORECASE)
_SUBJECT = re.compile(r"(?:[ \t]*\*\*[^*]{1,12}\*\*)?[ \t*_]*(?P<s>[^,;:*]{3,60}?)[ \t]+"
                      r"(?:begins|starts|opens|runs|will|is|are)\b")
_UTC_AFTER = re.compile(r"[ \t,]*(?:at[ \t]+)?\d{4}[ \t]*(?:UTC|GMT)\b")  # "December 3, 2020, 1400 UTC"
_WEEKDAY_ONLY = re.compile(r"[ \t*_]*(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?[ \t*_]*)?", re.IGNORECASE)
_WEEKDAY_LEAD = re.compile(  # "on Thursday, ", "on **Thursday (" before the date
    r"(?:\b(?:on|by|due|before|until|till|from|is|are)[ \t]+)?"
    r"(?:[*_]*(?:mon|tue|tues|wed|weds|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?(?:[ \t]+|[ \t]*\())?$",
    re.IGNORECASE,
)
_EMPTY_TITLE = frozenset("week of the on by from until till starting beginning ending date dates day days and monday "
                         "tuesday wednesday thursday friday saturday sunday for scheduled planned availability "
                         "that this it".split())  # ") on that day": no event
_VERSION = re.compile(r"\bv?\d+\.\d+(?:\.\d+)?\b")
_GENERIC_COLUMN = re.compile(r"(?:target[ \t]+|planned[ \t]+|due[ \t]+)?(?:date|dates|when|day|due|deadline)s?",
                             re.IGNORECASE)
_LEAD_MARKER = re.compile(
    r"^(?:\[[ xX]\][ \t]*)?(?:\*\*|__)?(?:(?:TODO|FIXME|AI|Action(?:[ \t]+items?)?|Next[ \t]+steps?|Deadline|Milestone"
    r"|Due(?:[ \t]+date)?)"
    r"(?:\*\*|__)?[ \t]*[:\-–—][ \t]*(?:\*\*|__)?)?", re.IGNORECASE
)
_SEP = " \t-–—:|@,;/.("
_EMPTY_EMPHASIS = re.compile(r"[ \t]*(?:(\*\*|__)[ \t]*\1|(?<!\*)\*[ \t]+\*(?!\*))")  # "on ** **," once the date left


_SLOT = re.compile(r"[ \t]*[-–—,]?[ \t]*(?:\d{4}[ \t]*[-–][ \t]*\d{4}|\d{1,2}:\d\d)")  # a session's hours
@dataclass(frozen=True, slots=True)
class Milestone:
    title: str
    day: date
    line: int
    source: str
    row: bool = False  # from a table row: rows of one table are distinct events
    borrowed: bool = False  # titled by its parent item: the event's own line elsewhere wins
    listed: bool = False  # a list item: over a paragraph saying the same ("TL;DR: … on Jan 9, 2015, and …")
    section: str = ""  # the heading or bold label it is under ("**ffi-unwind (BatmanAod)**")


def _blank_links(s: str) -> str:
    """URLs, link targets and inline code blanked (same length) so no date or marker is read inside them."""
    if "http" in s or "`" in s or "](" in s:
        return _LINK_OR_URL.sub(lambda m: " " * len(m.group(0)), s)
    return s



_FROM = re.compile(r"\b(?:from|between|starting|beginning|runs?|running)\b", re.IGNORECASE)
# "June 26th 2025) to Sept 18th", "May 31 - Friday, June 1, 2018"
_TIGHT_TO = re.compile(r"[ \t)]*(?:(?:to|until|till|through|thru)[ \t]+|[ \t]*[-–—][ \t]*)"
                       r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?[ \t]+)?", re.IGNORECASE)
_TO_BETWEEN = re.compile(r"[^.;!?]{0,60}?\b(?:to|until|till|through|thru|and)[ \t]+(?:(?:mon|tue|wed|thu|fri|sat|sun)"
                         r"[a-z]*\.?,?[ \t]+)?$", re.IGNORECASE)


def _range_ends(plain: str, lo: int, mine: list[Found]) -> set[Found]:
    """The second dates of "<date> to <date>" and "from <date> (…) to <date>" spans in one sentence: a
    range is dated by its first day (the adjacent forms, "May 27 - 29", are one date already)."""
    ends: set[Found] = set()
    for a, b in pairwise(mine):
        if _next_day(a, b) and _DAY_LIST.fullmatch(plain, a.end, b.start):
            ends.add(b)  # "Thursday (21 May), Friday (22 May) and Saturday (23 May)": one event, day by day
            continue
        if a in ends:
            continue
        if _TIGHT_TO.fullmatch(plain, a.end, b.start) or (
                _FROM.search(plain, lo, a.start) and _TO_BETWEEN.fullmatch(plain, a.end, b.start)):
            ends.add(b)
    return ends


_DAY_LIST = re.compile(r"[ \t)*_]*(?:,|and|&|,[ \t]*and)[ \t*_]*"
                       r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?[ \t]*\(?)?", re.IGNORECASE)


def _next_day(a: Found, b: Found) -> bool:
    """``b`` is the day after ``a`` (month and day only, read in a leap year)."""
    first, second = make_date(2000, a.month, a.day), make_date(2000, b.month, b.day)
    return first is not None and second is not None and second.toordinal() - first.toordinal() == 1


# "July 14 -- no meeting": a slot without an event
_NO_EVENT = re.compile(r"[*_ \t]*(?:no[ \t]+(?:meeting|call|session)\b|cancel+ed\b|skipped\b"
                       r"|(?:nothing|none)[ \t.!]*$"  # "March 9 — (nothing)": a free slot
                       # "27 sec. - Aug. 26" (a block-time estimate): a quantity names no event
                       r"|[~≈]?[\d.,]+[ \t]*(?:s|secs?|seconds?|ms|mins?|minutes?|hours?|%|k|m|mil|gwei|eth|blocks?)"
                       r"\.?[ \t]*$)", re.IGNORECASE)
_HOUR_ONLY = re.compile(r"(?:at[ \t]+)?\d{1,2}(?::\d\d)?[ \t]*(?:am|pm)?"
                        r"(?:[ \t]*[-–][ \t]*\d{1,2}(?::\d\d)?[ \t]*(?:am|pm)?)?"  # ("14:00-15:30 UTC]")
                        r"(?:[ \t]*[A-Z]{2,5})?[.\])]?", re.IGNORECASE)
_EXAMPLE = re.compile(r"\b(?:for[ \t]+example|for[ \t]+instance|hypothetical(?:ly)?)\b", re.IGNORECASE)
_NOT_A_DATE = re.compile(r"\b(?:is|are)[ \t]+not[ \t]+(?:a|the|any)[ \t]+(?:deadline|due[ \t]+date|target|date)\b",
                         re.IGNORECASE)

_AHEAD_LABEL = re.compile(r"\b(?:next|upcoming|future|following)\b", re.IGNORECASE)
_EVENT_HEADING = re.compile(r"\b(?:next|upcoming|meeting|call|release|deadline|freeze|launch|summit|conference)\b",
                            re.IGNORECASE)
_CLAUSE_BREAK = re.compile(r"[ \t*_]*(?:[,;]|\s(?:and|but|while|then|whereas|followed[ \t]+by)\b)[ \t]*")


def _span(plain: str, f: Found, mine: list[Found], ends: set[Found]) -> Found:
    """``f`` stretched over the range ends written right after it ("May 31 - Friday, June 1", "Thursday
    (21 May), Friday (22 May) and Saturday (23 May)"), so that a title leaves them out."""
    at = mine.index(f)
    while at + 1 < len(mine) and (nxt := mine[at + 1]) in ends and (
            _TIGHT_TO.fullmatch(plain, f.end, nxt.start) or _DAY_LIST.fullmatch(plain, f.end, nxt.start)):
        f = replace(f, end=nxt.end)
        at += 1
    return f


def _clause(plain: str, lo: int, hi: int, events: list[Found], n: int) -> tuple[int, int]:
    """The part of a sentence with several dated events that belongs to the ``n``-th: from the first clause
    break after the previous event's date to the first after its own ("After the window closes on June 4th,
    | we will announce the results on June 26th")."""
    if n > 0 and (m := _CLAUSE_BREAK.search(plain, events[n - 1].end, events[n].start)) is not None:
        lo = m.end()
    if n + 1 < len(events) and (m := _CLAUSE_BREAK.search(plain, events[n].end, events[n + 1].start)) is not None:
        hi = m.start()
    return lo, hi


def _event_name(context: str) -> str:
    """The heading or intro line above a bare date as the event's name; "" when it names none ("Date:")."""
    name = context.strip(" #*_:")
    words = set(re.findall(r"[^\W\d_]+", name.lower()))
    return name if words - _EMPTY_TITLE else ""


# the date's own clause ends the sentence with a question mark (not a question after " -- ")
_ASKED = re.compile(r"(?:(?![ \t][-–—]{1,2}[ \t])[^,;?()\n])*\?[ \t*_]*$")


class MilestoneRules:
    """The milestone half of the extractor."""

    units: list[Unit]
    doc_day: date | None
    anchor: date | None
    own_until: date | None
    ahead: bool
    file_dated: bool
    no_file_year: bool
    last_yearless: date | None
    section_years: dict[int, int]
    changelog: bool
    context: str
    section: str
    at: int  # index of the unit being read
    milestones: list[Milestone]
    _logs: dict[int, bool | str]  # a table's first row → whether it is a newest-first log (``rows``)
    headings: int  # headings read so far
    _row_milestones: Callable[[Unit, str], None]  # agents.extract.rows.RowRules: a table row's dates

    def _milestones(self, u: Unit, task: Any = None) -> None:
        if _DIGIT.search(u.text) is None:
            return
        text = _DOC_LINK.sub(lambda m: " " * len(m.group(0)), u.text) if "](" in u.text else u.text
        plain = _blank_links(text)
        if u.kind == "row":
            self._row_milestones(u, plain)
            return
        found = find_dates(plain)
        if not found:
            return
        for sm in (_SENTENCE.finditer(plain) if u.kind in ("para", "item") else [None]):
            lo, hi = (sm.start(), sm.end()) if sm else (0, len(plain))
            mine = [f for f in found if lo <= f.start < hi]
            if not mine:
                continue
            ends = _range_ends(plain, lo, mine)
            events = [f for f in mine if f not in ends]
            spans = [_span(plain, f, mine, ends) for f in events]  # a date with the days that end its range
            if len(events) >= 2 and re.search(r"\bor\b", plain[spans[-2].end:events[-1].start]):
                continue  # options: "picking block 4.35mil (Oct. 9th), 4.36mil (Oct. 13th) or 4.4mil (Oct. 27th)"
            label = list_label(plain, lo, spans)
            for n, f in enumerate(events):
                borrowed = False
                if _ASKED.match(plain, f.end, hi) and plain.count("(", lo, f.start) <= plain.count(")", lo, f.start):
                    continue  # a question offers a day ("Use time slot on November 1st?"), it sets none
                if plain.count("~~", 0, f.start) % 2:
                    continue  # struck through: "~~Tuesday, September 25~~ **Thursday, September 27**"
                if label and f.year is None and (year := YEAR_IN.search(label)):
                    f = replace(f, year=int(year.group(0)))  # "Strawman 2017 dates: …, Nov 28-30" read in 2016
                day = self._keep(f, plain, lo, hi, u)
                if day is None:
                    continue
                a, b = _clause(plain, lo, hi, spans, n)
                span = spans[n]
                title = "" if self._event_heading_stamp(u, plain, f) or self._labelled_date(plain, lo, f) else \
                    f"{label}: {u.text[span.start:span.end]}" if label else self._title(plain, u.text, a, b, span, mine)
                if not title and (a, b) != (lo, hi) and not self._event_heading_stamp(u, plain, f):
                    title = self._title(plain, u.text, lo, hi, span, mine)  # "09-20-2018, 11-08-2018 Lee to build …"
                if not title and (lo > 0 or hi < len(plain)):
                    title = self._title(plain, u.text, 0, len(plain), f, mine)  # "27 sec. - Aug. 26": cut at "sec."
                if not title and u.kind == "item":
                    title = self._first_detail(u)  # "- Sept 8th" whose sub-item names the event
                if not title and u.kind == "item" and u.parent is not None and \
                        not find_dates(parent := _blank_links(self.units[u.parent].text)):
                    title = _event_name(parent)  # "- RPITIDT" over "  - scheduled for Mar 23"
                    borrowed = bool(title)
                if not title and u.kind in ("item", "para") and self.context:
                    title = _event_name(self.context)  # a bare date under "## Next meeting" (or "Next meeting:")
                if n and title and _BARE_VERB.fullmatch(title) and (sub := _SUBJECT.match(plain, lo, events[0].start)):
                    title = f"{sub.group('s')} {title.removeprefix('and ').removeprefix('And ')}"  # "Code freeze ends"
                if title and not _NO_EVENT.match(title):
                    # a list item, or a line that opens with its date ("Feb 19: Town Hall"): over prose saying
                    # the same ("Myles recommends a town hall on Tuesday, Feb 19th …")
                    listed = u.kind == "item" or not plain[lo:f.start].strip(" \t*_-")
                    section = self.section if u.parent is None else f"{self.section} {self.units[u.parent].text}"
                    self.milestones.append(Milestone(title, day, u.line, u.text, borrowed=borrowed, listed=listed,
                                                     section=section))  # (and the item it is a detail of)

    def _event_heading_stamp(self, u: Unit, plain: str, f: Found) -> bool:
        """ "# Date for next meeting" then "June 21, 2019 at 14:00 UTC (…)": the line right under a heading
        that names an event opens with its date and time; the heading is the event, not a log stamp."""
        return u.kind == "para" and self.at > 0 and self.units[self.at - 1].kind == "heading" and \
            _WEEKDAY_ONLY.fullmatch(plain, 0, f.start) is not None and (
                f.followed_by_time(plain) or _UTC_AFTER.match(plain, f.end) is not None) and \
            _EVENT_HEADING.search(self.context) is not None

    def _labelled_date(self, plain: str, lo: int, f: Found) -> bool:
        """ "- Date and time: Thursday, Oct 12th …" under "#### Social": the heading names the event."""
        m = OWN_DATE_FIELD.match(plain, lo) if self.context else None
        if m is None or _AHEAD_LABEL.search(m.group(0)):
            return False  # "# Date for Next Meeting: Friday 18 October": the label is the event
        between = plain[m.end():f.start].strip(" \t*_")
        weekday = r"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?"
        return not between or re.fullmatch(weekday, between, re.IGNORECASE) is not None

    def _first_detail(self, u: Unit) -> str:
        """The first sub-item of a date-only item, when it has one: the event the date is for."""
        idx = self.at
        nxt = self.units[idx + 1] if idx + 1 < len(self.units) else None
        if nxt is None or nxt.kind != "item" or nxt.parent != idx or find_dates(_blank_links(nxt.text)):
            return ""
        return nxt.text.strip()


    def _keep(self, f: Found, plain: str, lo: int, hi: int, u: Unit) -> date | None:
        if f.year is None and self.section_years:  # under "## 2026 Presentation Schedule": "Apr 28" of 2026
            f = replace(f, year=self.section_years[max(self.section_years)])
        day = f.resolve(self.anchor)
        if day is None:
            return None
        if f.year is None and self.file_dated and self.no_file_year:
            return None  # an elections calendar of yearly terms, a release's page, with no year anywhere
        if u.kind == "row" and cues.RECORDING.search(u.text):
            return None  # "| 1 | December 13, 2031 | [Agenda](…) | [Recording](https://youtu.be/…) |": it took place
        if f.year is None and cues.RECURRING_HEAD.search(self.context):
            return None  # "## Recurring dates" then "- Director election - term ends February 28": every year
        if cues.SUPERSEDED.search(plain[max(lo, f.start - 40):f.start]):
            return None  # "(*Delayed; was originally April 6th*)": the day it no longer is
        if _EXAMPLE.search(plain, lo, hi):
            return None  # "For a release date of (for example) Tuesday June 25th, …": a hypothetical date
        if _NOT_A_DATE.search(plain, lo, hi):
            return None  # "January 3rd, 2020 is not a deadline for the implementation"
        if f.year is None and self.file_dated:  # "Mar 21 … May 30, Jun 6" read in December: all next year
            prev, self.last_yearless = self.last_yearless, day
            if prev is not None and (prev - day).days > 31 and (later := make_date(day.year + 1, day.month, day.day)):
                day = self.last_yearless = later if later >= prev else day
        doc = self.doc_day
        if doc is not None and day == doc:
            return None
        if self.own_until is not None and doc is not None and doc <= day <= self.own_until and \
                not SIDE_EVENT.search(plain, lo, hi) and not SIDE_EVENT.search(self.context):
            return None  # a day of the multi-day meeting the document is about ("July 18-20" in its header)
        if u.line <= 25 and f.year is None and OWN_DATE_FIELD.match(plain, lo):
            return None  # "Date & Time: January 14, 14:00 UTC": the meeting's own day, whatever its year
        if doc is not None and u.line <= 25 and self.headings <= 2 and -1 <= (day - doc).days <= 4 and \
                (f.followed_by_time(plain) or not SCHEDULED.search(plain[lo:hi])):
            return None  # the days of the meeting itself, in its header (not "the release is scheduled for …")
        if doc is not None and 0 < (day - doc).days <= 7 and cues.SESSION_FIELD.match(plain, lo):
            return None  # a second "**Session Date/Time:** 07 Nov 2024 17:30" below the first: the same meeting
        if u.kind == "heading" and doc is not None and 0 < (day - doc).days <= 7 and \
                _SLOT.match(plain, f.end) and not _AHEAD_LABEL.search(plain, lo, f.start):  # (not "Next meeting …")
            return None  # "## FRIDAY 2 August 2013 - 0900-1100 Morning Session I": another session of the meeting
        head = plain[lo:f.start].strip(" \t[(*_-")
        if not head and f.followed_by_time(plain) and not self._event_heading_stamp(u, plain, f):
            return None  # a chat-log or calendar timestamp
        sentence = cues.WAS_BEFORE.sub(" ", plain[lo:hi])  # ("(was originally April 6th)": not the event's tense)
        if f.year is None and doc is not None and not PAST.search(sentence) and (
                ((doc - day).days > 90 and not SINCE.search(plain, lo, f.start))
                or ((doc - day).days > 60 and FUTURE.search(sentence))):
            day = make_date(day.year + 1, day.month, day.day) or day  # "will again include … (20 May)" in September
            # (a year-less date is stated ahead unless told otherwise: in March, "Summit - 19th-21st September")
        elif f.year is None and doc is not None and (day - doc).days > 31 and PAST.search(sentence) and \
                not FUTURE.search(sentence):
            day = make_date(day.year - 1, day.month, day.day) or day  # "When the fork was implemented on March 1st"
            # in October: the March before, past
        if (self.changelog or cues.HISTORY.search(self.context)) and not FUTURE.search(sentence):
            return None  # a changelog, or a section of past releases ("# A Brief History")
        if doc is not None and day < doc and cues.OF_MEETING.search(plain, lo, f.start):
            return None  # "… reviewing action items from the meeting of December 3rd": the earlier meeting
        if doc is not None and day < doc and (PAST.search(sentence) or not FUTURE.search(sentence) or (
                not self.ahead and not AHEAD.search(sentence))):
            return None  # a past event, unless stated as ahead ("next …") or as a deadline in an agenda
        if doc is None and self.anchor is not None and day <= self.anchor and PAST.search(sentence):
            return None
        if doc is not None and day > doc and cues.DONE_ON.search(sentence) and not FUTURE.search(sentence):
            return None  # a retro dated by its first day: "9.0.0-beta.1 was successfully released on February 10th"
        if u.kind == "heading" and re.search(r"\bv?\d+\.\d+", sentence) and doc is None and \
                not re.search(r"\b(?:release|freeze|due|deadline|planned|target)\b", sentence, re.IGNORECASE):
            return None  # a changelog version heading
        return day

    @staticmethod
    def _title(plain: str, text: str, lo: int, hi: int, f: Found, mine: list[Found]) -> str:
        start, end = f.start, f.end
        if text[start - 1:start] == "[" and (link := re.match(r"\]\([^()\s]*\)", text[end:])):
            start, end = start - 1, end + link.end()  # "on [Dec 4](https://…)": the link is the date
        lead = _WEEKDAY_LEAD.search(plain, lo, start)
        if lead:
            start = lead.start()
        before = text[lo:start].rstrip(" \t,([")
        after = text[end:hi].lstrip(" \t)")
        if text[end:hi].lstrip(" \t").startswith(")") and (q := ROUGHLY.search(before)):
            before = before[:q.start()].rstrip(" \t,")  # "at block 4.37mil (roughly Oct. 17th)"
        if re.search(r"[^\W\d_]", before) and ";" in after:
            after = after[: after.index(";")]  # "X is due 31 Jan; the accountant wants …": the event ends there
            before = re.sub(r"[ \t]+(?:is|are)$", "", before.rstrip())
        after = re.sub(r"^\((?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?\)", "", after, flags=re.IGNORECASE)
        b, a = before.strip(_SEP).strip(), after.strip(_SEP).strip()
        if b and (_HOUR_ONLY.fullmatch(a) or a.endswith("?")):
            a = ""  # "Next Meeting: Friday 18 October 2019, 14:00 UTC": the hour names nothing (nor a question after)
        if a.endswith(")") and "(" not in a:
            a = a[:-1].rstrip()  # "… 2018 (the 1.89 release)": its opening bracket went with the date
        elif "(" in a and ")" not in a[a.rindex("("):]:
            a = a[:a.rindex("(")].rstrip()  # "Freeze (*Delayed; was originally …*)" cut at its ";": no half remark
        if b and before.rstrip().endswith(":") and re.fullmatch(r"\([^()]*\)?\.?\)?", after.strip()):
            a = ""  # "event: date (remark)": the remark is a note on the event, not the event
        if b and a:
            title = f"{b} {a}" if not before.rstrip().endswith((":", "-", "–", "—")) else f"{b}: {a}"
        else:
            title = b or a
        title = title.strip().strip("*_").strip(_SEP).strip()
        bare = _LEAD_MARKER.sub("", title).strip("*_ \t")
        if re.search(r"[^\W\d_]", bare):
            title = bare
        title = re.sub(r"\s+([,;])", r"\1", re.sub(r"\s+", " ", _EMPTY_EMPHASIS.sub(" ", title))).strip()
        if not re.search(r"[^\W\d_]", title) and _VERSION.fullmatch(title):
            return title  # a schedule line named by its version ("3.14.1: Tue, 2025-12-02")
        if not re.search(r"[^\W\d_]", title) or not (set(re.findall(r"[^\W\d_]+", title.lower())) - _EMPTY_TITLE):
            return ""
        return title
