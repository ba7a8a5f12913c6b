"""What kind of record a document is, when that decides whether its dates are past: a change log (by its
title, or by items that each open with a date, newest first) or a look back (a retrospective, a post-mortem).

Pure, no I/O, any thread; read by ``agents.extract`` and ``agents.extract.items`` to set the extractor's
``changelog`` flag (its dated lines are past events unless a sentence says they are ahead).
"""

from __future__ import annotations

import re
from datetime import date
from itertools import pairwise

from agents.extract.blocks import Unit
from agents.extract.dates import find_dates

_LOG_TITLE = re.compile(r"\b(?:change[ \t-]?log|changes|release[ \t]+notes|history|news|what's[ \t]+new)\b",
                        re.IGNORECASE)


def changelog_title(units: list[Unit]) -> bool:
    """The document's title (its first heading) names a change log: its dated entries are past releases."""
    first = next((u for u in units if u.kind == "heading"), None)
    return first is not None and bool(_LOG_TITLE.search(first.text))


def dated_log(units: list[Unit]) -> bool:
    """Three or more top-level items that each open with a date, newest first: a log of past changes."""
    days: list[date] = []
    for u in units:
        if u.kind != "item" or u.parent is not None:
            continue
        found = find_dates(u.text[:40])
        if found and found[0].start <= 2:
            day = found[0].resolve(None)
            if day is not None:
                days.append(day)
    return len(days) >= 3 and all(a >= b for a, b in pairwise(days)) and days[0] > days[-1]


# A document that looks back at what happened: its dated lines are past events unless said to be ahead.
_LOOKING_BACK = re.compile(
    r"\b(?:retros?|retrospectives?|post-?mortems?|incident[ \t]+reports?|lessons[ \t]+learned)\b", re.IGNORECASE)


def looking_back(about: str) -> bool:
    """The document's name and title say it is a retrospective or post-mortem ("retros/9.0.0-beta.1.md")."""
    return _LOOKING_BACK.search(about) is not None
