"""Time polls: candidate slots for a session and the votes cast by reaction."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from storage.models import TimePoll, TimeSlot, TimeVote
from storage.outbox import LEASE, claim
from storage.upsert import insert_ignore, table_of


async def create(
    session: AsyncSession, poll: TimePoll, starts: Sequence[datetime]
) -> list[TimeSlot]:
    session.add(poll)
    await session.flush()
    slots = [
        TimeSlot(poll_id=poll.id or 0, position=i, starts_at=start)
        for i, start in enumerate(starts)
    ]
    session.add_all(slots)
    await session.flush()
    return slots


async def get(session: AsyncSession, poll_id: int) -> TimePoll | None:
    return await session.get(TimePoll, poll_id, populate_existing=True)


async def slots_of(session: AsyncSession, poll_id: int) -> list[TimeSlot]:
    result = await session.execute(
        select(TimeSlot).where(col(TimeSlot.poll_id) == poll_id).order_by(col(TimeSlot.position))
    )
    return list(result.scalars())


async def open_polls(session: AsyncSession) -> list[TimePoll]:
    result = await session.execute(select(TimePoll).where(col(TimePoll.status) == "open"))
    return list(result.scalars())


async def vote(
    session: AsyncSession, poll_id: int, slot_id: int, member_id: int, now: datetime, added: bool
) -> None:
    if added:
        row = {"poll_id": poll_id, "slot_id": slot_id, "member_id": member_id, "created_at": now}
        await insert_ignore(session, table_of(TimeVote), [row], ["poll_id", "slot_id", "member_id"])
    else:
        await session.execute(
            delete(TimeVote).where(
                col(TimeVote.poll_id) == poll_id,
                col(TimeVote.slot_id) == slot_id,
                col(TimeVote.member_id) == member_id,
            )
        )


async def replace_votes(
    session: AsyncSession, poll_id: int, actual: set[tuple[int, int]], now: datetime
) -> None:
    """Stored votes := `actual` ((slot id, member id) pairs read from the message)."""
    result = await session.execute(
        select(col(TimeVote.slot_id), col(TimeVote.member_id)).where(
            col(TimeVote.poll_id) == poll_id
        )
    )
    stored = {(s, m) for s, m in result.all()}
    for slot_id, member_id in actual - stored:
        await vote(session, poll_id, slot_id, member_id, now, True)
    for slot_id, member_id in stored - actual:
        await vote(session, poll_id, slot_id, member_id, now, False)


async def counts(session: AsyncSession, poll_id: int) -> Counter[int]:
    result = await session.execute(
        select(col(TimeVote.slot_id), func.count())
        .where(col(TimeVote.poll_id) == poll_id)
        .group_by(col(TimeVote.slot_id))
    )
    return Counter({slot: int(n) for slot, n in result.all()})


async def due_closings(session: AsyncSession, now: datetime) -> list[TimePoll]:
    state = col(TimePoll.close_state)
    result = await session.execute(
        select(TimePoll).where(
            col(TimePoll.deadline) <= now,
            or_(
                state == "pending", and_(state == "sending", col(TimePoll.claimed_at) < now - LEASE)
            ),
        )
    )
    return list(result.scalars())


async def next_closing_at(session: AsyncSession) -> datetime | None:
    result = await session.execute(
        select(func.min(col(TimePoll.deadline))).where(
            col(TimePoll.close_state).in_(("pending", "sending"))
        )
    )
    value: datetime | None = result.scalar()
    return value


async def claim_closing(session: AsyncSession, poll_id: int, now: datetime) -> bool:
    return await claim(session, table_of(TimePoll), poll_id, now, state_column="close_state")


async def finish_closing(
    session: AsyncSession, poll_id: int, winner_slot_id: int | None, message_id: int | None
) -> None:
    await session.execute(
        update(TimePoll)
        .where(col(TimePoll.id) == poll_id)
        .values(
            status="closed",
            close_state="sent",
            winner_slot_id=winner_slot_id,
            result_message_id=message_id,
        )
    )


async def release_closing(session: AsyncSession, poll_id: int) -> None:
    await session.execute(
        update(TimePoll)
        .where(col(TimePoll.id) == poll_id, col(TimePoll.close_state) == "sending")
        .values(close_state="pending", claimed_at=None)
    )


async def mark_scheduled(session: AsyncSession, poll_id: int) -> bool:
    """True for the one click that turns the winning slot into a session."""
    result = await session.execute(
        update(TimePoll)
        .where(col(TimePoll.id) == poll_id, col(TimePoll.status) == "closed")
        .values(status="scheduled")
    )
    return int(getattr(result, "rowcount", 0) or 0) == 1
