"""The text rendering the door sends beside ``structuredContent`` (``bridge.mcp_door.tools.render``)."""

from __future__ import annotations

import json

from agents.errors import ErrorType, ToolError
from agents.journal import Outcome
from bridge.mcp_door.tools import as_result


def listing(truncated: bool = False, details: bool = True) -> dict:
    """A ``list_directory`` result as the door gets it from the tool (``Grant.columns``)."""
    columns = {"path": ["a", "b.md", "a/c.md"], "type": ["dir", "file", "file"]}
    if details:
        columns |= {"size": [None, 12, 0], "modified_at": ["2025-01-01T00:00:00.000Z"] * 3}
    return {"path": "/data/notes", "count": 3, "truncated": truncated, "columns": columns}


def test_listing_is_one_line_per_entry_and_structured_content_is_the_columns():
    """list_directory: a header, then each entry by its path below the folder (folders end in "/", files
    show their size); structuredContent is the columns result as the tool gave it."""
    result = listing()
    out = as_result(Outcome("c1", "list_directory", True, result, None, 1.0))
    assert not out.isError
    assert [c.text for c in out.content] == ["/data/notes: 3 entries\na/\nb.md  12 B\na/c.md  0 B"]
    assert out.structuredContent == listing()


def test_listing_without_details_has_names_and_types_only():
    """A listing asked with details=false renders files by name alone."""
    out = as_result(Outcome("c1", "list_directory", True, listing(details=False), None, 1.0))
    assert out.content[0].text == "/data/notes: 3 entries\na/\nb.md\na/c.md"
    assert out.structuredContent["columns"] == {"path": ["a", "b.md", "a/c.md"], "type": ["dir", "file", "file"]}


def test_flat_listing_without_folders_is_the_names_one_a_line():
    """With no folder in the listing, the text is the header then the names."""
    result = {"path": "/", "count": 2, "truncated": False,
              "columns": {"path": ["a.md", "b.md"], "type": ["file", "file"]}}
    out = as_result(Outcome("c1", "list_directory", True, result, None, 1.0))
    assert out.content[0].text == "/: 2 entries\na.md\nb.md"
    assert out.structuredContent == result


def test_truncated_listing_and_undecodable_names_say_so():
    """A truncated listing's header tells the reader there is more; names left out are counted at the end."""
    result = {**listing(truncated=True), "undecodable_names": 2}
    text = as_result(Outcome("c2", "list_directory", True, result, None, 1.0)).content[0].text
    assert text.splitlines()[0].startswith("/data/notes: 3 entries, truncated")
    assert text.endswith("(2 names that are not valid UTF-8 left out)")


def test_page_is_the_text_and_a_note_when_more_follows():
    """read_file_content: the text itself, then a note with the next offset when the page is not the last."""
    last = {"path": "/d/x.txt", "content": "héllo", "encoding": "utf-8", "size": 6, "offset": 0,
            "next_offset": None, "truncated": False}
    assert [c.text for c in as_result(Outcome("c3", "read_file_content", True, last, None, 1.0)).content] == ["héllo"]
    first = {**last, "content": "hé", "next_offset": 3, "truncated": True}
    texts = [c.text for c in as_result(Outcome("c4", "read_file_content", True, first, None, 1.0)).content]
    assert texts[0] == "hé" and "offset=3" in texts[1]


def test_other_tools_keep_their_json_text_and_errors_their_type():
    """Other results render as their JSON; an error is isError with its PROTOCOL type."""
    task = {"id": "t1", "title": "Send the invoice", "is_ai_suggested": True}
    out = as_result(Outcome("c5", "create_task", True, task, None, 1.0))
    assert json.loads(out.content[0].text) == task
    err = as_result(Outcome("c6", "read_file_content", False, None, ToolError(ErrorType.NOT_FOUND, "gone"), 1.0))
    assert err.isError and err.structuredContent["error"]["type"] == "not_found"
