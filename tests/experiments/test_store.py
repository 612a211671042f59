"""Experiments, their check-ins and their nudges' work items on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.experiments import jobs, rules
from bot.kit.work import LEASE, WorkEngine
from storage import cycles, experiments
from storage import work as work_store
from storage.database import session_factory
from storage.models import Experiment, ExperimentCheckin, Theme, WorkGroup
from tests.clock import MovableClock

GUILD = 2**62 + 9
NOW = datetime(2027, 1, 10, 10, 0, tzinfo=UTC)


async def seeded(engine: AsyncEngine) -> int:
    async with session_factory(engine)() as db, db.begin():
        cycle = await cycles.create_cycle(db, GUILD, "2026-2027", 2026, [], NOW, 1)
        theme = Theme(
            guild_id=GUILD,
            cycle_id=cycle.id,
            title="T",
            title_key="t",
            emoji="1️⃣",
            created_at=NOW,
            updated_at=NOW,
        )
        db.add(theme)
        await db.flush()
        group = WorkGroup(
            guild_id=GUILD,
            cycle_id=cycle.id,
            theme_id=theme.id,
            name="G",
            mode="online",
            created_at=NOW,
            updated_at=NOW,
        )
        db.add(group)
        await db.flush()
        row = await experiments.add(db, Experiment(
            guild_id=GUILD, cycle_id=cycle.id, group_id=group.id, title="E", starts_at=NOW,
            ends_at=NOW + timedelta(days=60), created_at=NOW, updated_at=NOW,
        ))  # fmt: skip
        first = rules.first_nudge(row.starts_at, row.ends_at)
        assert await jobs.plan_nudge(
            WorkEngine(session_factory(engine), MovableClock(NOW)), db, row, first
        )
    return row.id


async def test_nudges_are_due_claimed_once_and_planned(engine: AsyncEngine) -> None:
    experiment_id = await seeded(engine)
    sessions = session_factory(engine)
    due_at = NOW + timedelta(days=14)
    kinds = [jobs.KIND]
    async with sessions() as db, db.begin():
        assert await work_store.claim_due(db, NOW, kinds, LEASE) == []
        assert await work_store.next_wake_at(db, kinds) == due_at
        (item,) = await work_store.claim_due(db, due_at, kinds, LEASE)
    assert (item.key, work_store.payload_of(item)) == (
        f"experiment:{experiment_id}:1", {"experiment_id": experiment_id, "kind": "checkin", "number": 1},
    )  # fmt: skip
    async with sessions() as db, db.begin():
        assert await work_store.claim_due(db, due_at, kinds, LEASE) == []  # claimed once
        assert await work_store.release(db, item.id, item.claim_token, due_at, "503")
        await experiments.update_experiment(db, experiment_id, due_at, status="evaluated")
        await jobs.stop_nudges(db, experiment_id, due_at)
    async with sessions() as db:
        assert await work_store.next_wake_at(db, kinds) is None
        stopped = await work_store.get(db, item.key)
    assert stopped is not None and stopped.state == "cancelled"


async def test_a_nudge_is_planned_once_and_the_request_ends_only_a_running_experiment(
    engine: AsyncEngine,
) -> None:
    experiment_id = await seeded(engine)
    sessions = session_factory(engine)
    works = WorkEngine(sessions, MovableClock(NOW))
    async with sessions() as db, db.begin():
        row = await experiments.get(db, experiment_id)
        assert row is not None
        again = rules.first_nudge(row.starts_at, row.ends_at)
        assert not await jobs.plan_nudge(works, db, row, again)  # a retry adds nothing
        await experiments.end(db, experiment_id, NOW)
    async with sessions() as db:
        ended = await experiments.get(db, experiment_id)
        assert ended is not None and ended.status == "ended"
    async with sessions() as db, db.begin():
        await experiments.update_experiment(db, experiment_id, NOW, status="evaluated")
        await experiments.end(db, experiment_id, NOW)  # asked for too late: evaluated stays
    async with sessions() as db:
        evaluated = await experiments.get(db, experiment_id)
        assert evaluated is not None and evaluated.status == "evaluated"


async def test_last_checkins_are_aware_utc(engine: AsyncEngine) -> None:
    experiment_id = await seeded(engine)
    async with session_factory(engine)() as db, db.begin():
        for days in (3, 9):
            await experiments.add_checkin(
                db,
                ExperimentCheckin(
                    experiment_id=experiment_id, text="x", created_at=NOW + timedelta(days=days)
                ),
            )
    async with session_factory(engine)() as db:
        last = await experiments.last_checkins(db, [experiment_id])
        counts = await experiments.checkin_counts(db, [experiment_id])
    assert last == {experiment_id: NOW + timedelta(days=9)}
    assert last[experiment_id].tzinfo is not None
    assert counts == {experiment_id: 2}
