"""Hostile input to the filesystem tools: bad text in paths, names that are not UTF-8, binary
pages, sibling-prefix and ``..`` tricks, symlink policy, FIFOs and devices."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path
from typing import Any

import pytest

from agents.errors import ErrorType, ToolError
from agents.store import Store, utcnow
from agents.tools.base import ToolContext
from agents.tools.filesystem import MAX_READ_BYTES, TOOLS

pytestmark = pytest.mark.timeout(30)  # a FIFO or device opened blocking would hang: fail instead
SPECS = {spec.name: spec for spec in TOOLS}
SECRET = "SIBLING-SECRET-5d2a"
_OPENED: list[str] = []


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if event == "open" and args and isinstance(args[0], str | bytes):
        _OPENED.append(os.fsdecode(args[0]))


sys.addaudithook(_hook)


@pytest.fixture
async def env(tmp_path: Path):
    base = Path(os.path.realpath(tmp_path))
    root, evil = base / "allowed", base / "allowed_evil"
    (root / "sub").mkdir(parents=True)
    evil.mkdir()
    (root / "notes.md").write_text("notes\n")
    (evil / "secret.txt").write_text(SECRET)
    (base / "secret.txt").write_text(SECRET)
    store = await Store.open(base / "w.sqlite3")
    now = utcnow()
    await store.execute(
        "INSERT INTO agents (id, name, directory_paths, created_at, updated_at) VALUES ('a', 'a', json(?), ?, ?)",
        (json.dumps([str(root)]), now, now),
    )
    try:
        yield store, root
    finally:
        await store.close()


async def call(store: Store, name: str, **args: Any) -> dict[str, Any]:
    spec = SPECS[name]
    return await spec.impl(ToolContext(store=store, agent_id="a"), spec.args_model.model_validate(args))


async def fails(store: Store, kind: ErrorType, name: str, **args: Any) -> ToolError:
    with pytest.raises(ToolError) as info:
        await call(store, name, **args)
    assert info.value.type == kind, info.value
    json.dumps(info.value.to_dict(), ensure_ascii=False).encode("utf-8")  # the error frame itself encodes
    return info.value


@pytest.mark.parametrize("path", ["notes\ud800.md", "\udc80", "sub/\udcff\udcfe.txt", "\udcc3\udca9/x", "a\udfff"])
async def test_lone_surrogates_in_a_path_are_invalid_args(env, path):
    """A path with a lone surrogate (including surrogate-escaped bytes) is invalid_args for every tool."""
    store, root = env
    for name in SPECS:
        for candidate in (path, str(root / path)):
            err = await fails(store, ErrorType.INVALID_ARGS, name, path=candidate)
            assert "valid Unicode" in err.message


async def test_names_that_are_not_utf8_are_skipped_and_counted(env):
    """A file whose name is not valid UTF-8 is left out of listings, counted, and the result encodes."""
    store, root = env
    fd = os.open(os.fsencode(root) + b"/caf\xe9.txt", os.O_WRONLY | os.O_CREAT, 0o644)
    os.close(fd)
    os.mkdir(os.fsencode(root) + b"/dir\xff")
    for recursive in (False, True):
        out = await call(store, "list_directory", path=".", recursive=recursive)
        assert [e["name"] for e in out["entries"]] == ["notes.md", "sub"]
        assert out["undecodable_names"] == 2
        json.dumps(out, ensure_ascii=False).encode("utf-8")
    plain = await call(store, "list_directory", path="sub")
    assert "undecodable_names" not in plain


async def test_a_symlink_whose_text_is_not_utf8_is_refused_cleanly(env):
    """A link to a name that is not UTF-8 gives a typed error, never internal."""
    store, root = env
    os.close(os.open(os.fsencode(root) + b"/x\xe9", os.O_WRONLY | os.O_CREAT, 0o644))
    os.symlink(b"x\xe9", os.fsencode(root) + b"/lnk")
    await fails(store, ErrorType.UNSUPPORTED_FILE, "read_file_content", path="lnk")


@pytest.mark.parametrize("tail", [b"\x00" * 1000, b"\x01" * 100_000, b"\x1b\x02\x03\x04" * 5000])
async def test_binary_after_the_first_8k_is_unsupported(env, tail):
    """NULs or a run of control characters after the first 8 KB make the page unsupported_file."""
    store, root = env
    (root / "late.txt").write_bytes(b"plain text line\n" * 600 + tail + b"more\n")
    await fails(store, ErrorType.UNSUPPORTED_FILE, "read_file_content", path="late.txt", max_bytes=MAX_READ_BYTES)
    await fails(store, ErrorType.UNSUPPORTED_FILE, "read_file_content", path="late.txt", offset=9600)


async def test_utf16_page_of_controls_is_unsupported(env):
    """A UTF-16 page full of NUL or control characters is refused too."""
    store, root = env
    (root / "u16.txt").write_bytes(b"\xff\xfe" + ("hello " * 2000 + "\x00\x01" * 20_000).encode("utf-16-le"))
    await fails(store, ErrorType.UNSUPPORTED_FILE, "read_file_content", path="u16.txt", max_bytes=MAX_READ_BYTES)


async def test_a_text_page_with_some_escapes_reads_and_its_frame_stays_bounded(env):
    """A 1 MB page with a few control characters reads; its JSON is at most 2.5x the bytes read."""
    store, root = env
    line = b'\x1b[31m"quoted" \\ back\x1b[0m padding text here ok\n'  # 2 ESC in 48 bytes: ~4 %
    data = (line * (MAX_READ_BYTES // len(line) + 1))[:MAX_READ_BYTES]
    (root / "ansi.log").write_bytes(data)
    out = await call(store, "read_file_content", path="ansi.log", max_bytes=MAX_READ_BYTES)
    assert out["content"].encode() == data[: len(out["content"].encode())]
    encoded = len(json.dumps(out, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    assert encoded <= 2.5 * MAX_READ_BYTES
    (root / "ctl.txt").write_bytes(b"\x01" * 20 + b"text\n")  # a handful of controls in a short file is text
    assert (await call(store, "read_file_content", path="ctl.txt"))["content"].startswith("\x01")


@pytest.mark.parametrize("name", ["read_file_content", "get_file_metadata", "list_directory"])
async def test_sibling_prefix_and_dotdot_are_forbidden(env, name):
    """/x/allowed_evil is not inside /x/allowed, and .. cannot climb out, by any spelling."""
    store, root = env
    evil = f"{root}_evil"
    paths = [f"{evil}/secret.txt", evil, "../allowed_evil/secret.txt", "../secret.txt", "sub/../../secret.txt",
             f"{root}/sub/../../allowed_evil", "..", f"{root}/.."]
    for path in paths:
        err = await fails(store, ErrorType.FORBIDDEN_PATH, name, path=path)
        assert SECRET not in err.message


async def test_symlink_policy_inside_the_root(env):
    """Links resolving inside the same root are followed (relative or absolute); others are forbidden."""
    store, root = env
    os.symlink("sub/../notes.md", root / "rel")
    os.symlink(str(root / "notes.md"), root / "abs")
    os.symlink(f"{root}_evil/secret.txt", root / "sibling")
    os.symlink("../allowed/notes.md", root / "out_and_back")  # leaves the root on the way
    os.symlink("sub", root / "linkdir")
    for link in ("rel", "abs"):
        page = await call(store, "read_file_content", path=link)
        assert page["content"] == "notes\n" and page["path"] == str(root / "notes.md")
    for link in ("sibling", "out_and_back"):
        await fails(store, ErrorType.FORBIDDEN_PATH, "read_file_content", path=link)
    listing = await call(store, "list_directory", path=".", recursive=True)
    by = {e["name"]: e["type"] for e in listing["entries"]}
    assert by == {"abs": "file", "linkdir": "dir", "notes.md": "file", "rel": "file", "sub": "dir"}
    assert [e["path"] for e in listing["entries"] if e["name"] == "linkdir"] == [str(root / "linkdir")]


async def test_fifo_and_device_files_are_never_opened(env):
    """A FIFO and a character device are refused by every tool without being opened (no blocking)."""
    store, root = env
    os.mkfifo(root / "pipe")
    specials = ["pipe"]
    try:
        os.mknod(root / "zero", stat.S_IFCHR | 0o600, os.makedev(1, 5))  # like /dev/zero
        specials.append("zero")
    except PermissionError:
        pass  # not root: the FIFO still covers the blocking case
    os.symlink("pipe", root / "to_pipe")
    _OPENED.clear()
    for name in [*specials, "to_pipe"]:
        await fails(store, ErrorType.UNSUPPORTED_FILE, "read_file_content", path=name)
        await fails(store, ErrorType.UNSUPPORTED_FILE, "get_file_metadata", path=name)
        await fails(store, ErrorType.INVALID_ARGS, "list_directory", path=name)
    listing = await call(store, "list_directory", path=".")
    assert [e["name"] for e in listing["entries"]] == ["notes.md", "sub"]
    assert not [p for p in _OPENED if os.path.basename(p) in ("pipe", "zero", "to_pipe")]
