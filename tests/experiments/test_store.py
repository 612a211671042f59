"""Experiments and their nudges on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from storage import cycles, experiments
from storage.database import session_factory
from storage.models import Experiment, ExperimentCheckin, Theme, WorkGroup

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
            ends_at=NOW + timedelta(days=60), next_nudge_at=NOW + timedelta(days=14), created_at=NOW, updated_at=NOW,
        ))  # fmt: skip
    return row.id


async def test_nudges_are_due_claimed_once_and_planned(engine: AsyncEngine) -> None:
    experiment_id = await seeded(engine)
    sessions = session_factory(engine)
    due_at = NOW + timedelta(days=14)
    async with sessions() as db:
        assert await experiments.due_nudges(db, NOW) == []
        assert await experiments.next_nudge_at(db) == due_at
        assert [e.id for e in await experiments.due_nudges(db, due_at)] == [experiment_id]
    async with sessions() as db, db.begin():
        assert await experiments.claim_nudge(db, experiment_id, due_at) is True
        assert await experiments.claim_nudge(db, experiment_id, due_at) is False
        await experiments.update_experiment(
            db, experiment_id, due_at, status="evaluated", nudge_state="done", next_nudge_at=None
        )
    async with sessions() as db:
        assert await experiments.next_nudge_at(db) is None


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
