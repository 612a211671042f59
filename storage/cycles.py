"""Cycles and their phases; each phase's start announcement is a work item.

The announcement (kind "phase_start", key `phase:<phase id>:<start it was planned
for>`, due at the phase's start) is added in the same transaction as its phase,
follows the phase when its start moves while it is still pending, and is cancelled
with its cycle: the calendar and what the engine will announce never disagree. One
that was already posted, skipped or refused is not done again when the phase moves
(a phase is announced once).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage import work
from storage.models import Cycle, Phase, WorkItem
from storage.models.work import PENDING

ANNOUNCEMENT = "phase_start"


class CycleConflict(Exception):
    """Another cycle is open, or one with that name exists."""


def announcement_key(phase_id: int, starts_at: datetime) -> str:
    return f"phase:{phase_id}:{int(starts_at.timestamp())}"


def announcements_of(phase_id: int) -> str:
    """The key prefix of a phase's announcement, whatever start it was planned for."""
    return f"phase:{phase_id}:"


def _announcement(phase: Phase, guild_id: int, now: datetime) -> dict[str, Any]:
    row = work.row(
        kind=ANNOUNCEMENT, key=announcement_key(phase.id, phase.starts_at), guild_id=guild_id,
        due_at=phase.starts_at, now=now, payload={"phase_id": phase.id},
    )  # fmt: skip
    row["finished_at"] = None
    if phase.ends_at <= now:
        row.update(state="skipped", note="ended before the cycle was created", finished_at=now)
    return row


async def open_cycle(db: AsyncSession, guild_id: int) -> Cycle | None:
    result = await db.execute(
        select(Cycle).where(Cycle.guild_id == guild_id, Cycle.status != "closed")
    )
    return result.scalars().first()


async def latest_cycle(db: AsyncSession, guild_id: int) -> Cycle | None:
    """The guild's open cycle, else the one created last (the cycle a next one follows)."""
    result = await db.execute(
        select(Cycle)
        .where(Cycle.guild_id == guild_id)
        .order_by((Cycle.status == "closed").asc(), Cycle.created_at.desc(),
                  Cycle.id.desc())
    )  # fmt: skip
    return result.scalars().first()


async def of_guild(db: AsyncSession, guild_id: int) -> list[Cycle]:
    """The server's cycles, the newest first (the open one, then the earlier ones)."""
    result = await db.execute(
        select(Cycle)
        .where(Cycle.guild_id == guild_id)
        .order_by(Cycle.first_year.desc(), Cycle.id.desc())
    )
    return list(result.scalars())


async def cycle_named(db: AsyncSession, guild_id: int, name: str) -> Cycle | None:
    result = await db.execute(
        select(Cycle).where(Cycle.guild_id == guild_id, func.lower(Cycle.name) == name.lower())
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
    planned = [
        Phase(cycle_id=cycle.id, key=key, position=position, starts_at=starts_at, ends_at=ends_at)
        for key, position, starts_at, ends_at in phases
    ]
    db.add_all(planned)
    await db.flush()
    await work.add_many(db, [_announcement(phase, guild_id, now) for phase in planned])
    return cycle


async def phases_of(db: AsyncSession, cycle_id: int) -> list[Phase]:
    result = await db.execute(
        select(Phase).where(Phase.cycle_id == cycle_id).order_by(Phase.starts_at, Phase.position)
    )
    return list(result.scalars())


async def phase(db: AsyncSession, cycle_id: int, key: str) -> Phase | None:
    result = await db.execute(select(Phase).where(Phase.cycle_id == cycle_id, Phase.key == key))
    return result.scalars().first()


async def move_phase(
    db: AsyncSession, phase_id: int, starts_at: datetime, ends_at: datetime
) -> None:
    """New dates; an announcement not yet sent follows the new start (one already sent,
    skipped or refused is not done again)."""
    await db.execute(
        update(Phase).where(Phase.id == phase_id).values(starts_at=starts_at, ends_at=ends_at)
    )
    for item in await work.items(db, kind=ANNOUNCEMENT, prefix=announcements_of(phase_id)):
        # Only a changed start moves it: moving resets the next try, and one waiting out
        # a back-off after Discord failed must keep waiting when only the end changes.
        if item.state == PENDING and item.due_at != starts_at:
            await work.move(db, item.key, starts_at)


async def announcement(db: AsyncSession, phase_id: int) -> WorkItem | None:
    """The phase's announcement as the engine holds it."""
    found = await work.items(db, kind=ANNOUNCEMENT, prefix=announcements_of(phase_id))
    return found[-1] if found else None


async def phase_and_cycle(db: AsyncSession, phase_id: int) -> tuple[Phase, Cycle] | None:
    result = await db.execute(
        select(Phase, Cycle).join(Cycle, Cycle.id == Phase.cycle_id).where(Phase.id == phase_id)
    )
    row = result.first()
    return (row[0], row[1]) if row is not None else None


async def close_cycle(db: AsyncSession, cycle_id: int, now: datetime) -> None:
    """Closed and archived; its announcements not yet made never will be."""
    await db.execute(
        update(Cycle).where(Cycle.id == cycle_id).values(status="closed", closed_at=now)
    )
    result = await db.execute(select(Phase.id).where(Phase.cycle_id == cycle_id))
    for phase_id in list(result.scalars()):
        await work.cancel(db, prefix=announcements_of(phase_id), now=now, note="cycle closed")


async def mark_running(db: AsyncSession, cycle_id: int) -> None:
    await db.execute(
        update(Cycle)
        .where(Cycle.id == cycle_id, Cycle.status == "preparing")
        .values(status="running")
    )
