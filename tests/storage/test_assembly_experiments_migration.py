"""Revision 0011 on SQLite and PostgreSQL: every assembly closing and experiment nudge of
the old outbox columns becomes a work item (what was not sent yet pending, with the
nonce it was first sent with), ballots, check-ins and evaluations all survive the
columns being dropped, and the downgrade gives the old columns their state back."""

from __future__ import annotations

import json
import secrets
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.kit.work import Job
from storage import work as work_store
from storage.database import alembic_config, create_engine, session_factory
from storage.types import UTCDateTime
from tests.databases import reachable_postgres

REVISION = "0011"
GUILD = 2**62 + 11
NOW = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)
SOON = NOW + timedelta(days=3)
T = UTCDateTime(timezone=True)


def before() -> str:
    down = ScriptDirectory.from_config(alembic_config()).get_revision(REVISION).down_revision
    assert isinstance(down, str)
    return down


@pytest_asyncio.fixture(params=["sqlite", "postgresql"])
async def bare(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """An empty database, migrated by the test itself."""
    if request.param == "sqlite":
        engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}")
        yield engine
        await engine.dispose()
        return
    base = await reachable_postgres()
    schema = f"t_{secrets.token_hex(6)}"
    admin = create_engine(base)
    async with admin.begin() as connection:
        await connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    engine = create_engine(base, connect_args={"server_settings": {"search_path": schema}})
    try:
        yield engine
    finally:
        await engine.dispose()
        async with admin.begin() as connection:
            await connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()


def _run(connection: Connection, revision: str, down: bool) -> None:
    cfg = alembic_config()
    cfg.attributes["connection"] = connection
    (command.downgrade if down else command.upgrade)(cfg, revision)


async def migrate_to(engine: AsyncEngine, revision: str, *, down: bool = False) -> None:
    async with engine.begin() as connection:
        await connection.run_sync(_run, revision, down)


def table(name: str, *columns: str, times: tuple[str, ...] = ()) -> sa.TableClause:
    return sa.table(name, *(sa.column(c) for c in columns), *(sa.column(c, T) for c in times))


STAMPS = ("created_at", "updated_at")
CYCLE = table("cycle", "id", "guild_id", "name", "first_year", "status", times=("created_at",))
THEME = table("theme", "id", "guild_id", "cycle_id", "title", "title_key", "description",
              "countries", "prolonged", "emoji", "position", "status", times=STAMPS)  # fmt: skip
GROUP = table("work_group", "id", "guild_id", "cycle_id", "theme_id", "name", "mode", "position",
              "status", times=STAMPS)  # fmt: skip
VOTE = table("assembly_vote", "id", "guild_id", "title", "options", "method", "channel_id",
             "status", "close_state", "results_message_id",
             times=("deadline", "claimed_at", "created_at", "closed_at"))  # fmt: skip
BALLOT = table("ballot", "vote_id", "member_id", "choices", times=("updated_at",))
EXPERIMENT = table("experiment", "id", "guild_id", "cycle_id", "group_id", "title", "goal",
                   "thread_id", "status", "nudge_kind", "nudge_number", "nudge_state",
                   times=("starts_at", "ends_at", "next_nudge_at", "claimed_at", *STAMPS))  # fmt: skip
CHECKIN = table("experiment_checkin", "experiment_id", "text", times=("created_at",))
EVALUATION = table("experiment_evaluation", "experiment_id", "done", "worked", "failed",
                   "lessons", times=("created_at",))  # fmt: skip


def vote(vote_id: int, close_state: str, **values: Any) -> dict[str, Any]:
    return {
        "id": vote_id, "guild_id": GUILD, "title": f"AG {vote_id}", "options": '["A", "B"]',
        "method": "approval", "channel_id": 5, "status": "open", "close_state": close_state,
        "results_message_id": None, "deadline": SOON, "claimed_at": None, "created_at": NOW,
        "closed_at": None, **values,
    }  # fmt: skip


def experiment(experiment_id: int, state: str, kind: str, number: int, **values: Any) -> dict[str, Any]:  # fmt: skip
    return {
        "id": experiment_id, "guild_id": GUILD, "cycle_id": 1, "group_id": 1,
        "title": f"E{experiment_id}", "goal": "", "thread_id": 7, "status": "running",
        "nudge_kind": kind, "nudge_number": number, "nudge_state": state,
        "starts_at": NOW - timedelta(days=30), "ends_at": NOW + timedelta(days=60),
        "next_nudge_at": SOON, "claimed_at": None, "created_at": NOW, "updated_at": NOW,
        **values,
    }  # fmt: skip


async def seed_old_outbox(engine: AsyncEngine) -> None:
    stamps = {"created_at": NOW, "updated_at": NOW}
    ended, evaluated = NOW - timedelta(days=1), NOW - timedelta(hours=5)
    async with engine.begin() as db:
        await db.execute(sa.insert(CYCLE), [{"id": 1, "guild_id": GUILD, "name": "2026-2027",
                                             "first_year": 2026, "status": "open", "created_at": NOW}])  # fmt: skip
        await db.execute(sa.insert(THEME), [{"id": 1, "guild_id": GUILD, "cycle_id": 1, "title": "T",
            "title_key": "t", "description": "", "countries": "", "prolonged": False, "emoji": "1️⃣",
            "position": 1, "status": "open", **stamps}])  # fmt: skip
        await db.execute(sa.insert(GROUP), [{"id": 1, "guild_id": GUILD, "cycle_id": 1, "theme_id": 1,
            "name": "G", "mode": "online", "position": 1, "status": "open", **stamps}])  # fmt: skip
        await db.execute(sa.insert(VOTE), [
            vote(1, "pending"),
            vote(2, "sending", status="closed", closed_at=SOON, claimed_at=SOON),
            vote(3, "sent", status="closed", closed_at=SOON, results_message_id=2**63 - 5),
        ])  # fmt: skip
        await db.execute(sa.insert(BALLOT), [
            {"vote_id": v, "member_id": m, "choices": "[0]", "updated_at": NOW}
            for v in (1, 2, 3) for m in (10, 11)
        ])  # fmt: skip
        await db.execute(sa.insert(EXPERIMENT), [
            experiment(10, "pending", "checkin", 2),
            experiment(11, "sending", "evaluate", 5, claimed_at=SOON),
            experiment(12, "done", "evaluate", 5, status="ended", next_nudge_at=None,
                       ends_at=ended, updated_at=ended),
            experiment(13, "done", "checkin", 3, status="evaluated", next_nudge_at=None,
                       updated_at=evaluated),
        ])  # fmt: skip
        await db.execute(sa.insert(CHECKIN), [
            {"experiment_id": e, "text": "x", "created_at": NOW} for e in (10, 11, 12, 13)
        ])  # fmt: skip
        await db.execute(sa.insert(EVALUATION), [{"experiment_id": 13, "done": "d", "worked": "",
                                                  "failed": "", "lessons": "", "created_at": NOW}])  # fmt: skip


async def counts(engine: AsyncEngine) -> dict[str, int]:
    found = {}
    async with engine.connect() as db:
        for name in ("ballot", "experiment_checkin", "experiment_evaluation"):
            found[name] = (await db.execute(sa.text(f"SELECT count(*) FROM {name}"))).scalar_one()  # noqa: S608
    return found


async def test_old_closings_and_nudges_become_work_items_with_their_nonce(
    bare: AsyncEngine,
) -> None:
    await migrate_to(bare, before())
    await seed_old_outbox(bare)
    kept = await counts(bare)
    assert kept == {"ballot": 6, "experiment_checkin": 4, "experiment_evaluation": 1}
    await migrate_to(bare, REVISION)
    async with session_factory(bare)() as db:
        items = {i.key: i for i in await work_store.items(db)}
    seen = {
        key: (i.kind, i.state, i.due_at, i.guild_id, i.result_id, work_store.payload_of(i))
        for key, i in items.items()
    }
    ended, evaluated = NOW - timedelta(days=1), NOW - timedelta(hours=5)
    assert seen == {
        "assembly_close:1": ("assembly_close", "pending", SOON, GUILD, None,
                             {"vote_id": 1, "nonce": "sipav1v0"}),
        "assembly_close:2": ("assembly_close", "pending", SOON, GUILD, None,
                             {"vote_id": 2, "nonce": "sipav2v0"}),
        "assembly_close:3": ("assembly_close", "done", SOON, GUILD, 2**63 - 5, {"vote_id": 3}),
        "experiment:10:2": ("experiment_nudge", "pending", SOON, GUILD, None,
                            {"experiment_id": 10, "kind": "checkin", "number": 2,
                             "nonce": "sipxn10v2"}),
        "experiment:11:5": ("experiment_nudge", "pending", SOON, GUILD, None,
                            {"experiment_id": 11, "kind": "evaluate", "number": 5,
                             "nonce": "sipxn11v5"}),
        "experiment:12:5": ("experiment_nudge", "done", ended, GUILD, None,
                            {"experiment_id": 12, "kind": "evaluate", "number": 5}),
        "experiment:13:3": ("experiment_nudge", "cancelled", evaluated, GUILD, None,
                            {"experiment_id": 13, "kind": "checkin", "number": 3}),
    }  # fmt: skip
    # what the old code sent (storage.outbox.nonce("av", 1), nonce("xn", 10, 2)) is sent again
    pending = items["assembly_close:1"], items["experiment:10:2"]
    assert [Job(i, work_store.payload_of(i)).nonce() for i in pending] == ["sipav1v0", "sipxn10v2"]
    assert items["assembly_close:3"].finished_at == SOON
    assert items["experiment:10:2"].next_at == SOON and items["experiment:10:2"].attempts == 0
    assert await counts(bare) == kept  # dropping the columns deleted nothing that refers to them
    async with bare.connect() as db:
        columns = await db.run_sync(
            lambda c: {t: {x["name"] for x in sa.inspect(c).get_columns(t)}
                       for t in ("assembly_vote", "experiment")}
        )  # fmt: skip
    assert columns["assembly_vote"].isdisjoint({"close_state", "claimed_at"})
    assert "results_message_id" in columns["assembly_vote"]
    assert columns["experiment"].isdisjoint(
        {"next_nudge_at", "nudge_kind", "nudge_number", "nudge_state", "claimed_at"}
    )


async def test_the_downgrade_gives_the_outbox_columns_their_state_back(bare: AsyncEngine) -> None:
    await migrate_to(bare, before())
    await seed_old_outbox(bare)
    await migrate_to(bare, REVISION)
    await migrate_to(bare, before(), down=True)
    async with bare.connect() as db:
        votes = (
            await db.execute(sa.select(VOTE.c.id, VOTE.c.close_state).order_by(VOTE.c.id))
        ).all()
        rows = await db.execute(
            sa.select(EXPERIMENT.c.id, EXPERIMENT.c.nudge_state, EXPERIMENT.c.next_nudge_at,
                      EXPERIMENT.c.nudge_kind, EXPERIMENT.c.nudge_number).order_by(EXPERIMENT.c.id)
        )  # fmt: skip
        experiments = [tuple(r) for r in rows]
        left = (await db.execute(sa.text("SELECT count(*) FROM work_item"))).scalar_one()
    assert [tuple(v) for v in votes] == [(1, "pending"), (2, "pending"), (3, "sent")]
    assert experiments == [
        (10, "pending", SOON, "checkin", 2),
        (11, "pending", SOON, "evaluate", 5),
        (12, "done", None, "evaluate", 5),
        (13, "done", None, "checkin", 3),
    ]
    assert left == 0
    assert await counts(bare) == {"ballot": 6, "experiment_checkin": 4, "experiment_evaluation": 1}
    await migrate_to(bare, REVISION)  # and up again
    async with session_factory(bare)() as db:
        again = await work_store.get(db, "experiment:10:2")
    assert again is not None and json.loads(again.payload)["nonce"] == "sipxn10v2"
