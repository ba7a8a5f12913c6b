"""The engines a companion's runner uses: ``rules`` and ``llm`` imported on first run, ``backend``.

``default_engines`` builds the map ``desktop.companion`` hands to
``agents.runner.Runner``. ``_LazyEngine.run`` runs on the companion's asyncio
loop (qasync's in the GUI); the heavy imports (the extractors, langchain-core)
happen in a worker thread via ``asyncio.to_thread`` so the loop does not stall.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from agents.remote import BackendEngine
from agents.store import Store


def default_engines(store: Store, *, requester: Callable[[], Any], link_remote_run: Any) -> dict[str, Any]:
    """``rules``, ``backend`` and ``llm``; ``requester`` returns the bridge client (or None)."""
    return {
        # imported off the loop: the first run must not stall the window for the ~50 ms the import takes
        "rules": _LazyEngine("rules", _import_rules_engine, lambda engine_class: engine_class(), in_thread=True),
        "backend": BackendEngine(requester=requester, link_remote_run=link_remote_run),
        "llm": _LazyEngine("llm", _import_llm_engine, lambda engine_class: engine_class(store=store),
                           in_thread=True),
    }


class _LazyEngine:
    """An engine imported on its first run rather than at start-up.

    ``rules`` (the extractors) is imported in place; ``llm`` (langchain-core, ~1 s and ~40 MB)
    in a worker thread, so the loop (the GUI) does not stall.
    """

    def __init__(self, name: str, load: Any, make: Any, *, in_thread: bool = False):
        self.name = name
        self._load = load
        self._make = make
        self._in_thread = in_thread
        self._engine: Any = None

    async def run(self, ctx: Any) -> None:
        if self._engine is None:
            engine_class = await asyncio.to_thread(self._load) if self._in_thread else self._load()
            self._engine = self._make(engine_class)
        await self._engine.run(ctx)


def _import_rules_engine() -> Any:
    from agents.rules import RulesEngine  # plain import statements, so PyInstaller bundles them

    return RulesEngine


def _import_llm_engine() -> Any:
    from agents.llm import LlmEngine

    return LlmEngine
