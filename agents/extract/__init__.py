"""Pure text extraction for the offline ``rules`` engine: text in, suggestions out.

No I/O, no store, no asyncio: safe on any thread and deterministic for a given
``(text, filename, reference_date, today)``. The rules follow the labeling
guide of the extraction corpus (docs/EXTRACTION.md):

* ``blocks``: lines grouped into headings, list items (wrapped lines joined),
  table rows and paragraph lines; code, comments, quotes and front matter skipped;
* ``dates``: month-and-day dates, the document's own date, year resolution;
* ``items``: tasks and milestones (``milestones``: the milestone rules; ``tables``: calendar tables;
  ``names``: which words are people);
* ``text``: titles, matching keys, note titles, project folder names.

A date without a year is resolved against the document's own date (path,
front matter or header), else the year the document states, else
``reference_date`` (the file's modification day); never against today.
``today`` only marks milestones already past (``completed``).
"""

from __future__ import annotations

import hashlib
import os
import re
from datetime import date, datetime

from agents.extract import blocks, dates, kinds
from agents.extract.items import Extractor
from agents.extract.text import (
    MAX_SUMMARY,
    MAX_TITLE,
    ExtractedMilestone,
    ExtractedNote,
    ExtractedTask,
    FileExtraction,
    _clean_inline,
    _finish_title,
    _truncate,
    clean_title,
    humanise_stem,
    normalise_title,
    project_name_for_folder,
)

__all__ = [
    "MAX_SUMMARY",
    "MAX_TITLE",
    "ExtractedMilestone",
    "ExtractedNote",
    "ExtractedTask",
    "FileExtraction",
    "extract_text",
    "fingerprint",
    "humanise_stem",
    "normalise_title",
    "project_name_for_folder",
]

MAX_TEXT = 2_000_000
_MINUTES_WORDS = re.compile(
    r"\b(?:minutes|meeting|meetings|agenda|call|standup|stand-up|sync|retro|retrospective|brief|briefing"
    r"|kick-?off|1:1|one-on-one|workshop)\b",
    re.IGNORECASE,
)
# A document written before the day it is dated by (an agenda, a plan, a call for …): a deadline before
# that day is still ahead of its readers ("Please register before 18th of March" in the agenda of a meeting
# on the 24th); in minutes, written after, it is past.
_AHEAD_WORDS = re.compile(r"\b(?:agendas?|plans?|planning|schedule|calls?[ \t]+for|announc\w*|invitation)\b",
                          re.IGNORECASE)
# A table of contents is not what a document is about ("## Table of Contents" above "## Agenda for …").
_CONTENTS = re.compile(r"[ \t]*(?:table[ \t]+of[ \t]+)?contents[ \t]*$|[ \t]*toc[ \t]*$", re.IGNORECASE)
# A name that says the file is a template to copy (its checkboxes are not anybody's tasks) ...
_TEMPLATE_NAME = re.compile(r"template|\.github[/\\_]", re.IGNORECASE)
# ... or a process document, whose checklist is a template too unless someone has ticked a box in it
# (a readiness or launch checklist in use: its boxes are the team's tasks).
_PROCESS_NAME = re.compile(r"contributing|procedure|guidelines?\b|checklist|releasing|onboarding"
                           r"|process(?:es)?(?![a-z])", re.IGNORECASE)  # ("process/onboarding.md" flattened too)
_TICKED = re.compile(r"^[ \t]*(?:[-*+][ \t]+|\d+[.)][ \t]+)?\[[xX]\]", re.MULTILINE)
# A document of yearly cycles ("Term Length: 1 Year", "every year"): without a year its dates recur, they are no events
_RECURRING = re.compile(r"\b(?:every|each|per)[ \t]+year\b|\bannual(?:ly)?\b|\byearly\b|\b1[ \t]+year\b", re.IGNORECASE)
# A software release's own page ("# Kubernetes 1.19", "release-1.19/README.md"): with no year anywhere, its year-less
# schedule is that release's, of a year it does not say; the file's day would date it wrongly (a clone is new)
_RELEASE_NAME = re.compile(r"(?<![\d.])v?\d{1,3}\.\d{1,3}(?:\.\d{1,3})?(?![\d.])")


def _release_schedule(name: str, first_heading: str) -> bool:
    parts = name.replace("\\", "/").split("/")[-2:]
    return bool(_RELEASE_NAME.search(first_heading) or any(_RELEASE_NAME.search(p.rsplit(".", 1)[0]) for p in parts))


_PLACEHOLDER_HINTS = ("XXXX", "@handle", "<your ", "[your ", "YYYY-MM-DD", "Champion ")
_PLACEHOLDERS = re.compile(r"\bXXXX\b|@handle\b|<your |\[your |\bYYYY-MM-DD\b|\bChampion [AB]\b")


def fingerprint(source: str) -> str:
    """A short stable key of a source item's normalised text (its identity while it is unchanged)."""
    return hashlib.blake2b(normalise_title(source).encode(), digest_size=8).hexdigest()


MAX_QUOTE = 300  # a milestone's source line, as the review queue shows it
_RELEASE = re.compile(r"\bv?\d+\.(?:\d+|x)(?:\.\d+)?\b")  # a release line: "1.7.0", "v12.x"
_STOP = frozenset("the and for with from into of on at in to a an is are be will meeting".split())


def _same_release(a: frozenset[str], b: frozenset[str]) -> bool:
    """Two titles' versions name one release: equal, or one the other's series ("1.7" and "1.7.0")."""
    return any(x == y or x.startswith(y + ".") or y.startswith(x + ".") for x in a for y in b)


def _shared_word(a: set[str], b: set[str], refs: bool = False) -> bool:
    """Two titles on one date name the same event when they share a content word ("Code Freeze", "Feature Freeze";
    a plural is its word: "All features must have an issue" and "Feature Freeze begins"); with ``refs``, an issue
    number counts too ("Ralf + UnsafeCell bugs (#55005)" and a note under "Arc::drop … #55005")."""
    return any(len(w) >= 4 and w not in _STOP and (not w.isdigit() or (refs and not _YEARLIKE.fullmatch(w)))
               for w in _stems(a) & _stems(b))


_YEARLIKE = re.compile(r"(?:19|20)\d\d")  # a year, not an issue number (shorter numbers are no content words)


def _stems(words: set[str]) -> set[str]:
    return {w[:-1] if len(w) > 4 and w.endswith("s") and not w.endswith("ss") else w for w in words}


_TODO_STEM = re.compile(r"(?:^|[ _.-])(?:todo|todos|to-do|to_do|todo-list|todolist|backlog)$", re.IGNORECASE)


def _todo_list_kind(name: str) -> str | None:
    """"txt" for a todo.txt file (one task a line), "md" for another to-do list file (TODO.md), else None."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    stem, _, ext = base.rpartition(".")
    if not stem:
        stem, ext = base, ""
    if not _TODO_STEM.search(stem):
        return None
    return "txt" if ext.lower() in ("txt", "") else "md"


def _day(value: date | datetime | None) -> date | None:
    return value.date() if isinstance(value, datetime) else value


def extract_text(
    text: str,
    *,
    filename: str | os.PathLike[str],
    reference_date: date | datetime | None = None,
    today: date | None = None,
) -> FileExtraction:
    """Tasks, milestones and (for a document worth one) a note found in one file's text.

    ``filename``: a name or path (its date, if any, is the document's date; its
    stem is the fallback note title). ``reference_date``: the file's
    modification day, the anchor of last resort. ``today``: milestones before
    it are ``completed`` (past events), never dropped.
    """
    name = os.fspath(filename)
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text[:MAX_TEXT]
    todo_list = _todo_list_kind(name)
    lines, units = blocks.units(text, one_line_paragraphs=todo_list == "txt")
    doc_day = dates.doc_date(name, lines)
    anchor = doc_day
    ref = _day(reference_date)
    if anchor is None:
        year = dates.stated_year(text)
        if year is not None and (ref is None or not dates.mentions_year(text, ref.year)):
            anchor = date(year, 7, 1)
        else:
            anchor = ref
    head = text[:50_000]
    named_template = bool(_TEMPLATE_NAME.search(name))
    template = named_template or (
        bool(_PROCESS_NAME.search(name)) and _TICKED.search(head) is None) or (
        any(hint in head for hint in _PLACEHOLDER_HINTS) and len(_PLACEHOLDERS.findall(head)) >= 2)
    first_heading = next((u.text for u in units if u.kind == "heading" and not _CONTENTS.match(u.text)), "")
    about = f"{name.replace('_', ' ')} {first_heading}"  # ("Breakout-Room-Meetings_FOCIL_Meeting-03.md": words)
    minutes = doc_day is not None or bool(_MINUTES_WORDS.search(about)) or \
        bool(re.search(r"\bnotes\b", about, re.IGNORECASE))
    ex = Extractor(units, doc_day=doc_day, anchor=anchor, template=template, todo_list=todo_list, minutes=minutes,
                   ahead=bool(_AHEAD_WORDS.search(about)),
                   own_until=dates.own_days_end(lines, doc_day), file_dated=anchor is not None and anchor == ref,
                   no_file_year=bool(_RECURRING.search(head)) or _release_schedule(name, first_heading),
                   looking_back=kinds.looking_back(about))
    ex.run()
    if named_template:
        ex.milestones.clear()  # a template's dates are examples to replace ("beta.2 is scheduled for …")
    tasks = []
    for t in ex.tasks:
        title = clean_title(t.title)
        if not title or not normalise_title(title):
            continue
        tasks.append(ExtractedTask(title, t.completed, t.due.isoformat() if t.due else None, t.line,
                                   fingerprint(t.source)))
    # (title key, date) → the versions the title names, and the table row it came from (if any)
    seen: dict[tuple[str, str], tuple[frozenset[str], int | None, set[str], frozenset[str]]] = {}
    today = _day(today)
    kept: list[tuple[int, ExtractedMilestone]] = []
    # A calendar table's rows first: an event in both a table and the prose around it ("tl;dr: the cycle
    # begins on Monday, October 1st") is the table's row.
    for order, m in sorted(enumerate(ex.milestones), key=lambda om: (not om[1].row, om[1].borrowed, not om[1].listed)):
        title = _finish_title(_clean_inline(m.title))  # a link's text, as the quote shows it
        key = normalise_title(title)
        if not key:
            continue
        iso = m.day.isoformat()
        words = set(key.split())
        section = set(normalise_title(_clean_inline(m.section)).split()) if m.section else set()
        versions = frozenset(v.lstrip("vV") for v in _RELEASE.findall(title))
        # the releases its title and section name: "v10.24.0 scheduled for …" under "Release plan - v10.x"
        named = versions | frozenset(v.lstrip("vV") for v in _RELEASE.findall(m.section))
        dup = False
        row = m.line if m.row else None
        for (k, d), (theirs, their_row, their_section, their_named) in seen.items():
            if d != iso or (versions and theirs and not _same_release(versions, theirs)):
                continue  # two releases' deadlines on one day are two events
            if row is not None and their_row is not None and row != their_row:
                continue  # two rows of a calendar table are two events
            other = set(k.split())
            # (or one is titled by what the other's section is about: "March 16 — ffi-unwind" in the plan and
            # "meeting scheduled for Mar 16 now" under "**ffi-unwind (BatmanAod)**")
            if k == key or words <= other or other <= words or _shared_word(words, other) or \
                    ((_shared_word(words, their_section, refs=True) or _shared_word(section, other, refs=True))
                     and not (named and their_named and not _same_release(named, their_named))):
                dup = True
                break
        if dup:
            continue
        seen[(key, iso)] = (versions, row, section, named)
        quote = _truncate(_clean_inline(m.source.strip().strip("|").replace("|", "·")), MAX_QUOTE)
        kept.append((order, ExtractedMilestone(title, iso, m.line, fingerprint(m.source),
                                               completed=today is not None and m.day < today,
                                               quote="" if quote.lower() == title.lower() else quote)))
    milestones = [em for _, em in sorted(kept, key=lambda oe: oe[0])]
    used = {t.line for t in tasks} | {m.line for m in milestones}
    note = _note(units, name, bool(tasks or milestones), doc_day is not None, used)
    return FileExtraction(tuple(tasks), tuple(milestones), note)


def _note(units: list[blocks.Unit], name: str, has_items: bool, dated: bool, used: set[int]
          ) -> ExtractedNote | None:
    """A note only for a document worth one: it has tasks or milestones, or reads as minutes or a brief."""
    title: str | None = None
    paragraph: str | None = None
    for u in units[:400]:
        if u.kind == "heading":
            if title is None and u.level == 1:
                title = u.text
            continue
        if u.kind != "para" or u.line in used:
            continue
        if title is None and len(u.text) < 80 and u.text[-1:] not in ".!?" and paragraph is None:
            title = u.text
        elif paragraph is None and u.parent is None:
            paragraph = u.text
        if paragraph is not None and title is not None:
            break
    if paragraph is None:
        return None
    head = " ".join(x for x in (title or "", humanise_stem(name)) if x)
    if not has_items and not (dated and _MINUTES_WORDS.search(head)):
        return None
    title_text = _finish_title(_clean_inline(title)) if title else humanise_stem(name)
    summary = _truncate(_clean_inline(paragraph), MAX_SUMMARY)
    return ExtractedNote(title_text or humanise_stem(name), summary)
