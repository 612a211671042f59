"""Meetings and their registrations.

A change to a meeting's registrations starts with `take_number`: one update of the
meeting's own counter, which returns the next place in the queue and, until the
transaction ends, holds the meeting's row (a row lock on PostgreSQL, the write lock on
SQLite). Two members clicking at the same moment are so served one after the other,
each seeing the other's seat; and should anything slip past that order, a seat is
unique per meeting (uq_meeting_registration_seat), so the database refuses a second
holder rather than overselling.

Reminders, notices and the Discord event are work items (storage/work.py,
bot/meetings/jobs.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Meeting, MeetingRegistration

REGISTERED, WAITLISTED, CANCELLED = "registered", "waitlisted", "cancelled"
ACTIVE = (REGISTERED, WAITLISTED)


# ------------------------------------------------------------------ meetings
async def add_meeting(db: AsyncSession, row: Meeting) -> Meeting:
    db.add(row)
    await db.flush()
    return row


async def get(db: AsyncSession, meeting_id: int) -> Meeting | None:
    return await db.get(Meeting, meeting_id, populate_existing=True)


async def update_meeting(
    db: AsyncSession, meeting_id: int, now: datetime, **changes: Any
) -> Meeting:
    await db.execute(
        update(Meeting).where(Meeting.id == meeting_id).values(updated_at=now, **changes)
    )
    found = await get(db, meeting_id)
    assert found is not None  # noqa: S101 - updated just above
    return found


async def of_guild(db: AsyncSession, guild_id: int, since: datetime) -> list[Meeting]:
    """The guild's meetings starting after `since`, earliest first."""
    result = await db.execute(
        select(Meeting)
        .where(Meeting.guild_id == guild_id, Meeting.starts_at >= since)
        .order_by(Meeting.starts_at, Meeting.id)
    )
    return list(result.scalars())


async def upcoming(db: AsyncSession, guild_id: int, now: datetime) -> list[Meeting]:
    """Scheduled meetings not over yet (a meeting lasts at most 12 hours)."""
    found = await of_guild(db, guild_id, now - timedelta(hours=12))
    return [
        m
        for m in found
        if m.status == "scheduled" and m.starts_at + timedelta(minutes=m.minutes) > now
    ]


# ------------------------------------------------------------------ registrations
async def take_number(db: AsyncSession, meeting_id: int) -> int | None:
    """The next place in the meeting's queue; holds the meeting's row until commit.
    None when the meeting does not exist. Called first in its transaction: on SQLite a
    write taken first waits its turn, where a read first could be refused mid-way."""
    taken = await db.execute(
        update(Meeting)
        .where(Meeting.id == meeting_id)
        .values(registrations_numbered=Meeting.registrations_numbered + 1)
        .returning(Meeting.registrations_numbered)
    )
    number = taken.scalar_one_or_none()
    return int(number) if number is not None else None


async def registration(
    db: AsyncSession, meeting_id: int, member_id: int
) -> MeetingRegistration | None:
    result = await db.execute(
        select(MeetingRegistration)
        .where(
            MeetingRegistration.meeting_id == meeting_id,
            MeetingRegistration.member_id == member_id,
        )
        .execution_options(populate_existing=True)
    )
    return result.scalars().first()


async def taken_seats(db: AsyncSession, meeting_id: int) -> frozenset[int]:
    result = await db.execute(
        select(MeetingRegistration.seat).where(
            MeetingRegistration.meeting_id == meeting_id,
            MeetingRegistration.seat.is_not(None),
        )
    )
    return frozenset(int(seat) for seat in result.scalars() if seat is not None)


async def waiting(
    db: AsyncSession, meeting_id: int, limit: int | None = None
) -> list[MeetingRegistration]:
    """The waitlist (its first `limit`), first in line first."""
    query = (
        select(MeetingRegistration)
        .where(
            MeetingRegistration.meeting_id == meeting_id,
            MeetingRegistration.state == WAITLISTED,
        )
        .order_by(MeetingRegistration.seq)
        .execution_options(populate_existing=True)
    )
    if limit is not None:
        query = query.limit(limit)
    return list((await db.execute(query)).scalars())


async def queue_length(db: AsyncSession, meeting_id: int, up_to_seq: int | None = None) -> int:
    """How many wait (up to and including the place `up_to_seq`: a waiting member's
    position)."""
    query = select(func.count()).where(
        MeetingRegistration.meeting_id == meeting_id,
        MeetingRegistration.state == WAITLISTED,
    )
    if up_to_seq is not None:
        query = query.where(MeetingRegistration.seq <= up_to_seq)
    return int((await db.execute(query)).scalar() or 0)


async def save(db: AsyncSession, row: MeetingRegistration) -> MeetingRegistration:
    """Insert a first registration, or write a changed one."""
    db.add(row)
    await db.flush()
    return row


async def registrations(db: AsyncSession, meeting_id: int) -> list[MeetingRegistration]:
    result = await db.execute(
        select(MeetingRegistration)
        .where(MeetingRegistration.meeting_id == meeting_id)
        .order_by(MeetingRegistration.seq)
    )
    return list(result.scalars())


async def active_members(db: AsyncSession, meeting_id: int) -> list[int]:
    """Who is registered or waiting, in queue order."""
    result = await db.execute(
        select(MeetingRegistration.member_id)
        .where(
            MeetingRegistration.meeting_id == meeting_id,
            MeetingRegistration.state.in_(ACTIVE),
        )
        .order_by(MeetingRegistration.seq)
    )
    return [int(member_id) for member_id in result.scalars()]


@dataclass(frozen=True)
class Counts:
    seated: int = 0  # in person, with a seat (or with no limit)
    waitlisted: int = 0
    online: int = 0
    closed_dms: int = 0  # registrants whose DMs were found closed

    @property
    def registered(self) -> int:
        return self.seated + self.waitlisted + self.online


async def counts(db: AsyncSession, meeting_ids: Sequence[int]) -> dict[int, Counts]:
    """Every asked meeting present, with its numbers."""
    found: dict[int, dict[str, int]] = {m: {} for m in meeting_ids}
    if not meeting_ids:
        return {}
    reg = MeetingRegistration
    rows = await db.execute(
        select(reg.meeting_id, reg.mode, reg.state, reg.dm_status, func.count())
        .where(reg.meeting_id.in_(list(meeting_ids)), reg.state.in_(ACTIVE))
        .group_by(reg.meeting_id, reg.mode, reg.state, reg.dm_status)
    )
    for meeting_id, mode, state, dm_status, number in rows.all():
        tally = found[meeting_id]
        name = "waitlisted" if state == WAITLISTED else "online" if mode == "online" else "seated"
        tally[name] = tally.get(name, 0) + int(number)
        if dm_status == "closed":
            tally["closed_dms"] = tally.get("closed_dms", 0) + int(number)
    return {meeting_id: Counts(**tally) for meeting_id, tally in found.items()}


async def set_dm_status(db: AsyncSession, meeting_id: int, member_id: int, status: str) -> None:
    await db.execute(
        update(MeetingRegistration)
        .where(
            MeetingRegistration.meeting_id == meeting_id,
            MeetingRegistration.member_id == member_id,
            MeetingRegistration.dm_status != status,
        )
        .values(dm_status=status)
    )


async def registered_meetings(db: AsyncSession, guild_id: int, member_id: int) -> list[Meeting]:
    """The meetings a member registered for and did not leave (cancelled ones included:
    a calendar learns of the cancellation from them)."""
    result = await db.execute(
        select(Meeting)
        .join(MeetingRegistration, MeetingRegistration.meeting_id == Meeting.id)
        .where(
            Meeting.guild_id == guild_id,
            MeetingRegistration.member_id == member_id,
            MeetingRegistration.state.in_(ACTIVE),
        )
        .order_by(Meeting.starts_at, Meeting.id)
    )
    return list(result.scalars())


async def mine(
    db: AsyncSession, member_id: int, meeting_ids: Sequence[int]
) -> dict[int, MeetingRegistration]:
    """The member's registrations to these meetings, by meeting."""
    if not meeting_ids:
        return {}
    result = await db.execute(
        select(MeetingRegistration).where(
            MeetingRegistration.member_id == member_id,
            MeetingRegistration.meeting_id.in_(list(meeting_ids)),
        )
    )
    return {r.meeting_id: r for r in result.scalars()}
