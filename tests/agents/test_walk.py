"""``agents.tools.fsafe.walk`` against a plain breadth-first walk of the same real tree."""

from __future__ import annotations

import os
from collections import deque
from pathlib import Path

import pytest

from agents.tools import fsafe


def reference(top: Path) -> list[tuple[str, str]]:
    """(path below top, kind) breadth-first, each folder sorted by name, hidden names skipped."""
    out: list[tuple[str, str]] = []
    queue = deque([(top, "")])
    while queue:
        folder, below = queue.popleft()
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            if entry.name.startswith("."):
                continue
            kind = "dir" if entry.is_dir(follow_symlinks=False) else "file"
            out.append((below + entry.name, kind))
            if kind == "dir":
                queue.append((Path(entry.path), f"{below}{entry.name}/"))
    return out


def walk(top: Path, **kwargs) -> fsafe.Walked:
    root_fd = os.open(top, os.O_RDONLY | os.O_DIRECTORY)
    try:
        with fsafe.resolve(root_fd, str(top), ()) as found:
            return fsafe.walk(root_fd, str(top), found, stamp=str, **kwargs)
    finally:
        os.close(root_fd)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    top = tmp_path / "top"
    for i in range(7):
        for j in range(3):
            (top / f"d{i}" / f"s{j}").mkdir(parents=True)
            (top / f"d{i}" / f"s{j}" / "leaf.txt").write_text("x" * j)
        (top / f"d{i}" / "f.md").write_text("y")
        (top / f"d{i}" / ".hidden").write_text("z")
    (top / "z.txt").write_text("top")
    return top


@pytest.mark.parametrize("budget", [fsafe.FD_BUDGET, 2])
@pytest.mark.parametrize("details", [False, True])
def test_recursive_walk_matches_a_plain_breadth_first_walk(tree, monkeypatch, budget, details):
    """Every folder's entries in name order, breadth-first, with paths below the top; the same when
    the descriptor budget forces folders to be reopened from the root."""
    monkeypatch.setattr(fsafe, "FD_BUDGET", budget)
    walked = walk(tree, recursive=True, max_entries=10_000, details=details)
    expected = reference(tree)
    assert list(zip(walked.rel, walked.type, strict=True)) == expected
    assert walked.name == [rel.rsplit("/", 1)[-1] for rel, _ in expected]
    assert walked.truncated is False and walked.unnamed == 0
    if details:
        sizes = [None if kind == "dir" else (tree / rel).stat().st_size for rel, kind in expected]
        assert walked.size == sizes and len(walked.modified_at) == len(expected)
    else:
        assert walked.size is None and walked.modified_at is None


def test_flat_walk_names_are_its_paths_and_max_entries_truncates(tree):
    """Not recursive: the top folder only, each path its name; max_entries cuts it and says so."""
    walked = walk(tree, recursive=False, max_entries=10_000, details=False)
    assert walked.rel == walked.name == [f"d{i}" for i in range(7)] + ["z.txt"]
    assert walked.type == ["dir"] * 7 + ["file"]
    cut = walk(tree, recursive=True, max_entries=9, details=False)
    assert cut.rel == [f"d{i}" for i in range(7)] + ["z.txt", "d0/f.md"] and cut.truncated is True
    exact = walk(tree, recursive=False, max_entries=8, details=False)
    assert len(exact.rel) == 8 and exact.truncated is False
