"""Revision 0015 on SQLite and PostgreSQL: the meetings' two tables, with the unique
seat and queue constraints, go with a downgrade — the meetings' work items too, and
nothing else — and come back, empty and usable, with the upgrade."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import work as work_store
from storage.database import alembic_config, migrate, session_factory
from storage.models import Meeting, MeetingRegistration, WorkItem

REVISION = "0015"
GUILD = 2**63 - 17
MEMBER = 2**63 - 16
NOW = datetime(2027, 1, 10, 9, 0, tzinfo=UTC)


def before() -> str:
    down = ScriptDirectory.from_config(alembic_config()).get_revision(REVISION).down_revision
    assert isinstance(down, str)
    return down


def _shape(connection: Connection) -> dict[str, Any]:
    inspector = sa.inspect(connection)
    names = set(inspector.get_table_names())
    found: dict[str, Any] = {"tables": names & {"meeting", "meeting_registration"}}
    if "meeting_registration" in names:
        found["unique"] = {
            c["name"]: tuple(c["column_names"])
            for c in inspector.get_unique_constraints("meeting_registration")
        }
    return found


async def shape(engine: AsyncEngine) -> dict[str, Any]:
    async with engine.connect() as connection:
        return await connection.run_sync(_shape)


def item(kind: str, key: str) -> WorkItem:
    return WorkItem(kind=kind, key=key, guild_id=GUILD, due_at=NOW, next_at=NOW,
                    payload=json.dumps({"meeting_id": 1}), created_at=NOW)  # fmt: skip


async def seed(engine: AsyncEngine, round: int = 1) -> int:
    async with session_factory(engine)() as db, db.begin():
        meeting = Meeting(guild_id=GUILD, title="Webinaire", starts_at=NOW + timedelta(days=3),
                          visio_url="https://v.example.org", created_by=MEMBER, created_at=NOW,
                          updated_at=NOW)  # fmt: skip
        db.add(meeting)
        await db.flush()
        db.add(MeetingRegistration(meeting_id=meeting.id, member_id=MEMBER, mode="online",
                                   state="registered", seq=1, registered_at=NOW, updated_at=NOW))  # fmt: skip
        for kind in (
            "meeting_event",
            "meeting_reminder",
            "meeting_notice",
            "meeting_card",
            "reminder",
        ):
            db.add(item(kind, f"{kind}:1:{round}"))
        return meeting.id


async def test_the_meetings_tables_and_their_work_go_and_come_back(engine: AsyncEngine) -> None:
    assert await shape(engine) == {
        "tables": {"meeting", "meeting_registration"},
        "unique": {
            "uq_meeting_registration": ("meeting_id", "member_id"),
            "uq_meeting_registration_seat": ("meeting_id", "seat"),
            "uq_meeting_registration_seq": ("meeting_id", "seq"),
        },
    }
    meeting_id = await seed(engine)
    await migrate(engine, before(), down=True)
    assert await shape(engine) == {"tables": set()}
    async with session_factory(engine)() as db:
        left = await work_store.items(db)
    assert [i.kind for i in left] == ["reminder"]  # the sessions' work is untouched
    await migrate(engine)
    assert (await shape(engine))["tables"] == {"meeting", "meeting_registration"}
    async with session_factory(engine)() as db:
        assert await db.get(Meeting, meeting_id) is None  # back empty
    assert await seed(engine, 2) >= 1  # and usable
