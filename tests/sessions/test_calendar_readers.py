"""The calendar file read back by two independent parsers — icalendar and Mozilla's
ical.js (Thunderbird's) — which must agree with each other, with the database and
with the Discord event: the repeated hour of the October change, sessions across a
change lasting exactly their length, SEQUENCE and STATUS after a cancellation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import SipBot
from bot.sessions.files import CalendarEntry, build_calendar, sequence_of
from storage.database import session_factory
from storage.models import GroupSession
from tests.clock import MovableClock
from tests.fakediscord import FakeDiscord
from tests.sessions.helpers import published_group
from tests.sessions.readers import Read, read_both, read_with_icaljs

UPDATED = datetime(2027, 1, 10, 9, 0, tzinfo=UTC)
FIRST_0230 = datetime(2027, 10, 31, 0, 30, tzinfo=UTC)  # 02:30 CEST, the first 02:30
SECOND_0230 = datetime(2027, 10, 31, 1, 30, tzinfo=UTC)  # 02:30 CET, the second one
SPRING_0100 = datetime(2027, 3, 28, 0, 0, tzinfo=UTC)  # 01:00 CET; +3 h = 05:00 CEST
AUTUMN_0000 = datetime(2027, 10, 30, 22, 0, tzinfo=UTC)  # 00:00 CEST; +3 h = 02:00 CET


def entry(key: str, starts_at: datetime, minutes: int = 180, status: str = "scheduled",
          version: int = 1) -> CalendarEntry:  # fmt: skip
    return CalendarEntry(
        uid_key=key, title=f"séance {key}", starts_at=starts_at, minutes=minutes, status=status,
        sequence=sequence_of(version, status), location=None, url=None, description="",
        updated_at=UPDATED,
    )  # fmt: skip


@pytest.mark.parametrize("zone", ["Europe/Paris", "Europe/Brussels"])
def test_both_02_30_of_the_october_night_read_the_same_instant_in_both_parsers(
    zone: str,
) -> None:
    data = build_calendar([entry("first", FIRST_0230), entry("second", SECOND_0230)], zone, "x")
    read = read_both(data)
    assert read["session-first@sipbot"].start == FIRST_0230
    assert read["session-second@sipbot"].start == SECOND_0230
    assert FIRST_0230.astimezone(ZoneInfo(zone)).strftime("%H:%M") == "02:30"
    assert b"DTSTART:20271031T003000Z\r\n" in data and b"TZID" not in data


@pytest.mark.parametrize(("start", "wall_hours"), [(SPRING_0100, 4), (AUTUMN_0000, 2)])
def test_a_session_across_a_change_lasts_its_three_hours_in_both_parsers(
    start: datetime, wall_hours: int
) -> None:
    zone = ZoneInfo("Europe/Paris")
    end = start + timedelta(hours=3)
    wall = end.astimezone(zone).replace(tzinfo=None) - start.astimezone(zone).replace(tzinfo=None)
    assert wall == timedelta(hours=wall_hours)  # what a wall-clock reader would report
    (read,) = read_both(build_calendar([entry("s", start)], "Europe/Paris", "x")).values()
    assert (read.start, read.end, read.minutes) == (start, end, 180)


def test_every_half_hour_around_every_change_reads_alike_in_both_parsers() -> None:
    """2026 to 2030, both changes, -3 h to +3 h in half hours, 30 and 180 minutes long:
    one file, each parser run once."""
    entries, expected = [], {}
    for year in range(2026, 2031):
        for month in (3, 10):
            sunday = max(d for d in range(25, 32) if datetime(year, month, d).weekday() == 6)  # noqa: DTZ001 - a calendar date
            change = datetime(year, month, sunday, 1, 0, tzinfo=UTC)
            for step in range(-6, 7):
                for minutes in (30, 180):
                    start = change + timedelta(minutes=30 * step)
                    key = f"{start:%Y%m%dT%H%M}-{minutes}"
                    entries.append(entry(key, start, minutes))
                    expected[f"session-{key}@sipbot"] = (start, minutes)
    read = read_both(build_calendar(entries, "Europe/Paris", "x"))
    assert {uid: (r.start, r.minutes) for uid, r in read.items()} == expected
    assert all(r.end - r.start == timedelta(minutes=r.minutes) for r in read.values())


def test_sequence_grows_at_each_reschedule_and_at_the_cancellation() -> None:
    assert [sequence_of(v, "scheduled") for v in (1, 2, 3)] == [0, 1, 2]
    assert sequence_of(1, "done") == 0 and sequence_of(3, "done") == 2
    assert [sequence_of(v, "cancelled") for v in (1, 2)] == [1, 2]
    data = build_calendar(
        [entry("kept", SPRING_0100, version=2), entry("off", AUTUMN_0000, status="cancelled")],
        "Europe/Paris",
        "x",
    )
    method, read = read_with_icaljs(data)
    assert method == "PUBLISH"
    assert (read["session-kept@sipbot"].sequence, read["session-kept@sipbot"].status) == (
        1,
        "CONFIRMED",
    )
    assert (read["session-off@sipbot"].sequence, read["session-off@sipbot"].status) == (
        1,
        "CANCELLED",
    )


async def test_a_session_typed_in_the_repeated_hour_is_one_instant_everywhere(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    """Typed "31/10/2027 02h30" in Paris: the first 02:30 (00:30Z) in the database, in
    the Discord event and in both parsers; a session moved across the March change keeps
    its three hours; the cancellation raises SEQUENCE and reads CANCELLED."""
    group = await published_group(fake, sqlite_engine, clock)

    async def slash(name: str, **options: str) -> str:
        res = await fake.slash(name, user=group.facilitator, channel=group.channel,
                               options=options, locale="en-US")  # fmt: skip
        assert res.content is not None
        return res.content

    async def calendar() -> dict[str, Read]:
        res = await fake.slash("session ics", user=group.members[3], channel=group.channel)
        ((name, data),) = res.attachments
        assert name.endswith(".ics")
        return read_both(data)

    await slash("session schedule", start="2027-10-31 02:30")
    await slash("session schedule", start="31/10/2027 00h00")
    async with session_factory(sqlite_engine)() as db:
        rows = (await db.execute(select(GroupSession).order_by(GroupSession.id))).scalars()
        repeated, across = rows.all()
    assert repeated.starts_at == FIRST_0230 and across.starts_at == AUTUMN_0000
    for row in (repeated, across):
        event = fake.guild.events[row.event_id or 0]
        assert datetime.fromisoformat(event.scheduled_start_time) == row.starts_at
        assert event.scheduled_end_time is not None
        assert datetime.fromisoformat(event.scheduled_end_time) == row.starts_at + timedelta(
            hours=3
        )
    uid = f"session-{fake.guild.id}-{{}}@sipbot".format
    read = await calendar()
    for row in (repeated, across):
        end = row.starts_at + timedelta(hours=3)
        assert read[uid(row.id)] == Read(uid(row.id), 0, "CONFIRMED", row.starts_at, end, 180)
    moved = await slash("session reschedule", session=f"#{across.id}", start="28/03/2027 01h00")
    assert moved.startswith("Session 2 moved")
    assert "cancelled" in await slash("session cancel", session=f"#{repeated.id}")
    read = await calendar()
    assert (read[uid(across.id)].sequence, read[uid(across.id)].start) == (1, SPRING_0100)
    assert read[uid(across.id)].minutes == 180
    assert (read[uid(repeated.id)].sequence, read[uid(repeated.id)].status) == (1, "CANCELLED")
    assert read[uid(repeated.id)].start == FIRST_0230
    assert fake.guild.events[repeated.event_id or 0].status == 4  # cancelled in Discord too
