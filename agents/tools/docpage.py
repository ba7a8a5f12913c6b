"""``read_file_content`` for documents: a page of the text extracted from a ``.docx``, ``.pdf``…

The sandbox opens the file race-free (``agents.tools.fsafe``) and hands the
descriptor here; this module reads its bytes (at most
``MAX_DOCUMENT_BYTES``), asks ``agents.documents`` for the text, and returns
one page of it. Offsets count characters of the extracted text (PROTOCOL.md,
``encoding: "extracted"``); a page holds as many characters as fit in
``max_bytes`` bytes of UTF-8.

Paging a long PDF must not extract it again for every page: the text of the
last few documents is kept, keyed by the file's identity and version
(device, inode, mtime, size), bounded in total characters. Runs on whichever
thread runs the tool (a worker thread for the bridge, the database thread for
a local run); the cache is guarded by a lock.
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from typing import Any

from agents.documents import MAX_DOCUMENT_BYTES, MAX_EXTRACTED_CHARS, Extracted, extract_text, too_large

# One extraction may use this much of the tool's 25 s deadline; the rest is for the answer.
EXTRACT_SECONDS = 20.0
CACHE_CHARS = 8_000_000  # the cached texts together, at most (a few documents at the output cap)

_Key = tuple[int, int, int, int]
_cache: OrderedDict[_Key, Extracted] = OrderedDict()
_cached_chars = 0
_lock = threading.Lock()


def _extracted(fd: int, st: os.stat_result, suffix: str) -> Extracted:
    global _cached_chars
    key = (st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size)
    with _lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return hit
    if st.st_size > MAX_DOCUMENT_BYTES:
        raise too_large(f"documents over {MAX_DOCUMENT_BYTES // 1_000_000} MB are not read")
    with open(fd, "rb", closefd=False) as f:
        data = f.read(MAX_DOCUMENT_BYTES + 1)
    if len(data) > MAX_DOCUMENT_BYTES:  # grew after the stat
        raise too_large(f"documents over {MAX_DOCUMENT_BYTES // 1_000_000} MB are not read")
    found = extract_text(data, suffix, max_chars=MAX_EXTRACTED_CHARS, deadline=time.monotonic() + EXTRACT_SECONDS)
    with _lock:
        if key not in _cache:
            _cache[key] = found
            _cached_chars += len(found.text)
            while _cached_chars > CACHE_CHARS and len(_cache) > 1:
                _key, old = _cache.popitem(last=False)
                _cached_chars -= len(old.text)
    return found


def _chars_within(text: str, start: int, max_bytes: int) -> int:
    """The end index of the longest ``text[start:end]`` whose UTF-8 takes at most ``max_bytes``."""
    if start >= len(text):
        return start
    end = min(len(text), start + max_bytes)  # a character takes at least one byte
    chunk = text[start:end]
    if chunk.isascii():
        return end
    size = len(chunk.encode("utf-8", "surrogatepass"))
    while size > max_bytes:  # shrink by the overshoot; each character takes at most 4 bytes
        end -= max(1, (size - max_bytes) // 4)
        size = len(text[start:end].encode("utf-8", "surrogatepass"))
    return max(end, start + 1)  # a page always makes progress


def read_page(fd: int, st: os.stat_result, where: str, suffix: str, offset: int, max_bytes: int) -> dict[str, Any]:
    """One page of the document's text from character ``offset``; raises ``DocumentError``."""
    found = _extracted(fd, st, suffix)
    text = found.text
    start = min(offset, len(text))
    end = _chars_within(text, start, max_bytes)
    more = end < len(text)
    page = {
        "path": where,
        "content": text[start:end],
        "encoding": "extracted",
        "format": found.format,
        "size": st.st_size,
        "offset": start,
        "next_offset": end if more else None,
        "truncated": more,
    }
    if found.truncated:  # the document's text stopped at the output cap: the rest is never returned
        page["text_truncated_at"] = len(text)
    return page


def clear_cache() -> None:
    """Forget every cached text (tests; a user who wants memory back)."""
    global _cached_chars
    with _lock:
        _cache.clear()
        _cached_chars = 0
