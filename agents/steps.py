"""Engines written as steps: a generator that yields what it needs and is sent the answers.

An engine's logic (the rules engine's two phases) is a generator. It yields

* ``Call(name, args)``: run this tool; the result is sent back, or the
  ``ToolError`` is thrown in at the ``yield``;
* ``Progress(...)``: tell whoever watches;
* ``Local(op, args)``: a question for the local store that is not a tool
  (the suggestion identity of ``agents.sources``); a driver without a local
  store answers None, and the engine goes without;
* ``CHECKPOINT``: a unit of work (one file) is complete; a good place to
  commit and to hand control back.

and returns its outcome. It does no I/O itself, so one piece of logic serves
two drivers:

* ``drive(steps, call)``: each call awaited through an async tool caller (the
  reference gateway's scripted run sends them over the wire);
* the runner's local driver (``Runner.run_steps``): many files' worth of
  calls in one trip to the database thread, each call journaled, one commit
  per checkpoint (``agents.calls.run_local``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Generator
from dataclasses import dataclass
from typing import Any, TypeVar

from agents.errors import ToolError

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Call:
    name: str
    args: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Local:
    op: str
    args: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Progress:
    payload: dict[str, Any]


class _Checkpoint:
    __slots__ = ()

    def __repr__(self) -> str:
        return "CHECKPOINT"


CHECKPOINT = _Checkpoint()

Step = Call | Local | Progress | _Checkpoint
Steps = Generator[Step, Any, T]


def advance(steps: Steps[Any], value: Any, error: ToolError | None) -> Step:
    """Resume ``steps`` with a call's result or error; ``StopIteration`` carries the outcome."""
    return steps.throw(error) if error is not None else steps.send(value)


async def drive(
    steps: Steps[T],
    call: Callable[[str, dict[str, Any]], Awaitable[Any]],
    progress: Callable[..., None] | None = None,
) -> T:
    """Run ``steps`` with every call awaited through ``call``; returns what the steps return."""
    value: Any = None
    error: ToolError | None = None
    try:
        while True:
            try:
                step = advance(steps, value, error)
            except StopIteration as stop:
                return stop.value
            value, error = None, None
            if isinstance(step, Call):
                try:
                    value = await call(step.name, step.args)
                except ToolError as err:
                    error = err
            elif isinstance(step, Progress):
                if progress is not None:
                    progress(**step.payload)
    finally:
        steps.close()
