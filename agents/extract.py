"""Pure text extraction for the offline ``rules`` engine: text in, suggestions out.

No I/O, no store, no asyncio: every function here takes strings and dates and
returns frozen values, so it is safe to call from any thread and deterministic
for a given ``(text, filename, reference_date)``.

What is recognised (line numbers are 1-based):

* tasks: ``- [ ] x`` / ``* [ ] x`` / ``1. [ ] x`` (to do), ``- [x] x`` / ``[X]``
  (completed); lines ``TODO: x``, ``TODO x``, ``todo: x``, ``To do: x``;
  ``Action item: x``; the bullets under an ``Action items:`` line or heading
  (and under a bare ``TODO:`` / ``## To do`` heading). ``AI: x`` is not a task.
  A date phrase in a task ("by Dec 4", "(due 2026-12-04)", "— Dec 4" at the
  end) becomes its ``due_date`` and leaves the title.
* milestones: a dated line that is not a task and either starts with a label
  (``Deadline``, ``Milestone:``, ``Due:``, ``Launch``, ``Go-live``, ``Release``,
  ``Delivery``, ``Kickoff``, ``Handoff``, ``Demo``, ``Sign-off`` ...) or is a
  short structured line with the date at its start (``Dec 4: first draft``) or
  end after a separator (``First draft — Dec 4``, ``First draft (Dec 4)``,
  ``Files due Dec 4``). Dates inside prose sentences and in headings without a
  label are not milestones.
* a note: title from the first ``# heading``, else the first non-empty line if
  short, else the humanised file stem; summary from the first prose paragraph.
  No prose paragraph, no note.

Dates: ``2026-12-04``, ``Dec 4``, ``December 4th``, ``4 Dec``, ``4 Dec 2026``,
``Dec 4, 2026`` (English month names, optional weekday). A date without a year
is the first occurrence of that month and day on or after
``reference_date - 60 days``. Impossible dates (Feb 30) are ignored.

Speed: the whole text is searched only with literal-prefixed patterns over a
folded byte copy (digits -> ``0``, letters lower-cased, one byte per
character), so the regex engine's fast prefix scan does nearly all the work;
the full patterns then run on the few lines those passes hit, each line
capped at ``MAX_LINE`` characters, with bounded quantifiers throughout (no
catastrophic backtracking). Fenced code and YAML front matter are skipped.
"""

from __future__ import annotations

import os
import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple

__all__ = [
    "MAX_SUMMARY",
    "MAX_TITLE",
    "ExtractedMilestone",
    "ExtractedNote",
    "ExtractedTask",
    "FileExtraction",
    "extract_text",
    "humanise_stem",
    "normalise_title",
    "project_name_for_folder",
]

MAX_TITLE = 200
MAX_SUMMARY = 500
MAX_SHORT_LINE_TITLE = 80
MAX_LINE = 2_000  # characters of one line looked at for a task or milestone
MAX_NOTE_LINES = 200  # a note's summary paragraph must start within this many lines
MAX_PARAGRAPH = 4_000  # characters of the summary paragraph cleaned before truncation
YEAR_WINDOW_DAYS = 60
ELLIPSIS = "…"


@dataclass(frozen=True, slots=True)
class ExtractedTask:
    title: str
    completed: bool
    due_date: str | None
    line: int


@dataclass(frozen=True, slots=True)
class ExtractedMilestone:
    title: str
    date: str
    line: int


@dataclass(frozen=True, slots=True)
class ExtractedNote:
    title: str
    summary: str


@dataclass(frozen=True, slots=True)
class FileExtraction:
    tasks: tuple[ExtractedTask, ...]
    milestones: tuple[ExtractedMilestone, ...]
    note: ExtractedNote | None


# --- dates --------------------------------------------------------------------------------------

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
_MON = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_YEAR = r"(?:19|20)\d\d"
_WEEKDAY = (
    r"mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?"
    r"|sat(?:urday)?|sun(?:day)?"
)
# Dates are found from their digits: each run of digits is tried as an ISO year, as the day
# after a month name (looked for just before it) or as a day before a month name.
_DIGIT_RUN = re.compile(r"\d+")
_ISO_AT = re.compile(rf"(?P<iy>{_YEAR})-(?P<im>\d\d)-(?P<id>\d\d)(?!\d)")
_MONTH_BEFORE = re.compile(rf"{_MON}\.?[ \t]{{1,2}}\Z", re.IGNORECASE)
_MONTH_FIRST_AT = re.compile(
    rf"(?P<mm>{_MON})\.?[ \t]{{1,2}}(?P<md>\d{{1,2}})(?:st|nd|rd|th)?(?!\w|:\d)"
    rf"(?:,?[ \t]{{1,2}}(?P<my>{_YEAR})(?!\d))?",
    re.IGNORECASE,
)
_DAY_FIRST_AT = re.compile(
    rf"(?P<dd>\d{{1,2}})(?:st|nd|rd|th)?[ \t]{{1,2}}(?:of[ \t]{{1,2}})?(?P<dm>{_MON})\b\.?"
    rf"(?:,?[ \t]{{1,2}}(?P<dy>{_YEAR})(?!\d))?",
    re.IGNORECASE,
)
_MONTH_WINDOW = 12  # len("september. ") + 1
# What may belong to a date in front of it: "(", then "due"/"by"/"on"/..., then a weekday, as in
# "(due Fri, Dec 4)". Matched backwards: anchored on the reversed text just before the date.
_LEAD_REVERSED = re.compile(
    r"(?:[ \t]+,?\.?(?P<wd>(?:yad)?nom|(?:(?:yad)?s)?eut|(?:yadsen)?dew|(?:(?:(?:yad)?s)?r)?uht|(?:yad)?irf"
    r"|(?:yadru)?tas|(?:yad)?nus)(?!\w))?"
    r"(?:[ \t]*:?[ \t]*(?<!\w)(?P<kw>eud|yb|erofeb|litnu|llit|enildaed|no)(?!\w))?"
    r"(?:[ \t]*(?P<open>[(\[]))?",
    re.IGNORECASE,
)
_LEAD_WINDOW = 40
_CLOSE = re.compile(r"[ \t]*[)\]]")


class _Phrase(NamedTuple):
    """A date and its surroundings in a title: ``start``/``end`` span all of it."""

    start: int
    end: int
    kw: str  # "due", "by", ... lower-cased, or ""
    opened: bool  # the phrase is in brackets: "(due Dec 4)"
    day: date


_HAS_DIGIT = re.compile(r"\d")

# Candidate passes over the folded bytes (digits -> "0", A-Z -> a-z, tab -> space): plain
# substrings found with bytes.find, and patterns that start with a literal, so the engine's
# prefix scan skips everything else at C speed. Together they find every line that may hold a
# checkbox, a TODO / action-item marker or a date; a false hit only costs a closer look.
_FOLD = bytes.maketrans(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ\t", b"0000000000abcdefghijklmnopqrstuvwxyz ")
_MONTH_ENDS = b"jan|ary|feb|mar|rch|apr|ril|may|jun|une|jul|uly|aug|ust|sep|ept|ber|oct|nov|dec"
_MONTH_ABBRS = b"jan|feb|mar|apr|jun|jul|aug|sep|ept|oct|nov|dec"
_MONTH_STARTS = b"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
_CANDIDATE_NEEDLES = (b"action item", b"0000-00-00")
_CANDIDATE_PASSES = tuple(
    re.compile(p)
    for p in (
        rb"\[[ x]\]",
        rb"do(?:(?<=todo)|(?<=to[ -]do))",
        b" 0(?:(?<=(?:" + _MONTH_ENDS + b") 0)|(?<=(?:" + _MONTH_ABBRS + b")\\. 0)"
        b"|(?<=(?:" + _MONTH_ENDS + b")  0))",
        b"0  ?(?:of  ?)?" + _MONTH_STARTS,
        b"0(?:st|nd|rd|th)  ?(?:of  ?)?" + _MONTH_STARTS,
    )
)


def _coerce_day(value: date) -> date:
    return value.date() if isinstance(value, datetime) else value


def _resolve(month: int, day: int, year: int | None, floor: date) -> date | None:
    """The date, or None if impossible; without a year, the first one on or after ``floor``."""
    if year is not None:
        try:
            return date(year, month, day)
        except ValueError:
            return None
    for candidate_year in range(floor.year, floor.year + 9):  # 9 years always reach a Feb 29
        try:
            candidate = date(candidate_year, month, day)
        except ValueError:
            continue
        if candidate >= floor:
            return candidate
    return None


def _glued(s: str, i: int, start: int, extra: str = "") -> bool:
    """Whether the character before ``s[i]`` joins it to a word (so no date starts at ``i``)."""
    if i <= start:
        return False
    ch = s[i - 1]
    return ch.isalnum() or ch == "_" or ch in extra


def _dates(s: str, start: int) -> list[tuple[re.Match[str], date | None]]:
    """Each date-shaped match in ``s[start:]`` in order, with its date (None if impossible)."""
    found: list[tuple[re.Match[str], date | None]] = []
    covered = start
    for run in _DIGIT_RUN.finditer(s, start):
        p, width = run.start(), run.end() - run.start()
        if p < covered or width > 4:
            continue
        m: re.Match[str] | None = None
        if width == 4:
            m = _ISO_AT.match(s, p)
            if m is not None and not _glued(s, p, start, "./"):
                y, mo, d = int(m.group("iy")), int(m.group("im")), int(m.group("id"))
                found.append((m, _resolve(mo, d, y, date.min)))
                covered = m.end()
            continue
        if width > 2:
            continue
        before = _MONTH_BEFORE.search(s, max(start, p - _MONTH_WINDOW), p)
        if before is not None and not _glued(s, before.start(), start):
            m = _MONTH_FIRST_AT.match(s, before.start())
            if m is not None:
                found.append((m, None))
                covered = m.end()
                continue
        if not _glued(s, p, start, "."):
            m = _DAY_FIRST_AT.match(s, p)
            if m is not None:
                found.append((m, None))
                covered = m.end()
    return found


def _date_of(m: re.Match[str], floor: date) -> date | None:
    g = m.groupdict()
    month, day, year = (g["mm"], g["md"], g["my"]) if "mm" in g else (g["dm"], g["dd"], g["dy"])
    return _resolve(_MONTHS[month[:3].lower()], int(day), int(year) if year else None, floor)


def _dated_phrases(s: str, floor: date, start: int = 0) -> list[_Phrase]:
    """Every valid date in ``s[start:]`` with its leading "(", keyword or weekday, in order."""
    found: list[_Phrase] = []
    for m, iso_day in _dates(s, start):
        day = iso_day if m.re is _ISO_AT else _date_of(m, floor)
        if day is None:
            continue
        ds, de = m.span()
        begin, kw, opened = ds, "", False
        window_start = max(start, ds - _LEAD_WINDOW)
        # Reversed, plus the character before the window so word boundaries there are real.
        behind = s[window_start:ds][::-1] + (s[window_start - 1] if window_start > 0 else "")
        lead = _LEAD_REVERSED.match(behind)
        if lead is not None and lead.end() > 0:
            kw = lead.group("kw")[::-1].lower() if lead.group("kw") else ""
            close = _CLOSE.match(s, de) if lead.group("open") else None
            if close is not None:
                begin, de, opened = ds - lead.end(), close.end(), True
            elif kw:
                begin = ds - lead.end("kw")
            elif lead.group("wd"):
                begin = ds - lead.end("wd")
        found.append(_Phrase(begin, de, kw, opened, day))
    return found


# --- titles and inline markdown -----------------------------------------------------------------

_LINK = re.compile(r"!?\[([^\[\]\n]{0,300})\]\([^()\n]{0,500}\)")
_WIKILINK = re.compile(r"\[\[([^\[\]|\n]{1,200})(?:\|([^\[\]\n]{0,200}))?\]\]")
_CODE = re.compile(r"`([^`\n]+)`")
_STRONG = re.compile(r"(\*\*|__|~~)(?=\S)([^\n]{1,300}?)(?<=\S)\1")
_EM_STAR = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]+?)(?<=\S)\*(?![\w*])")
_EM_UNDER = re.compile(r"(?<![\w_])_(?=[^\s_])([^_\n]+?)(?<=\S)_(?![\w_])")
_EMPTY_BRACKETS = re.compile(r"\(\s*\)|\[\s*\]")

_SEPARATORS = " \t-–—:|@,;/"
_DASHY = set("-–—:|@")
_TRAILING = " \t.,;:!-–—|@/"


def _clean_inline(s: str) -> str:
    """Markdown links, code and emphasis unwrapped to their text; whitespace collapsed."""
    if "[" in s:
        s = _WIKILINK.sub(lambda m: m.group(2) or m.group(1), s)
        s = _LINK.sub(r"\1", s)
    if "`" in s:
        s = _CODE.sub(r"\1", s)
    if "*" in s or "_" in s or "~" in s:
        s = _STRONG.sub(r"\2", s)
        s = _EM_STAR.sub(r"\1", s)
        s = _EM_UNDER.sub(r"\1", s)
    return " ".join(s.split())


def _truncate(s: str, limit: int) -> str:
    """``s`` cut at a word boundary to at most ``limit`` characters, ending in an ellipsis."""
    if len(s) <= limit:
        return s
    cut = s[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(_TRAILING) + ELLIPSIS


def _finish_title(s: str) -> str:
    if "(" in s or "[" in s:
        s = _EMPTY_BRACKETS.sub("", s)
    s = " ".join(s.split()).strip(_SEPARATORS).rstrip(_TRAILING)
    first = s.split(" ", 1)[0]
    if first.isalpha() and first.islower():
        s = s[0].upper() + s[1:]
    return _truncate(s, MAX_TITLE)


def _join_around(pre: str, post: str) -> str:
    """What is left of a title once a phrase between ``pre`` and ``post`` is taken out."""
    pre_core, post_core = pre.rstrip(_SEPARATORS), post.lstrip(_SEPARATORS)
    if pre_core and post_core:
        before, after = pre[len(pre_core):], post[: len(post) - len(post_core)]
        if ":" in before:
            glue = ": "
        elif _DASHY.intersection(before + after):
            glue = " — "
        else:
            glue = " "
        return f"{pre_core}{glue}{post_core}"
    return pre_core or post_core


class _PunctuationMap(dict):
    """``str.translate`` table: punctuation (and ``` `^~| ```) -> space, apostrophes dropped.

    Filled lazily per code point; a race between threads only computes an entry twice.
    """

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        value = " " if unicodedata.category(ch)[0] == "P" or ch in "`^~|" else ch
        self[code] = value
        return value


_PUNCTUATION = _PunctuationMap({ord("'"): None, ord("’"): None})
_WORD = re.compile(r"[^\W_]")


def normalise_title(s: str) -> str:
    """A title's matching key: casefolded, punctuation dropped, whitespace collapsed.

    ``"Send the *revised* quote!"`` and ``"send the revised quote"`` give the same key;
    used to match existing records and rejected suggestions. Apostrophes vanish
    ("don't" -> "dont"); other punctuation separates words ("e-mail" -> "e mail").
    """
    if s.isascii():
        return " ".join(s.lower().translate(_PUNCTUATION).split())
    return " ".join(unicodedata.normalize("NFKC", s).casefold().translate(_PUNCTUATION).split())


# --- lines ----------------------------------------------------------------------------------------

_BULLET = re.compile(r"(?:[-*+•]|\d{1,3}[.)])[ \t]+(?P<rest>.*)")
_CHECKBOX = re.compile(r"(?:[-*+•]|\d{1,3}[.)])[ \t]+\[(?P<mark>[ xX])\][ \t]+(?P<rest>\S.*)")
_HEADING = re.compile(r"#{1,6}[ \t]+(?P<text>.*)")
_LIST_PREFIX = r"(?:(?:[-*+•]|\d{1,3}[.)])[ \t]+)?(?:(?:#{1,6}|//|--|;)[ \t]*)?"
_TODO = re.compile(
    _LIST_PREFIX + r"(?:TODO\b|(?i:to[ -]?do)(?=[ \t]*(?:[:\-–—]|$)))[ \t]*(?:[:\-–—][ \t]*)?(?P<rest>.*)"
)
_ACTION_ONE = re.compile(_LIST_PREFIX + r"action[ \t]+items?[ \t]*[:\-–—][ \t]*(?P<rest>\S.*)", re.IGNORECASE)
_ACTION_HEADER = re.compile(
    _LIST_PREFIX + r"action[ \t]+items?\b(?:[^:\n]{0,60}:)?[ \t]*$", re.IGNORECASE
)
_META_LABEL = re.compile(r"(?P<label>milestone|deadline|due(?:[ \t]+date)?)[ \t]*[:\-–—][ \t]*", re.IGNORECASE)
_EVENT_LABEL = re.compile(
    r"(?:milestones?|deadlines?|launch(?:es|ing)?|go[- ]?live|releases?|deliver(?:y|ables?)"
    r"|kick[- ]?off|hand[- ]?(?:off|over)|demo(?:\s+day)?|presentation|submission|sign[- ]?off)\b",
    re.IGNORECASE,
)
_RULE_LINE = re.compile(r"[-=*_ \t]{3,}")
_FRONT_MATTER_END = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)
_UNDERLINE = re.compile(r"[ \t]*(?:=+|-+)[ \t]*")


def _heading_text(stripped: str) -> str | None:
    """The text of an ATX heading line (closing ``#``s dropped), or None if it is not one."""
    if not stripped.startswith("#"):
        return None
    h = _HEADING.fullmatch(stripped)
    if h is None:
        return None
    text = h.group("text").rstrip()
    bare = text.rstrip("#")
    if bare != text and (not bare or bare[-1] in " \t"):
        text = bare.rstrip()
    return text


def _task(body: str, completed: bool, line: int, floor: date) -> ExtractedTask | None:
    """A task from the text after its marker: title cleaned, a due-date phrase moved out.

    The due date is the last phrase with a keyword or brackets ("by Dec 4", "(Dec 4)"),
    else a date ending the title, else one opening it before a separator ("Dec 4: x").
    """
    cleaned = _clean_inline(body)
    phrases = _dated_phrases(cleaned, floor) if _HAS_DIGIT.search(cleaned) else []
    chosen: _Phrase | None = None
    if phrases:
        keyed = [p for p in phrases if p.kw or p.opened]
        first, last = phrases[0], phrases[-1]
        if keyed:
            chosen = keyed[-1]
        elif not cleaned[last.end :].strip(_TRAILING):
            chosen = last
        elif not cleaned[: first.start].strip() and cleaned[first.end :].lstrip()[:1] in _DASHY:
            chosen = first
    title = cleaned
    if chosen is not None:
        rest = _join_around(cleaned[: chosen.start], cleaned[chosen.end :])
        if _WORD.search(rest):
            title = rest
    title = _finish_title(title)
    if not _WORD.search(title):
        return None
    return ExtractedTask(title, completed, chosen.day.isoformat() if chosen else None, line)


def _line_body(stripped: str) -> tuple[str, str]:
    """(kind, text) of a stripped line: kind is heading, bullet, quote or plain."""
    heading = _heading_text(stripped)
    if heading is not None:
        return "heading", heading
    b = _BULLET.fullmatch(stripped)
    if b:
        return "bullet", b.group("rest")
    if stripped.startswith(">"):
        return "quote", stripped.lstrip("> \t")
    return "plain", stripped


_LEADING_WORDS = frozenset(
    [*_MONTHS, "sept", "mon", "tue", "wed", "thu", "fri", "sat", "sun", "due", "by", "before", "until", "till", "on"]
)


def _may_open_or_close_with_date(s: str) -> bool:
    """A cheap test whether a date could open ``s`` or close it, before any date is parsed."""
    first = s[:1]
    if first.isdigit() or first in "([":
        return True
    word = s[:10].split(None, 1)[0].lower().rstrip(".,:")
    if word[:3] in _LEADING_WORDS or word in _LEADING_WORDS:
        return True
    tail = s.rstrip(" \t.;,!")
    if not tail:
        return False
    last = tail[-1:]
    if last.isdigit() or last in ")]":
        return True
    word = tail[-12:].rsplit(None, 1)[-1].lower()
    return word[:3] in _MONTHS or (word[-2:] in ("st", "nd", "rd", "th") and word[:-2].isdigit())


def _milestone(stripped: str, line: int, floor: date, *, underlined: bool = False) -> ExtractedMilestone | None:
    """A milestone from a non-task line, or None if the line is not a labelled or structured date.

    ``underlined``: the next line is ``===`` or ``---``, which makes this one a (setext) heading.
    """
    kind, body = _line_body(stripped)
    if underlined:
        kind = "heading"
    body = _clean_inline(body)
    if not body:
        return None
    meta = _META_LABEL.match(body)
    event = None if meta else _EVENT_LABEL.match(body)
    labelled = meta is not None or event is not None
    if not labelled and (kind == "heading" or not _may_open_or_close_with_date(body)):
        return None
    rest = body[meta.end():] if meta else body
    # A date phrase's keyword must not swallow the label itself ("Deadline Dec 4").
    phrases = _dated_phrases(rest, floor, event.end() if event else 0)
    if not phrases:
        return None
    if labelled:
        chosen = phrases[0]
    else:
        first, last = phrases[0], phrases[-1]
        after_first = rest[first.end :].lstrip()
        before_last = rest[: last.start].rstrip()
        if not rest[: first.start].strip() and (not after_first or after_first[0] in _DASHY):
            chosen = first
        elif not rest[last.end :].strip(" \t.;,!") and (
            last.opened or last.kw in ("due", "deadline") or before_last[-1:] in _DASHY
        ):
            chosen = last
        else:
            return None
    title = _finish_title(_join_around(rest[: chosen.start], rest[chosen.end :]))
    if not _WORD.search(title):
        if not labelled:
            return None
        title = _finish_title(meta.group("label") if meta else event.group(0))
    return ExtractedMilestone(title, chosen.day.isoformat(), line)


# --- the whole text -------------------------------------------------------------------------------


class _Regions:
    """Offsets to skip (YAML front matter, fenced code) and the folded copy of the text."""

    def __init__(self, text: str) -> None:
        # One byte per character (latin-1 with "?" for the rest), so byte and str offsets agree.
        self.folded = text.encode("latin-1", "replace").translate(_FOLD)
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.body_start = 0
        if text.startswith("---\n"):
            close = _FRONT_MATTER_END.search(text, 4, 4096)
            if close:
                self.body_start = min(len(text), close.end() + 1)
        fences = sorted(self._fence_lines(text, "```") + self._fence_lines(text, "~~~"))
        opening: tuple[int, str] | None = None
        for offset, marker, bare in fences:
            if opening is None:
                opening = (offset, marker)
            elif bare and marker[0] == opening[1][0] and len(marker) >= len(opening[1]):
                end = text.find("\n", offset)
                self.starts.append(opening[0])
                self.ends.append(len(text) if end == -1 else end)
                opening = None
        if opening is not None:
            self.starts.append(opening[0])
            self.ends.append(len(text))

    @staticmethod
    def _fence_lines(text: str, marker: str) -> list[tuple[int, str, bool]]:
        """(line start, fence run, nothing after it) of each line starting with a ``marker`` fence."""
        found = []
        pos = text.find(marker)
        while pos != -1:
            start = text.rfind("\n", 0, pos) + 1
            run_end = pos
            while run_end < len(text) and text[run_end] == marker[0]:
                run_end += 1
            nl = text.find("\n", run_end)
            if pos - start <= 3 and not text[start:pos].strip(" "):
                found.append((start, text[pos:run_end], not text[run_end : len(text) if nl == -1 else nl].strip()))
            if nl == -1:
                break
            pos = text.find(marker, nl + 1)
        return found

    def skip_to(self, offset: int) -> int | None:
        """The end of the skipped region holding ``offset``, or None if it is not skipped."""
        if offset < self.body_start:
            return self.body_start
        i = bisect_right(self.starts, offset) - 1
        if i >= 0 and offset <= self.ends[i]:
            return self.ends[i]
        return None

    def candidate_lines(self) -> list[int]:
        """Start offsets, in order, of the lines any candidate pass hits."""
        folded = self.folded
        starts: set[int] = set()
        for needle in _CANDIDATE_NEEDLES:
            pos = folded.find(needle, self.body_start)
            while pos != -1:
                starts.add(folded.rfind(b"\n", 0, pos) + 1)
                end = folded.find(b"\n", pos)
                if end == -1:
                    break
                pos = folded.find(needle, end + 1)
        for rx in _CANDIDATE_PASSES:
            pos = self.body_start
            while (m := rx.search(folded, pos)) is not None:
                starts.add(folded.rfind(b"\n", 0, m.start()) + 1)
                end = folded.find(b"\n", m.end())
                if end == -1:
                    break
                pos = end + 1
        return sorted(starts)

    def first_h1(self, text: str) -> str | None:
        """The text of the first level-1 ATX heading outside skipped regions."""
        folded = self.folded
        pos = folded.find(b"# ", self.body_start)
        while pos != -1:
            start = folded.rfind(b"\n", 0, pos) + 1
            if pos - start <= 3 and not folded[start:pos].strip(b" ") and self.skip_to(start) is None:
                end = text.find("\n", pos)
                heading = _heading_text(text[pos : len(text) if end == -1 else end][:MAX_LINE].strip())
                if heading:
                    return heading
            pos = folded.find(b"# ", pos + 2)
        return None


class _Scan:
    """Tasks and milestones of one text, plus the numbers of the lines they used."""

    def __init__(self, text: str, floor: date, regions: _Regions) -> None:
        self.text, self.floor, self.regions = text, floor, regions
        self.tasks: list[ExtractedTask] = []
        self.milestones: list[ExtractedMilestone] = []
        self.used: set[int] = set()

    def run(self) -> None:
        text = self.text
        counted_to, line_no, resume = 0, 1, 0
        for start in self.regions.candidate_lines():
            if start < resume or self.regions.skip_to(start) is not None:
                continue
            end = text.find("\n", start)
            if end == -1:
                end = len(text)
            line_no += text.count("\n", counted_to, start)
            counted_to = start
            resume = self._line(text[start:end][:MAX_LINE].strip(), line_no, end) or resume

    def _underlined(self, end: int) -> bool:
        """Whether the line after the one ending at ``end`` is a setext underline."""
        if end >= len(self.text):
            return False
        after = self.text.find("\n", end + 1)
        line = self.text[end + 1 : len(self.text) if after == -1 else after]
        return _UNDERLINE.fullmatch(line[:MAX_LINE]) is not None

    def _line(self, s: str, line_no: int, end: int) -> int | None:
        """Handle one candidate line; returns where to resume if it opened an action-item block."""
        floor = self.floor
        cb = _CHECKBOX.fullmatch(s)
        if cb:
            self._add_task(_task(cb.group("rest"), cb.group("mark") != " ", line_no, floor))
            return None
        flat = _clean_inline(s) if ("*" in s or "_" in s) else s
        todo = _TODO.fullmatch(flat)
        if todo:
            self.used.add(line_no)
            if todo.group("rest").strip():
                self._add_task(_task(todo.group("rest"), False, line_no, floor))
                return None
            return self._block(line_no, end)
        action = _ACTION_ONE.fullmatch(flat)
        if action:
            self._add_task(_task(action.group("rest"), False, line_no, floor))
            return None
        if _ACTION_HEADER.fullmatch(flat):
            self.used.add(line_no)
            return self._block(line_no, end)
        ms = _milestone(s, line_no, floor, underlined=self._underlined(end))
        if ms is not None:
            self.milestones.append(ms)
            self.used.add(line_no)
        return None

    def _block(self, header_line: int, header_end: int) -> int:
        """Tasks from the list under an action-item header; returns the offset of the first other line."""
        text, floor = self.text, self.floor
        pos, line_no, seen_item = header_end + 1, header_line, False
        while pos < len(text):
            end = text.find("\n", pos)
            if end == -1:
                end = len(text)
            line_no += 1
            raw = text[pos:end][:MAX_LINE]
            s = raw.strip()
            if s and self.regions.skip_to(pos) is None:
                cb = _CHECKBOX.fullmatch(s)
                todo = None if cb else _TODO.fullmatch(s)
                bullet = None if cb or todo else _BULLET.fullmatch(s)
                if cb:
                    self._add_task(_task(cb.group("rest"), cb.group("mark") != " ", line_no, floor))
                elif todo and todo.group("rest").strip():
                    self._add_task(_task(todo.group("rest"), False, line_no, floor))
                elif bullet and bullet.group("rest").strip():
                    self._add_task(_task(bullet.group("rest"), False, line_no, floor))
                elif seen_item and raw[:1] in " \t" and not s.startswith("#"):
                    pass  # a wrapped continuation of the item above
                else:
                    return pos
                seen_item = True
                self.used.add(line_no)
            elif s:
                return pos
            pos = end + 1
        return len(text)

    def _add_task(self, task: ExtractedTask | None) -> None:
        if task is not None:
            self.tasks.append(task)
            self.used.add(task.line)


def _dedupe_tasks(tasks: list[ExtractedTask]) -> tuple[ExtractedTask, ...]:
    """The first task of each normalised title; a later duplicate only lends a missing due date."""
    by_key: dict[str, ExtractedTask] = {}
    for t in tasks:
        key = normalise_title(t.title)
        kept = by_key.get(key)
        if kept is None:
            by_key[key] = t
        elif kept.due_date is None and t.due_date is not None:
            by_key[key] = ExtractedTask(kept.title, kept.completed, t.due_date, kept.line)
    return tuple(by_key.values())


def _dedupe_milestones(items: list[ExtractedMilestone]) -> tuple[ExtractedMilestone, ...]:
    seen: dict[tuple[str, str], ExtractedMilestone] = {}
    for ms in items:
        seen.setdefault((normalise_title(ms.title), ms.date), ms)
    return tuple(seen.values())


# --- notes ----------------------------------------------------------------------------------------

_STEM_DASH = re.compile(r"(?<!\d)-|-(?!\d)")


def humanise_stem(filename: str | os.PathLike[str]) -> str:
    """``"Acme/meeting-notes_2026-11-18.md"`` -> ``"Meeting notes 2026-11-18"``."""
    name = os.fspath(filename).replace("\\", "/").rsplit("/", 1)[-1].lstrip(".")
    stem = name.rsplit(".", 1)[0] if "." in name else name
    words = " ".join(_STEM_DASH.sub(" ", stem.replace("_", " ")).split())
    return (words[:1].upper() + words[1:]) if words else "Untitled"


def _lines_from(text: str, start: int):
    """(line_no, offset, raw) for each line from ``start``; line numbers count from the text's start."""
    line_no = text.count("\n", 0, start) + 1
    pos = start
    while pos <= len(text):
        end = text.find("\n", pos)
        if end == -1:
            end = len(text)
        yield line_no, pos, text[pos:end]
        if end == len(text):
            return
        pos, line_no = end + 1, line_no + 1


def _is_structure(s: str) -> bool:
    """A list item, table row, rule or HTML comment: never prose, never a short-line title."""
    return (
        _BULLET.fullmatch(s) is not None
        or s.startswith(("|", "<!--", "```", "~~~"))
        or _RULE_LINE.fullmatch(s) is not None
    )


def _note(text: str, filename: str, regions: _Regions, used: set[int]) -> ExtractedNote | None:
    """The file's note, or None without a prose paragraph in its first ``MAX_NOTE_LINES`` lines."""
    h1 = regions.first_h1(text)
    title = _finish_title(_clean_inline(h1)) if h1 else None
    title_line = 0
    first_checked = title is not None
    paragraph: list[str] = []
    size = 0
    lines = _lines_from(text, regions.body_start)
    pending = next(lines, None)
    last_line = pending[0] + MAX_NOTE_LINES if pending else 0
    while pending is not None:
        line_no, offset, raw = pending
        if not paragraph and line_no > last_line:
            break
        pending = next(lines, None)
        skip = regions.skip_to(offset)
        if skip is not None and skip > offset:
            if paragraph:
                break
            while pending is not None and pending[1] <= skip:
                pending = next(lines, None)
            first_checked = True
            continue
        s = raw[:MAX_LINE].strip()
        if s.startswith(">"):
            s = s.lstrip("> \t")  # a block quote reads as what it quotes
        if not s:
            if paragraph:
                break
            continue
        heading = _heading_text(s)
        underlined = pending is not None and _UNDERLINE.fullmatch(pending[2][:MAX_LINE]) is not None
        if not first_checked:
            first_checked = True
            if line_no not in used and not _is_structure(s):
                candidate = _clean_inline(s if heading is None else heading)
                if candidate and len(candidate) < MAX_SHORT_LINE_TITLE:
                    title, title_line = _finish_title(candidate), line_no
        if heading is None and not underlined and line_no not in used and line_no != title_line and (
            not _is_structure(s)
        ):
            paragraph.append(s)
            size += len(s) + 1
            if size > MAX_PARAGRAPH:
                break
        elif paragraph:
            break
    if not paragraph:
        return None
    joined = " ".join(paragraph)
    cleaned = _clean_inline(joined[:MAX_PARAGRAPH])
    if len(joined) <= MAX_PARAGRAPH or len(cleaned) > MAX_SUMMARY:
        summary = _truncate(cleaned, MAX_SUMMARY)
    else:  # cut before cleaning and still short: say so
        summary = cleaned[: MAX_SUMMARY - 1].rstrip(_TRAILING) + ELLIPSIS
    return ExtractedNote(title or humanise_stem(filename), summary)


# --- public entry points --------------------------------------------------------------------------


def extract_text(text: str, *, filename: str | os.PathLike[str], reference_date: date) -> FileExtraction:
    """Tasks, milestones and a note found in one file's text.

    ``filename`` (a name or a relative path) only supplies the fallback note title;
    ``reference_date`` anchors dates written without a year. Pure and deterministic.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    floor = _coerce_day(reference_date) - timedelta(days=YEAR_WINDOW_DAYS)
    regions = _Regions(text)
    scan = _Scan(text, floor, regions)
    scan.run()
    note = _note(text, filename, regions, scan.used)
    return FileExtraction(_dedupe_tasks(scan.tasks), _dedupe_milestones(scan.milestones), note)


_GENERIC_FOLDERS = frozenset(
    {
        "archive", "archives", "archived", "misc", "miscellaneous", "tmp", "temp", "downloads", "download",
        "personal", "private", "old", "backup", "backups", "templates", "template", "inbox", "drafts",
        "notes", "documents", "docs", "scratch", "trash", "other", "others", "stuff", "attachments",
        "assets", "images", "screenshots", "exports", "shared", "general", "random", "sandbox",
        "new folder", "untitled folder", "untitled", "node modules", "venv", "admin", "finance",
        "invoices", "receipts", "taxes", "done", "completed", "old projects", "past projects",
    }
)
_FOLDER_WORD_BREAK = re.compile(r"[\s_.\-]+")
_FOLDER_SEPARATORS = re.compile(r"[_\-]+")
_DATE_FOLDER = re.compile(
    r"\d{4}(?: ?(?:\d{1,2}|q[1-4]|h[12])){0,2}|q[1-4] ?\d{4}|\d{4} \d{4}|\d{1,2} \d{4}", re.IGNORECASE
)


def project_name_for_folder(name: str) -> str | None:
    """The project a top-level folder stands for, or None for generic folders.

    Generic: archive, misc, tmp, downloads, personal, old, backup, templates, inbox
    and similar (also with a year: "archive 2024"), names starting with ``_`` or
    ``.``, and pure years or dates ("2025", "2025-11", "2025 Q1"). An all-lowercase
    name is title-cased and its ``-``/``_`` become spaces ("acme-corp" -> "Acme Corp");
    a name with capitals keeps its spelling ("Bluebird Studio", "ACME_Labs" -> "ACME Labs").
    """
    raw = " ".join(name.split())
    if not raw or raw[0] in "._~$" or not any(ch.isalnum() for ch in raw):
        return None
    words = [w for w in _FOLDER_WORD_BREAK.split(raw.casefold()) if w]
    key = " ".join(words)
    if key in _GENERIC_FOLDERS or _DATE_FOLDER.fullmatch(key):
        return None
    for cut in range(1, len(words)):
        head, tail = " ".join(words[:cut]), " ".join(words[cut:])
        if (head in _GENERIC_FOLDERS and _DATE_FOLDER.fullmatch(tail)) or (
            _DATE_FOLDER.fullmatch(head) and tail in _GENERIC_FOLDERS
        ):
            return None
    display = raw if " " in raw else " ".join(p for p in _FOLDER_SEPARATORS.split(raw) if p)
    if not any(ch.isupper() for ch in display):
        display = " ".join(w[:1].upper() + w[1:] for w in display.split(" "))
    return display
