"""The tool catalogue: the registry (names → tools), validation, and the manifest.

``validate(name, args)`` checks the arguments against the tool's pydantic
model. Text UTF-8 cannot carry (a lone surrogate, from a ``\\ud800`` escape
in the frame) anywhere in the arguments, keys included, is ``invalid_args``
here, before any tool sees it, so no tool and no journal row meets it.
Running a tool is the executor's (``agents.calls``), never the catalogue's.

Pure data and CPU: used from any loop or thread.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from agents.errors import ErrorType, ToolError
from agents.events import EventHub
from agents.store import Store
from agents.tools import filesystem, generic, notes, projects, tasks, timelines
from agents.tools.base import ToolSpec
from agents.tools.errors import validation_message

if TYPE_CHECKING:  # langchain-core (with langsmith) costs ~1 s and ~40 MB to import: only the llm engine needs it
    from langchain_core.tools import StructuredTool

log = logging.getLogger(__name__)

ALL_TOOLS: tuple[ToolSpec, ...] = (
    *filesystem.TOOLS,
    *projects.TOOLS,
    *tasks.TOOLS,
    *notes.TOOLS,
    *timelines.TOOLS,
    *generic.TOOLS,
)

GROUP_FOR_DATA_TYPE = {"tasks": "tasks", "notes": "notes", "timelines": "timelines", "projects": "projects"}

Invoker = Callable[[str, dict[str, Any]], Awaitable[Any]]


def unencodable_text(value: Any) -> str | None:
    """The path (``"record.title"``; ``""`` for the top level) of the first string or key in a
    parsed JSON value that UTF-8 cannot encode, or ``None`` when all text is fine. ASCII strings
    cost one flag check; others one encode. The path is only worked out when something fails."""
    if type(value) is str:  # the dispatcher's ids and names: no walk
        return None if value.isascii() or _encodes(value) else ""
    try:
        if _all_encodable(value):
            return None
    except RecursionError:  # absurd nesting: the iterative walk below decides
        pass
    stack: list[tuple[Any, str]] = [(value, "")]
    while stack:
        item, path = stack.pop()
        if isinstance(item, str):
            if not item.isascii() and not _encodes(item):
                return path
        elif isinstance(item, Mapping):
            for key, sub in item.items():
                label = _printable(key)
                where = f"{path}.{label}" if path else label
                if isinstance(key, str) and not key.isascii() and not _encodes(key):
                    return where
                stack.append((sub, where))
        elif isinstance(item, list | tuple):
            stack.extend((sub, f"{path}[{i}]") for i, sub in enumerate(item))
    return None


def _all_encodable(value: Any) -> bool:
    """Whether every string and key in ``value`` encodes, without building paths (the common case)."""
    if isinstance(value, str):
        return value.isascii() or _encodes(value)
    if isinstance(value, Mapping):
        for key, sub in value.items():
            if isinstance(key, str) and not key.isascii() and not _encodes(key):
                return False
            if type(sub) is str:
                if not sub.isascii() and not _encodes(sub):
                    return False
            elif not (sub is None or type(sub) in (int, float, bool)) and not _all_encodable(sub):
                return False
        return True
    if isinstance(value, list | tuple):
        return all(_all_encodable(sub) for sub in value)
    return True


def _encodes(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _printable(key: Any) -> str:
    return str(key).encode("utf-8", "backslashreplace").decode("utf-8")[:100]


class Catalog:
    """All tools of this device, bound to one store."""

    def __init__(self, *, store: Store, events: EventHub | None = None, specs: Iterable[ToolSpec] = ALL_TOOLS):
        self.store = store
        self.events = events
        self._specs: dict[str, ToolSpec] = {}
        for spec in specs:
            if spec.name in self._specs:
                raise ValueError(f"duplicate tool name {spec.name}")
            self._specs[spec.name] = spec
        self._manifest: list[dict[str, Any]] | None = None

    @property
    def names(self) -> list[str]:
        return list(self._specs)

    def get(self, name: str) -> ToolSpec:
        try:
            return self._specs[name]
        except (KeyError, TypeError):
            raise ToolError(ErrorType.UNKNOWN_TOOL, f"no tool named {name!r}") from None

    def manifest(self) -> list[dict[str, Any]]:
        """Name, description, JSON Schema and annotations of every tool (for ``device_hello``).

        Built on first use: only a connection's hello (and the llm engine) needs the schemas.
        """
        if self._manifest is None:
            self._manifest = [
                {
                    "name": s.name,
                    "description": s.description,
                    "parameters": s.parameters_schema(),
                    "annotations": {"read_only": s.read_only, "idempotent": s.idempotent},
                }
                for s in self._specs.values()
            ]
        return self._manifest

    def validate(self, name: str, args: Mapping[str, Any] | None) -> tuple[ToolSpec, Any]:
        """The tool and its parsed arguments, or ``unknown_tool`` / ``invalid_args``."""
        spec = self.get(name)
        if args is None:
            args = {}
        if not isinstance(args, Mapping):
            raise ToolError(ErrorType.INVALID_ARGS, f"{name}: arguments must be a JSON object")
        where = unencodable_text(args)
        if where is not None:
            raise ToolError(
                ErrorType.INVALID_ARGS,
                f"{name}: {where or 'arguments'}: text is not valid Unicode (a lone surrogate); send UTF-8 text",
            )
        try:
            return spec, spec.args_model.model_validate(dict(args))
        except ValidationError as exc:
            raise ToolError(ErrorType.INVALID_ARGS, validation_message(name, exc)) from None

    def tools_for(self, groups: Iterable[str]) -> list[ToolSpec]:
        wanted = set(groups)
        return [s for s in self._specs.values() if s.group in wanted]

    def langchain_tools(self, specs: Iterable[ToolSpec], invoker: Invoker) -> list[StructuredTool]:
        """The given tools as langchain-core tools whose calls go through ``invoker(name, args)``.

        The llm engine binds these to the chat model; ``invoker`` routes each
        call through the journal so local runs record their tool calls too.
        """
        from langchain_core.tools import StructuredTool

        out = []
        for spec in specs:

            async def _call(_name: str = spec.name, **kwargs: Any) -> Any:
                return await invoker(_name, kwargs)

            out.append(
                StructuredTool.from_function(
                    coroutine=_call,
                    name=spec.name,
                    description=spec.description,
                    args_schema=spec.args_model,
                    infer_schema=False,
                )
            )
        return out
