"""The ``llm`` engine: the backend's two-phase tool-calling loop, run on the device.

Phase 1, triage: a chat model with the filesystem and project tools explores
the agent's folders and answers a JSON map ``{project_id | "standalone": [path,
...]}`` (``parse_triage_map``). Phase 2, processing: per group, the model gets
the filesystem tools plus the tools of the agent's data types and applies what
it reads update-first. Both phases use ``run_agent_with_tools``: bind the tools,
invoke, run every tool call through the run's journaled caller, feed the JSON
result (or the typed ``ToolError`` as ``{"error": {...}}``) back as a
``ToolMessage``, until the model answers without tools; when the steps run out
(10 triage, 12 processing) one last call without tools gives the answer.

The model comes from the store settings (``make_chat_model``): ``llm_provider``
(``openai``: any OpenAI-compatible endpoint through the optional
``langchain-openai`` package), ``llm_base_url``, ``llm_model``,
``llm_temperature``; the API key from the OS keyring (service
``adiuva-companion``, user ``llm-api-key``) or ``ADIUVA_LLM_API_KEY``.

Everything runs on the store's loop; cancelling a run is safe (the journal
rolls back an open write). No Qt, no bridge. The prompt texts and the
triage-map parser live in ``agents.llm_prompts`` (re-exported here).
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_core.tools import BaseTool

from agents.errors import ErrorType, ToolError
from agents.llm_prompts import (
    PROCESSING_BASE_PROMPT,
    PROCESSING_USER_MESSAGE,
    STANDALONE,
    TRIAGE_GROUPS,
    TRIAGE_SYSTEM_PROMPT,
    TRIAGE_USER_MESSAGE,
    parse_triage_map,
    processing_groups,
    processing_prompt,
    triage_prompt,
    triage_user_message,
)
from agents.runner import RunContext, RunFailed
from agents.settings import LLM_BASE_URL, LLM_MODEL, LLM_PROVIDER, LLM_TEMPERATURE
from agents.store import Store
from agents.tools.catalog import Catalog

__all__ = [
    "API_KEY_ENV",
    "PROCESSING_BASE_PROMPT",
    "PROCESSING_USER_MESSAGE",
    "STANDALONE",
    "TRIAGE_GROUPS",
    "TRIAGE_SYSTEM_PROMPT",
    "TRIAGE_USER_MESSAGE",
    "LlmEngine",
    "as_text",
    "load_settings",
    "make_chat_model",
    "parse_triage_map",
    "processing_groups",
    "processing_prompt",
    "run_agent_with_tools",
    "triage_prompt",
    "triage_user_message",
]

log = logging.getLogger(__name__)

MAX_TRIAGE_STEPS = 10
MAX_PROCESSING_STEPS = 12

PROVIDERS = ("openai",)
SETTING_KEYS = (LLM_PROVIDER, LLM_BASE_URL, LLM_MODEL, LLM_TEMPERATURE)
KEYRING_SERVICE = "adiuva-companion"
KEYRING_ACCOUNT = "llm-api-key"
API_KEY_ENV = "ADIUVA_LLM_API_KEY"
REQUEST_TIMEOUT = 300.0

Invoke = Callable[[str, dict[str, Any]], Awaitable[dict[str, Any]]]
ModelFactory = Callable[[Mapping[str, Any]], BaseChatModel]

# ── The tool-calling loop ────────────────────────────────────────────────────


def as_text(content: Any) -> str:
    """A message's content as plain text (string, or a list of text blocks)."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts: list[str] = []
        for item in content:
            if isinstance(item, str):
                parts.append(item)
            elif isinstance(item, dict) and isinstance(item.get("text"), str):
                parts.append(item["text"])
        return "".join(parts)
    return str(content)


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _error_message(call_id: str, name: str, err: ToolError) -> ToolMessage:
    return ToolMessage(content=_dump({"error": err.to_dict()}), tool_call_id=call_id, name=name, status="error")


async def run_agent_with_tools(
    model: BaseChatModel,
    system_prompt: str,
    user_message: str,
    tools: Sequence[BaseTool],
    max_steps: int,
    invoke: Invoke,
    *,
    progress: Callable[..., None] | None = None,
) -> str:
    """Run the model with ``tools`` until it answers without calling one; return that answer.

    Each tool call goes through ``invoke(name, args)`` (the run's journaled
    caller), which returns the JSON result or raises ``ToolError``; either goes
    back to the model as a ``ToolMessage`` with the call's id. A name not among
    ``tools`` and arguments that are not JSON become error messages too.
    After ``max_steps`` model calls that all asked for tools, one final call
    without tools gives the answer (as the backend does). Other exceptions
    (the model's, the store's) propagate; so does cancellation.
    """
    try:
        bound = model.bind_tools(list(tools))
    except NotImplementedError:
        raise RunFailed(f"The chat model {type(model).__name__} cannot call tools (no bind_tools)") from None
    known = {t.name for t in tools}
    messages: list[BaseMessage] = [SystemMessage(content=system_prompt), HumanMessage(content=user_message)]
    for step in range(1, max_steps + 1):
        response = await bound.ainvoke(messages)
        if not isinstance(response, AIMessage):  # pragma: no cover - every chat model answers with an AIMessage
            response = AIMessage(content=as_text(getattr(response, "content", response)))
        messages.append(response)
        if not response.tool_calls and not response.invalid_tool_calls:
            return as_text(response.content)
        for index, call in enumerate(response.tool_calls):
            name = str(call.get("name") or "")
            call_id = str(call.get("id") or f"call-{step}-{index}")
            args = call.get("args") or {}
            if progress is not None:
                progress(step=step, tool=name, args=args)
            if name not in known:
                err = ToolError(
                    ErrorType.UNKNOWN_TOOL,
                    f"no tool named {name!r} in this phase; available: {', '.join(sorted(known))}",
                )
                messages.append(_error_message(call_id, name, err))
                continue
            try:
                result = await invoke(name, dict(args))
            except ToolError as err:
                log.info("agents.llm.tool_call.failed tool=%s error_type=%s", name, err.type)
                messages.append(_error_message(call_id, name, err))
                continue
            messages.append(ToolMessage(content=_dump(result), tool_call_id=call_id, name=name))
        for index, bad in enumerate(response.invalid_tool_calls):
            name = str(bad.get("name") or "")
            call_id = str(bad.get("id") or f"invalid-{step}-{index}")
            err = ToolError(
                ErrorType.INVALID_ARGS,
                f"{name or 'tool call'}: the arguments are not a JSON object ({bad.get('error') or 'unparseable'})",
            )
            messages.append(_error_message(call_id, name, err))
    log.info("agents.llm.steps_exhausted max_steps=%d", max_steps)
    final = await model.ainvoke(messages)
    return as_text(final.content)


# ── The model ────────────────────────────────────────────────────────────────


def _api_key() -> str | None:
    value = os.environ.get(API_KEY_ENV)
    if value:
        return value
    try:
        import keyring

        return keyring.get_password(KEYRING_SERVICE, KEYRING_ACCOUNT)
    except Exception as exc:  # no backend (headless Linux), locked keychain, ...
        raise RunFailed(
            f"The OS keyring cannot be read ({type(exc).__name__}); set {API_KEY_ENV} to the API key of the "
            f"llm endpoint instead"
        ) from None


def make_chat_model(settings: Mapping[str, Any]) -> BaseChatModel:
    """The chat model the settings describe; ``RunFailed`` saying what to set when they do not.

    Settings: ``llm_provider`` (default ``openai``), ``llm_model`` (required),
    ``llm_base_url`` (optional, an OpenAI-compatible ``.../v1``),
    ``llm_temperature`` (optional number). The API key comes from
    ``ADIUVA_LLM_API_KEY`` when set, else the keyring (service
    ``adiuva-companion``, user ``llm-api-key``).
    """
    provider = str(settings.get(LLM_PROVIDER) or "openai").strip().lower()
    if provider not in PROVIDERS:
        raise RunFailed(
            f"Unknown llm provider {provider!r} in the setting llm_provider; supported: {', '.join(PROVIDERS)}"
        )
    model_name = str(settings.get(LLM_MODEL) or "").strip()
    if not model_name:
        raise RunFailed("No chat model is configured: set the setting llm_model (e.g. gpt-4o-mini)")
    temperature: float | None = None
    raw_temperature = settings.get(LLM_TEMPERATURE)
    if raw_temperature not in (None, ""):
        try:
            temperature = float(raw_temperature)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise RunFailed(f"The setting llm_temperature must be a number, not {raw_temperature!r}") from None
    base_url = str(settings.get(LLM_BASE_URL) or "").strip() or None
    try:
        from langchain_openai import ChatOpenAI
    except ImportError:
        raise RunFailed(
            "The llm provider 'openai' needs the langchain-openai package: "
            "pip install 'adiuva-companion[openai]'"
        ) from None
    api_key = _api_key()
    if not api_key:
        raise RunFailed(
            f"No API key for the llm endpoint: store it in the OS keyring (service {KEYRING_SERVICE!r}, "
            f"user {KEYRING_ACCOUNT!r}) or set {API_KEY_ENV}"
        )
    kwargs: dict[str, Any] = {"model": model_name, "api_key": api_key, "timeout": REQUEST_TIMEOUT}
    if base_url:
        kwargs["base_url"] = base_url
    if temperature is not None:
        kwargs["temperature"] = temperature
    try:
        return ChatOpenAI(**kwargs)
    except Exception as exc:
        raise RunFailed(f"The llm settings were refused by langchain-openai: {exc}") from None


async def load_settings(store: Store | None) -> dict[str, Any]:
    """The ``llm_*`` settings from the store (missing ones are absent)."""
    if store is None:
        return {}
    out: dict[str, Any] = {}
    for key in SETTING_KEYS:
        value = await store.get_setting(key)
        if value is not None:
            out[key] = value
    return out


# ── The engine ───────────────────────────────────────────────────────────────


def _is_create(name: str) -> bool:
    return name.startswith("create_") or name == "insert"


class LlmEngine:
    """``llm``: the backend's triage → processing loop with a local chat model.

    ``model_factory(settings)`` builds the model for each run (default
    ``make_chat_model``; tests pass a fake). ``catalog`` only supplies the tool
    schemas; the calls themselves go through ``ctx.call`` (the runner's
    catalogue and journal).
    """

    name = "llm"

    def __init__(
        self,
        *,
        store: Store | None = None,
        catalog: Catalog | None = None,
        model_factory: ModelFactory | None = None,
        max_triage_steps: int = MAX_TRIAGE_STEPS,
        max_processing_steps: int = MAX_PROCESSING_STEPS,
    ):
        self.store = store
        self.catalog = catalog or Catalog(store=store)  # type: ignore[arg-type]
        self.model_factory = model_factory or make_chat_model
        self.max_triage_steps = max_triage_steps
        self.max_processing_steps = max_processing_steps

    async def _model(self) -> BaseChatModel:
        settings = await load_settings(self.store)
        try:
            return self.model_factory(settings)
        except RunFailed:
            raise
        except Exception as exc:
            raise RunFailed(f"The chat model could not be set up: {type(exc).__name__}: {exc}") from None

    async def run(self, ctx: RunContext) -> None:
        model = await self._model()
        agent = ctx.agent
        stats = ctx.stats

        async def invoke(name: str, args: dict[str, Any]) -> dict[str, Any]:
            result = await ctx.call(name, args)
            if _is_create(name):
                stats.created += 1
            elif name.startswith("update_"):
                stats.updated += 1
            return result

        # Phase 1: triage.
        ctx.progress(phase="triage", step=0)
        triage_tools = self.catalog.langchain_tools(self.catalog.tools_for(TRIAGE_GROUPS), invoke)
        answer = await run_agent_with_tools(
            model, triage_prompt(agent, ctx.since), triage_user_message(agent), triage_tools,
            self.max_triage_steps, invoke,
            progress=lambda **kw: ctx.progress(phase="triage", step=kw["step"], tool=kw["tool"]),
        )
        triage_map = parse_triage_map(answer)
        if not triage_map:
            raise RunFailed(f"Triage phase failed to produce a valid file map: {answer[:500]}")
        total = sum(len(files) for files in triage_map.values())
        log.info("agents.llm.triage.done run_id=%s groups=%d files=%d", ctx.run_id, len(triage_map), total)

        # Phase 2: processing, one model conversation per group.
        processing_tools = self.catalog.langchain_tools(
            self.catalog.tools_for(processing_groups(agent.data_types)), invoke
        )
        summaries: list[str] = []
        done = 0
        for group_key, files in triage_map.items():
            if not files:
                continue
            before = done

            def on_step(*, step: int, tool: str, args: dict[str, Any], _key: str = group_key, _done: int = before
                        ) -> None:
                extra: dict[str, Any] = {}
                if tool == "read_file_content" and isinstance(args.get("path"), str):
                    extra = {"file": args["path"], "processed": _done, "total": total}
                ctx.progress(phase="processing", group=_key, step=step, tool=tool, **extra)

            stats.processed += len(files)
            done += len(files)
            try:
                text = await run_agent_with_tools(
                    model, processing_prompt(agent, group_key, files), PROCESSING_USER_MESSAGE,
                    processing_tools, self.max_processing_steps, invoke, progress=on_step,
                )
            except RunFailed:
                raise
            except Exception as exc:
                log.warning("agents.llm.group.failed run_id=%s group=%s error=%s", ctx.run_id, group_key, exc)
                stats.errors.append(f"Processing error for group '{group_key}': {exc}")
                continue
            log.info("agents.llm.group.done run_id=%s group=%s result=%s", ctx.run_id, group_key, text[:500])
            if text.strip():
                summaries.append(text.strip()[:1000])
        counts = (
            f"Read {stats.processed} file{'s' if stats.processed != 1 else ''}: "
            f"{stats.created} new suggestion{'s' if stats.created != 1 else ''}, {stats.updated} updated"
        )
        stats.summary = "\n\n".join([counts, *summaries])[:4000]
        ctx.progress(phase="done", processed=done, total=total)
