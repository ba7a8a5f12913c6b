"""``.pdf`` via pypdf: the text of each page, with lines the renderer wrapped joined back.

Runs on the caller's thread (see ``agents.documents``). At most
``MAX_PDF_PAGES`` pages are read (the text is then marked truncated); pypdf caps each stream's decompressed size
itself (75 MB, ``LimitReachedError``). An encrypted PDF is tried with the
empty user password (most "protected" PDFs open that way) and is otherwise
``unsupported_file``.

PDF has no paragraphs, only positioned lines: a long paragraph or list item
comes out as several lines. ``rejoin`` puts a line back onto the one before
it when that one reached (nearly) the page's longest line, or was justified
(stretched by wide gaps to the margin), and this one does not
start a new item (no indentation, no bullet, number, checkbox or heading
mark, and not a capitalised start after a sentence end). Runs of spaces that
justification put between words are collapsed to one.
"""

from __future__ import annotations

import io
import re

from agents.documents.base import MAX_PDF_PAGES, Sink, unsupported
from agents.documents.lines import emit, normalise_marker

FULL_WIDTH = 0.7  # a line this fraction of the page's longest line may have wrapped
_STARTS_ITEM = re.compile(r"(?:[-*+]\s|\d{1,3}[.)]\s|\[[ xX]\]|#|>|\|)")
_GAPS = re.compile(r"(?<=\S)[ \u00a0]{2,}(?=\S)")


def rejoin(page: str) -> list[str]:
    """The page's lines with wrapped continuations joined back and justification gaps collapsed."""
    raw = [line.rstrip() for line in page.split("\n")]
    width = max((len(line.strip()) for line in raw), default=0)
    out: list[str] = []
    wrapped = False  # the last raw line reached the right margin (nearly full width, or justified)
    for line in raw:
        if (
            wrapped
            and line
            and not line[0].isspace()
            and not _STARTS_ITEM.match(line)
            and not (out[-1][-1] in ".:!?" and line[0].isupper())
        ):
            out[-1] += " " + _GAPS.sub(" ", line)
        else:
            out.append(normalise_marker(_GAPS.sub(" ", line)))
        body = line.strip()
        wrapped = bool(body) and (len(body) >= FULL_WIDTH * width or _GAPS.search(body) is not None)
    return out


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
    for number in range(count):
        if number:
            sink.line("")
        for line in rejoin(reader.pages[number].extract_text() or ""):
            emit(sink, line)
