"""Text from documents (agents.documents): each format from real bytes, line structure, hostile files."""

from __future__ import annotations

import io
import json
import re
import time
import zipfile
from datetime import date
from email.message import EmailMessage
from pathlib import Path

import pytest

from agents import documents, extract
from agents.documents import EXTRACTABLE, MAX_PART_BYTES, DocumentError, Extracted, extract_text, format_of
from agents.errors import ErrorType, ToolError

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "extraction-corpus"
PAIRS = ["electron_governance__wg-community-safety_meeting-notes_2019-10-03", "nodejs_Release__doc_meetings_2019-01-17"]

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx_bytes(body: str, styles: str | None = None, *, extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal .docx: word/document.xml with ``body`` inside <w:body> (and styles.xml if given)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", f'<?xml version="1.0"?><w:document xmlns:w="{W_NS}"><w:body>{body}'
                    "</w:body></w:document>")
        if styles is not None:
            zf.writestr("word/styles.xml", f'<w:styles xmlns:w="{W_NS}">{styles}</w:styles>')
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return buf.getvalue()


def para(text: str, ppr: str = "") -> str:
    return f'<w:p>{ppr and f"<w:pPr>{ppr}</w:pPr>"}<w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


def odt_bytes(body: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.text", compress_type=zipfile.ZIP_STORED)
        zf.writestr("content.xml", (
            '<?xml version="1.0"?><office:document-content '
            'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
            'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0">'
            f"<office:body><office:text>{body}</office:text></office:body></office:document-content>"
        ))
    return buf.getvalue()


def kind(exc: pytest.ExceptionInfo[DocumentError]) -> ErrorType:
    assert isinstance(exc.value, ToolError)
    return exc.value.type


# ── the API ─────────────────────────────────────────────────────────────────


def test_extractable_suffixes_and_formats():
    """Every format PROTOCOL.md names is extractable, matched case-insensitively; others are not."""
    assert {".docx", ".odt", ".pdf", ".rtf", ".html", ".eml"} <= EXTRACTABLE
    assert format_of(".PDF") == "pdf" and format_of(".htm") == "html"
    assert format_of(".png") is None and format_of("") is None


def test_other_suffix_is_unsupported_file():
    """A suffix that is not a document format is refused as unsupported_file."""
    with pytest.raises(DocumentError) as exc:
        extract_text(b"\x89PNG\r\n", ".png")
    assert kind(exc) == ErrorType.UNSUPPORTED_FILE


def test_importing_the_package_loads_no_parser():
    """Importing agents.documents does not import pypdf, striprtf or defusedxml (they load on first use)."""
    import subprocess
    import sys

    code = ("import sys, agents.documents; "
            "print(sorted(m for m in ('pypdf', 'striprtf', 'defusedxml') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[2])
    assert out.stdout.strip() == "[]"


# ── the corpus twins: the same action items as the .md ───────────────────────


def _tokens(text: str) -> set[str]:
    return set(re.findall(r"[^\W_]+", text.lower()))


def _label_lines_found(text: str, labels: list[dict]) -> int:
    """How many labelled tasks stand (>= 90 % of their words) on one line of ``text``."""
    lines = [_tokens(line) for line in text.splitlines()]
    return sum(any(len(_tokens(lab["text"]) & got) >= 0.9 * len(_tokens(lab["text"])) for got in lines)
               for lab in labels)


@pytest.mark.parametrize("stem", PAIRS)
@pytest.mark.parametrize("suffix", [".docx", ".pdf"])
def test_corpus_document_has_the_action_item_lines_of_its_md_twin(stem, suffix):
    """The corpus .docx/.pdf text holds every labelled task on one line, as its .md twin does, and the
    rules extractor finds within 0.1 of the tasks it finds in the .md."""
    doc, md = CORPUS / f"{stem}{suffix}", CORPUS / f"{stem}.md"
    if not (doc.exists() and md.exists() and (CORPUS / "labels.json").exists()):
        pytest.skip("the extraction corpus is not beside the project")
    entry = json.loads((CORPUS / "labels.json").read_text())["files"][doc.name]
    got = extract_text(doc.read_bytes(), suffix)
    assert got.format == suffix[1:] and not got.truncated
    twin = md.read_text(encoding="utf-8")
    labels = entry["tasks"]
    assert _label_lines_found(twin, labels) == len(labels)
    assert _label_lines_found(got.text, labels) == len(labels)
    ref = date.fromisoformat(entry["doc_date"])
    from_md = {t.title for t in extract.extract_text(twin, filename=md.name, reference_date=ref).tasks}
    from_doc = {t.title for t in extract.extract_text(got.text, filename=doc.name, reference_date=ref).tasks}
    assert len(from_doc & from_md) >= len(from_md) - 0.1 * max(len(labels), 1)


def test_corpus_pdf_rejoins_wrapped_lines():
    """A checkbox item the PDF renderer wrapped over two lines comes back as one line."""
    doc = CORPUS / f"{PAIRS[0]}.pdf"
    if not doc.exists():
        pytest.skip("the extraction corpus is not beside the project")
    text = extract_text(doc.read_bytes(), ".pdf").text
    assert ("    * [x] Create PR to add minimum attendance and ongoing participation requirements for governance "
            "membership to charter (@ckerr)") in text.splitlines()


def _pdf_of_lines(lines: list[tuple[int, int, str | list]]) -> bytes:
    """A one-page PDF (400 × 400 pt) showing each ``(x, y, text)`` at 10 pt in a Type1 font whose glyphs are all
    500 units wide (5 pt), so a 72-character line spans the text width from x 20 to 380; a list is a TJ array."""
    def show(t: str | list) -> bytes:
        if isinstance(t, str):
            return b"(" + t.encode() + b") Tj"
        return b"[" + b" ".join(b"(" + p.encode() + b")" if isinstance(p, str) else b"%d" % p for p in t) + b"] TJ"
    body = b"".join(b"BT /F1 10 Tf %d %d Td " % (x, y) + show(t) + b" ET\n" for x, y, t in lines)
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 400 400] /Resources << /Font << /F1 5 0 R >> >> "
            b"/Contents 4 0 R >>",
            b"<< /Length %d >>\nstream\n" % len(body) + body + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier /FirstChar 32 /LastChar 126 /Widths ["
            + b"500 " * 95 + b"] >>"]
    out, offsets = bytearray(b"%PDF-1.7\n"), []
    for number, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer << /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def _justified(text: str, width: int = 72) -> list:
    """``text`` stretched to ``width`` characters by TJ offsets between its words, as a justifying renderer does."""
    words = text.split(" ")
    extra = (width - len(text)) * 500 / (len(words) - 1)
    out: list = []
    for n, word in enumerate(words):
        out += [word + " ", -round(extra)] if n < len(words) - 1 else [word]
    return out


def test_pdf_lines_are_rejoined_by_where_they_end_and_gaps_are_empty_lines():
    """A justified line reaches the margin, so the next continues it even after a full stop and a capital; a
    line that ends short of the margin where the next word would have fitted is a line of its own; one that
    ends near the margin before '## Agenda' is too; a long URL broken inside itself is glued back; a gap of two
    line steps is an empty line."""
    url = "https://example.com/" + "a" * 52  # exactly the text width: the renderer broke it inside
    lines = [(20, 370, "## Action items"),
             (20, 342, _justified("- Alice to send the invoice to the client before the end of")),
             (20, 328, _justified("the month, with the timesheet and the receipts from March.")),
             (20, 314, "Then file it."),
             (20, 300, "- Bob to review the draft"),
             (20, 286, "- Carol: review the draft for the client and send it back within a wk"),
             (20, 272, "## Agenda"),
             (20, 244, "See"), (20, 230, url), (20, 216, "bbbbbb for the rest.")]
    assert extract_text(_pdf_of_lines(lines), ".pdf").text.splitlines() == [
        "## Action items", "",
        "- Alice to send the invoice to the client before the end of the month, with the timesheet and the "
        "receipts from March. Then file it.",
        "- Bob to review the draft",
        "- Carol: review the draft for the client and send it back within a wk",
        "## Agenda", "",
        f"See {url}bbbbbb for the rest."]



def test_a_justified_lines_stretched_indentation_is_read_as_written():
    """A renderer that justifies by widening every space (TJ offsets, as fpdf2 does with a Unicode font) widens a
    sub-item's leading spaces too: "    - Add …" stretched reads as 8 spaces, a deeper level. Its indentation is
    scaled back by the line's narrowest gap, so the item stays a sibling of the next one."""
    item = "    - Add language on how an atomic patch applies when resumed"  # 62 characters, 14 spaces
    words, extra = item.split(" "), -round((72 - len(item)) * 500 / item.count(" "))
    stretched = [p for word in words[:-1] for p in (word + " ", extra)] + [words[-1]]
    lines = [(20, 370, "## Action items"), (20, 356, "- **Uploads:**"), (20, 342, stretched),
             (20, 328, "to the upload."), (20, 314, "    - Deprecate the old scheme"),
             (20, 286, _justified("The chairs will send this summary to the list once the meeting is over and")),
             (20, 272, "done.")]
    assert extract_text(_pdf_of_lines(lines), ".pdf").text.splitlines() == [
        "## Action items", "- **Uploads:**",
        "    - Add language on how an atomic patch applies when resumed to the upload.",
        "    - Deprecate the old scheme", "",
        "The chairs will send this summary to the list once the meeting is over and done."]


def test_a_lone_stretched_line_in_a_short_text_is_read_as_written():
    """One wrapped, justified line in a text too short to show its margin: every gap of it is wide, so it is
    read as justified (single spaces, its indentation scaled back), and the checkbox stays a sub-item."""
    item = "  - [ ] [Qualifying a tracked issue](https://x.org/1)"  # 50 characters, 7 spaces
    words, extra = item.split(" "), -round((72 - len(item)) * 500 / item.count(" "))
    stretched = [p for word in words[:-1] for p in (word + " ", extra)] + [words[-1]]
    lines = [(20, 370, "- [ ] Sample searches"), (20, 356, stretched), (20, 342, "now.")]
    assert extract_text(_pdf_of_lines(lines), ".pdf").text.splitlines() == [
        "- [ ] Sample searches", "  - [ ] [Qualifying a tracked issue](https://x.org/1) now."]


def test_pdf_empty_lines_are_read_from_the_smallest_line_step():
    """In minutes where most lines stand between empty ones, the gap of two line steps is still an empty line:
    the step is the smallest gap between baselines, not the most common one."""
    lines = [(20, 370, "Notes"), (20, 342, "Patrick: on a phone, apps share the network"),
             (20, 314, "ACTION: follow up on this issue"), (20, 286, "- a"), (20, 272, "- b")]
    assert extract_text(_pdf_of_lines(lines), ".pdf").text.splitlines() == [
        "Notes", "", "Patrick: on a phone, apps share the network", "", "ACTION: follow up on this issue", "",
        "- a", "- b"]

# ── each format from bytes made here ────────────────────────────────────────


def test_docx_headings_lists_checkboxes_tables():
    """docx: heading styles → '#', numbered paragraphs → '- ' by level, ☐/☒ → [ ]/[x], table rows → cells."""
    styles = ('<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/></w:style>'
              '<w:style w:type="paragraph" w:styleId="Mine"><w:name w:val="Mine"/>'
              '<w:basedOn w:val="Heading1"/></w:style>'
              '<w:style w:type="paragraph" w:styleId="ListBullet"><w:name w:val="List Bullet"/>'
              '<w:pPr><w:numPr><w:numId w:val="3"/></w:numPr></w:pPr></w:style>')
    num = '<w:numPr><w:ilvl w:val="{}"/><w:numId w:val="1"/></w:numPr>'
    body = "".join([
        para("Weekly sync", '<w:pStyle w:val="Heading1"/><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs>'),
        para("Action items", '<w:pStyle w:val="Mine"/>'),
        para("Alice to send the invoice", num.format(0)),
        para("detail of it", num.format(1)),
        para("☐ Bob to fix the build", '<w:pStyle w:val="ListBullet"/>'),
        para("☒ Carol renewed the domain"),
        '<w:p><w:r><w:t>first</w:t><w:br/><w:t>second</w:t><w:tab/><w:t>tabbed</w:t></w:r>'
        '<w:del><w:r><w:delText>gone</w:delText></w:r></w:del></w:p>',
        '<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Who</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>What</w:t></w:r></w:p>'
        '</w:tc></w:tr><w:tr><w:tc><w:p><w:r><w:t>Dan</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Review</w:t>'
        '</w:r></w:p></w:tc></w:tr></w:tbl>',
    ])
    got = extract_text(docx_bytes(body, styles), ".docx")
    assert got == Extracted(
        "# Weekly sync\n# Action items\n- Alice to send the invoice\n  - detail of it\n- [ ] Bob to fix the build\n"
        "[x] Carol renewed the domain\nfirst\nsecond tabbed\nWho | What\nDan | Review", "docx", False)
    found = extract.extract_text(got.text, filename="x.docx", reference_date=date(2026, 1, 1))
    assert {"Alice to send the invoice", "Bob to fix the build"} <= {t.title for t in found.tasks}


def test_a_tick_glyph_is_no_checkbox():
    """'✅ - Complete' in a status legend and '✓ represents …' stay as written, as in the Markdown they were
    copied from; only checkbox glyphs (☐ ☒ ☑) become [ ]/[x]."""
    body = "".join(para(t) for t in ("✅ - Complete", "    ✓ represents an item that was presented", "☑ Sent it"))
    got = extract_text(docx_bytes(body, ""), ".docx")
    assert got.text.splitlines() == ["✅ - Complete", "    ✓ represents an item that was presented", "[x] Sent it"]
    found = extract.extract_text(got.text, filename="x.docx", reference_date=date(2026, 1, 1))
    assert [t.title for t in found.tasks] == ["Sent it"]


def test_odt_headings_nested_lists_spaces_table():
    """odt: text:h → '#' by outline level, nested lists → indented '- ', text:s → spaces, tables → cells."""
    body = ('<text:h text:outline-level="2">Next <text:span>steps</text:span></text:h>'
            '<text:p>Two<text:s text:c="3"/>spaces<text:line-break/>new line</text:p>'
            '<text:list><text:list-item><text:p>Ann to book the room</text:p>'
            '<text:list><text:list-item><text:p>the big one</text:p></text:list-item></text:list>'
            '</text:list-item><text:list-item><text:p>[ ] Ben to call</text:p><text:p>more</text:p>'
            '</text:list-item></text:list>'
            '<text:p>Note<text:note><text:note-body><text:p>footnote</text:p></text:note-body></text:note></text:p>'
            '<table:table><table:table-row><table:table-cell><text:p>a</text:p></table:table-cell>'
            '<table:table-cell><text:p>b</text:p></table:table-cell></table:table-row></table:table>')
    got = extract_text(odt_bytes(body), ".odt")
    assert got.format == "odt"
    assert got.text == ("## Next steps\nTwo   spaces\nnew line\n- Ann to book the room\n  - the big one\n"
                        "- [ ] Ben to call\n  more\nNote\na | b")


def test_rtf_paragraphs_and_bullets():
    """rtf: paragraphs are lines, escapes decoded, a Word bullet glyph becomes '- '."""
    data = (rb"{\rtf1\ansi{\fonttbl{\f0 Arial;}}\f0 Meeting notes\par "
            rb"{\pntext \'b7\tab}Dana to send the caf\'e9 invoice\par "
            rb"TODO: book the room\par}")
    got = extract_text(data, ".rtf")
    assert got.format == "rtf"
    assert got.text.splitlines() == ["Meeting notes", "- Dana to send the café invoice", "TODO: book the room"]


def test_rtf_that_is_not_rtf_is_unsupported():
    """A .rtf file without the {\\rtf header is unsupported_file."""
    with pytest.raises(DocumentError) as exc:
        extract_text(b"PK\x03\x04 not rtf", ".rtf")
    assert kind(exc) == ErrorType.UNSUPPORTED_FILE


def test_html_line_structure():
    """html: blocks are lines, li → '- ' by depth, h2 → '##', checkboxes → [x], scripts dropped, cells joined."""
    page = b"""<!doctype html><html><head><title>Hidden</title><style>p{}</style></head><body>
    <h2>Action&nbsp;items</h2><p>Some <b>bold</b>
    prose.</p><ul><li>Eve to ship<ul><li>the detail</li></ul></li>
    <li><input type="checkbox" checked> Finn to review</li></ul><script>alert("no")</script>
    <table><tr><th>Who</th> <th>When</th></tr><tr><td>Gus</td><td>Dec 4</td></tr></table>a<br>b &amp; c</body></html>"""
    got = extract_text(page, ".html")
    assert got == Extracted("## Action items\nSome bold prose.\n- Eve to ship\n  - the detail\n- [x] Finn to review\n"
                            "Who | When\nGus | Dec 4\na\nb & c", "html", False)
    assert extract_text(page, ".htm").format == "html"


def test_html_charset_from_meta():
    """html: a <meta charset> names the encoding of the bytes."""
    page = '<meta charset="windows-1252"><p>Café due</p>'.encode("cp1252")
    assert extract_text(page, ".html").text == "Café due"


def test_eml_plain_part_preferred_with_headers_first():
    """eml: Subject, From and Date come first, then the text/plain body (not the html alternative)."""
    msg = EmailMessage()
    msg["Subject"] = "Launch plan"
    msg["From"] = "Ann <ann@example.com>"
    msg["Date"] = "Tue, 01 Dec 2026 09:00:00 +0000"
    msg.set_content("Hi,\n\nAction item: Hal to draft the FAQ\n")
    msg.add_alternative("<p>HTML version</p>", subtype="html")
    got = extract_text(msg.as_bytes(), ".eml")
    assert got.format == "eml"
    assert got.text.splitlines() == ["Subject: Launch plan", "From: Ann <ann@example.com>",
                                     "Date: Tue, 01 Dec 2026 09:00:00 +0000", "", "Hi,", "",
                                     "Action item: Hal to draft the FAQ"]


def test_eml_html_only_becomes_lines():
    """eml: with only an html body, its lists come out as '- ' lines."""
    msg = EmailMessage()
    msg["Subject"] = "Notes"
    msg.set_content("<ul><li>Ivy to call</li><li>Jo to write</li></ul>", subtype="html")
    assert extract_text(msg.as_bytes(), ".eml").text == "Subject: Notes\n\n- Ivy to call\n- Jo to write"


def test_pdf_blank_pages_and_page_cap(monkeypatch):
    """pdf: pages past MAX_PDF_PAGES are not read and the text is marked truncated."""
    pypdf = pytest.importorskip("pypdf")
    writer = pypdf.PdfWriter()
    for _ in range(3):
        writer.add_blank_page(200, 200)
    buf = io.BytesIO()
    writer.write(buf)
    assert extract_text(buf.getvalue(), ".pdf").truncated is False
    monkeypatch.setattr("agents.documents.pdf.MAX_PDF_PAGES", 2)
    assert extract_text(buf.getvalue(), ".pdf").truncated is True


# ── limits and hostile files ────────────────────────────────────────────────


def test_max_chars_truncates():
    """Output stops at max_chars characters and says truncated."""
    got = extract_text(docx_bytes(para("x" * 50) * 10), ".docx", max_chars=120)
    assert len(got.text) <= 120 and got.truncated


def test_passed_deadline_is_timeout():
    """A deadline already passed stops the extraction with a timeout error."""
    with pytest.raises(DocumentError) as exc:
        extract_text(docx_bytes(para("x")), ".docx", deadline=time.monotonic() - 1)
    assert kind(exc) == ErrorType.TIMEOUT


def test_input_past_limit_is_too_large():
    """Input over MAX_DOCUMENT_BYTES is too_large before any parsing."""
    with pytest.raises(DocumentError) as exc:
        extract_text(b"%PDF" + b"\0" * documents.MAX_DOCUMENT_BYTES, ".pdf")
    assert kind(exc) == ErrorType.TOO_LARGE


@pytest.mark.parametrize("suffix", [".docx", ".odt"])
def test_zip_bomb_is_too_large(suffix):
    """A part that inflates past MAX_PART_BYTES (a zip bomb) is too_large, not read into memory."""
    name = "word/document.xml" if suffix == ".docx" else "content.xml"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr(name, b" " * (MAX_PART_BYTES + 1))
    assert len(buf.getvalue()) < MAX_PART_BYTES // 500
    with pytest.raises(DocumentError) as exc:
        extract_text(buf.getvalue(), suffix)
    assert kind(exc) == ErrorType.TOO_LARGE


BILLION_LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'
                            for i in range(1, 10))
                  + f']><w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>'
                    "</w:body></w:document>")
XXE = (f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><w:document xmlns:w="{W_NS}">'
       "<w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>")


@pytest.mark.parametrize("xml", [BILLION_LAUGHS, XXE], ids=["billion-laughs", "external-entity"])
def test_xml_entities_are_refused(xml):
    """XML with a DTD or entities (billion laughs, external entity) is unsupported_file, nothing expanded."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/document.xml", xml)
    with pytest.raises(DocumentError) as exc:
        extract_text(buf.getvalue(), ".docx")
    assert kind(exc) == ErrorType.UNSUPPORTED_FILE
    assert "root:" not in exc.value.message


@pytest.mark.parametrize("suffix,data", [
    (".docx", b"PK\x03\x04garbage"),
    (".docx", docx_bytes("")[:60]),
    (".odt", b"not a zip at all"),
    (".pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog"),
    (".pdf", b""),
    (".docx", docx_bytes("<w:p><w:r><w:t>unclosed</w:r></w:p>")),
    (".eml", b""),
], ids=["zip-garbage", "zip-cut", "odt-garbage", "pdf-cut", "pdf-empty", "xml-broken", "eml-empty"])
def test_corrupt_files_are_unsupported(suffix, data):
    """Corrupt or truncated files give unsupported_file, never another exception."""
    with pytest.raises(DocumentError) as exc:
        extract_text(data, suffix)
    assert kind(exc) == ErrorType.UNSUPPORTED_FILE


def test_docx_without_document_part_is_unsupported():
    """A zip that is not a Word document (no word/document.xml) is unsupported_file."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(DocumentError) as exc:
        extract_text(buf.getvalue(), ".docx")
    assert kind(exc) == ErrorType.UNSUPPORTED_FILE


def _pdf_from_corpus_encrypted(user_password: str) -> bytes:
    pypdf = pytest.importorskip("pypdf")
    src = CORPUS / f"{PAIRS[0]}.pdf"
    if not src.exists():
        pytest.skip("the extraction corpus is not beside the project")
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(src))
    writer.encrypt(user_password, "owner-secret", algorithm="RC4-128")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def test_encrypted_pdf_with_password_is_unsupported():
    """A PDF that needs a password to open is unsupported_file."""
    with pytest.raises(DocumentError) as exc:
        extract_text(_pdf_from_corpus_encrypted("secret"), ".pdf")
    assert kind(exc) == ErrorType.UNSUPPORTED_FILE
    assert "encrypted" in exc.value.message


def test_encrypted_pdf_with_empty_user_password_is_read():
    """A PDF encrypted only against editing (empty user password) is read."""
    text = extract_text(_pdf_from_corpus_encrypted(""), ".pdf").text
    assert text.startswith("# Electron Community and Safety WG")


def _pdf_with_stream(stream: bytes) -> bytes:
    """A one-page PDF whose content stream is ``stream`` (FlateDecode), written by hand."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream"]
    out, offsets = bytearray(b"%PDF-1.7\n"), []
    for number, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer << /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def test_pdf_decompression_bomb_is_bounded():
    """A PDF stream inflating past pypdf's cap (75 MB) yields no text or unsupported_file, never the bomb."""
    import zlib

    bomb = _pdf_with_stream(zlib.compress(b"0" * 100_000_000, 9))
    assert len(bomb) < 200_000
    try:
        got = extract_text(bomb, ".pdf")
    except DocumentError as exc:
        assert exc.type in (ErrorType.UNSUPPORTED_FILE, ErrorType.TOO_LARGE)
    else:
        assert got.text == ""
