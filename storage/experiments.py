"""Experiments, their check-ins and evaluation. Their nudges are work items
(bot/experiments/jobs.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Experiment, ExperimentCheckin, ExperimentEvaluation


async def add(db: AsyncSession, row: Experiment) -> Experiment:
    db.add(row)
    await db.flush()
    return row


async def get(db: AsyncSession, experiment_id: int) -> Experiment | None:
    return await db.get(Experiment, experiment_id, populate_existing=True)


async def of_groups(db: AsyncSession, group_ids: Sequence[int]) -> list[Experiment]:
    result = await db.execute(
        select(Experiment).where(Experiment.group_id.in_(list(group_ids))).order_by(Experiment.id)
    )
    return list(result.scalars())


async def of_guild(db: AsyncSession, guild_id: int) -> list[Experiment]:
    result = await db.execute(
        select(Experiment).where(Experiment.guild_id == guild_id).order_by(Experiment.id)
    )
    return list(result.scalars())


async def update_experiment(
    db: AsyncSession, experiment_id: int, now: datetime, **changes: Any
) -> None:
    await db.execute(
        update(Experiment).where(Experiment.id == experiment_id).values(updated_at=now, **changes)
    )


async def end(db: AsyncSession, experiment_id: int, now: datetime) -> None:
    """The evaluation was asked for: the experiment has run its course (unless it was
    evaluated already)."""
    await db.execute(
        update(Experiment)
        .where(Experiment.id == experiment_id, Experiment.status == "running")
        .values(status="ended", updated_at=now)
    )


async def add_checkin(db: AsyncSession, row: ExperimentCheckin) -> None:
    db.add(row)
    await db.flush()


async def last_checkins(db: AsyncSession, experiment_ids: Sequence[int]) -> dict[int, datetime]:
    result = await db.execute(
        select(ExperimentCheckin.experiment_id, func.max(ExperimentCheckin.created_at))
        .where(ExperimentCheckin.experiment_id.in_(list(experiment_ids)))
        .group_by(ExperimentCheckin.experiment_id)
    )
    found: dict[int, datetime] = {}
    for experiment_id, at in result.all():
        moment = at if isinstance(at, datetime) else datetime.fromisoformat(str(at))
        found[experiment_id] = (
            moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        )  # SQLite: naive UTC
    return found


async def checkin_counts(db: AsyncSession, experiment_ids: Sequence[int]) -> dict[int, int]:
    result = await db.execute(
        select(ExperimentCheckin.experiment_id, func.count())
        .where(ExperimentCheckin.experiment_id.in_(list(experiment_ids)))
        .group_by(ExperimentCheckin.experiment_id)
    )
    return {e: int(n) for e, n in result.all()}


async def save_evaluation(db: AsyncSession, row: ExperimentEvaluation) -> None:
    existing = await evaluation(db, row.experiment_id)
    if existing is None:
        db.add(row)
    else:
        for name in ("done", "worked", "failed", "lessons", "author_id", "created_at"):
            setattr(existing, name, getattr(row, name))
    await db.flush()


async def evaluation(db: AsyncSession, experiment_id: int) -> ExperimentEvaluation | None:
    result = await db.execute(
        select(ExperimentEvaluation).where(ExperimentEvaluation.experiment_id == experiment_id)
    )
    return result.scalars().first()
