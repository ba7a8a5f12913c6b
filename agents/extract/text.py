"""Titles, matching keys, note titles and project folder names for the rules engine.

Pure string functions, no I/O; safe on any thread. Also the frozen result
types of ``agents.extract.extract_text``.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field

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
    fingerprint: str = field(default="", compare=False)  # of the normalised source text


@dataclass(frozen=True, slots=True)
class ExtractedMilestone:
    title: str
    date: str
    line: int
    fingerprint: str = field(default="", compare=False)
    completed: bool = field(default=False, compare=False)  # before today: a past event
    quote: str = field(default="", compare=False)  # the line it was read from, for the reviewer (or "")


@dataclass(frozen=True, slots=True)
class ExtractedNote:
    title: str
    summary: str


@dataclass(frozen=True, slots=True)
class FileExtraction:
    tasks: tuple[ExtractedTask, ...]
    milestones: tuple[ExtractedMilestone, ...]
    note: ExtractedNote | None


# --- titles and inline markdown -----------------------------------------------------------------

_LINK = re.compile(r"!?\[([^\[\]\n]{0,300})\]\([^()\n]{0,500}\)")
_WIKILINK = re.compile(r"\[\[([^\[\]|\n]{1,200})(?:\|([^\[\]\n]{0,200}))?\]\]")
_CODE = re.compile(r"`([^`\n]+)`")
_STRONG = re.compile(r"(\*\*|__|~~)(?=\S)([^\n]{1,300}?)(?<=\S)\1")
_EM_STAR = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]+?)(?<=\S)\*(?![\w*])")
_EM_UNDER = re.compile(r"(?<![\w_])_(?=[^\s_])([^_\n]+?)(?<=\S)_(?![\w_])")
_EMPTY_BRACKETS = re.compile(r"\(\s*\)|\[\s*\]")

_SEPARATORS = " \t-–—:|@,;/"
_TRAILING = " \t.,;:!-–—|@/"


_HTML_TAG = re.compile(r"</?(?:details|summary|span|div|p|br|b|i|em|strong|sup|sub|small|font|u|center)\b"
                       r"[^<>\n]{0,200}>", re.IGNORECASE)


def clean_title(s: str) -> str:
    """A task or milestone title: emphasis and code ticks unwrapped, markdown links kept as written."""
    return _finish_title(_clean_inline(s, links=False))


def _clean_inline(s: str, *, links: bool = True) -> str:
    """Wiki links, code and emphasis unwrapped to their text (markdown links too unless ``links`` is
    false); whitespace collapsed."""
    if "[" in s:
        s = _WIKILINK.sub(lambda m: m.group(2) or m.group(1), s)
        if links:
            s = _LINK.sub(r"\1", s)
    if "`" in s:
        s = _CODE.sub(r"\1", s)
    if "<" in s:
        s = _HTML_TAG.sub(" ", s)  # "<details> <summary>ACD 107: March 5</summary>": the markup is no title
    if "*" in s or "_" in s or "~" in s:
        s = _STRONG.sub(r"\2", s)
        s = _EM_STAR.sub(r"\1", s)
        s = _EM_UNDER.sub(r"\1", s)
        if s.count("**") % 2:  # half a pair left by a cut ("Colin:** Post the link"): no emphasis
            s = s.replace("**", "")
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
    s = " ".join(s.split())
    lead = s.lstrip(_SEPARATORS.replace("@", ""))
    if lead[:1] == "@" and lead[1:2].isalnum():  # "@ofrobots to open an issue": the handle keeps its "@"
        s = lead.rstrip(_SEPARATORS).rstrip(_TRAILING)
    else:
        s = s.strip(_SEPARATORS).rstrip(_TRAILING)
    first = s.split(" ", 1)[0]
    if first.isalpha() and first.islower():
        s = s[0].upper() + s[1:]
    return _truncate(s, MAX_TITLE)


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


# --- notes ----------------------------------------------------------------------------------------

_STEM_DASH = re.compile(r"(?<!\d)-|-(?!\d)")


def humanise_stem(filename: str | os.PathLike[str]) -> str:
    """``"Acme/meeting-notes_2026-11-18.md"`` -> ``"Meeting notes 2026-11-18"``."""
    name = os.fspath(filename).replace("\\", "/").rsplit("/", 1)[-1].lstrip(".")
    stem = name.rsplit(".", 1)[0] if "." in name else name
    words = " ".join(_STEM_DASH.sub(" ", stem.replace("_", " ")).split())
    return (words[:1].upper() + words[1:]) if words else "Untitled"


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
