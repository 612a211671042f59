"""Experiment nudges: every 14 days a check-in request in the experiment's thread, then
at the end a request for the evaluation.

Each nudge is one work item ("experiment_nudge", key `experiment:<id>:<number>`): the
first is added in the transaction that stores the experiment, and each one, once
posted, adds the following one (bot/experiments/rules.py `following`) before it is
finished, so the series is never lost between two nudges and a retry adds nothing twice
(the key is unique). The post carries the item's nonce. A thread Discord refuses (403,
404) only loses that nudge: the series goes on. The evaluation request ends the series
and the experiment (status "ended"); an evaluation cancels the nudges still to come.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

import discord
from sqlalchemy.ext.asyncio import AsyncSession

from bot.experiments import rules
from bot.kit import ui, work
from storage import experiments as store
from storage import work as work_store
from storage.models import Experiment

if TYPE_CHECKING:
    from bot.kit.host import Host

log = logging.getLogger(__name__)
KIND = "experiment_nudge"


def prefix(experiment_id: int) -> str:
    return f"experiment:{experiment_id}:"


async def plan_nudge(
    engine: work.WorkEngine, db: AsyncSession, experiment: Experiment, nudge: rules.Nudge
) -> bool:
    """Inside the caller's transaction; False when this nudge is planned already."""
    return await engine.add(
        db, kind=KIND, key=f"{prefix(experiment.id)}{nudge.number}", guild_id=experiment.guild_id,
        due_at=nudge.at,
        payload={"experiment_id": experiment.id, "kind": nudge.kind, "number": nudge.number},
    )  # fmt: skip


async def stop_nudges(db: AsyncSession, experiment_id: int, now: datetime) -> None:
    """Inside the transaction that evaluates the experiment: no nudge after it."""
    await work_store.cancel(
        db, prefix=prefix(experiment_id), now=now, note="the experiment was evaluated"
    )


class NudgeSender:
    def __init__(self, bot: Host) -> None:
        self.bot = bot
        self.services = bot.services

    async def handle(self, job: work.Job) -> work.Outcome:
        experiment_id = int(job.payload["experiment_id"])
        nudge = rules.Nudge(job.item.due_at, str(job.payload["kind"]), int(job.payload["number"]))
        async with self.services.db() as db:
            experiment = await store.get(db, experiment_id)
        if experiment is None or experiment.status != "running":
            return work.skipped("the experiment is over")
        message_id = await self._post(experiment, nudge, job.nonce())
        now = self.services.clock.now()
        async with self.services.db() as db, db.begin():
            if nudge.kind == "evaluate":
                await store.end(db, experiment_id, now)
            else:
                following = rules.following(nudge, experiment.ends_at, now)
                await plan_nudge(self.services.work, db, experiment, following)
        if message_id is None:
            return work.done(note="Discord refused the nudge; the series goes on")
        return work.done(result_id=message_id)

    async def _post(self, experiment: Experiment, nudge: rules.Nudge, nonce: str) -> int | None:
        """The nudge's message id; None when Discord refused it for good (thread deleted
        or closed to the bot): the series goes on, as the group may open it again."""
        config = await self.services.config(experiment.guild_id)
        tr = self.services.public(config)
        key = (
            "experiment.nudge.evaluate" if nudge.kind == "evaluate" else "experiment.nudge.checkin"
        )
        text = tr(key, title=experiment.title, end=ui.timestamp(experiment.ends_at))
        channel = self.bot.get_partial_messageable(
            experiment.thread_id or 0, guild_id=experiment.guild_id
        )
        try:
            message = await channel.send(text, nonce=nonce)
        except (discord.Forbidden, discord.NotFound) as exc:
            log.warning("experiment %s nudge refused: %s", experiment.id, exc.status)
            return None
        return message.id
