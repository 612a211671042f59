"""Cycles and their phases."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col

from storage.models import Cycle, Phase
from storage.outbox import LEASE, claim
from storage.upsert import table_of


class CycleConflict(Exception):
    """Another cycle is open, or one with that name exists."""


async def open_cycle(db: AsyncSession, guild_id: int) -> Cycle | None:
    result = await db.execute(
        select(Cycle).where(col(Cycle.guild_id) == guild_id, col(Cycle.status) != "closed")
    )
    return result.scalars().first()


async def cycle_named(db: AsyncSession, guild_id: int, name: str) -> Cycle | None:
    result = await db.execute(
        select(Cycle).where(
            col(Cycle.guild_id) == guild_id, func.lower(col(Cycle.name)) == name.lower()
        )
    )
    return result.scalars().first()


async def create_cycle(
    db: AsyncSession,
    guild_id: int,
    name: str,
    first_year: int,
    phases: Sequence[tuple[str, int, datetime, datetime]],
    now: datetime,
    actor_id: int | None,
) -> Cycle:
    """Insert the cycle and its phases; the unique indexes refuse a second open cycle."""
    cycle = Cycle(
        guild_id=guild_id,
        name=name,
        first_year=first_year,
        status="preparing",
        created_by=actor_id,
        created_at=now,
    )
    db.add(cycle)
    try:
        await db.flush()
    except IntegrityError as exc:
        raise CycleConflict(name) from exc
    for key, position, starts_at, ends_at in phases:
        state = "skipped" if ends_at <= now else "pending"
        db.add(
            Phase(
                cycle_id=cycle.id,
                key=key,
                position=position,
                starts_at=starts_at,
                ends_at=ends_at,
                announce_state=state,
                announce_note="ended before the cycle was created" if state == "skipped" else "",
            )
        )
    await db.flush()
    return cycle


async def phases_of(db: AsyncSession, cycle_id: int) -> list[Phase]:
    result = await db.execute(
        select(Phase)
        .where(col(Phase.cycle_id) == cycle_id)
        .order_by(col(Phase.starts_at), col(Phase.position))
    )
    return list(result.scalars())


async def phase(db: AsyncSession, cycle_id: int, key: str) -> Phase | None:
    result = await db.execute(
        select(Phase).where(col(Phase.cycle_id) == cycle_id, col(Phase.key) == key)
    )
    return result.scalars().first()


async def move_phase(
    db: AsyncSession, phase_id: int, starts_at: datetime, ends_at: datetime
) -> None:
    """New dates; an announcement not yet sent follows the new start."""
    await db.execute(
        update(Phase).where(col(Phase.id) == phase_id).values(starts_at=starts_at, ends_at=ends_at)
    )


async def close_cycle(db: AsyncSession, cycle_id: int, now: datetime) -> None:
    await db.execute(
        update(Cycle).where(col(Cycle.id) == cycle_id).values(status="closed", closed_at=now)
    )
    await db.execute(
        update(Phase)
        .where(
            col(Phase.cycle_id) == cycle_id, col(Phase.announce_state).in_(("pending", "sending"))
        )
        .values(announce_state="cancelled", announce_note="cycle closed")
    )


async def mark_running(db: AsyncSession, cycle_id: int) -> None:
    await db.execute(
        update(Cycle)
        .where(col(Cycle.id) == cycle_id, col(Cycle.status) == "preparing")
        .values(status="running")
    )


# ------------------------------------------------------------------ announcements
def _claimable(now: datetime) -> ColumnElement[bool]:
    state = col(Phase.announce_state)
    return (state == "pending") | ((state == "sending") & (col(Phase.claimed_at) < now - LEASE))


async def due_announcements(
    db: AsyncSession, now: datetime, limit: int = 50
) -> list[tuple[Phase, Cycle]]:
    result = await db.execute(
        select(Phase, Cycle)
        .join(Cycle, col(Cycle.id) == col(Phase.cycle_id))
        .where(col(Phase.starts_at) <= now, _claimable(now), col(Cycle.status) != "closed")
        .order_by(col(Phase.starts_at), col(Phase.id))
        .limit(limit)
    )
    return [(row[0], row[1]) for row in result.all()]


async def next_announcement_at(db: AsyncSession) -> datetime | None:
    result = await db.execute(
        select(func.min(col(Phase.starts_at)))
        .join(Cycle, col(Cycle.id) == col(Phase.cycle_id))
        .where(col(Phase.announce_state).in_(("pending", "sending")), col(Cycle.status) != "closed")
    )
    value: datetime | None = result.scalar()
    return value


async def claim_announcement(db: AsyncSession, phase_id: int, now: datetime) -> bool:
    return await claim(db, table_of(Phase), phase_id, now, state_column="announce_state")


async def finish_announcement(
    db: AsyncSession,
    phase_id: int,
    state: str,
    now: datetime,
    message_id: int | None = None,
    note: str = "",
) -> None:
    await db.execute(
        update(Phase)
        .where(col(Phase.id) == phase_id, col(Phase.announce_state) == "sending")
        .values(
            announce_state=state,
            announced_at=now,
            announce_message_id=message_id,
            announce_note=note[:200],
        )
    )


async def release_announcement(db: AsyncSession, phase_id: int) -> None:
    """Give a claimed announcement back (a transient Discord error): it is tried again."""
    await db.execute(
        update(Phase)
        .where(col(Phase.id) == phase_id, col(Phase.announce_state) == "sending")
        .values(announce_state="pending", claimed_at=None)
    )
