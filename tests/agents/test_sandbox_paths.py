"""``Sandbox.locate``: lexical containment by components, with the spellings Linux treats alike."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from agents.errors import ErrorType, ToolError
from agents.tools.sandbox import Sandbox


def test_a_leading_double_slash_is_the_same_path_and_siblings_stay_outside(tmp_path):
    """"//a/b" names "/a/b" (as the kernel reads it); "/a/allowed_evil" and "/a/allowedX" are not below
    "/a/allowed"; a root of "/" holds every absolute path."""
    base = Path(os.path.realpath(tmp_path))
    allowed = base / "allowed"
    allowed.mkdir()
    (allowed / "x.txt").write_text("x")
    box = Sandbox([str(allowed)])
    try:
        assert box.locate("/" + str(allowed / "sub" / "x.txt")) == [(str(allowed), ["sub", "x.txt"])]
        assert box.locate(str(allowed) + "/") == [(str(allowed), [])]
        for sibling in (base / "allowed_evil" / "x", base / "allowedX", base):
            with pytest.raises(ToolError) as info:
                box.locate(str(sibling))
            assert info.value.type == ErrorType.FORBIDDEN_PATH
        with box.open("/" + str(allowed / "x.txt")) as opened:
            assert opened.path == str(allowed / "x.txt")
    finally:
        box.close()
    everything = Sandbox(["/"])
    assert everything.locate(str(allowed / "x.txt"))[0] == ("/", [*allowed.parts[1:], "x.txt"])
