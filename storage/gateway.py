"""Gateway leases: take, renew and give back the right to hold a shard's gateway.

Taking and renewing are one statement (an upsert that only succeeds when the lease is
free, expired, or already ours), so two processes can never both believe they hold a
shard. Times come from the database's clock on PostgreSQL, so processes on machines
whose clocks drift apart still agree on when a lease ran out.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import case, delete, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import GatewayLease
from storage.upsert import dialect_module


async def database_now(db: AsyncSession, fallback: datetime) -> datetime:
    """The database server's time on PostgreSQL; elsewhere the caller's clock."""
    if db.get_bind().dialect.name != "postgresql":
        return fallback
    found = (await db.execute(text("SELECT now()"))).scalar_one()
    return found.astimezone(UTC)


async def take(
    db: AsyncSession,
    shard_id: int,
    shard_count: int,
    holder: str,
    now: datetime,
    ttl: timedelta,
) -> bool:
    """Take or renew the lease of one shard; False when another process holds it."""
    values = {
        "shard_id": shard_id, "shard_count": shard_count, "holder": holder,
        "acquired_at": now, "renewed_at": now, "expires_at": now + ttl,
    }  # fmt: skip
    table = GatewayLease.__table__
    dialect = dialect_module(db)
    statement = dialect.insert(table).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=["shard_id"],
        set_={
            "holder": statement.excluded.holder,
            "shard_count": statement.excluded.shard_count,
            "renewed_at": statement.excluded.renewed_at,
            "expires_at": statement.excluded.expires_at,
            # a renewal keeps when the lease was first taken
            "acquired_at": case(
                (table.c.holder == statement.excluded.holder, table.c.acquired_at),
                else_=statement.excluded.acquired_at,
            ),
        },
        where=(table.c.expires_at < now) | (table.c.holder == holder),
    ).returning(table.c.holder)
    return (await db.execute(statement)).scalar_one_or_none() == holder


async def give_back(db: AsyncSession, shard_ids: Sequence[int], holder: str) -> int:
    """Release our leases at once (a clean stop), so a standby need not wait for expiry."""
    result = await db.execute(
        delete(GatewayLease).where(
            GatewayLease.shard_id.in_(list(shard_ids)), GatewayLease.holder == holder
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def holders(db: AsyncSession) -> list[GatewayLease]:
    return list((await db.execute(select(GatewayLease).order_by(GatewayLease.shard_id))).scalars())
