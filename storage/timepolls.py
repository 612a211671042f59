"""Time polls: candidate slots for a session and the votes cast by reaction."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from storage.models import TimePoll, TimeSlot, TimeVote
from storage.upsert import insert_ignore, table_of


async def create(db: AsyncSession, poll: TimePoll, starts: Sequence[datetime]) -> list[TimeSlot]:
    db.add(poll)
    await db.flush()
    slots = [
        TimeSlot(poll_id=poll.id, position=i, starts_at=start) for i, start in enumerate(starts)
    ]
    db.add_all(slots)
    await db.flush()
    return slots


async def get(db: AsyncSession, poll_id: int) -> TimePoll | None:
    return await db.get(TimePoll, poll_id, populate_existing=True)


async def slots_of(db: AsyncSession, poll_id: int) -> list[TimeSlot]:
    result = await db.execute(
        select(TimeSlot).where(col(TimeSlot.poll_id) == poll_id).order_by(col(TimeSlot.position))
    )
    return list(result.scalars())


async def open_polls(db: AsyncSession) -> list[TimePoll]:
    result = await db.execute(select(TimePoll).where(col(TimePoll.status) == "open"))
    return list(result.scalars())


async def vote(
    db: AsyncSession, poll_id: int, slot_id: int, member_id: int, now: datetime, added: bool
) -> None:
    if added:
        row = {"poll_id": poll_id, "slot_id": slot_id, "member_id": member_id, "created_at": now}
        await insert_ignore(db, table_of(TimeVote), [row], ["poll_id", "slot_id", "member_id"])
    else:
        await db.execute(
            delete(TimeVote).where(
                col(TimeVote.poll_id) == poll_id,
                col(TimeVote.slot_id) == slot_id,
                col(TimeVote.member_id) == member_id,
            )
        )


async def replace_votes(
    db: AsyncSession, poll_id: int, actual: set[tuple[int, int]], now: datetime
) -> None:
    """Stored votes := `actual` ((slot id, member id) pairs read from the message)."""
    result = await db.execute(
        select(col(TimeVote.slot_id), col(TimeVote.member_id)).where(
            col(TimeVote.poll_id) == poll_id
        )
    )
    stored = {(s, m) for s, m in result.all()}
    for slot_id, member_id in actual - stored:
        await vote(db, poll_id, slot_id, member_id, now, True)
    for slot_id, member_id in stored - actual:
        await vote(db, poll_id, slot_id, member_id, now, False)


async def counts(db: AsyncSession, poll_id: int) -> Counter[int]:
    result = await db.execute(
        select(col(TimeVote.slot_id), func.count())
        .where(col(TimeVote.poll_id) == poll_id)
        .group_by(col(TimeVote.slot_id))
    )
    return Counter({slot: int(n) for slot, n in result.all()})


async def mark_closed(db: AsyncSession, poll_id: int) -> bool:
    """The vote is over; the winner may still be on its way. True for the one call that
    closed it."""
    result = await db.execute(
        update(TimePoll)
        .where(col(TimePoll.id) == poll_id, col(TimePoll.status) == "open")
        .values(status="closed")
    )
    return int(getattr(result, "rowcount", 0) or 0) == 1


async def record_winner(
    db: AsyncSession, poll_id: int, winner_slot_id: int | None, message_id: int | None
) -> None:
    """What the closing posted (None, None when Discord refused it for good)."""
    await db.execute(
        update(TimePoll)
        .where(col(TimePoll.id) == poll_id)
        .values(winner_slot_id=winner_slot_id, result_message_id=message_id)
    )


async def mark_scheduled(db: AsyncSession, poll_id: int) -> bool:
    """True for the one click that turns the winning slot into a session."""
    result = await db.execute(
        update(TimePoll)
        .where(col(TimePoll.id) == poll_id, col(TimePoll.status) == "closed")
        .values(status="scheduled")
    )
    return int(getattr(result, "rowcount", 0) or 0) == 1
