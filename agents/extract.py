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

Scanning is linear: one search for trigger strings over the whole text, then
the full patterns only on the lines it hits; fenced code and YAML front
matter are skipped.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, datetime, timedelta

MAX_TITLE = 200
MAX_SUMMARY = 500
MAX_SHORT_LINE_TITLE = 80
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
    r"(?:mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?"
    r"|sat(?:urday)?|sun(?:day)?)\b\.?,?[ \t]+"
)
_DATE_BODY = (
    rf"(?<![\w./])(?P<iy>{_YEAR})-(?P<im>\d\d)-(?P<id>\d\d)(?!\d)"
    rf"|(?<!\w)(?P<mm>{_MON})\.?[ \t]+(?P<md>\d{{1,2}})(?:st|nd|rd|th)?(?!\w|:\d)"
    rf"(?:,?[ \t]+(?P<my>{_YEAR})(?!\d))?"
    rf"|(?<![\w.])(?P<dd>\d{{1,2}})(?:st|nd|rd|th)?[ \t]+(?:of[ \t]+)?(?P<dm>{_MON})\b\.?"
    rf"(?:,?[ \t]+(?P<dy>{_YEAR})(?!\d))?"
)
# A date with what belongs to it in a title: "(due Fri, Dec 4)", "by 2026-12-04", "Dec 4".
_DATE_PHRASE = re.compile(
    rf"(?P<open>[(\[][ \t]*)?"
    rf"(?P<kw>\b(?:due|by|before|until|till|deadline|on)\b[ \t]*:?[ \t]*)?"
    rf"(?:{_WEEKDAY})?(?:{_DATE_BODY})"
    rf"(?(open)[ \t]*[)\]])",
    re.IGNORECASE,
)

# Cheap whole-text search for lines worth a closer look. Never crosses a line end.
_TRIGGER = re.compile(
    r"\[[ xX]\]|TODO|(?i:\bto[ -]?do\b)|(?i:action[ \t]+items?)|\d\d-\d\d"
    rf"|(?i:\b{_MON}\.?[ \t]+\d|\d[ \t]+(?:of[ \t]+)?{_MON}\b)"
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


def _date_of(m: re.Match[str], floor: date) -> date | None:
    if m.group("iy"):
        return _resolve(int(m.group("im")), int(m.group("id")), int(m.group("iy")), floor)
    if m.group("mm"):
        month, day, year = m.group("mm"), m.group("md"), m.group("my")
    else:
        month, day, year = m.group("dm"), m.group("dd"), m.group("dy")
    return _resolve(_MONTHS[month[:3].lower()], int(day), int(year) if year else None, floor)


def _dated_phrases(s: str, floor: date, start: int = 0) -> list[tuple[re.Match[str], date]]:
    found = []
    for m in _DATE_PHRASE.finditer(s, start):
        d = _date_of(m, floor)
        if d is not None:
            found.append((m, d))
    return found


# --- titles and inline markdown -----------------------------------------------------------------

_LINK = re.compile(r"!?\[([^\]\n]*)\]\([^)\n]*\)")
_WIKILINK = re.compile(r"\[\[([^\]|\n]*)(?:\|([^\]\n]*))?\]\]")
_CODE = re.compile(r"`([^`\n]+)`")
_STRONG = re.compile(r"(\*\*|__|~~)(?=\S)(.+?)(?<=\S)\1")
_EM_STAR = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]+?)(?<=\S)\*(?![\w*])")
_EM_UNDER = re.compile(r"(?<![\w_])_(?=[^\s_])([^_\n]+?)(?<=\S)_(?![\w_])")
_SPACES = re.compile(r"\s+")
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
    return _SPACES.sub(" ", s).strip()


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
    s = _EMPTY_BRACKETS.sub("", s)
    s = _SPACES.sub(" ", s).strip(_SEPARATORS).rstrip(_TRAILING)
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


def normalise_title(s: str) -> str:
    """A title's matching key: casefolded, punctuation dropped, whitespace collapsed.

    ``"Send the *revised* quote!"`` and ``"send the revised quote"`` give the same key;
    used to match existing records and rejected suggestions.
    """
    s = unicodedata.normalize("NFKC", s).casefold().replace("'", "").replace("’", "")
    chars = [" " if unicodedata.category(ch)[0] == "P" or ch in "`^~|" else ch for ch in s]
    return " ".join("".join(chars).split())


# --- lines ----------------------------------------------------------------------------------------

_BULLET = re.compile(r"(?:[-*+•]|\d{1,3}[.)])[ \t]+(?P<rest>.*)")
_CHECKBOX = re.compile(r"(?:[-*+•]|\d{1,3}[.)])[ \t]+\[(?P<mark>[ xX])\][ \t]+(?P<rest>\S.*)")
_HEADING = re.compile(r"(?P<hashes>#{1,6})[ \t]+(?P<text>.*?)(?:[ \t]+#+)?[ \t]*$")
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
_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})", re.MULTILINE)
_H1 = re.compile(r"^[ \t]{0,3}#[ \t]+(\S[^\n]*)$", re.MULTILINE)


def _task(body: str, completed: bool, line: int, floor: date) -> ExtractedTask | None:
    """A task from the text after its marker: title cleaned, a due-date phrase moved out."""
    cleaned = _clean_inline(body)
    due: date | None = None
    phrases = _dated_phrases(cleaned, floor)
    chosen = None
    if phrases:
        keyed = [p for p in phrases if p[0].group("kw") or p[0].group("open")]
        last, first = phrases[-1], phrases[0]
        if keyed:
            chosen = keyed[-1]
        elif not cleaned[last[0].end():].strip(_TRAILING):
            chosen = last
        elif not cleaned[: first[0].start()].strip() and cleaned[first[0].end():].lstrip()[:1] in _DASHY:
            chosen = first
    title = cleaned
    if chosen is not None:
        m, due = chosen
        rest = _join_around(cleaned[: m.start()], cleaned[m.end():])
        if normalise_title(rest):
            title = rest
    title = _finish_title(title)
    if not normalise_title(title):
        return None
    return ExtractedTask(title, completed, due.isoformat() if due else None, line)


def _line_body(stripped: str) -> tuple[str, str]:
    """(kind, text) of a stripped line: kind is heading, bullet, quote or plain."""
    if stripped.startswith("#"):
        h = _HEADING.fullmatch(stripped)
        if h:
            return "heading", h.group("text")
    b = _BULLET.fullmatch(stripped)
    if b:
        return "bullet", b.group("rest")
    if stripped.startswith(">"):
        return "quote", stripped.lstrip("> \t")
    return "plain", stripped


def _milestone(stripped: str, line: int, floor: date) -> ExtractedMilestone | None:
    """A milestone from a non-task line, or None if the line is not a labelled or structured date."""
    kind, body = _line_body(stripped)
    body = _clean_inline(body)
    if not body:
        return None
    meta = _META_LABEL.match(body)
    event = None if meta else _EVENT_LABEL.match(body)
    labelled = meta is not None or event is not None
    rest = body[meta.end():] if meta else body
    # A date phrase's keyword must not swallow the label itself ("Deadline Dec 4").
    phrases = _dated_phrases(rest, floor, event.end() if event else 0)
    if not phrases:
        return None
    if labelled:
        m, when = phrases[0]
    elif kind == "heading":
        return None
    else:
        first, last = phrases[0], phrases[-1]
        fm, lm = first[0], last[0]
        after_first = rest[fm.end():].lstrip()
        before_last = rest[: lm.start()].rstrip()
        if not rest[: fm.start()].strip() and (not after_first or after_first[0] in _DASHY):
            m, when = first
        elif not rest[lm.end():].strip(" \t.;,!") and (
            lm.group("open")
            or (lm.group("kw") or "").strip().lower().rstrip(":") in ("due", "deadline")
            or before_last[-1:] in _DASHY
        ):
            m, when = last
        else:
            return None
    title = _finish_title(_join_around(rest[: m.start()], rest[m.end():]))
    if not normalise_title(title):
        if not labelled:
            return None
        title = _finish_title(meta.group("label") if meta else event.group(0))
    return ExtractedMilestone(title, when.isoformat(), line)


# --- the whole text -------------------------------------------------------------------------------


class _Regions:
    """Offsets to skip: YAML front matter and fenced code blocks."""

    def __init__(self, text: str) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.body_start = 0
        if text.startswith("---\n"):
            close = re.search(r"^(?:---|\.\.\.)[ \t]*$", text[4:4096], re.MULTILINE)
            if close:
                self.body_start = 4 + close.end()
        if "```" not in text and "~~~" not in text:
            return
        opening: re.Match[str] | None = None
        for m in _FENCE.finditer(text):
            if opening is None:
                opening = m
            elif m.group(1)[0] == opening.group(1)[0] and len(m.group(1)) >= len(opening.group(1)):
                self.starts.append(opening.start())
                self.ends.append(text.find("\n", m.end()) % (len(text) + 1))
                opening = None
        if opening is not None:
            self.starts.append(opening.start())
            self.ends.append(len(text))

    def skip_to(self, offset: int) -> int | None:
        """The end of the skipped region holding ``offset``, or None if it is not skipped."""
        if offset < self.body_start:
            return self.body_start
        i = bisect_right(self.starts, offset) - 1
        if i >= 0 and offset <= self.ends[i]:
            return self.ends[i]
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
        pos = self.regions.body_start
        counted_to, line_no = 0, 1
        while True:
            m = _TRIGGER.search(text, pos)
            if m is None:
                return
            start = text.rfind("\n", 0, m.start()) + 1
            skip = self.regions.skip_to(start)
            if skip is not None:
                pos = max(skip, start + 1)
                continue
            end = text.find("\n", m.end())
            if end == -1:
                end = len(text)
            line_no += text.count("\n", counted_to, start)
            counted_to = start
            resume = self._line(text[start:end].strip(), line_no, end)
            pos = end + 1 if resume is None else resume

    def _line(self, s: str, line_no: int, end: int) -> int | None:
        """Handle one hit line; returns where to resume if it opened an action-item block."""
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
        ms = _milestone(s, line_no, floor)
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
            raw = text[pos:end]
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


def humanise_stem(filename: str) -> str:
    """``"Acme/meeting-notes_2026-11-18.md"`` -> ``"Meeting notes 2026-11-18"``."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].lstrip(".")
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
    title: str | None = None
    title_line = 0
    for h in _H1.finditer(text, regions.body_start):
        if regions.skip_to(h.start()) is None:
            title = _finish_title(_clean_inline(_HEADING.fullmatch(h.group(0).strip()).group("text")))
            break

    paragraph: list[str] = []
    first_checked = title is not None
    lines = _lines_from(text, regions.body_start)
    pending = next(lines, None)
    while pending is not None:
        line_no, offset, raw = pending
        pending = next(lines, None)
        s = raw.strip()
        skip = regions.skip_to(offset)
        if skip is not None and skip > offset:
            if paragraph:
                break
            while pending is not None and pending[1] <= skip:
                pending = next(lines, None)
            first_checked = True
            continue
        if not s:
            if paragraph:
                break
            continue
        underlined = pending is not None and re.fullmatch(r"[ \t]*(?:=+|-+)[ \t]*", pending[2]) is not None
        heading = s.startswith("#") and _HEADING.fullmatch(s) is not None
        if not first_checked:
            first_checked = True
            if line_no not in used and not _is_structure(s):
                candidate = _clean_inline(_HEADING.fullmatch(s).group("text") if heading else s)
                candidate = candidate.strip()
                if candidate and len(candidate) < MAX_SHORT_LINE_TITLE:
                    title, title_line = _finish_title(candidate), line_no
        prose = not (heading or underlined or line_no in used or line_no == title_line or _is_structure(s))
        if prose:
            paragraph.append(s.lstrip("> \t") if s.startswith(">") else s)
        elif paragraph:
            break
    if not paragraph:
        return None
    summary = _truncate(_clean_inline(" ".join(paragraph)), MAX_SUMMARY)
    return ExtractedNote(title or humanise_stem(filename), summary)


# --- public entry points --------------------------------------------------------------------------


def extract_text(text: str, *, filename: str, reference_date: date) -> FileExtraction:
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
    words = re.split(r"[\s_.\-]+", raw.casefold())
    words = [w for w in words if w]
    key = " ".join(words)
    if key in _GENERIC_FOLDERS or _DATE_FOLDER.fullmatch(key):
        return None
    for cut in range(1, len(words)):
        head, tail = " ".join(words[:cut]), " ".join(words[cut:])
        if (head in _GENERIC_FOLDERS and _DATE_FOLDER.fullmatch(tail)) or (
            _DATE_FOLDER.fullmatch(head) and tail in _GENERIC_FOLDERS
        ):
            return None
    display = raw if " " in raw else " ".join(p for p in re.split(r"[_\-]+", raw) if p)
    if not any(ch.isupper() for ch in display):
        display = " ".join(w[:1].upper() + w[1:] for w in display.split(" "))
    return display
