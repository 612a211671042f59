"""The guests of working groups: who, until when, and what became of them.

One rule says who is a guest: an `active` row whose `until` is still ahead, for someone
not in the group (`_present`). Every
place that decides membership asks it (`guest_of`, `guests_of`): RSVPs, endorsements,
group roles, `/group info`. A guest is never a member: members are rows of
group_member, guests of group_guest, so nothing that counts members counts a guest.

At most one active row per group and person (a partial unique index): adding someone
who is already a guest moves their date instead (`add_or_extend`), so a command run
twice, or by two people at once, never makes two.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import GroupGuest, GroupMember
from storage.upsert import insert_ignore, table_of

ACTIVE, ENDED, REMOVED = "active", "ended", "removed"


def _present(now: datetime) -> ColumnElement[bool]:
    """The one rule: a guest is an active row whose date is still ahead, for someone who
    is not a member of the group (a guest invited into the group since is a member)."""
    member = select(GroupMember.id).where(
        GroupMember.group_id == GroupGuest.group_id,
        GroupMember.member_id == GroupGuest.member_id,
    )
    return and_(GroupGuest.state == ACTIVE, GroupGuest.until > now, ~exists(member))


async def guest_of(
    db: AsyncSession, group_id: int, member_id: int, now: datetime
) -> GroupGuest | None:
    """The person's guest row in this group, if they are its guest now."""
    result = await db.execute(
        select(GroupGuest).where(
            GroupGuest.group_id == group_id,
            GroupGuest.member_id == member_id,
            _present(now),
        )
    )
    return result.scalars().first()


async def guests_of(
    db: AsyncSession, group_ids: Iterable[int], now: datetime
) -> dict[int, list[GroupGuest]]:
    """group id -> its guests now, soonest to leave first; every asked group present."""
    wanted = list(group_ids)
    found: dict[int, list[GroupGuest]] = {group_id: [] for group_id in wanted}
    if not wanted:
        return found
    result = await db.execute(
        select(GroupGuest)
        .where(GroupGuest.group_id.in_(wanted), _present(now))
        .order_by(GroupGuest.until, GroupGuest.id)
    )
    for row in result.scalars():
        found[row.group_id].append(row)
    return found


async def get(db: AsyncSession, guest_id: int) -> GroupGuest | None:
    return await db.get(GroupGuest, guest_id, populate_existing=True)


async def active_row(db: AsyncSession, group_id: int, member_id: int) -> GroupGuest | None:
    """The active row whatever its date (one past its date waits for its revoke item)."""
    result = await db.execute(
        select(GroupGuest).where(
            GroupGuest.group_id == group_id,
            GroupGuest.member_id == member_id,
            GroupGuest.state == ACTIVE,
        )
    )
    return result.scalars().first()


@dataclass(frozen=True)
class Added:
    guest: GroupGuest
    extended: bool  # they were a guest already: their date moved


async def add_or_extend(
    db: AsyncSession,
    *,
    guild_id: int,
    group_id: int,
    member_id: int,
    added_by: int,
    until: datetime,
    note: str | None,
    now: datetime,
) -> Added:
    """Make the person a guest until `until`, or move the date of the active row they
    have (keeping its note unless a new one is given)."""
    was_present = await guest_of(db, group_id, member_id, now) is not None
    row: dict[str, Any] = {
        "guild_id": guild_id, "group_id": group_id, "member_id": member_id,
        "added_by": added_by, "note": note, "until": until, "state": ACTIVE,
        "created_at": now,
    }  # fmt: skip
    inserted = await insert_ignore(
        db, table_of(GroupGuest), [row], ["group_id", "member_id"], where=f"state = '{ACTIVE}'"
    )
    if not inserted:
        changes: dict[str, Any] = {"until": until}
        if note is not None:
            changes["note"] = note
        await db.execute(
            update(GroupGuest)
            .where(
                GroupGuest.group_id == group_id,
                GroupGuest.member_id == member_id,
                GroupGuest.state == ACTIVE,
            )
            .values(**changes)
        )
    guest = await active_row(db, group_id, member_id)
    assert guest is not None  # noqa: S101 - inserted or updated just now, in this transaction
    return Added(guest, extended=was_present)


async def remove(
    db: AsyncSession, group_id: int, member_id: int, now: datetime
) -> GroupGuest | None:
    """End the person's active guest row by hand; the row as it was, or None."""
    guest = await active_row(db, group_id, member_id)
    if guest is None:
        return None
    await db.execute(
        update(GroupGuest)
        .where(GroupGuest.id == guest.id, GroupGuest.state == ACTIVE)
        .values(state=REMOVED, removed_at=now)
    )
    return guest


async def end_if_due(db: AsyncSession, guest_id: int, now: datetime) -> bool:
    """The date came: the active row ends. False when it was extended or removed meanwhile."""
    result = await db.execute(
        update(GroupGuest)
        .where(
            GroupGuest.id == guest_id,
            GroupGuest.state == ACTIVE,
            GroupGuest.until <= now,
        )
        .values(state=ENDED, removed_at=now)
    )
    return bool(getattr(result, "rowcount", 0))
