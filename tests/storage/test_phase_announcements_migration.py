"""Migration 0009 carries every phase's announcement from the phase table's outbox
columns into the work table, and back again on downgrade, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from alembic import command
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.kit.work import Job
from storage import work
from storage.database import alembic_config, session_factory
from storage.types import UTCDateTime

GUILD = 2**60 + 7
CREATED = datetime(2020, 10, 15, 12, 0, tzinfo=UTC)
START = datetime(2020, 11, 1, 8, 0, tzinfo=UTC)
END = datetime(2020, 12, 31, 22, 59, tzinfo=UTC)
SENT_AT = START + timedelta(minutes=20)

cycle = sa.table(
    "cycle",
    sa.column("id", sa.Integer), sa.column("guild_id", sa.BigInteger),
    sa.column("name", sa.String), sa.column("first_year", sa.Integer),
    sa.column("status", sa.String), sa.column("created_at", UTCDateTime()),
    sa.column("closed_at", UTCDateTime()),
)  # fmt: skip
phase = sa.table(
    "phase",
    sa.column("id", sa.Integer), sa.column("cycle_id", sa.Integer), sa.column("key", sa.String),
    sa.column("position", sa.Integer), sa.column("starts_at", UTCDateTime()),
    sa.column("ends_at", UTCDateTime()), sa.column("announce_state", sa.String),
    sa.column("claimed_at", UTCDateTime()), sa.column("announced_at", UTCDateTime()),
    sa.column("announce_message_id", sa.BigInteger), sa.column("announce_note", sa.String),
)  # fmt: skip

# phase id -> (cycle id, old state, claimed_at, announced_at, message id, note)
OLD: dict[int, tuple[int, str, datetime | None, datetime | None, int | None, str]] = {
    1: (1, "sent", START, SENT_AT, 2**62 + 1, "late"),
    2: (1, "pending", None, None, None, ""),
    3: (1, "sending", START, None, None, ""),
    4: (1, "skipped", None, None, None, "ended before the cycle was created"),
    5: (1, "failed", START, START, None, "Discord 403: Missing Access"),
    6: (2, "cancelled", None, None, None, "cycle closed"),
    7: (2, "pending", None, None, None, ""),  # left pending in a closed cycle
}


def _alembic(connection: Connection, action: str, target: str) -> None:
    cfg = alembic_config()
    cfg.attributes["connection"] = connection
    getattr(command, action)(cfg, target)


async def _migrate(engine: AsyncEngine, action: str, target: str) -> None:
    async with engine.begin() as connection:
        await connection.run_sync(_alembic, action, target)


def _old_rows() -> list[dict[str, Any]]:
    return [
        {"id": phase_id, "cycle_id": cycle_id, "key": f"p{phase_id}", "position": phase_id,
         "starts_at": START + timedelta(days=phase_id), "ends_at": END, "announce_state": state,
         "claimed_at": claimed, "announced_at": announced, "announce_message_id": message,
         "announce_note": note}
        for phase_id, (cycle_id, state, claimed, announced, message, note) in OLD.items()
    ]  # fmt: skip


async def _seed_old_schema(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.execute(
            cycle.insert(),
            [
                {"id": 1, "guild_id": GUILD, "name": "2020-2021", "first_year": 2020,
                 "status": "running", "created_at": CREATED, "closed_at": None},
                {"id": 2, "guild_id": GUILD, "name": "2019-2020", "first_year": 2019,
                 "status": "closed", "created_at": CREATED - timedelta(days=365),
                 "closed_at": CREATED - timedelta(days=1)},
            ],
        )  # fmt: skip
        await connection.execute(phase.insert(), _old_rows())


async def test_every_announcement_is_carried_into_the_work_table_and_back(
    engine: AsyncEngine,
) -> None:
    await _migrate(engine, "downgrade", "0009-1")
    await _seed_old_schema(engine)
    await _migrate(engine, "upgrade", "0009")
    async with session_factory(engine)() as db:
        items = {work.payload_of(i)["phase_id"]: i for i in await work.items(db)}
    assert sorted(items) == list(OLD)
    for phase_id, item in items.items():
        start = START + timedelta(days=phase_id)
        assert (item.kind, item.key, item.guild_id, item.due_at, item.next_at) == (
            "phase_start", f"phase:{phase_id}:{int(start.timestamp())}", GUILD, start, start,
        )  # fmt: skip
    sent = items[1]
    assert (sent.state, sent.result_id, sent.finished_at, sent.late, sent.note) == (
        "done", 2**62 + 1, SENT_AT, True, "late",
    )  # fmt: skip
    for phase_id in (2, 3):  # not finished: pending again, posting with the old nonce
        assert (items[phase_id].state, items[phase_id].finished_at) == ("pending", None)
        job = Job(items[phase_id], work.payload_of(items[phase_id]))
        assert job.nonce() == f"sipph{phase_id}v0"
    assert (items[4].state, items[4].note) == ("skipped", "ended before the cycle was created")
    assert (items[5].state, items[5].note, items[5].finished_at) == (
        "failed", "Discord 403: Missing Access", START,
    )  # fmt: skip
    assert (items[6].state, items[6].note) == ("cancelled", "cycle closed")
    assert (items[7].state, items[7].note) == ("cancelled", "cycle closed")
    assert all(i.finished_at is not None for k, i in items.items() if k not in (2, 3))
    async with engine.connect() as connection:
        columns = await connection.run_sync(
            lambda c: {col["name"] for col in sa.inspect(c).get_columns("phase")}
        )
    assert not {"announce_state", "claimed_at", "announced_at"} & columns

    await _migrate(engine, "downgrade", "0009-1")
    async with engine.connect() as connection:
        restored = {
            row.id: row for row in await connection.execute(sa.select(phase).order_by(phase.c.id))
        }
        left = (await connection.execute(sa.text("select count(*) from work_item"))).scalar()
    assert left == 0
    assert (restored[1].announce_state, restored[1].announce_message_id) == ("sent", 2**62 + 1)
    assert (restored[1].announced_at, restored[1].announce_note) == (SENT_AT, "late")
    assert [restored[i].announce_state for i in (2, 3, 4, 5, 6, 7)] == [
        "pending", "pending", "skipped", "failed", "cancelled", "cancelled",
    ]  # fmt: skip
    assert restored[5].announce_note == "Discord 403: Missing Access"
    await _migrate(engine, "upgrade", "head")
