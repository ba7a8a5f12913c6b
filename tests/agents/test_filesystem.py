"""Filesystem tools: the sandbox, the three read-only tools and an attack corpus.

Everything runs on real files under tmp_path with a real workspace Store.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from pydantic import ValidationError

from agents.errors import ErrorType, ToolError
from agents.store import Store, iso, utcnow
from agents.tools import filesystem, fsafe
from agents.tools.base import ToolContext
from agents.tools.filesystem import TOOLS, Sandbox

pytestmark = pytest.mark.timeout(10)  # a FIFO opened by mistake would block: fail fast instead

SPECS = {spec.name: spec for spec in TOOLS}
SECRET = "TOP-SECRET-9f3c1e"
B_SECRET = "ROOT-B-ONLY-41aa"

# ── audit hook: records every path opened or scanned while _AUDIT["on"] ──────
_AUDIT: dict[str, Any] = {"on": False, "paths": []}


def _audit_hook(event: str, args: tuple[Any, ...]) -> None:
    if event == "open" and len(args) > 2 and isinstance(args[2], int) and args[2] & getattr(os, "O_PATH", 0):
        return  # an O_PATH descriptor (a step towards a root) cannot read anything
    if _AUDIT["on"] and event in ("open", "os.scandir", "os.listdir") and args:
        target = args[0]
        if isinstance(target, str | bytes | os.PathLike):
            _AUDIT["paths"].append(os.fsdecode(target))


if not getattr(sys, "_adiuva_fs_audit_installed", False):
    sys.addaudithook(_audit_hook)
    sys._adiuva_fs_audit_installed = True  # type: ignore[attr-defined]


# ── fixtures ─────────────────────────────────────────────────────────────────
@dataclass
class Env:
    store: Store
    base: Path
    root: Path
    root_b: Path
    outside: Path
    evil: Path


async def add_agent(store: Store, agent_id: str, folders: list[Path | str]) -> None:
    now = utcnow()
    await store.execute(
        "INSERT INTO agents (id, name, directory_paths, created_at, updated_at) VALUES (?, ?, json(?), ?, ?)",
        (agent_id, agent_id, json.dumps([str(f) for f in folders]), now, now),
    )


def build_tree(base: Path) -> tuple[Path, Path, Path, Path]:
    root, root_b, outside, evil = base / "root", base / "rootB", base / "outside", base / "root_evil"
    for d in (root / "sub" / "deeper", root / "café", root / ".hidden", root_b, outside / "deep", evil):
        d.mkdir(parents=True)
    (root / "notes.md").write_text("# Notes\n- [ ] Send invoice\n", encoding="utf-8")
    (root / "sub" / "todo.txt").write_text("TODO: call Ana\n", encoding="utf-8")
    (root / "sub" / "deeper" / "plan.txt").write_text("plan\n", encoding="utf-8")
    (root / "café" / "menu.txt").write_text("crème brûlée\n", encoding="utf-8")
    (root / ".hidden" / "x.txt").write_text("hidden\n", encoding="utf-8")
    (root / ".env").write_text("KEY=1\n", encoding="utf-8")
    (outside / "secret.txt").write_text(SECRET, encoding="utf-8")
    (outside / "deep" / "secret.txt").write_text(SECRET, encoding="utf-8")
    (evil / "secret.txt").write_text(SECRET, encoding="utf-8")
    (root_b / "b.txt").write_text(B_SECRET, encoding="utf-8")
    os.mkfifo(root / "pipe")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.bind(str(root / "sock"))
    finally:
        sock.close()
    links = {
        "link_inside": "notes.md",
        "link_subdir": "sub",
        "link_secret": str(outside / "secret.txt"),
        "link_out": str(outside),
        "link_evil": str(evil),
        "link_proc": "/proc/self/environ",
        "link_zero": "/dev/zero",
        "loop_a": "loop_b",
        "loop_b": "loop_a",
        "self_loop": "self_loop",
        "link_broken": "missing.txt",
        "link_up": "..",
    }
    for name, target in links.items():
        os.symlink(target, root / name)
    os.symlink(root, outside / "into_root")
    return root, root_b, outside, evil


async def open_env(tmp: Path):
    base = Path(os.path.realpath(tmp))
    root, root_b, outside, evil = build_tree(base)
    store = await Store.open(base / "w.sqlite3")
    await add_agent(store, "agent-a", [root])
    await add_agent(store, "agent-b", [root_b])
    return Env(store, base, root, root_b, outside, evil)


@pytest.fixture
async def env(tmp_path: Path):
    """A fresh tree and store per test (tests may add files)."""
    e = await open_env(tmp_path)
    try:
        yield e
    finally:
        await e.store.close()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def shared_env(tmp_path_factory: pytest.TempPathFactory):
    """One tree and store for the read-only attack corpus (keeps the module fast)."""
    e = await open_env(tmp_path_factory.mktemp("corpus"))
    try:
        yield e
    finally:
        await e.store.close()


async def call(store: Store, name: str, *, agent: str | None = "agent-a", **args: Any) -> dict[str, Any]:
    spec = SPECS[name]
    ctx = ToolContext(store=store, agent_id=agent)
    return await spec.impl(ctx, spec.args_model.model_validate(args))


async def expect(store: Store, kind: ErrorType, name: str, *, agent: str | None = "agent-a", **args: Any):
    with pytest.raises(ToolError) as info:
        await call(store, name, agent=agent, **args)
    assert info.value.type == kind, info.value
    return info.value


# ── registration ─────────────────────────────────────────────────────────────
def test_tools_are_registered_read_only_in_protocol_order():
    """TOOLS lists the three read-only, idempotent filesystem tools in order, each with a description."""
    assert [t.name for t in TOOLS] == ["list_directory", "get_file_metadata", "read_file_content"]
    for spec in TOOLS:
        assert spec.group == "filesystem" and spec.read_only and spec.idempotent
        assert 20 < len(spec.description) < 600
        assert spec.parameters_schema()["additionalProperties"] is False


def test_arguments_are_validated():
    """Unknown fields and out-of-range numbers are refused by the argument models."""
    bad = [
        ("list_directory", {"path": "x", "depth": 2}),
        ("list_directory", {"path": "x", "max_entries": 0}),
        ("list_directory", {"path": "x", "max_entries": 100_001}),
        ("read_file_content", {"path": "x", "offset": -1}),
        ("read_file_content", {"path": "x", "max_bytes": 0}),
        ("get_file_metadata", {}),
    ]
    for name, args in bad:
        with pytest.raises(ValidationError):
            SPECS[name].args_model.model_validate(args)


def test_file_times_are_formatted_like_store_iso():
    """File times read as agents.store.iso writes them (UTC, ms, Z); impossible times give null."""
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    for ns in (0, 999, -1_500_000_000, 1_704_164_645_123_456_789, 253_402_300_799_999_000_000):
        assert filesystem._stamp(ns) == iso(epoch + timedelta(microseconds=ns // 1000)), ns
    assert filesystem._stamp(10**30) is None


# ── list_directory ───────────────────────────────────────────────────────────
async def test_list_directory_flat(env):
    """A flat listing shows files, folders and inside symlinks, sorted; hidden, special, escaping ones are not."""
    os.utime(env.root / "notes.md", (1_704_164_645, 1_704_164_645))
    out = await call(env.store, "list_directory", path=str(env.root))
    assert out["path"] == str(env.root) and out["truncated"] is False
    assert [e["name"] for e in out["entries"]] == ["café", "link_inside", "link_subdir", "notes.md", "sub"]
    by = {e["name"]: e for e in out["entries"]}
    assert by["notes.md"] == {
        "name": "notes.md", "path": str(env.root / "notes.md"), "type": "file",
        "size": len("# Notes\n- [ ] Send invoice\n"), "modified_at": "2024-01-02T03:04:05.000Z",
    }
    assert by["sub"]["type"] == "dir" and by["sub"]["size"] is None
    assert by["link_inside"]["type"] == "file" and by["link_subdir"]["type"] == "dir"


async def test_list_directory_recursive_is_breadth_first_and_sorted(env):
    """recursive=true walks every real subfolder breadth-first, never into symlinked folders."""
    out = await call(env.store, "list_directory", path=".", recursive=True)
    rel = [os.path.relpath(e["path"], env.root) for e in out["entries"]]
    assert rel == [
        "café", "link_inside", "link_subdir", "notes.md", "sub",
        "café/menu.txt", "sub/deeper", "sub/todo.txt", "sub/deeper/plan.txt",
    ]
    assert out["truncated"] is False


async def test_list_directory_without_details_has_the_same_entries(env):
    """details=false lists the same names, paths and kinds (recursively too, symlinks included) with
    null size and time."""
    full = await call(env.store, "list_directory", path=".", recursive=True)
    lean = await call(env.store, "list_directory", path=".", recursive=True, details=False)
    assert [(e["name"], e["path"], e["type"]) for e in lean["entries"]] == [
        (e["name"], e["path"], e["type"]) for e in full["entries"]]
    assert all(e["size"] is None and e["modified_at"] is None for e in lean["entries"])
    assert any(e["size"] for e in full["entries"])


async def test_list_directory_max_entries_truncates(env):
    """Listing stops at max_entries and says truncated; an exact fit is not truncated."""
    many = env.root / "many"
    many.mkdir()
    for i in range(30):
        (many / f"f{i:02}.txt").write_text("x")
    out = await call(env.store, "list_directory", path=str(many), max_entries=10)
    assert [e["name"] for e in out["entries"]] == [f"f{i:02}.txt" for i in range(10)]
    assert out["truncated"] is True
    exact = await call(env.store, "list_directory", path=str(many), max_entries=30)
    assert len(exact["entries"]) == 30 and exact["truncated"] is False


async def test_list_directory_on_a_file_is_invalid_args(env):
    """Listing a file is invalid_args and points to the file tools."""
    err = await expect(env.store, ErrorType.INVALID_ARGS, "list_directory", path="notes.md")
    assert "read_file_content" in err.message


async def test_list_directory_skips_an_unreadable_subfolder(env, monkeypatch):
    """A subfolder that cannot be read is left out; an unreadable top folder is forbidden_path."""
    real_scandir = os.scandir
    blocked = {str(env.root / "sub")}

    def scandir(fd):  # the walk scans folder descriptors; /proc names the folder one stands for
        if os.readlink(f"/proc/self/fd/{fd}") in blocked:
            raise PermissionError(13, "Permission denied")
        return real_scandir(fd)

    monkeypatch.setattr(fsafe.os, "scandir", scandir)
    out = await call(env.store, "list_directory", path=".", recursive=True)
    names = [os.path.relpath(e["path"], env.root) for e in out["entries"]]
    assert "sub" in names and "sub/todo.txt" not in names and "café/menu.txt" in names
    blocked.add(str(env.root))
    await expect(env.store, ErrorType.FORBIDDEN_PATH, "list_directory", path=".")


async def test_three_hundred_nested_folders_work(env):
    """A real 300-level-deep tree lists recursively and its deepest file reads (no recursion limits)."""
    deep = env.root.joinpath(*["d"] * 300)
    deep.mkdir(parents=True)
    (deep / "bottom.txt").write_text("bottom", encoding="utf-8")
    out = await call(env.store, "list_directory", path="d", recursive=True)
    assert len(out["entries"]) == 300 and out["entries"][-1]["name"] == "bottom.txt"
    read = await call(env.store, "read_file_content", path="/".join(["d"] * 300) + "/bottom.txt")
    assert read["content"] == "bottom"


# ── get_file_metadata ────────────────────────────────────────────────────────
async def test_get_file_metadata_of_a_file(env):
    """Metadata of a file: name, lower-case extension, size, UTC times and MIME type."""
    os.utime(env.root / "notes.md", (1_704_164_645, 1_704_164_645))
    meta = await call(env.store, "get_file_metadata", path="notes.md")
    assert meta["path"] == str(env.root / "notes.md")
    assert meta["name"] == "notes.md" and meta["extension"] == ".md" and meta["type"] == "file"
    assert meta["size"] == (env.root / "notes.md").stat().st_size
    assert meta["modified_at"] == "2024-01-02T03:04:05.000Z"
    assert meta["created_at"].endswith("Z")
    assert meta["mime_type"] == "text/markdown"


async def test_get_file_metadata_of_a_folder_and_through_an_inside_symlink(env):
    """A folder has type dir and null size; a symlink inside the root reports its real target."""
    meta = await call(env.store, "get_file_metadata", path="sub")
    assert meta["type"] == "dir" and meta["size"] is None and meta["mime_type"] == "inode/directory"
    linked = await call(env.store, "get_file_metadata", path="link_inside")
    assert linked["path"] == str(env.root / "notes.md") and linked["name"] == "notes.md"


async def test_get_file_metadata_refuses_special_files(env):
    """A FIFO or a socket is unsupported_file for get_file_metadata."""
    await expect(env.store, ErrorType.UNSUPPORTED_FILE, "get_file_metadata", path="pipe")
    await expect(env.store, ErrorType.UNSUPPORTED_FILE, "get_file_metadata", path="sock")


# ── read_file_content ────────────────────────────────────────────────────────
async def test_read_small_file(env):
    """A small UTF-8 file comes back whole, not truncated, with its size."""
    out = await call(env.store, "read_file_content", path="notes.md")
    assert out == {
        "path": str(env.root / "notes.md"), "content": "# Notes\n- [ ] Send invoice\n", "encoding": "utf-8",
        "size": 27, "offset": 0, "next_offset": None, "truncated": False,
    }


async def read_all(store: Store, path: str, max_bytes: int) -> tuple[str, int]:
    """Page through a file; returns the reassembled text and the number of pages."""
    parts, offset, pages = [], 0, 0
    while True:
        page = await call(store, "read_file_content", path=path, offset=offset, max_bytes=max_bytes)
        pages += 1
        assert page["offset"] >= offset
        parts.append(page["content"])
        if not page["truncated"]:
            assert page["next_offset"] is None
            return "".join(parts), pages
        assert page["content"], "a truncated page must make progress"
        assert page["next_offset"] > page["offset"]
        offset = page["next_offset"]


async def test_paging_reassembles_multibyte_text_exactly(env):
    """Pages of any size split UTF-8 only between characters and reassemble the file exactly."""
    text = "".join(f"line {i}: añb € 𝄞 日本 ok\n" for i in range(6))
    (env.root / "multi.txt").write_text(text, encoding="utf-8")
    for max_bytes in (1, 2, 3, 4, 5, 7, 64, 1000, 10_000):
        got, pages = await read_all(env.store, "multi.txt", max_bytes)
        assert got == text, max_bytes
        if max_bytes < len(text.encode()):
            assert pages > 1


async def test_paging_a_large_file_with_the_default_page(env):
    """A 450 kB file reads in three default-size pages that reassemble exactly."""
    text = "€ünïcødé and ascii text\n" * 16_000
    (env.root / "large.txt").write_text(text, encoding="utf-8")
    assert len(text.encode()) > 400_000
    got, pages = await read_all(env.store, "large.txt", 200_000)
    assert got == text and pages == 3


async def test_offset_inside_a_character_moves_to_the_next_one(env):
    """An offset in the middle of a multi-byte character starts at the next whole character."""
    (env.root / "e.txt").write_text("é€x", encoding="utf-8")  # é: bytes 0-1, €: 2-4, x: 5
    page = await call(env.store, "read_file_content", path="e.txt", offset=1)
    assert page["content"] == "€x" and page["offset"] == 2
    page = await call(env.store, "read_file_content", path="e.txt", offset=3)
    assert page["content"] == "x" and page["offset"] == 5


async def test_utf8_bom_is_detected_and_skipped(env):
    """A UTF-8 BOM is not part of the content."""
    (env.root / "bom.txt").write_bytes(b"\xef\xbb\xbfhello \xe2\x82\xac")
    page = await call(env.store, "read_file_content", path="bom.txt")
    assert page["content"] == "hello €" and page["encoding"] == "utf-8" and page["offset"] == 3


async def test_utf16_with_bom_pages_without_splitting_surrogate_pairs(env):
    """UTF-16 (LE and BE, with BOM) decodes and pages without splitting surrogate pairs."""
    text = "Zeit 𝄞 plan 😀 Ende\n" * 6
    for codec, name in (("utf-16-le", "le.txt"), ("utf-16-be", "be.txt")):
        bom = b"\xff\xfe" if codec.endswith("le") else b"\xfe\xff"
        (env.root / name).write_bytes(bom + text.encode(codec))
        whole = await call(env.store, "read_file_content", path=name)
        assert whole["content"] == text and whole["encoding"] == codec
        for max_bytes in (1, 2, 3, 4, 6, 50):
            got, _ = await read_all(env.store, name, max_bytes)
            assert got == text, (codec, max_bytes)


async def test_offset_beyond_the_end_is_empty(env):
    """An offset at or past the end gives empty content, not truncated."""
    for offset in (27, 10_000):
        page = await call(env.store, "read_file_content", path="notes.md", offset=offset)
        assert page["content"] == "" and page["truncated"] is False and page["next_offset"] is None
        assert page["size"] == 27


async def test_binary_and_undecodable_files_are_unsupported(env):
    """A NUL byte in the first 8 KiB or invalid UTF-8 makes a file unsupported_file."""
    (env.root / "a.zip").write_bytes(b"PK\x03\x04\x00\x00binary")
    (env.root / "late.bin").write_bytes(b"a" * 8000 + b"\x00tail")
    (env.root / "latin1.txt").write_bytes("café crème".encode("latin-1"))
    (env.root / "utf32.txt").write_bytes("hi".encode("utf-32"))
    for name in ("a.zip", "late.bin", "latin1.txt", "utf32.txt"):
        await expect(env.store, ErrorType.UNSUPPORTED_FILE, "read_file_content", path=name)


async def test_max_bytes_over_the_limit_is_too_large(env):
    """max_bytes above 1,000,000 is too_large and the message says to page with offset."""
    err = await expect(env.store, ErrorType.TOO_LARGE, "read_file_content", path="notes.md", max_bytes=1_000_001)
    assert "offset" in err.message
    ok = await call(env.store, "read_file_content", path="notes.md", max_bytes=1_000_000)
    assert ok["truncated"] is False


async def test_reading_a_folder_is_invalid_args(env):
    """read_file_content on a folder is invalid_args pointing to list_directory."""
    err = await expect(env.store, ErrorType.INVALID_ARGS, "read_file_content", path="sub")
    assert "list_directory" in err.message


async def test_fifo_and_socket_are_refused_without_blocking(env):
    """A FIFO and a unix socket are unsupported_file and reading them returns at once."""
    await expect(env.store, ErrorType.UNSUPPORTED_FILE, "read_file_content", path="pipe")
    await expect(env.store, ErrorType.UNSUPPORTED_FILE, "read_file_content", path=str(env.root / "sock"))


# ── roots: agents, union, configuration ──────────────────────────────────────
async def test_without_agent_the_union_of_roots_applies(env):
    """Without an agent id every agent's folders are allowed, and relative paths are ambiguous."""
    page = await call(env.store, "read_file_content", agent=None, path=str(env.root_b / "b.txt"))
    assert page["content"] == B_SECRET
    await call(env.store, "get_file_metadata", agent=None, path=str(env.root / "notes.md"))
    err = await expect(env.store, ErrorType.INVALID_ARGS, "read_file_content", agent=None, path="notes.md")
    assert "absolute" in err.message


async def test_no_folders_at_all_is_forbidden(tmp_path):
    """With no agents configured, every path is forbidden_path with a hint to add a folder."""
    store = await Store.open(tmp_path / "w.sqlite3")
    try:
        for path in (str(tmp_path), "x.txt"):
            err = await expect(store, ErrorType.FORBIDDEN_PATH, "list_directory", agent=None, path=path)
            assert "no folders are allowed yet" in err.message
    finally:
        await store.close()


async def test_root_configured_through_a_symlink(env):
    """A root stored as a symlinked path accepts paths through that link and its real path, nothing more."""
    alias = env.base / "alias"
    os.symlink(env.root, alias)
    await add_agent(env.store, "agent-alias", [alias])
    via_link = await call(env.store, "read_file_content", agent="agent-alias", path=str(alias / "notes.md"))
    assert via_link["path"] == str(env.root / "notes.md")
    await call(env.store, "get_file_metadata", agent="agent-alias", path=str(env.root / "notes.md"))
    await expect(
        env.store, ErrorType.FORBIDDEN_PATH, "read_file_content",
        agent="agent-alias", path=str(alias / ".." / "outside" / "secret.txt"),
    )


def test_sandbox_is_component_based_and_ignores_relative_roots(tmp_path):
    """Sandbox: the prefix sibling is outside; relative or NUL roots are ignored; missing inside is ENOENT."""
    base = Path(os.path.realpath(tmp_path))
    (base / "allowed").mkdir()
    box = Sandbox([str(base / "allowed"), "relative/root", "/bad\x00root"])
    try:
        assert box.roots == (str(base / "allowed"),)
        assert box.locate(str(base / "allowed" / "x")) == [(str(base / "allowed"), ["x"])]
        with pytest.raises(ToolError) as info:
            box.locate(str(base / "allowed_evil" / "x"))
        assert info.value.type == ErrorType.FORBIDDEN_PATH
        with pytest.raises(FileNotFoundError), box.open("missing.txt"):
            pass
        with box.open(".") as opened:
            assert opened.path == str(base / "allowed") and opened.found.name is None
        assert set(box.new_pins) == {str(base / "allowed")}  # pinned on first use
    finally:
        box.close()


# ── attack corpus ────────────────────────────────────────────────────────────
@dataclass(frozen=True)
class Attack:
    id: str
    tool: str
    args: Callable[[Env], dict[str, Any]]
    expected: ErrorType
    agent: str | None = "agent-a"
    says: str = ""


F, NF, INV, UNS = ErrorType.FORBIDDEN_PATH, ErrorType.NOT_FOUND, ErrorType.INVALID_ARGS, ErrorType.UNSUPPORTED_FILE
READ, LIST, META = "read_file_content", "list_directory", "get_file_metadata"
NFD_CAFE = unicodedata.normalize("NFD", "café")

CORPUS = [
    Attack("dotdot-relative", READ, lambda e: {"path": "../outside/secret.txt"}, F),
    Attack("dotdot-absolute", READ, lambda e: {"path": f"{e.root}/sub/../../outside/secret.txt"}, F),
    Attack("dotdot-300", READ, lambda e: {"path": "../" * 300 + "etc/passwd"}, F),
    Attack("dotdot-list", LIST, lambda e: {"path": "..", "recursive": True}, F),
    Attack("absolute-outside", READ, lambda e: {"path": str(e.outside / "secret.txt")}, F),
    Attack("absolute-outside-missing", META, lambda e: {"path": str(e.outside / "nope.txt")}, F),
    Attack("outside-link-into-root", READ, lambda e: {"path": str(e.outside / "into_root" / "notes.md")}, F),
    Attack("etc-passwd", READ, lambda e: {"path": "/etc/passwd"}, F),
    Attack("proc-self-environ", READ, lambda e: {"path": "/proc/self/environ"}, F),
    Attack("dev-zero", READ, lambda e: {"path": "/dev/zero", "max_bytes": 10}, F),
    Attack("symlink-file-out", READ, lambda e: {"path": "link_secret"}, F),
    Attack("symlink-file-out-meta", META, lambda e: {"path": "link_secret"}, F),
    Attack("symlink-dir-out", LIST, lambda e: {"path": "link_out"}, F),
    Attack("symlink-dir-out-file", READ, lambda e: {"path": "link_out/secret.txt"}, F),
    Attack("symlink-dir-out-missing", READ, lambda e: {"path": "link_out/nope.txt"}, F),
    Attack("symlink-up", LIST, lambda e: {"path": "link_up"}, F),
    Attack("symlink-to-proc", READ, lambda e: {"path": "link_proc"}, F),
    Attack("symlink-to-dev-zero", READ, lambda e: {"path": "link_zero"}, F),
    Attack("symlink-loop", READ, lambda e: {"path": "loop_a"}, F, says="symlink loop"),
    Attack("symlink-loop-below", LIST, lambda e: {"path": "loop_b/x"}, F, says="symlink loop"),
    Attack("symlink-self-loop", META, lambda e: {"path": "self_loop"}, F, says="symlink loop"),
    Attack("prefix-sibling", READ, lambda e: {"path": str(e.evil / "secret.txt")}, F),
    Attack("prefix-sibling-relative", READ, lambda e: {"path": "../root_evil/secret.txt"}, F),
    Attack("prefix-sibling-symlink", LIST, lambda e: {"path": "link_evil"}, F),
    Attack("prefix-no-separator", READ, lambda e: {"path": f"{e.root}_evil/secret.txt"}, F),
    Attack("nul-relative", READ, lambda e: {"path": "notes.md\x00.txt"}, INV),
    Attack("nul-absolute", READ, lambda e: {"path": f"{e.root}/notes.md\x00/../../outside/secret.txt"}, INV),
    Attack("lone-surrogate", READ, lambda e: {"path": "notes\ud800.md"}, INV),
    Attack("fullwidth-dots", READ, lambda e: {"path": "\uff0e\uff0e/outside/secret.txt"}, NF),
    Attack("two-dot-leader", READ, lambda e: {"path": "\u2025/outside/secret.txt"}, NF),
    Attack("division-slash", READ, lambda e: {"path": "..\u2215outside\u2215secret.txt"}, NF),
    Attack("fullwidth-slash", READ, lambda e: {"path": "..\uff0foutside\uff0fsecret.txt"}, NF),
    Attack("url-encoded", READ, lambda e: {"path": "%2e%2e/outside/secret.txt"}, NF),
    Attack("backslashes", READ, lambda e: {"path": "..\\outside\\secret.txt"}, NF),
    Attack("nfd-name", READ, lambda e: {"path": f"{NFD_CAFE}/menu.txt"}, NF),
    Attack("cyrillic-root", READ, lambda e: {"path": f"{e.base}/r\u043eot/notes.md"}, F),
    Attack("fullwidth-root", READ, lambda e: {"path": f"{e.base}/\uff52\uff4f\uff4f\uff54/notes.md"}, F),
    Attack("tilde-not-expanded", READ, lambda e: {"path": "~/.ssh/id_rsa"}, NF),
    Attack("file-url", READ, lambda e: {"path": f"file://{e.outside}/secret.txt"}, NF),
    Attack("long-5000", READ, lambda e: {"path": "a" * 5000}, INV),
    Attack("long-absolute-5000", META, lambda e: {"path": f"{e.root}/" + "b/" * 2500}, INV),
    Attack("long-component", READ, lambda e: {"path": "n" * 300}, INV),
    Attack("nested-300-long", LIST, lambda e: {"path": "/".join(["abcdefghijklmnop"] * 300)}, INV),
    Attack("nested-300-missing", LIST, lambda e: {"path": "/".join(["x"] * 300)}, NF),
    Attack("empty-path", READ, lambda e: {"path": "  "}, INV),
    Attack("file-as-folder", READ, lambda e: {"path": "notes.md/x"}, NF),
    Attack("fifo-read", READ, lambda e: {"path": "pipe"}, UNS),
    Attack("fifo-list-as-dir", LIST, lambda e: {"path": "pipe"}, INV),
    Attack("socket-read", READ, lambda e: {"path": "sock"}, UNS),
    Attack("other-agents-root", READ, lambda e: {"path": str(e.root_b / "b.txt")}, F),
    Attack("other-agents-root-list", LIST, lambda e: {"path": str(e.root_b)}, F),
    Attack("unknown-agent", READ, lambda e: {"path": str(e.root / "notes.md")}, F, agent="ghost",
           says="not configured"),
    Attack("union-relative", READ, lambda e: {"path": "notes.md"}, INV, agent=None),
]


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize("attack", CORPUS, ids=[a.id for a in CORPUS])
async def test_attack_corpus(shared_env, attack):
    """Each hostile path is refused with its exact error type and discloses nothing."""
    env = shared_env
    err = await expect(env.store, attack.expected, attack.tool, agent=attack.agent, **attack.args(env))
    assert attack.says in err.message
    assert SECRET not in err.message and B_SECRET not in err.message


# Calls that succeed while hostile links sit next to what they read.
BENIGN = [
    (LIST, {"path": ".", "recursive": True}),
    (READ, {"path": "notes.md"}),
    (READ, {"path": "link_inside"}),
    (META, {"path": "café/menu.txt"}),
    (READ, {"path": "sub/../café/menu.txt"}),
]


async def run_corpus(env: Env) -> list[Any]:
    outputs: list[Any] = []
    for attack in CORPUS:
        try:
            outputs.append(await call(env.store, attack.tool, agent=attack.agent, **attack.args(env)))
        except ToolError as exc:
            outputs.append(exc.to_dict())
    for name, args in BENIGN:
        outputs.append(await call(env.store, name, **args))
    return outputs


@pytest.mark.asyncio(loop_scope="module")
async def test_corpus_reads_nothing_outside_the_roots(shared_env):
    """During the whole corpus no file or folder outside the roots is opened or scanned, and no secret leaks."""
    env = shared_env
    await run_corpus(env)  # warm-up: lazy imports and caches must not count as reads
    _AUDIT["paths"].clear()
    _AUDIT["on"] = True
    try:
        outputs = await run_corpus(env)
    finally:
        _AUDIT["on"] = False
    opened = list(_AUDIT["paths"])
    assert opened, "the audit hook saw nothing: the benign calls should have opened files"
    outside = [
        p for p in opened
        if os.path.commonpath([str(env.root), os.path.realpath(os.path.join(env.root, p))]) != str(env.root)
    ]
    assert outside == []
    blob = json.dumps(outputs, ensure_ascii=False)
    assert SECRET not in blob and B_SECRET not in blob
    listed = {os.path.relpath(e["path"], env.root) for e in outputs[len(CORPUS)]["entries"]}
    assert not {"link_secret", "link_out", "link_evil", "link_proc", "link_zero", "link_up"} & listed


async def test_a_file_starting_with_a_continuation_byte_is_not_text(env):
    """At offset 0 a leading UTF-8 continuation byte is no split character: the file is refused, not trimmed."""
    (env.root / "stub.png").write_bytes(b"\x89PNG")
    await expect(env.store, ErrorType.UNSUPPORTED_FILE, "read_file_content", path=str(env.root / "stub.png"))
    (env.root / "euro.txt").write_text("€uro", encoding="utf-8")
    page = await call(env.store, "read_file_content", path=str(env.root / "euro.txt"), offset=1)
    assert page["content"] == "uro" and page["offset"] == 3  # inside a character: the next one starts the page
