"""The work table's queries: add, claim, renew, finish, release, cancel, move.

A row is claimed by one conditional update before anything is done (on PostgreSQL the
candidates are locked with SKIP LOCKED, so processes sharing the database split the work
instead of waiting on each other; the condition alone already forbids a double claim).
A claim carries a token: renewing, finishing and releasing are conditional on it, so a
process whose lease ran out and was taken over changes nothing any more. Adding is
idempotent through the unique key (ON CONFLICT DO NOTHING).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func, literal_column, or_, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.work import PENDING, RUNNING, WorkItem
from storage.upsert import insert_ignore, table_of


def _count(result: Any) -> int:
    return int(result.rowcount or 0) if isinstance(result, CursorResult) else 0


def row(
    *,
    kind: str,
    key: str,
    guild_id: int,
    due_at: datetime,
    now: datetime,
    payload: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A work item as `add_many` takes it."""
    return {
        "kind": kind, "key": key, "guild_id": guild_id, "due_at": due_at, "next_at": due_at,
        "state": PENDING, "attempts": 0, "payload": json.dumps(dict(payload or {})),
        "last_error": "", "late": False, "note": "", "created_at": now,
    }  # fmt: skip


async def add_many(db: AsyncSession, rows: list[dict[str, Any]]) -> int:
    """Insert the items whose key is new; returns how many were."""
    return await insert_ignore(db, table_of(WorkItem), rows, ["key"])


async def get(db: AsyncSession, key: str) -> WorkItem | None:
    result = await db.execute(select(WorkItem).where(WorkItem.key == key))
    return result.scalars().first()


async def items(db: AsyncSession, *, kind: str | None = None, prefix: str = "") -> list[WorkItem]:
    query = select(WorkItem).order_by(WorkItem.due_at, WorkItem.id)
    if kind is not None:
        query = query.where(WorkItem.kind == kind)
    if prefix:
        query = query.where(WorkItem.key.startswith(prefix, autoescape=True))
    return list((await db.execute(query)).scalars())


def _open() -> Any:
    return WorkItem.state.in_((PENDING, RUNNING))


async def cancel(db: AsyncSession, *, prefix: str, now: datetime, note: str = "") -> int:
    """Work not done yet under a key prefix never happens. A process holding one of them
    sees its finish refused (the state is no longer running)."""
    result = await db.execute(
        update(WorkItem)
        .where(WorkItem.key.startswith(prefix, autoescape=True), _open())
        .values(state="cancelled", finished_at=now, note=note[:200], claim_token=None)
    )
    return _count(result)


async def move(db: AsyncSession, key: str, due_at: datetime) -> int:
    """A pending item now falls due at another time."""
    result = await db.execute(
        update(WorkItem)
        .where(WorkItem.key == key, WorkItem.state == PENDING)
        .values(due_at=due_at, next_at=due_at)
    )
    return _count(result)


@dataclass(frozen=True)
class Shards:
    """The shards one process serves: it claims only the work of their guilds, a guild
    being on shard `(guild_id >> 22) % count`, as Discord places it."""

    count: int
    ids: tuple[int, ...]

    def of(self, guild_id: int) -> int:
        return (guild_id >> 22) % self.count

    def condition(self) -> Any:
        # literals: PostgreSQL has `bigint >> integer` but no `bigint >> bigint`
        shifted = WorkItem.guild_id.op(">>")(literal_column("22"))
        return (shifted % literal_column(str(int(self.count)))).in_(list(self.ids))


def _mine_to_claim(kinds: Collection[str], shards: Shards | None) -> Any:
    kind = WorkItem.kind.in_(list(kinds))
    return kind if shards is None or shards.count == 1 else and_(kind, shards.condition())


def _claimable(now: datetime, kinds: Collection[str], shards: Shards | None = None) -> Any:
    state = WorkItem.state
    return and_(
        _mine_to_claim(kinds, shards),
        or_(
            and_(state == PENDING, WorkItem.next_at <= now),
            and_(state == RUNNING, WorkItem.lease_until < now),
        ),
    )


async def _take(
    db: AsyncSession, condition: Any, now: datetime, lease: timedelta, limit: int
) -> list[WorkItem]:
    token = secrets.token_hex(8)
    candidates = (
        select(WorkItem.id).where(condition).order_by(WorkItem.next_at, WorkItem.id).limit(limit)
    )
    if db.get_bind().dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    ids = list((await db.execute(candidates)).scalars())
    if not ids:
        return []
    await db.execute(
        update(WorkItem)
        .where(WorkItem.id.in_(ids), condition)
        .values(
            state=RUNNING,
            claim_token=token,
            lease_until=now + lease,
            attempts=WorkItem.attempts + 1,
        )
    )
    result = await db.execute(
        select(WorkItem)
        .where(WorkItem.claim_token == token, WorkItem.state == RUNNING)
        .order_by(WorkItem.next_at, WorkItem.id)
        .execution_options(populate_existing=True)
    )
    return list(result.scalars())


async def claim_due(
    db: AsyncSession,
    now: datetime,
    kinds: Collection[str],
    lease: timedelta,
    limit: int = 100,
    shards: Shards | None = None,
) -> list[WorkItem]:
    """Claim what is due (or whose holder's lease ran out), earliest first; with
    `shards`, only the work of those shards' guilds."""
    if not kinds:
        return []
    return await _take(db, _claimable(now, kinds, shards), now, lease, limit)


async def claim_key(db: AsyncSession, key: str, now: datetime, lease: timedelta) -> WorkItem | None:
    """Claim one item now, whatever its due time (a close asked for by an organiser)."""
    state = WorkItem.state
    condition = and_(
        WorkItem.key == key,
        or_(state == PENDING, and_(state == RUNNING, WorkItem.lease_until < now)),
    )
    found = await _take(db, condition, now, lease, 1)
    return found[0] if found else None


def _mine(item_id: int, token: str | None) -> Any:
    return and_(
        WorkItem.id == item_id,
        WorkItem.claim_token == token,
        WorkItem.state == RUNNING,
    )


async def renew(
    db: AsyncSession, item_id: int, token: str | None, now: datetime, lease: timedelta
) -> bool:
    """Restart the lease; False when another process took the item over (or it was
    cancelled meanwhile)."""
    result = await db.execute(
        update(WorkItem).where(_mine(item_id, token)).values(lease_until=now + lease)
    )
    return _count(result) == 1


async def finish(
    db: AsyncSession,
    item_id: int,
    token: str | None,
    state: str,
    now: datetime,
    *,
    result_id: int | None = None,
    late: bool = False,
    note: str = "",
) -> bool:
    result = await db.execute(
        update(WorkItem)
        .where(_mine(item_id, token))
        .values(
            state=state,
            finished_at=now,
            result_id=result_id,
            late=late,
            note=note[:200],
            lease_until=None,
            claim_token=None,
        )
    )
    return _count(result) == 1


async def release(
    db: AsyncSession, item_id: int, token: str | None, next_at: datetime, error: str
) -> bool:
    """Back to pending, to be tried again at `next_at` (a transient failure)."""
    result = await db.execute(
        update(WorkItem)
        .where(_mine(item_id, token))
        .values(
            state=PENDING,
            next_at=next_at,
            last_error=error[:300],
            lease_until=None,
            claim_token=None,
        )
    )
    return _count(result) == 1


async def next_wake_at(
    db: AsyncSession, kinds: Collection[str], shards: Shards | None = None
) -> datetime | None:
    """When an item next becomes claimable: the earliest pending one, or the earliest
    lease running out (its process may have died)."""
    if not kinds:
        return None
    kind = _mine_to_claim(kinds, shards)
    pending = await db.execute(
        select(func.min(WorkItem.next_at)).where(kind, WorkItem.state == PENDING)
    )
    held = await db.execute(
        select(func.min(WorkItem.lease_until)).where(kind, WorkItem.state == RUNNING)
    )
    candidates = [t for t in (pending.scalar(), held.scalar()) if t is not None]
    return min(candidates) if candidates else None


async def backlog(
    db: AsyncSession, now: datetime, kinds: Collection[str]
) -> tuple[int, datetime | None]:
    """What waits to be done now: how many items are claimable (due and pending, or held
    by a lease that ran out) and since when the oldest has been. An item waiting out its
    back-off is not due yet: Discord refusing it is `/setup check`'s business."""
    if not kinds:
        return 0, None
    since = case((WorkItem.state == PENDING, WorkItem.next_at), else_=WorkItem.lease_until)
    result = await db.execute(select(func.count(), func.min(since)).where(_claimable(now, kinds)))
    count, oldest = result.one()
    return int(count or 0), oldest


async def troubled(
    db: AsyncSession, guild_id: int, *, min_attempts: int, since: datetime
) -> list[WorkItem]:
    """What `/setup check` shows: work still failing after several attempts, and work
    Discord refused for good recently."""
    result = await db.execute(
        select(WorkItem)
        .where(
            WorkItem.guild_id == guild_id,
            or_(
                and_(_open(), WorkItem.attempts >= min_attempts),
                and_(WorkItem.state == "failed", WorkItem.finished_at >= since),
            ),
        )
        .order_by(WorkItem.due_at)
        .limit(50)
    )
    return list(result.scalars())


def payload_of(item: WorkItem) -> dict[str, Any]:
    value = json.loads(item.payload or "{}")
    return value if isinstance(value, dict) else {}
