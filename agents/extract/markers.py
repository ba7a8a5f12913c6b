"""The patterns that mark a task in a line of text, for ``agents.extract.items``: action markers ("Action item:",
"AI:", "[ACTION]"), TODO notes, intro lines of action lists, assignments ("Name to <verb>"), explicit assignment
("… assigned to JB"), empty markers ("AI: none") and meeting roles; ``aside``, what in an action list is none.
Pure regular expressions, any thread.
"""

from __future__ import annotations

import re

_BOLD = r"(?:\*\*|__|\*|_)?"
_LABEL = re.compile(r"(\*\*|__)[^*_\n]{1,80}?\1:?")  # an item that is only an emphasised label
_MARKER = re.compile(
    rf"{_BOLD}(?:(?:last|previous|prior)[ \t]+(?:week|meeting|time)(?:['’]s)?[ \t]+"  # "Last week’s AI: …"
    rf"|(?:pending|open|outstanding)[ \t]+)?"  # "Pending action item: Felix to merge"
    rf"(?:action[ \t]*items?|actions?|ai|next[ \t]+steps?|next[ \t]+actions?)(?:,[ \t]*(?:un)?related)?"
    rf"(?:[ \t]*[(\[](?P<owner>[^)\]\n]{{1,40}})[)\]]|[ \t]+(?:(?:for|-|–)[ \t]+)?(?P<who>[^:*\n]{{1,40}}?))?"
    rf"[ \t]*{_BOLD}[ \t]*"
    rf"(?::|[ \t]-[ \t]|–|—)[ \t]*{_BOLD}[ \t]*"
    rf"(?P<rest>.*)",
    re.IGNORECASE,
)
# where a clause starts inside an item ("fcp merge, Niko to write-up"), unless the item states a decision
_CLAUSE = re.compile(r"(?:,|;|[ \t][-–—]+)[ \t]*")  # "…, Rod to …", "… - Steven to …"
_DECISION = re.compile(r"[*_]*(?:resolved|resolutions?|conclusions?|decisions?|decided|consensus|outcomes?)\b",
                       re.IGNORECASE)
# a link that opens an item before its assignment ("[#96463](…) Dan will take ownership")
_LEAD_LINK = re.compile(r"\[[^\[\]\n]{1,80}\]\([^()\s]{1,500}\)[ \t]+")
# an item that only links to the tracker's list of action items
# ... or only a link to a tracker's search ("[Ready for review](…/issues?q=is%3Aopen+label%3A…)")
_POINTER = re.compile(r"\[[^\]\n]*\baction[ \t]*items?\b[^\]\n]*\]\([^)\n]*\)[ \t.-]*"
                      r"|\[[^\]\n]*\]\([^)\s]*[?&]q=[^)\s]*\)[ \t.-]*"
                      # the same pointers with their links lost: "All open action items (by meeting)"
                      r"|(?:all[ \t]+)?open[ \t]+action[ \t]+items[ \t]*(?:\([^()\n]{0,40}\))?"
                      r"|ready[ \t]+for[ \t]+review",
                      re.IGNORECASE)
# A speaker's turn before a marker: "Ryan: ", "**Jack**: "
_TURN = re.compile(r"(?:\*\*|__)?[A-Z][\w.'’-]{0,30}(?:[ \t]+[A-Z][\w.'’-]{0,30}){0,2}(?:\*\*|__)?[ \t]*:"
                   r"(?:\*\*|__)?[ \t]+")
# a lower-case speaker before a marker: "mnot: next step: refactor"
_LOWER_TURN = re.compile(r"[a-z][\w.-]{1,30}:[ \t]+(?=(?:next[ \t]+steps?|action(?:[ \t]*items?)?|ai|todo)\b)",
                         re.IGNORECASE)
_BRACKET_TURN = re.compile(r"\[[A-Z][\w .'’-]{0,30}\][ \t]*")  # "[Lee] " before a marker
_TALK = re.compile(r"\b(?:I|I['’](?:m|d|ve|ll)|[Ww]e|[Ww]e['’](?:re|d|ve|ll)|[Oo]ur|us|[Mm]y)\b")
_INTERJECTION = re.compile(r"^(?:sorry|yes|yeah|ok|okay|well|so|thanks|right|agreed|hmm)[,!.]?[ \t]+", re.IGNORECASE)
_REPLY = re.compile(r"(?:yes|no|yep|nope|agreed|right|correct|sure|\+1)[.!]?", re.IGNORECASE)
_PERSON = re.compile(r"@[\w-]{1,39}|[A-Z][\w'’-]*(?:[ \t]+[A-Z][\w'’.-]*){0,3}")  # not "[Promise.try](…) to stage 1"
_PROFILE = re.compile(r"\[([^\[\]\n]{1,40})\]\(https?://(?:www\.)?(?:github|gitlab|twitter|x)\.com/[\w.-]+/?\)")
_NUMBER_CELL = re.compile(r"[*_]*\d{1,3}(?:\.\d{1,3})*[.)]?[*_]*")
_TOPIC = re.compile(r"[A-Za-z0-9][\w.#/&+]*(?:[ \t][\w.#/&+]+){0,3}[ \t]+[-–—][ \t]+")  # "MSYS2 - ", "CI infra — "
# "[Action] …", "[Ivan][**ACTION**] …" (a speaker in brackets first), "**[ACTION**] …"
_BRACKET_MARKER = re.compile(
    r"(?P<who>\[[^\[\]\n]{1,40}\][ \t]*)?(?:\*\*|__)?\[(?:\*\*|__)?(?:action(?:[ \t]*item)?|AI|TODO)(?:\*\*|__)?"
    r"(?:[ \t]*(?::|-|–)[ \t]*[^\[\]\n]{1,80})?\]"  # "[ACTION: Lee] …", "[ACTION - Lee] …": the owner inside
    r"(?:\*\*|__)?[ \t]*:?[ \t]*(?P<rest>\S.*)", re.IGNORECASE)
_ROLE_WHO = re.compile(r"scribe|taker|notes|minutes|facilitat|chair|moderat|owner", re.IGNORECASE)
# "BS: Action item to follow up with AR"; "ACTION ITEM Niko to leave a comment …" (a capitalised marker, no colon)
# after a speaker: "RW: an action item to take on our end, …", "Jack: Action item, I'll update the doc …"
_ACTION_TO = re.compile(r"(?i:(?:an?[ \t]+)?action(?:[ \t]+item)?[ \t]+to[ \t]+(?:\([^()\n]{1,30}\)[ \t]+)?"
                        r"(?P<rest>[a-z].*))"  # ("Action item to (eventually) send …")
                        r"|ACTION[ \t]+ITEMS?[ \t]+(?P<upper>[\w@\[].*)"
                        r"|(?i:action[ \t]+item),[ \t]+(?P<first>(?:I|I['’]ll|I[ \t]+will|we['’]ll)\b.*)")
# "AI(Ben Smith) move these forward …": the owner in brackets right after the marker, then the action
_OWNER_MARKER = re.compile(r"(?:AI|ACTION|[Aa]ction(?:[ \t]+[Ii]tem)?)(?P<rest>\((?:@[\w-]{1,39}|[A-Z][\w.'’-]*"
                           r"(?:[ \t]+[A-Z][\w.'’-]*){0,3})\)[ \t]+[a-z].*)")
# "Next step put into PR …" (no colon), "(@BethGriggs & @MylesBorins) to post back …", "**Decision:** Mara to help …"
# "Next step is to get updated data.", "Next step is for Myles to write …", "Next steps are creating a PR …":
# the whole item is the step (not "Next steps are unclear")
_NEXT_STEP_IS = re.compile(r"next[ \t]+steps?[ \t]+(?:is|are|will[ \t]+be)[ \t]+(?:to[ \t]+[a-z]|for[ \t]+@?\w+[ \t]+to"
                           r"[ \t]+[a-z]|[a-z]+ing\b)", re.IGNORECASE)
_NEXT_STEP = re.compile(r"next[ \t]+steps?[ \t]+(?P<rest>(?!(?:is|are|was|were|will|would|should|could|for|of|to|in"
                        r"|on|at|with|here|there|after|before|the|a|an|this|that|being)\b)[a-z]+\b.*)", re.IGNORECASE)
_OWNERS_TO = re.compile(r"\((?:@[\w-]{1,39}(?:[ \t]*(?:&|,|and)[ \t]*)?){1,4}\)"
                        r"[ \t]+(?:to|[Ww]ill)[ \t]+[a-z]")
_DECIDED = re.compile(r"(?:\*\*|__)?(?:decision|decided|resolution|resolved|conclusion|outcome)(?:\*\*|__)?[ \t]*:"
                      r"[ \t]*(?:\*\*|__)?[ \t]*", re.IGNORECASE)
# "Need somebody to" over sub-items: they are what someone is needed for
_NEEDED = re.compile(r"(?:.*[.!?][ \t]+)?(?:we[ \t]+)?needs?[ \t]+(?:someone|somebody|volunteers?|a[ \t]+volunteer)"
                     r"[ \t]+to:?", re.IGNORECASE)
_PAREN_ACTION = re.compile(  # "(Action) …", "… (TODO)", "… [action item]", "… today! [ACTION] sam" (who last)
    r"^[(\[](?:action(?:[ \t]+item)?|TODO)[)\]][ \t]*(?P<a>.*)$"
    r"|^(?P<b>.*?)[ \t]*[(\[](?:action(?:[ \t]+item)?|TODO)[)\]](?:[ \t]+@?[A-Za-z][\w-]{1,30})?[.!]?$", re.IGNORECASE
)
_TODO = re.compile(
    r"(?<![\w`/])(?:TODO|FIXME|To[- ]?do|Todo|todo(?=:))s?\b(?:\([\w@ .-]{1,30}\))?[ \t]*(?::|-|–|—)?[ \t]*(?P<rest>.*)"
)
_INLINE_TODO = re.compile(r"(?<![\w`/])[(\[]?(?:TODO|FIXME)(?:\([\w@ .-]{1,30}\))?[ \t]*:[ \t]*(?P<rest>[^)\]\n]*)")
_EMPTY_ACTION = re.compile(
    r"(?:none(?:[ \t]+(?:needed|required|yet|for[ \t]+now|this[ \t]+(?:week|time)))?|n/?a|no(?:ne)?\.?"
    r"|nothing(?:[ \t]+(?:now|yet|for[ \t]+now))?(?:[,.;][ \t].*)?"  # "Action: nothing now, maybe if v8 adds …"
    r"|no action\b.*|no action items?\b.*|none(?:[ \t]+[-–—]|\.)[ \t].*|tbd|-+|\.+|see above\.?|skipped"
    r"|(?:proposal[ \t]+)?(?:closed|accepted|rejected|merged|resolved|adopted)\b.*|no[ \t]+consensus\b.*)?"
    r"[ \t.]*$",  # an outcome
    re.IGNORECASE
)
_INTRO = re.compile(
    rf"{_BOLD}(?:(?:decisions?|summary|conclusions?|outcomes?|resolutions?|follow[ -]?ups?|future[ \t]+work)"
    rf"[ \t]+(?:and|&)[ \t]+"
    rf"|summary[ \t]+of[ \t]+(?:the[ \t]+)?)?"  # "## **Summary of Action Items**"
    rf"(?:(?:review(?:ing)?[ \t]+(?:of[ \t]+)?)?(?:the[ \t]+)?(?:(?:prior|previous|last|open|outstanding|new|"
    rf"pending|current|proposed|remaining|upcoming|future|outcome|corrective|unchecked|long[ -]term|"
    rf"short[ -]term)[ \t]+(?:(?:week|meeting|time)(?:'s|’s|s)?[ \t]+)?)?"
    rf"(?:action(?:able)?[ \t]*items|actions|actionables|ais?|(?-i:TODOs?|To[- ]?dos?|Todos?)"
    rf"|(?-i:TODO|To[- ]?do|Todo)[ \t]+items?|"
    rf"next[ \t]+(?:steps?|actions?))\b)(?P<tail>[^:]{{0,60}}?){_BOLD}[ \t]*:?[ \t]*{_BOLD}$",
    re.IGNORECASE,
)
# a capitalised verb after a first name is no surname ("Claudio Wanted to give a quick overview")
_VERB_WORD = r"(?:Wanted|Needed|Asked|Offered|Volunteered|Decided|Agreed|Started|Tried|Planned|Promised|Noted" \
             r"|Mentioned|Suggested|Proposed|Wants|Needs|Plans|Agrees|Offers)"
_NAME = r"(?:@[\w-]{1,39}/[\w.-]{1,40}|@?[A-Za-z][\w.'’-]{0,30})"  # a person or a team ("@nodejs/releasers")
_ASSIGN = re.compile(
    rf"(?P<who>{_NAME}(?:(?:,[ \t]*(?:(?:and|&)[ \t]+)?|[ \t]+(?:and|&)[ \t]+|[ \t]*[/+][ \t]*)"
    rf"(?:@\w[\w.-]{{0,30}}|[A-Z][\w.-]{{0,30}})){{0,3}}"
    # a surname ("Rod Vagg") or its initial ("Michael Z"), not an acronym ("Geoffrey PR")
    rf"(?:[ \t]+(?:(?!{_VERB_WORD}\b)[A-Z](?![A-Z\d]*\b)[\w.-]{{0,20}}|[A-Z]\.?(?=[ \t]+will\b)))?)"
    rf"(?::(?=[ \t]+to\b)|[ \t]+[-–—](?=[ \t]+(?:to|will)\b)|,(?=[ \t]+will\b))?"  # "cramertj: to follow up",
    # "RG - will reach out", "Rod, will post an update"
    # "Vince is going to do some research", "Lee’s going to write up …", "Sara and Tobie are going to …": as "will"
    rf"(?:[ \t]+|(?=['’]s[ \t]))"
    rf"(?P<verb>to|will|(?:is|are)[ \t]+going[ \t]+to|['’]s[ \t]+going[ \t]+to|assigned[ \t]+to)[ \t]+"
    rf"(?P<rest>(?:[a-z]|[A-Z]{{2,6}}\b).*)"  # "to review", "to FCP merge"
)
_TAKES = re.compile(
    r"\b(?:takes?|taking|took|has|have|had|gets?|got|owns?)[ \t]+(?:as[ \t]+)?(?:(?:the|an?|this|that)[ \t]+)?"
    r"(?:action[ \t]*items?|todo(?![ \t]*lists?\b))\b"  # "has a TODO on …", not "have a todo list"
    r"|\b(?:takes?|taking|took|has|have|gets?|got|owns?)[ \t]+(?:(?:the|this|that)[ \t]+)?(?-i:AI)\b"  # not "an AI"
    # "will take action to draft …", not "browsers are taking action to restrict …" (what others are doing)
    r"|\b(?<!are )(?<!is )(?<!were )(?<!was )(?:takes?|taking|took)[ \t]+(?:(?:an?|the)[ \t]+)?action"
    r"[ \t]+to[ \t]+[a-z]"
    r"|\b(?:takes?|taking|took)[ \t]+ownership[ \t]+of\b"  # "[#96463](…) Dan will take ownership of this issue"
    r"|\b(?:has|have|had)[ \t]+(?:an?[ \t]+)?action[ \t]+to[ \t]+[a-z]"  # "Staff had action to look at …"
    # "filing an action item to figure that out", "Let's put an action item to double check with RFC"
    r"|\b(?:fil(?:e|es|ed|ing)|put(?:s|ting)?|add(?:s|ed|ing)?|open(?:s|ed|ing)?|creat(?:e|es|ed|ing)"
    r"|record(?:s|ed|ing)?|log(?:s|ged|ging)?)[ \t]+(?:an?|the)[ \t]+action[ \t]+items?[ \t]+(?:to|for)[ \t]+[a-z]"
    # "ZA: action item for everyone to look at …", "action item for the Cat Herders to follow up", "Action for all to …"
    r"|\b(?<!to )action(?:[ \t]+items?)?[ \t]+for[ \t]+(?:the[ \t]+)?@?\w+(?:[ \t]+(?-i:[A-Z])\w*){0,2}"
    r"[ \t]+to[ \t]+[a-z]"  # (not "a call to action for folks to provide input")
    # in prose minutes: "Action to Gabriel Montenegro to make a proposal …", "Action item on Mark to talk to …",
    # "AI to Gabriel for ALPN", "Eliot Lear was given an AI in Tokyo to propose text …"
    r"|\b(?:action(?:[ \t]+item)?|(?-i:AI))[ \t]+(?:to|on)[ \t]+(?-i:[A-Z])\w+(?:[ \t]+(?-i:[A-Z])\w*){0,2}"
    r"[ \t]+(?:to[ \t]+[a-z]|for[ \t]+\w)"
    r"|\b(?:was|were|been)[ \t]+given[ \t]+(?:an?|the)[ \t]+(?:action[ \t]+item|(?-i:AI))\b",
    re.IGNORECASE,
)
_ASSIGNED = re.compile(r"(?:^|;|,|[ \t]-|–|—|[ \t]and\b)[ \t]*assign(?:ed)?[ \t]+to[ \t]+@?\w[\w .&@-]{0,30}\.?$",
                       re.IGNORECASE)
_DONE_WORDS = re.compile(r"(?:\(done\)|\bdone\b\.?|issue closed\.?|completed\.?)$", re.IGNORECASE)
_STRUCK = re.compile(r"~~(?P<t>.+?)~~")
_AGENDA = re.compile(r"\bagenda\b", re.IGNORECASE)
_PRESENTS = re.compile(r"(?:present|discuss|talk|speak|lead|host|introduce|demo|give[ \t]+(?:a|an|the))\b",
                       re.IGNORECASE)
_TODO_TXT = re.compile(r"(?P<done>x[ \t]+)?(?:\([A-Z]\)[ \t]+)?(?:\d{4}-\d\d-\d\d[ \t]+){0,2}(?P<rest>[^#].*)")
_TAKES_HINT = re.compile(r"action|todo|\bai\b|ownership", re.IGNORECASE)

_ROLE = re.compile(r"^(?:take|taking)[ \t]+(?:the[ \t]+)?(?:notes|minutes)\b"
                   r"|^(?:scribe|chair|facilitate|moderate|minutes?)\b",
                   re.IGNORECASE)
# not a verb after "Name to"/"Name will" ("Myles, will there be any code paths …": a question to Myles)
_NOT_VERB = frozenset("the a an this that agenda be date not there it we you they i".split())


# "[TIME]: 19:10 London", "Timestamp: 8:44": where the recording was, not an action
_STAMP_ITEM = re.compile(r"[\[(]?(?:time|timestamp)[\])]?[ \t]*:?[ \t]*\d{1,2}:\d\d\b.*", re.IGNORECASE)
_NO_BUSINESS = re.compile(r"(?:&lt;|<)?[ \t]*no[ \t]+(?:other|further|more)[ \t]+business[ \t.]*(?:&gt;|>)?",
                          re.IGNORECASE)
# "The next meeting will take place at IETF 117", "The next meeting is scheduled in two weeks": an event, no action
_NEXT_MEETING = re.compile(r"(?:the[ \t]+)?next[ \t]+(?:meeting|call|session|sync)\b[^.;:]*?\b(?:is|will[ \t]+be"
                           r"|will[ \t]+take[ \t]+place|takes[ \t]+place)\b.*", re.IGNORECASE)
# an item that is only a speaker's name over their sub-items ("- Lee:")
NAME_LABEL = re.compile(r"[A-Z@][\w.@'’-]{0,30}(?:[ \t]+[A-Z][\w.'’-]{0,30})?:")


def aside(t: str) -> bool:
    """An item in an action list that is none: a link to the tracker's list ("[Currently open action items](…)")
    or a speaker's reply ("Lee: I completely agree", "Ann: is this done?"), a recording's time stamp, "no other
    business", when the next meeting is."""
    if _POINTER.fullmatch(t) or _STAMP_ITEM.fullmatch(t) or _NO_BUSINESS.fullmatch(t) or _NEXT_MEETING.fullmatch(t):
        return True
    turn = _TURN.match(t)
    said = _INTERJECTION.sub("", t[turn.end():].strip()) if turn else ""  # "Benjie: sorry, I'm behind …"
    return bool(said) and (_TALK.match(said) is not None or said.endswith("?") or _REPLY.fullmatch(said) is not None)
