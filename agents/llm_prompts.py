"""The ``llm`` engine's texts: the backend's triage and processing prompts, the triage-map parser.

Pure functions and constants (no I/O, no loop; safe on any thread). The
prompt texts are the backend's (see shared/reference/002_*.txt);
``agents.llm`` runs them on the store's loop and ``bridge.mcp_door`` serves
them as MCP prompts. Re-exported from ``agents.llm``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from agents.config import AgentConfig
from agents.tools.catalog import GROUP_FOR_DATA_TYPE

STANDALONE = "standalone"

# ── Prompts (the backend's, see shared/reference/002_*.txt) ──────────────────

TRIAGE_SYSTEM_PROMPT = """\
You are a file triage assistant for a freelance project management tool.
Your job is to explore a local directory on the user's device, understand its
structure, and group files by project context.

You have access to these tools:
- list_directory: to map folder structure
- get_file_metadata: to check creation/modification dates
- read_file_content: to read brief snippets when needed for categorisation
- list_projects / list_all_projects / get_project: to fetch existing projects
  from the user's workspace and match files to them

Instructions:
1. Start by calling list_directory on the configured root path.
2. Explore subdirectories as needed to understand the structure.
3. Use get_file_metadata to check modification dates. Skip files that have NOT
   been modified since: {last_run_at}.
4. Call list_all_projects to get the user's existing projects.
5. Match files to existing projects by name, folder structure, or content hints.
6. If files don't match any existing project, group them under "standalone".

{custom_prompt_section}

Target entity types to extract: {data_types}
File extensions to consider: {file_extensions}

When you have finished exploring, output ONLY a JSON object (no markdown fences,
no explanation) mapping project IDs or "standalone" to file path arrays:
{{"<project_id>": ["<file_path>", ...], "standalone": ["<file_path>", ...]}}

Return ONLY the JSON object as your final message.
"""

PROCESSING_BASE_PROMPT = """\
You are a data extraction and management assistant for a freelance project
management tool.

Available tools:
  Filesystem : read_file_content, list_directory, get_file_metadata
  Tasks      : list_tasks, create_task, update_task, add_task_comment
  Notes      : list_notes, get_note, create_note, update_note
  Timelines  : list_timelines, create_timeline, update_timeline
  Projects   : list_all_projects, get_project, create_project, update_project

Your task:
1. Read the full content of each file below using read_file_content.
2. For each piece of information found, ALWAYS try to match and update an
   existing record before creating a new one.
3. ONLY act on these entity types: {data_types}.
4. Do NOT invent data. Only extract what is clearly present in the files.
5. If a file contains no relevant data for the target entity types, skip it.
6. When you create a record, set source_path to the path of the file it came from.

Update-first rules (apply in this order):

Tasks:
  - Call list_tasks to find a match by title or context.
  - If found: call add_task_comment (author "Adiuva"), update_task to set
    assignees, state (ToDo / In Progress / Completed), or other fields.
  - If NOT found: call create_task with isAiSuggested=1, isApproved=0.

Timelines:
  - Call list_timelines to find a match by title or date.
  - If found: call update_timeline to edit fields or mark it complete.
  - If NOT found: call create_timeline with isAiSuggested=1, isApproved=0.

Notes:
  - Call list_notes to find a match by title or topic, then get_note to read
    its current content.
  - If found: call update_note with the merged content.
  - If NOT found: call create_note with isAiSuggested=1, isApproved=0.

Projects:
  - Call list_all_projects to check for a match first.
  - Only call create_project if the information is clearly significant and no
    existing project matches. Set isAiSuggested=1, isApproved=0.

{project_context}

Files to process:
{file_list}

{custom_prompt_section}

After processing all files, respond with a brief summary of what you updated
and what you created.
"""

TRIAGE_USER_MESSAGE = "Explore these directories and produce the triage map:\n{folders}"
PROCESSING_USER_MESSAGE = "Process the listed files now."


def _custom_section(agent: AgentConfig) -> str:
    return f"User instructions:\n{agent.prompt_template}" if agent.prompt_template else ""


def triage_prompt(agent: AgentConfig, last_run_at: Any = None) -> str:
    """The triage system prompt for ``agent``; ``last_run_at`` is the last successful run's start."""
    if last_run_at is None:
        last = "never (process all files)"
    else:
        last = last_run_at.isoformat() if hasattr(last_run_at, "isoformat") else str(last_run_at)
    return TRIAGE_SYSTEM_PROMPT.format(
        last_run_at=last,
        custom_prompt_section=_custom_section(agent),
        data_types=", ".join(agent.data_types),
        file_extensions=", ".join(agent.file_extensions) if agent.file_extensions else "all",
    )


def triage_user_message(agent: AgentConfig) -> str:
    return TRIAGE_USER_MESSAGE.format(folders=json.dumps(agent.directory_paths, ensure_ascii=False))


def processing_prompt(agent: AgentConfig, group_key: str, files: Sequence[Any]) -> str:
    """The processing system prompt for one triage group."""
    if group_key == STANDALONE:
        project_context = "These files are not associated with any existing project."
    else:
        project_context = f"These files belong to project ID: {group_key}. Use this project_id when creating records."
    return PROCESSING_BASE_PROMPT.format(
        data_types=", ".join(agent.data_types),
        project_context=project_context,
        file_list="\n".join(f"- {fp}" for fp in files),
        custom_prompt_section=_custom_section(agent),
    )


def processing_groups(data_types: Sequence[str]) -> list[str]:
    """Tool groups for phase 2: the filesystem tools plus those of each data type."""
    groups = ["filesystem"]
    for dt in data_types:
        group = GROUP_FOR_DATA_TYPE.get(dt)
        if group and group not in groups:
            groups.append(group)
    return groups


TRIAGE_GROUPS = ("filesystem", "projects")

# ── The triage map ───────────────────────────────────────────────────────────

_JSON_BLOCK = re.compile(r"\{[\s\S]*\}")


def parse_triage_map(raw: str) -> dict[str, list[Any]] | None:
    """The JSON map from triage's final answer: the whole text, else its first ``{...}`` block.

    Keys whose value is not a list are dropped; ``None`` when no JSON object is found.
    """
    text = raw.strip()
    candidates = [text]
    match = _JSON_BLOCK.search(text)
    if match:
        candidates.append(match.group(0))
    for candidate in candidates:
        try:
            parsed = json.loads(candidate)
        except json.JSONDecodeError:
            continue
        if isinstance(parsed, dict):
            return {k: v for k, v in parsed.items() if isinstance(v, list)}
    return None
