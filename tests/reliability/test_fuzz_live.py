"""Hostile frames over a live connection: a real gateway on port 0 sends them to a real device.

Each frame is followed by a probe call; the device reads frames in order and
answers a frame it cannot use before it reads the next one, so once the probe
is answered every answer to the frame is in. The expectation comes from a
small independent oracle (``expected_call_id``): a JSON object (strict JSON:
no NaN or Infinity, no out-of-range numbers) of type ``tool_call`` whose
``id`` is a 1–256 character string or an integer must get a ``tool_result``
for that id, ``ok`` with a result or a typed error; anything else must get
no ``tool_result``, and at most one ``{"type": "error"}`` (exactly one when it
is not a usable object or is a ``tool_call`` without a usable id).

Throughout: the device task keeps running, nothing is logged at ERROR under
``bridge.*`` or ``agents.*``, and the device dials once (the connection
never drops).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import math
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from agents.errors import ErrorType
from agents.store import utcnow
from agents.tools.catalog import ALL_TOOLS
from bridge import protocol
from bridge.gateway import DeviceGateway
from tests.bridge.conftest import TOKEN, BareDevice, start_bare_device

ERROR_TYPES = {e.value: e.retryable for e in ErrorType}
TOOL_NAMES = [spec.name for spec in ALL_TOOLS]
ANSWER_TIMEOUT = 10.0
AGENT_ID = "fuzz-agent"


# ── the oracle ─────────────────────────────────────────────────────────────
def _no_constant(name: str) -> Any:
    raise ValueError(name)


def _finite(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise ValueError(text)
    return value


def strict_json(text: str) -> Any:
    """JSON as RFC 8259 has it: NaN, Infinity and numbers out of float range are errors."""
    return json.loads(text, parse_constant=_no_constant, parse_float=_finite)


def decoded(data: str | bytes) -> tuple[bool, Any]:
    if not isinstance(data, str):
        return False, None
    try:
        return True, strict_json(data)
    except (ValueError, RecursionError):
        return False, None


def usable_id(value: Any) -> str | None:
    if type(value) is int:
        value = str(value)
    if type(value) is str and 1 <= len(value) <= protocol.MAX_ID_LENGTH:
        return value
    return None


def expected_call_id(data: str | bytes) -> str | None:
    """The id a ``tool_result`` must answer, or None when the frame has no usable call id."""
    ok, obj = decoded(data)
    if not ok or type(obj) is not dict or obj.get("type") != "tool_call":
        return None
    return usable_id(obj.get("id"))


def must_get_error_frame(data: str | bytes) -> bool:
    """Frames that must be answered with exactly one ``{"type": "error"}``."""
    ok, obj = decoded(data)
    if not ok or type(obj) is not dict or type(obj.get("type")) is not str:
        return True
    return obj["type"] == "tool_call" and usable_id(obj.get("id")) is None


# ── the live link ──────────────────────────────────────────────────────────
class Live:
    """A gateway, a device connected to it, and ``exchange``: one frame, then a probe call."""

    def __init__(self, gateway: DeviceGateway, bare: BareDevice, root: Path, errors: list[logging.LogRecord]):
        self.gateway, self.bare, self.root, self.errors = gateway, bare, root, errors
        self.probes = 0

    async def exchange(self, data: str | bytes) -> tuple[protocol.ToolResult | None, list[protocol.ErrorFrame]]:
        gateway = self.gateway
        call_id = expected_call_id(data)
        start = len(gateway.received)
        pending = gateway.create_pending_call("local", call_id) if call_id else None
        conn = gateway.connection()
        assert conn is not None, "the device is not connected"
        await asyncio.wait_for(conn.ws.send(data), ANSWER_TIMEOUT)
        self.probes += 1
        probe = await gateway.call("list_tasks", {"limit": 1}, call_id=f"probe-{self.probes}", timeout=ANSWER_TIMEOUT)
        assert "total" in probe
        result = await asyncio.wait_for(pending, ANSWER_TIMEOUT) if pending is not None else None
        new = gateway.received[start:]
        errors = [f for f in new if isinstance(f, protocol.ErrorFrame)]
        stray = [f for f in new if isinstance(f, protocol.ToolResult)
                 and f.id != call_id and not f.id.startswith("probe-")]
        assert not stray, f"results for ids that were not asked: {[f.id for f in stray]}"
        return result, errors

    async def check(self, data: str | bytes) -> protocol.ToolResult | None:
        """Send one frame; assert the protocol's answer to it."""
        result, errors = await self.exchange(data)
        if expected_call_id(data) is not None:
            assert result is not None
            assert not errors, f"a call with a usable id got an error frame: {errors}"
            if result.ok:
                assert result.error is None
            else:
                assert result.error is not None and result.error.type in ERROR_TYPES, result
                assert result.error.retryable == ERROR_TYPES[result.error.type]
        elif must_get_error_frame(data):
            assert len(errors) == 1, f"{len(errors)} error frames for {str(data)[:200]!r}"
            assert errors[0].error.type == "invalid_frame"
        else:
            assert len(errors) <= 1
        return result

    def assert_healthy(self) -> None:
        assert not self.bare.task.done(), "the device task ended"
        assert self.bare.client.connected
        assert self.gateway.dials == 1 and self.bare.client.dials == 1, "the connection dropped"
        assert not [f"{r.name}: {r.getMessage()}" for r in self.errors]


@pytest.fixture
async def live(tmp_path: Path):
    records: list[logging.LogRecord] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Collect(level=logging.ERROR)
    for name in ("bridge", "agents"):
        logging.getLogger(name).addHandler(handler)
    root = Path(os.path.realpath(tmp_path)) / "Clients"
    (root / "Acme").mkdir(parents=True)
    (root / "Acme" / "brief.md").write_text("# Brief\n- [ ] Send the quote\n")
    (root / "link-to-etc").symlink_to("/etc")
    evil = Path(f"{root}_evil")
    evil.mkdir()
    (evil / "secret.md").write_text("outside the allowed folder\n")
    gateway = DeviceGateway(tokens={TOKEN: "local"})
    await gateway.start()
    bare = await start_bare_device(tmp_path, gateway.url, deadline=5.0)
    now = utcnow()
    await bare.store.execute(
        "INSERT INTO agents (id, name, directory_paths, created_at, updated_at) VALUES (?, ?, json(?), ?, ?)",
        (AGENT_ID, "Fuzz", json.dumps([str(root)]), now, now),
    )
    try:
        await gateway.wait_online(timeout=10)
        yield Live(gateway, bare, root, records)
    finally:
        await bare.close()
        await gateway.stop()
        for name in ("bridge", "agents"):
            logging.getLogger(name).removeHandler(handler)


# ── hypothesis ─────────────────────────────────────────────────────────────
NASTY_TEXT = [
    "", " ", "\x00", "../../etc/passwd", "/proc/self/environ", "'; DROP TABLE tasks; --", '" OR 1=1 --',
    "%", "_", "\\", "\u202e", "💥" * 8, "a" * 600, "ToDo", "In Progress", "tasks", "notes", "2027-01-12",
]
FIELDS = [
    "title", "description", "path", "query", "limit", "project_id", "projectId", "task_id", "taskId", "note_id",
    "timeline_id", "state", "recursive", "max_entries", "offset", "max_bytes", "table", "record", "body",
    "content", "name", "status", "due_date", "assignees", "is_ai_suggested", "isApproved", "source_path",
]
finite = (
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=30) | st.sampled_from(NASTY_TEXT)
)
scalars = finite | st.floats(allow_nan=True, allow_infinity=True)  # NaN/Infinity literals once encoded


def nested(leaves: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.recursive(
        leaves, lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=8), kids, max_size=4),
        max_leaves=12,
    )


values, json_values = nested(scalars), nested(finite)
good_ids = st.uuids().map(str) | st.text(min_size=1, max_size=40) | st.integers(min_value=0, max_value=10**12)
ids = good_ids | st.just("") | st.text(min_size=257, max_size=300) | values
names = st.sampled_from([*TOOL_NAMES, "format_disk", "", "../list_tasks", "LIST_TASKS"]) | values
arg_objects = st.dictionaries(st.sampled_from(FIELDS), values | st.sampled_from(NASTY_TEXT), max_size=5) | values
types = st.sampled_from(["tool_call"] * 6 + ["tool_cancel", "hello_ack", "run_started", "run_rejected",
                                             "run_complete", "device_hello", "tool_result", "zzz", ""]) | values
run_contexts = values | st.fixed_dictionaries({}, optional={"run_id": values, "agent_id": values | st.just(AGENT_ID)})
frames = st.fixed_dictionaries(
    {"type": types},
    optional={"id": ids, "name": names, "tool": names, "args": arg_objects, "arguments": arg_objects,
              "input": arg_objects, "run_context": run_contexts},
)
# mostly well-formed calls (usable id, real tool, JSON-clean args) so that the tools themselves are hit
calls = st.fixed_dictionaries(
    {"type": st.just("tool_call"), "id": good_ids, "name": st.sampled_from(TOOL_NAMES)},
    optional={
        "args": st.dictionaries(st.sampled_from(FIELDS), json_values | st.sampled_from(NASTY_TEXT), max_size=5),
        "run_context": st.fixed_dictionaries({}, optional={"run_id": st.text(max_size=10),
                                                           "agent_id": st.just(AGENT_ID) | st.text(max_size=10)}),
    },
)
# plausible arguments for real tools, so that some calls succeed and the tools' own checks are hit
texts = st.text(max_size=40) | st.sampled_from(NASTY_TEXT)
paths = st.sampled_from(["Acme", "Acme/brief.md", ".", "Acme/../Acme/brief.md", "../../etc/passwd", "/etc/passwd",
                         "/proc/self/environ", "link-to-etc/passwd", "Acme/brief.md\x00", "nope.md"]) | texts
plausible = st.one_of(
    st.tuples(st.just("list_tasks"), st.fixed_dictionaries(
        {}, optional={"query": texts, "limit": st.integers(-5, 2000), "state": texts})),
    st.tuples(st.just("create_task"), st.fixed_dictionaries(
        {"title": texts}, optional={"description": texts, "state": texts, "due_date": texts,
                                    "assignees": st.lists(texts, max_size=3), "isAiSuggested": st.booleans()})),
    st.tuples(st.just("create_note"), st.fixed_dictionaries({"title": texts, "content": texts})),
    st.tuples(st.just("update_task"), st.fixed_dictionaries({"task_id": texts}, optional={"state": texts})),
    st.tuples(st.sampled_from(["list_directory", "get_file_metadata", "read_file_content"]), st.fixed_dictionaries(
        {"path": paths}, optional={"recursive": st.booleans(), "offset": st.integers(-1, 10**6),
                                   "max_bytes": st.integers(-1, 10**7), "max_entries": st.integers(-1, 10**6)})),
    st.tuples(st.just("insert"), st.fixed_dictionaries(
        {"table": st.sampled_from(["tasks", "notes", "timelines", "projects", "settings", "tool_calls"]),
         "record": st.dictionaries(st.sampled_from(FIELDS), json_values | texts, max_size=4)})),
)
FRESH = itertools.count()  # hypothesis repeats small ids; a fresh id per call keeps replays from hiding the tools
plausible_calls = st.builds(
    lambda call, ctx: {"type": "tool_call", "id": f"pc-{next(FRESH)}", "name": call[0], "args": call[1], **ctx},
    plausible,
    st.sampled_from([{}, {"run_context": {"run_id": "fuzz-run", "agent_id": AGENT_ID}}]),
)
wire = (
    plausible_calls.map(json.dumps) | plausible_calls.map(lambda f: json.dumps(f, ensure_ascii=False))
    | calls.map(json.dumps) | calls.map(lambda f: json.dumps(f, ensure_ascii=False))
    | frames.map(json.dumps)  # NaN/Infinity literals when the floats are
    | values.map(json.dumps) | st.text(max_size=200) | st.binary(max_size=64)
)


@pytest.mark.timeout(60)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=wire)
async def test_generated_frames_get_typed_answers_and_the_link_stays(live: Live, data: str | bytes):
    """Hypothesis frames: a usable call id gets a typed tool_result, others at most one error frame; no crash."""
    result = await live.check(data)
    event("no usable call id" if result is None else "ok result" if result.ok else f"error {result.error.type}")
    live.assert_healthy()


# ── the hand-made corpus ───────────────────────────────────────────────────
def call(call_id: Any = "c", name: Any = "list_tasks", args: Any = None, **extra: Any) -> dict[str, Any]:
    frame = {"type": "tool_call", "id": call_id, "name": name, "args": {} if args is None else args}
    frame.update(extra)
    return frame


WRONG = [None, True, False, 0, -1, 1.5, "", "x", "x" * 300, [], [1], {}, {"a": 1}]


def nasty_corpus(root: Path) -> list[tuple[str, str | bytes]]:
    out: list[tuple[str, str | bytes]] = []
    n = 0

    def add(label: str, frame: Any) -> None:
        nonlocal n
        n += 1
        out.append((f"{n:03d} {label}", frame if isinstance(frame, str | bytes) else json.dumps(frame)))

    # not frames at all
    for text in ("", " ", "null", "true", "0", "1e999", '"tool_call"', "[]", "[{}]", "{", "}", "{{}}", "\x00",
                 '{"type": "tool_call", "id": "x"', "\ufeff{}", "{'type': 'tool_call'}"):
        add(f"junk {text[:12]!r}", text)
    add("binary", b"\x00\xff" * 100)
    add("binary json", json.dumps(call("bin-1")).encode())
    # NaN / Infinity / out-of-range numbers, with a usable id (still not JSON: an error frame)
    add("NaN arg", '{"type":"tool_call","id":"nan-1","name":"list_tasks","args":{"limit":NaN}}')
    add("Infinity arg", '{"type":"tool_call","id":"inf-1","name":"list_tasks","args":{"limit":Infinity}}')
    add("-Infinity id", '{"type":"tool_call","id":-Infinity,"name":"list_tasks"}')
    add("1e999 arg", '{"type":"tool_call","id":"big-1","name":"list_tasks","args":{"limit":1e999}}')
    add("huge int arg", '{"type":"tool_call","id":"int-1","name":"list_tasks","args":{"limit":' + "9" * 5000 + "}}")
    # deep nesting
    for depth in (10, 500, 900, 2_000, 100_000):
        add(f"nested args {depth}",
            f'{{"type":"tool_call","id":"deep-{depth}","name":"list_tasks","args":{{"x":{"[" * depth}{"]" * depth}}}}}')
    add("nested frame 100000", "[" * 100_000 + "]" * 100_000)
    add("nested objects 900", '{"type":"tool_call","id":"deepo","name":"create_task","args":' + '{"a":' * 900
        + "1" + "}" * 900 + "}")
    # huge strings: under the 4 MiB frame limit, and over it with the id first (answered) or last (error frame)
    add("3 MB title", call("huge-title", "create_task", {"title": "t" * 3_000_000}))
    add("3 MB query", call("huge-query", "list_tasks", {"query": "q" * 3_000_000}))
    add("3 MB description", call("huge-desc", "create_task", {"title": "big", "description": "d" * 3_000_000}))
    add("5 MB, id first", call("huge-frame", "list_tasks", {"x": "a" * 5_000_000}))
    add("5 MB, id last", '{"type":"tool_call","name":"list_tasks","args":{"x":"' + "a" * 5_000_000 + '"},"id":"late"}')
    add("huge key", call("huge-key", "list_tasks", {"k" * 100_000: 1}))
    add("many keys", call("many-keys", "list_tasks", {f"k{i}": i for i in range(20_000)}))
    # ids
    for value in (7, 0, -1, 10**20, 10**300, "", " ", "x" * 256, "x" * 257, True, 1.0, None, [], {}, "\x00",
                  "💥" * 64, "../../etc/passwd", "'; DROP TABLE tool_calls; --"):
        add(f"id {str(value)[:20]!r}", call(value))
    add("no id", {"type": "tool_call", "name": "list_tasks", "args": {}})
    # wrong types in every field of a call, and in every argument of create_task
    for field in ("type", "id", "name", "args", "run_context"):
        for j, wrong in enumerate(WRONG):
            frame = call(f"wt-{field}-{j}", "create_task", {"title": f"wrong {field} {j}"},
                         run_context={"run_id": "r"})
            frame[field] = wrong
            add(f"{field}={str(wrong)[:10]!r}", frame)
    for field in ("title", "description", "project_id", "state", "assignees", "due_date", "is_ai_suggested",
                  "is_approved", "source_path"):
        for j, wrong in enumerate(WRONG):
            add(f"create_task {field}={str(wrong)[:10]!r}",
                call(f"wa-{field}-{j}", "create_task", {"title": f"wrong arg {field} {j}", field: wrong}))
    # unknown tools and aliases
    for j, name in enumerate(["format_disk", "LIST_TASKS", "list_tasks\x00", "../list_tasks", " list_tasks",
                              "x" * 256, "x" * 257, "__init__", "insert; DROP TABLE tasks"]):
        add(f"tool {name[:20]!r}", call(f"ut-{j}", name))
    add("alias tool/arguments", {"type": "tool_call", "id": "alias-1", "tool": "list_tasks", "arguments": {"limit": 2}})
    add("alias input null", {"type": "tool_call", "id": "alias-2", "name": "list_tasks", "input": None})
    add("args and input", {"type": "tool_call", "id": "alias-3", "name": "list_tasks", "args": {"limit": 1},
                           "input": "not an object"})
    add("duplicate keys", '{"type":"tool_call","id":"dup-1","id":"dup-2","name":"list_tasks","args":{}}')
    # other frame types with wrong fields
    for kind in ("tool_cancel", "run_started", "run_rejected", "run_complete", "hello_ack", "device_hello",
                 "tool_result", "error", "run_request", "run_cancel"):
        add(f"{kind} empty", {"type": kind})
        add(f"{kind} wrong", {"type": kind, "id": [], "request_id": {}, "run_context": 5, "status": "??",
                              "error": 7, "run_id": None})
    add("unknown type", {"type": "subscribe", "id": "sub-1"})
    add("type too long", {"type": "t" * 300, "id": "tt-1"})
    # path tricks against the filesystem tools, with and without the agent's run_context
    ctx = {"run_id": "fuzz-run", "agent_id": AGENT_ID}
    paths = ["../../etc/passwd", "/etc/passwd", "/proc/self/environ", "/proc/self/cmdline", "~/.ssh/id_rsa",
             f"{root}/../../../etc/passwd", f"{root}/link-to-etc/passwd", f"{root}_evil/secret.md",
             f"{root}/Acme/brief.md\x00.png", "file:///etc/passwd", "\\\\server\\share", "/" + "a/" * 3000,
             f"{root}/{'x' * 300}", "", ".", "/"]
    for j, path in enumerate(paths):
        for name in ("list_directory", "get_file_metadata", "read_file_content"):
            add(f"{name} {path[:30]!r}", call(f"path-{name}-{j}", name, {"path": path}, run_context=ctx))
    add("list_directory unknown agent", call("path-agent", "list_directory", {"path": str(root)},
                                             run_context={"agent_id": "nobody"}))
    return out


OUTSIDE = ("root:x", "PATH=", "HOME=", "outside the allowed folder")


@pytest.mark.timeout(60)
async def test_nasty_corpus_gets_typed_answers_and_the_link_stays(live: Live):
    """Every frame of the nasty corpus gets its typed answer, nothing outside the root is read, the link stays."""
    created = set()
    corpus = nasty_corpus(live.root)
    for label, data in corpus:
        try:
            result = await live.check(data)
        except AssertionError as exc:
            raise AssertionError(f"{label}: {exc}") from exc
        if result is not None and result.ok and "title" in result.result:
            created.add(result.result["id"])
        if result is not None and result.id.startswith("path-"):
            if result.ok:  # "." is the allowed folder itself; anything answered must lie inside it
                inside = str(live.root)
                assert result.result["path"] == inside or result.result["path"].startswith(inside + os.sep), label
                assert not any(s in json.dumps(result.result) for s in OUTSIDE), label
            else:
                assert result.error.type in {"forbidden_path", "not_found", "invalid_args"}, (label, result.error)
                assert not any(s in (result.error.message or "") for s in OUTSIDE[:3]), (label, result.error.message)
    live.assert_healthy()
    results = [f for f in live.gateway.received if isinstance(f, protocol.ToolResult) and not f.id.startswith("probe-")]
    errors = [f for f in live.gateway.received if isinstance(f, protocol.ErrorFrame)]
    print(f"figure: corpus of {len(corpus)} frames: {len(results)} tool_results "
          f"({sum(r.ok for r in results)} ok, {sum(not r.ok for r in results)} typed errors), {len(errors)} error "
          f"frames, dials={live.gateway.dials}")
    # the writes that were valid went through, once each, and the workspace is intact
    assert created
    assert {r["id"] for r in await live.bare.store.fetchall("SELECT id FROM tasks")} == created
    assert await live.bare.store.integrity_check() == "ok"


SQL_TITLES = [
    "'; DROP TABLE tasks; --", '" OR 1=1 --', "Robert'); DELETE FROM tool_calls; --", "100% done", "under_score",
    "back\\slash", "%", "_", "' OR ''='", "a\x00b", "tab\tnew\nline", "ünï©ødé 💥",
    "%' UNION SELECT * FROM settings --",
]


@pytest.mark.timeout(60)
async def test_sql_metacharacters_are_plain_text(live: Live):
    """Titles and queries full of SQL metacharacters are stored verbatim and searched literally; no table is hurt."""
    gateway = live.gateway
    created = {}
    for i, title in enumerate(SQL_TITLES):
        record = await gateway.call("create_task", {"title": title, "description": title}, call_id=f"sql-{i}")
        assert record["title"] == title.strip()
        created[title] = record["id"]
    for title in SQL_TITLES:
        found = await gateway.call("list_tasks", {"query": title, "limit": 1000})
        expected = {t for t in SQL_TITLES if title.strip().lower() in t.lower()}
        assert {t["title"] for t in found["tasks"]} == {t.strip() for t in expected}, title
        for name in ("list_notes", "list_projects", "list_timelines"):
            assert (await gateway.call(name, {"query": title}))["total"] == 0
    store = live.bare.store
    assert await store.scalar("SELECT COUNT(*) FROM tasks") == len(SQL_TITLES)
    assert await store.scalar("SELECT COUNT(*) FROM tool_calls WHERE call_id LIKE 'sql-%'") == len(SQL_TITLES)
    assert await store.integrity_check() == "ok"
    live.assert_healthy()
