"""Text from documents: ``.docx``, ``.odt``, ``.pdf``, ``.rtf``, ``.html``/``.htm`` and ``.eml`` bytes in, text out.

Pure and Qt-free: ``extract_text(data, suffix, max_chars=...)`` takes the bytes
the caller read (the filesystem sandbox opens the file race-free and hands
them over) and returns ``Extracted(text, format, truncated)``. It does no I/O
of its own and runs on whatever thread calls it (the tools' worker thread or
the database thread of a local run); the parsing libraries are imported on
first use, so importing this package costs nothing.

The text keeps the document's line structure for the line-based extractor
(``agents.extract``): one paragraph per line, headings as ``# ``, list items
as ``- `` (indented two spaces per level), checkboxes as ``[ ]``/``[x]``,
table rows as cells joined by `` | ``.

Errors are ``DocumentError`` (a ``ToolError``): ``unsupported_file`` for a
corrupt, encrypted or unparseable document, ``too_large`` for input past
``MAX_DOCUMENT_BYTES`` or a part that would inflate past ``MAX_PART_BYTES``,
``timeout`` when ``deadline`` passes. Every library exception is caught and
mapped; nothing else escapes.

Bounds against hostile files: the input size; each zip part's declared *and*
actual inflated size (read at most cap+1 bytes); XML parsed by ``defusedxml``
with DTDs, entities and external references forbidden; PDFs at most
``MAX_PDF_PAGES`` pages, pypdf's own per-stream decompression caps (75 MB);
the output stops at ``max_chars``. Time: ``deadline`` (a ``time.monotonic()``
value) is checked between pages, paragraphs and parts; one PDF page or one
XML part is not interruptible, so a single pathological page can overrun the
deadline by the time pypdf spends on it (each is bounded by the caps above).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from agents.errors import ErrorType, ToolError

__all__ = [
    "EXTRACTABLE",
    "FORMATS",
    "MAX_DOCUMENT_BYTES",
    "MAX_EXTRACTED_CHARS",
    "MAX_PART_BYTES",
    "MAX_PDF_PAGES",
    "DocumentError",
    "Extracted",
    "extract_text",
    "format_of",
]

FORMATS: dict[str, str] = {
    ".docx": "docx", ".odt": "odt", ".pdf": "pdf", ".rtf": "rtf",
    ".html": "html", ".htm": "html", ".eml": "eml",
}
EXTRACTABLE = frozenset(FORMATS)

MAX_DOCUMENT_BYTES = 50_000_000  # the file itself; a caller should check st_size before reading
MAX_PART_BYTES = 64_000_000  # one inflated zip part (document.xml, content.xml, styles.xml)
MAX_ZIP_MEMBERS = 10_000
MAX_PDF_PAGES = 600  # pypdf takes ~10-26 ms a page here: 600 pages stay inside one tool deadline
MAX_EXTRACTED_CHARS = 2_000_000  # the default output cap (what the rules engine reads of a file)


class DocumentError(ToolError):
    """A document that cannot be turned into text; ``type`` is the protocol's error type."""


@dataclass(frozen=True, slots=True)
class Extracted:
    text: str
    format: str  # "docx", "odt", "pdf", "rtf", "html" or "eml"
    truncated: bool = False  # the text stopped at max_chars


def format_of(suffix: str) -> str | None:
    """The format name for a file suffix (``".PDF"`` → ``"pdf"``), or None if not extractable."""
    return FORMATS.get(suffix.lower())


class Sink:
    """Collects output lines up to ``max_chars`` and checks the deadline as it goes."""

    def __init__(self, max_chars: int, deadline: float | None):
        self.parts: list[str] = []
        self.left = max_chars
        self.deadline = deadline
        self.truncated = False

    def line(self, text: str) -> None:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise DocumentError(ErrorType.TIMEOUT, "extracting the document's text took too long")
        text += "\n"
        if len(text) > self.left:
            self.parts.append(text[: self.left])
            self.left = 0
            self.truncated = True
            raise _Full
        self.parts.append(text)
        self.left -= len(text)

    def text(self) -> str:
        return "".join(self.parts).rstrip("\n")


class _Full(Exception):
    """Raised by ``Sink.line`` to stop a walk once ``max_chars`` are collected."""


def unsupported(message: str) -> DocumentError:
    return DocumentError(ErrorType.UNSUPPORTED_FILE, message)


def too_large(message: str) -> DocumentError:
    return DocumentError(ErrorType.TOO_LARGE, message)


def _walker(fmt: str) -> Callable[[bytes, Sink], None]:
    if fmt in ("docx", "odt"):
        from agents.documents import office

        return office.docx if fmt == "docx" else office.odt
    if fmt == "pdf":
        from agents.documents import pdf

        return pdf.pdf
    from agents.documents import markup

    return {"rtf": markup.rtf, "html": markup.html, "eml": markup.eml}[fmt]


def extract_text(
    data: bytes, suffix: str, *, max_chars: int = MAX_EXTRACTED_CHARS, deadline: float | None = None
) -> Extracted:
    """The text of a document given as bytes; ``suffix`` (``".docx"``...) names its format.

    Stops at ``max_chars`` characters (``truncated`` is then true). Raises
    ``DocumentError``: ``unsupported_file`` (not an extractable suffix,
    corrupt, encrypted), ``too_large``, ``timeout`` (``deadline`` passed).
    """
    fmt = format_of(suffix)
    if fmt is None:
        raise unsupported(f"{suffix or 'a file without extension'} is not a document format text can be taken from")
    if len(data) > MAX_DOCUMENT_BYTES:
        raise too_large(f"the document is {len(data):,} bytes; at most {MAX_DOCUMENT_BYTES:,} are read")
    sink = Sink(max(0, max_chars), deadline)
    try:
        _walker(fmt)(data, sink)
    except _Full:
        pass
    except DocumentError:
        raise
    except RecursionError:
        raise unsupported(f"the {fmt} document is nested too deeply to read") from None
    except MemoryError:
        raise too_large(f"the {fmt} document needs more memory than it may use") from None
    except Exception as exc:  # every library error of a corrupt or hostile file
        raise unsupported(f"the {fmt} document cannot be read ({type(exc).__name__}: {str(exc)[:200]})") from None
    return Extracted(sink.text(), fmt, sink.truncated)
