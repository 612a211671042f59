"""Experiment nudges: every 14 days a check-in request in the experiment's thread,
then at the end a request for the evaluation. The experiment row is the outbox."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import aiohttp
import discord

from bot.experiments import rules
from bot.kit import ui
from storage import experiments as store
from storage.models import Experiment
from storage.outbox import nonce

if TYPE_CHECKING:
    from bot.app import SipBot

log = logging.getLogger(__name__)
WAKER = "experiments"
RETRY_AFTER = timedelta(seconds=30)


class NudgeSender:
    def __init__(self, bot: SipBot) -> None:
        self.bot = bot
        self.services = bot.services

    async def run_due(self) -> datetime | None:
        now = self.services.clock.now()
        async with self.services.db() as db:
            due = await store.due_nudges(db, now)
        retry = False
        for experiment in due:
            retry |= not await self.nudge(experiment, now)
        async with self.services.db() as db:
            next_at = await store.next_nudge_at(db)
        if retry:
            soon = now + RETRY_AFTER
            return soon if next_at is None or next_at <= now else min(next_at, soon)
        return next_at

    async def nudge(self, experiment: Experiment, now: datetime) -> bool:
        assert experiment.id is not None and experiment.next_nudge_at is not None  # noqa: S101
        async with self.services.db() as db, db.begin():
            if not await store.claim_nudge(db, experiment.id, now):
                return True
        config = await self.services.config(experiment.guild_id)
        tr = self.services.public(config)
        key = (
            "experiment.nudge.evaluate"
            if experiment.nudge_kind == "evaluate"
            else "experiment.nudge.checkin"
        )
        text = tr(key, title=experiment.title, end=ui.timestamp(experiment.ends_at))
        channel = self.bot.get_partial_messageable(
            experiment.thread_id or 0, guild_id=experiment.guild_id
        )
        try:
            await channel.send(text, nonce=nonce("xn", experiment.id, experiment.nudge_number))
        except (discord.Forbidden, discord.NotFound) as exc:
            log.warning("experiment %s nudge refused: %s", experiment.id, exc.status)
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError):
            async with self.services.db() as db, db.begin():
                await store.update_experiment(
                    db, experiment.id, now, nudge_state="pending", claimed_at=None
                )
            return False
        await self._advance(experiment, now)
        return True

    async def _advance(self, experiment: Experiment, now: datetime) -> None:
        assert experiment.id is not None and experiment.next_nudge_at is not None  # noqa: S101
        if experiment.nudge_kind == "evaluate":
            changes: dict[str, object] = {
                "nudge_state": "done",
                "next_nudge_at": None,
                "status": "ended",
            }
        else:
            current = rules.Nudge(
                experiment.next_nudge_at, experiment.nudge_kind, experiment.nudge_number
            )
            following = rules.following(current, experiment.ends_at, now)
            changes = {
                "nudge_state": "pending",
                "next_nudge_at": following.at,
                "nudge_kind": following.kind,
                "nudge_number": following.number,
            }
        async with self.services.db() as db, db.begin():
            await store.update_experiment(db, experiment.id, now, **changes)
