"""What /healthz calls the backlog, on SQLite and PostgreSQL: the items of the kinds this
bot handles that could be claimed now, and since when the oldest could — neither what
waits out its back-off, nor what a live process holds, nor what is finished."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import work as store
from storage.database import session_factory
from storage.models import WorkItem

NOW = datetime(2027, 1, 10, 10, 0, tzinfo=UTC)
GUILD = 1_000_000_000_000_000_001


def item(key: str, due: datetime, kind: str = "reminder") -> dict[str, Any]:
    return store.row(kind=kind, key=key, guild_id=GUILD, due_at=due, now=NOW - timedelta(days=1))


async def test_the_backlog_counts_what_is_claimable_now_and_the_oldest_wait(
    engine: AsyncEngine,
) -> None:
    db_of = session_factory(engine)
    async with db_of() as db, db.begin():
        assert await store.backlog(db, NOW, ["reminder"]) == (0, None)
        await store.add_many(db, [
            item("due:5", NOW - timedelta(minutes=5)),
            item("due:1", NOW - timedelta(minutes=1)),
            item("later", NOW + timedelta(minutes=1)),
            item("backoff", NOW - timedelta(hours=2)),
            item("held", NOW - timedelta(hours=3)),
            item("orphan", NOW - timedelta(hours=4)),
            item("done", NOW - timedelta(hours=5)),
            item("other", NOW - timedelta(hours=6), kind="not_mine"),
        ])  # fmt: skip
        moves: dict[str, dict[str, object]] = {
            "backoff": {"next_at": NOW + timedelta(seconds=30)},
            "held": {"state": "running", "lease_until": NOW + timedelta(seconds=5)},
            "orphan": {"state": "running", "lease_until": NOW - timedelta(minutes=7)},
            "done": {"state": "done", "finished_at": NOW - timedelta(hours=4)},
        }
        for key, values in moves.items():
            await db.execute(update(WorkItem).where(WorkItem.key == key).values(**values))
    async with db_of() as db:
        due, since = await store.backlog(db, NOW, ["reminder"])
        assert (due, since) == (3, NOW - timedelta(minutes=7))  # the orphan's lease ran out
        assert await store.backlog(db, NOW, []) == (0, None)
        assert await store.backlog(db, NOW, ["not_mine"]) == (1, NOW - timedelta(hours=6))
