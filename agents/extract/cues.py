"""Words that tell when a dated event stands relative to the document: past, ahead, scheduled, a side event, an
earlier meeting named by its day, a meeting's recording, a heading of yearly dates.

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
