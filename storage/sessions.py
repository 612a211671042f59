"""Group sessions (numbered inside the database), RSVPs, minutes, and time polls
(candidate slots for a session and the votes cast by reaction).

Reminders are work items (storage/work.py, bot/sessions/jobs.py)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    GroupSession,
    Rsvp,
    SessionMinutes,
    TimePoll,
    TimeSlot,
    TimeVote,
    WorkGroup,
)
from storage.upsert import insert_ignore, table_of


# ------------------------------------------------------------------ sessions
async def add_session(db: AsyncSession, row: GroupSession) -> GroupSession:
    """Store a session under its group's next number. The number is taken by one
    update of the group's counter (a row lock on PostgreSQL, the write lock on SQLite)
    that returns the new count, so sessions scheduled at the same moment get distinct
    numbers instead of one of them failing on the unique (group, number)."""
    taken = await db.execute(
        update(WorkGroup)
        .where(WorkGroup.id == row.group_id)
        .values(sessions_numbered=WorkGroup.sessions_numbered + 1)
        .returning(WorkGroup.sessions_numbered)
    )
    row.number = int(taken.scalar_one())
    db.add(row)
    await db.flush()
    return row


async def get(db: AsyncSession, session_id: int) -> GroupSession | None:
    return await db.get(GroupSession, session_id, populate_existing=True)


async def sessions_of(db: AsyncSession, group_ids: Sequence[int]) -> list[GroupSession]:
    result = await db.execute(
        select(GroupSession)
        .where(GroupSession.group_id.in_(list(group_ids)))
        .order_by(GroupSession.starts_at, GroupSession.id)
    )
    return list(result.scalars())


async def next_scheduled(
    db: AsyncSession, group_id: int, now: datetime, *, longest: timedelta = timedelta(days=1)
) -> GroupSession | None:
    """The group's next scheduled session not over yet (one in progress included);
    `longest` bounds how long a session may run, to look back no further."""
    result = await db.execute(
        select(GroupSession)
        .where(
            GroupSession.group_id == group_id,
            GroupSession.status == "scheduled",
            GroupSession.starts_at > now - longest,
        )
        .order_by(GroupSession.starts_at, GroupSession.id)
    )
    return next(
        (s for s in result.scalars() if s.starts_at + timedelta(minutes=s.minutes) > now), None
    )


async def voice_sessions(
    db: AsyncSession, guild_id: int, since: datetime
) -> list[tuple[GroupSession, str]]:
    """Scheduled sessions of a guild in a voice channel starting after `since`, each with
    its group's name (what `/setup check` looks at)."""
    result = await db.execute(
        select(GroupSession, WorkGroup.name)
        .join(WorkGroup, WorkGroup.id == GroupSession.group_id)
        .where(
            GroupSession.guild_id == guild_id,
            GroupSession.status == "scheduled",
            GroupSession.voice_channel_id.is_not(None),
            GroupSession.starts_at >= since,
        )
        .order_by(GroupSession.starts_at, GroupSession.id)
    )
    return [(row, name) for row, name in result.all()]


async def count_scheduled(db: AsyncSession, group_id: int) -> int:
    result = await db.execute(
        select(func.count())
        .select_from(GroupSession)
        .where(GroupSession.group_id == group_id, GroupSession.status != "cancelled")
    )
    return int(result.scalar() or 0)


async def update_session(
    db: AsyncSession, session_id: int, now: datetime, **changes: Any
) -> GroupSession:
    await db.execute(
        update(GroupSession).where(GroupSession.id == session_id).values(updated_at=now, **changes)
    )
    found = await get(db, session_id)
    assert found is not None  # noqa: S101 - updated just above
    return found


# ------------------------------------------------------------------ RSVP
async def answer(
    db: AsyncSession, session_id: int, member_id: int, value: str, now: datetime
) -> None:
    row = {"session_id": session_id, "member_id": member_id, "answer": value, "updated_at": now}
    if not await insert_ignore(db, table_of(Rsvp), [row], ["session_id", "member_id"]):
        await db.execute(
            update(Rsvp)
            .where(Rsvp.session_id == session_id, Rsvp.member_id == member_id)
            .values(answer=value, updated_at=now)
        )


async def rsvp_counts(db: AsyncSession, session_id: int) -> Counter[str]:
    result = await db.execute(
        select(Rsvp.answer, func.count()).where(Rsvp.session_id == session_id).group_by(Rsvp.answer)
    )
    return Counter({a: int(n) for a, n in result.all()})


async def rsvps(db: AsyncSession, session_id: int) -> dict[int, str]:
    result = await db.execute(
        select(Rsvp.member_id, Rsvp.answer).where(Rsvp.session_id == session_id)
    )
    return {m: a for m, a in result.all()}


# ------------------------------------------------------------------ minutes
async def save_minutes(db: AsyncSession, row: SessionMinutes) -> SessionMinutes:
    existing = await db.execute(
        select(SessionMinutes).where(SessionMinutes.session_id == row.session_id)
    )
    found = existing.scalars().first()
    if found is None:
        db.add(row)
        await db.flush()
        return row
    for name in ("summary", "decisions", "attendees", "author_id", "created_at"):
        setattr(found, name, getattr(row, name))
    await db.flush()
    return found


async def minutes_of(db: AsyncSession, session_id: int) -> SessionMinutes | None:
    result = await db.execute(select(SessionMinutes).where(SessionMinutes.session_id == session_id))
    return result.scalars().first()


# ------------------------------------------------------------------ time polls
async def create_poll(
    db: AsyncSession, poll: TimePoll, starts: Sequence[datetime]
) -> list[TimeSlot]:
    db.add(poll)
    await db.flush()
    slots = [
        TimeSlot(poll_id=poll.id, position=i, starts_at=start) for i, start in enumerate(starts)
    ]
    db.add_all(slots)
    await db.flush()
    return slots


async def get_poll(db: AsyncSession, poll_id: int) -> TimePoll | None:
    return await db.get(TimePoll, poll_id, populate_existing=True)


async def slots_of(db: AsyncSession, poll_id: int) -> list[TimeSlot]:
    result = await db.execute(
        select(TimeSlot).where(TimeSlot.poll_id == poll_id).order_by(TimeSlot.position)
    )
    return list(result.scalars())


async def open_polls(db: AsyncSession) -> list[TimePoll]:
    result = await db.execute(select(TimePoll).where(TimePoll.status == "open"))
    return list(result.scalars())


async def vote_slot(
    db: AsyncSession, poll_id: int, slot_id: int, member_id: int, now: datetime, added: bool
) -> None:
    if added:
        row = {"poll_id": poll_id, "slot_id": slot_id, "member_id": member_id, "created_at": now}
        await insert_ignore(db, table_of(TimeVote), [row], ["poll_id", "slot_id", "member_id"])
    else:
        await db.execute(
            delete(TimeVote).where(
                TimeVote.poll_id == poll_id,
                TimeVote.slot_id == slot_id,
                TimeVote.member_id == member_id,
            )
        )


async def replace_slot_votes(
    db: AsyncSession, poll_id: int, actual: set[tuple[int, int]], now: datetime
) -> None:
    """Stored votes := `actual` ((slot id, member id) pairs read from the message)."""
    result = await db.execute(
        select(TimeVote.slot_id, TimeVote.member_id).where(TimeVote.poll_id == poll_id)
    )
    stored = {(s, m) for s, m in result.all()}
    for slot_id, member_id in actual - stored:
        await vote_slot(db, poll_id, slot_id, member_id, now, True)
    for slot_id, member_id in stored - actual:
        await vote_slot(db, poll_id, slot_id, member_id, now, False)


async def slot_counts(db: AsyncSession, poll_id: int) -> Counter[int]:
    result = await db.execute(
        select(TimeVote.slot_id, func.count())
        .where(TimeVote.poll_id == poll_id)
        .group_by(TimeVote.slot_id)
    )
    return Counter({slot: int(n) for slot, n in result.all()})


async def close_poll(db: AsyncSession, poll_id: int) -> bool:
    """The vote is over; the winner may still be on its way. True for the one call that
    closed it."""
    result = await db.execute(
        update(TimePoll)
        .where(TimePoll.id == poll_id, TimePoll.status == "open")
        .values(status="closed")
    )
    return int(getattr(result, "rowcount", 0) or 0) == 1


async def record_winner(
    db: AsyncSession, poll_id: int, winner_slot_id: int | None, message_id: int | None
) -> None:
    """What the closing posted (None, None when Discord refused it for good)."""
    await db.execute(
        update(TimePoll)
        .where(TimePoll.id == poll_id)
        .values(winner_slot_id=winner_slot_id, result_message_id=message_id)
    )


async def mark_poll_scheduled(db: AsyncSession, poll_id: int) -> bool:
    """True for the one click that turns the winning slot into a session."""
    result = await db.execute(
        update(TimePoll)
        .where(TimePoll.id == poll_id, TimePoll.status == "closed")
        .values(status="scheduled")
    )
    return int(getattr(result, "rowcount", 0) or 0) == 1
