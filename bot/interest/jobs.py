"""Closing an interest poll: one work item per poll (kind "interest_close"), added in
the transaction that stores the poll, due at its deadline; `/interest close` runs it
at once through the engine, so a deadline falling at the same moment never posts the
results twice.

The handler's first transaction closes the poll: reactions stop counting from there.
The attempt that closed it then makes the stored votes equal to the message's
reactions; the poll's card shows it closed and the results are posted under it, with
their picture (drawn again at each attempt, the same), under the item's nonce (a retry
after a crash gets back the message already posted, picture included, instead of a
second one). A channel deleted or closed to the bot (403/404) closes the poll all
the same — /interest results shows the counts — and ends the item, since retrying
would never end; any other Discord failure is retried by the engine.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from sqlalchemy.ext.asyncio import AsyncSession

from bot.interest.posts import poll_card, results_card, results_picture
from bot.interest.rules import Tally, tally
from bot.interest.votes import VoteRecorder, as_open_poll
from bot.kit import charts, work
from storage import interest
from storage import themes as theme_store
from storage.models import InterestPoll, Theme

if TYPE_CHECKING:
    from bot.kit.host import Host
    from bot.kit.work import Job, Outcome, WorkEngine

log = logging.getLogger(__name__)
KIND = "interest_close"


def key(poll_id: int) -> str:
    return f"{KIND}:{poll_id}"


async def plan_closing(engine: WorkEngine, db: AsyncSession, poll: InterestPoll) -> None:
    """Inside the transaction that stores the poll: it closes at its deadline."""
    await engine.add(
        db, kind=KIND, key=key(poll.id), guild_id=poll.guild_id, due_at=poll.deadline,
        payload={"poll_id": poll.id},
    )  # fmt: skip


class PollClosing:
    """The handler of "interest_close" items, and the counts it posts."""

    def __init__(self, bot: Host, recorder: VoteRecorder) -> None:
        self.bot = bot
        self.services = bot.services
        self.recorder = recorder

    async def handle(self, job: Job) -> Outcome:
        poll_id = int(job.payload["poll_id"])
        async with self.services.db() as db, db.begin():
            poll = await interest.get_poll(db, poll_id)
            if poll is None:
                return work.skipped("the poll was deleted")
            closing_now = await interest.mark_closed(db, poll_id, self.services.clock.now())
            options = await interest.options_of(db, poll_id)
        known = next((p for p in self.recorder.polls.values() if p.poll_id == poll_id), None)
        self.recorder.forget(poll_id)
        if known is None and closing_now and poll.message_id is not None:
            # opened by another process: this one never had it in memory
            known = as_open_poll(poll, {o.emoji: o.theme_id for o in options})
        try:
            if known is not None:
                await self.recorder.reconcile(known)
            message_id = await self._post_results(poll, job.nonce())
        except (discord.Forbidden, discord.NotFound) as exc:
            log.warning("poll %s closed, results not posted: Discord %s", poll_id, exc.status)
            return work.done(note=f"closed; results not posted (Discord {exc.status})")
        async with self.services.db() as db, db.begin():
            await interest.set_results_message(db, poll_id, message_id)
        return work.done(result_id=message_id)

    async def _post_results(self, poll: InterestPoll, nonce: str) -> int:
        config = await self.services.config(poll.guild_id)
        tr = self.services.public(config)
        themes, counts = await self.counts(poll)
        channel = self.bot.get_partial_messageable(poll.channel_id, guild_id=poll.guild_id)
        if poll.message_id is not None:
            try:
                await channel.get_partial_message(poll.message_id).edit(
                    embed=poll_card(tr, themes, poll.deadline, closed=True), view=None
                )
            except discord.NotFound:
                log.warning("poll %s message was deleted by hand", poll.id)
        spec = results_picture(tr, themes, counts)
        picture = await charts.draw(spec) if spec is not None else None
        message = await channel.send(
            embed=results_card(tr, themes, counts), files=charts.attachments(picture), nonce=nonce
        )
        return message.id

    async def counts(self, poll: InterestPoll) -> tuple[list[Theme], Tally]:
        async with self.services.db() as db:
            options = await interest.options_of(db, poll.id)
            themes = [
                t for t in [await theme_store.get(db, o.theme_id) for o in options] if t is not None
            ]
            votes = await interest.votes_of(db, poll.id)
            profiles = await interest.profiles(db, poll.guild_id)
            offices = await interest.offices_by_name(db, poll.guild_id)
        return themes, tally(votes, profiles, offices)
