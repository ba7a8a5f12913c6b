"""Words that tell when a dated event stands relative to the document: past, ahead, scheduled, a side event, an
earlier meeting named by its day, a meeting's recording, a heading of yearly dates, a day an event no longer is,
a release stated done, a session's own date field.

Pure regular expressions, any thread; read by ``agents.extract.milestones`` to keep or drop a date and to
choose its year.
"""

from __future__ import annotations

import re

PAST = re.compile(
    r"\b(?<!be )(?:was|were|went|released|shipped|happened|held|took[ \t]+place|ago|published|merged|landed|announced"
    r"|met|did|had|occurred|completed|finished|closed|ended|began|started|since|last|sent|paid|received|done"
    r"|discussed|decided|agreed|approved|reviewed|presented)\b",
    re.IGNORECASE,
)
FUTURE = re.compile(
    r"\b(?:register|registration|before|deadline|due|until|till|by|next|upcoming|will|planned|scheduled|freeze)\b",
    re.IGNORECASE,
)
# An event of its own on a day of the meeting ("Social, Thursday, Oct 12th", "An Evening with TC39")
SIDE_EVENT = re.compile(r"\b(?:social|dinner|reception|party|evening|lunch|breakfast|happy[ \t]+hour|research[ \t]+day"
                         r"|hackathon|meetup|celebration|tour|excursion)\b", re.IGNORECASE)
SINCE = re.compile(r"\b(?:from|since|of|in)[ \t]+(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?[ \t]+)?$",
                    re.IGNORECASE)  # "Update from April 6": a reference back
AHEAD = re.compile(r"\b(?:next|upcoming|will|planned|scheduled)\b", re.IGNORECASE)
SCHEDULED = re.compile(r"\b(?:scheduled|planned|deadline|due|upcoming|will|freeze|release)\b", re.IGNORECASE)
# an approximate date in brackets: "(roughly Oct. 17th)", the qualifier goes with the date
ROUGHLY = re.compile(r"\([ \t]*(?:roughly|around|about|approx(?:\.|imately)?|circa|ca\.|est(?:\.|imated)?|~)$",
                     re.IGNORECASE)
# a date named as that of an earlier meeting ("from the meeting of December 3rd", "since our call on Nov 5")
OF_MEETING = re.compile(r"\b(?:from|since|at|in|during)[ \t]+(?:the|our)[ \t]+(?:last[ \t]+|previous[ \t]+)?"
                         r"(?:meeting|call|session)[ \t]+(?:of|on|from)[ \t]+(?:\w+,?[ \t]+)?$", re.IGNORECASE)
# a link to a meeting's recording: the meeting took place
RECORDING = re.compile(r"\]\(https?://(?:www\.)?(?:youtube\.com|youtu\.be|vimeo\.com)/[^)\s]+\)"
                        r"|\[(?:recording|video)\]\(https?://[^)\s]+\)", re.IGNORECASE)
# a heading over dates that come back every year ("## Recurring dates", "Annual events")
RECURRING_HEAD = re.compile(r"\b(?:recurring|annual|yearly|every[ \t]+year)\b", re.IGNORECASE)
_FORMER = r"(?:originally|previously|formerly|initially)"
# the day an event no longer is: "(*Delayed; was originally April 6th*)", "moved from Dec 4" (ending before a date)
SUPERSEDED = re.compile(
    rf"\b(?:(?:was|were)[ \t]+)?{_FORMER}(?:[ \t]+(?:planned|scheduled|set|due))?"
    r"(?:[ \t]+(?:for|on))?[ \t]+(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?[ \t]+)?$"
    r"|\b(?:moved|postponed|rescheduled|delayed|pushed)[ \t]+(?:back[ \t]+)?from[ \t]+$", re.IGNORECASE)
# a remark in brackets about that former day: its tense is not the event's
WAS_BEFORE = re.compile(rf"\([^()]*\b{_FORMER}\b[^()]*\)", re.IGNORECASE)
# "9.0.0-beta.1 was successfully released on February 10th": done, whatever the document's own date
DONE_ON = re.compile(r"\b(?:was|were)[ \t]+(?:\w+ly[ \t]+)?(?:released|shipped|published|held|merged|cut|sent|done"
                     r"|completed|triggered|fixed|resolved)[ \t]+on\b", re.IGNORECASE)
# "**Session Date/Time:** 07 Nov 2024 17:30": a session of the meeting the document is about
SESSION_FIELD = re.compile(r"[-*+ \t]*(?:\*\*|__)?session[ \t]+(?:date|time|date[ \t]*/[ \t]*time)\b", re.IGNORECASE)
# a heading over past events: "### End-of-Life Releases", "## Past meetings", "# A Brief History"
HISTORY = re.compile(r"\b(?:history|change[ \t-]?log|(?:past|previous|prior)[ \t]+(?:releases|meetings|calls|sessions)"
                     r"|archived?|(?:presentations|talks|meetings|sessions|calls)[ \t]+(?:given|held|recorded)"
                     r"|(?:end[ \t-]+of[ \t-]+life|eol|unsupported)[ \t]+(?:releases|versions))\b",
                     re.IGNORECASE)
