"""Revision 0014 on SQLite and PostgreSQL: the settings gain an empty board role (the
settings kept as they were), the answers' and updates' tables come empty and take 64-bit
authors and long texts; the downgrade removes them and keeps the settings; up again."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.database import alembic_config
from tests.storage.test_assembly_experiments_migration import bare, migrate_to, table

__all__ = ["bare"]  # the fixture: an empty database of each kind, migrated by the test

REVISION = "0014"
GUILD = 2**63 - 7
NOW = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)
STAMPS = ("created_at", "updated_at")
CONFIG = table("guild_config", "guild_id", "organiser_role_id", "member_role_id", "language",
               "timezone", "reminder_offsets", "session_minutes", "group_min_size",
               "group_max_size", "max_groups_per_member", times=STAMPS)  # fmt: skip
CYCLE = table("cycle", "id", "guild_id", "name", "first_year", "status", times=("created_at",))
THEME = table("theme", "id", "guild_id", "cycle_id", "title", "title_key", "description",
              "countries", "prolonged", "emoji", "position", "status", times=STAMPS)  # fmt: skip
GROUP = table("work_group", "id", "guild_id", "cycle_id", "theme_id", "name", "mode", "position",
              "status", times=STAMPS)  # fmt: skip
DRAFT = table("draft", "id", "guild_id", "cycle_id", "theme_id", "group_id", "title", "status",
              "version", "extra_message_ids", times=STAMPS)  # fmt: skip
ANSWER = table("draft_answer", "draft_id", "decision", "text", "author_id", times=("created_at",))
UPDATE = table("followup_update", "draft_id", "state", "note", "author_id", times=("created_at",))


def before() -> str:
    down = ScriptDirectory.from_config(alembic_config()).get_revision(REVISION).down_revision
    assert isinstance(down, str)
    return down


async def seed(engine: AsyncEngine) -> None:
    stamps = {"created_at": NOW, "updated_at": NOW}
    async with engine.begin() as db:
        await db.execute(sa.insert(CONFIG), [{"guild_id": GUILD, "organiser_role_id": 2**62,
            "member_role_id": None, "language": "nl", "timezone": "Europe/Brussels",
            "reminder_offsets": "1440", "session_minutes": 120, "group_min_size": 4,
            "group_max_size": 9, "max_groups_per_member": 2, **stamps}])  # fmt: skip
        await db.execute(sa.insert(CYCLE), [{"id": 1, "guild_id": GUILD, "name": "2026-2027",
                                             "first_year": 2026, "status": "running", "created_at": NOW}])  # fmt: skip
        await db.execute(sa.insert(THEME), [{"id": 1, "guild_id": GUILD, "cycle_id": 1, "title": "T",
            "title_key": "t", "description": "", "countries": "", "prolonged": False, "emoji": "1️⃣",
            "position": 1, "status": "open", **stamps}])  # fmt: skip
        await db.execute(sa.insert(GROUP), [{"id": 1, "guild_id": GUILD, "cycle_id": 1, "theme_id": 1,
            "name": "G", "mode": "online", "position": 1, "status": "open", **stamps}])  # fmt: skip
        await db.execute(sa.insert(DRAFT), [{"id": 1, "guild_id": GUILD, "cycle_id": 1, "theme_id": 1,
            "group_id": 1, "title": "Idée", "status": "adopted", "version": 1,
            "extra_message_ids": "", **stamps}])  # fmt: skip


async def columns(engine: AsyncEngine) -> dict[str, set[str]]:
    async with engine.connect() as db:
        return await db.run_sync(
            lambda c: {t: {x["name"] for x in sa.inspect(c).get_columns(t)}
                       for t in sa.inspect(c).get_table_names()}
        )  # fmt: skip


async def settings(engine: AsyncEngine) -> tuple[object, ...]:
    async with engine.connect() as db:
        row = (await db.execute(sa.select(CONFIG.c.organiser_role_id, CONFIG.c.language,
                                          CONFIG.c.max_groups_per_member))).one()  # fmt: skip
    return tuple(row)


async def test_the_board_role_and_the_two_tables_come_and_go(bare: AsyncEngine) -> None:
    await migrate_to(bare, before())
    await seed(bare)
    kept = await settings(bare)
    await migrate_to(bare, REVISION)
    found = await columns(bare)
    assert "board_role_id" in found["guild_config"]
    assert found["draft_answer"] == {
        "id",
        "draft_id",
        "decision",
        "text",
        "author_id",
        "created_at",
    }
    assert found["followup_update"] == {
        "id",
        "draft_id",
        "state",
        "note",
        "author_id",
        "created_at",
    }
    async with bare.begin() as db:
        board = (await db.execute(sa.text("SELECT board_role_id FROM guild_config"))).scalar_one()
        await db.execute(sa.insert(ANSWER), [{"draft_id": 1, "decision": "adopted_with_changes",
                                              "text": "x" * 8000, "author_id": 2**63 - 1, "created_at": NOW}])  # fmt: skip
        await db.execute(sa.insert(UPDATE), [{"draft_id": 1, "state": "in_progress",
                                              "note": "y" * 1000, "author_id": 2**63 - 1, "created_at": NOW}])  # fmt: skip
        texts = (await db.execute(sa.text("SELECT text, author_id FROM draft_answer"))).one()
    assert board is None and await settings(bare) == kept
    assert (len(texts[0]), texts[1]) == (8000, 2**63 - 1)
    await migrate_to(bare, before(), down=True)
    found = await columns(bare)
    assert "board_role_id" not in found["guild_config"]
    assert "draft_answer" not in found and "followup_update" not in found
    assert await settings(bare) == kept
    await migrate_to(bare, REVISION)  # and up again
    assert "draft_answer" in await columns(bare)
