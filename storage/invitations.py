"""Invitations to working groups (storage/models/invitations.py): opened, answered,
expired or withdrawn by conditional updates, so a double click, a click racing the
deadline or two processes never change one twice.

A pending invitation holds its seat: it counts against the limit of groups per member
like a membership does (storage/groups.py `placed_themes`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import GroupMember, Invitation, WorkGroup
from storage.models.invitations import DM_WAITING, EXPIRED, PENDING, WITHDRAWN
from storage.upsert import insert_ignore, table_of


def _count(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


async def get(db: AsyncSession, invitation_id: int) -> Invitation | None:
    return await db.get(Invitation, invitation_id, populate_existing=True)


async def find(db: AsyncSession, group_id: int, member_id: int) -> Invitation | None:
    result = await db.execute(
        select(Invitation).where(Invitation.group_id == group_id, Invitation.member_id == member_id)
    )
    return result.scalars().first()


async def of_groups(db: AsyncSession, group_ids: Iterable[int]) -> dict[int, list[Invitation]]:
    """group id -> its invitations in the order they were made, every asked group present."""
    wanted = list(group_ids)
    found: dict[int, list[Invitation]] = {group_id: [] for group_id in wanted}
    if not wanted:
        return found
    result = await db.execute(
        select(Invitation).where(Invitation.group_id.in_(wanted)).order_by(Invitation.id)
    )
    for invitation in result.scalars():
        found[invitation.group_id].append(invitation)
    return found


async def pending_of(db: AsyncSession, group_ids: Iterable[int]) -> dict[int, list[int]]:
    """group id -> the members whose invitation waits for an answer (the seats they hold)."""
    found = await of_groups(db, group_ids)
    return {
        group_id: [i.member_id for i in invitations if i.state == PENDING]
        for group_id, invitations in found.items()
    }


async def of_member(
    db: AsyncSession, cycle_id: int, member_id: int
) -> list[tuple[Invitation, WorkGroup]]:
    """The member's invitations in a cycle, pending ones first, then the newest first."""
    result = await db.execute(
        select(Invitation, WorkGroup)
        .join(WorkGroup, WorkGroup.id == Invitation.group_id)
        .where(WorkGroup.cycle_id == cycle_id, Invitation.member_id == member_id)
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
    )
    rows = [(invitation, group) for invitation, group in result.all()]
    return sorted(rows, key=lambda row: row[0].state != PENDING)


async def has_any(db: AsyncSession, guild_id: int, member_id: int) -> bool:
    """Whether the member was ever invited to a group of this server."""
    result = await db.execute(
        select(Invitation.id)
        .where(Invitation.guild_id == guild_id, Invitation.member_id == member_id)
        .limit(1)
    )
    return result.first() is not None


async def pending_groups_of_member(
    db: AsyncSession, cycle_id: int, member_id: int
) -> list[WorkGroup]:
    result = await db.execute(
        select(WorkGroup)
        .join(Invitation, Invitation.group_id == WorkGroup.id)
        .where(
            WorkGroup.cycle_id == cycle_id,
            Invitation.member_id == member_id,
            Invitation.state == PENDING,
        )
        .order_by(WorkGroup.id)
    )
    return list(result.scalars())


async def take_proposal(db: AsyncSession, group_id: int) -> list[int]:
    """The members a proposed group placed, taken out of it (they are to be invited):
    their rows go, and the ids are returned in the order they were placed."""
    result = await db.execute(
        select(GroupMember.member_id)
        .where(GroupMember.group_id == group_id)
        .order_by(GroupMember.id)
    )
    members = list(result.scalars())
    if members:
        await db.execute(delete(GroupMember).where(GroupMember.group_id == group_id))
    return members


def _fresh(
    guild_id: int, group_id: int, member_id: int, source: str, invited_by: int | None,
    deadline: datetime, now: datetime,
) -> dict[str, Any]:  # fmt: skip
    return {
        "guild_id": guild_id, "group_id": group_id, "member_id": member_id, "state": PENDING,
        "version": 1, "source": source, "invited_by": invited_by, "reason": "",
        "deadline": deadline, "dm_status": DM_WAITING, "created_at": now,
    }  # fmt: skip


async def open_many(
    db: AsyncSession,
    group: WorkGroup,
    member_ids: Sequence[int],
    *,
    source: str,
    invited_by: int | None,
    deadline: datetime,
    now: datetime,
) -> int:
    """New invitations (a member invited to this group before is left as they are);
    returns how many were made."""
    rows = [
        _fresh(group.guild_id, group.id, m, source, invited_by, deadline, now)
        for m in dict.fromkeys(member_ids)
    ]
    return await insert_ignore(db, table_of(Invitation), rows, ["group_id", "member_id"])


async def open_one(
    db: AsyncSession,
    group: WorkGroup,
    member_id: int,
    *,
    source: str,
    invited_by: int | None,
    deadline: datetime,
    now: datetime,
) -> Invitation | None:
    """A new invitation, or one declined, expired, withdrawn or accepted earlier opened
    again with the next version; None when one is pending already."""
    row = _fresh(group.guild_id, group.id, member_id, source, invited_by, deadline, now)
    made = await insert_ignore(db, table_of(Invitation), [row], ["group_id", "member_id"])
    if not made:
        result = await db.execute(
            update(Invitation)
            .where(
                Invitation.group_id == group.id,
                Invitation.member_id == member_id,
                Invitation.state != PENDING,
            )
            .values(
                state=PENDING, version=Invitation.version + 1, source=source,
                invited_by=invited_by, reason="", deadline=deadline, dm_status=DM_WAITING,
                dm_channel_id=None, dm_message_id=None, created_at=now, answered_at=None,
            )
        )  # fmt: skip
        if not _count(result):
            return None
    return await _reread(db, group.id, member_id)


async def _reread(db: AsyncSession, group_id: int, member_id: int) -> Invitation | None:
    result = await db.execute(
        select(Invitation)
        .where(Invitation.group_id == group_id, Invitation.member_id == member_id)
        .execution_options(populate_existing=True)
    )
    return result.scalars().first()


async def waiting_to_send(db: AsyncSession, group_id: int) -> list[Invitation]:
    """Pending invitations of a group whose DM was not sent yet."""
    result = await db.execute(
        select(Invitation)
        .where(
            Invitation.group_id == group_id,
            Invitation.state == PENDING,
            Invitation.dm_status == DM_WAITING,
        )
        .order_by(Invitation.id)
    )
    return list(result.scalars())


async def answer(
    db: AsyncSession,
    invitation_id: int,
    version: int,
    state: str,
    now: datetime,
    *,
    reason: str = "",
) -> bool:
    """Pending -> accepted or declined, while the deadline has not passed; False when it
    was answered, expired or opened again meanwhile."""
    result = await db.execute(
        update(Invitation)
        .where(
            Invitation.id == invitation_id,
            Invitation.version == version,
            Invitation.state == PENDING,
            Invitation.deadline > now,
        )
        .values(state=state, reason=reason, answered_at=now)
    )
    return _count(result) == 1


async def expire(db: AsyncSession, invitation_id: int, version: int, now: datetime) -> bool:
    result = await db.execute(
        update(Invitation)
        .where(
            Invitation.id == invitation_id,
            Invitation.version == version,
            Invitation.state == PENDING,
        )
        .values(state=EXPIRED, answered_at=now)
    )
    return _count(result) == 1


async def withdraw(db: AsyncSession, group_id: int, member_id: int, now: datetime) -> bool:
    """A pending invitation an organiser took back (the member was placed elsewhere)."""
    result = await db.execute(
        update(Invitation)
        .where(
            Invitation.group_id == group_id,
            Invitation.member_id == member_id,
            Invitation.state == PENDING,
        )
        .values(state=WITHDRAWN, answered_at=now)
    )
    return _count(result) == 1


async def record_dm(
    db: AsyncSession,
    invitation_id: int,
    version: int,
    status: str,
    *,
    channel_id: int | None = None,
    message_id: int | None = None,
) -> None:
    """What became of the DM of this version (a later version's DM is its own)."""
    values: dict[str, Any] = {"dm_status": status}
    if message_id is not None:
        values.update(dm_channel_id=channel_id, dm_message_id=message_id)
    await db.execute(
        update(Invitation)
        .where(Invitation.id == invitation_id, Invitation.version == version)
        .values(**values)
    )
