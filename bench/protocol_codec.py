"""Codec throughput: parse+encode of typical frames per second against a bare-json floor.

For a typical ``tool_call`` and ``tool_result``, measures ``protocol.parse`` followed
by ``protocol.encode`` against ``json.loads`` + ``json.dumps`` of the same text, in the
same run (alternating slices), and prints ours, the floor and their ratio. Then the
device's send path for a stored result: the journal's JSON text spliced into the frame
(``tool_result_raw``) beside decoding and encoding it again. Then the candidate JSON
libraries (stdlib json, orjson, msgspec) on the same texts, decode and encode, and whether
each keeps the protocol's number rules (integers past 2**64 exact both ways; NaN refused),
which is how the codec's library was picked. ~20 s::

    .venv/bin/python bench/protocol_codec.py
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bridge import protocol

TOOL_CALL = protocol.encode_dict({
    "type": "tool_call", "id": "call-3f1c2a9e-5b7d-4c1e-9a2b-0d8e7f6a5b4c", "name": "create_task",
    "args": {"title": "Send invoice to Müller GmbH", "description": "Q3 retainer, see invoice.md",
             "project_id": "7f3a0c1e-2b4d-4e6f-8a9b-1c2d3e4f5a6b", "state": "ToDo",
             "assignees": ["me"], "due_date": "2026-11-28", "is_ai_suggested": True,
             "is_approved": False, "source_path": "/home/me/Clients/mueller/invoice.md"},
    "run_context": {"run_id": "run-9c1d", "agent_id": "agent-42", "agent_name": "Client work"},
})

TOOL_RESULT = protocol.encode_dict({
    "type": "tool_result", "id": "call-3f1c2a9e-5b7d-4c1e-9a2b-0d8e7f6a5b4c", "ok": True,
    "result": {"path": "/home/me/Clients/mueller", "truncated": False, "entries": [
        {"name": f"file-{i}.md", "path": f"/home/me/Clients/mueller/file-{i}.md", "type": "file",
         "size": 1024 + i, "modified_at": "2026-11-20T09:00:02Z"} for i in range(10)
    ]},
    "duration_ms": 1.7,
})

SLICES = 8
SLICE_SECONDS = 0.2


def _slice_rate(fn: Any, text: str, seconds: float) -> float:
    n = 0
    start = time.perf_counter()
    deadline = start + seconds
    while True:
        for _ in range(50):
            fn(text)
        n += 50
        now = time.perf_counter()
        if now >= deadline:
            return n / (now - start)


def _rates(a: Any, b: Any, text: str) -> tuple[float, float]:
    """Best calls/second of ``a`` and ``b``, measured in alternating slices so load on the
    machine hits both alike."""
    for _ in range(200):  # warm up
        a(text)
        b(text)
    best_a = best_b = 0.0
    for _ in range(SLICES):
        best_a = max(best_a, _slice_rate(a, text, SLICE_SECONDS))
        best_b = max(best_b, _slice_rate(b, text, SLICE_SECONDS))
    return best_a, best_b


def ours(text: str) -> str:
    return protocol.encode(protocol.parse(text))


def floor(text: str) -> str:
    return json.dumps(json.loads(text), separators=(",", ":"), ensure_ascii=False)


def spliced(text: str) -> str:
    """The device's answer from a stored result: the journal's text spliced into the frame."""
    return protocol.encode(protocol.tool_result_raw("call-3f1c2a9e-5b7d-4c1e-9a2b-0d8e7f6a5b4c", text, 1.7))


def reencoded(text: str) -> str:
    """The same answer the old way: the stored text decoded, then the frame encoded."""
    return protocol.encode(protocol.tool_result_ok("call-3f1c2a9e-5b7d-4c1e-9a2b-0d8e7f6a5b4c", json.loads(text),
                                                   1.7))


def libraries() -> dict[str, tuple[Any, Any]]:
    libs: dict[str, tuple[Any, Any]] = {
        "json": (json.loads, lambda v: json.dumps(v, separators=(",", ":"), ensure_ascii=False)),
    }
    try:
        import orjson
        libs["orjson"] = (orjson.loads, lambda v: orjson.dumps(v).decode())
    except ImportError:
        pass
    try:
        import msgspec
        dec, enc = msgspec.json.Decoder().decode, msgspec.json.Encoder().encode
        libs["msgspec"] = (dec, lambda v: enc(v).decode())
    except ImportError:
        pass
    return libs


def keeps_number_rules(loads: Any, dumps: Any) -> str:
    big = 2**64 + 7
    try:
        exact_in = loads(f'{{"n":{big}}}')["n"] == big and type(loads(f'{{"n":{big}}}')["n"]) is int
    except Exception:
        exact_in = False
    try:
        exact_out = dumps({"n": big}) == f'{{"n":{big}}}'
    except Exception:
        exact_out = False
    try:
        loads('{"n":NaN}')
        nan_refused = False
    except Exception:
        nan_refused = True
    return f"int>2**64 in:{'exact' if exact_in else 'NO'} out:{'exact' if exact_out else 'NO'} NaN in:" + (
        "refused" if nan_refused else "ACCEPTED")


def main() -> None:
    print("parse+encode per second; floor = json.loads+json.dumps of the same text;")
    print("ratio = floor/ours (how many times slower than bare json)")
    print(f"{'frame':<12} {'bytes':>6} {'ours/s':>10} {'floor/s':>10} {'ratio':>6}")
    for label, text in (("tool_call", TOOL_CALL), ("tool_result", TOOL_RESULT)):
        assert json.loads(ours(text)) == json.loads(text), label
        r_ours, r_floor = _rates(ours, floor, text)
        size = len(text.encode())
        print(f"{label:<12} {size:>6} {r_ours:>10,.0f} {r_floor:>10,.0f} {r_floor / r_ours:>5.2f}x")
    stored = json.dumps(json.loads(TOOL_RESULT)["result"], sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert json.loads(spliced(stored)) == json.loads(reencoded(stored))
    r_splice, r_re = _rates(spliced, reencoded, stored)
    print(f"\nstored result → tool_result text per second: spliced {r_splice:,.0f}, decoded+encoded {r_re:,.0f}"
          f" ({r_splice / r_re:.1f}x)")
    print("\nJSON libraries on the same texts (decode/s, encode/s of the decoded value):")
    print(f"{'library':<8} {'frame':<12} {'decode/s':>10} {'encode/s':>10}  number rules")
    for name, (loads, dumps) in libraries().items():
        for label, text in (("tool_call", TOOL_CALL), ("tool_result", TOOL_RESULT)):
            value = json.loads(text)
            r_dec, r_enc = _rates(loads, lambda _t, v=value, d=dumps: d(v), text)
            print(f"{name:<8} {label:<12} {r_dec:>10,.0f} {r_enc:>10,.0f}  {keeps_number_rules(loads, dumps)}")


if __name__ == "__main__":
    main()
