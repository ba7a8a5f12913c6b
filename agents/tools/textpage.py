"""One page of a text file for ``read_file_content``: codec, cut points and the text test.

Pure functions on bytes already read (no I/O); they run on whichever thread
calls them (the tools' worker thread or the database thread).

What counts as text (checked on the whole page returned, not only on the
file's first bytes): no NUL, valid in its codec, and few control characters
that JSON must spell as ``\\u00XX`` (six bytes each): C0 controls other than
backspace, tab, newline, form feed and carriage return. A page where more
than one character in ten (and more than ``CONTROL_ALLOWANCE``) is such a
control is ``unsupported_file`` rather than escaped. So the JSON encoding of
a page's content is at most about 2.4 times its bytes (quotes and backslashes
double, controls grow sixfold): a 1 MB page stays well under the 4 MiB frame.
"""

from __future__ import annotations

from typing import Literal

from agents.errors import ErrorType, ToolError

_UTF16_BOMS = {b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be"}
_UTF8_BOM = b"\xef\xbb\xbf"
CONTROL_ALLOWANCE = 32  # a few escape codes (e.g. ANSI colours) in a short page are fine
_HEAVY = bytes(c for c in range(32) if c not in (8, 9, 10, 12, 13))  # each becomes \u00XX in JSON
_HEAVY_STR = dict.fromkeys(_HEAVY)


def _binary(path: str) -> ToolError:
    return ToolError(ErrorType.UNSUPPORTED_FILE, f"{path} is a binary file, not text")


def sniff(head: bytes, path: str) -> tuple[str, int]:
    """(codec, BOM length) from the file's first bytes; a NUL there makes it ``unsupported_file``."""
    if head[:2] in _UTF16_BOMS and not head.startswith(b"\xff\xfe\x00\x00"):  # not UTF-32
        return _UTF16_BOMS[head[:2]], 2
    if b"\x00" in head:
        raise _binary(path)
    if head.startswith(_UTF8_BOM):
        return "utf-8", len(_UTF8_BOM)
    return "utf-8", 0


def utf8_page(buf: bytes, max_bytes: int, *, at_start: bool = False) -> tuple[int, bytes]:
    """(bytes skipped at the start, page) cut at UTF-8 character boundaries.

    ``buf`` holds up to ``max_bytes + 6`` bytes from the requested start; if it
    is shorter than that, it reaches the end of the file. ``at_start``: the page
    begins the file, so a leading continuation byte is not the middle of a
    character but a file that is not UTF-8 (it is kept, and decoding refuses it).
    """
    skip = 0
    while not at_start and skip < 3 and skip < len(buf) and buf[skip] & 0xC0 == 0x80:
        skip += 1  # the start fell inside a character: begin at the next one
    data = buf[skip:]
    if len(data) > max_bytes:  # not at the end of the file
        cut = max_bytes
        while cut > 0 and data[cut] & 0xC0 == 0x80:
            cut -= 1
        if cut == 0:  # one character longer than max_bytes: return it whole
            cut = 1
            while cut < len(data) and data[cut] & 0xC0 == 0x80:
                cut += 1
        data = data[:cut]
    return skip, data


def utf16_page(buf: bytes, max_bytes: int, byteorder: Literal["little", "big"]) -> tuple[int, bytes]:
    """Like ``utf8_page`` for UTF-16 code units; never splits a surrogate pair."""

    def unit(i: int) -> int:
        return int.from_bytes(buf[i : i + 2], byteorder)  # reads buf as reassigned below

    skip = 2 if len(buf) >= 2 and 0xDC00 <= unit(0) <= 0xDFFF else 0
    buf = buf[skip:]
    if len(buf) > max_bytes:
        cut = max(2, max_bytes - max_bytes % 2)
        if 0xD800 <= unit(cut - 2) <= 0xDBFF:
            cut -= 2
        buf = buf[: cut or 4]
    return skip, buf


def _too_many(controls: int, length: int) -> bool:
    return controls > CONTROL_ALLOWANCE and controls * 10 > length


def decode(data: bytes, codec: str, path: str) -> str:
    """The page as text, or ``unsupported_file`` if it is not text by the rule in the module docstring."""
    if codec == "utf-8":
        # In UTF-8 no byte of a multi-byte character is below 0x80: counting bytes is exact.
        if b"\x00" in data or _too_many(len(data) - len(data.translate(None, _HEAVY)), len(data)):
            raise _binary(path)
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        raise ToolError(ErrorType.UNSUPPORTED_FILE, f"{path} is not valid {codec.upper()} text") from None
    if codec != "utf-8" and ("\x00" in text or _too_many(len(text) - len(text.translate(_HEAVY_STR)), len(text))):
        raise _binary(path)
    return text
