"""Read-only filesystem tools, confined to the folders the user allowed.

``Sandbox`` turns a path an agent sent into a real path inside the allowed
roots, or raises ``ToolError``. Containment is checked by path components
(``/x/allowed_evil`` is not inside ``/x/allowed``) twice: on the lexically
normalised path and on the real path with every symlink resolved. A path
outside the roots is ``forbidden_path`` whether or not it exists, so the tools
never reveal what lies outside.

The three tools (``list_directory``, ``get_file_metadata``,
``read_file_content``) are plain functions of a ``Sandbox`` and their
arguments (``file_tool``). Called from the bridge they do all their blocking
work (resolving, stat, scandir, reading) in one ``asyncio.to_thread`` hop per
call; cancelling such a call is safe: the thread finishes its bounded work and
its result is dropped. Local engine runs call them directly on the database
thread (``ToolSpec.sync_impl``). Nothing here writes to disk.
"""

from __future__ import annotations

import asyncio
import errno
import mimetypes
import os
import stat
from collections import deque
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from operator import attrgetter
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import Field

from agents.errors import ErrorType, ToolError
from agents.store import SyncDb, iso
from agents.tools.base import ArgsModel, ToolContext, ToolSpec

MAX_PATH_BYTES = 4096  # Linux PATH_MAX, with the terminating NUL
MAX_NAME_BYTES = 255  # NAME_MAX on every common filesystem
MAX_READ_BYTES = 1_000_000
BINARY_SNIFF_BYTES = 8192

# The system MIME tables are read once here, at import, so that
# ``mimetypes.guess_type`` never opens a file during a tool call.
if not mimetypes.inited:
    mimetypes.init()

_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)  # a FIFO swapped in after the stat check must not block open()
    | getattr(os, "O_NOFOLLOW", 0)  # nor may a symlink swapped in for the resolved file be followed
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)

_SEP = os.fsencode(os.sep)

T = TypeVar("T")


def _forbidden(message: str) -> ToolError:
    return ToolError(ErrorType.FORBIDDEN_PATH, message)


def _invalid(message: str) -> ToolError:
    return ToolError(ErrorType.INVALID_ARGS, message)


def _inside(path: str, root: str) -> bool:
    """Whether ``path`` is ``root`` or below it, compared component by component."""
    try:
        return os.path.commonpath([root, path]) == root
    except ValueError:  # different drives (Windows), or mixed absolute/relative
        return False


class Sandbox:
    """The allowed roots of one call and the rules for paths inside them.

    Blocking: ``__init__`` and ``resolve`` touch the filesystem (realpath);
    call them from a worker thread, not the event loop.
    """

    def __init__(self, roots: Iterable[str]):
        real: list[str] = []
        lexical: list[str] = []
        for root in roots:
            if not isinstance(root, str) or not os.path.isabs(root) or "\x00" in root:
                continue  # a relative or broken root would depend on the cwd: never allow it
            try:
                real.append(os.path.realpath(root))
            except (OSError, ValueError):
                continue
            lexical.append(os.path.normpath(root))
        self.roots: tuple[str, ...] = tuple(dict.fromkeys(real))
        # The lexical check also accepts a root as configured (e.g. through a
        # symlinked home); the real-path check below is always against real roots.
        self._lexical_roots: tuple[str, ...] = tuple(dict.fromkeys([*self.roots, *lexical]))

    def contains(self, real_path: str) -> bool:
        """Whether a real (symlink-free) path lies inside one of the roots."""
        return any(_inside(real_path, root) for root in self.roots)

    def _outside(self, path: str) -> ToolError:
        return _forbidden(
            f"{path} is outside the folders this agent may read ({', '.join(self.roots)})"
        )

    def resolve(self, path: str) -> Path:
        """The real path of ``path`` if it lies inside the roots, else ``ToolError``.

        ``invalid_args``: empty, NUL byte, unencodable or too long.
        ``forbidden_path``: outside the roots (existing or not), through a
        symlink leading outside, a symlink loop, or no roots at all.
        ``not_found``: inside the roots but missing.
        """
        if not self.roots:
            raise _forbidden("no folders are allowed yet; add one to an agent")
        if not isinstance(path, str) or not path.strip():
            raise _invalid("path is empty; give a file or folder path")
        if "\x00" in path:
            raise _invalid("path contains a NUL byte")
        try:
            os.fsencode(path)
        except UnicodeError:
            raise _invalid("path contains characters that cannot be a file name") from None
        if not os.path.isabs(path):
            if len(self.roots) != 1:
                raise _invalid(
                    f"{path!r} is relative; give an absolute path inside one of {', '.join(self.roots)}"
                )
            path = os.path.join(self.roots[0], path)
        lexical = os.path.normpath(path)
        raw = os.fsencode(lexical)
        if len(raw) >= MAX_PATH_BYTES or any(len(part) > MAX_NAME_BYTES for part in raw.split(_SEP)):
            raise _invalid("path is too long")
        if not any(_inside(lexical, root) for root in self._lexical_roots):
            raise self._outside(lexical)
        try:
            real = os.path.realpath(lexical, strict=True)
        except OSError as exc:
            # Where it would lead decides first: outside is forbidden, existing or not.
            if not self.contains(os.path.realpath(lexical)):
                raise self._outside(lexical) from None
            raise _os_error(exc, lexical) from None
        if not self.contains(real):
            raise self._outside(lexical)
        return Path(real)


def _os_error(exc: OSError, path: str) -> ToolError:
    """An ``OSError`` met inside the roots, as the protocol's error type."""
    code = exc.errno
    if code in (errno.ENOENT, errno.ENOTDIR):
        return ToolError(ErrorType.NOT_FOUND, f"no such file or folder: {path}")
    if code == errno.ELOOP:
        return _forbidden(f"{path} is part of a symlink loop")
    if code == errno.ENAMETOOLONG:
        return _invalid("path is too long")
    if code in (errno.EACCES, errno.EPERM):
        return _forbidden(f"the operating system does not allow reading {path}")
    return ToolError(ErrorType.INTERNAL, f"cannot read {path}: {exc.strerror or exc}")


def _guarded(work: Callable[[Sandbox, Any], T], roots: tuple[str, ...], args: Any) -> T:
    """``work(Sandbox(roots), args)`` with the OS errors of a race turned into the protocol's."""
    try:
        return work(Sandbox(roots), args)
    except OSError as exc:  # a race after resolve (file removed, replaced, ...)
        raise _os_error(exc, exc.filename if isinstance(exc.filename, str) else "the path") from None
    except (ValueError, UnicodeError) as exc:
        raise _invalid(f"invalid path: {exc}") from None


def file_tool(name: str, args_model: type[ArgsModel]) -> Callable[[Callable[[Sandbox, Any], dict[str, Any]]], ToolSpec]:
    """A read-only filesystem tool from ``work(sandbox, args)``; its docstring is the description.

    The async ``impl`` (the bridge's) looks the call's roots up, then does all
    the blocking work in one worker-thread hop; ``sync_impl`` does the same on
    the calling thread, for local engine runs already on the database thread.
    """

    def wrap(work: Callable[[Sandbox, Any], dict[str, Any]]) -> ToolSpec:
        async def impl(ctx: ToolContext, args: Any) -> dict[str, Any]:
            roots = await ctx.allowed_roots()
            return await asyncio.to_thread(_guarded, work, roots, args)

        def sync_impl(db: SyncDb, ctx: ToolContext, args: Any) -> dict[str, Any]:
            return _guarded(work, ctx.allowed_roots_sync(db), args)

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


def _walk(box: Sandbox, top: str, recursive: bool, max_entries: int) -> tuple[list[dict[str, Any]], bool]:
    """Entries below ``top`` (a real directory path), breadth-first, each folder sorted by name."""
    entries: list[dict[str, Any]] = []
    pending: deque[str] = deque([top])
    stamp = _stamp
    by_name = attrgetter("name")
    while pending:
        folder = pending.popleft()
        try:
            with os.scandir(folder) as it:
                items = sorted(it, key=by_name)
        except OSError:
            if folder == top:
                raise
            continue  # an unreadable subfolder is left out, not fatal
        subfolders: list[str] = []
        for entry in items:
            name = entry.name
            if name.startswith("."):
                continue
            try:
                if entry.is_symlink():
                    # Rare: follow it only if it stays inside the roots; never descend.
                    if not box.contains(os.path.realpath(entry.path)):
                        continue
                    st = entry.stat(follow_symlinks=True)
                    kind = _kind(st.st_mode)
                    if kind is None:
                        continue
                elif entry.is_dir(follow_symlinks=False):
                    kind = "dir"
                    st = entry.stat(follow_symlinks=False)
                    if recursive:
                        subfolders.append(entry.path)
                elif entry.is_file(follow_symlinks=False):
                    kind = "file"
                    st = entry.stat(follow_symlinks=False)
                else:
                    continue  # FIFO, socket, device
            except OSError:
                continue  # vanished or unreadable meanwhile
            if len(entries) >= max_entries:
                return entries, True
            entries.append(
                {
                    "name": name,
                    "path": entry.path,
                    "type": kind,
                    "size": st.st_size if kind == "file" else None,
                    "modified_at": stamp(st.st_mtime_ns),
                }
            )
        pending.extend(subfolders)
    return entries, False


@file_tool("list_directory", ListDirectoryArgs)
def list_directory(box: Sandbox, args: ListDirectoryArgs) -> dict[str, Any]:
    """List the files and folders in an allowed folder. With recursive=true, also everything
    below it, breadth-first, each folder sorted by name, up to max_entries; truncated=true means
    there is more. Hidden names (starting with "."), pipes, sockets, devices and symlinks that lead
    outside the allowed folders are left out. size is in bytes (null for folders)."""
    real = box.resolve(args.path)
    top = str(real)
    if not stat.S_ISDIR(os.stat(top).st_mode):
        raise _invalid(f"{top} is a file, not a folder; use get_file_metadata or read_file_content")
    entries, truncated = _walk(box, top, args.recursive, args.max_entries)
    return {"path": top, "entries": entries, "truncated": truncated}


# ── get_file_metadata ──────────────────────────────────────────────────────


class GetFileMetadataArgs(ArgsModel):
    path: str = Field(..., description="file or folder: absolute, or relative to the only allowed folder")


@file_tool("get_file_metadata", GetFileMetadataArgs)
def get_file_metadata(box: Sandbox, args: GetFileMetadataArgs) -> dict[str, Any]:
    """Name, type ("file" or "dir"), size in bytes (null for folders), times and MIME type of one
    file or folder, without reading its content."""
    real = box.resolve(args.path)
    st = os.stat(real)
    kind = _kind(st.st_mode)
    if kind is None:
        raise _special(str(real))
    if kind == "file":
        mime = mimetypes.guess_type(real.name, strict=False)[0]
    else:
        mime = "inode/directory"
    return {
        "path": str(real),
        "name": real.name,
        "extension": real.suffix.lower() if kind == "file" else "",
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


_UTF16_BOMS = {b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be"}
_UTF8_BOM = b"\xef\xbb\xbf"


def _sniff(head: bytes, path: str) -> tuple[str, int]:
    """(codec, BOM length) from the first bytes; binary files are ``unsupported_file``."""
    if head[:2] in _UTF16_BOMS and not head.startswith(b"\xff\xfe\x00\x00"):  # not UTF-32
        return _UTF16_BOMS[head[:2]], 2
    if b"\x00" in head:
        raise ToolError(ErrorType.UNSUPPORTED_FILE, f"{path} is a binary file, not text")
    if head.startswith(_UTF8_BOM):
        return "utf-8", len(_UTF8_BOM)
    return "utf-8", 0


def _utf8_page(buf: bytes, max_bytes: int) -> tuple[int, bytes]:
    """(bytes skipped at the start, page) cut at UTF-8 character boundaries.

    ``buf`` holds up to ``max_bytes + 6`` bytes from the requested start; if it
    is shorter than that, it reaches the end of the file.
    """
    skip = 0
    while skip < 3 and skip < len(buf) and buf[skip] & 0xC0 == 0x80:
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


def _utf16_page(buf: bytes, max_bytes: int, byteorder: Literal["little", "big"]) -> tuple[int, bytes]:
    """Like ``_utf8_page`` for UTF-16 code units; never splits a surrogate pair."""

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
    real = box.resolve(args.path)
    where = str(real)
    st = os.stat(where)  # before opening: opening a FIFO would block
    if stat.S_ISDIR(st.st_mode):
        raise _invalid(f"{where} is a folder; use list_directory")
    if not stat.S_ISREG(st.st_mode):
        raise _special(where)
    fd = os.open(where, _OPEN_FLAGS)
    with open(fd, "rb", closefd=True) as f:
        st = os.fstat(f.fileno())
        if not stat.S_ISREG(st.st_mode):  # replaced between the checks
            raise _special(where)
        size = st.st_size
        codec, bom = _sniff(f.read(BINARY_SNIFF_BYTES), where)
        start = max(args.offset, bom)
        if codec != "utf-8" and (start - bom) % 2:
            start += 1  # align to a UTF-16 code unit
        if start >= size:
            return {
                "path": where, "content": "", "encoding": codec, "size": size,
                "offset": args.offset, "next_offset": None, "truncated": False,
            }
        f.seek(start)
        buf = f.read(args.max_bytes + 6)
    if codec == "utf-8":
        skip, data = _utf8_page(buf, args.max_bytes)
    else:
        skip, data = _utf16_page(buf, args.max_bytes, "little" if codec.endswith("le") else "big")
    start += skip
    try:
        content = data.decode(codec)
    except UnicodeDecodeError:
        raise ToolError(
            ErrorType.UNSUPPORTED_FILE, f"{where} is not valid {codec.upper()} text"
        ) from None
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



TOOLS: list[ToolSpec] = [list_directory, get_file_metadata, read_file_content]
