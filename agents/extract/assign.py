"""Which lines mark a task: explicit markers, assignments and who is a person (for ``agents.extract.items``).

Pure, no I/O, any thread; a mixin of ``agents.extract.items.Extractor`` (it uses the extractor's ``units``,
``minutes``, ``agenda``, ``template`` and ``_task``). ``_marked(unit)``: a task from an action marker
(``Action item:``, ``AI:``, ``[ACTION]``, ``(Action)``, ``Next step:``), a TODO note, an assignment
("Name to <verb>", "@name will …", "…, Rod to chase up more votes", "X has the action item to …",
"… assigned to JB"); ``_is_name``: whether a word is one the document uses for a person. The patterns are
``agents.extract.markers``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from agents.extract.blocks import Unit
from agents.extract.dates import MONTH_WORD, find_dates
from agents.extract.markers import (
    _ACTION_TO,
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
    _LEAD_LINK,
    _LOWER_TURN,
    _MARKER,
    _NEXT_STEP,
    _NEXT_STEP_IS,
    _NOT_VERB,
    _OWNER_MARKER,
    _OWNERS_TO,
    _PAREN_ACTION,
    _PERSON,
    _PRESENTS,
    _PROFILE,
    _ROLE,
    _ROLE_WHO,
    _STRUCK,
    _TAKES,
    _TAKES_HINT,
    _TALK,
    _TODO,
    _TOPIC,
    _TURN,
)
from agents.extract.milestones import _SENTENCE
from agents.extract.names import CALENDAR_WORDS, NOT_NAMES, acronyms, is_known, known_names
from agents.extract.text import _LINK


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


# who, then an arrow to what falls to them
_ARROW_TURN = re.compile(r"[A-Z][\w.'’]*(?:[ \t]+\([^()\n]{1,40}\))?[ \t]*(?:->|→|=>)[ \t]*(?=[Aa]ction|AI\b|ACTION)")
# the people a working group's minutes assign by their role
_GROUP_ROLES = frozenset({"editor", "editors", "chair", "chairs", "author", "authors", "co-chairs", "the editors",
                          "the chairs", "the authors"})
_BRACKETED = re.compile(r"\[([^\[\]\n]{3,200})\]")  # a whole item in brackets (not a link: nothing follows)
_STRUCK_NAME = re.compile(r"~~[^~\n]{1,40}~~[ \t]+(?=[A-Z@])")  # a name struck out for the one after it


_DATE_START = re.compile(rf"[ \t*_]*(?:\d|{MONTH_WORD}|mon|tue|wed|thu|fri|sat|sun)", re.IGNORECASE)


def _dates_first(plain: str) -> int:
    """Where an item that opens with dates ("09-20-2018, 11-08-2018 Lee Byron to …") goes on after them; 0 if
    it does not open with one."""
    if not _DATE_START.match(plain) or (" to " not in plain and " will " not in plain):
        return 0  # (cheap guards: most items open with no date and assign nothing)
    end = 0
    for f in find_dates(plain[:120]):
        if plain[end:f.start].strip(" \t,;&*_") not in ("", "and"):
            break
        end = f.end
    return end + len(plain[end:]) - len(plain[end:].lstrip(" \t,:;-–—*_")) if end else 0


# "to clarify,", "to step back," after a speaker
_ASIDE_VERB = re.compile(r"[\w-]+(?:[ \t]+(?:back|up|out))?[ \t]*[,:]")
# an assignment in brackets that ends an item: "(Colin will do that)", "(Niko to figure it out)"
_PAREN_ASSIGN = re.compile(r"\((?P<who>[A-Z][a-z]{1,15})[ \t]+(?:to|will)[ \t]+(?P<rest>[a-z][^()\n]{1,80})\)[ \t.!]*$")
_FIRST_NAME = re.compile(r"[A-Z][a-z]{2,15}(?:[ \t]+[A-Z][a-z]{2,20})?")  # "Keeley", "Brian Warner" (not "RustNL")
# "Node will need to …", "Ron will not be available …", "Build will happen on …": no one's action
_MODAL_AFTER = re.compile(r"(?:need|have|be|likely|probably|also[ \t]+need|not|only|happen|occur|remain|stay"
                          r"|take[ \t]+place|join|attend|arrive|miss)\b")  # ("Oli will join in December": presence)
_OWNER_ONLY = re.compile(r"(?:for[ \t]+)?@[\w-]{1,39}|for[ \t]+[A-Z][\w'’-]{1,30}")  # a TODO that only names its owner
# "[Ivan]" or "Ivan:" over the points of a turn
_BARE_SPEAKER = re.compile(r"\[@?[\w .'’-]{1,30}\]:?|@?[A-Z][\w.'’-]*(?:[ \t]+[A-Z][\w.'’-]*)?:")
_MODAL = re.compile(r"\b(?:could|would|might)[ \t]+(?:have|take|get)\b", re.IGNORECASE)


# "**DONE** @codebytere to …", "[Done] …": a status before the item, which is then done
_DONE_FIRST = re.compile(r"(?:\*\*|__)?\[?(?:done|completed)\]?(?:\*\*|__)?[ \t]*:?(?:\*\*|__)?[ \t]+(?=\S)",
                         re.IGNORECASE)


class MarkedRules:
    """The marker and assignment half of the task rules."""

    units: list[Unit]
    minutes: bool
    in_steps: bool
    agenda: bool
    template: bool
    _names: set[str] | None
    _acronyms: set[str] | None

    _task: Callable[[str, bool, Unit], Any]  # agents.extract.items.Extractor: a task from an item's text
    _intro: Callable[[str], bool]  # agents.extract.items.Extractor: a heading that introduces actions

    def _is_name(self, who: str, rest: str) -> bool:
        """Whether ``who`` names people the document knows (initials, @handles or names it uses elsewhere)."""
        if _ROLE.match(rest) or rest.split(" ", 1)[0].lower() in _NOT_VERB:
            return False
        if who.lower() in _GROUP_ROLES:
            return True  # "Editor to choose specific ids.", "Chairs to schedule an adoption call"
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
            self._names = known_names(self.units) | self._action_subjects()
        others = [w for w in re.split(r"[ \t]*(?:,|/|&|\+|\band\b)[ \t]*", who)[1:] if w]
        # "Mark/Niko to make doc": one known attendee in the list is enough
        return is_known(first, self._names) or any(w[:1].isupper() and is_known(w.split()[0], self._names)
                                                   for w in others)

    def _will_item(self, m: re.Match[str], u: Unit) -> bool:
        """ "Keeley will write the blog post by Friday" as a list item of its own in minutes: a person's first
        name (one capitalised word, or two) before "will" and a verb, even when the notes name them nowhere else
        (not "Node will need to …", "This will …")."""
        who, rest = m.group("who"), m.group("rest")
        if _ROLE.match(rest) or rest.split(" ", 1)[0].lower() in _NOT_VERB:
            return False  # "Mark will minutes": a meeting role
        return m.group("verb") != "to" and u.kind == "item" and self.minutes and \
            _FIRST_NAME.fullmatch(who) is not None and who.split()[0].lower() not in NOT_NAMES and \
            who.split()[0].lower() not in CALENDAR_WORDS and _MODAL_AFTER.match(rest) is None

    def _action_subjects(self) -> set[str]:
        """Who the items right under an action-items heading give work to ("simulacrum to post a comment"):
        people, also when the discussion below names them again."""
        out: set[str] = set()
        under = False
        for u in self.units:
            if u.kind == "heading":
                under = self._intro(u.text.strip())
            elif under and u.kind == "item" and u.parent is None and (m := _ASSIGN.match(u.text.strip())) and \
                    m.group("verb") == "to":
                out.add(re.split(r"[ \t,/+]", m.group("who"), maxsplit=1)[0].lstrip("@").lower())
        return out - NOT_NAMES

    def _named(self, who: str, rest: str) -> bool:
        """A stricter ``_is_name`` for an assignment mid-paragraph: initials or a name the document uses as
        written (not a prefix: "Difficult to do." is no "Difficulty"), before two or more words."""
        if not who[:1].isupper() or len(rest.split()) < 2 or not self._is_name(who, rest):
            return False
        return who.isupper() or who.lower() in _GROUP_ROLES or who.split()[0].rstrip(",").lower() in (self._names or ())

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

    def _marked(self, u: Unit, plain: str) -> Any:
        """A task from an explicit marker or an assignment anywhere in ``u``; None if it has none."""
        if u.kind not in ("para", "item"):
            return None
        text = u.text
        if u.box is not None:
            return None  # a checkbox is handled as such
        if (status := _DONE_FIRST.match(text)) and status.end() < len(text):  # "**DONE** @codebytere to …"
            rest = replace(u, text=text[status.end():])
            task = self._marked(rest, plain[status.end():])
            return replace(task, completed=True, source=text) if task is not None else None
        m = _MARKER.match(plain)
        sp = _TURN.match(plain)  # "Ryan: Action item: Jack to revise …", "[Lee] Action item: …": a speaker first
        if m is None and (sp or (sp := _BRACKET_TURN.match(plain)) or (sp := _LOWER_TURN.match(plain))) is not None:
            m = _MARKER.match(plain, sp.end())
        if m and m.group("who") and re.match(r"[*_]*ai\b", plain[m.start():], re.IGNORECASE) and \
                re.match(r"[ \t]*(?:&|and\b|[a-z])", m.group("who")):
            m = None  # "AI & Dataset Profile - Gopi": artificial intelligence ("AI Felix: …" is a marker)
        if m and m.group("who") and re.match(r"(?:from|of|in|on|at|since)\b", m.group("who"), re.IGNORECASE):
            m = None  # "LC: Action items from last meeting - Ralph is not on the call, …": a topic, no action
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
        if not turn and (arrow := _ARROW_TURN.match(plain)):
            turn = arrow.end()  # "DS -> Action item to prepare a summary", "PS (and/or Philip?) -> Action item to …"
        m = _ACTION_TO.match(plain, turn) or _NEXT_STEP.match(plain, turn) or _OWNER_MARKER.match(plain, turn)
        if m:
            return self._task(text[m.start(m.lastgroup or 0):], False, u)  # ("rest", "upper" or "first": the action)
        if _OWNERS_TO.match(plain):  # "(@BethGriggs & @MylesBorins) to post back on the issue"
            return self._task(text, False, u)
        if _NEXT_STEP_IS.match(plain, turn) and not (
                u.parent is not None and _BARE_SPEAKER.fullmatch(self.units[u.parent].text.strip())):
            return self._task(text, False, u)  # (not a point in "[Ivan]"'s turn: "Next step is to put examples …")
        low = plain.lower()
        bracketed = "(action" in low or "(todo)" in low or "[action" in low or "[todo]" in low
        m = _PAREN_ACTION.match(plain.strip()) if bracketed else None
        if m:
            body = (m.group("a") if m.group("a") is not None else m.group("b")) or ""
            if body.strip():
                return self._task(body, False, u)
        m = _TODO.match(plain)
        if m and m.group("rest").strip() and not m.group("rest").rstrip().endswith(":") and \
                not _EMPTY_ACTION.fullmatch(m.group("rest").strip()) and \
                (plain.startswith(("TODO", "FIXME"))
                 or plain[:m.start("rest")].rstrip().endswith((":", "-", "–", "—"))):
            if u.parent is not None and _OWNER_ONLY.fullmatch(m.group("rest").strip()):
                return self._task(self.units[u.parent].text, False, u)  # "Culling members" over "TODO for @erick"
            return self._task(text[m.start("rest"):], False, u)
        m = _INLINE_TODO.search(plain) if ("TODO" in plain or "FIXME" in plain) else None
        if m and m.group("rest").strip() and not _EMPTY_ACTION.fullmatch(m.group("rest").strip()):
            body = text[m.start("rest"):m.end("rest")]
            return self._task(body, False, u)
        inner = _BRACKETED.fullmatch(plain.strip()) if plain.lstrip().startswith("[") else None
        if inner and (m := _ASSIGN.match(inner.group(1))) and m.group("verb") == "to" and \
                self._is_name(m.group("who"), m.group("rest")):
            return self._task(inner.group(1), False, u)  # "[@zcbenz to update spec]": a note in brackets
        at = dl.end() if (dl := _DECIDED.match(plain)) else 0  # "**Decision:** Mara to help form a WG"
        at = st.end() if not at and (st := _STRUCK_NAME.match(plain)) else at  # "~~Niko~~ Felix to register …"
        m = _ASSIGN.match(plain, at or _dates_first(plain))  # "09-20-2018, 11-08-2018 Lee Byron to build …"
        if m and ":" in plain[m.end("who"):m.start("verb")] and _ASIDE_VERB.match(m.group("rest")):
            m = None  # "niko: to clarify, josh, …", "Robert: to summarize: …": a speaker's aside
        whole = text  # as ``plain``, position for position (``text`` below drops a decision's label)
        m, text = (None if at and m and m.group("verb") != "to" else m), text[at:]  # a decision's "X will …" is none
        if m is None and sp is not None and (m := _ASSIGN.match(plain, sp.end())) and (
                m.group("verb") != "to" or not self._is_name(plain[:sp.end()].strip(" \t*_:[]"), "say")):
            m = None  # "Julien: Julien to try and review today": a speaker reports who is to do it ("Goal:" is none)
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
        if m and plain[m.end("who"):m.start("verb")].strip().startswith(",") and not m.group("who")[:1].isupper():
            m = None  # "jup, will do": a reply ("Rod, will post an update" assigns)
        if m and self.agenda and _PRESENTS.match(m.group("rest")):
            m = None  # "Bob to present the roadmap" in an agenda: who speaks, not work
        if m and plain.rstrip(" *_").endswith("?"):
            m = None  # "Updates to add to registration page this week?": a question, nobody assigned
        if m and (m.group("who") in linked or self._is_name(m.group("who"), m.group("rest"))
                  or self._will_item(m, u)) and (
                m.group("verb") == "to" or m.group("who").startswith("@")
                or ((u.kind == "item" or (self.in_steps and u.parent is None)) and self.minutes)):
            # "Name will …" only as a list item of its own in minutes (the guide's "@name will …"; in a
            # paragraph it is narrative, in a process document a step: "OpenJS will add a credit card")
            if u.kind == "item" or m.group("who")[:1].isupper() or m.group("who").startswith("@") or \
                    (m.group("who").lower() in (self._names or ()) and ":" not in plain[:m.start("verb")]
                     and m.group("rest").split()[0].lower() not in (self._names or ())
                     and (plain.rstrip().endswith(".") or (m.group("verb") == "to" and u.end_line == u.line
                                                           and not _TALK.search(plain)))):
                # "nikomatsakis to review." or a line of its own "nikomatsakis to address this async" (an
                # attendee; not a speaker's "rf: to know whether …")
                first = next(_SENTENCE.finditer(plain)) if u.kind == "para" else None  # "James to schedule in
                t, done = _done_and_text(text[:first.end()].strip() if first else text, None)  # Feb.  Some talk …"
                return self._task(t, done, u)
        if self.minutes and " to " in plain:  # "… and we are waiting.  Jory to check with Brian"
            for sm in list(_SENTENCE.finditer(plain))[1:]:
                lead = len(sm.group(0)) - len(sm.group(0).lstrip())
                m = _ASSIGN.match(plain, sm.start() + lead, sm.end())
                if m and m.group("verb") == "to" and self._named(m.group("who"), m.group("rest")):
                    return self._task(whole[m.start():sm.end()].strip(), False, u)
        if self.minutes and u.kind == "item" and plain.rstrip(" .!").endswith(")") and \
                (pm := _PAREN_ASSIGN.search(plain)) is not None and self._is_name(pm.group("who"), pm.group("rest")):
            return self._task(text, False, u)  # "Somebody should submit a PR. (Colin will do that)": Colin's
        one_line = u.kind == "item" or (u.line == u.end_line and " | " not in plain)  # or a line of its own
        # ("… --- Brad to schedule."; not a table row without its first pipe: "201.5 | … | …, Piper to …")
        for cm in _CLAUSE.finditer(plain) if self.minutes and one_line and " to " in plain and \
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
        if ("action" in low or "todo" in low or " ai " in low or "ownership" in low) and _TAKES_HINT.search(plain):
            for sm in _SENTENCE.finditer(plain):
                if _TAKES.search(sm.group(0)) and not _MODAL.search(sm.group(0)):  # not "We could have an AI to …"
                    return self._task(whole[sm.start():sm.end()].strip(), False, u)
        if "assign" in low and _ASSIGNED.search(plain):
            return self._task(text, False, u)
        return None
