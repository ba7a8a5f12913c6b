"""Shared parts of the dispatcher security tests: a real Dispatcher over a real Store, recording what it sends."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable
from typing import Any

from agents.store import Store
from agents.tools.base import ArgsModel, ToolContext, ToolSpec, tool
from agents.tools.catalog import ALL_TOOLS, Catalog
from bridge.dispatcher import Call, Dispatcher
from bridge.session import answer_text
from tests.conftest import until


class Sent:
    """The frames a dispatcher sent, in order (each answer as the session words it, decoded)."""

    def __init__(self) -> None:
        self.frames: list[dict[str, Any]] = []

    async def __call__(self, answer: Any) -> None:
        self.frames.append(json.loads(answer_text(answer)))

    def of(self, call_id: str) -> list[dict[str, Any]]:
        return [f for f in self.frames if f.get("id") == call_id]

    def error_types(self, ids: Iterable[str]) -> list[str]:
        wanted = set(ids)
        return [f["error"]["type"] for f in self.frames if f.get("id") in wanted and not f["ok"]]

    async def wait(self, call_id: str, timeout: float = 10) -> dict[str, Any]:
        return (await until(lambda: self.of(call_id), timeout, f"an answer to {call_id}"))[0]


def make_dispatcher(store: Store, *, extra: Iterable[ToolSpec] = (), **kwargs: Any) -> tuple[Dispatcher, Sent]:
    sent = Sent()
    catalog = Catalog(store=store, specs=(*ALL_TOOLS, *extra))
    kwargs.setdefault("prune_journal", False)
    dispatcher = Dispatcher(store=store, catalog=catalog, send=sent, **kwargs)
    dispatcher.start()
    return dispatcher, sent


def call(call_id: str, name: str, args: dict[str, Any] | None = None, **kwargs: Any) -> Call:
    return Call(id=call_id, name=name, args=args or {}, **kwargs)


class GateArgs(ArgsModel):
    hold: bool = True
    seconds: float = 0.0
    n: int = 0


GATE = asyncio.Event()  # re-made per test by ``reset_gate``
RUNS: list[str] = []


def reset_gate() -> None:
    global GATE
    GATE = asyncio.Event()
    RUNS.clear()


@tool("slow_read", GateArgs, group="filesystem", read_only=True, idempotent=True)
async def slow_read(ctx: ToolContext, args: GateArgs) -> dict[str, Any]:
    """A filesystem-like read: sleeps ``seconds``, then (``hold``) waits until the test opens the gate."""
    RUNS.append(ctx.call_id or "")
    await asyncio.sleep(args.seconds)
    if args.hold:
        await GATE.wait()
    return {"n": args.n}
