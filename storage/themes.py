"""Themes of a cycle and the Discord objects recorded for them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Cycle, Draft, Synthesis, Theme, WorkGroup

DISCORD_FIELDS = frozenset(
    {"category_id", "info_channel_id", "info_message_id", "forum_id", "role_id"}
)


class DuplicateTheme(Exception):
    pass


def title_key(title: str) -> str:
    return " ".join(title.split()).casefold()


async def themes_of(
    db: AsyncSession, cycle_id: int, *, include_archived: bool = True
) -> list[Theme]:
    query = select(Theme).where(Theme.cycle_id == cycle_id)
    if not include_archived:
        query = query.where(Theme.status == "active")
    result = await db.execute(query.order_by(Theme.position, Theme.id))
    return list(result.scalars())


async def get(db: AsyncSession, theme_id: int) -> Theme | None:
    return await db.get(Theme, theme_id, populate_existing=True)


async def find(db: AsyncSession, cycle_id: int, title: str) -> Theme | None:
    """By exact (case-insensitive) title, or by id when given the autocomplete's value."""
    text = title.strip()
    if text.startswith("#") and text[1:].isdigit():
        theme = await db.get(Theme, int(text[1:]), populate_existing=True)
        return theme if theme is not None and theme.cycle_id == cycle_id else None
    result = await db.execute(
        select(Theme).where(Theme.cycle_id == cycle_id, Theme.title_key == title_key(text))
    )
    return result.scalars().first()


async def add(db: AsyncSession, theme: Theme) -> Theme:
    theme.title_key = title_key(theme.title)
    result = await db.execute(
        select(func.coalesce(func.max(Theme.position), -1)).where(Theme.cycle_id == theme.cycle_id)
    )
    theme.position = int(result.scalar() or 0) + 1
    db.add(theme)
    try:
        await db.flush()
    except IntegrityError as exc:
        raise DuplicateTheme(theme.title) from exc
    return theme


async def update_theme(db: AsyncSession, theme_id: int, now: datetime, **changes: Any) -> Theme:
    if "title" in changes:
        changes["title_key"] = title_key(changes["title"])
    try:
        await db.execute(
            update(Theme).where(Theme.id == theme_id).values(updated_at=now, **changes)
        )
    except IntegrityError as exc:
        raise DuplicateTheme(changes.get("title", "")) from exc
    theme = await db.get(Theme, theme_id, populate_existing=True)
    assert theme is not None  # noqa: S101 - updated just above
    return theme


async def record_objects(db: AsyncSession, theme_id: int, now: datetime, **ids: int | None) -> None:
    """Remember a Discord object as soon as it exists, so nothing is created twice."""
    unknown = set(ids) - DISCORD_FIELDS
    if unknown:
        raise ValueError(f"not a Discord object of a theme: {sorted(unknown)}")
    await db.execute(update(Theme).where(Theme.id == theme_id).values(updated_at=now, **ids))


async def used_emojis(db: AsyncSession, cycle_id: int) -> set[str]:
    result = await db.execute(select(Theme.emoji).where(Theme.cycle_id == cycle_id))
    return set(result.scalars())


async def activity(db: AsyncSession, cycle_id: int) -> dict[int, tuple[int, int]]:
    """theme id -> (working groups, recommendation drafts), for the theme list."""
    groups = await db.execute(
        select(WorkGroup.theme_id, func.count())
        .where(WorkGroup.cycle_id == cycle_id)
        .group_by(WorkGroup.theme_id)
    )
    drafts = await db.execute(
        select(Draft.theme_id, func.count())
        .where(Draft.cycle_id == cycle_id)
        .group_by(Draft.theme_id)
    )
    group_counts = {t: int(n) for t, n in groups.all()}
    draft_counts = {t: int(n) for t, n in drafts.all()}
    return {
        t: (group_counts.get(t, 0), draft_counts.get(t, 0))
        for t in group_counts.keys() | draft_counts.keys()
    }


@dataclass(frozen=True)
class History:
    """Where a prolonged theme comes from: the previous cycle's theme, its forum of
    recommendations and the post of its synthesis (None when it had none)."""

    theme_id: int
    title: str
    cycle: str
    forum_id: int | None
    synthesis_thread_id: int | None


async def history_of(db: AsyncSession, theme: Theme) -> History | None:
    """The history a prolonged theme links to, or None (not prolonged from a stored one)."""
    if theme.prolonged_from is None:
        return None
    result = await db.execute(
        select(Theme, Cycle.name, Synthesis.thread_id)
        .join(Cycle, Cycle.id == Theme.cycle_id)
        .outerjoin(
            Synthesis,
            (Synthesis.theme_id == Theme.id) & (Synthesis.cycle_id == Theme.cycle_id),
        )
        .where(Theme.id == theme.prolonged_from)
    )
    row = result.first()
    if row is None:
        return None
    previous, cycle_name, thread_id = row
    return History(previous.id, previous.title, cycle_name, previous.forum_id, thread_id)
