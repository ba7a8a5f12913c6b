"""Setting keys are named constants: no product module passes a bare string to the store's setting calls."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETTING_CALLS = {"get_setting", "set_setting", "delete_setting"}


def test_no_setting_call_names_its_key_as_a_bare_string():
    """Every get/set/delete_setting call names its key through a constant of the module owning it."""
    bare = []
    for package in ("agents", "bridge", "desktop"):
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                        and node.func.attr in SETTING_CALLS and node.args
                        and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                    bare.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.args[0].value!r}")
    assert not bare, "setting keys as bare strings: " + ", ".join(bare)
