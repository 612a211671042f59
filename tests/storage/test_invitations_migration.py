"""Revision 0012 on SQLite and PostgreSQL: a server already configured gets the consent
mode and 7-day invitations, the invitation table takes one row per group and member and
goes with its group, and the downgrade removes both without touching the settings."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.database import alembic_config
from tests.storage.test_assembly_experiments_migration import (  # the same empty databases
    CYCLE,
    GROUP,
    THEME,
    bare,
    migrate_to,
    table,
)

REVISION = "0012"
BEFORE = str(ScriptDirectory.from_config(alembic_config()).get_revision(REVISION).down_revision)
GUILD = 2**62 + 12
NOW = datetime(2027, 1, 5, 9, 0, tzinfo=UTC)
CONFIG = table("guild_config", "guild_id", "language", "timezone", "reminder_offsets",
               "session_minutes", "group_min_size", "group_max_size", "max_groups_per_member",
               times=("created_at", "updated_at"))  # fmt: skip
INVITATION = table("invitation", "id", "guild_id", "group_id", "member_id", "state", "version",
                   "source", "reason", "dm_status", times=("deadline", "created_at"))  # fmt: skip
__all__ = ["bare"]  # the fixture, imported for the tests below


async def seed(engine: AsyncEngine) -> None:
    stamps = {"created_at": NOW, "updated_at": NOW}
    async with engine.begin() as db:
        await db.execute(sa.insert(CONFIG), [{
            "guild_id": GUILD, "language": "nl", "timezone": "Europe/Brussels",
            "reminder_offsets": "1440", "session_minutes": 120, "group_min_size": 4,
            "group_max_size": 9, "max_groups_per_member": 2, **stamps,
        }])  # fmt: skip
        await db.execute(sa.insert(CYCLE), [{"id": 1, "guild_id": GUILD, "name": "2026-2027",
                                             "first_year": 2026, "status": "open", "created_at": NOW}])  # fmt: skip
        await db.execute(sa.insert(THEME), [{"id": 1, "guild_id": GUILD, "cycle_id": 1, "title": "T",
            "title_key": "t", "description": "", "countries": "", "prolonged": False, "emoji": "1️⃣",
            "position": 1, "status": "open", **stamps}])  # fmt: skip
        await db.execute(sa.insert(GROUP), [{"id": 1, "guild_id": GUILD, "cycle_id": 1, "theme_id": 1,
            "name": "G", "mode": "online", "position": 1, "status": "published", **stamps}])  # fmt: skip


def invitation(member_id: int) -> dict[str, object]:
    return {
        "guild_id": GUILD, "group_id": 1, "member_id": member_id, "state": "pending",
        "version": 1, "source": "publish", "reason": "", "dm_status": "waiting",
        "deadline": NOW, "created_at": NOW,
    }  # fmt: skip


async def test_configured_servers_get_consent_and_invitations_follow_their_group(
    bare: AsyncEngine,
) -> None:
    await migrate_to(bare, BEFORE)
    await seed(bare)
    await migrate_to(bare, REVISION)
    async with bare.connect() as db:
        row = (await db.execute(sa.text(
            "SELECT group_join, invitation_days, language, max_groups_per_member FROM guild_config"
        ))).one()  # fmt: skip
    assert tuple(row) == ("consent", 7, "nl", 2)
    async with bare.begin() as db:
        await db.execute(sa.insert(INVITATION), [invitation(2**63 - 1), invitation(5)])
    with pytest.raises(IntegrityError):
        async with bare.begin() as db:
            await db.execute(sa.insert(INVITATION), [invitation(5)])  # one per group and member
    async with bare.begin() as db:
        if bare.dialect.name == "sqlite":
            await db.execute(sa.text("PRAGMA foreign_keys=ON"))
        await db.execute(sa.text("DELETE FROM work_group"))
        left = (await db.execute(sa.text("SELECT count(*) FROM invitation"))).scalar_one()
    assert left == 0


async def test_the_downgrade_removes_invitations_and_keeps_the_settings(bare: AsyncEngine) -> None:
    await migrate_to(bare, BEFORE)
    await seed(bare)
    await migrate_to(bare, REVISION)
    async with bare.begin() as db:
        await db.execute(sa.insert(INVITATION), [invitation(5)])
    await migrate_to(bare, BEFORE, down=True)
    async with bare.connect() as db:
        tables = await db.run_sync(lambda c: set(sa.inspect(c).get_table_names()))
        columns = await db.run_sync(
            lambda c: {x["name"] for x in sa.inspect(c).get_columns("guild_config")}
        )
        kept = (await db.execute(sa.text("SELECT language FROM guild_config"))).scalar_one()
    assert "invitation" not in tables and kept == "nl"
    assert columns.isdisjoint({"group_join", "invitation_days"})
    await migrate_to(bare, REVISION)  # and up again
    async with bare.connect() as db:
        again = (await db.execute(sa.text("SELECT group_join FROM guild_config"))).scalar_one()
    assert again == "consent"
