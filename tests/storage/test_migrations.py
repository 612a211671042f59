"""The migrations produce exactly the tables the models describe, and re-run harmlessly."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import models
from storage import work as work_store
from storage.database import migrate, session_factory
from storage.models import Cycle, GroupSession, Theme, WorkGroup, WorkItem

GUILD = 1_000_000_000_000_000_001


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, models.Base.metadata))


async def test_schema_matches_models(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        differences = await connection.run_sync(_differences)
    assert differences == []


async def test_migrate_twice_is_harmless(engine: AsyncEngine) -> None:
    await migrate(engine)
    async with engine.connect() as connection:
        differences = await connection.run_sync(_differences)
    assert differences == []


async def test_reminders_go_back_and_forth_between_their_table_and_the_work_table(
    engine: AsyncEngine,
) -> None:
    """Downgraded to before the work table, reminders are rows of their own again; upgraded,
    they are work items with the same times and states, and one not yet sent keeps the
    nonce the old sender would have used (so it cannot be posted twice across the upgrade)."""
    now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    due = now + timedelta(days=1)
    async with session_factory(engine)() as db, db.begin():
        cycle = Cycle(guild_id=GUILD, name="2026-2027", first_year=2026, created_at=now)
        db.add(cycle)
        await db.flush()
        theme = Theme(guild_id=GUILD, cycle_id=cycle.id, title="Accompagnement",
                      title_key="accompagnement", emoji="🧭", created_at=now, updated_at=now)  # fmt: skip
        db.add(theme)
        await db.flush()
        group = WorkGroup(guild_id=GUILD, cycle_id=cycle.id, theme_id=theme.id, name="Groupe",
                          mode="online", created_at=now, updated_at=now)  # fmt: skip
        db.add(group)
        await db.flush()
        session = GroupSession(guild_id=GUILD, group_id=group.id, number=1, starts_at=due,
                               created_at=now, updated_at=now)  # fmt: skip
        db.add(session)
        await db.flush()
        for offset, state in ((1440, "done"), (60, "pending")):
            db.add(WorkItem(kind="reminder", key=f"reminder:{session.id}:1:{offset}",
                            guild_id=GUILD, due_at=due - timedelta(minutes=offset),
                            next_at=due - timedelta(minutes=offset), state=state,
                            payload=json.dumps({"session_id": session.id, "version": 1,
                                                "offset": offset}),
                            result_id=777 if state == "done" else None, created_at=now))  # fmt: skip
    await migrate(engine, "0007", down=True)
    async with engine.connect() as connection:
        old = (await connection.execute(
            text("SELECT id, offset_minutes, state, sent_message_id FROM reminder ORDER BY id")
        )).all()  # fmt: skip
    assert [(r[1], r[2], r[3]) for r in old] == [(1440, "sent", 777), (60, "pending", None)]
    await migrate(engine)
    async with session_factory(engine)() as db:
        items = await work_store.items(db, kind="reminder")
    by_offset = {work_store.payload_of(i)["offset"]: i for i in items}
    assert (by_offset[1440].state, by_offset[1440].result_id) == ("done", 777)
    pending = by_offset[60]
    assert (pending.state, pending.due_at, pending.key) == (
        "pending", due - timedelta(minutes=60), f"reminder:{session.id}:1:60",
    )  # fmt: skip
    assert work_store.payload_of(pending)["nonce"] == f"siprm{old[1][0]}v0"
    async with session_factory(engine)() as db:
        stored = await db.get(WorkGroup, group.id)
    assert stored is not None and stored.sessions_numbered == 1
