"""The shared parts of ``agents.documents``: limits, formats, ``Extracted``, the ``Sink`` and errors.

The format modules (``markup``, ``office``, ``pdf``, ``lines``) import these from here rather than
from the package, so the package can import them on first use without a cycle. Pure; any thread.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from agents.errors import AdiuvaError, ErrorType, ToolError

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


class _Full(AdiuvaError):
    """Raised by ``Sink.line`` to stop a walk once ``max_chars`` are collected."""


def unsupported(message: str) -> DocumentError:
    return DocumentError(ErrorType.UNSUPPORTED_FILE, message)


def too_large(message: str) -> DocumentError:
    return DocumentError(ErrorType.TOO_LARGE, message)
