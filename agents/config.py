"""Agent configs: validation and storage (the ``agents`` table).

``AgentConfig.parse(data)`` validates user input and raises ``ConfigError``
naming the field; folders must exist and are stored as real paths; the cron
is checked with croniter (``agents.scheduler.validate_cron``).
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from agents.errors import ConfigError
from agents.store import Store, iso, new_id, parse_iso, utcnow

DATA_TYPES = ("tasks", "notes", "timelines", "projects")
ENGINES = ("rules", "llm", "backend")
DEFAULT_EXTENSIONS = [".md", ".txt"]

DataType = Literal["tasks", "notes", "timelines", "projects"]
Engine = Literal["rules", "llm", "backend"]


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

    @field_validator("data_types")
    @classmethod
    def _types(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))

    @field_validator("schedule_cron")
    @classmethod
    def _cron(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        from agents.scheduler import validate_cron

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
            err = exc.errors()[0]
            field = str(err["loc"][0]) if err.get("loc") else "agent"
            message = err.get("msg", "invalid").removeprefix("Value error, ")
            if err.get("type") == "extra_forbidden":
                message = "unknown field"
            raise ConfigError(field, message) from None

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
    """Insert or update; a name used by another agent is refused (``ConfigError('name', ...)``)."""
    now = utcnow()
    async with store.transaction() as tx:
        clash = await tx.fetchone(
            "SELECT id FROM agents WHERE name = ? COLLATE NOCASE AND id != ?", (config.name, config.id)
        )
        if clash:
            raise ConfigError("name", f"an agent named {config.name!r} already exists")
        await tx.execute(
            "INSERT INTO agents (id, name, directory_paths, file_extensions, data_types, prompt_template, "
            "schedule_cron, enabled, engine, last_run_at, created_at, updated_at, ignore_patterns) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
            "name = excluded.name, directory_paths = excluded.directory_paths, "
            "file_extensions = excluded.file_extensions, data_types = excluded.data_types, "
            "prompt_template = excluded.prompt_template, schedule_cron = excluded.schedule_cron, "
            "enabled = excluded.enabled, engine = excluded.engine, updated_at = excluded.updated_at, "
            "ignore_patterns = excluded.ignore_patterns",
            (
                config.id, config.name, json.dumps(config.directory_paths), json.dumps(config.file_extensions),
                json.dumps(config.data_types), config.prompt_template, config.schedule_cron, int(config.enabled),
                config.engine, iso(config.last_run_at) if config.last_run_at else None, now, now,
                json.dumps(config.ignore_patterns),
            ),
        )
    return config


async def delete_agent(store: Store, agent_id: str) -> bool:
    return bool(await store.execute("DELETE FROM agents WHERE id = ?", (agent_id,)))


async def set_last_run(store: Store, agent_id: str, at: str) -> None:
    await store.execute("UPDATE agents SET last_run_at = ? WHERE id = ?", (at, agent_id))
