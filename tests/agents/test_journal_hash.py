"""Pinned journal argument hashes: the same arguments must hash as they always did.

The hashes below were computed with ``agents.journal`` as it stood before the
codec work of issue 12 (stdlib ``json.dumps`` with ``sort_keys``, compact
separators, ``ensure_ascii=False``). A change of JSON library must not change
them: a replayed call id whose stored hash no longer matches would be answered
``conflict`` instead of its stored result.
"""

from __future__ import annotations

import pytest

from agents.journal import args_hash, canonical_json

PINNED = [
    ("list_tasks", {}, "{}",
     "980298bbf4542c7329d76901d107f28fd42bbdf6640b3e1bb33d77a4fc720eb3"),
    ("list_tasks", {"limit": 1}, '{"limit":1}',
     "34be839cc37005f0380cd22762afaa528634e72043a82799d86cb0c43e1198c2"),
    ("create_task",
     {"title": "Send invoice", "project_id": "7f3a", "assignees": ["me", "you"], "is_ai_suggested": True,
      "due_date": None},
     '{"assignees":["me","you"],"due_date":null,"is_ai_suggested":true,"project_id":"7f3a","title":"Send invoice"}',
     "999b38d6815b00f17c32dfd0110cf94a19a81939ed6fcea5bfad855690dd2af5"),
    ("create_task",
     {"title": "Rechnung an Müller GmbH — 請求書 🧾", "description": 'line\nbreak "quoted" \\ back\u2028sep'},
     '{"description":"line\\nbreak \\"quoted\\" \\\\ back\u2028sep","title":"Rechnung an Müller GmbH — 請求書 🧾"}',
     "672d4912680e4e28b1f75a1ea448dddb70c5b9d291b58b007d03f8f1aff87e20"),
    ("list_directory", {"path": "/home/me/Clients", "recursive": False, "max_entries": 1000},
     '{"max_entries":1000,"path":"/home/me/Clients","recursive":false}',
     "1e2beb914c931259f7c6c6c492fe74b1c0b32ec0bc38a2577a4bb3beaf8d779b"),
    ("insert", {"table": "tasks", "record": {"z": 1, "a": {"y": [1, 2.5, -0.0, 1e-07, 1e22], "b": None}}},
     '{"record":{"a":{"b":null,"y":[1,2.5,-0.0,1e-07,1e+22]},"z":1},"table":"tasks"}',
     "41c944b52ae7a3ec5cac0a4cc6580f0b83640eaf8329786b5f470dfbea0eda33"),
    ("x", {"big": 2**53 + 1, "bigger": 2**63 + 7, "neg": -(2**64), "f": 0.1, "g": 1.0},
     '{"big":9007199254740993,"bigger":9223372036854775815,"f":0.1,"g":1.0,"neg":-18446744073709551616}',
     "33c79caffa05634c19d44c2496a92701dcdf88b36f33c9ab4cdba56291018f0d"),
]


@pytest.mark.parametrize(("name", "args", "text", "digest"), PINNED, ids=[f"{p[0]}-{i}" for i, p in enumerate(PINNED)])
def test_args_hash_is_pinned(name, args, text, digest):
    """The canonical text and hash of known arguments are the ones the journal has always stored."""
    assert canonical_json(args) == text
    assert args_hash(name, args) == digest


def test_key_order_does_not_change_the_hash():
    """The same arguments in another key order hash the same (the pinned create_task case, reversed)."""
    name, args, _, digest = PINNED[2]
    assert args_hash(name, dict(reversed(list(args.items())))) == digest
