"""Working groups of a theme, their members, and the Discord objects recorded for them.

A theme's groups are first stored as a proposal (status "proposed"), which a new
`/groups propose` replaces as a whole; once published they are only adjusted one
member at a time, because their channels and roles exist.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import GroupMember, Invitation, WorkGroup
from storage.upsert import insert_ignore, table_of

DISCORD_FIELDS = frozenset({"channel_id", "role_id", "welcome_message_id"})


class AlreadyPublished(Exception):
    """The theme's groups have Discord objects: a new proposal would orphan them."""


async def get(db: AsyncSession, group_id: int) -> WorkGroup | None:
    return await db.get(WorkGroup, group_id, populate_existing=True)


async def groups_of_theme(db: AsyncSession, theme_id: int) -> list[WorkGroup]:
    result = await db.execute(
        select(WorkGroup)
        .where(WorkGroup.theme_id == theme_id)
        .order_by(WorkGroup.position, WorkGroup.id)
    )
    return list(result.scalars())


async def groups_of_cycle(db: AsyncSession, cycle_id: int) -> list[WorkGroup]:
    result = await db.execute(
        select(WorkGroup)
        .where(WorkGroup.cycle_id == cycle_id)
        .order_by(WorkGroup.theme_id, WorkGroup.position, WorkGroup.id)
    )
    return list(result.scalars())


async def find(db: AsyncSession, cycle_id: int, value: str) -> WorkGroup | None:
    """By the autocomplete's "#id", else by name when exactly one group of the cycle has it
    (names repeat across themes: "100% visio 1")."""
    text = value.strip()
    if text.startswith("#") and text[1:].isdigit():
        group = await get(db, int(text[1:]))
        return group if group is not None and group.cycle_id == cycle_id else None
    result = await db.execute(
        select(WorkGroup).where(
            WorkGroup.cycle_id == cycle_id,
            func.lower(WorkGroup.name) == text.lower(),
        )
    )
    found = list(result.scalars())
    return found[0] if len(found) == 1 else None


async def by_channel(db: AsyncSession, channel_id: int) -> WorkGroup | None:
    result = await db.execute(select(WorkGroup).where(WorkGroup.channel_id == channel_id))
    return result.scalars().first()


async def members_of(db: AsyncSession, group_ids: Iterable[int]) -> dict[int, list[int]]:
    """group id -> member ids (in the order they joined), every asked group present."""
    wanted = list(group_ids)
    found: dict[int, list[int]] = {group_id: [] for group_id in wanted}
    if not wanted:
        return found
    result = await db.execute(
        select(GroupMember.group_id, GroupMember.member_id)
        .where(GroupMember.group_id.in_(wanted))
        .order_by(GroupMember.id)
    )
    for group_id, member_id in result.all():
        found[group_id].append(member_id)
    return found


async def rows_of(db: AsyncSession, group_id: int) -> list[GroupMember]:
    result = await db.execute(
        select(GroupMember).where(GroupMember.group_id == group_id).order_by(GroupMember.id)
    )
    return list(result.scalars())


async def groups_of_member(db: AsyncSession, cycle_id: int, member_id: int) -> list[WorkGroup]:
    result = await db.execute(
        select(WorkGroup)
        .join(GroupMember, GroupMember.group_id == WorkGroup.id)
        .where(WorkGroup.cycle_id == cycle_id, GroupMember.member_id == member_id)
        .order_by(WorkGroup.theme_id, WorkGroup.position)
    )
    return list(result.scalars())


async def placed_themes(
    db: AsyncSession, cycle_id: int, *, except_theme: int | None = None
) -> dict[int, frozenset[int]]:
    """member id -> the themes of the cycle where they are in a group (proposed or
    published) or hold a seat by a pending invitation, leaving out one theme."""
    members = (
        select(GroupMember.member_id, WorkGroup.theme_id)
        .join(WorkGroup, GroupMember.group_id == WorkGroup.id)
        .where(WorkGroup.cycle_id == cycle_id)
    )
    invited = (
        select(Invitation.member_id, WorkGroup.theme_id)
        .join(WorkGroup, Invitation.group_id == WorkGroup.id)
        .where(WorkGroup.cycle_id == cycle_id, Invitation.state == "pending")
    )
    if except_theme is not None:
        members = members.where(WorkGroup.theme_id != except_theme)
        invited = invited.where(WorkGroup.theme_id != except_theme)
    found: dict[int, set[int]] = {}
    for query in (members, invited):
        for member_id, theme_id in (await db.execute(query)).all():
            found.setdefault(member_id, set()).add(theme_id)
    return {member: frozenset(themes) for member, themes in found.items()}


async def count_by_theme(db: AsyncSession, cycle_id: int) -> dict[int, int]:
    """theme id -> number of groups (proposed or published); themes without any are absent."""
    result = await db.execute(
        select(WorkGroup.theme_id, func.count())
        .where(WorkGroup.cycle_id == cycle_id)
        .group_by(WorkGroup.theme_id)
    )
    return {theme_id: int(count) for theme_id, count in result.all()}


async def replace_proposal(
    db: AsyncSession,
    theme_id: int,
    groups: Sequence[tuple[WorkGroup, Sequence[int]]],
    now: datetime,
) -> list[WorkGroup]:
    """Drop the theme's earlier proposal and store this one, in the given order."""
    current = await groups_of_theme(db, theme_id)
    if any(g.status == "published" for g in current):
        raise AlreadyPublished(theme_id)
    await delete_groups(db, [g.id for g in current if g.id is not None])
    stored: list[WorkGroup] = []
    for position, (group, member_ids) in enumerate(groups):
        group.theme_id, group.position = theme_id, position
        db.add(group)
        await db.flush()
        await add_members(db, group.id, member_ids, "proposal", now)
        stored.append(group)
    return stored


async def delete_groups(db: AsyncSession, group_ids: Sequence[int]) -> None:
    """Members first: the cascade is not something every connection is sure to apply."""
    if not group_ids:
        return
    await db.execute(delete(GroupMember).where(GroupMember.group_id.in_(group_ids)))
    await db.execute(delete(Invitation).where(Invitation.group_id.in_(group_ids)))
    await db.execute(delete(WorkGroup).where(WorkGroup.id.in_(group_ids)))


async def add_members(
    db: AsyncSession,
    group_id: int,
    member_ids: Iterable[int],
    source: str,
    now: datetime,
    *,
    role_granted: bool = False,
) -> int:
    """Add members once (the unique key ignores repeats); returns how many were added."""
    rows = [
        {
            "group_id": group_id,
            "member_id": member_id,
            "source": source,
            "role_granted": role_granted,
            "added_at": now,
        }
        for member_id in member_ids
    ]
    return await insert_ignore(db, table_of(GroupMember), rows, ["group_id", "member_id"])


async def remove_member(db: AsyncSession, group_id: int, member_id: int) -> bool:
    result = await db.execute(
        delete(GroupMember).where(
            GroupMember.group_id == group_id, GroupMember.member_id == member_id
        )
    )
    return bool(getattr(result, "rowcount", 0))


async def set_roles(
    db: AsyncSession,
    group_id: int,
    facilitator_id: int | None,
    secretary_id: int | None,
    now: datetime,
) -> None:
    await db.execute(
        update(WorkGroup)
        .where(WorkGroup.id == group_id)
        .values(facilitator_id=facilitator_id, secretary_id=secretary_id, updated_at=now)
    )


async def record_objects(db: AsyncSession, group_id: int, now: datetime, **ids: int | None) -> None:
    """Remember a Discord object as soon as it exists, so nothing is created twice."""
    unknown = set(ids) - DISCORD_FIELDS
    if unknown:
        raise ValueError(f"not a Discord object of a group: {sorted(unknown)}")
    await db.execute(
        update(WorkGroup).where(WorkGroup.id == group_id).values(updated_at=now, **ids)
    )


async def mark_published(db: AsyncSession, group_id: int, now: datetime) -> None:
    await db.execute(
        update(WorkGroup).where(WorkGroup.id == group_id).values(status="published", updated_at=now)
    )


async def set_granted(
    db: AsyncSession, group_id: int, member_ids: Iterable[int] | None, granted: bool
) -> None:
    """Whether members hold the group's role; None means every member (a new role)."""
    query = update(GroupMember).where(GroupMember.group_id == group_id)
    if member_ids is not None:
        wanted = list(member_ids)
        if not wanted:
            return
        query = query.where(GroupMember.member_id.in_(wanted))
    await db.execute(query.values(role_granted=granted))


async def member_ids(db: AsyncSession, group_id: int) -> set[int]:
    result = await db.execute(select(GroupMember.member_id).where(GroupMember.group_id == group_id))
    return set(result.scalars())


async def member_groups_in_guild(
    db: AsyncSession, guild_id: int, member_id: int
) -> list[WorkGroup]:
    result = await db.execute(
        select(WorkGroup)
        .join(GroupMember, GroupMember.group_id == WorkGroup.id)
        .where(WorkGroup.guild_id == guild_id, GroupMember.member_id == member_id)
        .order_by(WorkGroup.id)
    )
    return list(result.scalars())


async def runs_a_group(db: AsyncSession, guild_id: int, member_id: int) -> bool:
    """Whether the member facilitates or is secretary of a group of the server."""
    result = await db.execute(
        select(WorkGroup.id)
        .where(
            WorkGroup.guild_id == guild_id,
            or_(WorkGroup.facilitator_id == member_id, WorkGroup.secretary_id == member_id),
        )
        .limit(1)
    )
    return result.first() is not None
