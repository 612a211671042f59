"""Claiming scheduled posts (phase announcements, reminders, poll closings).

A row is claimed by a conditional update before anything is sent, so two
processes on the same database never both send it; a claim older than the
lease is taken over (the process holding it died). What is sent carries a
Discord nonce derived from the row, so a retry after a crash between sending
and recording does not post twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, update
from sqlalchemy.ext.asyncio import AsyncSession

LEASE = timedelta(seconds=60)


async def claim(
    db: AsyncSession,
    table: Any,
    row_id: int,
    now: datetime,
    *,
    state_column: str = "state",
    lease: timedelta = LEASE,
) -> bool:
    """True when this caller now owns the row (state 'sending')."""
    state = table.c[state_column]
    statement = (
        update(table)
        .where(
            table.c.id == row_id,
            or_(
                state == "pending",
                and_(state == "sending", table.c.claimed_at < now - lease),
            ),
        )
        .values({state_column: "sending", "claimed_at": now})
    )
    result = await db.execute(statement)
    return int(getattr(result, "rowcount", 0) or 0) == 1


def nonce(kind: str, row_id: int, version: int = 0) -> str:
    """A Discord message nonce (at most 25 characters) that is the same at every retry."""
    value = f"sip{kind}{row_id}v{version}"
    if len(value) > 25:
        raise ValueError("nonce too long")
    return value
