"""Syntheses: one per theme and cycle, a forum post gathering the theme's drafts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.drafts import join_ids
from storage.models import Synthesis, SynthesisDraft
from storage.upsert import insert_ignore, table_of


async def of_theme(db: AsyncSession, cycle_id: int, theme_id: int) -> Synthesis | None:
    result = await db.execute(
        select(Synthesis).where(Synthesis.cycle_id == cycle_id, Synthesis.theme_id == theme_id)
    )
    return result.scalars().first()


async def of_cycle(db: AsyncSession, cycle_id: int) -> list[Synthesis]:
    result = await db.execute(
        select(Synthesis).where(Synthesis.cycle_id == cycle_id).order_by(Synthesis.id)
    )
    return list(result.scalars())


async def ensure(
    db: AsyncSession, guild_id: int, cycle_id: int, theme_id: int, by: int, now: datetime
) -> Synthesis:
    """The theme's synthesis row, created once (the unique key makes a race harmless)."""
    row = {"guild_id": guild_id, "cycle_id": cycle_id, "theme_id": theme_id, "extra_message_ids": "",
           "built_by": by, "created_at": now, "updated_at": now}  # fmt: skip
    await insert_ignore(db, table_of(Synthesis), [row], ["cycle_id", "theme_id"])
    found = await of_theme(db, cycle_id, theme_id)
    assert found is not None  # noqa: S101 - inserted or already there
    return found


async def record(
    db: AsyncSession,
    synthesis_id: int,
    thread_id: int,
    extra: Sequence[int],
    by: int,
    now: datetime,
) -> None:
    found = await db.get(Synthesis, synthesis_id, populate_existing=True)
    assert found is not None  # noqa: S101 - created by `ensure`
    found.thread_id, found.extra_message_ids = thread_id, join_ids(extra)
    found.built_by, found.updated_at = by, now
    await db.flush()


async def set_drafts(
    db: AsyncSession, synthesis_id: int, included: Sequence[tuple[int, int]]
) -> None:
    """What the post gathers now: (draft id, version) pairs, replacing the previous set."""
    await db.execute(delete(SynthesisDraft).where(SynthesisDraft.synthesis_id == synthesis_id))
    rows = [{"synthesis_id": synthesis_id, "draft_id": d, "version": v} for d, v in included]
    await insert_ignore(db, table_of(SynthesisDraft), rows, ["synthesis_id", "draft_id"])


async def drafts_of(db: AsyncSession, synthesis_id: int) -> dict[int, int]:
    """draft id -> version gathered."""
    result = await db.execute(
        select(SynthesisDraft.draft_id, SynthesisDraft.version).where(
            SynthesisDraft.synthesis_id == synthesis_id
        )
    )
    return {d: v for d, v in result.all()}
