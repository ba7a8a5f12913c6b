"""read_file_content on documents: extracted text, character offsets, the same sandbox, typed errors.

Real files under tmp_path (documents made here, and the corpus's .docx/.pdf read from ../shared
when it is there), a real workspace Store, the real tool.
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest

from agents.errors import ErrorType
from agents.store import Store
from agents.tools import docpage
from tests.agents.test_filesystem import add_agent, call, expect

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "extraction-corpus"
TWIN = "electron_governance__wg-community-safety_meeting-notes_2019-10-03"


def _docx(paragraphs: list[str]) -> bytes:
    body = "".join(f"<w:p><w:r><w:t xml:space=\"preserve\">{p}</w:t></w:r></w:p>" for p in paragraphs)
    document = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                f"<w:body>{body}</w:body></w:document>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types '
                   'xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        z.writestr("word/document.xml", document)
    return out.getvalue()


@pytest.fixture
async def folder(tmp_path: Path):
    root = Path(os.path.realpath(tmp_path)) / "docs"
    root.mkdir()
    store = await Store.open(tmp_path / "w.sqlite3")
    await add_agent(store, "agent-a", [root])
    docpage.clear_cache()
    try:
        yield root, store
    finally:
        await store.close()


async def test_docx_returns_extracted_text_with_its_format(folder):
    """A .docx reads as its text: encoding "extracted", format "docx", one paragraph per line."""
    root, store = folder
    (root / "minutes.docx").write_bytes(_docx(["Minutes", "Action item: Ana to send the invoice"]))
    page = await call(store, "read_file_content", path=str(root / "minutes.docx"))
    assert page["encoding"] == "extracted" and page["format"] == "docx"
    assert page["content"].splitlines() == ["Minutes", "Action item: Ana to send the invoice"]
    assert page["truncated"] is False and page["next_offset"] is None


async def test_document_pages_count_characters_and_join_back(folder):
    """Small pages of a document, followed by next_offset, give back exactly the whole text."""
    root, store = folder
    lines = [f"Point {i}: café crème — ✓ done" for i in range(200)]
    (root / "long.docx").write_bytes(_docx(lines))
    whole = (await call(store, "read_file_content", path=str(root / "long.docx")))["content"]
    pieces, offset = [], 0
    while True:
        page = await call(store, "read_file_content", path=str(root / "long.docx"), offset=offset, max_bytes=97)
        assert len(page["content"].encode()) <= 97 and page["offset"] == offset
        pieces.append(page["content"])
        if not page["truncated"]:
            break
        offset = page["next_offset"]
    assert "".join(pieces) == whole and whole.splitlines() == lines


async def test_html_is_read_as_text_not_markup(folder):
    """An .html file returns its text (no tags, no script), list items as bullets."""
    root, store = folder
    (root / "page.html").write_text("<html><head><script>var secret=1</script></head><body><h1>Plan</h1>"
                                    "<ul><li>Call the client</li></ul></body></html>", encoding="utf-8")
    page = await call(store, "read_file_content", path=str(root / "page.html"))
    assert page["format"] == "html" and "secret" not in page["content"] and "<" not in page["content"]
    assert "- Call the client" in page["content"].splitlines()


async def test_broken_and_oversize_documents_are_typed_errors(folder, monkeypatch):
    """A corrupt .docx is unsupported_file; one over the size cap is too_large; nothing else escapes."""
    root, store = folder
    (root / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    await expect(store, ErrorType.UNSUPPORTED_FILE, "read_file_content", path=str(root / "broken.docx"))
    (root / "big.pdf").write_bytes(b"%PDF-1.4\n" + b"0" * 2048)
    monkeypatch.setattr(docpage, "MAX_DOCUMENT_BYTES", 1024)
    await expect(store, ErrorType.TOO_LARGE, "read_file_content", path=str(root / "big.pdf"))


async def test_a_changed_document_is_extracted_again(folder):
    """The text cache is keyed by the file's version: rewriting the file gives the new text."""
    root, store = folder
    target = root / "v.docx"
    target.write_bytes(_docx(["first version"]))
    assert "first" in (await call(store, "read_file_content", path=str(target)))["content"]
    target.write_bytes(_docx(["second version, a little longer"]))
    assert "second" in (await call(store, "read_file_content", path=str(target)))["content"]


async def test_documents_outside_the_folders_stay_forbidden(folder, tmp_path):
    """The document branch is behind the same sandbox: a .docx outside, or via a link out, is refused."""
    root, store = folder
    outside = Path(os.path.realpath(tmp_path)) / "outside.docx"
    outside.write_bytes(_docx(["secret"]))
    os.symlink(outside, root / "link.docx")
    await expect(store, ErrorType.FORBIDDEN_PATH, "read_file_content", path=str(outside))
    await expect(store, ErrorType.FORBIDDEN_PATH, "read_file_content", path=str(root / "link.docx"))


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/extraction-corpus is not here")
@pytest.mark.parametrize("suffix", [".docx", ".pdf"])
async def test_corpus_documents_keep_the_markdown_twins_action_lines(folder, suffix):
    """The corpus .docx/.pdf read through the tool contain the action-item lines of their .md twin."""
    root, store = folder
    (root / f"twin{suffix}").write_bytes((CORPUS / f"{TWIN}{suffix}").read_bytes())
    text = (await call(store, "read_file_content", path=str(root / f"twin{suffix}")))["content"]
    wanted = [line.strip("-* ").strip() for line in (CORPUS / f"{TWIN}.md").read_text().splitlines()
              if "action" in line.lower() and len(line.strip()) > 12]
    assert wanted and all(" ".join(w.split()) in " ".join(text.split()) for w in wanted)
