"""Read-only filesystem tools, confined to the folders the user allowed.

``Sandbox`` holds one call's allowed folders. A path an agent sends is first
checked lexically (normalised, compared by components: ``/x/allowed_evil``
is not inside ``/x/allowed``; outside is ``forbidden_path`` whether or not it
exists, so nothing outside is revealed). Then the folder is opened as pinned
(``agents.roots``: its real path from ``/`` without following symlinks, and
the identity recorded when the user picked it) and the rest of the path is
resolved relative to that folder's descriptor, one component at a time
without following symlinks (``agents.tools.fsafe``). Every read, stat and
listing happens on descriptors reached that way, so containment holds at the
moment of the read, not only when it was checked.

Symlinks inside a folder are followed only when their target, resolved
component-wise by us, stays inside the same folder; otherwise the path is
``forbidden_path``. Listings show such links as entries but never descend
into them. Names on disk that are not valid UTF-8 are left out of listings
and counted (``undecodable_names``). Path arguments that are not valid
Unicode text (lone surrogates) are ``invalid_args``. Whole pages are tested
for text (``agents.tools.textpage``).

The three tools (``list_directory``, ``get_file_metadata``,
``read_file_content``) are plain functions of a ``Sandbox`` and their
arguments (``file_tool``). Called from the bridge they do all their blocking
work in one ``asyncio.to_thread`` hop per call; cancelling such a call is
safe: the thread finishes its bounded work and its result is dropped. Local
engine runs call them directly on the database thread
(``ToolSpec.sync_impl``). Nothing here writes to disk; the only database
write is a folder's first pin (folders saved before pinning existed).
"""

from __future__ import annotations

import asyncio
import errno
import mimetypes
import os
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from pydantic import Field

from agents import roots as pinned
from agents.errors import ErrorType, ToolError
from agents.store import SyncDb, iso
from agents.tools import fsafe, textpage
from agents.tools.base import ArgsModel, ToolContext, ToolSpec

MAX_PATH_BYTES = 4096  # Linux PATH_MAX, with the terminating NUL
MAX_NAME_BYTES = 255  # NAME_MAX on every common filesystem
MAX_READ_BYTES = 1_000_000
BINARY_SNIFF_BYTES = 8192

# The system MIME tables are read once here, at import, so that
# ``mimetypes.guess_type`` never opens a file during a tool call.
if not mimetypes.inited:
    mimetypes.init()

T = TypeVar("T")


def _forbidden(message: str) -> ToolError:
    return ToolError(ErrorType.FORBIDDEN_PATH, message)


def _invalid(message: str) -> ToolError:
    return ToolError(ErrorType.INVALID_ARGS, message)


def _inside(path: str, root: str) -> bool:
    """Whether ``path`` is ``root`` or below it, compared component by component."""
    try:
        return os.path.commonpath([root, path]) == root
    except ValueError:  # mixed absolute/relative
        return False


def _text(value: object) -> bool:
    """Whether ``value`` is a string that can be a path: no NUL, valid Unicode (no lone surrogates)."""
    if not isinstance(value, str) or "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@dataclass
class Opened:
    """A path resolved inside an opened root (descriptors valid inside the ``with``)."""

    root_fd: int
    root: str  # the root's real path
    found: fsafe.Found

    @property
    def path(self) -> str:
        where = fsafe.join(self.root, self.found.names)
        if not _text(where):  # reached through a symlink whose text is not UTF-8
            raise ToolError(ErrorType.UNSUPPORTED_FILE, "the path leads to a name that is not valid UTF-8")
        return where


class Sandbox:
    """The allowed roots of one call, their pins, and the descriptors opened for it.

    Blocking: ``open`` touches the filesystem; use it from a worker thread.
    ``close`` releases the roots' descriptors; ``new_pins`` are the first
    pins taken during the call, for the caller to store.
    """

    def __init__(self, roots: Iterable[str], pins: Mapping[str, pinned.Pin] | None = None):
        ok = [r for r in roots if _text(r) and os.path.isabs(r)]  # a relative root would depend on the cwd
        self.roots: tuple[str, ...] = tuple(dict.fromkeys(os.path.normpath(r) for r in ok))
        self._pins = dict(pins or {})
        self.new_pins: dict[str, pinned.Pin] = {}
        self._open: dict[str, tuple[int, str]] = {}
        # Spellings a path may use: as configured, and the real path (pinned, else as it is now).
        self._spellings: list[tuple[str, str]] = []
        for root in self.roots:
            pin = self._pins.get(root)
            real = pin.real if pin is not None else os.path.realpath(root)
            self._spellings.extend((s, root) for s in dict.fromkeys((root, real)))
        self._spellings.sort(key=lambda sr: len(sr[0]), reverse=True)

    def close(self) -> None:
        for fd, _ in self._open.values():
            os.close(fd)
        self._open.clear()

    def _outside(self, path: str) -> ToolError:
        return _forbidden(
            f"{path} is outside the folders this agent may read ({', '.join(self.roots)})"
        )

    def locate(self, path: str) -> list[tuple[str, list[str]]]:
        """``(root, components below it)`` for each root ``path`` lies in lexically, closest first.

        ``invalid_args``: empty, NUL byte, not valid Unicode, or too long.
        ``forbidden_path``: outside every root, or no roots at all.
        """
        if not self.roots:
            raise _forbidden("no folders are allowed yet; add one to an agent")
        if not isinstance(path, str) or not path.strip():
            raise _invalid("path is empty; give a file or folder path")
        if "\x00" in path:
            raise _invalid("path contains a NUL byte")
        if not _text(path):
            raise _invalid(
                "path contains text that cannot be a file name (a lone surrogate or other character "
                "that is not valid Unicode); send the path as valid UTF-8 text"
            )
        if not os.path.isabs(path):
            if len(self.roots) != 1:
                raise _invalid(
                    f"{path!r} is relative; give an absolute path inside one of {', '.join(self.roots)}"
                )
            path = os.path.join(self.roots[0], path)
        lexical = os.path.normpath(path)
        raw = lexical.encode("utf-8")
        if len(raw) >= MAX_PATH_BYTES or any(len(part) > MAX_NAME_BYTES for part in raw.split(b"/")):
            raise _invalid("path is too long")
        found = [
            (root, [p for p in lexical[len(spelling):].split("/") if p])
            for spelling, root in self._spellings
            if _inside(lexical, spelling)
        ]
        if not found:
            raise self._outside(lexical)
        return found

    def _root(self, root: str) -> tuple[int, str]:
        if root not in self._open:
            pin = self._pins.get(root)
            fd, now = pinned.open_root(root, pin)
            if pin is None:  # saved before pinning existed: pinned on this first use
                self.new_pins[root] = now
            self._open[root] = (fd, now.real)
        return self._open[root]

    @contextmanager
    def open(self, path: str) -> Iterator[Opened]:
        """``path`` resolved inside its root; ``ToolError`` or ``OSError`` (mapped by the tools) if not."""
        changed: ToolError | None = None
        for root, parts in self.locate(path):
            try:
                fd, real = self._root(root)
            except pinned.RootChanged as exc:
                changed = changed or exc
                continue  # another allowed folder holding this path may still be fine
            try:
                with fsafe.resolve(fd, real, parts) as found:
                    yield Opened(fd, real, found)
                    return
            except fsafe.Escape as exc:
                raise _forbidden(f"{path} {exc}") from None
        assert changed is not None
        raise changed


def _os_error(exc: OSError, path: str) -> ToolError:
    """An ``OSError`` met inside the roots, as the protocol's error type."""
    code = exc.errno
    if code in (errno.ENOENT, errno.ENOTDIR):
        return ToolError(ErrorType.NOT_FOUND, f"no such file or folder: {path}")
    if code == errno.ELOOP:
        return _forbidden(f"{path} was replaced by a symlink while it was read")
    if code == errno.ENAMETOOLONG:
        return _invalid("path is too long")
    if code in (errno.EACCES, errno.EPERM):
        return _forbidden(f"the operating system does not allow reading {path}")
    return ToolError(ErrorType.INTERNAL, f"cannot read {path}: {exc.strerror or exc}")


def _guarded(
    work: Callable[[Sandbox, Any], T], roots: tuple[str, ...], pins: Mapping[str, pinned.Pin], args: Any
) -> tuple[T, dict[str, pinned.Pin]]:
    """``(work(sandbox, args), first pins taken)`` with OS errors turned into the protocol's."""
    box = Sandbox(roots, pins)
    try:
        return work(box, args), box.new_pins
    except OSError as exc:
        path = getattr(args, "path", None)
        raise _os_error(exc, path if _text(path) else "the path") from None
    except (ValueError, UnicodeError) as exc:
        raise _invalid(f"invalid path: {exc}") from None
    finally:
        box.close()


def file_tool(name: str, args_model: type[ArgsModel]) -> Callable[[Callable[[Sandbox, Any], dict[str, Any]]], ToolSpec]:
    """A read-only filesystem tool from ``work(sandbox, args)``; its docstring is the description.

    The async ``impl`` (the bridge's) looks the call's roots and pins up, then
    does all the blocking work in one worker-thread hop; ``sync_impl`` does
    the same on the calling thread, for local engine runs already on the
    database thread. First pins taken during a successful call are stored.
    """

    def wrap(work: Callable[[Sandbox, Any], dict[str, Any]]) -> ToolSpec:
        async def impl(ctx: ToolContext, args: Any) -> dict[str, Any]:
            roots = await ctx.allowed_roots()
            pins = await pinned.load_pins(ctx.store) if roots else {}
            result, first = await asyncio.to_thread(_guarded, work, roots, pins, args)
            if first:
                await pinned.store_pins(ctx.store, first, replace=False)
            return result

        def sync_impl(db: SyncDb, ctx: ToolContext, args: Any) -> dict[str, Any]:
            roots = ctx.allowed_roots_sync(db)
            result, first = _guarded(work, roots, pinned.load_pins_sync(db) if roots else {}, args)
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


def _kind(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISDIR(mode):
        return "dir"
    return None


def _special(path: str) -> ToolError:
    return ToolError(
        ErrorType.UNSUPPORTED_FILE, f"{path} is not a regular file or folder (a pipe, socket or device)"
    )


# ── list_directory ─────────────────────────────────────────────────────────


class ListDirectoryArgs(ArgsModel):
    path: str = Field(..., description="folder to list: absolute, or relative to the only allowed folder")
    recursive: bool = Field(False, description="also list everything below, breadth-first")
    max_entries: int = Field(1000, ge=1, le=100_000, description="stop after this many entries")


@file_tool("list_directory", ListDirectoryArgs)
def list_directory(box: Sandbox, args: ListDirectoryArgs) -> dict[str, Any]:
    """List the files and folders in an allowed folder. With recursive=true, also everything
    below it, breadth-first, each folder sorted by name, up to max_entries; truncated=true means
    there is more. Hidden names (starting with "."), pipes, sockets, devices and symlinks that lead
    outside the allowed folders are left out, as are names that are not valid UTF-8 (counted in
    undecodable_names when there are any). size is in bytes (null for folders)."""
    with box.open(args.path) as opened:
        top = opened.path
        if opened.found.name is not None:
            raise _invalid(f"{top} is a file, not a folder; use get_file_metadata or read_file_content")
        entries, truncated, unnamed = fsafe.walk(
            opened.root_fd, opened.root, opened.found,
            recursive=args.recursive, max_entries=args.max_entries, stamp=_stamp,
        )
    out: dict[str, Any] = {"path": top, "entries": entries, "truncated": truncated}
    if unnamed:
        out["undecodable_names"] = unnamed
    return out


# ── get_file_metadata ──────────────────────────────────────────────────────


class GetFileMetadataArgs(ArgsModel):
    path: str = Field(..., description="file or folder: absolute, or relative to the only allowed folder")


@file_tool("get_file_metadata", GetFileMetadataArgs)
def get_file_metadata(box: Sandbox, args: GetFileMetadataArgs) -> dict[str, Any]:
    """Name, type ("file" or "dir"), size in bytes (null for folders), times and MIME type of one
    file or folder, without reading its content."""
    with box.open(args.path) as opened:
        where, st = opened.path, opened.found.st
    kind = _kind(st.st_mode)
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
    path: str = Field(..., description="text file: absolute, or relative to the only allowed folder")
    offset: int = Field(0, ge=0, description="byte offset to start at; use next_offset of the previous page")
    max_bytes: int = Field(200_000, ge=1, description=f"page size in bytes, at most {MAX_READ_BYTES}")


def _read_page(fd: int, where: str, offset: int, max_bytes: int) -> dict[str, Any]:
    with open(fd, "rb", closefd=False) as f:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):  # replaced between the stat and the open
            raise _special(where)
        size = st.st_size
        codec, bom = textpage.sniff(f.read(BINARY_SNIFF_BYTES), where)
        start = max(offset, bom)
        if codec != "utf-8" and (start - bom) % 2:
            start += 1  # align to a UTF-16 code unit
        if start >= size:
            return {
                "path": where, "content": "", "encoding": codec, "size": size,
                "offset": offset, "next_offset": None, "truncated": False,
            }
        f.seek(start)
        buf = f.read(max_bytes + 6)
    if codec == "utf-8":
        skip, data = textpage.utf8_page(buf, max_bytes)
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


@file_tool("read_file_content", ReadFileContentArgs)
def read_file_content(box: Sandbox, args: ReadFileContentArgs) -> dict[str, Any]:
    """Read a text file (UTF-8, or UTF-16/UTF-8 with a byte-order mark), one page of at most
    max_bytes bytes from byte offset. Pages end on whole characters; if truncated is true, call
    again with offset=next_offset. Binary or undecodable files are refused."""
    if args.max_bytes > MAX_READ_BYTES:
        raise ToolError(
            ErrorType.TOO_LARGE,
            f"max_bytes may be at most {MAX_READ_BYTES}; read the file in pages with offset and next_offset",
        )
    with box.open(args.path) as opened:
        where, found = opened.path, opened.found
        if found.name is None:
            raise _invalid(f"{where} is a folder; use list_directory")
        if not stat.S_ISREG(found.st.st_mode):  # decided before opening: opening a FIFO could block
            raise _special(where)
        fd = os.open(found.name, fsafe.READ_FLAGS, dir_fd=found.dir_fd)
        try:
            return _read_page(fd, where, args.offset, args.max_bytes)
        finally:
            os.close(fd)


TOOLS: list[ToolSpec] = [list_directory, get_file_metadata, read_file_content]
