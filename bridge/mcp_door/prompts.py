"""The agent's two phases as MCP prompts (pure; the text is ``agents.llm``'s).

``triage_folder``: explore a folder and group its files by project (the
triage system prompt and its user message). ``process_files``: read files and
turn them into records, update-first (the processing prompt). ``agents.llm``
imports langchain-core (about a second), so it is imported on ``get`` only.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from mcp import types
from mcp.shared.exceptions import McpError

ALL_TYPES = "tasks, notes, timelines, projects"

PROMPTS = [
    types.Prompt(
        name="triage_folder",
        title="Triage a folder",
        description="Explore a folder with the filesystem tools, match its files to existing projects and "
                    "answer with a JSON map of project id (or \"standalone\") to file paths.",
        arguments=[
            types.PromptArgument(name="folder", description="the folder to explore (absolute path)", required=True),
            types.PromptArgument(name="data_types", description=f"entity types to look for (default: {ALL_TYPES})"),
            types.PromptArgument(name="file_extensions", description="e.g. .md, .txt (default: all)"),
            types.PromptArgument(name="since", description="skip files not modified since this ISO date"),
            types.PromptArgument(name="instructions", description="extra instructions from the user"),
        ],
    ),
    types.Prompt(
        name="process_files",
        title="Process files into records",
        description="Read files and record their tasks, notes, timelines and projects, updating existing "
                    "records first; new ones wait in the review queue as suggestions.",
        arguments=[
            types.PromptArgument(name="files", description="file paths, one a line or comma-separated",
                                 required=True),
            types.PromptArgument(name="project_id", description="the project these files belong to (default: none)"),
            types.PromptArgument(name="data_types", description=f"entity types to act on (default: {ALL_TYPES})"),
            types.PromptArgument(name="instructions", description="extra instructions from the user"),
        ],
    ),
]


def _required(args: Mapping[str, str], name: str) -> str:
    value = (args.get(name) or "").strip()
    if not value:
        raise McpError(types.ErrorData(code=types.INVALID_PARAMS, message=f"argument {name!r} is required"))
    return value


def _custom(args: Mapping[str, str]) -> str:
    text = (args.get("instructions") or "").strip()
    return f"User instructions:\n{text}" if text else ""


def _message(text: str) -> types.PromptMessage:
    return types.PromptMessage(role="user", content=types.TextContent(type="text", text=text))


def get(name: str, arguments: Mapping[str, str] | None) -> types.GetPromptResult:
    from agents import llm

    args = arguments or {}
    if name == "triage_folder":
        folder = _required(args, "folder")
        system = llm.TRIAGE_SYSTEM_PROMPT.format(
            last_run_at=(args.get("since") or "").strip() or "never (process all files)",
            custom_prompt_section=_custom(args),
            data_types=(args.get("data_types") or "").strip() or ALL_TYPES,
            file_extensions=(args.get("file_extensions") or "").strip() or "all",
        )
        user = llm.TRIAGE_USER_MESSAGE.format(folders=json.dumps([folder], ensure_ascii=False))
        return types.GetPromptResult(description="Triage a folder", messages=[_message(system), _message(user)])
    if name == "process_files":
        raw = _required(args, "files")
        files = [f.strip() for f in raw.replace(",", "\n").splitlines() if f.strip()]
        project = (args.get("project_id") or "").strip()
        context = (f"These files belong to project ID: {project}. Use this project_id when creating records."
                   if project else "These files are not associated with any existing project.")
        system = llm.PROCESSING_BASE_PROMPT.format(
            data_types=(args.get("data_types") or "").strip() or ALL_TYPES,
            project_context=context,
            file_list="\n".join(f"- {f}" for f in files),
            custom_prompt_section=_custom(args),
        )
        return types.GetPromptResult(description="Process files into records",
                                     messages=[_message(system), _message(llm.PROCESSING_USER_MESSAGE)])
    raise McpError(types.ErrorData(code=types.INVALID_PARAMS, message=f"no prompt named {name!r}"))
