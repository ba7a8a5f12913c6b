"""``Sandbox``: one call's allowed folders, and paths resolved inside them.

A path is first checked lexically (normalised, compared by components:
``/x/allowed_evil`` is not inside ``/x/allowed``; outside is
``forbidden_path`` whether or not it exists). Then its folder is opened as
pinned (``agents.roots``) and the rest of the path is resolved relative to
that folder's descriptor (``agents.tools.fsafe``). Path arguments that are
empty, hold a NUL, are not valid Unicode (lone surrogates) or are too long
are ``invalid_args``.

Blocking (filesystem): used on the tools' worker thread or the database
thread, one ``Sandbox`` per call, closed at its end; or, for bounded work
only, on the MCP door's loop (``on_loop``: work that turns out long raises
``NeedsThread`` before doing it).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from agents import roots as pinned
from agents.errors import ErrorType, ToolError
from agents.tools import fsafe

MAX_PATH_BYTES = 4096  # Linux PATH_MAX, with the terminating NUL
MAX_NAME_BYTES = 255  # NAME_MAX on every common filesystem


class NeedsThread(Exception):
    """Raised by work running ``on_loop`` that turns out not to be cheap: run it again on a worker thread."""


def forbidden(message: str) -> ToolError:
    return ToolError(ErrorType.FORBIDDEN_PATH, message)


def invalid(message: str) -> ToolError:
    return ToolError(ErrorType.INVALID_ARGS, message)


def inside(path: str, root: str) -> bool:
    """Whether ``path`` is ``root`` or below it, compared component by component (both normalised
    and absolute: ``/x/allowed_evil`` is not below ``/x/allowed``)."""
    return path == root or path.startswith(root if root.endswith("/") else root + "/")


def is_path_text(value: object) -> bool:
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
        if not is_path_text(where):  # reached through a symlink whose text is not UTF-8
            raise ToolError(ErrorType.UNSUPPORTED_FILE, "the path leads to a name that is not valid UTF-8")
        return where


class Sandbox:
    """The allowed roots of one call, their pins, and the descriptors opened for it.

    Blocking: ``open`` touches the filesystem; use it from a worker thread
    (or from a loop for bounded work: ``on_loop``, see ``NeedsThread``).
    ``close`` releases the roots' descriptors; ``new_pins`` are the first
    pins taken during the call, for the caller to store.
    """

    def __init__(self, roots: Iterable[str], pins: Mapping[str, pinned.Pin] | None = None, *,
                 on_loop: bool = False, columns: bool = False):
        self.on_loop = on_loop
        self.columns = columns  # the caller wants a listing as columns (``Grant.columns``)
        ok = [r for r in roots if is_path_text(r) and os.path.isabs(r)]  # a relative root would depend on the cwd
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
        return forbidden(
            f"{path} is outside the folders this agent may read ({', '.join(self.roots)})"
        )

    def locate(self, path: str) -> list[tuple[str, list[str]]]:
        """``(root, components below it)`` for each root ``path`` lies in lexically, closest first.

        ``invalid_args``: empty, NUL byte, not valid Unicode, or too long.
        ``forbidden_path``: outside every root, or no roots at all.
        """
        if not self.roots:
            raise forbidden("no folders are allowed yet; add one to an agent")
        if not isinstance(path, str) or not path.strip():
            raise invalid("path is empty; give a file or folder path")
        if "\x00" in path:
            raise invalid("path contains a NUL byte")
        if not is_path_text(path):
            raise invalid(
                "path contains text that cannot be a file name (a lone surrogate or other character "
                "that is not valid Unicode); send the path as valid UTF-8 text"
            )
        if not os.path.isabs(path):
            if len(self.roots) != 1:
                raise invalid(
                    f"{path!r} is relative; give an absolute path inside one of {', '.join(self.roots)}"
                )
            path = os.path.join(self.roots[0], path)
        lexical = os.path.normpath(path)
        if lexical.startswith("//"):  # POSIX normpath keeps exactly two leading slashes; Linux reads them as one
            lexical = lexical[1:]
        raw = lexical.encode("utf-8")
        if len(raw) >= MAX_PATH_BYTES or any(len(part) > MAX_NAME_BYTES for part in raw.split(b"/")):
            raise invalid("path is too long")
        found = [
            (root, [p for p in lexical[len(spelling):].split("/") if p])
            for spelling, root in self._spellings
            if inside(lexical, spelling)
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
                raise forbidden(f"{path} {exc}") from None
        assert changed is not None
        raise changed
