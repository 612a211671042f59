"""Migration 0013 adds the guests' table (one active stay per group and person) and takes
it away again on downgrade with the work items that read it, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import cycles, themes
from storage.database import alembic_config, migrate, session_factory
from storage.models import GroupGuest, Theme, WorkGroup, WorkItem

GUILD = 2**61 + 13
GUEST = 2**63 - 11
NOW = datetime(2027, 1, 10, 10, 0, tzinfo=UTC)


def before_guests() -> str:
    """The revision 0013 follows (whatever the chain became)."""
    down = ScriptDirectory.from_config(alembic_config()).get_revision("0013").down_revision
    assert isinstance(down, str)
    return down


async def tables(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as connection:
        return set(await connection.run_sync(lambda c: sa.inspect(c).get_table_names()))


async def test_the_guests_table_comes_and_goes_with_its_work(engine: AsyncEngine) -> None:
    async with session_factory(engine)() as db, db.begin():
        cycle = await cycles.create_cycle(db, GUILD, "2026-2027", 2026, [], NOW, 1)
        theme = await themes.add(db, Theme(guild_id=GUILD, cycle_id=cycle.id, title="A",
                                           emoji="1️⃣", created_at=NOW, updated_at=NOW))  # fmt: skip
        group = WorkGroup(guild_id=GUILD, cycle_id=cycle.id, theme_id=theme.id, name="G",
                          mode="online", created_at=NOW, updated_at=NOW)  # fmt: skip
        db.add(group)
        await db.flush()
        group_id = group.id
    await migrate(engine, before_guests(), down=True)
    assert "group_guest" not in await tables(engine)
    await migrate(engine)

    def stay(state: str = "active") -> GroupGuest:
        return GroupGuest(guild_id=GUILD, group_id=group_id, member_id=GUEST, state=state,
                          until=NOW + timedelta(days=3), created_at=NOW)  # fmt: skip

    async with session_factory(engine)() as db, db.begin():
        db.add(stay("ended"))
        db.add(stay())
        db.add(WorkItem(kind="guest_revoke", key=f"guest_revoke:{group_id}:{GUEST}:ab",
                        guild_id=GUILD, due_at=NOW, next_at=NOW, created_at=NOW,
                        payload=json.dumps({"group_id": group_id, "member_id": GUEST})))  # fmt: skip
    with pytest.raises(IntegrityError):  # one active stay per group and person
        async with session_factory(engine)() as db, db.begin():
            db.add(stay())
    async with session_factory(engine)() as db:
        found = (await db.execute(sa.select(GroupGuest))).scalars().all()
    assert sorted(g.state for g in found) == ["active", "ended"] and found[0].member_id == GUEST
    await migrate(engine, before_guests(), down=True)
    assert "group_guest" not in await tables(engine)
    async with engine.connect() as connection:
        kinds = (await connection.execute(sa.text("SELECT kind FROM work_item"))).scalars().all()
    assert "guest_revoke" not in kinds
    await migrate(engine)
    assert "group_guest" in await tables(engine)
