"""Migration 0010 carries the interest and time polls' closings over into work items
(and back on downgrade), on SQLite and PostgreSQL, without losing a poll's options,
slots or votes."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from alembic import command
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from storage import cycles, themes
from storage.database import alembic_config, session_factory
from storage.models import Theme, WorkGroup
from storage.types import UTCDateTime

GUILD = 2**61 + 5
BIG = 2**63 - 7  # snowflakes use 64 bits
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
SOON, PAST = NOW + timedelta(days=7), NOW - timedelta(days=2)
CHILDREN = ("poll_option", "interest_vote", "time_slot", "time_vote")


def _table(name: str, *columns: str, times: tuple[str, ...] = ()) -> Any:
    return sa.table(name, *[sa.column(c) for c in columns], *[sa.column(t, UTCDateTime()) for t in times])  # fmt: skip


INTEREST = _table(
    "interest_poll", "id", "guild_id", "cycle_id", "channel_id", "message_id", "status",
    "close_state", "results_message_id", times=("deadline", "claimed_at", "created_at"),
)  # fmt: skip
TIME = _table(
    "time_poll", "id", "guild_id", "group_id", "channel_id", "message_id", "minutes", "status",
    "close_state", "result_message_id", times=("deadline", "claimed_at", "created_at"),
)  # fmt: skip
WORK = _table(
    "work_item", "key", "kind", "guild_id", "state", "attempts", "payload", "result_id",
    times=("due_at", "next_at", "finished_at"),
)  # fmt: skip


def _alembic(connection: Connection, action: Callable[..., None], revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    action(config, revision)


async def migrate_to(engine: AsyncEngine, action: Callable[..., None], revision: str) -> None:
    async with engine.begin() as connection:
        await connection.run_sync(_alembic, action, revision)


async def old_polls(engine: AsyncEngine) -> None:
    """Polls as the old code left them, each closing in one of its states, at 0007."""
    async with session_factory(engine)() as db, db.begin():
        cycle = await cycles.create_cycle(db, GUILD, "2026-2027", 2026, [], NOW, 1)
        theme = await themes.add(
            db, Theme(guild_id=GUILD, cycle_id=cycle.id, title="A", emoji="1️⃣", created_at=NOW, updated_at=NOW),
        )  # fmt: skip
        group = WorkGroup(guild_id=GUILD, cycle_id=cycle.id, theme_id=theme.id, name="G", mode="online",
                          created_at=NOW, updated_at=NOW)  # fmt: skip
        db.add(group)
        await db.flush()
        cycle_id, theme_id, group_id = cycle.id, theme.id, group.id
    await migrate_to(engine, command.downgrade, "0007")
    common = {
        "guild_id": GUILD,
        "channel_id": 5,
        "message_id": 6,
        "created_at": NOW - timedelta(days=9),
    }
    interest = [
        {"id": 1, "status": "open", "close_state": "pending", "deadline": SOON},
        {"id": 2, "status": "closed", "close_state": "sending", "deadline": NOW, "claimed_at": NOW},
        {"id": 3, "status": "closed", "close_state": "sent", "deadline": PAST, "results_message_id": BIG},
        {"id": 4, "status": "closed", "close_state": "sent", "deadline": PAST},  # channel was gone
    ]  # fmt: skip
    time = [
        {"id": 1, "status": "open", "close_state": "pending", "deadline": SOON},
        {"id": 2, "status": "open", "close_state": "sending", "deadline": NOW, "claimed_at": NOW},
        {"id": 3, "status": "scheduled", "close_state": "sent", "deadline": PAST, "result_message_id": BIG - 1},
    ]  # fmt: skip
    fill = {"claimed_at": None, "results_message_id": None, "result_message_id": None}
    async with engine.begin() as connection:
        await connection.execute(sa.insert(INTEREST), [
            {**fill, **common, "cycle_id": cycle_id, **p} for p in interest
        ])  # fmt: skip
        await connection.execute(sa.insert(TIME), [
            {**fill, **common, "group_id": group_id, "minutes": 180, **p} for p in time
        ])  # fmt: skip
        await old_children(connection, theme_id)


async def old_children(connection: AsyncConnection, theme_id: int) -> None:
    """One option, slot and vote of each kind: what a table recreated would lose."""
    at = NOW.replace(tzinfo=None)
    rows: list[tuple[str, dict[str, Any]]] = [
        ("INSERT INTO poll_option (poll_id, theme_id, emoji) VALUES (1, :t, '1️⃣')", {"t": theme_id}),
        ("INSERT INTO interest_vote (poll_id, member_id, theme_id, created_at) VALUES (1, :m, :t, :at)",
         {"m": BIG, "t": theme_id, "at": at}),
        ("INSERT INTO time_slot (id, poll_id, position, starts_at) VALUES (1, 1, 0, :at)", {"at": at}),
        ("INSERT INTO time_vote (poll_id, slot_id, member_id, created_at) VALUES (1, 1, :m, :at)",
         {"m": BIG, "at": at}),
    ]  # fmt: skip
    for statement, values in rows:
        await connection.execute(sa.text(statement), values)


async def children(engine: AsyncEngine) -> dict[str, int]:
    async with engine.connect() as connection:
        return {
            name: (await connection.execute(sa.text(f"SELECT count(*) FROM {name}"))).scalar_one()  # noqa: S608 - fixed names
            for name in CHILDREN
        }


async def test_closings_become_work_items_with_the_nonce_they_were_sent_with(
    engine: AsyncEngine,
) -> None:
    await old_polls(engine)
    await migrate_to(engine, command.upgrade, "head")
    async with engine.connect() as connection:
        rows = (await connection.execute(sa.select(WORK).order_by(WORK.c.key))).all()
    found = {
        r.key: (r.kind, r.guild_id, r.state, r.due_at, r.next_at, r.attempts, json.loads(r.payload), r.result_id)
        for r in rows
    }  # fmt: skip
    # the nonces are what storage.outbox.nonce("ipc" or "tp", poll id) gave the old closings
    assert found == {
        "interest_close:1": ("interest_close", GUILD, "pending", SOON, SOON, 0, {"poll_id": 1, "nonce": "sipipc1v0"}, None),
        "interest_close:2": ("interest_close", GUILD, "pending", NOW, NOW, 0, {"poll_id": 2, "nonce": "sipipc2v0"}, None),
        "interest_close:3": ("interest_close", GUILD, "done", PAST, PAST, 0, {"poll_id": 3}, BIG),
        "interest_close:4": ("interest_close", GUILD, "done", PAST, PAST, 0, {"poll_id": 4}, None),
        "timepoll_close:1": ("timepoll_close", GUILD, "pending", SOON, SOON, 0, {"poll_id": 1, "nonce": "siptp1v0"}, None),
        "timepoll_close:2": ("timepoll_close", GUILD, "pending", NOW, NOW, 0, {"poll_id": 2, "nonce": "siptp2v0"}, None),
        "timepoll_close:3": ("timepoll_close", GUILD, "done", PAST, PAST, 0, {"poll_id": 3}, BIG - 1),
    }  # fmt: skip
    assert all((r.finished_at is None) == (r.state == "pending") for r in rows)
    assert await children(engine) == dict.fromkeys(CHILDREN, 1)


async def test_downgrading_gives_the_closings_back_to_the_polls(engine: AsyncEngine) -> None:
    await old_polls(engine)
    await migrate_to(engine, command.upgrade, "head")
    await migrate_to(engine, command.downgrade, "0007")
    async with engine.connect() as connection:
        interest: dict[int, str] = dict((await connection.execute(sa.select(INTEREST.c.id, INTEREST.c.close_state))).all())  # fmt: skip
        time: dict[int, str] = dict((await connection.execute(sa.select(TIME.c.id, TIME.c.close_state))).all())  # fmt: skip
        left = (await connection.execute(sa.select(sa.func.count()).select_from(WORK))).scalar()
    assert interest == {1: "pending", 2: "pending", 3: "sent", 4: "sent"}
    assert time == {1: "pending", 2: "pending", 3: "sent"}
    assert left == 0
    assert await children(engine) == dict.fromkeys(CHILDREN, 1)
    await migrate_to(engine, command.upgrade, "head")
