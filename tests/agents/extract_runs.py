"""Shared by the rule tests: extract a synthetic text as the app would, on a fixed reference day."""

from __future__ import annotations

from datetime import date

from agents.extract import extract_text
from agents.extract.text import FileExtraction

REF = date(2030, 1, 15)


def run(text: str, filename: str = "notes.md") -> FileExtraction:
    return extract_text(text, filename=filename, reference_date=REF, today=REF)


def milestones(text: str, filename: str = "notes.md") -> list[tuple[str, str]]:
    return [(m.title, m.date) for m in run(text, filename).milestones]


def tasks(text: str, filename: str = "notes.md") -> list[str]:
    return [t.title for t in run(text, filename).tasks]
