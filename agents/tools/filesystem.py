"""Read-only filesystem tools, confined to the folders the user allowed.

Containment (``agents.tools.sandbox``): a path is checked lexically by
components (``/x/allowed_evil`` is not inside ``/x/allowed``; outside is
``forbidden_path`` whether or not it exists), its folder is opened as pinned
(``agents.roots``: real path from ``/`` without following symlinks, same
identity as when the user picked it), and the rest is resolved relative to
that folder's descriptor one component at a time without following symlinks
(``agents.tools.fsafe``). Every read, stat and listing happens on
descriptors reached that way, so containment holds at the moment of the
read, not only when it was checked.

Symlinks inside a folder are followed only when their target, resolved
component-wise by us, stays inside that same folder; otherwise the path is
``forbidden_path``. Listings show such links as entries but never descend
into them. Names on disk that are not valid UTF-8 are left out of listings
and counted (``undecodable_names``). Path arguments that are not valid
Unicode (lone surrogates) are ``invalid_args``. Whole pages are tested for
text, and refused rather than escaped into a frame many times their size
(``agents.tools.textpage``).

The three tools (``list_directory``, ``get_file_metadata``,
``read_file_content``) are plain functions of a ``Sandbox`` and their
arguments (``file_tool``). Called from the bridge they do all their blocking
work in one ``asyncio.to_thread`` hop per call; cancelling such a call is
safe: the thread finishes its bounded work and its result is dropped. A
caller whose ``Grant`` says ``inline_io`` (the MCP door, alone in its
process) has bounded, cheap calls run on its own loop instead: a text page
(at most ``MAX_READ_BYTES``), one file's metadata, one folder that is not
too large (``INLINE_DIR_BYTES``); a document to extract, a recursive tree or
a huge folder still hops (``NeedsThread`` when that is known only once the
path is resolved). Local engine runs call them directly on the database
thread (``ToolSpec.sync_impl``). Nothing here writes to disk; the only database
write is a folder's first pin (folders saved before pinning existed).
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import mimetypes
import os
import stat
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, TypeVar

from pydantic import Field

from agents import roots as pinned
from agents.documents import EXTRACTABLE
from agents.errors import ErrorType, ToolError
from agents.store import SyncDb, iso
from agents.tools import docpage, fsafe, textpage
from agents.tools.base import ArgsModel, Grant, ToolContext, ToolSpec
from agents.tools.sandbox import NeedsThread, Sandbox, forbidden, invalid, is_path_text

MAX_READ_BYTES = 1_000_000
BINARY_SNIFF_BYTES = 8192
# A folder listed on the caller's loop (``Grant.inline_io``) must be at most this large as its own
# ``st_size`` says (ext4, btrfs, xfs and tmpfs grow it with the entries: some 10,000 short names).
INLINE_DIR_BYTES = 256 * 1024

# The system MIME tables are read once here, at import, so that
# ``mimetypes.guess_type`` never opens a file during a tool call.
if not mimetypes.inited:
    mimetypes.init()

T = TypeVar("T")


def _os_error(exc: OSError, path: str) -> ToolError:
    """An ``OSError`` met inside the roots, as the protocol's error type."""
    code = exc.errno
    if code in (errno.ENOENT, errno.ENOTDIR):
        return ToolError(ErrorType.NOT_FOUND, f"no such file or folder: {path}")
    if code == errno.ELOOP:
        return forbidden(f"{path} was replaced by a symlink while it was read")
    if code == errno.ENAMETOOLONG:
        return invalid("path is too long")
    if code in (errno.EACCES, errno.EPERM):
        return forbidden(f"the operating system does not allow reading {path}")
    return ToolError(ErrorType.INTERNAL, f"cannot read {path}: {exc.strerror or exc}")


def _guarded(
    work: Callable[[Sandbox, Any], T], grant: Grant, args: Any, on_loop: bool = False
) -> tuple[T, dict[str, pinned.Pin]]:
    """``(work(sandbox, args), first pins taken)`` with OS errors turned into the protocol's."""
    box = Sandbox(grant.roots, grant.pins, on_loop=on_loop, columns=grant.columns)
    try:
        return work(box, args), box.new_pins
    except OSError as exc:
        path = getattr(args, "path", None)
        raise _os_error(exc, path if is_path_text(path) else "the path") from None
    except (ValueError, UnicodeError) as exc:
        raise invalid(f"invalid path: {exc}") from None
    finally:
        box.close()


def _grant(ctx: ToolContext, db: SyncDb) -> Grant:
    """The call's folders and their pins, in one trip to the database thread."""
    roots = ctx.allowed_roots_sync(db)
    return Grant(roots, pinned.load_pins_sync(db) if roots else {})


def file_tool(
    name: str, args_model: type[ArgsModel], *, cheap: Callable[[Any], bool] | None = None
) -> Callable[[Callable[[Sandbox, Any], dict[str, Any]]], ToolSpec]:
    """A read-only filesystem tool from ``work(sandbox, args)``; its docstring is the description.

    The async ``impl`` (the bridge's) looks the call's roots and pins up, then
    does all the blocking work in one worker-thread hop, or on the calling
    loop when the grant says ``inline_io`` and ``cheap(args)`` says the work is
    bounded (a ``NeedsThread`` from the work sends it to the thread after all);
    ``sync_impl`` does the work on the calling thread, for local engine runs
    already on the database thread. First pins taken during a successful call
    are stored.
    """

    def wrap(work: Callable[[Sandbox, Any], dict[str, Any]]) -> ToolSpec:
        async def impl(ctx: ToolContext, args: Any) -> dict[str, Any]:
            grant = ctx.grant or await ctx.store.read(partial(_grant, ctx))
            done = None
            if grant.inline_io and cheap is not None and cheap(args):
                with contextlib.suppress(NeedsThread):  # it turned out not to be cheap
                    done = _guarded(work, grant, args, on_loop=True)
            result, first = done or await asyncio.to_thread(_guarded, work, grant, args)
            if first:
                await pinned.store_pins(ctx.store, first, replace=False)
            return result

        def sync_impl(db: SyncDb, ctx: ToolContext, args: Any) -> dict[str, Any]:
            grant = ctx.grant or _grant(ctx, db)
            result, first = _guarded(work, grant, args)
            if first:
                pinned.store_first_pins_sync(db, first)
            return result

        return ToolSpec(
            name=name, description=" ".join((work.__doc__ or name).split()), args_model=args_model,
            impl=impl, read_only=True, idempotent=True, group="filesystem", sync_impl=sync_impl,
        )

    return wrap


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SECOND_PREFIX: dict[int, str] = {}


def _stamp(ns: int) -> str | None:
    """A file time in nanoseconds as ``agents.store.iso`` writes it (ms, ``Z``).

    The ``YYYY-MM-DDTHH:MM:SS`` part is cached per whole second: files in one
    folder often share it, and formatting a datetime is most of the per-entry
    cost of a large listing. Times no datetime can hold give ``None``.
    """
    seconds, rest = divmod(ns, 1_000_000_000)
    prefix = _SECOND_PREFIX.get(seconds)
    if prefix is None:
        try:
            prefix = iso(_EPOCH + timedelta(seconds=seconds))[:19]
        except (OverflowError, ValueError):
            return None
        if len(_SECOND_PREFIX) > 65_536:
            _SECOND_PREFIX.clear()
        _SECOND_PREFIX[seconds] = prefix
    return f"{prefix}.{rest // 1_000_000:03d}Z"


def _created_ns(st: os.stat_result) -> int:
    """Birth time where the platform has one, else the inode change time."""
    birth_ns = getattr(st, "st_birthtime_ns", None)
    if birth_ns is not None:
        return birth_ns
    birth = getattr(st, "st_birthtime", None)
    return int(birth * 1e9) if birth is not None else st.st_ctime_ns


def _special(path: str) -> ToolError:
    return ToolError(
        ErrorType.UNSUPPORTED_FILE, f"{path} is not a regular file or folder (a pipe, socket or device)"
    )


# ── list_directory ─────────────────────────────────────────────────────────


class ListDirectoryArgs(ArgsModel):
    path: str = Field(..., description="folder to list: absolute, or relative to the only allowed folder")
    recursive: bool = Field(False, description="also list everything below, breadth-first")
    max_entries: int = Field(1000, ge=1, le=100_000, description="stop after this many entries")
    details: bool = Field(True, description="also each entry's size and modified_at; false gives names and "
                          "types only (null size and time), much faster on a large tree")


@file_tool("list_directory", ListDirectoryArgs, cheap=lambda args: not args.recursive)
def list_directory(box: Sandbox, args: ListDirectoryArgs) -> dict[str, Any]:
    """List the files and folders in an allowed folder. With recursive=true, also everything
    below it, breadth-first, each folder sorted by name, up to max_entries; truncated=true means
    there is more. Hidden names (starting with "."), pipes, sockets, devices and symlinks that lead
    outside the allowed folders are left out, as are names that are not valid UTF-8 (counted in
    undecodable_names when there are any). size is in bytes (null for folders)."""
    with box.open(args.path) as opened:
        top = opened.path
        if opened.found.name is not None:
            raise invalid(f"{top} is a file, not a folder; use get_file_metadata or read_file_content")
        if box.on_loop and opened.found.st.st_size > INLINE_DIR_BYTES:
            raise NeedsThread
        walked = fsafe.walk(
            opened.root_fd, opened.root, opened.found,
            recursive=args.recursive, max_entries=args.max_entries, stamp=_stamp, details=args.details,
        )
    if box.columns:  # the MCP door's shape (``Grant.columns``)
        columns: dict[str, list[Any]] = {"path": walked.rel, "type": walked.type}
        if walked.size is not None and walked.modified_at is not None:
            columns["size"], columns["modified_at"] = walked.size, walked.modified_at
        out: dict[str, Any] = {"path": top, "count": len(walked.type), "truncated": walked.truncated,
                               "columns": columns}
    else:
        out = {"path": top, "entries": _entries(top, walked), "truncated": walked.truncated}
    if walked.unnamed:
        out["undecodable_names"] = walked.unnamed
    return out


def _entries(top: str, walked: fsafe.Walked) -> list[dict[str, Any]]:
    """The bridge's wire shape of a listing: one object per entry, its path absolute."""
    base = top if top.endswith("/") else top + "/"
    if walked.size is not None and walked.modified_at is not None:
        return [{"name": name, "path": base + rel, "type": kind, "size": size, "modified_at": modified}
                for name, rel, kind, size, modified
                in zip(walked.name, walked.rel, walked.type, walked.size, walked.modified_at, strict=True)]
    return [{"name": name, "path": base + rel, "type": kind, "size": None, "modified_at": None}
            for name, rel, kind in zip(walked.name, walked.rel, walked.type, strict=True)]


# ── get_file_metadata ──────────────────────────────────────────────────────


class GetFileMetadataArgs(ArgsModel):
    path: str = Field(..., description="file or folder: absolute, or relative to the only allowed folder")


@file_tool("get_file_metadata", GetFileMetadataArgs, cheap=lambda args: True)
def get_file_metadata(box: Sandbox, args: GetFileMetadataArgs) -> dict[str, Any]:
    """Name, type ("file" or "dir"), size in bytes (null for folders), times and MIME type of one
    file or folder, without reading its content."""
    with box.open(args.path) as opened:
        where, st = opened.path, opened.found.st
    kind = fsafe.entry_kind(st.st_mode)
    if kind is None:
        raise _special(where)
    name = os.path.basename(where.rstrip("/")) or "/"
    if kind == "file":
        mime = mimetypes.guess_type(name, strict=False)[0]
        extension = os.path.splitext(name)[1].lower()
    else:
        mime, extension = "inode/directory", ""
    return {
        "path": where,
        "name": name,
        "extension": extension,
        "type": kind,
        "size": st.st_size if kind == "file" else None,
        "created_at": _stamp(_created_ns(st)),
        "modified_at": _stamp(st.st_mtime_ns),
        "mime_type": mime,
    }


# ── read_file_content ──────────────────────────────────────────────────────


class ReadFileContentArgs(ArgsModel):
    path: str = Field(..., description="text file or document: absolute, or relative to the only allowed folder")
    offset: int = Field(0, ge=0, description="where to start (bytes of a text file, characters of a document's "
                        "extracted text); use next_offset of the previous page")
    max_bytes: int = Field(200_000, ge=1, description=f"page size in bytes, at most {MAX_READ_BYTES}")


def _pread(fd: int, n: int, at: int) -> bytes:
    """Up to ``n`` bytes from offset ``at`` (fewer only at the end of the file)."""
    data = os.pread(fd, n, at)
    if len(data) == n or not data:
        return data
    parts = [data]
    got = len(data)
    while got < n and (more := os.pread(fd, n - got, at + got)):
        parts.append(more)
        got += len(more)
    return b"".join(parts)


def _read_page(fd: int, where: str, offset: int, max_bytes: int) -> dict[str, Any]:
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):  # replaced between the stat and the open
        raise _special(where)
    size = st.st_size
    want = max_bytes + 6
    # A first page (the usual call) comes in the same read as the head to sniff; it starts after the
    # byte-order mark, if any (at most 3 bytes, 2 for UTF-16 then aligned), so 4 more bytes cover it.
    head = _pread(fd, max(BINARY_SNIFF_BYTES, want + 4) if offset == 0 else BINARY_SNIFF_BYTES, 0)
    codec, bom = textpage.sniff(head[:BINARY_SNIFF_BYTES], where)
    start = max(offset, bom)
    if codec != "utf-8" and (start - bom) % 2:
        start += 1  # align to a UTF-16 code unit
    if start >= size:
        return {
            "path": where, "content": "", "encoding": codec, "size": size,
            "offset": offset, "next_offset": None, "truncated": False,
        }
    buf = head[start:start + want] if offset == 0 else _pread(fd, want, start)
    if codec == "utf-8":
        skip, data = textpage.utf8_page(buf, max_bytes, at_start=start == bom)
    else:
        skip, data = textpage.utf16_page(buf, max_bytes, "little" if codec.endswith("le") else "big")
    start += skip
    content = textpage.decode(data, codec, where)
    end = start + len(data)
    truncated = end < size
    return {
        "path": where,
        "content": content,
        "encoding": codec,
        "size": size,
        "offset": start,
        "next_offset": end if truncated else None,
        "truncated": truncated,
    }


def _text_like(args: ReadFileContentArgs) -> bool:
    """Whether the path does not name a document to extract (its target may still be one: then
    ``read_file_content`` raises ``NeedsThread``)."""
    return os.path.splitext(args.path)[1].lower() not in EXTRACTABLE


@file_tool("read_file_content", ReadFileContentArgs, cheap=_text_like)
def read_file_content(box: Sandbox, args: ReadFileContentArgs) -> dict[str, Any]:
    """Read a text file (UTF-8, or UTF-16/UTF-8 with a byte-order mark), one page of at most
    max_bytes bytes from byte offset. Pages end on whole characters; if truncated is true, call
    again with offset=next_offset. Documents (.docx, .odt, .pdf, .rtf, .html, .eml) return their
    extracted text (encoding "extracted", format names it; offsets count characters of that text).
    Other binary or undecodable files are refused."""
    if args.max_bytes > MAX_READ_BYTES:
        raise ToolError(
            ErrorType.TOO_LARGE,
            f"max_bytes may be at most {MAX_READ_BYTES}; read the file in pages with offset and next_offset",
        )
    with box.open(args.path) as opened:
        where, found = opened.path, opened.found
        if found.name is None:
            raise invalid(f"{where} is a folder; use list_directory")
        if not stat.S_ISREG(found.st.st_mode):  # decided before opening: opening a FIFO could block
            raise _special(where)
        fd = os.open(found.name, fsafe.READ_FLAGS, dir_fd=found.dir_fd)
        try:
            suffix = os.path.splitext(found.name)[1].lower()
            if suffix in EXTRACTABLE:
                if box.on_loop:
                    raise NeedsThread
                st = os.fstat(fd)
                if not stat.S_ISREG(st.st_mode):  # replaced between the stat and the open
                    raise _special(where)
                return docpage.read_page(fd, st, where, suffix, args.offset, args.max_bytes)
            return _read_page(fd, where, args.offset, args.max_bytes)
        finally:
            os.close(fd)


TOOLS: list[ToolSpec] = [list_directory, get_file_metadata, read_file_content]
