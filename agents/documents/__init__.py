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

from collections.abc import Callable

from agents.documents.base import (
    EXTRACTABLE,
    FORMATS,
    MAX_DOCUMENT_BYTES,
    MAX_EXTRACTED_CHARS,
    MAX_PART_BYTES,
    MAX_PDF_PAGES,
    MAX_ZIP_MEMBERS,
    DocumentError,
    Extracted,
    Sink,
    _Full,
    format_of,
    too_large,
    unsupported,
)

__all__ = [
    "EXTRACTABLE",
    "FORMATS",
    "MAX_DOCUMENT_BYTES",
    "MAX_EXTRACTED_CHARS",
    "MAX_PART_BYTES",
    "MAX_PDF_PAGES",
    "MAX_ZIP_MEMBERS",
    "DocumentError",
    "Extracted",
    "extract_text",
    "format_of",
]


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
