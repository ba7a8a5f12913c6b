"""``.pdf`` via pypdf: the text of each page, with the lines the renderer wrapped joined back and the blank
lines between paragraphs put back.

Runs on the caller's thread (see ``agents.documents``). At most ``MAX_PDF_PAGES`` pages are read (the text is
then marked truncated); pypdf caps each stream's decompressed size itself (75 MB, ``LimitReachedError``). An
encrypted PDF is tried with the empty user password (most "protected" PDFs open that way) and is otherwise
``unsupported_file``.

PDF has no paragraphs, only positioned runs of text: a long paragraph or list item comes out as several lines,
and an empty line is only a wider gap. ``page_lines`` reads each rendered line with where it starts and ends
(pypdf's layout-mode text operations, which apply the fonts' glyph widths), and ``Rejoiner`` decides as the
renderer did: a line was wrapped when the next line's first word would not have fitted after it before the
right margin (a justified line reaches the margin exactly); a gap of more than one and a half line steps (the
smallest gap between baselines so far) is an empty line. The margin is the longest line's end, trusted as the
margin when two lines or more end there (justified text); a line short of it continues only when the next
does not start an item. When pypdf's layout data cannot be had, ``rejoin`` works on the plain text alone: a
line that reached (nearly) the page's longest line or was justified (wide gaps) continues onto the next
unless that one starts a new item.
"""

from __future__ import annotations

import io
import itertools
import re
import statistics
from dataclasses import dataclass

from agents.documents.base import MAX_PDF_PAGES, Sink, unsupported
from agents.documents.lines import emit, normalise_marker

FULL_WIDTH = 0.7  # (plain text) a line this fraction of the page's longest line may have wrapped
_STARTS_ITEM = re.compile(r"(?:[-*+]\s|\d{1,3}[.)]\s|\[[ xX]\]|#|>|\|)")
_GAPS = re.compile(r"(?<=\S)[ \u00a0]{2,}(?=\S)")
_WORD_GAP = re.compile(r"(?<=\S) +(?=\S)")
_EDGE = 0.75  # points: a line ending this close to the margin reached it


@dataclass
class Line:
    """One rendered line: its text, where it starts and ends (points from the page's leftmost text), its
    font size, and how far below the line above it on the page its baseline is (0 for a page's first)."""

    text: str
    x0: float
    x1: float
    size: float
    gap: float = 0.0


def rejoin(page: str) -> list[str]:
    """The page's lines with wrapped continuations joined back and justification gaps collapsed."""
    raw = [line.rstrip() for line in page.split("\n")]
    width = max((len(line.strip()) for line in raw), default=0)
    out: list[str] = []
    wrapped = False  # the last raw line reached the right margin (nearly full width, or justified)
    for line in raw:
        if wrapped and line and not line[0].isspace() and not _new_item(out[-1], line):
            out[-1] += " " + _GAPS.sub(" ", line)
        else:
            out.append(normalise_marker(_GAPS.sub(" ", line)))
        body = line.strip()
        wrapped = bool(body) and (len(body) >= FULL_WIDTH * width or _GAPS.search(body) is not None)
    return out


def _new_item(before: str, line: str) -> bool:
    """``line`` starts an item of its own (a bullet, number, checkbox, heading, quote or table row) or a sentence
    after one that ended."""
    return _STARTS_ITEM.match(line) is not None or (before[-1:] in ".:!?" and line[:1].isupper())


def page_lines(page) -> list[Line] | None:
    """The page's rendered lines top to bottom, or None when pypdf's layout data is unavailable."""
    try:  # pypdf's layout mode (extract_text(extraction_mode="layout")) stops at a fixed-width rendering; its
        # text operations, with their start and displaced end, are what is needed here
        from pypdf._text_extraction import _layout_mode
        from pypdf.generic import ArrayObject, ContentStream, StreamObject

        contents = page.get("/Contents")
        contents = contents.get_object() if contents is not None else None
        if not isinstance(contents, (ArrayObject, StreamObject)):
            return []
        ops = iter(ContentStream(contents, page.pdf, "bytes").operations)
        groups = _layout_mode.text_show_operations(ops, page._layout_mode_fonts(), True, None)
        by_y = _layout_mode.y_coordinate_groups(groups)
    except Exception:  # a private API of pypdf, or a page it cannot lay out: the plain text is used
        return None
    lines: list[Line] = []
    ys: list[float] = []
    for _, runs in sorted(by_y.items(), key=lambda item: -item[0]):
        runs = sorted(runs, key=lambda r: r["tx"])
        text, end = "", None
        for run in runs:
            piece = run["text"].replace("\n", " ")
            if end is not None and text and not text[-1].isspace() and piece[:1] not in ("", " ") and \
                    run["tx"] - end > 0.2 * (run["font_size"] or 10):
                text += " "
            text += piece
            end = run["displaced_tx"] if end is None else max(end, run["displaced_tx"])
        if not text.strip():
            continue
        ys.append(runs[0]["ty"])
        lines.append(Line(text.rstrip(), runs[0]["tx"], end or 0.0, runs[0]["font_size"] or 10.0))
    for line, (above, below) in zip(lines[1:], itertools.pairwise(ys), strict=True):
        line.gap = above - below
    return lines


class Rejoiner:
    """Joins wrapped lines back and puts empty lines back, page by page: what it knows of the margin and the
    width of a character grows with each page, and the last line stays open for the next page to continue."""

    def __init__(self) -> None:
        self.margin = 0.0  # the longest line's end so far
        self.at_margin = 0  # lines that end there: two or more and the text is justified
        self.widths: list[float] = []  # points per character of lines short of the margin
        self.step = 0.0  # the line step: the smallest gap between baselines (not under a line's font size)
        self.before: Line | None = None
        self.out: list[str] = []

    def page(self, lines: list[Line]) -> list[str]:
        """Take one page's lines; return the lines that are now complete."""
        if lines:
            longest = max(line.x1 for line in lines)
            if longest > self.margin + _EDGE:
                self.margin, self.at_margin = longest, 0
            self.at_margin += sum(line.x1 >= self.margin - _EDGE for line in lines)
            self.widths += [(ln.x1 - ln.x0) / len(ln.text) for ln in lines
                            if ln.x1 < self.margin - _EDGE and len(ln.text) >= 8]
            steps = [ln.gap for ln in lines if ln.gap >= 0.8 * ln.size]
            if steps:
                self.step = min(steps + ([self.step] if self.step else []))
        justified, margin = self.at_margin >= 2, self.margin
        char = statistics.median(self.widths) if self.widths else None
        for line in lines:
            text, before = line.text, self.before
            self.before = line
            blank = bool(self.step) and line.gap > 1.5 * self.step
            if before is not None and not blank and \
                    _wrapped(before, line, margin, justified, char, self.out[-1]):
                # a single word that filled the line was broken inside itself (a long URL): no space
                broken = " " not in before.text.strip() and before.x1 + 2 * (char or 0.5 * before.size) >= margin
                self.out[-1] += ("" if broken else " ") + _GAPS.sub(" ", text.strip())
                continue
            if before is not None and blank:
                self.out.append("")
            indent = len(text) - len(text.lstrip())
            gaps = [len(g) for g in _WORD_GAP.findall(text, indent)] if _GAPS.search(text, indent) else []
            # a justified line (or, in a short text, a line whose every gap is stretched): single spaces
            if (justified and line.x1 >= margin - _EDGE) or (len(gaps) >= 3 and min(gaps) >= 3):
                # its indentation was stretched as much as its narrowest gap ("        *      Add" was "    *   Add")
                text = " " * round(indent / max(1, min(gaps, default=1))) + _GAPS.sub(" ", text[indent:])
            self.out.append(normalise_marker(text))
        done, self.out = self.out[:-1], self.out[-1:]
        return done

    def flush(self) -> list[str]:
        """The open line; the next page starts afresh."""
        done, self.out, self.before = self.out, [], None
        return done


def rejoin_lines(lines: list[Line]) -> list[str]:
    """A document's lines (one page or several) with wrapped continuations joined back and empty lines put back."""
    joiner = Rejoiner()
    return joiner.page(lines) + joiner.flush()


def _wrapped(before: Line, line: Line, margin: float, justified: bool, char: float | None, so_far: str) -> bool:
    """Whether ``line`` continues ``before``: the renderer moved its first word down because it did not fit.
    A justified line reached the margin and says so; otherwise the word's width is estimated, and a line that
    starts an item is taken as one (a line of the source may end near the margin on its own)."""
    if justified and before.x1 >= margin - _EDGE:
        return True
    word = line.text.lstrip().split(" ", 1)[0]
    width = (char or 0.5 * line.size) * (len(word) + 1)
    return bool(word) and not line.text[:1].isspace() and before.x1 + width > margin + _EDGE and \
        not _new_item(so_far, line.text)


def pdf(data: bytes, sink: Sink) -> None:
    import pypdf  # imported on first use: ~40 ms and a few MB the app does not need otherwise
    from pypdf.errors import DependencyError, FileNotDecryptedError

    reader = pypdf.PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        try:
            if not reader.decrypt(""):
                raise unsupported("the pdf is encrypted with a password")
        except (FileNotDecryptedError, NotImplementedError, DependencyError):
            raise unsupported("the pdf is encrypted and cannot be opened without its password") from None
    count = len(reader.pages)
    if count > MAX_PDF_PAGES:  # the first pages are read; the text is marked truncated
        count, sink.truncated = MAX_PDF_PAGES, True
    joiner = Rejoiner()
    for number in range(count):
        page = reader.pages[number]
        lines = page_lines(page)
        plain = None if lines else page.extract_text() or ""
        if plain is not None and plain.strip():  # no layout data (or text it could not place): the plain text
            done = joiner.flush()
            for line in done + ([""] if done else []) + rejoin(plain):
                emit(sink, line)
            continue
        for line in joiner.page(lines or []):
            emit(sink, line)
    for line in joiner.flush():
        emit(sink, line)
