"""Tasks and milestones from a document's units (``agents.extract.blocks``), following the labeling guide.

Pure, no I/O, any thread. Tasks: explicit action markers (``Action item:``,
``Action:``, ``**Action:**``, ``(Action)``, ``AI:``, ``ACTION - Name:``,
``Next step:``, ``TODO:``/``FIXME:`` notes; also inside a speaker's turn), assignments (``Name to <verb>``,
``@name to/will``, "X has the TODO on …", "… assigned to JB"), checkboxes,
and the items under a heading or line that introduces action items, TODOs or
next steps (sub-items are details, not tasks); to-do list files. Markers and assignments are the
``MarkedRules`` mixin (``agents.extract.assign``, its patterns ``agents.extract.markers``); the milestone
rules are the ``RowRules`` mixin (``agents.extract.rows``: table rows) over ``MilestoneRules``
(``agents.extract.milestones``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from agents.extract.assign import MarkedRules, _done_and_text
from agents.extract.blocks import Unit
from agents.extract.dates import due_in, find_dates, section_year
from agents.extract.kinds import changelog_title, dated_log
from agents.extract.markers import (
    _AGENDA,
    _EMPTY_ACTION,
    _INTRO,
    _LABEL,
    _MARKER,
    _NEEDED,
    _NUMBER_CELL,
    _REPLY,
    _STRUCK,
    _TALK,
    _TODO,
    _TODO_TXT,
    _TURN,
    NAME_LABEL,
    aside,
)
from agents.extract.milestones import _VERSION, Milestone, _blank_links
from agents.extract.rows import RowRules
from agents.extract.text import _LINK

# a person's name before the steps' label: a heading's "### Mark - Next steps", a discussion's "- James Next steps:"
_NAME_BEFORE_STEPS = re.compile(r"^[A-Z][\w.'’-]{1,30}[ \t]+"
                                r"(?:[-–—][ \t]+(?=[Nn]ext[ \t]+(?:steps?|actions?)\b|[Aa]ction)"
                                r"|(?=[Nn]ext[ \t]+steps?[ \t]*:|[Aa]ction[ \t]+items?[ \t]*:))")
_TIMEBOX = re.compile(r"\d{1,3}[ \t-]*min(?:ute)?s?[ \t]+time[ \t-]?box\b", re.IGNORECASE)
_FOLLOW_UP = re.compile(r"follow[ -]?ups?", re.IGNORECASE)
# "@erickzhao: Email Appzi …", "@erickzhao or @felixrieseberg: Delete disabled apps …"
_HANDLE_ACTION = re.compile(r"@[\w-]{1,39}(?:(?:,|[ \t]+(?:or|and|&))[ \t]+@[\w-]{1,39}){0,3}:[ \t]+[A-Z][a-z]+\b"
                            r"(?![ \t]*[:?])")
# A table's first column that holds action items ("Action Item | Owner(s)"), not a bare "Action" (key bindings)
_ACTION_COLUMN = re.compile(r"action[ \t]*items?|(?-i:AIs?|TODOs?)|to[- ]?dos?|next[ \t]+(?:steps?|actions?)",
                            re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Task:
    title: str
    completed: bool
    due: date | None
    line: int
    source: str  # the unit's text as written: its identity


# a template's blank to fill in: "- [ ] TODO" under "## Action Items", "* [ ] [RFC]()" (a link to nowhere)
_PLACEHOLDER = re.compile(r"(?:TODO|TBD|FIXME|XXX)[.:]?|\[[^\]]*\]\([ \t]*\)", re.IGNORECASE)
# an action that names its owner first: "[@tanaypratap][]: Schedule …", "@leebyron: …", "Unclaimed: Create …"
_OWNER_FIRST = re.compile(r"(?:\[@[\w-]+\](?:\[\])?|@[\w-]+|unclaimed|unassigned)[ \t]*:[ \t]*\S", re.IGNORECASE)
# a label over choices, not actions
_OPTIONS = re.compile(r"(?:the[ \t]+)?(?:options?|alternatives?|choices?|possibilities|candidates?)(?:[ \t]+\w+){0,2}",
                      re.IGNORECASE)
# a section's number before its title: "4. ", "3) ", "IV. ", "2.1 "
_SECTION_NUMBER = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*[.)]?|[IVX]{1,4}[.)])[ \t]+(?=\S)")
# a plain caption line (no colon, no full stop) below a section's items: another part of the document begins
_CAPTION = re.compile(r"[A-Z][\w,'’&/ -]{2,50}")
# an item whose last clause introduces its sub-items as the next steps ("Lee: Wrap up, concrete next steps —")
# ("Lee: let's put a plan together for increasing bus factor. Two actions:")
_NEXT_STEPS_LAST = re.compile(r"[,;:.][ \t]*(?:(?:concrete|agreed|two|three|four|\d)[ \t]+)?"
                              r"(?:next[ \t]+(?:steps|actions)|actions|action[ \t]+items)[ \t]*[:—–-]?$", re.IGNORECASE)


class Extractor(MarkedRules, RowRules):
    """Tasks and milestones of one document."""

    def __init__(self, units: list[Unit], *, doc_day: date | None, anchor: date | None,
                 template: bool = False, todo_list: str | None = None, minutes: bool = True,
                 own_until: date | None = None, ahead: bool = True, file_dated: bool = False,
                 no_file_year: bool = False, looking_back: bool = False) -> None:
        self.units, self.doc_day, self.anchor, self.template = units, doc_day, anchor, template
        self.file_dated = file_dated  # the anchor is the file's modification day: nothing in the text dates it
        self.no_file_year = no_file_year  # yearly cycles ("Term Length: 1 Year") or a release's page: its year-less
        # dates recur or belong to a year it does not say, so the file's day must not date them
        self.last_yearless: date | None = None  # the last year-less date read, for a plan that runs forward
        self.own_until = own_until  # the last day of a multi-day meeting the document is about
        self.ahead = ahead  # written before its date (an agenda): a deadline before that date is not past
        self.minutes = minutes  # the document is dated or reads as minutes/notes
        self.todo_list = todo_list  # "md": a to-do list file (TODO.md); "txt": one task a line (todo.txt)
        self._names: set[str] | None = None
        self._acronyms: set[str] | None = None
        self._logs: dict[int, bool | str] = {}
        self.headings = 0  # headings read so far: past the second, the header block is over
        self.in_steps = False  # the unit being read is in an open action or next-steps section
        self.section_years: dict[int, int] = {}  # heading level → the year its heading states, for the open sections
        versioned = sum(1 for u in units if u.kind == "heading" and _VERSION.search(u.text) and find_dates(u.text))
        # a changelog, or a retrospective ("retros/9.0.0-beta.1.md", "holesky-postmortem.md"): its dates are past
        self.changelog = versioned >= 3 or changelog_title(units) or dated_log(units) or looking_back
        self.agenda = False  # inside a section whose heading names an agenda
        self.context = ""  # the last heading and intro line: the event of a bare date item
        self.section = ""  # the last heading or bold label paragraph: what a milestone's section is about
        self.at = 0  # index of the unit ``run`` is reading
        self.tasks: list[Task] = []
        self.milestones: list[Milestone] = []

    # --- tasks --------------------------------------------------------------------------------

    def run(self) -> None:
        section_level: int | None = None  # an action heading is open at this level
        intro_para = False  # the list after an intro line holds tasks
        intro_items: set[int] = set()  # items that introduce their sub-items
        section_roots: dict[int, int] = {}  # parent chain roots inside an action section
        section_items = 0  # items seen directly under the open action heading
        agenda_level: int | None = None  # an agenda's heading is open at this level
        muted = False  # the open action heading's sub-section is a discussion
        detail_end = -1  # the last line of a marked paragraph (or of the list right under it): details follow
        marked_paras = False  # the open action section's actions are marked paragraphs: its bullets are their notes
        action_table = False  # the table being read has an "Action Item" column first: its rows are tasks
        follow_up = False  # under a "Follow-up" heading: "@handle: Verb …" items are that person's actions
        if self.todo_list:
            section_level = 0  # the whole file is a to-do list
        for idx, u in enumerate(self.units):
            self.at = idx  # the unit being read: the rules below look at its neighbours by this index
            if u.kind == "heading":
                self.headings += 1
                self.section_years = {k: y for k, y in self.section_years.items() if k < u.level}
                if (year := section_year(u.text)) is not None:
                    self.section_years[u.level] = year  # "## 2026 Presentation Schedule": the year of what follows
                own_items = section_items > 0 and not self.todo_list
                if section_level is not None and (u.level <= section_level or own_items):
                    section_level = None  # a sibling heading, or a sub-heading after the section's own items
                    marked_paras = False
                section_items = -1 if section_level is not None else 0  # sub-headings group the section's items
                intro_para = False
                # "### [Previous Action Items](…)": a heading written as a link introduces as well
                heading = _LINK.sub(r"\1", u.text).strip() if "](" in u.text else u.text.strip()
                heading = _NAME_BEFORE_STEPS.sub("", heading)  # "### Mark - Next steps": Mark's next steps
                heading = _SECTION_NUMBER.sub("", heading)  # "### 4. Action Items"
                agenda_level = agenda_level if agenda_level is not None and agenda_level < u.level else None
                topic = agenda_level is not None and re.match(r"[ \t*_]*next\b", heading, re.IGNORECASE) is not None
                if _AGENDA.search(heading) and agenda_level is None:
                    agenda_level = u.level  # "## Agenda" over "### Next Steps": a topic to discuss, not the steps
                if not topic and (self._intro(heading) or re.fullmatch(r"action[ \t]*items?:?", heading.strip(" *_"),
                                                                       re.IGNORECASE)):
                    section_level = u.level
                    section_roots.clear()
                    section_items = 0
                    marked_paras = False
                # "#### TC39 recap" under "### Review of action items": a discussion, its turns no actions
                muted = section_level is not None and u.level > section_level and self._conversation(idx)
                follow_up = _FOLLOW_UP.fullmatch(heading.strip(" *_:")) is not None
                self.context = self.section = u.text
                self.agenda = bool(_AGENDA.search(u.text))
                self._milestones(u)
                continue
            if u.kind == "para" and _LABEL.fullmatch(u.text.strip()):
                self.section = u.text  # "**ffi-unwind (BatmanAod)**" over "- meeting scheduled for Mar 16 now"
            plain = _blank_links(u.text)
            self.in_steps = section_level is not None and not muted  # (a "Name will …" paragraph there is a step)
            task = self._marked(u, plain)
            if u.kind == "para" and section_level and section_items > 0 and task is None and \
                    _CAPTION.fullmatch(u.text.strip()) and not self._is_intro(u.text):
                section_level = None  # "## Next Steps", its items, then "Links shared in meeting": a new part
            level = None if muted else section_level  # the action heading open for this unit
            details = u.kind == "item" and u.parent is None and 0 <= detail_end and u.line == detail_end + 1
            detail_end = u.end_line if details or (u.kind == "para" and task is not None) else -1
            if u.kind == "para" and task is not None and level is not None and _MARKER.match(plain):
                marked_paras = True  # "**ACTION 62.2:** Have an in-depth discussion …" then "- **Status:** …"
            elif u.kind == "para" and task is None and u.text.rstrip(" *_").endswith(":"):
                marked_paras = False  # "These are new:" over the section's own items
            if task is None and u.kind == "item":
                in_section = level is not None or intro_para or u.parent in intro_items
                top = u.parent is None or u.parent in intro_items
                if level is not None and not intro_para and u.parent is not None:
                    top = u.parent in intro_items
                if in_section and top and _OPTIONS.fullmatch(u.text.strip(" \t*_:")):
                    pass  # "- **Options**:" over "gasLimit: string | number", …: choices to weigh, no tasks
                elif in_section and top and level is not None and (_LABEL.fullmatch(u.text.strip())
                                                                 or NAME_LABEL.fullmatch(u.text.strip())
                                                                 or u.text.rstrip().endswith(":")
                                                                 or self._owned_children(idx)) \
                        and self.units[idx + 1:idx + 2] and self.units[idx + 1].parent == idx:
                    intro_items.add(idx)  # "**Resumable Uploads:**" over its actions: a group's label
                elif in_section and top and not self.template and not _EMPTY_ACTION.fullmatch(u.text.strip(" *_")) \
                        and not (self.todo_list and u.text.rstrip().endswith(":")) and not aside(u.text.strip()) \
                        and not details and not (marked_paras and u.parent is None and not intro_para):
                    # "**ACTION 62.1:** …" then "- **Status:** …": its details
                    text, done = _done_and_text(u.text, u.box)
                    task = self._task(text, done, u)
                elif u.box is not None and not self._form_option(u):
                    text, done = _done_and_text(u.text, u.box)
                    task = self._task(text, done, u)
            if task is None and follow_up and u.kind == "item" and u.parent is None and _HANDLE_ACTION.match(u.text):
                task = self._task(u.text, False, u)  # "### Follow-up" then "- @malept: Prepare Electron Forge 6 …"
            if u.kind == "row":  # a header row starts a new table
                action_table = self._action_header(u) if self._header_row() else action_table
            else:
                action_table = False
            if task is None and u.kind == "row" and (level is not None or intro_para or action_table):
                task = self._row(u)
            if task is None and u.kind == "para" and self.todo_list == "txt":
                task = self._todo_txt(u)
            if u.kind == "item" and level is not None and section_items >= 0:
                section_items += 1
            if task is not None:
                self.tasks.append(task)
            if u.kind in ("para", "item") and (self._is_intro(u.text) or self._bare_intro_item(idx, u)):
                if u.kind == "item":
                    intro_items.add(idx)
                else:
                    intro_para = True
            elif u.kind == "para" and u.parent is None and intro_para:
                intro_para = False
            self._milestones(u, task)
            if u.kind == "para" and u.text.rstrip().endswith(":") and len(u.text) < 80:
                self.context = f"{self.context.rstrip(':')} {u.text}".strip()

    def _owned_children(self, idx: int) -> bool:
        """Item ``idx`` is a topic over its actions: each sub-item is a checkbox or names its owner first
        ("* __Review DevStats__ / Lee Byron" over "  * [ ] [@leebyron][]: Discuss idea …", "  * Unclaimed: …")."""
        children = [c for c in self.units[idx + 1:idx + 40] if c.parent == idx]
        return bool(children) and all(c.box is not None or _OWNER_FIRST.match(c.text) for c in children)

    def _conversation(self, idx: int) -> bool:
        """Whether the section under heading ``idx`` is a discussion: speakers' turns ("Brad: …"), at least two,
        one of them in the first person, a question or a bare reply ("Luke: yes")."""
        turns = talk = 0
        for u in self.units[idx + 1:]:
            if u.kind == "heading":
                break
            if u.kind != "item" or (m := _TURN.match(u.text.strip())) is None:
                continue
            turns += 1
            said = u.text.strip()[m.end():]
            talk += bool(_TALK.search(said) or said.rstrip().endswith("?") or _REPLY.fullmatch(said.strip()))
        return turns >= 2 and talk > 0

    def _todo_txt(self, u: Unit) -> Task | None:
        """A todo.txt line: "x " done, "(A) " priority dropped."""
        m = _TODO_TXT.fullmatch(u.text.strip())
        if m is None:
            return None
        return self._task(m.group("rest"), bool(m.group("done")), u)

    def _bare_intro_item(self, idx: int, u: Unit) -> bool:
        """A bullet that is only "Next actions" (or "Action items", "TODO"), no colon, or only a marker
        ("ACTION:"), with sub-items: they are the actions."""
        if u.kind != "item" or idx + 1 >= len(self.units) or self.units[idx + 1].parent != idx:
            return False
        if _TIMEBOX.match(self.units[idx + 1].text.strip()):
            return False  # "* Next steps" then "  - 10 minute timebox": a topic of the agenda, its sub-items notes
        if _NEEDED.fullmatch(u.text.strip()):
            return True  # "… Need somebody to" over what is needed
        if self.minutes and _NEXT_STEPS_LAST.search(u.text.strip()):
            return True  # "Lee: Wrap up, concrete next steps —" over the steps
        m = _INTRO.fullmatch(u.text.strip())
        if m is None:  # "- ACTION:" alone, its sub-items the actions
            marker = _MARKER.fullmatch(u.text.strip())
            return marker is not None and not marker.group("who") and not marker.group("rest").strip(" *_")
        return not m.group("tail").strip() and self._intro(u.text.strip())

    def _is_intro(self, text: str) -> bool:
        t = _NAME_BEFORE_STEPS.sub("", text.strip())  # "James Next steps:" over James's list
        if t.endswith(":") or t.endswith(":**") or t.endswith(":__"):
            core = t
            if self._intro(core):
                return True
            m = _TODO.match(core)
            return bool(m and core.startswith(("TODO", "To do", "To-do", "Todo")))
        return self._intro(t) and (t.isupper() or _LABEL.fullmatch(t) is not None)  # "**Next steps**" alone

    def _intro(self, text: str) -> bool:
        """A heading or line introducing action items or TODOs; "next steps" only in minutes-like documents
        (a README's "Next steps" section is documentation)."""
        m = _INTRO.fullmatch(text)
        if m is None:
            return False
        return self.minutes or not re.search(r"\bnext\b", text[: m.end()], re.IGNORECASE)

    def _header_row(self) -> bool:
        """The unit being read is a table's header row: a separator row follows it."""
        nxt = self.units[self.at + 1] if self.at + 1 < len(self.units) else None
        return nxt is not None and nxt.kind == "row" and set(nxt.text.replace("|", "").strip()) <= set("-: ")

    def _action_header(self, u: Unit) -> bool:
        """A table's header row whose first column names action items ("Action Item | Owner(s)")."""
        first = u.text.strip().strip("|").split("|", 1)[0]
        return _ACTION_COLUMN.fullmatch(first.strip(" \t*_")) is not None

    def _row(self, u: Unit) -> Task | None:
        cells = [c.strip() for c in u.text.strip().strip("|").split("|")]
        if all(not c or set(c) <= set("-: ") for c in cells):
            return None
        if self._header_row():
            return None
        body = " | ".join(c for c in cells if c and not _NUMBER_CELL.fullmatch(c))  # "| **6.1** | Finish …"
        return self._task(body, False, u) if body else None

    def _task(self, text: str, done: bool, u: Unit) -> Task | None:
        title = _STRUCK.sub(lambda m: m.group("t"), text).strip()
        if title.startswith(("**", "__")) and title.count(title[:2]) == 1:
            title = title[2:]
        title = title.strip(" \t-–—")
        if not re.search(r"[^\W_]", title) or _PLACEHOLDER.fullmatch(title):
            return None
        due, title = due_in(title, _blank_links(title), self.anchor)
        return Task(" ".join(title.split()), done, due, u.line, u.text)

