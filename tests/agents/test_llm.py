"""The llm engine: the backend's two-phase loop with a scripted fake model and a local OpenAI-compatible server."""

from __future__ import annotations

import itertools
import json
import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, ToolMessage
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import Field

from agents import journal
from agents.config import AgentConfig, save_agent
from agents.llm import API_KEY_ENV, LlmEngine, make_chat_model, parse_triage_map
from agents.runner import RunFailed, Runner
from agents.store import Store

TRIAGE_TOOLS = {"list_directory", "get_file_metadata", "read_file_content", "list_projects", "list_all_projects",
                "get_project", "create_project", "update_project"}


class ScriptedModel(GenericFakeChatModel):
    """A fake chat model answering from a script; records each call's bound tools and messages."""

    seen: list[tuple[list[dict[str, Any]] | None, list[Any]]] = Field(default_factory=list)

    def bind_tools(self, tools, **kwargs):
        return self.bind(tools=[convert_to_openai_tool(t) for t in tools], **kwargs)

    def _generate(self, messages, stop=None, run_manager=None, **kwargs):
        self.seen.append((kwargs.get("tools"), list(messages)))
        return super()._generate(messages, stop=stop, run_manager=run_manager, **kwargs)


_ids = itertools.count(1)


def calls(*pairs: tuple[str, dict[str, Any]]) -> AIMessage:
    """An assistant turn that calls the given tools."""
    return AIMessage(content="", tool_calls=[{"name": n, "args": a, "id": f"call-{next(_ids)}"} for n, a in pairs])


def tool_names(bound: list[dict[str, Any]] | None) -> set[str]:
    return {t["function"]["name"] for t in bound or []}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "Clients"
    root.mkdir()
    (root / "notes.md").write_text("# Weekly\n\nTODO: send the invoice to Acme\n")
    return root


@pytest.fixture
def note_path(folder: Path) -> str:
    return os.path.realpath(folder / "notes.md")


async def make_agent(store: Store, folder: Path, **extra) -> AgentConfig:
    return await save_agent(
        store, AgentConfig.parse({"name": "Clients", "directory_paths": [str(folder)], "engine": "llm", **extra})
    )


def runner_with(store, catalog, hub, model=None) -> Runner:
    factory = None if model is None else (lambda settings: model)
    engine = LlmEngine(store=store, catalog=catalog, model_factory=factory)
    return Runner(store=store, catalog=catalog, events=hub, engines={"llm": engine})


async def test_scripted_two_phase_run_files_a_suggestion_through_the_journal(store, catalog, hub, folder, note_path):
    """Triage explores and answers a map; processing reads, looks up and creates an unapproved task."""
    model = ScriptedModel(messages=iter([
        calls(("list_directory", {"path": str(folder)})),
        calls(("list_all_projects", {})),
        AIMessage(content=json.dumps({"standalone": [note_path]})),
        calls(("read_file_content", {"path": note_path})),
        calls(("list_tasks", {"query": "invoice"})),
        calls(("create_task", {"title": "Send the invoice to Acme", "isAiSuggested": 1, "isApproved": 0,
                                "source_path": note_path})),
        AIMessage(content="Created 1 task."),
    ]))
    agent = await make_agent(store, folder, data_types=["tasks"])
    row = await runner_with(store, catalog, hub, model).run(agent, "manual")

    assert row["status"] == "success", row["errors"]
    assert (row["items_processed"], row["items_created"], row["items_updated"]) == (1, 1, 0)
    assert "Created 1 task." in row["summary"]
    task = await store.fetchone("SELECT * FROM tasks")
    assert task["title"] == "Send the invoice to Acme"
    assert (task["is_ai_suggested"], task["is_approved"]) == (1, 0)
    assert task["source_path"] == note_path and task["run_id"] == row["id"]
    calls_made = await journal.calls_for_run(store, row["id"])
    assert [c["name"] for c in calls_made] == [
        "list_directory", "list_all_projects", "read_file_content", "list_tasks", "create_task"]
    assert all(c["ok"] for c in calls_made)
    triage_tools, triage_messages = model.seen[0]
    assert tool_names(triage_tools) == TRIAGE_TOOLS
    assert "never (process all files)" in triage_messages[0].content
    assert json.dumps([os.path.realpath(folder)]) in triage_messages[1].content
    listing = model.seen[1][1][-1]
    assert isinstance(listing, ToolMessage) and "notes.md" in listing.content
    processing_tools, processing_messages = model.seen[3]
    assert tool_names(processing_tools) == {"list_directory", "get_file_metadata", "read_file_content",
                                            "list_tasks", "create_task", "update_task", "add_task_comment"}
    assert f"- {note_path}" in processing_messages[0].content
    assert "not associated with any existing project" in processing_messages[0].content


async def test_malformed_triage_answer_fails_the_run_with_the_reason(store, catalog, hub, folder):
    """A triage answer without a JSON map ends the run as error, quoting the answer, with no processing."""
    model = ScriptedModel(messages=iter([AIMessage(content="I could not decide")]))
    row = await runner_with(store, catalog, hub, model).run(await make_agent(store, folder), "manual")
    assert row["status"] == "error"
    assert row["errors"] == ["Triage phase failed to produce a valid file map: I could not decide"]
    assert len(model.seen) == 1 and row["items_processed"] == 0


async def test_running_out_of_steps_ends_each_phase_with_one_call_without_tools(store, catalog, hub, folder,
                                                                               note_path):
    """A model that keeps calling tools gets 10 triage and 12 processing rounds, then one tool-less call each."""

    def script() -> Iterator[AIMessage]:
        for _ in range(10):
            yield calls(("list_directory", {"path": str(folder)}))
        yield AIMessage(content=json.dumps({"standalone": [note_path]}))
        for _ in range(12):
            yield calls(("read_file_content", {"path": note_path}))
        yield AIMessage(content="Ran out of steps.")

    model = ScriptedModel(messages=script())
    row = await runner_with(store, catalog, hub, model).run(await make_agent(store, folder), "manual")

    assert row["status"] == "success", row["errors"]
    bound = [bool(tools) for tools, _ in model.seen]
    assert bound == [True] * 10 + [False] + [True] * 12 + [False]
    names = [c["name"] for c in await journal.calls_for_run(store, row["id"])]
    assert names == ["list_directory"] * 10 + ["read_file_content"] * 12
    final_triage_messages = model.seen[10][1]
    assert isinstance(final_triage_messages[-1], ToolMessage)
    assert len([m for m in final_triage_messages if isinstance(m, ToolMessage)]) == 10


async def test_a_refused_tool_call_returns_a_typed_error_and_the_run_goes_on(store, catalog, hub, folder, tmp_path):
    """Reading outside the agent's folder comes back as a forbidden_path ToolMessage; the run still succeeds."""
    secret = tmp_path / "secret.txt"
    secret.write_text("not yours")
    model = ScriptedModel(messages=iter([
        calls(("read_file_content", {"path": str(secret)})),
        AIMessage(content='Here is the map: {"standalone": []}'),
    ]))
    row = await runner_with(store, catalog, hub, model).run(await make_agent(store, folder), "manual")

    assert row["status"] == "success", row["errors"]
    answer = model.seen[1][1][-1]
    assert isinstance(answer, ToolMessage) and answer.status == "error"
    assert answer.tool_call_id == model.seen[1][1][-2].tool_calls[0]["id"]
    error = json.loads(answer.content)["error"]
    assert error["type"] == "forbidden_path" and error["retryable"] is False
    calls_made = await journal.calls_for_run(store, row["id"])
    assert [(c["name"], c["ok"], c["error_type"]) for c in calls_made] == [
        ("read_file_content", False, "forbidden_path")]


async def test_tools_outside_the_phase_come_back_as_unknown_tool(store, catalog, hub, folder):
    """A write tool asked for during triage, or a made-up name, is an unknown_tool error, not a crash or a write."""
    model = ScriptedModel(messages=iter([
        calls(("create_task", {"title": "Sneaky"}), ("teleport", {})),
        AIMessage(content='{"standalone": []}'),
    ]))
    row = await runner_with(store, catalog, hub, model).run(await make_agent(store, folder), "manual")

    assert row["status"] == "success", row["errors"]
    replies = [m for m in model.seen[1][1] if isinstance(m, ToolMessage)]
    assert [json.loads(m.content)["error"]["type"] for m in replies] == ["unknown_tool", "unknown_tool"]
    assert await store.scalar("SELECT COUNT(*) FROM tasks") == 0
    assert await journal.calls_for_run(store, row["id"]) == []


def test_triage_map_parsing_follows_the_backend():
    """Direct JSON, else the first {...} block; only list values are kept; no object is None."""
    assert parse_triage_map('{"p1": ["/a"], "standalone": []}') == {"p1": ["/a"], "standalone": []}
    assert parse_triage_map('Sure:\n```json\n{"standalone": ["/b"], "note": "x"}\n```') == {"standalone": ["/b"]}
    assert parse_triage_map("I could not decide") is None
    assert parse_triage_map('["/a"]') is None


# ── make_chat_model ──────────────────────────────────────────────────────────


def test_make_chat_model_names_the_missing_setting(memory_keyring):
    """No model, an unknown provider or a bad temperature each fail naming the setting to fix."""
    with pytest.raises(RunFailed, match="llm_model"):
        make_chat_model({})
    with pytest.raises(RunFailed, match="llm_provider"):
        make_chat_model({"llm_provider": "carrier-pigeon", "llm_model": "m"})
    with pytest.raises(RunFailed, match="llm_temperature"):
        make_chat_model({"llm_model": "m", "llm_temperature": "warm"})


def test_make_chat_model_takes_the_key_from_the_keyring_or_says_where_to_put_it(memory_keyring, monkeypatch):
    """Without a key the error names the keyring entry and the env var; the env var wins over the keyring."""
    with pytest.raises(RunFailed, match=f"llm-api-key.*{API_KEY_ENV}"):
        make_chat_model({"llm_model": "m"})
    memory_keyring.set_password("adiuva-companion", "llm-api-key", "from-keyring")
    model = make_chat_model({"llm_model": "m", "llm_base_url": "http://127.0.0.1:9/v1", "llm_temperature": "0.2"})
    assert model.openai_api_key.get_secret_value() == "from-keyring"
    assert (model.model_name, model.openai_api_base, model.temperature) == ("m", "http://127.0.0.1:9/v1", 0.2)
    monkeypatch.setenv(API_KEY_ENV, "from-env")
    assert make_chat_model({"llm_model": "m"}).openai_api_key.get_secret_value() == "from-env"


async def test_a_run_without_a_configured_model_is_an_error_naming_the_setting(store, catalog, hub, folder,
                                                                                memory_keyring):
    """An llm run with no settings ends as error telling the user to set llm_model."""
    row = await runner_with(store, catalog, hub).run(await make_agent(store, folder), "manual")
    assert row["status"] == "error" and "llm_model" in row["errors"][0]


# ── An OpenAI-compatible endpoint on localhost ───────────────────────────────


class ChatServer(ThreadingHTTPServer):
    """POST /v1/chat/completions: a tool call first, then a final answer, per phase."""

    def __init__(self, folder: str, note_path: str):
        super().__init__(("127.0.0.1", 0), ChatHandler)
        self.folder, self.note_path = folder, note_path
        self.requests: list[tuple[str, dict[str, str], dict[str, Any]]] = []

    def respond(self, body: dict[str, Any]) -> dict[str, Any]:
        messages = body["messages"]
        triage = "file triage assistant" in messages[0]["content"]
        first_turn = messages[-1]["role"] == "user"
        message: dict[str, Any] = {"role": "assistant", "content": None}
        if triage and first_turn:
            message["tool_calls"] = [self._call("call_t1", "list_directory", {"path": self.folder})]
        elif triage:
            message["content"] = json.dumps({"standalone": [self.note_path]})
        elif first_turn:
            message["tool_calls"] = [self._call("call_p1", "create_task", {
                "title": "Send the invoice to Acme", "isAiSuggested": 1, "isApproved": 0,
                "source_path": self.note_path})]
        else:
            message["content"] = "Created 1 task."
        return {
            "id": f"chatcmpl-{len(self.requests)}", "object": "chat.completion", "created": 0,
            "model": body["model"],
            "choices": [{"index": 0, "message": message,
                         "finish_reason": "tool_calls" if "tool_calls" in message else "stop"}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }

    @staticmethod
    def _call(call_id: str, name: str, args: dict[str, Any]) -> dict[str, Any]:
        return {"id": call_id, "type": "function", "function": {"name": name, "arguments": json.dumps(args)}}


class ChatHandler(BaseHTTPRequestHandler):
    server: ChatServer

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.requests.append((self.path, dict(self.headers), body))
        if self.path != "/v1/chat/completions":
            self.send_error(404)
            return
        data = json.dumps(self.server.respond(body)).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def chat_server(folder, note_path):
    server = ChatServer(os.path.realpath(folder), note_path)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


async def test_openai_compatible_endpoint_drives_a_full_run(store, catalog, hub, folder, note_path, chat_server,
                                                            monkeypatch):
    """ChatOpenAI against a local server: both phases run, the task is filed, the server saw the tool schemas."""
    monkeypatch.setenv(API_KEY_ENV, "test")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    port = chat_server.server_address[1]
    await store.set_setting("llm_base_url", f"http://127.0.0.1:{port}/v1")
    await store.set_setting("llm_model", "local-test-model")
    await store.set_setting("llm_temperature", 0)
    agent = await make_agent(store, folder, data_types=["tasks", "notes"])
    row = await runner_with(store, catalog, hub).run(agent, "manual")

    assert row["status"] == "success", row["errors"]
    assert (row["items_processed"], row["items_created"]) == (1, 1)
    task = await store.fetchone("SELECT * FROM tasks")
    assert task["title"] == "Send the invoice to Acme" and task["is_approved"] == 0 and task["run_id"] == row["id"]
    assert [c["name"] for c in await journal.calls_for_run(store, row["id"])] == ["list_directory", "create_task"]

    assert len(chat_server.requests) == 4
    assert {path for path, _, _ in chat_server.requests} == {"/v1/chat/completions"}
    headers = chat_server.requests[0][1]
    assert headers.get("Authorization", headers.get("authorization")) == "Bearer test"
    bodies = [body for _, _, body in chat_server.requests]
    assert bodies[0]["model"] == "local-test-model" and bodies[0]["temperature"] == 0
    assert {t["function"]["name"] for t in bodies[0]["tools"]} == TRIAGE_TOOLS
    processing_tools = {t["function"]["name"]: t["function"] for t in bodies[2]["tools"]}
    assert "create_task" in processing_tools and "create_note" in processing_tools
    assert "title" in processing_tools["create_task"]["parameters"]["properties"]
    tool_reply = bodies[1]["messages"][-1]
    assert tool_reply["role"] == "tool" and tool_reply["tool_call_id"] == "call_t1"
    assert "notes.md" in tool_reply["content"]
