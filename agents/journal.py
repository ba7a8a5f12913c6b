"""The tool-call journal's rows: what a call stores under its id, and how a stored row answers.

The executor (``agents.calls``) runs every call; this module is the format it
journals in: the canonical argument text and its hash (the same call under any
key order or alias), the stored result text (encoded once; ``too_large`` when a
bridge result would not fit its frame, ``unsupported_file`` when it holds text
UTF-8 cannot carry), the ``INSERT`` and ``LOOKUP`` statements, and ``replay``:
an executed id is answered from its row, the same id with another name or
arguments is a ``conflict``. Rows of read-only bridge calls are ``prunable``;
after the retention window ``agents.journal_retention`` reduces them to name and
argument hash (``pruned_at``): a replay with the same arguments then runs again,
with others it is a ``conflict``. Errors a retry may cure (``timeout``, ``busy``,
``paused``, ``internal``) are never stored.

Pure functions: they run wherever the executor calls them (the database
thread for the row, the loop for ``call_digest``); ``calls_for_run`` awaits the
store on the loop.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from agents.errors import ErrorType, ToolError
from agents.store import Store, utcnow
from agents.tools.catalog import Catalog


@dataclass(frozen=True)
class Outcome:
    """What a call produced: ``result`` when ``ok``, else ``error``."""

    call_id: str
    name: str
    ok: bool
    result: dict[str, Any] | None
    error: ToolError | None
    duration_ms: float
    replayed: bool = False
    result_json: str | None = None  # the stored result text exactly as journaled (ok or error payload)

    def payload(self) -> dict[str, Any]:
        return self.result if self.ok else self.error.to_dict()  # type: ignore[union-attr,return-value]

    def with_text(self, text: str) -> Outcome:
        """This outcome carrying ``text``, the result text its journal row stores."""
        return self if self.result_json == text else replace(self, result_json=text)


_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
_result_encoder: Any = None  # msgspec's, made at the first result: the idle app never loads msgspec


def _result_json(payload: Any) -> str:
    """A result as stored and sent: msgspec's encoder (about 4 × the standard library's on a
    record; sorted keys, integers exact at any size, NaN and infinities as null, which JSON can
    carry). Text UTF-8 cannot carry (a lone surrogate) and keys that are not strings go through the
    standard library, which keeps the one for ``payload_text`` to refuse with ``unsupported_file``
    and writes the other as text. The arguments' text keeps the standard library's
    (``canonical_json``): their hash must not change."""
    global _result_encoder
    if _result_encoder is None:
        import msgspec

        _result_encoder = msgspec.json.Encoder(enc_hook=str, order="sorted").encode
    try:
        return _result_encoder(payload).decode()
    except (UnicodeEncodeError, TypeError):
        return _CANONICAL.encode(payload)


def canonical_json(value: Any) -> str:
    """Sorted keys, no spaces, UTF-8 kept as is (one encoder, built once: the same text as ``json.dumps``)."""
    return _CANONICAL.encode(value)


def args_hash(name: str, args: Any) -> str:
    """A hash of the call that does not depend on key order or argument aliases."""
    return _digest(name, canonical_json(args))


def _digest(name: str, args_json: str) -> str:
    """``args_hash`` from the canonical JSON text the journal row stores anyway."""
    return hashlib.sha256(f"{name}\x00{args_json}".encode()).hexdigest()


def args_text_and_digest(name: str, canonical: Any) -> tuple[str, str]:
    """The row's args text and its hash. Arguments that do not validate may hold text UTF-8
    cannot carry (a lone surrogate): the catalogue refuses them with ``invalid_args``, and
    their row keeps them ASCII-escaped, which any encoding carries."""
    args_json = canonical_json(canonical)
    try:
        return args_json, _digest(name, args_json)
    except UnicodeEncodeError:
        args_json = json.dumps(canonical, sort_keys=True, separators=(",", ":"), default=str)
        safe_name = name.encode("utf-8", "backslashreplace").decode("ascii", "replace")
        return args_json, _digest(safe_name, args_json)


def call_digest(catalog: Catalog, name: str, args: Mapping[str, Any] | None) -> str:
    """The hash ``execute`` gives this call (the dispatcher compares in-flight duplicates with it)."""
    return args_text_and_digest(name, canonical_args(catalog, name, args)[0])[1]


def canonical_args(catalog: Catalog, name: str, args: Mapping[str, Any] | None) -> tuple[Any, Any]:
    """(canonical args for the hash, (spec, model) or None when they do not validate)."""
    try:
        validated = catalog.validate(name, args)
    except ToolError:
        return (args if args is not None else {}), None
    return validated[1].model_dump(mode="json", exclude_unset=True), validated


def answers(row: dict[str, Any] | None, name: str, digest: str) -> bool:
    """Whether a stored row answers the call: not when there is none, nor when it was pruned
    and the call matches it (a read whose result was dropped after the retention window runs again)."""
    if row is None:
        return False
    return not (row["pruned_at"] is not None and row["name"] == name and row["args_hash"] == digest)


def replay(row: dict[str, Any], call_id: str, name: str, digest: str) -> Outcome:
    if row["name"] != name or row["args_hash"] != digest:
        err = ToolError(
            ErrorType.CONFLICT,
            f"call id {call_id} was already used for {row['name']} with other arguments; nothing was run",
        )
        return Outcome(call_id, name, False, None, err, 0.0, replayed=True)
    text = row["result"]
    stored = json.loads(text)
    if row["ok"]:
        return Outcome(call_id, name, True, stored, None, 0.0, replayed=True, result_json=text)
    return Outcome(call_id, name, False, None, ToolError.from_dict(stored), 0.0, replayed=True, result_json=text)


LOCAL_RESULT_LIMIT = 4096


def _surely_over(value: Any) -> bool:
    """Whether ``value`` must encode past ``LOCAL_RESULT_LIMIT``, known without encoding it: a long
    string, a list too long even if each record in it took the 8 characters of ``{"k":1},``, a
    list of strings longer than that with their quotes and commas, or a dict holding one of those
    (a listing's columns)."""
    if isinstance(value, str):
        return len(value) > LOCAL_RESULT_LIMIT
    if isinstance(value, list):
        if len(value) > LOCAL_RESULT_LIMIT:
            return True
        if len(value) > LOCAL_RESULT_LIMIT // 8 and isinstance(value[0], dict) and bool(value[0]):
            return True
        if value and isinstance(value[0], str):
            try:
                return sum(map(len, value)) + 3 * len(value) > LOCAL_RESULT_LIMIT
            except TypeError:  # not strings all through
                return False
        return False
    if isinstance(value, dict):
        return any(_surely_over(v) for v in value.values())
    return False


def _stored_result(outcome: Outcome, source: str, read_only: bool) -> str:
    return _stored_text(outcome.payload(), outcome.ok, source, read_only)


def _stored_text(payload: dict[str, Any], ok: bool, source: str, read_only: bool) -> str:
    """What the journal keeps of a result, as JSON text (encoded once).

    Bridge calls keep the whole result: the backend may replay the id.
    Local engine calls use fresh ids that are never replayed, so a large
    read-only result (a file's content) keeps its short fields (path, size,
    offsets) and names the rest under ``elided`` instead of copying a file
    into the database on every run.
    """
    if source == "bridge" or not read_only or not ok:
        return _result_json(payload)
    big = any(_surely_over(v) for v in payload.values())  # a file page, a long listing: not encoded
    text = None if big else _result_json(payload)
    if text is not None and len(text) <= LOCAL_RESULT_LIMIT:
        return text
    kept = {k: v for k, v in payload.items()
            if v is None or isinstance(v, (bool, int, float)) or (isinstance(v, str) and len(v) <= 256)}
    return _result_json({**kept, "elided": sorted(k for k in payload if k not in kept)})


def result_text(outcome: Outcome, source: str, read_only: bool, limit: int | None) -> str:
    """``_stored_result`` checked for the wire: raises ``too_large`` when a bridge result is over
    ``limit`` UTF-8 bytes, ``unsupported_file`` when it holds text UTF-8 cannot carry."""
    return payload_text(outcome.name, outcome.payload(), outcome.ok, source, read_only, limit)


def payload_text(name: str, payload: dict[str, Any], ok: bool, source: str, read_only: bool,
                 limit: int | None) -> str:
    """``result_text`` of a payload (a result, or an error's dict) before its ``Outcome`` exists."""
    text = _stored_text(payload, ok, source, read_only)
    if text.isascii():  # O(1) for a str: the common case costs nothing more
        size = len(text)
    else:
        try:
            size = len(text.encode("utf-8"))
        except UnicodeEncodeError:
            raise ToolError(
                ErrorType.UNSUPPORTED_FILE,
                f"{name}: the result holds text that is not valid Unicode (a file name in an unknown "
                "encoding?); it cannot be sent",
            ) from None
    if limit is not None and ok and source == "bridge" and size > limit:
        raise ToolError(
            ErrorType.TOO_LARGE,
            f"{name}: the result is {size} bytes as JSON, over the {limit} a frame can carry; "
            "ask for less (a smaller max_entries, max_bytes or limit)",
            details={"size": size, "limit": limit},
        )
    return text


def record_params(
    *,
    call_id: str,
    name: str,
    args: str,
    digest: str,
    source: str,
    run_id: str | None,
    agent_id: str | None,
    outcome: Outcome,
    started_at: str,
    read_only: bool = False,
    text: str | None = None,
    limit: int | None = None,
) -> tuple[Any, ...]:
    """The journal row's values; ``args`` is the canonical JSON text the digest was made from,
    ``text`` the stored result when the caller has it already (``_result_text``)."""
    if text is None:
        text = result_text(outcome, source, read_only, limit)
    return (
        call_id, name, digest, args, source, run_id, agent_id, int(outcome.ok),
        None if outcome.ok else str(outcome.error.type),  # type: ignore[union-attr]
        text, started_at, utcnow(), outcome.duration_ms, int(read_only and source == "bridge"),
    )


# A row of an id already used stays as it is, unless it was pruned (then a read ran again and refills it).
INSERT = (
    "INSERT INTO tool_calls (call_id, name, args_hash, args, source, run_id, agent_id, ok, "
    "error_type, result, started_at, finished_at, duration_ms, prunable) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
    "ON CONFLICT (call_id) DO UPDATE SET args = excluded.args, ok = excluded.ok, "
    "error_type = excluded.error_type, result = excluded.result, started_at = excluded.started_at, "
    "finished_at = excluded.finished_at, duration_ms = excluded.duration_ms, prunable = excluded.prunable, "
    "pruned_at = NULL WHERE tool_calls.pruned_at IS NOT NULL"
)
LOOKUP = "SELECT name, args_hash, ok, error_type, result, pruned_at FROM tool_calls WHERE call_id = ?"


async def calls_for_run(store: Store, run_id: str) -> list[dict[str, Any]]:
    """The journal rows of one run, oldest first (for the run detail view and the CLI)."""
    rows = await store.fetchall(
        "SELECT call_id, name, args, ok, error_type, result, started_at, finished_at, duration_ms "
        "FROM tool_calls WHERE run_id = ? ORDER BY started_at, rowid",
        (run_id,),
    )
    for row in rows:
        row["ok"] = bool(row["ok"])
        row["args"] = json.loads(row["args"])
        row["result"] = json.loads(row["result"])
    return rows
