"""``.docx`` and ``.odt``: zip parts read with size caps, XML parsed by ``defusedxml``, walked into lines.

Runs on the caller's thread (see ``agents.documents``). A docx's
``word/document.xml`` (and ``word/styles.xml`` when a paragraph names a
style) and an odt's ``content.xml`` are the only parts read; each is refused
as ``too_large`` if its declared or actual inflated size passes
``MAX_PART_BYTES`` (a zip bomb), and the XML parser refuses DTDs, entity
declarations and external references (billion laughs, XXE).
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

import defusedxml
from defusedxml import ElementTree

from agents.documents.base import MAX_PART_BYTES, MAX_ZIP_MEMBERS, Sink, too_large, unsupported
from agents.documents.lines import emit

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
MAX_BASED_ON = 10  # style inheritance hops followed
_HEADING_NAME = re.compile(r"heading\s*([1-9])$", re.IGNORECASE)


def open_zip(data: bytes, fmt: str) -> zipfile.ZipFile:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise unsupported(f"the file is not a valid {fmt} (not a zip archive: corrupt, or encrypted)") from None
    if len(zf.infolist()) > MAX_ZIP_MEMBERS:
        raise too_large(f"the {fmt} holds more than {MAX_ZIP_MEMBERS:,} parts")
    return zf


def read_part(zf: zipfile.ZipFile, name: str, fmt: str, *, required: bool = True) -> bytes | None:
    """One part's bytes, refused if it would inflate past ``MAX_PART_BYTES`` (declared or actual)."""
    try:
        info = zf.getinfo(name)
    except KeyError:
        if required:
            raise unsupported(f"the {fmt} has no {name}; it is corrupt or not a {fmt}") from None
        return None
    if info.flag_bits & 0x1:
        raise unsupported(f"the {fmt} is encrypted")
    if info.file_size > MAX_PART_BYTES:
        raise too_large(f"{name} of the {fmt} inflates to {info.file_size:,} bytes (at most {MAX_PART_BYTES:,})")
    with zf.open(info) as part:
        raw = part.read(MAX_PART_BYTES + 1)  # a size field that lies cannot make this read more
    if len(raw) > MAX_PART_BYTES:
        raise too_large(f"{name} of the {fmt} inflates past {MAX_PART_BYTES:,} bytes")
    return raw


def parse_xml(raw: bytes, what: str) -> Any:
    try:
        return ElementTree.fromstring(raw, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except defusedxml.DefusedXmlException:
        raise unsupported(f"{what} declares a DTD or XML entities, which are not read") from None
    except ElementTree.ParseError as exc:
        raise unsupported(f"{what} is not well-formed XML ({exc})") from None


# ── docx ────────────────────────────────────────────────────────────────────

_DOCX_SKIP = frozenset({W + "pPr", W + "rPr", W + "delText", W + "instrText", W + "drawing", W + "pict",
                        W + "object", W + "fldData", W + "sdtPr", W + "footnoteReference", MC + "AlternateContent"})
_DOCX_BREAK = frozenset({W + "br", W + "cr"})


def _val(el: Any, tag: str) -> str | None:
    found = el.find(tag)
    return None if found is None else found.get(W + "val")


class _Styles:
    """Heading level and list-ness per paragraph style id, read from styles.xml on first need."""

    def __init__(self, zf: zipfile.ZipFile):
        self._zf = zf
        self._table: dict[str, tuple[int | None, bool, str | None]] | None = None

    def _load(self) -> dict[str, tuple[int | None, bool, str | None]]:
        table: dict[str, tuple[int | None, bool, str | None]] = {}
        raw = read_part(self._zf, "word/styles.xml", "docx", required=False)
        if raw is not None:
            for style in parse_xml(raw, "word/styles.xml").iter(W + "style"):
                sid = style.get(W + "styleId")
                if not sid:
                    continue
                name = (_val(style, W + "name") or "").strip().lower()
                match = _HEADING_NAME.match(name)
                level = int(match.group(1)) if match else 1 if name == "title" else None
                ppr = style.find(W + "pPr")
                listed = False
                if ppr is not None:
                    outline = _val(ppr, W + "outlineLvl")
                    if level is None and outline and outline.isdigit() and int(outline) < 9:
                        level = int(outline) + 1
                    listed = ppr.find(W + "numPr") is not None
                table[sid] = (level, listed, _val(style, W + "basedOn"))
        return table

    def lookup(self, sid: str) -> tuple[int | None, bool]:
        if self._table is None:
            self._table = self._load()
        level, listed = None, False
        for _ in range(MAX_BASED_ON):
            entry = self._table.get(sid)
            if entry is None:
                break
            level = level if level is not None else entry[0]
            listed = listed or entry[1]
            if entry[2] is None:
                break
            sid = entry[2]
        return level, listed


def _docx_text(el: Any, out: list[str]) -> None:
    for child in el:
        tag = child.tag
        if tag == W + "t":
            out.append(child.text or "")
        elif tag == W + "tab":
            out.append("\t")
        elif tag in _DOCX_BREAK:
            out.append("\n")
        elif tag == W + "noBreakHyphen":
            out.append("-")
        elif tag not in _DOCX_SKIP:
            _docx_text(child, out)


def _docx_para(p: Any, sink: Sink, styles: _Styles) -> None:
    out: list[str] = []
    _docx_text(p, out)
    text = "".join(out)
    heading: int | None = None
    indent: int | None = None  # list level, if a list item
    ppr = p.find(W + "pPr")
    if ppr is not None:
        sid = _val(ppr, W + "pStyle")
        if sid:
            heading, listed = styles.lookup(sid)
            indent = 0 if listed else None
        num = ppr.find(W + "numPr")
        if num is not None and _val(num, W + "numId") != "0":
            ilvl = _val(num, W + "ilvl") or "0"
            indent = int(ilvl) if ilvl.isdigit() else 0
        outline = _val(ppr, W + "outlineLvl")
        if heading is None and outline and outline.isdigit() and int(outline) < 9:
            heading = int(outline) + 1
    emit(sink, text, heading=heading, indent=indent)


def _docx_block(el: Any, sink: Sink, styles: _Styles) -> None:
    for child in el:
        tag = child.tag
        if tag == W + "p":
            _docx_para(child, sink, styles)
        elif tag == W + "tbl":
            for row in child.iter(W + "tr"):
                cells = []
                for cell in row.findall(W + "tc"):
                    out: list[str] = []
                    for p in cell.iter(W + "p"):
                        _docx_text(p, out)
                        out.append(" ")
                    cells.append(" ".join("".join(out).split()))
                emit(sink, " | ".join(cells))
        elif tag in (W + "sdt", W + "sdtContent", W + "customXml", W + "ins", W + "smartTag"):
            _docx_block(child, sink, styles)


def docx(data: bytes, sink: Sink) -> None:
    zf = open_zip(data, "docx")
    root = parse_xml(read_part(zf, "word/document.xml", "docx"), "word/document.xml")
    body = root.find(W + "body")
    if body is None:
        raise unsupported("word/document.xml has no body; the docx is corrupt")
    _docx_block(body, sink, _Styles(zf))


# ── odt ─────────────────────────────────────────────────────────────────────

_ODT_SKIP = frozenset({TEXT + "note", OFFICE + "annotation", TEXT + "bookmark-ref", TEXT + "tracked-changes"})


def _odt_text(el: Any, out: list[str]) -> None:
    if el.text:
        out.append(el.text)
    for child in el:
        tag = child.tag
        if tag == TEXT + "s":
            count = child.get(TEXT + "c") or "1"
            out.append(" " * min(int(count) if count.isdigit() else 1, 100))
        elif tag == TEXT + "tab":
            out.append("\t")
        elif tag == TEXT + "line-break":
            out.append("\n")
        elif tag not in _ODT_SKIP:
            _odt_text(child, out)
        if child.tail:
            out.append(child.tail)


def _odt_inline(el: Any) -> str:
    out: list[str] = []
    _odt_text(el, out)
    return "".join(out)


def _odt_block(el: Any, sink: Sink, depth: int | None) -> None:
    """Paragraphs, headings, lists and tables below ``el``; ``depth`` is the list level (None outside lists)."""
    for child in el:
        tag = child.tag
        if tag == TEXT + "h":
            level = child.get(TEXT + "outline-level") or "1"
            emit(sink, _odt_inline(child), heading=int(level) if level.isdigit() else 1)
        elif tag == TEXT + "p":
            emit(sink, _odt_inline(child), continuation=depth)
        elif tag == TEXT + "list":
            level = 0 if depth is None else depth + 1
            for item in child:
                if item.tag in (TEXT + "list-item", TEXT + "list-header"):
                    _odt_item(item, sink, level)
        elif tag == TABLE + "table":
            for row in child.iter(TABLE + "table-row"):
                cells = [" ".join(" ".join(_odt_inline(p) for p in cell.iter(TEXT + "p")).split())
                         for cell in row.findall(TABLE + "table-cell")]
                emit(sink, " | ".join(cells))
        elif tag not in _ODT_SKIP:  # sections, frames, index bodies...
            _odt_block(child, sink, depth)


def _odt_item(item: Any, sink: Sink, level: int) -> None:
    first = True
    for child in item:
        if first and child.tag in (TEXT + "p", TEXT + "h"):
            emit(sink, _odt_inline(child), indent=level)
            first = False
        else:
            _odt_block([child], sink, level)


def odt(data: bytes, sink: Sink) -> None:
    zf = open_zip(data, "odt")
    root = parse_xml(read_part(zf, "content.xml", "odt"), "content.xml")
    body = root.find(OFFICE + "body")
    if body is None:
        raise unsupported("content.xml has no body; the odt is corrupt")
    text = body.find(OFFICE + "text")
    _odt_block(body if text is None else text, sink, None)
