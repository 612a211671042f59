"""Revision 0016 on SQLite and PostgreSQL: the proposals' tables come and go, and the theme
table gains and loses `prolonged_from` in place, without losing a row of what points at
themes — with foreign keys on, as a bare `alembic` run on SQLite has them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.database import alembic_config
from tests.storage.test_assembly_experiments_migration import (  # noqa: F401 - a fixture
    bare,
    migrate_to,
    table,
)

REVISION = "0016"
GUILD = 2**62 + 16
NOW = datetime(2021, 6, 20, 9, 0, tzinfo=UTC)
NEW_TABLES = {"proposal", "proposal_call", "proposal_endorsement", "proposal_decision",
              "assembly_option"}  # fmt: skip
STAMPS = ("created_at", "updated_at")
CYCLE = table("cycle", "id", "guild_id", "name", "first_year", "status", times=("created_at",))
THEME = table("theme", "id", "guild_id", "cycle_id", "title", "title_key", "description",
              "countries", "prolonged", "emoji", "position", "status", times=STAMPS)  # fmt: skip
GROUP = table("work_group", "id", "guild_id", "cycle_id", "theme_id", "name", "mode", "position",
              "status", times=STAMPS)  # fmt: skip
SYNTHESIS = table("synthesis", "id", "guild_id", "cycle_id", "theme_id", "extra_message_ids",
                  times=STAMPS)  # fmt: skip


def before() -> str:
    down = ScriptDirectory.from_config(alembic_config()).get_revision(REVISION).down_revision
    assert isinstance(down, str)
    return down


def theme(theme_id: int, **values: Any) -> dict[str, Any]:
    return {"id": theme_id, "guild_id": GUILD, "cycle_id": 1, "title": f"T{theme_id}",
            "title_key": f"t{theme_id}", "description": "d", "countries": "FR,BE",
            "prolonged": False, "emoji": "1️⃣", "position": theme_id, "status": "active",
            "created_at": NOW, "updated_at": NOW, **values}  # fmt: skip


async def seed(engine: AsyncEngine) -> None:
    stamps = {"created_at": NOW, "updated_at": NOW}
    async with engine.begin() as db:
        await db.execute(sa.insert(CYCLE), [{"id": 1, "guild_id": GUILD, "name": "2020-2021",
                                             "first_year": 2020, "status": "running", "created_at": NOW}])  # fmt: skip
        await db.execute(sa.insert(THEME), [theme(1), theme(2)])
        await db.execute(sa.insert(GROUP), [
            {"id": g, "guild_id": GUILD, "cycle_id": 1, "theme_id": 1 + g % 2, "name": f"G{g}",
             "mode": "online", "position": g, "status": "published", **stamps} for g in range(1, 5)
        ])  # fmt: skip
        await db.execute(sa.insert(SYNTHESIS), [{"id": 1, "guild_id": GUILD, "cycle_id": 1,
                                                 "theme_id": 2, "extra_message_ids": "", **stamps}])  # fmt: skip


def shape(connection: Connection) -> tuple[set[str], set[str]]:
    inspector = sa.inspect(connection)
    return set(inspector.get_table_names()), {c["name"] for c in inspector.get_columns("theme")}


async def rows(engine: AsyncEngine) -> dict[str, list[tuple[Any, ...]]]:
    found = {}
    async with engine.connect() as db:
        for name, columns in (("theme", "id, title"), ("work_group", "id, theme_id"),
                              ("synthesis", "id, theme_id")):  # fmt: skip
            query = sa.text(f"SELECT {columns} FROM {name} ORDER BY id")  # noqa: S608 - constants
            found[name] = [tuple(r) for r in (await db.execute(query)).all()]
    return found


async def test_the_proposals_tables_come_and_go_and_themes_keep_what_points_at_them(
    bare: AsyncEngine,  # noqa: F811 - the fixture imported above
) -> None:
    await migrate_to(bare, before())
    await seed(bare)
    kept = await rows(bare)
    assert len(kept["work_group"]) == 4
    await migrate_to(bare, REVISION)
    async with bare.connect() as db:
        tables, columns = await db.run_sync(shape)
    assert NEW_TABLES <= tables and "prolonged_from" in columns
    assert await rows(bare) == kept  # the theme table changed in place: nothing deleted
    async with bare.begin() as db:
        await db.execute(sa.insert(THEME), [theme(3, cycle_id=1, prolonged=True)])
        await db.execute(sa.text("UPDATE theme SET prolonged_from = 2 WHERE id = 3"))
        await db.execute(sa.text(
            "INSERT INTO proposal (guild_id, cycle_id, title, title_key, description, status, "
            "created_at, updated_at) VALUES (:g, 1, 'Logement', 'logement', 'd', 'open', :t, :t)"
        ), {"g": GUILD, "t": NOW})  # fmt: skip
    async with bare.connect() as db:
        carried = (
            await db.execute(sa.text("SELECT prolonged_from FROM theme WHERE id = 3"))
        ).scalar()
    assert carried == 2
    await migrate_to(bare, before(), down=True)
    async with bare.connect() as db:
        tables, columns = await db.run_sync(shape)
    assert not NEW_TABLES & tables and "prolonged_from" not in columns
    after = await rows(bare)
    assert after["theme"] == [(1, "T1"), (2, "T2"), (3, "T3")]
    assert after["work_group"] == kept["work_group"] and after["synthesis"] == kept["synthesis"]
    await migrate_to(bare, REVISION)  # and up again
    async with bare.connect() as db:
        tables, _columns = await db.run_sync(shape)
    assert NEW_TABLES <= tables
