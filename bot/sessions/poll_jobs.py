"""Closing a time poll: one work item per poll (kind "timepoll_close"), added in the
transaction that stores the poll, due at its deadline.

The handler's first transaction closes the poll (reactions after the deadline never
counted). The stored votes are then made equal to the message's reactions, the poll's
card shows it closed and the winner is posted with its button (polls.py), with the
item's nonce: a retry after a crash gets back the message already posted instead of a
second one. A group channel deleted or closed to the bot (403/404) leaves the poll
closed without a winner and ends the item, since retrying would never end; any other
Discord failure is retried by the engine.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from sqlalchemy.ext.asyncio import AsyncSession

from bot.kit import work
from storage import timepolls as store
from storage.models import TimePoll

if TYPE_CHECKING:
    from bot.app import SipBot
    from bot.kit.work import Job, Outcome, WorkEngine
    from bot.sessions.polls import TimePolls

log = logging.getLogger(__name__)
KIND = "timepoll_close"


def key(poll_id: int) -> str:
    return f"{KIND}:{poll_id}"


async def plan_closing(engine: WorkEngine, db: AsyncSession, poll: TimePoll) -> None:
    """Inside the transaction that stores the poll: it closes at its deadline."""
    await engine.add(
        db, kind=KIND, key=key(poll.id), guild_id=poll.guild_id, due_at=poll.deadline,
        payload={"poll_id": poll.id},
    )  # fmt: skip


class TimePollClosing:
    """The handler of "timepoll_close" items."""

    def __init__(self, bot: SipBot, polls: TimePolls) -> None:
        self.services = bot.services
        self.polls = polls

    async def handle(self, job: Job) -> Outcome:
        poll_id = int(job.payload["poll_id"])
        async with self.services.db() as db, db.begin():
            poll = await store.get(db, poll_id)
            if poll is None:
                return work.skipped("the poll was deleted")
            closing_now = await store.mark_closed(db, poll_id)
            slots = await store.slots_of(db, poll_id)
        known = self.polls.forget(poll)
        if known is None and closing_now:
            # opened by another process: this one never had it in memory
            known = self.polls.as_open(poll, slots)
        try:
            if known is not None:
                await self.polls.reconcile(known)
            winner, message_id = await self.polls.announce(poll, job.nonce())
        except (discord.Forbidden, discord.NotFound) as exc:
            log.warning("time poll %s closed, winner not posted: Discord %s", poll_id, exc.status)
            return work.done(note=f"closed; winner not posted (Discord {exc.status})")
        async with self.services.db() as db, db.begin():
            await store.record_winner(db, poll_id, winner, message_id)
        return work.done(result_id=message_id)
