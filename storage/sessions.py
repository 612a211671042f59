"""Group sessions, RSVPs, minutes, and the reminder outbox."""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from storage.models import GroupSession, Reminder, Rsvp, SessionMinutes, WorkGroup
from storage.upsert import insert_ignore, table_of

# A claim older than this is taken over: its process died between claiming and recording.
# Short, because what is sent carries a nonce: a second sender gets the same message back.
REMINDER_LEASE = timedelta(seconds=10)


@dataclass(frozen=True)
class DueReminder:
    reminder: Reminder
    session: GroupSession
    group: WorkGroup


# ------------------------------------------------------------------ sessions
async def next_number(db: AsyncSession, group_id: int) -> int:
    result = await db.execute(
        select(func.coalesce(func.max(col(GroupSession.number)), 0)).where(
            col(GroupSession.group_id) == group_id
        )
    )
    return int(result.scalar() or 0) + 1


async def add_session(db: AsyncSession, row: GroupSession) -> GroupSession:
    db.add(row)
    await db.flush()
    return row


async def get(db: AsyncSession, session_id: int) -> GroupSession | None:
    return await db.get(GroupSession, session_id, populate_existing=True)


async def sessions_of(db: AsyncSession, group_ids: Sequence[int]) -> list[GroupSession]:
    result = await db.execute(
        select(GroupSession)
        .where(col(GroupSession.group_id).in_(list(group_ids)))
        .order_by(col(GroupSession.starts_at), col(GroupSession.id))
    )
    return list(result.scalars())


async def count_scheduled(db: AsyncSession, group_id: int) -> int:
    result = await db.execute(
        select(func.count())
        .select_from(GroupSession)
        .where(col(GroupSession.group_id) == group_id, col(GroupSession.status) != "cancelled")
    )
    return int(result.scalar() or 0)


async def update_session(
    db: AsyncSession, session_id: int, now: datetime, **changes: Any
) -> GroupSession:
    await db.execute(
        update(GroupSession)
        .where(col(GroupSession.id) == session_id)
        .values(updated_at=now, **changes)
    )
    found = await get(db, session_id)
    assert found is not None  # noqa: S101 - updated just above
    return found


# ------------------------------------------------------------------ RSVP
async def answer(
    db: AsyncSession, session_id: int, member_id: int, value: str, now: datetime
) -> None:
    row = {"session_id": session_id, "member_id": member_id, "answer": value, "updated_at": now}
    if not await insert_ignore(db, table_of(Rsvp), [row], ["session_id", "member_id"]):
        await db.execute(
            update(Rsvp)
            .where(col(Rsvp.session_id) == session_id, col(Rsvp.member_id) == member_id)
            .values(answer=value, updated_at=now)
        )


async def rsvp_counts(db: AsyncSession, session_id: int) -> Counter[str]:
    result = await db.execute(
        select(col(Rsvp.answer), func.count())
        .where(col(Rsvp.session_id) == session_id)
        .group_by(col(Rsvp.answer))
    )
    return Counter({a: int(n) for a, n in result.all()})


async def rsvps(db: AsyncSession, session_id: int) -> dict[int, str]:
    result = await db.execute(
        select(col(Rsvp.member_id), col(Rsvp.answer)).where(col(Rsvp.session_id) == session_id)
    )
    return {m: a for m, a in result.all()}


# ------------------------------------------------------------------ minutes
async def save_minutes(db: AsyncSession, row: SessionMinutes) -> SessionMinutes:
    existing = await db.execute(
        select(SessionMinutes).where(col(SessionMinutes.session_id) == row.session_id)
    )
    found = existing.scalars().first()
    if found is None:
        db.add(row)
        await db.flush()
        return row
    for name in ("summary", "decisions", "attendees", "author_id", "created_at"):
        setattr(found, name, getattr(row, name))
    await db.flush()
    return found


async def minutes_of(db: AsyncSession, session_id: int) -> SessionMinutes | None:
    result = await db.execute(
        select(SessionMinutes).where(col(SessionMinutes.session_id) == session_id)
    )
    return result.scalars().first()


# ------------------------------------------------------------------ reminders
async def plan_reminders(
    db: AsyncSession, session_id: int, version: int, plan: Sequence[tuple[int, datetime]]
) -> int:
    """One row per (offset, due time) of this version; already planned ones are kept."""
    rows = [
        {"session_id": session_id, "offset_minutes": offset, "version": version, "due_at": due, "state": "pending",
         "late": False, "note": ""}
        for offset, due in plan
    ]  # fmt: skip
    return await insert_ignore(
        db, table_of(Reminder), rows, ["session_id", "offset_minutes", "version"]
    )


async def cancel_reminders(
    db: AsyncSession, session_id: int, before_version: int | None = None
) -> int:
    """Stale reminders (older versions, or all of a cancelled session) never go out."""
    query = update(Reminder).where(
        col(Reminder.session_id) == session_id, col(Reminder.state).in_(("pending", "sending"))
    )
    if before_version is not None:
        query = query.where(col(Reminder.version) < before_version)
    result = await db.execute(query.values(state="cancelled", note="session changed"))
    return int(getattr(result, "rowcount", 0) or 0)


def _claimable(now: datetime) -> Any:
    state = col(Reminder.state)
    return and_(
        col(Reminder.due_at) <= now,
        or_(
            state == "pending",
            and_(state == "sending", col(Reminder.claimed_at) < now - REMINDER_LEASE),
        ),
    )


async def claim_due(db: AsyncSession, now: datetime, limit: int = 100) -> list[DueReminder]:
    """Claim due reminders with one conditional update. On PostgreSQL the candidates are
    locked with SKIP LOCKED, so processes sharing the database split the work instead
    of waiting on each other; the condition alone already forbids a double claim."""
    token = secrets.token_hex(8)
    candidates = (
        select(col(Reminder.id)).where(_claimable(now)).order_by(col(Reminder.due_at)).limit(limit)
    )
    if db.get_bind().dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    ids = list((await db.execute(candidates)).scalars())
    if not ids:
        return []
    await db.execute(
        update(Reminder)
        .where(col(Reminder.id).in_(ids), _claimable(now))
        .values(state="sending", claimed_at=now, claim_token=token)
    )
    result = await db.execute(
        select(Reminder, GroupSession, WorkGroup)
        .join(GroupSession, col(GroupSession.id) == col(Reminder.session_id))
        .join(WorkGroup, col(WorkGroup.id) == col(GroupSession.group_id))
        .where(col(Reminder.claim_token) == token, col(Reminder.state) == "sending")
        .order_by(col(Reminder.due_at), col(Reminder.id))
    )
    return [DueReminder(r, s, g) for r, s, g in result.all()]


async def renew_claim(db: AsyncSession, reminder_id: int, token: str | None, now: datetime) -> bool:
    """Restart the lease just before posting; False when another process took it over."""
    result = await db.execute(
        update(Reminder)
        .where(
            col(Reminder.id) == reminder_id,
            col(Reminder.claim_token) == token,
            col(Reminder.state) == "sending",
        )
        .values(claimed_at=now)
    )
    return int(getattr(result, "rowcount", 0) or 0) == 1


async def finish_reminder(
    db: AsyncSession,
    reminder_id: int,
    state: str,
    now: datetime,
    *,
    message_id: int | None = None,
    late: bool = False,
    note: str = "",
) -> None:
    await db.execute(
        update(Reminder)
        .where(col(Reminder.id) == reminder_id, col(Reminder.state) == "sending")
        .values(state=state, sent_at=now, sent_message_id=message_id, late=late, note=note[:200])
    )


async def release_reminder(db: AsyncSession, reminder_id: int) -> None:
    await db.execute(
        update(Reminder)
        .where(col(Reminder.id) == reminder_id, col(Reminder.state) == "sending")
        .values(state="pending", claimed_at=None, claim_token=None)
    )


async def next_reminder_at(db: AsyncSession) -> datetime | None:
    """When a reminder next becomes claimable: the earliest pending due time, or the
    earliest lease of a claimed one running out (its process may have died)."""
    pending = await db.execute(
        select(func.min(col(Reminder.due_at))).where(col(Reminder.state) == "pending")
    )
    held = await db.execute(
        select(func.min(col(Reminder.claimed_at))).where(col(Reminder.state) == "sending")
    )
    due: datetime | None = pending.scalar()
    claimed: datetime | None = held.scalar()
    candidates = [t for t in (due, claimed + REMINDER_LEASE if claimed else None) if t]
    return min(candidates) if candidates else None


async def reminders_of(db: AsyncSession, session_id: int) -> list[Reminder]:
    result = await db.execute(
        select(Reminder)
        .where(col(Reminder.session_id) == session_id)
        .order_by(col(Reminder.version), col(Reminder.due_at))
    )
    return list(result.scalars())
