"""Dates written in documents: found, resolved against the document's own date, never today's.

Pure functions, no I/O; safe on any thread. ``find_dates`` returns every
month-and-day date in a string (ISO ``2026-12-04``; ``Dec 4``, ``December 4th,
2026``, ``4 Dec``, ``4th of December 2026``; numeric with a four-digit year,
``09/20/2018``, ``09-20-2018`` month first, ``20.09.2018`` day first; ``2/6``
after a weekday, month first; ranges ``May 27 - 29, 2015``,
``24 - 26, Mar. 2015``, ``2016-07-26 to 2016-07-28`` keep their year and are
dated by their first day). Month-only, weekday-only and relative phrases are
not dates. A date without a year takes the year that puts it nearest to the
anchor (the document's date); without an anchor it is left unresolved.
``doc_date`` reads a document's own date from its path, front matter or
header lines, ``own_days_end`` the last day of a multi-day meeting it is
about, ``due_in`` a task's due date and the title without it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from itertools import pairwise

MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
_MON = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
MONTH_WORD = _MON  # a month's name or abbreviation, for other modules' patterns
_YEAR = r"(?:19|20)\d\d"
_ORD = r"(?:st|nd|rd|th)?"
_RANGE = r"(?:[ \t]*(?:-|–|—|to|through|till|until|&|and)[ \t]*(?:the[ \t]+)?)"  # "the 6th to the 13th September"
_WD = r"(?:mon|tue|tues|wed|weds|thu|thur|thurs|fri|sat|sun)[a-z]*\.?"

# One pattern, three shapes; every quantifier bounded.
_DATE = re.compile(
    rf"(?<![\w./#=-])(?P<iy>{_YEAR})(?P<sep>[-/])(?P<im>[01]?\d)(?P=sep)(?P<id>[0-3]?\d)(?![\w/-]|:\d|T\d)"
    rf"(?:{_RANGE}{_YEAR}-(?P<irm>[01]\d)-(?P<ird>[0-3]\d)(?![\w-]))?"
    rf"|(?<![\w./#=:-])(?P<na>[0-3]?\d)(?P<nsep>[-/.])(?P<nb>[0-3]?\d)(?P=nsep)(?P<ny>{_YEAR})(?![\w/-]|\.\w|:\d)"
    rf"|(?<![\w-])(?:{_WD},?|(?:scheduled|planned|set|due)[ \t]+(?:for|on|by)|expected(?:[ \t]+(?:on|by))?"
    rf"|on|until|before|after|starting|week[ \t]+of)"  # "the next draft on 7/4", "in Orlando the week of 9/20"
    rf"[ \t]{{1,2}}"  # "Thu 2/6", "due by 12/22", "first draft expected 11/23"
    rf"(?:(?P<wm>1[0-2]|0?[1-9])/(?P<wd>[0-3]?\d)(?![\w/-]|\.\w|:\d|%|[ \t]+of\b)"  # (a full stop may end it)
    rf"|(?P<hm>{_MON})-(?P<hd>[0-3]?\d)(?![\w/-]|\.\w|:\d|%))"  # "Thursday Dec-15" (alone, "Dec-15" is a year)
    rf"|(?<![\w-])(?P<mm>{_MON})\.?,?[ \t]{{1,2}}(?P<md>[0-3]?\d){_ORD}(?!\w|:\d|\.\d|/(?![0-3]?\d(?![\w/]|\.\d)))"
    rf"(?:[ \t]*\({_WD}\))?"  # ("Oct 1/2": the first and second of October)
    rf"(?:(?:{_RANGE}|/)(?:(?P<rm>{_MON})\.?[ \t]{{1,2}})?(?P<rd>[0-3]?\d){_ORD}(?!\w|:\d|\.\d|/)(?:[ \t]*\({_WD}\))?)?"
    rf"(?:,?[ \t]{{1,2}}(?P<my>{_YEAR})(?!\d))?"
    rf"|(?<![\w.:/-])(?P<dd>[0-3]?\d){_ORD}(?:{_RANGE}(?:{_WD},?[ \t]+)?(?P<rd2>[0-3]?\d){_ORD})?,?"
    rf"[ \t]{{1,2}}(?:of[ \t]{{1,2}})?"
    rf"(?P<dm>{_MON})(?![a-z])\.?(?:,?[ \t]{{1,2}}(?P<dy>{_YEAR})(?!\d))?",
    re.IGNORECASE,
)
_TIME_AFTER = re.compile(r"[ \t,]*(?:T|at|@)?[ \t]*\d{1,2}:\d\d")


@dataclass(frozen=True, slots=True)
class Found:
    start: int
    end: int
    month: int
    day: int
    year: int | None  # as written
    last: tuple[int, int] | None = None  # (month, day) of a range's last day: "July 18-20" → (7, 20)

    def resolve(self, anchor: date | None) -> date | None:
        """The date: its own year, else the year nearest to ``anchor``; None if impossible or unanchored."""
        if self.year is not None:
            return _make(self.year, self.month, self.day)
        if anchor is None:
            return None
        if self.last is not None and self.last[0] < self.month:  # "Dec 8 - Jan 3": the year before its end's
            end = Found(self.start, self.end, self.last[0], self.last[1], None).resolve(anchor)
            return _make(end.year - 1, self.month, self.day) if end is not None else None
        best: date | None = None
        for y in range(anchor.year - 4, anchor.year + 5):  # ±4 years always reach a Feb 29
            d = _make(y, self.month, self.day)
            if d is not None and (best is None or abs((d - anchor).days) < abs((best - anchor).days)):
                best = d
        return best

    def last_day(self, anchor: date | None) -> date | None:
        """A range's last day ("July 18-20, 2017" → 2017-07-20); the first day for a single date."""
        first = self.resolve(anchor)
        if first is None or self.last is None:
            return first
        month, day = self.last
        end = _make(first.year + (month < first.month), month, day)
        return end if end is not None and 0 <= (end - first).days <= 31 else first

    def followed_by_time(self, s: str) -> bool:
        return _TIME_AFTER.match(s, self.end) is not None


def _make(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _numeric_month_day(a: int, b: int, sep: str) -> tuple[int, int] | None:
    """``(month, day)`` of a numeric date with a four-digit year: "20.09.2018" is day-first (the dotted
    form is European), "09/20/2018" and "09-20-2018" month-first (the US form) unless the first number
    cannot be a month ("20/09/2018"); None when neither reading is a date."""
    if sep == "." or a > 12:
        a, b = b, a
    return (a, b) if 1 <= a <= 12 and 1 <= b <= 31 else None


_OTHER_ZONE = re.compile(rf"[ \t]*/[ \t]*\d{{1,2}}:\d\d[ \t]*[A-Z]{{2,5}}[ \t]+(?:{_WD},?[ \t]+)?", re.IGNORECASE)
_RANGE_JOIN = re.compile(r"[ \t]*(?:-|–|—|to|through|until|till)[ \t]*", re.IGNORECASE)


def find_dates(s: str) -> list[Found]:
    """Every month-and-day date in ``s``, in order ("may" only capitalised: "we may 2" is no date)."""
    out: list[Found] = []
    for m in _DATE.finditer(s):
        g = m.groupdict()
        if g["iy"]:
            last = (int(g["irm"]), int(g["ird"])) if g["irm"] else None
            out.append(Found(m.start(), m.end(), int(g["im"]), int(g["id"]), int(g["iy"]), last))
            continue
        if g["wm"] or g["hm"]:  # "Thursday 2/6": month first, as the US writes it, only after a weekday or "due"
            at = "wm" if g["wm"] else "hm"
            month, day = (int(g["wm"]), int(g["wd"])) if g["wm"] else (MONTHS[g["hm"][:3].lower()], int(g["hd"]))
            if 1 <= day <= 31:
                lead = s[m.start():m.start(at)].lower().startswith(("sch", "pla", "set", "due", "exp"))
                out.append(Found(m.start() if lead else m.start(at), m.end(), month, day, None))
            continue
        if g["na"]:
            if (md := _numeric_month_day(int(g["na"]), int(g["nb"]), g["nsep"])) is not None:
                out.append(Found(m.start(), m.end(), *md, int(g["ny"])))
            continue
        month_word = g["mm"] or g["dm"]
        if month_word.lower() == "may" and not month_word[0].isupper():
            continue
        month = MONTHS[month_word[:3].lower()]
        day = int(g["md"] or g["dd"])
        year = g["my"] or g["dy"]
        if not 1 <= day <= 31:
            continue
        last_day = g["rd"] or g["rd2"]
        last = (MONTHS[g["rm"][:3].lower()] if g["rm"] else month, int(last_day)) if last_day else None
        y = int(year) - (last is not None and last[0] < month) if year else None  # "Dec 28 - Jan 3, 2017"
        out.append(Found(m.start(), m.end(), month, day, y, last))
    # "02:00 UTC Friday 14th February 2025 / 18:00 PST Thursday 13th February 2025": one moment, told twice
    out = [b for n, b in enumerate(out) if not n or not _OTHER_ZONE.fullmatch(s, out[n - 1].end, b.start)]
    for i in range(len(out) - 1):  # "November 29 - 30 - December 1, 2016", "Dec 28 - Jan 3, 2017": one range
        a, b = out[i], out[i + 1]
        if a.year is None and b.year is not None and _RANGE_JOIN.fullmatch(s, a.end, b.start):
            out[i] = replace(a, year=b.year - ((a.month, a.day) > (b.month, b.day)))
    return out


# --- the document's own date ---------------------------------------------------------------------

_PATH_FULL = re.compile(r"(?<!\d)((?:19|20)\d\d)[-_/.]?([01]\d)[-_/.]?([0-3]\d)(?!\d)")
_PATH_YEAR_THEN_MD = re.compile(
    r"(?<!\d)((?:19|20)\d\d)[/_\\][A-Za-z_-]{0,20}?(?<!\d)([01]?\d)(?:-[A-Za-z]{3,9})?[-_/\\]([0-3]\d)(?!\d)"
)
_SESSION_STAMP = re.compile(r"(?<![\w-])((?:19|20)\d\d)([01]\d)([0-3]\d)-[0-2]\d[0-5]\d(?![\w-])")
_FRONT_PATH = re.compile(r"^(?:path|date|slug|permalink)\s*[:=]\s*[\"']?.*?((?:19|20)\d\d)[/-]([01]\d)[/-]([0-3]\d)",
                         re.MULTILINE | re.IGNORECASE)
_HEADER_LABEL = re.compile(
    r"[-*+ \t]*(?:\*\*|__)?(?:(?:meeting|call|session)[ \t]+)?(?:date|dates|when|held|time|date[ \t]*/[ \t]*time|on)\b",
    re.IGNORECASE,
)
HEADER_LINES = 25
_URL = re.compile(r"https?://\S+")  # a link's text is no date of the document's, nor its year
LABELLED_LINES = 60  # a "Date:" line may follow a long attendee list
_EVENT_LABEL = re.compile(
    r"[-*+ \t]*(?:\*\*|__)?(?:deadline|due|milestone|launch|go-live|release|next|delivery|kick-?off|freeze)\b",
    re.IGNORECASE,
)


_RANGE_END = re.compile(rf"(?:{_MON}\.?[ \t]+[0-3]?\d{_ORD}|\d{{4}}-\d\d-\d\d)[ \t]*(?:-|–|—|to|through|until)[ \t]*"
                        rf"(?:{_WD},?[ \t]+)?$", re.IGNORECASE)
# A date with a two-digit year ("7/14/17"): read only on a labelled header line, where it is the meeting's.
_SHORT_US = re.compile(r"(?<![\w./-])([0-3]?\d)/([0-3]?\d)/(\d\d)(?![\w/.-])")


# A sentence about an event, not a title: "The 1.9 release cycle begins on Monday, October 2, 2017."
_AHEAD_HEADING = re.compile(r"#{1,6}[ \t].*\b(?:scheduled|upcoming|next|future|planned)\b", re.IGNORECASE)
_EVENT_WORD = r"\b(?:begins?|starts?|will|scheduled|planned|deadline|due|freeze)\b"
_EVENT_SENTENCE = re.compile(_EVENT_WORD + r".*[.!]$", re.IGNORECASE)  # a line that states an event
_EVENT_BEFORE = re.compile(_EVENT_WORD + r"[^.!?]*$", re.IGNORECASE)  # an event word earlier in the date's sentence
# A labelled header field ("Date:", "**Date & Time**:", "When:"): the meeting's own date, with or without a year.
OWN_DATE_FIELD = re.compile(_HEADER_LABEL.pattern + r"[^:\n]{0,20}?[ \t]*:", re.IGNORECASE)


def doc_date(path: str, lines: list[str]) -> date | None:
    """The document's own date: a dated header line wins over the path (guide: "the heading wins")."""
    start = next((n for n, line in enumerate(lines) if line.strip()), 0)
    lines = lines[start:]  # a long comment first (a template's instructions, blanked) is no part of the header
    header = _header_date(lines)
    if header is not None:
        return header
    name = path.replace("\\", "/")
    for rx in (_PATH_FULL, _PATH_YEAR_THEN_MD):
        found = None
        for m in rx.finditer(name):
            found = m  # the last one: the file name over the folders
        if found:
            d = _make(int(found.group(1)), int(found.group(2)), int(found.group(3)))
            if d is not None:
                return d
    for line in lines[:LABELLED_LINES]:  # last, a heading's session stamp: "# Session: 20230726-0730"
        if line.lstrip().startswith("#") and (stamp := _SESSION_STAMP.search(line)):
            return _make(int(stamp.group(1)), int(stamp.group(2)), int(stamp.group(3)))
    return None


def _header_date(lines: list[str]) -> date | None:
    text = "\n".join(lines[:HEADER_LINES])
    m = _FRONT_PATH.search(text)
    if m and text.startswith(("---", "+++")):
        d = _make(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if d:
            return d
    seen_text = 0
    label_open = False  # "- **Dates and times**:" whose sub-items give the days
    headings = 0
    for n, raw in enumerate(lines[:LABELLED_LINES]):
        s = raw.strip()
        if not s or s.startswith(("<", "[!", "---", "```")):
            continue
        seen_text += 1
        if "http" in s and not s.startswith("#"):
            s = _URL.sub(" ", s)
        listed = re.match(r"(?:[-*+]|\d{1,3}[.)])[ \t]", s) is not None
        headings += s.startswith("#")
        under_label = label_open and listed and raw[:1] in " \t"
        label_open = under_label or (OWN_DATE_FIELD.match(s) is not None and s.rstrip(" *_").endswith(":"))
        if n >= HEADER_LINES and not _HEADER_LABEL.match(s) and not under_label:
            continue
        is_heading = s.startswith("#") or (seen_text <= 2 and not listed and not _EVENT_LABEL.match(s)
                                           and not _EVENT_SENTENCE.search(s))
        labelled = _HEADER_LABEL.match(s.lstrip("#")) is not None or under_label
        short = _SHORT_US.search(s) if labelled else None
        if short is not None:  # "### Meeting Date/Time: Friday 7/14/17"
            month, day = int(short.group(1)), int(short.group(2))
            d = _make(2000 + int(short.group(3)), *((month, day) if month <= 12 else (day, month)))
            if d is not None:
                return d
        for f in find_dates(s):
            mostly_date = seen_text <= 5 and not listed and (f.end - f.start) * 2 >= len(s.strip("#*_ \t"))
            # a plain-text title states its date first or last ("2019-03-14 standup", "Notes, March 14, 2019"),
            # not mid-sentence ("The VAT return is due 31 Jan 2027; the accountant …")
            edge = s.startswith("#") or not s[: f.start].strip(" \t*_#") or not s[f.end:].strip(" \t*_.:)")
            if _RANGE_END.search(s[: f.start]) or (f.last is not None and s.startswith("#") and headings > 1):
                continue  # "### September 19 - Monday, November 7, 2016": a phase of a schedule, not a date
            own_heading = is_heading and edge and (headings <= 3 or not s.startswith("#"))  # (a fourth heading
            # down is a section: "#### ACD 106: February 19, 2021" among a README's upcoming calls)
            if f.year is not None and (labelled or mostly_date or own_heading) and not _EVENT_LABEL.match(s):
                d = f.resolve(None)
                if d is not None:
                    return d
    return None


_YEAR_WORD = re.compile(r"[12][09]\d\d")  # a charset prefix: the engine scans for it; boundaries checked below
_NOT_AROUND = frozenset("./-_")


def stated_year(text: str) -> int | None:
    """The year a document states most often in prose (for schedules without a dated header)."""
    counts: dict[int, int] = {}
    text = _URL.sub(" ", text[:200_000])  # "youtu.be/…?t=2094" is a second, not a year
    for m in _YEAR_WORD.finditer(text):
        word = m.group(0)
        if word[:2] not in ("19", "20"):
            continue
        a, b = m.start(), m.end()
        before = text[a - 1] if a else " "
        after = text[b] if b < len(text) else " "
        if before.isalnum() or before in _NOT_AROUND or after.isalnum() or after in "/-_":
            continue
        y = int(word)
        counts[y] = counts.get(y, 0) + 1
    if not counts:
        return None
    return max(counts, key=lambda y: (counts[y], -y))


def mentions_year(text: str, year: int) -> bool:
    """Whether ``year`` appears in ``text`` as a year (also inside ISO dates)."""
    return re.search(rf"(?<![\w.]){year}(?!\d)", text[:200_000]) is not None


def list_label(plain: str, lo: int, spans: list[Found]) -> str:
    """ "Strawman 2017 dates: Jan 24-26, Mar 28-30, May 23-25": the label of a list of three or more dates (``spans``,
    in order, from ``lo``) and nothing else, which names each of them ("Strawman 2017 dates: Mar 28-30"); "" for
    any other sentence."""
    if len(spans) < 3 or any(not _LIST_GAP.fullmatch(plain, a.end, b.start) for a, b in pairwise(spans)):
        return ""
    m = _LIST_LABEL.search(plain, lo, spans[0].start)
    return m.group("label").strip(" \t*_") if m else ""


_LIST_GAP = re.compile(r"[ \t]*(?:,|;|and|,[ \t]*and)?[ \t]*")
_LIST_LABEL = re.compile(r"(?P<label>[^.:;!?]*[^\W\d_][^.:;!?]*):[ \t*_]*$")
YEAR_IN = re.compile(rf"\b{_YEAR}\b")


def section_year(heading: str) -> int | None:
    """The one year a heading states without a date ("## 2026 Presentation Schedule", "### 2019"): the year of
    the year-less dates below it; None for a heading with a date, several years or none."""
    years = {m.group(0) for m in YEAR_IN.finditer(heading)}
    if len(years) != 1 or find_dates(heading) or re.search(r"\d{4}[-/.]\d|\d[-/.]\d{4}", heading):
        return None
    return int(years.pop())


def own_days_end(lines: list[str], doc: date | None) -> date | None:
    """The last day of the meeting the document is about, when its header gives several ("Tuesday-Thursday
    July 18-20, 2017"; one line a day under "Dates and times:"): its days are the document's own, not events."""
    if doc is None:
        return None
    days: set[date] = set()
    for raw in lines[:HEADER_LINES]:
        s = raw.strip()
        if _AHEAD_HEADING.match(s):
            break  # "## Scheduled meetings": the days below are other meetings
        if _EVENT_LABEL.match(s) or _EVENT_SENTENCE.search(s):
            continue
        for f in find_dates(s):
            if _EVENT_BEFORE.search(s, 0, f.start):
                continue  # "The release is scheduled for this Thursday, October 8th. [Release notes …": an event
            first = f.resolve(doc)
            if first is None or not 0 <= (first - doc).days <= 14 or (f.last is not None and first != doc):
                continue  # (a range counts only from the document's own day: "November 8 - 28" is a later phase)
            last = f.last_day(doc) or first
            days.update(date.fromordinal(o) for o in range(first.toordinal(), last.toordinal() + 1))
    end = doc
    while date.fromordinal(end.toordinal() + 1) in days:
        end = date.fromordinal(end.toordinal() + 1)
    return end if end > doc else None


# --- a task's due date ---------------------------------------------------------------------------

_END_LEAD = re.compile(
    r"(?:[ \t]*[—–-])?[ \t]*(?:\b(?:on|by|due)[ \t]+)?(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?[ \t]+)?$",
    re.IGNORECASE,
)
_DUE_LEAD = re.compile(
    r"(?:[ \t]*[—–-])?[ \t]*(?:[(\[][ \t]*(?:(?:due|by|until|deadline)[ \t:]*)?|\b(?:by|due(?:[ \t]+(?:on|by))?|"
    r"before|until|till|deadline)[ \t:]+)(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?[ \t]+)?$",
    re.IGNORECASE,
)


def due_in(title: str, plain: str, anchor: date | None) -> tuple[date | None, str]:
    """A task's due date stated with by/due/before/until or in brackets, or ending the item after a dash;
    the phrase leaves the title ("Send the quote by Dec 4" → "Send the quote", due Dec 4). ``plain`` is
    ``title`` with links and code blanked (same length)."""
    chosen: tuple[int, int, date] | None = None
    for f in find_dates(plain):
        d = f.resolve(anchor)
        if d is None:
            continue
        m = _DUE_LEAD.search(plain, 0, f.start)
        tail = plain[f.end:]
        if m is not None:
            end = f.end
            if m.group(0).lstrip().startswith(("(", "[")):
                close = re.match(r"[ \t]*[)\]]", tail)
                if close is None:
                    continue
                end += close.end()
            chosen = (m.start(), end, d)
        elif not tail.strip(" \t.;,!"):  # the date ends the item: "Wireframes — Dec 8", "Call Anna on Fri, Dec 4"
            lead = _END_LEAD.search(plain, 0, f.start)
            chosen = (lead.start() if lead else f.start, f.end, d)
        elif not plain[:f.start].strip() and tail.lstrip()[:1] in (":", "-", "–", "—"):
            chosen = (f.start, f.end + len(tail) - len(tail.lstrip()) + 1, d)  # "Dec 4: send the draft"
    if chosen is None:
        return None, title
    start, end, d = chosen
    rest = (title[:start].rstrip(" \t,;—–-") + " " + title[end:].lstrip(" \t,;")).strip()
    return d, rest if re.search(r"[^\W\d_]", rest) else title
