"""Agent configs: validation and storage (the ``agents`` table).

``AgentConfig.parse(data)`` validates user input and raises ``ConfigError``
naming the field, with a sentence for people (never pydantic's wording:
``FIELD_LABELS`` and ``plain_message``); folders must exist and are stored as
real paths; the cron is checked with croniter (``agents.scheduler.validate_cron``).

``schedule_saved_at`` is when the agent's schedule last took effect (created,
its cron changed, or it was enabled); ``save_agent`` sets it. The scheduler
never fires a slot from before it. Saving an agent pins its folders
(``agents.roots``): saving is the user picking them, so re-saving re-pins a
folder that changed. Runs on the event loop.
"""

from __future__ import annotations

import asyncio
import json
import os
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from agents import roots
from agents.errors import ConfigError
from agents.store import Store, iso, new_id, parse_iso, utcnow

DATA_TYPES = ("tasks", "notes", "timelines", "projects")
ENGINES = ("rules", "llm", "backend")
DEFAULT_EXTENSIONS = [".md", ".txt", ".docx", ".odt", ".pdf", ".rtf", ".html", ".eml"]

DataType = Literal["tasks", "notes", "timelines", "projects"]
Engine = Literal["rules", "llm", "backend"]


def check_ignore_patterns(value: list[str]) -> list[str]:
    """The patterns without blanks and repeats, each parsed by pathspec as triage reads them (.gitignore syntax).

    ``ValueError`` in plain words naming the first pattern a .gitignore file cannot hold.
    """
    import pathspec

    out: list[str] = []
    for raw in value:
        line = raw.rstrip("\r\n")
        if not line.strip() or line in out:
            continue
        if not line.lstrip().startswith("#"):
            try:
                pathspec.GitIgnoreSpec.from_lines([line])
            except ValueError:
                raise ValueError(f"“{line}” is not a pattern a .gitignore file can hold (for example "
                                 "node_modules/, *.bak or drafts/**)") from None
        out.append(line)
    return out


class AgentConfig(BaseModel):
    """One local filesystem agent, as the user set it up."""

    model_config = ConfigDict(extra="forbid", validate_assignment=False)

    id: str = Field(default_factory=new_id)
    name: str = Field(min_length=1, max_length=100)
    directory_paths: list[str] = Field(min_length=1, max_length=50)
    file_extensions: list[str] = Field(default_factory=lambda: list(DEFAULT_EXTENSIONS), max_length=50)
    data_types: list[DataType] = Field(default_factory=lambda: list(DATA_TYPES), min_length=1)
    prompt_template: str = Field("", max_length=10_000)
    ignore_patterns: list[str] = Field(default_factory=list, max_length=200)  # .gitignore syntax
    schedule_cron: str | None = None
    enabled: bool = True
    engine: Engine = "rules"
    last_run_at: datetime | None = None
    schedule_saved_at: datetime | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        value = " ".join(value.split())
        if not value:
            raise ValueError("the name cannot be blank")
        return value

    @field_validator("directory_paths")
    @classmethod
    def _folders(cls, value: list[str]) -> list[str]:
        out: list[str] = []
        for raw in value:
            path = os.path.realpath(os.path.expanduser(raw))
            if not os.path.isdir(path):
                raise ValueError(f"{raw} is not an existing folder")
            if path not in out:
                out.append(path)
        return out

    @field_validator("file_extensions")
    @classmethod
    def _extensions(cls, value: list[str]) -> list[str]:
        out: list[str] = []
        for raw in value:
            ext = raw.strip().lower()
            if not ext:
                continue
            if not ext.startswith("."):
                ext = "." + ext
            if len(ext) > 16 or any(c in ext for c in "/\\*? \x00"):
                raise ValueError(f"{raw!r} is not a file extension like .md")
            if ext not in out:
                out.append(ext)
        return out

    @field_validator("ignore_patterns")
    @classmethod
    def _ignore(cls, value: list[str]) -> list[str]:
        return check_ignore_patterns(value)

    @field_validator("data_types")
    @classmethod
    def _types(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))

    @field_validator("schedule_cron")
    @classmethod
    def _cron(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        from agents.schedule_rules import validate_cron

        try:
            return validate_cron(value)
        except ConfigError as exc:
            raise ValueError(exc.message) from None

    @classmethod
    def parse(cls, data: dict[str, Any]) -> AgentConfig:
        """Validate user input; ``ConfigError(field, message)`` on the first problem."""
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            errors = exc.errors()
            err = errors[0]
            field = str(err["loc"][0]) if err.get("loc") else "agent"
            problem = ConfigError(field, plain_message(err))
            # every field's first problem, so a form can mark them all at once
            problem.problems = {}  # type: ignore[attr-defined]
            for each in errors:
                name = str(each["loc"][0]) if each.get("loc") else "agent"
                problem.problems.setdefault(name, plain_message(each))  # type: ignore[attr-defined]
            raise problem from None

    def summary(self) -> dict[str, Any]:
        """The agent as PROTOCOL.md's ``run_request.agent`` / ``device_hello.agents`` entry."""
        return {
            "id": self.id,
            "name": self.name,
            "directory_paths": self.directory_paths,
            "file_extensions": self.file_extensions,
            "data_types": self.data_types,
            "prompt_template": self.prompt_template,
            "schedule_cron": self.schedule_cron,
            "last_run_at": iso(self.last_run_at).replace(".000Z", "Z") if self.last_run_at else None,
        }


FIELD_LABELS = {
    "id": "The agent's id",
    "name": "The name",
    "directory_paths": "Folders",
    "file_extensions": "File types",
    "data_types": "Looks for",
    "prompt_template": "The instructions",
    "ignore_patterns": "Ignore",
    "schedule_cron": "The schedule",
    "enabled": "Enabled",
    "engine": "The engine",
    "last_run_at": "The last run time",
    "schedule_saved_at": "The schedule's start time",
}

_SPECIFIC = {
    ("name", "missing"): "Give the agent a name.",
    ("name", "string_too_short"): "Give the agent a name.",
    ("name", "string_too_long"): "The name is too long: keep it under {max_length} characters.",
    ("directory_paths", "missing"): "Pick at least one folder.",
    ("directory_paths", "too_short"): "Pick at least one folder.",
    ("directory_paths", "too_long"): "An agent can read at most {max_length} folders.",
    ("file_extensions", "too_long"): "An agent can look at most at {max_length} file types.",
    ("data_types", "too_short"): "Tick at least one kind of thing to look for.",
    ("data_types", "literal_error"): "Look for tasks, notes, timelines or projects.",
    ("engine", "literal_error"): "Choose an engine: rules, llm or backend.",
    ("ignore_patterns", "too_long"): "An agent can have at most {max_length} ignore patterns.",
    ("prompt_template", "string_too_long"): "The instructions are too long: keep them under {max_length:,} characters.",
}


def plain_message(err: Any) -> str:
    """A sentence for one pydantic error dict, naming the field in plain words."""
    loc = err.get("loc") or ("agent",)
    field, kind = str(loc[0]), str(err.get("type", ""))
    ctx = err.get("ctx") or {}
    label = FIELD_LABELS.get(field, field.replace("_", " ").capitalize())
    if (field, kind) in _SPECIFIC:
        try:
            return _SPECIFIC[(field, kind)].format(**ctx)
        except (KeyError, ValueError):
            return _SPECIFIC[(field, kind)].format(max_length="the allowed number of")
    if kind == "value_error":  # our own validators' messages are written for people
        text = str(ctx.get("error") or err.get("msg", "")).removeprefix("Value error, ").strip()
        return _sentence(text) if text else f"{label} is not valid."
    if kind == "extra_forbidden":
        return f"“{field}” is not a setting an agent has."
    if kind == "missing":
        return f"{label} is required."
    if kind in ("list_type", "tuple_type"):
        return f"{label} must be a list."
    if kind in ("string_type",):
        return f"{label} must be text."
    if kind.startswith("bool"):
        return f"{label} must be on or off (true or false)."
    if kind in ("too_short", "string_too_short"):
        return f"{label} cannot be empty."
    if kind in ("too_long", "string_too_long"):
        return f"{label} is too long."
    return f"{label} is not valid."


def _sentence(text: str) -> str:
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?", ")")) else text + "."


def _from_row(row: dict[str, Any]) -> AgentConfig:
    return AgentConfig.model_construct(
        id=row["id"],
        name=row["name"],
        directory_paths=json.loads(row["directory_paths"]),
        file_extensions=json.loads(row["file_extensions"]),
        data_types=json.loads(row["data_types"]),
        prompt_template=row["prompt_template"],
        ignore_patterns=json.loads(row.get("ignore_patterns") or "[]"),
        schedule_cron=row["schedule_cron"],
        enabled=bool(row["enabled"]),
        engine=row["engine"],
        last_run_at=parse_iso(row["last_run_at"]),
        schedule_saved_at=parse_iso(row.get("schedule_saved_at")),
    )


async def list_agents(store: Store) -> list[AgentConfig]:
    rows = await store.fetchall("SELECT * FROM agents ORDER BY name COLLATE NOCASE")
    return [_from_row(r) for r in rows]


async def get_agent(store: Store, key: str) -> AgentConfig | None:
    """By id, or by name (case-insensitive)."""
    row = await store.fetchone(
        "SELECT * FROM agents WHERE id = ? OR name = ? COLLATE NOCASE ORDER BY id = ? DESC LIMIT 1",
        (key, key, key),
    )
    return _from_row(row) if row else None


async def save_agent(store: Store, config: AgentConfig) -> AgentConfig:
    """Insert or update, pinning its folders; a name used by another agent is refused (``ConfigError('name', ...)``).

    ``schedule_saved_at`` becomes now when the agent is new, its cron changed or it was
    enabled; otherwise the stored one is kept.
    """
    pins = await asyncio.to_thread(_pin_all, config.directory_paths)
    now = utcnow()
    async with store.transaction() as tx:
        clash = await tx.fetchone(
            "SELECT id FROM agents WHERE name = ? COLLATE NOCASE AND id != ?", (config.name, config.id)
        )
        if clash:
            raise ConfigError("name", f"Another agent is already called “{config.name}”: pick another name.")
        await tx.execute(
            "INSERT INTO agents (id, name, directory_paths, file_extensions, data_types, prompt_template, "
            "schedule_cron, enabled, engine, last_run_at, created_at, updated_at, schedule_saved_at, "
            "ignore_patterns) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
            "schedule_saved_at = CASE WHEN agents.schedule_cron IS excluded.schedule_cron "
            "AND (agents.enabled OR NOT excluded.enabled) THEN agents.schedule_saved_at "
            "ELSE excluded.schedule_saved_at END, "
            "name = excluded.name, directory_paths = excluded.directory_paths, "
            "file_extensions = excluded.file_extensions, data_types = excluded.data_types, "
            "prompt_template = excluded.prompt_template, schedule_cron = excluded.schedule_cron, "
            "enabled = excluded.enabled, engine = excluded.engine, updated_at = excluded.updated_at, "
            "ignore_patterns = excluded.ignore_patterns",
            (
                config.id, config.name, json.dumps(config.directory_paths), json.dumps(config.file_extensions),
                json.dumps(config.data_types), config.prompt_template, config.schedule_cron, int(config.enabled),
                config.engine, iso(config.last_run_at) if config.last_run_at else None, now, now, now,
                json.dumps(config.ignore_patterns),
            ),
        )
        await roots.store_pins(tx, pins, replace=True)
        row = await tx.fetchone("SELECT schedule_saved_at FROM agents WHERE id = ?", (config.id,))
    return config.model_copy(update={"schedule_saved_at": parse_iso(row["schedule_saved_at"]) if row else None})


def _pin_all(folders: list[str]) -> dict[str, roots.Pin]:
    """Each folder's pin as it is now; ``ConfigError`` if one is no longer an existing folder."""
    pins: dict[str, roots.Pin] = {}
    for folder in folders:
        try:
            pins[folder] = roots.pin_folder(folder)
        except (OSError, roots.RootChanged):
            raise ConfigError("directory_paths", f"{folder} is not an existing folder this app can open") from None
    return pins


async def delete_agent(store: Store, agent_id: str) -> bool:
    return bool(await store.execute("DELETE FROM agents WHERE id = ?", (agent_id,)))


async def remove_agent_undoably(store: Store, agent_id: str) -> tuple[AgentConfig, list[str]] | None:
    """Delete an agent; returns what ``restore_agent`` needs to undo it (its config and its runs' ids)."""
    agent = await get_agent(store, agent_id)
    if agent is None:
        return None
    runs = [r["id"] for r in await store.fetchall("SELECT id FROM agent_runs WHERE agent_id = ?", (agent_id,))]
    return (agent, runs) if await delete_agent(store, agent_id) else None


async def restore_agent(store: Store, removed: tuple[AgentConfig, list[str]]) -> AgentConfig:
    """Undo ``remove_agent_undoably``: the same agent (id, settings, last run) with its runs linked again."""
    agent, runs = removed
    saved = await save_agent(store, agent)
    for start in range(0, len(runs), 500):
        chunk = runs[start:start + 500]
        await store.execute(f"UPDATE agent_runs SET agent_id = ? WHERE id IN ({','.join('?' * len(chunk))})",
                            (agent.id, *chunk))
    return saved


async def set_last_run(store: Store, agent_id: str, at: str) -> None:
    await store.execute("UPDATE agents SET last_run_at = ? WHERE id = ?", (at, agent_id))


async def root_problems(store: Store, agents: list[AgentConfig] | None = None) -> list[roots.RootProblem]:
    """Every agent folder that no longer is the folder the user picked, with the reason."""
    if agents is None:
        agents = await list_agents(store)
    pins = await roots.load_pins(store)
    paths = list(dict.fromkeys(p for a in agents for p in a.directory_paths))
    if not paths:
        return []
    found = await asyncio.to_thread(lambda: {p: roots.check_root(p, pins.get(p)) for p in paths})
    return [
        roots.RootProblem(a.id, a.name, p, message)
        for a in agents
        for p in a.directory_paths
        if (message := found[p]) is not None
    ]
