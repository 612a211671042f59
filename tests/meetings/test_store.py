"""Registrations in the database, on SQLite and PostgreSQL: clicks decided one after the
other even when they arrive together, seats unique, the queue in order, and the
queries behind the list, the attendees and the calendar."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.kit.work import WorkEngine
from bot.meetings import seats
from storage import meetings as store
from storage import work as work_store
from storage.database import session_factory
from storage.models import Meeting, MeetingRegistration
from tests.clock import MovableClock

GUILD = 2**62 + 13
NOW = datetime(2027, 1, 10, 9, 0, tzinfo=UTC)
START = NOW + timedelta(days=10)
OFFSETS = [10080, 1440, 60]


async def a_meeting(engine: AsyncEngine, capacity: int | None = 3) -> Meeting:
    async with session_factory(engine)() as db, db.begin():
        row = Meeting(guild_id=GUILD, title="Rencontre ouverte", starts_at=START, place="Lyon",
                      visio_url="https://v.example.org", capacity=capacity, created_at=NOW,
                      updated_at=NOW)  # fmt: skip
        return await store.add_meeting(db, row)


async def click(engine: AsyncEngine, meeting_id: int, member: int, wanted: str) -> seats.Choice:
    works = WorkEngine(session_factory(engine), MovableClock(NOW))
    async with session_factory(engine)() as db, db.begin():
        return await seats.choose(db, works, meeting_id, member, f"m{member}", wanted, OFFSETS, NOW)


async def rows(engine: AsyncEngine, meeting_id: int) -> list[MeetingRegistration]:
    async with session_factory(engine)() as db:
        return await store.registrations(db, meeting_id)


async def test_seats_waitlist_and_promotion_are_stored_with_their_work(engine: AsyncEngine) -> None:
    meeting = await a_meeting(engine)
    for member in range(1, 6):
        choice = await click(engine, meeting.id, member, "in_person")
    assert (choice.position, choice.counts) == (2, store.Counts(seated=3, waitlisted=2))
    cancelled = await click(engine, meeting.id, 2, "cancel")
    assert cancelled.promoted == [4]
    found = {r.member_id: (r.state, r.seat) for r in await rows(engine, meeting.id)}
    assert found == {1: ("registered", 1), 2: ("cancelled", None), 3: ("registered", 3),
                     4: ("registered", 2), 5: ("waitlisted", None)}  # fmt: skip
    async with session_factory(engine)() as db:
        notices = await work_store.items(db, kind="meeting_notice")
        reminders = await work_store.items(db, kind="meeting_reminder")
        assert await store.queue_length(db, meeting.id) == 1
    assert [n.key for n in notices] == [f"meeting_notice:{meeting.id}:promoted:4:4"]
    assert len(reminders) == 5 * len(OFFSETS)  # each registrant, each offset, once
    again = await click(engine, meeting.id, 2, "in_person")  # back, at the end of the line
    assert (again.after and again.after.state, again.position) == ("waitlisted", 2)
    async with session_factory(engine)() as db:
        assert len(await work_store.items(db, kind="meeting_reminder")) == 5 * len(OFFSETS)


@pytest.mark.parametrize("crowd", [24])
async def test_clicks_arriving_together_never_oversell(engine: AsyncEngine, crowd: int) -> None:
    meeting = await a_meeting(engine, capacity=5)
    choices = await asyncio.gather(
        *(click(engine, meeting.id, member, "in_person") for member in range(1, crowd + 1))
    )
    stored = await rows(engine, meeting.id)
    assert sorted(r.seat for r in stored if r.seat is not None) == [1, 2, 3, 4, 5]
    assert sum(r.state == "waitlisted" for r in stored) == crowd - 5
    assert sorted(c.position for c in choices if c.position) == list(range(1, crowd - 4))
    assert len({r.seq for r in stored}) == crowd
    # and the freed seats go in the order of the line, also when cancelled together
    seated = [r.member_id for r in stored if r.seat is not None]
    await asyncio.gather(*(click(engine, meeting.id, m, "cancel") for m in seated[:3]))
    line = [r.member_id for r in stored if r.state == "waitlisted"]
    now_seated = {r.member_id for r in await rows(engine, meeting.id) if r.seat is not None}
    assert now_seated == set(seated[3:]) | set(line[:3])


async def test_the_database_refuses_two_holders_of_one_seat(engine: AsyncEngine) -> None:
    meeting = await a_meeting(engine)
    with pytest.raises(IntegrityError):
        async with session_factory(engine)() as db, db.begin():
            for member, seq in ((1, 1), (2, 2)):
                db.add(MeetingRegistration(meeting_id=meeting.id, member_id=member, mode="in_person",
                                           state="registered", seq=seq, seat=1, registered_at=NOW,
                                           updated_at=NOW))  # fmt: skip
                await db.flush()


async def test_counts_calendar_and_the_readers_own_registrations(engine: AsyncEngine) -> None:
    meeting = await a_meeting(engine, capacity=1)
    other = await a_meeting(engine, capacity=None)
    await click(engine, meeting.id, 1, "in_person")
    await click(engine, meeting.id, 2, "in_person")
    await click(engine, meeting.id, 3, "online")
    await click(engine, other.id, 1, "online")
    await click(engine, other.id, 1, "cancel")
    async with session_factory(engine)() as db, db.begin():
        await store.set_dm_status(db, meeting.id, 3, "closed")
    async with session_factory(engine)() as db:
        counts = await store.counts(db, [meeting.id, other.id])
        assert counts[meeting.id] == store.Counts(seated=1, waitlisted=1, online=1, closed_dms=1)
        assert counts[other.id] == store.Counts() and counts[meeting.id].registered == 3
        assert [m.id for m in await store.registered_meetings(db, GUILD, 1)] == [meeting.id]
        assert [m.id for m in await store.registered_meetings(db, GUILD, 2)] == [meeting.id]
        assert await store.registered_meetings(db, GUILD + 1, 1) == []
        mine = await store.mine(db, 1, [meeting.id, other.id])
        assert {k: v.state for k, v in mine.items()} == {
            meeting.id: "registered",
            other.id: "cancelled",
        }
        assert await store.active_members(db, meeting.id) == [1, 2, 3]
        upcoming = await store.upcoming(db, GUILD, NOW)
        assert [m.id for m in upcoming] == [meeting.id, other.id]
        assert await store.upcoming(db, GUILD, START + timedelta(hours=3)) == []
