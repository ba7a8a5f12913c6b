"""``.html``/``.htm`` (stdlib ``html.parser``), ``.rtf`` (striprtf) and ``.eml`` (stdlib ``email``) into lines.

Runs on the caller's thread (see ``agents.documents``). HTML block elements
end lines, ``<li>`` becomes ``- `` (two spaces per nesting level),
``<h1>``..``<h6>`` become ``#`` headings, a checkbox ``<input>`` becomes
``[ ]``/``[x]``, table cells are joined by `` | ``; ``<script>``, ``<style>``,
``<head>`` and ``<template>`` contents are dropped. An email gives its
``Subject``, ``From`` and ``Date`` as the first lines, then its text/plain
body, or else its text/html body as above; attachments are not read.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from agents.documents.base import Sink, unsupported
from agents.documents.lines import emit

_BLOCK = frozenset({
    "p", "div", "section", "article", "header", "footer", "main", "aside", "nav", "blockquote", "pre",
    "ul", "ol", "dl", "dt", "dd", "table", "thead", "tbody", "tfoot", "form", "fieldset", "figure",
    "figcaption", "address", "details", "summary", "hr", "body", "center",
})
_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_HIDDEN = frozenset({"script", "style", "head", "template", "noscript", "title", "svg", "object", "iframe"})
_WS = re.compile(r"[ \t\r\n\f\u00a0]+")
_RTF_LIST_MARK = re.compile(r"\{\\(?:listtext|pntext)\b[^{}]{0,500}\}")
MAX_DEPTH = 200  # list nesting levels kept; deeper lists are indented as this level


class _Lines(HTMLParser):
    """Feeds an HTML document's text to a ``Sink`` line by line."""

    def __init__(self, sink: Sink):
        super().__init__(convert_charrefs=True)
        self.sink = sink
        self.words: list[str] = []
        self.hidden = 0
        self.pre = 0
        self.lists = 0
        self.heading: int | None = None
        self.item: int | None = None  # list level of the open <li> whose first line is pending
        self.cells: list[str] | None = None

    def flush(self) -> None:
        text = "".join(self.words)
        self.words = []
        if self.cells is not None:
            self.cells.append(_WS.sub(" ", text).strip())
            return
        lines = [text] if self.pre else [_WS.sub(" ", text).strip()]
        if not lines[0].strip():
            return
        level = max(self.lists - 1, 0) if self.lists else None
        emit(self.sink, lines[0], heading=self.heading, indent=self.item,
             continuation=level if self.item is None else None)
        self.item = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self.hidden += 1
            return
        if tag == "body":
            self.hidden = 0  # a <head> left open ends here
        if self.hidden:
            return
        if tag == "br":
            self.flush() if self.cells is None else self.words.append(" ")
        elif tag == "input":
            kind = dict(attrs)
            if (kind.get("type") or "").lower() == "checkbox":
                self.words.append("[x] " if "checked" in kind else "[ ] ")
        elif tag == "li":
            self.flush()
            self.item = min(max(self.lists - 1, 0), MAX_DEPTH)
        elif tag in ("ul", "ol"):
            self.flush()
            self.lists += 1
        elif tag in _HEADINGS:
            self.flush()
            self.heading = _HEADINGS[tag]
        elif tag == "tr":
            self.flush()
            self.cells = []
        elif tag in ("td", "th"):
            if self.cells is not None:
                self.words = []  # the whitespace between cells
        elif tag in _BLOCK:
            self.flush()
            if tag == "pre":
                self.pre += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden = max(self.hidden - 1, 0)
            return
        if self.hidden:
            return
        if tag in ("td", "th"):
            if self.cells is not None:
                self.flush()
        elif tag == "tr":
            if self.cells is not None:
                if "".join(self.words).strip():
                    self.flush()
                cells, self.cells = self.cells, None
                if any(cells):
                    emit(self.sink, " | ".join(cells))
        elif tag in ("ul", "ol"):
            self.flush()
            self.lists = max(self.lists - 1, 0)
        elif tag in _HEADINGS:
            self.flush()
            self.heading = None
        elif tag == "li" or tag in _BLOCK:
            self.flush()
            if tag == "pre":
                self.pre = max(self.pre - 1, 0)

    def handle_data(self, data: str) -> None:
        if self.hidden:
            return
        if self.pre and self.cells is None:
            head, *rest = data.split("\n")
            self.words.append(head)
            for part in rest:
                self.flush()
                self.words.append(part)
        else:
            self.words.append(data)


def html_text(markup: str, sink: Sink) -> None:
    parser = _Lines(sink)
    parser.feed(markup)
    parser.close()
    parser.cells = None
    parser.flush()


def _decode_html(data: bytes) -> str:
    head = data[:2048].lower()
    match = re.search(rb"""<meta[^>]+charset\s*=\s*["']?([a-z0-9_\-]+)""", head)
    for codec in ([match.group(1).decode("ascii")] if match else []) + ["utf-8"]:
        try:
            return data.decode(codec)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("cp1252", errors="replace")


def html(data: bytes, sink: Sink) -> None:
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-8-sig") if data[:1] == b"\xef" else data.decode("utf-16")
    else:
        text = _decode_html(data)
    html_text(text, sink)


def rtf(data: bytes, sink: Sink) -> None:
    from striprtf.striprtf import rtf_to_text  # imported on first use

    if not data.lstrip().startswith(b"{\\rtf"):
        raise unsupported("the file is not RTF (it does not start with {\\rtf)")
    # striprtf drops the list-number groups Word writes before each list paragraph ({\listtext ...} or
    # {\pntext ...}, holding its bullet or number): turn each into a bullet so the item keeps its mark
    source = _RTF_LIST_MARK.sub(r"\\bullet\\tab ", data.decode("latin-1"))
    text = rtf_to_text(source, errors="replace")
    for line in text.split("\n"):
        emit(sink, line)


def eml(data: bytes, sink: Sink) -> None:
    from email import policy
    from email.parser import BytesParser

    message = BytesParser(policy=policy.default).parsebytes(data)
    if not message.keys():
        raise unsupported("the file is not an email (no headers)")
    for name in ("Subject", "From", "Date"):
        value = message.get(name)
        if value:
            emit(sink, f"{name}: {' '.join(str(value).split())}")
    sink.line("")
    body = message.get_body(preferencelist=("plain", "html"))
    if body is None:
        return
    try:
        content = body.get_content()
    except (LookupError, UnicodeError):  # an unknown or lying charset
        payload = body.get_payload(decode=True) or b""
        content = payload.decode("utf-8", errors="replace")
    if not isinstance(content, str):
        return
    if body.get_content_subtype() == "html":
        html_text(content, sink)
    else:
        for line in content.splitlines():
            emit(sink, line)
