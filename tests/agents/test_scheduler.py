"""The scheduler: due times in local wall time (DST included), catch-up, no overlap, a loop that never dies."""

from __future__ import annotations

import asyncio
import itertools
import subprocess
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from agents.errors import ConfigError
from agents.scheduler import (
    EPOCH,
    AgentSchedule,
    Scheduler,
    SystemClock,
    describe_problem,
    due_at,
    local_timezone,
    missed_count,
    next_fire_after,
    validate_cron,
)

pytestmark = pytest.mark.timeout(10)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# ── Due-time table ────────────────────────────────────────────────────────

DUE_CASES = [
    # (cron, zone, after (UTC), expected first fire (UTC))
    pytest.param("* * * * *", UTC, utc(2026, 5, 4, 12, 0, 30), utc(2026, 5, 4, 12, 1), id="every-minute"),
    pytest.param("* * * * *", UTC, utc(2026, 5, 4, 12, 1), utc(2026, 5, 4, 12, 2), id="strictly-after"),
    # Friday 2026-03-06 09:00 CET -> Monday 09:00 CET
    pytest.param("0 9 * * 1-5", BERLIN, utc(2026, 3, 6, 8), utc(2026, 3, 9, 8), id="weekdays-fri-to-mon"),
    pytest.param("0 9 * * mon-fri", NEW_YORK, utc(2026, 3, 6, 14), utc(2026, 3, 9, 13), id="weekdays-ny-dst-monday"),
    pytest.param("0 18 L * *", BERLIN, utc(2026, 2, 1), utc(2026, 2, 28, 17), id="last-day-feb"),
    pytest.param("0 18 L * *", BERLIN, utc(2028, 2, 1), utc(2028, 2, 29, 17), id="last-day-leap-feb"),
    pytest.param("0 18 L * *", BERLIN, utc(2026, 4, 1), utc(2026, 4, 30, 16), id="last-day-april-cest"),
    pytest.param("0 0 28-31 * *", UTC, utc(2026, 2, 28, 0), utc(2026, 3, 28), id="28-31-skips-to-march"),
    pytest.param("0 0 31 * *", UTC, utc(2026, 4, 1), utc(2026, 5, 31), id="31st-skips-april"),
    # Europe/Berlin spring forward 2026-03-29: 02:00 CET -> 03:00 CEST at 01:00 UTC
    pytest.param("30 2 * * *", BERLIN, utc(2026, 3, 28, 12), utc(2026, 3, 29, 1), id="berlin-spring-0230-at-jump"),
    pytest.param("30 2 * * *", BERLIN, utc(2026, 3, 29, 1), utc(2026, 3, 30, 0, 30), id="berlin-spring-daily-next-day"),
    pytest.param("*/15 2 * * *", BERLIN, utc(2026, 3, 28, 12), utc(2026, 3, 29, 1), id="berlin-spring-gap-coalesces"),
    pytest.param("*/15 2 * * *", BERLIN, utc(2026, 3, 29, 1), utc(2026, 3, 30, 0), id="berlin-spring-gap-once"),
    pytest.param("0 * * * *", BERLIN, utc(2026, 3, 29, 0), utc(2026, 3, 29, 1), id="berlin-spring-hourly-1h-real"),
    pytest.param("30 * * * *", BERLIN, utc(2026, 3, 29, 0, 30), utc(2026, 3, 29, 1, 30), id="berlin-spring-hourly-30"),
    # Europe/Berlin fall back 2026-10-25: 03:00 CEST -> 02:00 CET at 01:00 UTC; 02:xx twice
    pytest.param("30 2 * * *", BERLIN, utc(2026, 10, 24, 12), utc(2026, 10, 25, 0, 30), id="berlin-fall-daily-first"),
    pytest.param("30 2 * * *", BERLIN, utc(2026, 10, 25, 0, 30), utc(2026, 10, 26, 1, 30), id="berlin-fall-daily-once"),
    pytest.param("30 2 * * *", BERLIN, utc(2026, 10, 25, 0, 45), utc(2026, 10, 26, 1, 30), id="berlin-fall-in-fold"),
    pytest.param("0 * * * *", BERLIN, utc(2026, 10, 25, 0), utc(2026, 10, 25, 1), id="berlin-fall-hourly-repeats"),
    pytest.param("0 * * * *", BERLIN, utc(2026, 10, 25, 1), utc(2026, 10, 25, 2), id="berlin-fall-hourly-after"),
    pytest.param("*/20 * * * *", BERLIN, utc(2026, 10, 25, 0, 50), utc(2026, 10, 25, 1), id="berlin-fall-fold-order"),
    # America/New_York spring forward 2026-03-08: 02:00 EST -> 03:00 EDT at 07:00 UTC
    pytest.param("30 2 * * *", NEW_YORK, utc(2026, 3, 7, 12), utc(2026, 3, 8, 7), id="ny-spring-daily-0230-at-jump"),
    pytest.param("30 2 * * *", NEW_YORK, utc(2026, 3, 8, 7), utc(2026, 3, 9, 6, 30), id="ny-spring-daily-next-day"),
    pytest.param("0 * * * *", NEW_YORK, utc(2026, 3, 8, 6), utc(2026, 3, 8, 7), id="ny-spring-hourly"),
    # America/New_York fall back 2026-11-01: 02:00 EDT -> 01:00 EST at 06:00 UTC; 01:xx twice
    pytest.param("30 2 * * *", NEW_YORK, utc(2026, 10, 31, 12), utc(2026, 11, 1, 7, 30), id="ny-fall-daily-0230-plain"),
    pytest.param("30 1 * * *", NEW_YORK, utc(2026, 10, 31, 12), utc(2026, 11, 1, 5, 30), id="ny-fall-daily-0130-first"),
    pytest.param("30 1 * * *", NEW_YORK, utc(2026, 11, 1, 5, 30), utc(2026, 11, 2, 6, 30), id="ny-fall-0130-once"),
    pytest.param("0 * * * *", NEW_YORK, utc(2026, 11, 1, 5), utc(2026, 11, 1, 6), id="ny-fall-hourly-repeats"),
    pytest.param("@hourly", NEW_YORK, utc(2026, 11, 1, 6), utc(2026, 11, 1, 7), id="ny-fall-hourly-alias"),
]


@pytest.mark.parametrize(("cron", "zone", "after", "expected"), DUE_CASES)
def test_next_fire_after_table(cron, zone, after, expected):
    """The first fire time after a moment, read in local wall time, comes back as aware UTC."""
    got = next_fire_after(cron, after, zone)
    assert got == expected
    assert got.tzinfo is UTC


@pytest.mark.parametrize(("cron", "zone", "after", "expected"), DUE_CASES)
def test_due_at_table(cron, zone, after, expected):
    """An agent that last ran at `after` is due at the next fire time."""
    agent = AgentSchedule("a", "A", cron, True, after)
    assert due_at(agent, zone) == expected


@pytest.mark.parametrize(
    ("zone", "start", "cron", "count", "first", "last"),
    [
        (BERLIN, utc(2026, 3, 28, 22), "0 * * * *", 24, utc(2026, 3, 28, 23), utc(2026, 3, 29, 22)),
        (BERLIN, utc(2026, 10, 24, 22), "0 * * * *", 24, utc(2026, 10, 24, 23), utc(2026, 10, 25, 22)),
        (NEW_YORK, utc(2026, 3, 8, 4), "0 * * * *", 24, utc(2026, 3, 8, 5), utc(2026, 3, 9, 4)),
        (NEW_YORK, utc(2026, 11, 1, 3), "0 * * * *", 24, utc(2026, 11, 1, 4), utc(2026, 11, 2, 3)),
    ],
)
def test_hourly_stays_one_real_hour_apart_across_dst(zone, start, cron, count, first, last):
    """An hourly job fires every real hour through both DST changes: none lost, none doubled."""
    fires, moment = [], start
    for _ in range(count):
        moment = next_fire_after(cron, moment, zone)
        fires.append(moment)
    assert fires[0] == first and fires[-1] == last
    assert {b - a for a, b in itertools.pairwise(fires)} == {timedelta(hours=1)}


@pytest.mark.parametrize(
    ("zone", "day"),
    [(BERLIN, (2026, 3, 29)), (BERLIN, (2026, 10, 25)), (NEW_YORK, (2026, 3, 8)), (NEW_YORK, (2026, 11, 1))],
)
def test_daily_0230_fires_exactly_once_on_dst_days(zone, day):
    """A daily 02:30 fires once on each DST-change day, neither skipped nor doubled."""
    day_start = datetime(*day, tzinfo=zone).astimezone(UTC)
    day_end = (datetime(*day, tzinfo=zone) + timedelta(days=1)).astimezone(UTC)
    fires, moment = [], day_start - timedelta(seconds=1)
    while (moment := next_fire_after("30 2 * * *", moment, zone)) < day_end:
        fires.append(moment)
    assert len(fires) == 1


INVALID = ["", "   ", "* * *", "61 * * * *", "not a cron", "* * * * * * * *", "* * * * * *",
           "0 0 30 2 *", "@reboot", "0 24 * * *"]


@pytest.mark.parametrize("cron", INVALID)
def test_invalid_cron_is_config_error_and_never_due(cron):
    """An invalid schedule raises ConfigError naming schedule_cron, and the agent is never due."""
    with pytest.raises(ConfigError) as info:
        validate_cron(cron)
    assert info.value.field == "schedule_cron" and info.value.message
    with pytest.raises(ConfigError):
        next_fire_after(cron, utc(2026, 1, 1), UTC)
    never_ran = AgentSchedule("a", "A", cron, True, None)
    ran = AgentSchedule("a", "A", cron, True, utc(2026, 1, 1))
    assert due_at(never_ran, UTC) is None and due_at(ran, UTC) is None
    assert missed_count(ran, UTC, utc(2027, 1, 1)) == 0


def test_validate_cron_names_the_bad_field_and_normalises():
    """Messages point at the field at fault; valid input comes back with tidy whitespace."""
    with pytest.raises(ConfigError, match="minute field '61'"):
        validate_cron("61 * * * *")
    with pytest.raises(ConfigError, match="seconds"):
        validate_cron("0 0 9 * * *")
    assert validate_cron("  0\t9 * *  1-5 ") == "0 9 * * 1-5"
    assert validate_cron("@Daily") == "@daily"


def test_describe_problem_only_for_invalid_cron():
    """The UI gets a sentence for an unusable schedule and nothing otherwise."""
    assert "never runs on its own" in describe_problem(AgentSchedule("a", "A", "61 * * * *", True, None))
    assert describe_problem(AgentSchedule("a", "A", "0 9 * * *", True, None)) is None
    assert describe_problem(AgentSchedule("a", "A", None, True, None)) is None


def test_never_run_agent_is_due_at_its_next_slot_after_creation():
    """A never-run agent is due at the first slot after its creation (not at once); unknown age: the epoch."""
    created = utc(2026, 5, 1, 8)  # 10:00 in Berlin, after that day's 09:00
    assert due_at(AgentSchedule("a", "A", "0 9 * * *", True, None, created), BERLIN) == utc(2026, 5, 2, 7)
    assert due_at(AgentSchedule("a", "A", "0 9 * * *", True, None), BERLIN) == EPOCH
    assert missed_count(AgentSchedule("a", "A", "* * * * *", True, None), UTC, utc(2026, 5, 1)) == 1


def test_a_saved_schedule_never_fires_a_slot_from_before_it_was_saved():
    """Due at the first slot after the later of the last run and the schedule's saved-at time."""
    weekdays = "0 9 * * 1-5"
    saved = utc(2026, 5, 4, 9, 30)  # Monday 09:30 UTC: today's 09:00 slot is already past
    never_ran = AgentSchedule("a", "A", weekdays, True, None, utc(2026, 1, 1), schedule_saved_at=saved)
    assert due_at(never_ran, UTC) == utc(2026, 5, 5, 9)
    assert missed_count(never_ran, UTC, utc(2026, 5, 4, 23)) == 0
    # edited on Monday 09:30 after a run on Friday: Monday 09:00 was before the edit, so it is not owed
    edited = replace(never_ran, last_run_at=utc(2026, 5, 1, 9))
    assert due_at(edited, UTC) == utc(2026, 5, 5, 9)
    # a run after the save counts from the run
    ran_since = replace(never_ran, last_run_at=utc(2026, 5, 5, 9, 1))
    assert due_at(ran_since, UTC) == utc(2026, 5, 6, 9)
    # two slots missed after the save (the app was closed) are one catch-up run
    assert missed_count(never_ran, UTC, utc(2026, 5, 6, 12)) == 2


def test_disabled_and_manual_only_agents_are_never_due():
    """Disabled agents and agents without a schedule never fire on their own."""
    assert due_at(AgentSchedule("a", "A", "* * * * *", False, None), UTC) is None
    assert due_at(AgentSchedule("a", "A", None, True, None), UTC) is None
    assert due_at(AgentSchedule("a", "A", "", True, utc(2026, 1, 1)), UTC) is None


def test_missed_count_is_capped():
    """Missed fire times in (last_run_at, now] are counted up to the limit."""
    agent = AgentSchedule("a", "A", "0 * * * *", True, utc(2026, 5, 1, 9))
    assert missed_count(agent, UTC, utc(2026, 5, 1, 9, 59)) == 0
    assert missed_count(agent, UTC, utc(2026, 5, 1, 10)) == 1
    assert missed_count(agent, UTC, utc(2026, 5, 4, 10)) == 2
    assert missed_count(agent, UTC, utc(2026, 5, 4, 10), limit=10) == 10


def test_local_timezone_prefers_a_named_zone(monkeypatch):
    """With TZ naming a zone, the scheduler's default zone is that ZoneInfo, not a fixed offset."""
    if not hasattr(time, "tzset"):
        pytest.skip("no tzset on this platform")
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        zone = local_timezone()
        assert isinstance(zone, ZoneInfo) and zone.key == "America/New_York"
    finally:
        monkeypatch.undo()
        time.tzset()
    assert local_timezone().utcoffset(datetime.now()) == datetime.now().astimezone().utcoffset()


# ── The loop, on a fake clock ─────────────────────────────────────────────


class FakeClock:
    """Fake wall and monotonic time. The scheduler's sleeps block until the test moves time on."""

    def __init__(self, wall: datetime):
        self.wall = wall
        self.mono = 1000.0
        self.sleeps: list[float] = []
        self._deadline: float | None = None
        self._sleeping = asyncio.Event()
        self._tick = asyncio.Event()

    def now(self) -> datetime:
        return self.wall

    def monotonic(self) -> float:
        return self.mono

    async def sleep(self, seconds: float, wake: asyncio.Event) -> None:
        self.sleeps.append(seconds)
        deadline = self.mono + seconds
        try:
            await asyncio.sleep(0)
            while not wake.is_set() and self.mono < deadline:
                self._deadline = deadline
                self._tick.clear()
                self._sleeping.set()
                waiters = [asyncio.ensure_future(self._tick.wait()), asyncio.ensure_future(wake.wait())]
                try:
                    await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
                finally:
                    for waiter in waiters:
                        waiter.cancel()
        finally:
            self._sleeping.clear()
            self._deadline = None

    async def idle(self) -> None:
        """Wait until the scheduler sleeps."""
        await asyncio.wait_for(self._sleeping.wait(), 2)

    async def advance(self, seconds: float, *, wall: float | None = None, settle: bool = True) -> None:
        """Move monotonic time by `seconds` and wall time by `wall` (default the same)."""
        self._sleeping.clear()
        self.mono += seconds
        self.wall += timedelta(seconds=seconds if wall is None else wall)
        self._tick.set()
        if settle:
            await self.idle()

    async def nudge(self, action) -> None:
        """Do `action` (e.g. notify_changed) and wait until the scheduler sleeps again."""
        self._sleeping.clear()
        action()
        await self.idle()

    async def pass_time_until(self, until: datetime) -> None:
        """Let time pass in the steps the scheduler sleeps, until the wall clock reaches `until`."""
        while self.wall < until:
            await self.idle()
            step = min(self._deadline - self.mono, (until - self.wall).total_seconds())
            await self.advance(step)


class FakeAgents:
    """Agents as the store would hold them; start_run records runs and sets last_run_at like the runner."""

    def __init__(self, clock: FakeClock, *agents: AgentSchedule):
        self.clock = clock
        self.agents = {a.id: a for a in agents}
        self.started: list[tuple[str, str]] = []
        self.running: set[str] = set()
        self.gate: asyncio.Event | None = None
        self.list_errors = 0
        self.failing: set[str] = set()

    async def list_agents(self) -> list[AgentSchedule]:
        if self.list_errors:
            self.list_errors -= 1
            raise RuntimeError("database is locked")
        return list(self.agents.values())

    async def start_run(self, agent_id: str, trigger: str) -> dict:
        self.started.append((agent_id, trigger))
        if agent_id in self.failing:
            raise RuntimeError("engine exploded")
        self.running.add(agent_id)
        self.agents[agent_id] = replace(self.agents[agent_id], last_run_at=self.clock.now())
        try:
            if self.gate is not None:
                await self.gate.wait()
        finally:
            self.running.discard(agent_id)
        return {"status": "success"}

    def is_running(self, agent_id: str) -> bool:
        return agent_id in self.running


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(utc(2026, 5, 4, 9, 30))


@pytest.fixture
def loop_events() -> list[tuple[str, dict]]:
    return []


@pytest.fixture
async def harness(clock, loop_events):
    """A scheduler on the fake clock, running in a task; stopped and awaited afterwards."""
    made: list[tuple[Scheduler, asyncio.Task]] = []

    def start(*agents: AgentSchedule, **kwargs) -> tuple[Scheduler, FakeAgents]:
        store = FakeAgents(clock, *agents)
        sched = Scheduler(
            list_agents=store.list_agents, start_run=store.start_run, is_running=store.is_running,
            clock=clock, tz=kwargs.pop("tz", UTC), on_event=lambda e: loop_events.append((e.name, e.payload())),
            **kwargs,
        )
        made.append((sched, asyncio.create_task(sched.run())))
        return sched, store

    yield start
    for sched, task in made:
        sched.stop()
        await asyncio.wait_for(task, 2)


async def until(predicate, turns: int = 200) -> None:
    """Let the loop run until `predicate()` holds (the scheduler is busy, so it never sleeps)."""
    for _ in range(turns):
        if predicate():
            return
        await asyncio.sleep(0)
    raise AssertionError("condition not reached")


def names(events: list[tuple[str, dict]], name: str) -> list[dict]:
    return [payload for event, payload in events if event == name]


def hourly(last: datetime | None = utc(2026, 5, 4, 9), agent_id: str = "a", cron: str = "0 * * * *"):
    return AgentSchedule(agent_id, agent_id.upper(), cron, True, last)


async def test_due_agent_starts_with_trigger_schedule(clock, harness, loop_events):
    """At its fire time an agent is started once with trigger "schedule", never sleeping past max_sleep."""
    _, store = harness(hourly())
    await clock.idle()
    assert store.started == []
    await clock.pass_time_until(utc(2026, 5, 4, 10))
    assert store.started == [("a", "schedule")]
    assert max(clock.sleeps) <= 60
    assert names(loop_events, "scheduler_did_start_run")[0]["trigger"] == "schedule"


async def test_fire_times_in_local_zone(clock, harness):
    """The loop reads schedules in its time zone: 12:00 Berlin (CEST) is 10:00 UTC."""
    _, store = harness(hourly(cron="0 12 * * *"), tz=BERLIN)
    await clock.pass_time_until(utc(2026, 5, 4, 9, 59))
    assert store.started == []
    await clock.pass_time_until(utc(2026, 5, 4, 10))
    assert store.started == [("a", "schedule")]


async def test_three_day_clock_jump_fires_one_catch_up(clock, harness, loop_events):
    """After a 3-day suspend an hourly agent runs once with trigger "catch_up", not 72 times."""
    _, store = harness(hourly())
    await clock.idle()
    await clock.advance(5, wall=3 * 86400 + 5)  # a suspend: wall time leaps, monotonic barely moves
    await clock.advance(55)
    assert store.started == [("a", "catch_up")]
    jumps = names(loop_events, "scheduler_did_detect_clock_jump")
    assert len(jumps) == 1 and jumps[0]["jump_seconds"] == pytest.approx(3 * 86400)
    next_hour = clock.wall.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    await clock.pass_time_until(next_hour)
    assert store.started == [("a", "catch_up"), ("a", "schedule")]


async def test_slow_run_never_overlaps(clock, harness):
    """While a run is in progress the same agent is not started again, however often it falls due."""
    sched, store = harness(hourly(cron="* * * * *", last=utc(2026, 5, 4, 9, 30)))
    store.gate = asyncio.Event()
    await clock.idle()
    await clock.advance(60, settle=False)
    await until(lambda: store.is_running("a"))
    assert store.started == [("a", "schedule")]
    for _ in range(5):  # five more minutes pass; the agent falls due again and again
        await clock.advance(60, settle=False)
        sched.notify_changed()
        for _ in range(20):
            await asyncio.sleep(0)
    assert store.started == [("a", "schedule")]
    store.gate.set()
    await clock.idle()
    assert store.started == [("a", "schedule"), ("a", "catch_up")]


async def test_agent_already_running_is_skipped(clock, harness, loop_events):
    """A due agent that is already running (e.g. a manual run) is skipped with an event, then runs later."""
    _, store = harness(hourly())
    store.running.add("a")
    await clock.pass_time_until(utc(2026, 5, 4, 10))
    assert store.started == []
    assert names(loop_events, "scheduler_did_skip") == [
        {"agent_id": "a", "reason": "already_running", "due_at": "2026-05-04T10:00:00+00:00"}
    ]
    store.running.clear()
    await clock.pass_time_until(utc(2026, 5, 4, 10, 59))
    assert store.started == []
    await clock.pass_time_until(utc(2026, 5, 4, 11))
    assert store.started == [("a", "schedule")]


async def test_notify_changed_wakes_the_loop_at_once(clock, harness):
    """A newly added agent runs as soon as notify_changed is called, without waiting max_sleep."""
    sched, store = harness(max_sleep=3600)
    await clock.idle()
    before = clock.wall
    store.agents["new"] = AgentSchedule("new", "New", "0 9 * * *", True, None)
    await clock.nudge(sched.notify_changed)
    assert store.started == [("new", "schedule")]
    assert clock.wall == before


async def test_saving_a_schedule_waits_for_its_next_slot_on_a_fixed_clock(clock, harness):
    """A schedule saved at 09:30 whose 09:00 slot has passed fires at 10:00, not on save."""
    sched, store = harness(max_sleep=3600)
    await clock.idle()
    saved = clock.now()
    assert saved == utc(2026, 5, 4, 9, 30)
    store.agents["new"] = AgentSchedule("new", "New", "0 9,10 * * *", True, None, saved, schedule_saved_at=saved)
    await clock.nudge(sched.notify_changed)
    assert store.started == []  # saving does not start a run for the 09:00 slot
    await clock.pass_time_until(utc(2026, 5, 4, 9, 59, 59))
    assert store.started == []
    await clock.pass_time_until(utc(2026, 5, 4, 10))
    assert store.started == [("new", "schedule")]


async def test_due_agents_run_one_at_a_time_in_due_order(clock, harness):
    """Several due agents start one after another, earliest due first."""
    agents = [
        hourly(agent_id="late", last=utc(2026, 5, 4, 9, 20), cron="25 * * * *"),
        hourly(agent_id="early", last=utc(2026, 5, 4, 9, 5), cron="10 * * * *"),
        hourly(agent_id="never", last=None),
    ]
    _, store = harness(*agents)
    await clock.idle()
    assert store.started == [("never", "schedule"), ("early", "schedule"), ("late", "schedule")]


async def test_list_agents_error_does_not_end_the_loop(clock, harness, loop_events):
    """A failing list_agents is reported and retried after a short back-off; the loop goes on."""
    sched, store = harness(hourly(last=None))
    store.list_errors = 1
    await clock.idle()
    assert store.started == [] and clock.sleeps == [1.0]
    assert names(loop_events, "scheduler_did_fail")[0]["stage"] == "list_agents"
    await clock.advance(1)
    assert store.started == [("a", "schedule")]
    assert sched.next_run_at == utc(2026, 5, 4, 10)


async def test_failing_run_is_reported_and_not_retried_at_once(clock, harness, loop_events):
    """A start_run that raises is reported; other agents still run and the failed one waits for its next time."""
    _, store = harness(hourly(agent_id="bad", last=None), hourly(agent_id="good", last=None))
    store.failing.add("bad")
    await clock.idle()
    assert store.started == [("bad", "schedule"), ("good", "schedule")]
    assert [p["agent_id"] for p in names(loop_events, "scheduler_did_fail")] == ["bad"]
    await clock.pass_time_until(utc(2026, 5, 4, 9, 59))
    assert store.started == [("bad", "schedule"), ("good", "schedule")]
    await clock.pass_time_until(utc(2026, 5, 4, 10))
    assert sorted(store.started[2:]) == [("bad", "schedule"), ("good", "schedule")]


async def test_is_running_error_and_bad_data_do_not_end_the_loop(clock, harness, loop_events):
    """A raising is_running skips that agent; junk from list_agents is reported and retried."""
    sched, store = harness(hourly(last=None))

    def broken(agent_id: str) -> bool:
        raise RuntimeError("runner gone")

    sched._is_running = broken
    await clock.idle()
    assert store.started == []
    assert names(loop_events, "scheduler_did_fail")[-1]["stage"] == "is_running"
    sched._is_running = store.is_running
    store.agents["junk"] = None
    await clock.nudge(sched.notify_changed)
    assert names(loop_events, "scheduler_did_fail")[-1]["stage"] == "cycle"
    del store.agents["junk"]
    store.agents["b"] = hourly(agent_id="b", last=None)
    await clock.advance(1)
    assert store.started == [("b", "schedule")]


async def test_on_event_error_does_not_end_the_loop(clock):
    """A listener that raises is logged; runs still start."""
    store = FakeAgents(clock, hourly(last=None))

    def boom(event):
        raise RuntimeError("listener bug")

    sched = Scheduler(list_agents=store.list_agents, start_run=store.start_run, is_running=store.is_running,
                      clock=clock, tz=UTC, on_event=boom)
    task = asyncio.create_task(sched.run())
    await clock.idle()
    assert store.started == [("a", "schedule")]
    sched.stop()
    await asyncio.wait_for(task, 1)


async def test_invalid_cron_reported_once_and_never_started(clock, harness, loop_events):
    """An agent with a broken schedule is reported once, not on every wake, and never started."""
    _, store = harness(hourly(cron="61 * * * *", last=None))
    await clock.pass_time_until(utc(2026, 5, 4, 9, 35))
    assert store.started == []
    reports = names(loop_events, "scheduler_did_report_invalid_cron")
    assert len(reports) == 1 and reports[0]["agent_id"] == "a" and "minute" in reports[0]["message"]


async def test_last_run_in_the_future_does_not_block(clock, harness):
    """A last_run_at after now (clock set back) counts as the moment it was seen; the schedule carries on."""
    _, store = harness(hourly(last=utc(2026, 5, 7, 9)))
    await clock.pass_time_until(utc(2026, 5, 4, 9, 59))
    assert store.started == []
    await clock.pass_time_until(utc(2026, 5, 4, 10))
    assert store.started == [("a", "schedule")]


async def test_stop_ends_the_loop(clock, loop_events):
    """stop() ends run() promptly, also when called before the loop got going."""
    store = FakeAgents(clock, hourly())
    sched = Scheduler(list_agents=store.list_agents, start_run=store.start_run, is_running=store.is_running,
                      clock=clock, tz=UTC, on_event=lambda e: loop_events.append((e.name, e.payload())))
    task = asyncio.create_task(sched.run())
    await clock.idle()
    sched.stop()
    await asyncio.wait_for(task, 1)
    assert names(loop_events, "scheduler_did_change")[-1]["paused"] is True
    sched.stop()
    await asyncio.wait_for(sched.run(), 1)


async def test_stop_during_a_run_leaves_the_run_going(clock):
    """stop() while a run is in progress ends the loop at once; the run itself is not cancelled."""
    store = FakeAgents(clock, hourly(last=None))
    store.gate = asyncio.Event()
    sched = Scheduler(list_agents=store.list_agents, start_run=store.start_run, is_running=store.is_running,
                      clock=clock, tz=UTC)
    task = asyncio.create_task(sched.run())
    await until(lambda: store.is_running("a"))
    sched.stop()
    await asyncio.wait_for(task, 1)
    assert store.is_running("a")
    store.gate.set()
    await until(lambda: not store.is_running("a"))


async def test_cancelling_run_is_safe_and_it_can_run_again(clock):
    """Cancelling run() while it sleeps ends it cleanly; run() can be started again later."""
    store = FakeAgents(clock, hourly())
    sched = Scheduler(list_agents=store.list_agents, start_run=store.start_run, is_running=store.is_running,
                      clock=clock, tz=UTC)
    task = asyncio.create_task(sched.run())
    await clock.idle()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    again = asyncio.create_task(sched.run())
    await clock.idle()
    sched.stop()
    await asyncio.wait_for(again, 1)


async def test_system_clock_sleep_returns_early_on_wake():
    """The real clock's sleep ends as soon as the wake event is set."""
    clock, wake = SystemClock(), asyncio.Event()
    asyncio.get_running_loop().call_later(0.01, wake.set)
    started = time.monotonic()
    await clock.sleep(5, wake)
    assert time.monotonic() - started < 1
    assert clock.now().tzinfo is UTC
    await clock.sleep(0.01, asyncio.Event())


def test_scheduler_does_not_import_qt_store_or_bridge():
    """Importing the scheduler pulls in no Qt, no store and no bridge."""
    code = (
        "import sys, agents.scheduler; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'bridge', 'desktop') "
        "or m == 'agents.store']; print(bad); assert not bad"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30,
                          cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stdout + done.stderr
