"""Benchmark: agents.documents.extract_text speed per MB for .docx, .pdf and .html, beside the floor.

Builds larger documents from the corpus twins in ``../shared/extraction-corpus``
(the docx's paragraphs repeated inside its own package, styles and all, to
``XML_PER_MB`` MB of document.xml per MB asked for, since repeated text
deflates far better than real documents; the
pdf's pages appended many times with pypdf's writer); without the corpus the
docx is written from plain text and the pdf row is skipped. The html page is
generated (headings, lists, a table, prose). Each is written to a temporary
file, then timed in the same run and interleaved:

- ours:  read the file's bytes and ``extract_text`` them (what a tool call does);
- floor: read the same file's bytes (open + read), nothing else.

Figures are the best of several rounds, in MB of input per second. Prints a
table, and with ``--json`` one JSON line for ``bench/run_all.py``. Usage::

    .venv/bin/python bench/extract_formats.py [--mb 2] [--json]
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from agents.documents import MAX_DOCUMENT_BYTES, extract_text

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "extraction-corpus"
STEM = "electron_governance__wg-community-safety_meeting-notes_2019-10-03"
ROUNDS = 5
XML_PER_MB = 5
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def big_docx(target: int) -> bytes:
    """A docx of about ``target`` bytes: the corpus docx's body repeated in its own package."""
    src = CORPUS / f"{STEM}.docx"
    if src.exists():
        zin = zipfile.ZipFile(src)
        doc = zin.read("word/document.xml").decode("utf-8")
        head, rest = doc.split("<w:body>", 1)
        body, tail = rest.rsplit("<w:sectPr", 1) if "<w:sectPr" in rest else rest.rsplit("</w:body>", 1)
        tail = ("<w:sectPr" + tail) if "<w:sectPr" in rest else "</w:body>" + tail
        parts = {i.filename: zin.read(i.filename) for i in zin.infolist() if i.filename != "word/document.xml"}
    else:
        text = "\n".join(f"* [ ] Person {i} to do item {i} by Dec {i % 28 + 1}" for i in range(60))
        body = "".join(f'<w:p><w:r><w:t xml:space="preserve">{line}</w:t></w:r></w:p>' for line in text.splitlines())
        head, tail, parts = f'<?xml version="1.0"?><w:document xmlns:w="{W_NS}"><w:body>', "</w:body></w:document>", {}

    def build(copies: int) -> bytes:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
            zout.writestr("word/document.xml", head + "<w:body>" * ("<w:body>" not in head) + body * copies + tail)
            for name, data in parts.items():
                zout.writestr(name, data)
        return buf.getvalue()

    # Repeated paragraphs deflate ~70:1, far better than real documents (~5:1), so the size that
    # matters is the XML's: copies give ``XML_PER_MB`` MB of document.xml per MB asked for.
    return build(max(1, int(target * XML_PER_MB) // len(body.encode())))


def big_pdf(target: int) -> bytes | None:
    """A pdf of about ``target`` bytes: the corpus pdf's pages appended again and again, or None."""
    src = CORPUS / f"{STEM}.pdf"
    if not src.exists():
        return None
    import pypdf

    reader = pypdf.PdfReader(src)
    writer = pypdf.PdfWriter()
    size = 0
    while size < target:
        for _ in range(20):
            writer.append(reader)
        buf = io.BytesIO()
        writer.write(buf)
        size = len(buf.getvalue())
    return buf.getvalue()


def big_html(target: int) -> bytes:
    block = ("<h2>Week {i}</h2><p>Some prose about the project, <b>bold</b> and <a href='#'>linked</a> words "
             "that run on for a while.</p><ul><li>Ann to send the draft {i}<ul><li>detail</li></ul></li>"
             "<li><input type=checkbox> Ben to review</li></ul><table><tr><td>Who</td><td>When</td></tr>"
             "<tr><td>Cy</td><td>Dec 4</td></tr></table>\n")
    parts, size, i = ["<html><head><title>x</title></head><body>"], 0, 0
    while size < target:
        chunk = block.format(i=i)
        parts.append(chunk)
        size += len(chunk)
        i += 1
    return ("".join(parts) + "</body></html>").encode()


def best(fn, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        began = time.perf_counter()
        fn()
        times.append(time.perf_counter() - began)
    return min(times)


def measure(path: Path, suffix: str, rounds: int) -> tuple[float, float, int, int]:
    """(ours s, floor s, input bytes, output chars): read+extract vs read, best of ``rounds``, interleaved."""
    size = path.stat().st_size
    chars = len(extract_text(path.read_bytes(), suffix, max_chars=50_000_000).text)  # warm-up
    ours, floor = [], []
    for _ in range(rounds):
        floor.append(best(path.read_bytes, 1))
        ours.append(best(lambda: extract_text(path.read_bytes(), suffix, max_chars=50_000_000), 1))
    return min(ours), min(floor), size, chars


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=2.0, help="size of each generated document in MB")
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--json", action="store_true", help="end with one machine-readable JSON line")
    args = parser.parse_args()
    target = min(int(args.mb * 1_000_000), MAX_DOCUMENT_BYTES)
    docs = {".docx": big_docx(target), ".pdf": big_pdf(target), ".html": big_html(target)}
    rows = []
    print(f"{'format':6} | {'input':>8} | {'text':>10} | {'ours read+extract':>18} | {'floor read':>12} | ratio")
    with tempfile.TemporaryDirectory() as tmp:
        for suffix, data in docs.items():
            if data is None:
                print(f"{suffix:6} | skipped: the extraction corpus is not beside the project")
                rows.append({"figure": f"extract_text {suffix}", "unit": "KB/s", "ours": 0,
                             "peer": None, "note": "no corpus pdf", "goal": "(for information)", "met": None})
                continue
            path = Path(tmp) / f"doc{suffix}"
            path.write_bytes(data)
            ours, floor, size, chars = measure(path, suffix, args.rounds)
            mb = size / 1e6
            o_rate, f_rate = mb / ours, mb / floor
            print(f"{suffix:6} | {mb:6.2f} MB | {chars:>10,} | {o_rate:10.2f} MB/s ({ours * 1000:5.0f} ms) | "
                  f"{f_rate:8.0f} MB/s | {f_rate / o_rate:,.0f}× floor")
            rows.append({"figure": f"extract_text {suffix}, {mb:.2f} MB, {chars:,} chars out", "unit": "KB/s",
                         "ours": round(o_rate * 1000, 1), "peer": round(f_rate * 1000), "peer_label": "read the bytes",
                         "ratio": o_rate / f_rate, "goal": "(for information)", "met": None})
    if args.json:
        print(json.dumps({"bench": "extract_formats", "rows": rows}))


if __name__ == "__main__":
    main()

