"""Tasks and milestones from a document's units (``agents.extract.blocks``), following the labeling guide.

Pure, no I/O, any thread. Tasks: explicit action markers (``Action item:``,
``Action:``, ``**Action:**``, ``(Action)``, ``AI:``, ``ACTION - Name:``,
``Next step:``, ``TODO:``/``FIXME:`` notes; also inside a speaker's turn), assignments (``Name to <verb>``,
``@name to/will``, "X has the TODO on …", "… assigned to JB"), checkboxes,
and the items under a heading or line that introduces action items, TODOs or
next steps (sub-items are details, not tasks); to-do list files (the patterns are
``agents.extract.markers``). The
milestone rules are the ``MilestoneRules`` mixin (``agents.extract.milestones``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from agents.extract.blocks import Unit
from agents.extract.dates import due_in, find_dates
from agents.extract.markers import (
    _ACTION_TO,
    _AGENDA,
    _ASSIGN,
    _ASSIGNED,
    _BRACKET_MARKER,
    _BRACKET_TURN,
    _CLAUSE,
    _DECIDED,
    _DECISION,
    _DONE_WORDS,
    _EMPTY_ACTION,
    _INLINE_TODO,
    _INTRO,
    _LABEL,
    _LEAD_LINK,
    _MARKER,
    _NEEDED,
    _NEXT_STEP,
    _NOT_VERB,
    _NUMBER_CELL,
    _OWNERS_TO,
    _PAREN_ACTION,
    _PERSON,
    _PRESENTS,
    _PROFILE,
    _REPLY,
    _ROLE,
    _ROLE_WHO,
    _STRUCK,
    _TAKES,
    _TAKES_HINT,
    _TALK,
    _TODO,
    _TODO_TXT,
    _TOPIC,
    _TURN,
    aside,
)
from agents.extract.milestones import (
    _SENTENCE,
    _VERSION,
    Milestone,
    MilestoneRules,
    _blank_links,
    changelog_title,
    dated_log,
)
from agents.extract.names import NOT_NAMES, acronyms, is_known, known_names
from agents.extract.text import _LINK


@dataclass(frozen=True, slots=True)
class Task:
    title: str
    completed: bool
    due: date | None
    line: int
    source: str  # the unit's text as written: its identity


def _strip_marker_text(s: str) -> str:
    s = s.strip().strip("*_").strip()
    return s.strip(" \t-–—:")


def _done_and_text(text: str, box: str | None) -> tuple[str, bool]:
    done = box == "x"
    m = _STRUCK.fullmatch(text.strip())
    if m:
        text, done = m.group("t"), True
    if not done and _DONE_WORDS.search(text.rstrip()):
        done = True
    return text, done





class Extractor(MilestoneRules):
    """Tasks and milestones of one document."""

    def __init__(self, units: list[Unit], *, doc_day: date | None, anchor: date | None,
                 template: bool = False, todo_list: str | None = None, minutes: bool = True,
                 own_until: date | None = None, ahead: bool = True, file_dated: bool = False) -> None:
        self.units, self.doc_day, self.anchor, self.template = units, doc_day, anchor, template
        self.file_dated = file_dated  # the anchor is the file's modification day: nothing in the text dates it
        self.last_yearless: date | None = None  # the last year-less date read, for a plan that runs forward
        self.own_until = own_until  # the last day of a multi-day meeting the document is about
        self.ahead = ahead  # written before its date (an agenda): a deadline before that date is not past
        self.minutes = minutes  # the document is dated or reads as minutes/notes
        self.todo_list = todo_list  # "md": a to-do list file (TODO.md); "txt": one task a line (todo.txt)
        self._names: set[str] | None = None
        self._acronyms: set[str] | None = None
        self._logs: dict[int, bool] = {}
        self.headings = 0  # headings read so far: past the second, the header block is over
        versioned = sum(1 for u in units if u.kind == "heading" and _VERSION.search(u.text) and find_dates(u.text))
        self.changelog = versioned >= 3 or changelog_title(units) or dated_log(units)
        self.agenda = False  # inside a section whose heading names an agenda
        self.context = ""  # the last heading and intro line: the event of a bare date item
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
        muted = False  # the open action heading's sub-section is a discussion
        detail_end = -1  # the last line of a marked paragraph (or of the list right under it): details follow
        if self.todo_list:
            section_level = 0  # the whole file is a to-do list
        for idx, u in enumerate(self.units):
            self.at = idx  # the unit being read: the rules below look at its neighbours by this index
            if u.kind == "heading":
                self.headings += 1
                own_items = section_items > 0 and not self.todo_list
                if section_level is not None and (u.level <= section_level or own_items):
                    section_level = None  # a sibling heading, or a sub-heading after the section's own items
                section_items = -1 if section_level is not None else 0  # sub-headings group the section's items
                intro_para = False
                # "### [Previous Action Items](…)": a heading written as a link introduces as well
                heading = _LINK.sub(r"\1", u.text).strip() if "](" in u.text else u.text.strip()
                if self._intro(heading) or re.fullmatch(r"action[ \t]*items?:?", heading.strip(" *_"), re.IGNORECASE):
                    section_level = u.level
                    section_roots.clear()
                    section_items = 0
                # "#### TC39 recap" under "### Review of action items": a discussion, its turns no actions
                muted = section_level is not None and u.level > section_level and self._conversation(idx)
                self.context = u.text
                self.agenda = bool(_AGENDA.search(u.text))
                self._milestones(u)
                continue
            plain = _blank_links(u.text)
            task = self._marked(u, plain)
            level = None if muted else section_level  # the action heading open for this unit
            details = u.kind == "item" and u.parent is None and 0 <= detail_end and u.line == detail_end + 1
            detail_end = u.end_line if details or (u.kind == "para" and task is not None) else -1
            if task is None and u.kind == "item":
                in_section = level is not None or intro_para or u.parent in intro_items
                top = u.parent is None or u.parent in intro_items
                if level is not None and not intro_para and u.parent is not None:
                    top = u.parent in intro_items
                if in_section and top and level is not None and _LABEL.fullmatch(u.text.strip()) \
                        and self.units[idx + 1:idx + 2] and self.units[idx + 1].parent == idx:
                    intro_items.add(idx)  # "**Resumable Uploads:**" over its actions: a group's label
                elif in_section and top and not self.template and not _EMPTY_ACTION.fullmatch(u.text.strip(" *_")) \
                        and not (self.todo_list and u.text.rstrip().endswith(":")) and not aside(u.text.strip()) \
                        and not details:  # "**ACTION 62.1:** …" then "- **Status:** …": its details
                    text, done = _done_and_text(u.text, u.box)
                    task = self._task(text, done, u)
                elif u.box is not None and not self._form_option(u):
                    text, done = _done_and_text(u.text, u.box)
                    task = self._task(text, done, u)
            if task is None and u.kind == "row" and (level is not None or intro_para):
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
        if _NEEDED.fullmatch(u.text.strip()):
            return True  # "… Need somebody to" over what is needed
        m = _INTRO.fullmatch(u.text.strip())
        if m is None:  # "- ACTION:" alone, its sub-items the actions
            marker = _MARKER.fullmatch(u.text.strip())
            return marker is not None and not marker.group("who") and not marker.group("rest").strip(" *_")
        return not m.group("tail").strip() and self._intro(u.text.strip())

    def _is_intro(self, text: str) -> bool:
        t = text.strip()
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

    def _is_name(self, who: str, rest: str) -> bool:
        """Whether ``who`` names people the document knows (initials, @handles or names it uses elsewhere)."""
        if _ROLE.match(rest) or rest.split(" ", 1)[0].lower() in _NOT_VERB:
            return False
        first = re.split(r"[ \t,/+]", who, maxsplit=1)[0]
        if any(w.lower() in NOT_NAMES for w in re.split(r"[ \t]*(?:,|/|&|\band\b)[ \t]*", who)[1:] if w):
            return False  # "Rod, How to make it …": every name of a list is a name
        if first.startswith("@"):
            return True
        key = first.lower()
        if key in NOT_NAMES or len(key) < 2:
            return False
        if first.isupper() and len(first) <= 4:
            if self._acronyms is None:
                self._acronyms = acronyms(self.units)
            return first not in self._acronyms  # initials: "JF", "MD & MB"; not "FCP to merge" ("in FCP")
        if self._names is None:
            self._names = known_names(self.units)
        return is_known(first, self._names)

    def _named(self, who: str, rest: str) -> bool:
        """A stricter ``_is_name`` for an assignment mid-paragraph: initials or a name the document uses as
        written (not a prefix: "Difficult to do." is no "Difficulty"), before two or more words."""
        if not who[:1].isupper() or len(rest.split()) < 2 or not self._is_name(who, rest):
            return False
        return who.isupper() or who.split()[0].rstrip(",").lower() in (self._names or ())

    def _form_option(self, u: Unit) -> bool:
        """A checkbox that is an option of a form or survey question, or part of a template."""
        if self.template:
            return True
        idx = self.at
        for prev in reversed(self.units[max(0, idx - 30):idx]):
            if prev.kind == "item" and prev.box is not None:
                continue
            label = prev.text.strip()
            if (u.parent is None and prev.kind == "para") or (u.parent is not None and self.units[u.parent] is prev):
                if label.rstrip(" *_").endswith("?") or (label.startswith(("**", "__")) and label.endswith(
                        (":**", ":__", "**:", "__:"))):
                    return True
            break
        if u.parent is None:
            return False
        parent = self.units[u.parent].text.strip()
        return parent.endswith((":**", ":__", "**:")) or (parent.endswith(":") and parent.startswith(("**", "__")))

    def _marked(self, u: Unit, plain: str) -> Task | None:
        """A task from an explicit marker or an assignment anywhere in ``u``; None if it has none."""
        if u.kind not in ("para", "item"):
            return None
        text = u.text
        if u.box is not None:
            return None  # a checkbox is handled as such
        m = _MARKER.match(plain)
        sp = _TURN.match(plain)  # "Ryan: Action item: Jack to revise …", "[Lee] Action item: …": a speaker first
        if m is None and (sp or (sp := _BRACKET_TURN.match(plain))) is not None:
            m = _MARKER.match(plain, sp.end())
        if m and m.group("who") and re.match(r"[*_]*ai\b", plain[m.start():], re.IGNORECASE) and \
                re.match(r"[ \t]*(?:&|and\b|[a-z])", m.group("who")):
            m = None  # "AI & Dataset Profile - Gopi": artificial intelligence ("AI Felix: …" is a marker)
        if m and m.group("who") and _ROLE_WHO.search(m.group("who")):
            return None  # "Action item scribe: X" is a meeting role
        if m is None and (b := _BRACKET_MARKER.match(plain)):
            who = text[b.start("who"):b.end("who")].strip() if b.group("who") else ""
            return self._task(f"{who} {text[b.start('rest'):]}".strip(), False, u)
        if m:
            rest = _strip_marker_text(text[m.start("rest"):])
            if not rest or _EMPTY_ACTION.fullmatch(rest):
                return None
            if m.group("who") and not rest:
                return None
            t, done = _done_and_text(rest, None)
            return self._task(t, done, u)
        turn = sp.end() if sp else 0  # "BS: Action item to follow up with AR"
        m = _ACTION_TO.match(plain, turn) or _NEXT_STEP.match(plain, turn)  # "Next step put into PR …"
        if m:
            return self._task(text[m.start("rest"):], False, u)
        if _OWNERS_TO.match(plain):  # "(@BethGriggs & @MylesBorins) to post back on the issue"
            return self._task(text, False, u)
        low = plain.lower()
        m = _PAREN_ACTION.match(plain.strip()) if ("(action)" in low or "(todo)" in low) else None
        if m:
            body = (m.group("a") if m.group("a") is not None else m.group("b")) or ""
            if body.strip():
                return self._task(body, False, u)
        m = _TODO.match(plain)
        if m and m.group("rest").strip() and not m.group("rest").rstrip().endswith(":") and \
                not _EMPTY_ACTION.fullmatch(m.group("rest").strip()) and \
                (plain.startswith(("TODO", "FIXME"))
                 or plain[:m.start("rest")].rstrip().endswith((":", "-", "–", "—"))):
            return self._task(text[m.start("rest"):], False, u)
        m = _INLINE_TODO.search(plain) if ("TODO" in plain or "FIXME" in plain) else None
        if m and m.group("rest").strip() and not _EMPTY_ACTION.fullmatch(m.group("rest").strip()):
            body = text[m.start("rest"):m.end("rest")]
            return self._task(body, False, u)
        at = dl.end() if (dl := _DECIDED.match(plain)) else 0  # "**Decision:** Mara to help form a WG"
        m = _ASSIGN.match(plain, at)
        m, text = (None if at and m and m.group("verb") != "to" else m), text[at:]  # a decision's "X will …" is none
        linked: set[str] = set()  # names written as a link ("[Michael Sarahan](profile)"): people
        if m is None and u.kind == "item" and "](" in text:  # "[Michael Sarahan](…) to ask", "[@x](…) will"
            linked = {x.group(1) for x in _LINK.finditer(text)
                      if _PERSON.fullmatch(x.group(1)) and x.group(1).split(" ")[0].lower() not in NOT_NAMES}
            linked |= {x.group(1) for x in _PROFILE.finditer(text)}  # "[ckerr](https://github.com/ckerr)"
            m = _ASSIGN.match(_LINK.sub(r"\1", text))
        if m is None and u.kind == "item" and (lead := _LEAD_LINK.match(text)) is not None:
            m = _ASSIGN.match(text, lead.end())  # "[#96463](…) Dan will take ownership of this issue"
        if m is None and u.kind == "item" and (tp := _TOPIC.match(plain)) is not None:
            m = _ASSIGN.match(_LINK.sub(r"\1", text[tp.end():]))  # "MSYS2 - Michael to ask Ray …"
        if m and self.agenda and _PRESENTS.match(m.group("rest")):
            m = None  # "Bob to present the roadmap" in an agenda: who speaks, not work
        if m and (m.group("who") in linked or self._is_name(m.group("who"), m.group("rest"))) and (
                m.group("verb") == "to" or m.group("who").startswith("@") or (u.kind == "item" and self.minutes)):
            # "Name will …" only as a list item of its own in minutes (the guide's "@name will …"; in a
            # paragraph it is narrative, in a process document a step: "OpenJS will add a credit card")
            if u.kind == "item" or m.group("who")[:1].isupper() or m.group("who").startswith("@") or \
                    (m.group("who").lower() in (self._names or ()) and ":" not in plain[:m.start("verb")]
                     and m.group("rest").split()[0].lower() not in (self._names or ())
                     and plain.rstrip().endswith(".")):
                # "nikomatsakis to review." (an attendee; not a speaker's "rf: to know whether …")
                first = next(_SENTENCE.finditer(plain)) if u.kind == "para" else None  # "James to schedule in
                t, done = _done_and_text(text[:first.end()].strip() if first else text, None)  # Feb.  Some talk …"
                return self._task(t, done, u)
        if self.minutes and " to " in plain:  # "… and we are waiting.  Jory to check with Brian"
            for sm in list(_SENTENCE.finditer(plain))[1:]:
                lead = len(sm.group(0)) - len(sm.group(0).lstrip())
                m = _ASSIGN.match(plain, sm.start() + lead, sm.end())
                if m and m.group("verb") == "to" and self._named(m.group("who"), m.group("rest")):
                    return self._task(text[m.start():sm.end()].strip(), False, u)
        for cm in _CLAUSE.finditer(plain) if self.minutes and u.kind == "item" and " to " in plain and \
                not _DECISION.match(plain) else ():
            m = _ASSIGN.match(plain, cm.end())  # "Took a vote, got 3/3, Rod to chase up more votes": the whole item
            who = m.group("who") if m and m.group("verb") == "to" else ""
            if (who[:1] == "@" or who[:1].isupper()) and self._is_name(who, m.group("rest")) and (
                    who[0] == "@" or who.split()[0].lower() in (self._names or ())):
                return self._task(text.strip(), False, u)  # "…, @williamkapke to prepare PR."
        for line in u.raw_lines[1:] if self.minutes and u.kind == "item" else ():  # a line of its own to a reader
            m = _ASSIGN.match(line.strip())  # "* Create docs [#1003](…)" then "Robin to take the pen …"
            if m and m.group("verb") == "to" and self._named(m.group("who"), m.group("rest")):
                return self._task(line.strip(), False, u)
        if ("action" in low or "todo" in low or " ai " in low) and _TAKES_HINT.search(plain):
            for sm in _SENTENCE.finditer(plain):
                if _TAKES.search(sm.group(0)):
                    return self._task(text[sm.start():sm.end()].strip(), False, u)
        if "assign" in low and _ASSIGNED.search(plain):
            return self._task(text, False, u)
        return None

    def _row(self, u: Unit) -> Task | None:
        cells = [c.strip() for c in u.text.strip().strip("|").split("|")]
        if all(not c or set(c) <= set("-: ") for c in cells):
            return None
        # the header row: followed by a separator row
        idx = self.at
        nxt = self.units[idx + 1] if idx + 1 < len(self.units) else None
        if nxt is not None and nxt.kind == "row" and set(nxt.text.replace("|", "").strip()) <= set("-: "):
            return None
        body = " | ".join(c for c in cells if c and not _NUMBER_CELL.fullmatch(c))  # "| **6.1** | Finish …"
        return self._task(body, False, u) if body else None

    def _task(self, text: str, done: bool, u: Unit) -> Task | None:
        title = _STRUCK.sub(lambda m: m.group("t"), text).strip()
        if title.startswith(("**", "__")) and title.count(title[:2]) == 1:
            title = title[2:]
        title = title.strip(" \t-–—")
        if not re.search(r"[^\W_]", title):
            return None
        due, title = due_in(title, _blank_links(title), self.anchor)
        return Task(" ".join(title.split()), done, due, u.line, u.text)

