"""When agent runs are due: cron parsing, next fire time in the local zone, catch-up.

Pure functions (no I/O, no loop; safe on any thread): ``validate_cron``,
``next_fire_after``, ``due_at``, ``missed_count``, ``describe_problem``,
``local_timezone`` and ``AgentSchedule``. ``agents.scheduler`` runs them on
its asyncio loop; the Agents view calls them on the Qt thread.

The scheduler has two layers, like the rest of ``agents``:

* **Pure functions** (no I/O): ``validate_cron``, ``next_fire_after``,
  ``due_at``, ``missed_count``, ``describe_problem``. They take the time zone
  and "now" as arguments, so tests pin both.
* **``Scheduler``**: an asyncio loop that asks for the agents through a
  callback, sleeps until the earliest due time (never longer than
  ``max_sleep``), and starts due runs through another callback. It imports
  neither Qt, the store nor the bridge; ``desktop.companion`` wires it.

Schedules
---------
Five fields, ``minute hour day-of-month month day-of-week``, as croniter reads
them (``L`` for the last day of the month, ``1W``, ``sun#1``, ``mon-fri``, and
the aliases ``@hourly @daily @midnight @weekly @monthly @yearly @annually``).
When both day fields are restricted either may match (classic cron).
Rejected, with a ``ConfigError("schedule_cron", ...)``: empty text; six or
seven fields (croniter reads a sixth field as *seconds at the end*, Quartz
puts seconds first: the two disagree and an agent run a second is never
wanted, so neither form is accepted); ``H`` hashes; ``@reboot``; values out
of range; and schedules that never match a date (``0 0 30 2 *``).

Time zones and daylight saving
------------------------------
A schedule names wall-clock times in the local zone. Fire times are computed
by iterating croniter over *naive* wall times and mapping each to UTC with
``zoneinfo`` (croniter's own tz-aware iteration was checked and is not used:
it fires a daily ``30 2 * * *`` twice on a fall-back day and, inconsistently,
moves a daily 02:30 to 03:00 on spring-forward day while dropping an hourly
``30 * * * *``). The rules, after cronie (Vixie cron):

* **Fixed-hour schedules** (the hour field names hours: ``30 2 * * *``,
  ``0 9 * * 1-5``): a wall time that does not exist (02:30 on
  spring-forward day) fires **once, at the jump** (03:00 new time); several
  such times in one gap coalesce into that one run. A wall time that occurs
  twice (fall-back) fires **once, at its first occurrence**.
* **Clock-following schedules** (the hour field is ``*`` or ``*/n``:
  ``0 * * * *``, ``*/15 * * * *``, ``@hourly``): they follow the wall clock,
  so a skipped hour is skipped and a repeated hour runs again. Either way an
  hourly job stays one real hour apart across both changes.

cronie also counts a ``*`` *minute* field as clock-following (``* 2 * * *``
would be skipped on spring-forward day); here only the hour field decides,
so such a job runs once at the jump. Offsets are assumed to change by at
most three hours at a time, true of every daylight-saving rule in tzdata.

Due, missed, catch-up
---------------------
An enabled agent with a valid cron is due at the first fire time after the
later of its ``last_run_at`` and its ``schedule_saved_at`` (when the schedule
took effect: created, cron changed, enabled), so saving a schedule never fires
a slot from before it existed. One that never ran and has no saved-at time
falls back to ``created_at`` the same way; with neither it is due at once
(the epoch). Fire times missed while the computer slept or the app was
closed coalesce into **one** run: its trigger is ``"catch_up"`` when two or
more fire times lie in ``(anchor, now]``, else ``"schedule"``.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from agents.errors import ConfigError

FIELD = "schedule_cron"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# The largest change of UTC offset assumed at one transition (see module docstring).
_MARGIN = timedelta(hours=3)
_ALIASES = ("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly")
_FIELDS = (
    ("minute", "0-59"),
    ("hour", "0-23"),
    ("day-of-month", "1-31 or L"),
    ("month", "1-12 or jan-dec"),
    ("day-of-week", "0-7 or sun-sat"),
)

# ── Pure functions ────────────────────────────────────────────────────────


@dataclass(frozen=True)
class AgentSchedule:
    """What the scheduler needs to know about one agent."""

    id: str
    name: str
    schedule_cron: str | None
    enabled: bool
    last_run_at: datetime | None
    created_at: datetime | None = None
    schedule_saved_at: datetime | None = None

    @classmethod
    def of(cls, agent: Any) -> AgentSchedule:
        """From any object with these attributes (e.g. ``AgentConfig``); the last two are optional."""
        return cls(
            id=agent.id,
            name=agent.name,
            schedule_cron=agent.schedule_cron,
            enabled=bool(agent.enabled),
            last_run_at=getattr(agent, "last_run_at", None),
            created_at=getattr(agent, "created_at", None),
            schedule_saved_at=getattr(agent, "schedule_saved_at", None),
        )

    def anchor(self) -> datetime | None:
        """After what moment fire times count: the later of the last run and the schedule's saved-at
        time (``created_at`` for a never-run agent without one); ``None`` when nothing is known."""
        known = [_utc(m) for m in (self.last_run_at, self.schedule_saved_at) if m is not None]
        if not known and self.created_at is not None:
            known = [_utc(self.created_at)]
        return max(known) if known else None


def validate_cron(expr: str) -> str:
    """The expression with its whitespace normalised, or ``ConfigError("schedule_cron", ...)``."""
    return _parse(expr)[0]


def next_fire_after(expr: str, after: datetime, tz: tzinfo) -> datetime:
    """The first fire time strictly after ``after``, as aware UTC.

    ``expr`` is read in the wall time of ``tz``; daylight-saving changes follow
    the rules in the module docstring. A naive ``after`` is taken as UTC.
    Raises ``ConfigError`` for an invalid expression.
    """
    from croniter import croniter  # imported on first use: the app without schedules never loads it

    normalised, follows_clock = _parse(expr)
    after = _utc(after)
    stable_start = _offset_stable(tz, after - _MARGIN, after + _MARGIN)
    start = _wall(after if stable_start else after - _MARGIN, tz)
    it = croniter(normalised, start)
    best: datetime | None = None
    while True:
        wall = it.get_next(datetime)
        if best is not None and wall > _wall(best, tz) + _MARGIN:
            return best
        for moment in _instants(wall, tz, follows_clock):
            if moment > after and (best is None or moment < best):
                best = moment
        if best is not None and _offset_stable(tz, best - _MARGIN, best + _MARGIN):
            # No transition near the result: no later wall time maps before it.
            return best


def due_at(agent: AgentSchedule, tz: tzinfo) -> datetime | None:
    """When the agent is next due (aware UTC), or ``None`` if it never fires on its own.

    ``None`` when disabled, manual-only (no cron) or the cron is invalid.
    Otherwise the first fire time after ``agent.anchor()`` (the later of the
    last run and the schedule's saved-at time); with no anchor, at once (the epoch).
    """
    if not agent.enabled or not agent.schedule_cron:
        return None
    try:
        _parse(agent.schedule_cron)
    except ConfigError:
        return None
    anchor = agent.anchor()
    if anchor is None:
        return EPOCH
    return next_fire_after(agent.schedule_cron, anchor, tz)


def missed_count(agent: AgentSchedule, tz: tzinfo, now: datetime, limit: int = 2) -> int:
    """How many fire times lie in ``(anchor, now]``, at most ``limit``.

    An agent with no anchor (see ``due_at``) counts 1 (its first run is a
    plain "schedule" run); one that never fires on its own counts 0.
    """
    when = due_at(agent, tz)
    now = _utc(now)
    if when is None or when > now:
        return 0
    if agent.anchor() is None:
        return min(1, limit)
    count = 0
    assert agent.schedule_cron is not None
    while when <= now and count < limit:
        count += 1
        when = next_fire_after(agent.schedule_cron, when, tz)
    return count


def describe_problem(agent: AgentSchedule) -> str | None:
    """A sentence for the UI when the agent's schedule cannot be used, else ``None``."""
    if not agent.schedule_cron:
        return None
    try:
        _parse(agent.schedule_cron)
    except ConfigError as exc:
        return f"The schedule {agent.schedule_cron!r} is not valid, so this agent never runs on its own: " + (
            exc.message
        )
    return None


def local_timezone() -> tzinfo:
    """The system's zone as a ``ZoneInfo`` when it can be found, else today's fixed offset.

    Tries ``$TZ`` (a zone name or a tzfile path), the ``/etc/localtime`` link
    or file, then ``/etc/timezone``. A zone whose current offset disagrees
    with the C library's is not trusted. On Windows this falls back to the
    fixed offset (DST-correct until the next change; the loop re-reads it).
    """
    fixed = datetime.now().astimezone().tzinfo or UTC
    system_offset = datetime.now(fixed).utcoffset()
    for zone in _zone_candidates():
        if datetime.now(zone).utcoffset() == system_offset:
            return zone
    return fixed


def _zone_candidates():
    env = os.environ.get("TZ", "").strip().lstrip(":")
    if env:
        if os.path.isabs(env):
            zone = _zone_from_file(env)
        else:
            zone = _zone_from_key(env)
        if zone is not None:
            yield zone
    link = "/etc/localtime"
    if os.path.exists(link):
        real = os.path.realpath(link)
        if "zoneinfo/" in real:
            key = real.rsplit("zoneinfo/", 1)[1]
            for prefix in ("posix/", "right/"):
                key = key.removeprefix(prefix)
            zone = _zone_from_key(key)
            if zone is not None:
                yield zone
        zone = _zone_from_file(link)
        if zone is not None:
            yield zone
    with contextlib.suppress(OSError):
        with open("/etc/timezone", encoding="utf-8") as fh:
            zone = _zone_from_key(fh.read().strip())
        if zone is not None:
            yield zone


def _zone_from_key(key: str) -> tzinfo | None:
    try:
        return ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def _zone_from_file(path: str) -> tzinfo | None:
    try:
        with open(path, "rb") as fh:
            return ZoneInfo.from_file(fh, key=None)
    except (OSError, ValueError):
        return None


def _parse(expr: str) -> tuple[str, bool]:
    """``(normalised, follows_clock)`` or ``ConfigError``."""
    if not isinstance(expr, str):
        raise ConfigError(FIELD, "the schedule must be text like '0 9 * * 1-5'")
    return _parse_text(expr)


@lru_cache(maxsize=256)
def _parse_text(expr: str) -> tuple[str, bool]:
    # cached: the loop asks for every agent on every wake
    from croniter import CroniterError, croniter

    fields = expr.split()
    if not fields:
        raise ConfigError(FIELD, "the schedule is empty; use five fields like '0 9 * * 1-5' (09:00 on weekdays)")
    if len(fields) == 1 and fields[0].startswith("@"):
        alias = fields[0].lower()
        if alias not in _ALIASES:
            raise ConfigError(FIELD, f"{fields[0]!r} is not supported; use one of {', '.join(_ALIASES)}")
        normalised = alias
    elif len(fields) != 5:
        extra = " (seconds and years are not supported)" if len(fields) in (6, 7) else ""
        raise ConfigError(
            FIELD,
            f"a schedule has five fields, minute hour day-of-month month day-of-week; got {len(fields)}{extra}",
        )
    else:
        normalised = " ".join(fields)
    try:
        ok = croniter.is_valid(normalised)
        parsed = croniter(normalised, datetime(2000, 1, 1)) if ok else None
    except (CroniterError, ValueError, TypeError, KeyError):
        ok, parsed = False, None
    if parsed is None:
        raise ConfigError(FIELD, _field_problem(fields) or f"{normalised!r} is not a valid schedule")
    try:
        parsed.get_next(datetime)
    except (CroniterError, ValueError, OverflowError):
        raise ConfigError(FIELD, f"{normalised!r} never matches a date") from None
    follows_clock = str(parsed.expressions[1]).startswith("*")
    return normalised, follows_clock


def _field_problem(fields: list[str]) -> str | None:
    """Name the first field croniter rejects on its own, for a clearer message."""
    if len(fields) != 5:
        return None
    from croniter import croniter

    for index, (label, allowed) in enumerate(_FIELDS):
        probe = ["*"] * 5
        probe[index] = fields[index]
        try:
            valid = croniter.is_valid(" ".join(probe))
        except Exception:
            valid = False
        if not valid:
            return f"the {label} field {fields[index]!r} is not valid (allowed: {allowed}, lists, ranges, */n)"
    return None


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _wall(moment: datetime, tz: tzinfo) -> datetime:
    """The naive local wall time of an aware instant."""
    return moment.astimezone(tz).replace(tzinfo=None, fold=0)


def _offset_stable(tz: tzinfo, start: datetime, end: datetime) -> bool:
    return start.astimezone(tz).utcoffset() == end.astimezone(tz).utcoffset()


def _instants(wall: datetime, tz: tzinfo, follows_clock: bool) -> list[datetime]:
    """The UTC instants at which the naive wall time ``wall`` fires."""
    first = wall.replace(tzinfo=tz, fold=0).astimezone(UTC)
    second = wall.replace(tzinfo=tz, fold=1).astimezone(UTC)
    if first == second:
        return [first]
    if _wall(first, tz) == wall:  # exists twice (fall-back)
        early, late = sorted((first, second))
        return [early, late] if follows_clock else [early]
    # does not exist (spring-forward): fixed-hour jobs fire once at the jump
    return [] if follows_clock else [_transition(tz, min(first, second), max(first, second))]


def _transition(tz: tzinfo, low: datetime, high: datetime) -> datetime:
    """The first instant in ``(low, high]`` with ``high``'s offset (the jump), to the second."""
    target = high.astimezone(tz).utcoffset()
    lo, hi = 0, int((high - low).total_seconds())
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if (low + timedelta(seconds=mid)).astimezone(tz).utcoffset() == target:
            hi = mid
        else:
            lo = mid
    return low + timedelta(seconds=hi)
