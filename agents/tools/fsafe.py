"""Race-free paths below an opened root: every step relative to a directory descriptor.

Owns resolving a path below a root's directory descriptor (``resolve``) and
the breadth-first folder walk of ``list_directory`` (``walk``). Each step is
one ``openat``/``fstatat``/``readlinkat``/``fdopendir`` relative to a folder
descriptor already known to be inside the root, with ``O_NOFOLLOW`` /
``follow_symlinks=False``; the kernel never follows a symlink and never sees
a ``..``. So containment holds at the moment of every open, stat and scan,
whatever is renamed or swapped for a symlink meanwhile (no check-then-open).

Symlinks inside a root: a link is followed by reading its text and resolving
that text here, component by component: relative text from the folder that
holds the link, absolute text only when it names the same root (its first
components are the root's real path) and then from the root. ``..`` pops this
module's own stack of descriptors and may not climb above the root. A link
leading outside the root, a loop, or more than ``MAX_LINKS`` links in one
resolution is ``Escape`` (the tools answer ``forbidden_path``). Listings show
a symlink as an entry (with its target's type, size and time) only when it
resolves inside the root, and never descend into it.

Names on disk that are not valid UTF-8 cannot travel in a JSON frame nor be
named back by a caller: listings leave them out and count them.

Blocking; runs on the thread that calls it (the tools' worker thread, or the
database thread for local engine runs). POSIX only.
"""

from __future__ import annotations

import errno
import os
import stat
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from agents.errors import AdiuvaError
from agents.roots import STEP_FLAGS

SCAN_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
READ_FLAGS = (
    os.O_RDONLY
    | os.O_NONBLOCK  # a FIFO swapped in after the stat must not block open()
    | os.O_NOFOLLOW
    | getattr(os, "O_CLOEXEC", 0)
)
MAX_LINKS = 40  # as the kernel's own limit
FD_BUDGET = 64  # folder descriptors a walk keeps open for pending subfolders
_SWAPPED = (errno.ENOTDIR, errno.ELOOP, errno.EINVAL)


class Escape(AdiuvaError):
    """The path leaves the root or loops; ``str(exc)`` completes "<path> ..."."""


@dataclass
class Found:
    """What a path resolved to. ``name`` is ``None`` when it is a folder: ``dir_fd`` is then that folder."""

    names: tuple[str, ...]  # from the root to the object, symlinks followed
    st: os.stat_result  # of the object itself, never of a symlink
    dir_fd: int  # the folder holding the object (borrowed: valid inside the ``with``)
    name: str | None


def join(root: str, names: Iterable[str]) -> str:
    tail = "/".join(names)
    if not tail:
        return root
    return root + tail if root.endswith("/") else f"{root}/{tail}"


def _absolute_inside(root: str, target: str) -> list[str]:
    """The components of absolute link text below ``root``; ``Escape`` if it names anything else."""
    want = [p for p in root.split("/") if p]
    parts = [p for p in target.split("/") if p and p != "."]
    if parts[: len(want)] != want:
        raise Escape("leads outside the allowed folder through a symlink")
    return parts[len(want) :]


@contextmanager
def resolve(root_fd: int, root: str, names: Iterable[str]) -> Iterator[Found]:
    """Resolve ``names`` (components below the root) without ever leaving it.

    ``OSError`` for what is missing or unreadable inside the root (``ENOTDIR``
    when a file is used as a folder); ``Escape`` for what would leave it. The
    descriptors in the result are closed when the ``with`` ends.
    """
    stack: list[int] = []  # descriptors this resolution opened, one per folder below the root
    done: list[str] = []
    todo = deque(names)
    links = flips = 0
    try:
        while True:
            here = stack[-1] if stack else root_fd
            if not todo:
                yield Found(tuple(done), os.fstat(here), here, None)
                return
            name = todo.popleft()
            if name in ("", "."):
                continue
            if name == "..":
                if not done:
                    raise Escape("leads above the allowed folder")
                os.close(stack.pop())
                done.pop()
                continue
            st = os.stat(name, dir_fd=here, follow_symlinks=False)
            mode = st.st_mode
            if stat.S_ISDIR(mode) or stat.S_ISLNK(mode):
                try:
                    if stat.S_ISDIR(mode):
                        stack.append(os.open(name, STEP_FLAGS, dir_fd=here))
                        done.append(name)
                        continue
                    target = os.readlink(name, dir_fd=here)
                except OSError as exc:
                    if exc.errno not in _SWAPPED:
                        raise
                    flips += 1  # it changed between the stat and the open: look again, a bounded number of times
                    if flips > MAX_LINKS:
                        raise Escape("keeps changing between a folder and a symlink") from None
                    todo.appendleft(name)
                    continue
                links += 1
                if links > MAX_LINKS:
                    raise Escape("is part of a symlink loop (or passes too many symlinks)")
                if target.startswith("/"):
                    parts = _absolute_inside(root, target)
                    while stack:
                        os.close(stack.pop())
                    done.clear()
                else:
                    parts = target.split("/")
                todo.extendleft(reversed(parts))
                continue
            if todo:
                raise OSError(errno.ENOTDIR, "Not a directory", name)
            yield Found((*done, name), st, here, name)
            return
    finally:
        for fd in stack:
            os.close(fd)


def _reopen(root_fd: int, names: tuple[str, ...]) -> int:
    """A scan descriptor of the folder at ``names`` below the root, following no symlink."""
    fd = root_fd
    try:
        for name in names[:-1]:
            step = os.open(name, STEP_FLAGS, dir_fd=fd)
            if fd != root_fd:
                os.close(fd)
            fd = step
        return os.open(names[-1], SCAN_FLAGS, dir_fd=fd)
    finally:
        if fd != root_fd:
            os.close(fd)


class _Folder:
    """A scanned folder whose subfolders wait in the queue; ``fd`` is -1 once closed.

    ``path`` is its path below the walked folder with a trailing "/" ("" for that folder itself)."""

    __slots__ = ("fd", "names", "path", "waiting")

    def __init__(self, fd: int, names: tuple[str, ...], path: str, waiting: int):
        self.fd, self.names, self.path, self.waiting = fd, names, path, waiting


def entry_kind(mode: int) -> str | None:
    """"file" or "dir" for a stat mode, None for anything else (a pipe, socket, device, link)."""
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISDIR(mode):
        return "dir"
    return None


@dataclass(slots=True)
class Walked:
    """A walk's entries as columns, in order. ``rel`` is each entry's path below the walked folder
    (the same list as ``name`` when the walk was not recursive); ``size`` and ``modified_at`` are
    None when the walk asked for no details."""

    name: list[str]
    rel: list[str]
    type: list[str]
    size: list[int | None] | None
    modified_at: list[Any] | None
    truncated: bool
    unnamed: int


def walk(
    root_fd: int, root: str, top: Found, *, recursive: bool, max_entries: int, stamp: Callable[[int], Any],
    details: bool = True,
) -> Walked:
    """The entries below the folder ``top`` (``Walked``): breadth-first, each folder sorted by name.

    Hidden names, pipes, sockets, devices and symlinks that do not resolve
    inside the root are left out; ``unnamed`` counts names that are not
    valid UTF-8. A subfolder that cannot be opened or read is left out; the
    top folder raises. Subfolders open relative to their parent's descriptor
    (kept open up to ``FD_BUDGET``; beyond that, reopened from the root).
    ``details=False``: no ``stat`` of files and folders (the kind comes from the
    directory entry). Columns rather than one object per entry: the per-entry
    cost of a large listing is the interpreter's, so each entry costs as few
    operations as possible.
    """
    names: list[str] = []
    rels = [] if recursive else names
    kinds: list[str] = []
    sizes: list[int | None] | None = [] if details else None
    times: list[Any] | None = [] if details else None
    unnamed = 0
    queue: deque[tuple[_Folder, str]] = deque()
    held: list[_Folder] = []
    by_name = attrgetter("name")
    fd = os.open(".", SCAN_FLAGS, dir_fd=top.dir_fd)
    here, below = top.names, ""  # the folder being scanned: its names from the root, its path below ``top``
    first = True

    def done(truncated: bool) -> Walked:
        return Walked(names, rels, kinds, sizes, times, truncated, unnamed)

    try:
        while True:
            try:
                with os.scandir(fd) as it:
                    items = sorted(it, key=by_name)
            except OSError:
                if first:
                    raise
                items = []
            first = False
            subfolders: list[str] = []
            for entry in items:
                name = entry.name
                if name[0] == ".":
                    continue
                if not name.isascii():
                    try:
                        name.encode("utf-8")
                    except UnicodeEncodeError:
                        unnamed += 1
                        continue
                try:
                    if entry.is_file(follow_symlinks=False):
                        kind = "file"
                        if details:
                            st = entry.stat(follow_symlinks=False)
                    elif entry.is_dir(follow_symlinks=False):
                        kind = "dir"
                        if details:
                            st = entry.stat(follow_symlinks=False)
                        if recursive:
                            subfolders.append(name)
                    elif entry.is_symlink():
                        with resolve(root_fd, root, (*here, name)) as found:
                            st = found.st
                        kind = entry_kind(st.st_mode)
                        if kind is None:
                            continue
                    else:
                        continue  # FIFO, socket, device
                except (OSError, Escape):
                    continue  # vanished, unreadable, or a link leading outside
                if len(kinds) >= max_entries:
                    return done(True)
                names.append(name)
                kinds.append(kind)
                if recursive:
                    rels.append(below + name)
                if details:
                    sizes.append(st.st_size if kind == "file" else None)  # type: ignore[union-attr]
                    times.append(stamp(st.st_mtime_ns))  # type: ignore[union-attr]
            if subfolders:
                keep = len(held) < FD_BUDGET
                folder = _Folder(fd if keep else -1, here, below, len(subfolders))
                if keep:
                    held.append(folder)
                else:
                    os.close(fd)
                queue.extend((folder, sub) for sub in subfolders)
            else:
                os.close(fd)
            fd = -1
            while queue and fd < 0:
                parent, name = queue.popleft()
                try:
                    if parent.fd >= 0:
                        fd = os.open(name, SCAN_FLAGS, dir_fd=parent.fd)
                    else:
                        fd = _reopen(root_fd, (*parent.names, name))
                except OSError:
                    fd = -1  # swapped for a symlink, removed or unreadable: left out
                parent.waiting -= 1
                if parent.waiting == 0 and parent.fd >= 0:
                    os.close(parent.fd)
                    parent.fd = -1
                    held.remove(parent)
                here, below = (*parent.names, name), f"{parent.path}{name}/"
            if fd < 0:
                return done(False)
    finally:
        if fd >= 0:
            os.close(fd)
        for folder in held:
            if folder.fd >= 0:
                os.close(folder.fd)
