"""The follow-up of adopted recommendations: their updates, and which cycles have any.

An update is recorded only for an adopted draft (`add_update`); adopted is a final
status (bot/drafts/rules.py: nothing moves a draft out of it), so a draft read adopted
stays so while its update is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Draft, FollowupUpdate

FOLLOWED = ("adopted",)


async def add_update(
    db: AsyncSession, draft_id: int, state: str, note: str, author_id: int, now: datetime
) -> FollowupUpdate | None:
    """The update, in the caller's transaction; None when the draft is not adopted."""
    draft = await db.get(Draft, draft_id, populate_existing=True)
    if draft is None or draft.status not in FOLLOWED:
        return None
    update = FollowupUpdate(
        draft_id=draft_id, state=state, note=note, author_id=author_id, created_at=now
    )
    db.add(update)
    await db.flush()
    return update


async def updates(db: AsyncSession, draft_ids: Sequence[int]) -> dict[int, list[FollowupUpdate]]:
    """draft id -> its updates, oldest first (the last one is its state); every asked draft present."""
    found: dict[int, list[FollowupUpdate]] = {draft_id: [] for draft_id in draft_ids}
    ids = list(found)
    for start in range(0, len(ids), 500):
        result = await db.execute(
            select(FollowupUpdate)
            .where(FollowupUpdate.draft_id.in_(ids[start : start + 500]))
            .order_by(FollowupUpdate.draft_id, FollowupUpdate.id)
        )
        for row in result.scalars():
            found[row.draft_id].append(row)
    return found


async def followed_of_cycle(db: AsyncSession, cycle_id: int) -> list[Draft]:
    """The cycle's adopted recommendations, by theme, group, then draft."""
    result = await db.execute(
        select(Draft)
        .where(Draft.cycle_id == cycle_id, Draft.status.in_(FOLLOWED))
        .order_by(Draft.theme_id, Draft.group_id, Draft.id)
    )
    return list(result.scalars())
