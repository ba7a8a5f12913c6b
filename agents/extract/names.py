"""Which words a document uses as people's names, for the assignment rule of ``agents.extract.items``.

Pure, no I/O, any thread. ``known_names(units)``: speakers ("Brad:", "[john] …"), handles
("@x"), list entries, attendees' first names and capitalised words mid-sentence, in lower case,
headings left out ("## Links" names a section), less ``NOT_NAMES``: words that
start a sentence like a name but never are one ("We to …", "Nobody will …").
``acronyms(units)``: capitalised short words the document uses as states or things ("in FCP"), so
"FCP to merge" is not an assignment to someone's initials.
"""

from __future__ import annotations

import re

from agents.extract.blocks import Unit

NOT_NAMES = frozenset(
    """a an the we i you they he she it this that these those there here what how why when who which need needs
    needed going want wants have has had try tries tried plan plans planned agree agreed decided decision able up
    due back time nothing something someone anyone everyone everybody nobody somebody next move moving hard easy
    good better best nice important ready order reason way ways steps step goal goals idea ideas intent used use
    supposed meant seems seem seemed continue start started begin link reply note refer similar compared related
    according thanks thank and or but also so then still only just yet more less hope hoping ask asked this is
    was were be been being would could should can may might must shall let lets let's nobody people folks team
    group everything anything work working all some many most few other others each every any both either neither
    no yes ok okay not well maybe perhaps probably likely unlikely free welcome proposal proposals motion question
    questions issue issues pr prs rfc rfcs feature features plan release releases users user meeting meetings agenda
    it's that's there's what's who's nice great tried trying attempt attempts easier harder sure unable likely
    required requires require needed wanted chosen expected expect expects request requests soon later now today
    tomorrow currently hopefully eventually propose proposes suggest suggests suggested volunteer volunteers
    volunteered offer offers offered prefer prefers fyi asap eod eta tbd wip lgtm imo imho btw foundation
    community company organization organisation open happy glad fine keen eager interested excited willing
    reluctant hesitant encourage encouraged worth""".split()  # ("Open to using byte offsets …": nobody's)
)
_SPEAKER = re.compile(  # "Brad:", "(Ann)", "Rodd/James" at the end
    r"(?:^|[\n(,;:]|(?<=[a-z])/|\band\b|\bwith\b)[ \t*_]*@?([A-Za-z][\w.-]{1,30})(?=[ \t]*(?::|\)|,|$| \())")
# an attendee: "Rod Vagg @rvagg (TSC)", "James Snell/ @jasnell", "Rod Vagg (Red Hat)", "Matteo Collina
# <mailto:…>": a first name before a last name and a handle, "(" or an address
_ATTENDEE = re.compile(r"^[ \t*_]*([A-Z][a-z'’-]+)[ \t]+[A-Z][\w'’-]+(?=[ \t]*(?:/[ \t]*)?(?:@[\w-]|\(|<))")
_BRACKET_SPEAKER = re.compile(r"^\[@?([A-Za-z][\w.-]{1,30})\][ \t]")  # "[john] definitely not ready …"
_MID_CAP = re.compile(r"(?<=[a-z,;] )@?([A-Z][\w-]{1,30})")
_HANDLE = re.compile(r"@([\w-]{2,39})")


# days and months are nobody ("by Friday", "in March"): never a name the document uses for a person
CALENDAR_WORDS = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun
    january february march april june july august september october november december jan feb mar apr jun jul
    aug sep sept oct nov dec""".split())


def known_names(units: list[Unit]) -> set[str]:
    """Words the document uses as people: speakers ("Brad:"), handles, list entries, capitalised mid-sentence."""
    names: set[str] = set()
    for u in units:
        if u.kind == "heading":
            continue  # "## Links" names a section, not a person
        t = u.text
        for rx in (_SPEAKER, _ATTENDEE, _MID_CAP, _HANDLE, _BRACKET_SPEAKER):
            for m in rx.finditer(t):
                names.add(m.group(1).lower())
    return names - NOT_NAMES - CALENDAR_WORDS


def is_known(written: str, names: set[str]) -> bool:
    """Whether ``written`` (one word) is a name of ``names``: as written, a prefix of one ("Jo" beside "Jory"), the end
    of a handle ("Felix" beside "pnkfelix"), or a lower-case handle built on one ("pnkfelix", "scottmcm" beside
    "Felix", "Scott")."""
    key = written.lower()
    if key in names or (len(key) >= 4 and any(n.startswith(key) for n in names)):
        return True
    if written[:1].isupper() and len(key) >= 5 and any(len(n) > len(key) and n.endswith(key) for n in names):
        return True  # "Felix" beside the handle "pnkfelix"
    return written.islower() and any(len(n) >= 5 and n in key for n in names)


# "in FCP", "## Proposed FCPs" (initials take no plural); "the TSC" may act
_THING = re.compile(r"\b(?:in|into|via|per)[ \t]+([A-Z]{2,4})\b|\b([A-Z]{2,4})s\b")


def acronyms(units: list[Unit]) -> set[str]:
    """Upper-case words written after "in", "into", "via" or "per", or in the plural: states or things ("in FCP",
    "FCPs"), not initials."""
    return {m.group(1) or m.group(2) for u in units for m in _THING.finditer(u.text)}
