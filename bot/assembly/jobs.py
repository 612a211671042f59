"""Closing assembly votes at their deadline (or on demand) and posting the results once.

Each vote has one work item ("assembly_close", key `assembly_close:<vote>`), added in
the transaction that stores the vote and due at its deadline; `/assembly close` runs it
at once through the engine (`services.work.run_now`). The handler marks the vote closed
first, in a transaction of its own, so ballots stop changing before anything is counted;
then it posts the results with the item's nonce: two processes, or a retry after a
crash, never post them twice. A channel deleted or closed to the bot still closes the
vote (`/assembly results` shows the count); other Discord failures are retried by the
engine, the vote staying closed meanwhile.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from sqlalchemy.ext.asyncio import AsyncSession

from bot.assembly import rules
from bot.assembly.views import links_of, results_cards, vote_card
from bot.kit import work
from storage import assembly as store
from storage import work as work_store
from storage.models import AssemblyVote

if TYPE_CHECKING:
    from bot.kit.host import Host
    from bot.services import Services

log = logging.getLogger(__name__)
KIND = "assembly_close"


def key(vote_id: int) -> str:
    return f"assembly_close:{vote_id}"


async def plan_closing(engine: work.WorkEngine, db: AsyncSession, vote: AssemblyVote) -> bool:
    """Inside the transaction that stores the vote: it closes itself at its deadline."""
    return await engine.add(
        db, kind=KIND, key=key(vote.id), guild_id=vote.guild_id, due_at=vote.deadline,
        payload={"vote_id": vote.id},
    )  # fmt: skip


async def closing_retried(services: Services, vote_id: int) -> bool:
    """True when the closing is waiting for another try (Discord failed just now)."""
    async with services.db() as db:
        item = await work_store.get(db, key(vote_id))
    return item is not None and item.state == "pending"


class VoteCloser:
    def __init__(self, bot: Host) -> None:
        self.bot = bot
        self.services = bot.services

    async def handle(self, job: work.Job) -> work.Outcome:
        vote_id = int(job.payload["vote_id"])
        async with self.services.db() as db, db.begin():
            # closed before anything is counted, and for good even if the post fails
            await store.mark_closed(db, vote_id, self.services.clock.now())
            vote = await store.get(db, vote_id)
        if vote is None:
            return work.skipped("the vote was deleted")
        try:
            message_id = await self._post_results(vote, job.nonce())
        except (discord.Forbidden, discord.NotFound) as exc:
            # the channel was deleted or closed to the bot: retrying would never end;
            # the vote is closed all the same and /assembly results shows the count
            log.warning("assembly vote %s closed, results not posted: Discord %s", vote_id,
                        exc.status)  # fmt: skip
            return work.done(note=f"closed; results not posted (Discord {exc.status})")
        async with self.services.db() as db, db.begin():
            await store.set_results_message(db, vote_id, message_id)
        return work.done(result_id=message_id)

    async def result(self, vote: AssemblyVote) -> rules.Result:
        async with self.services.db() as db:
            ballots = await store.ballots_of(db, vote.id)
        return rules.tally(vote.method, store.options_of(vote), ballots)

    async def _post_results(self, vote: AssemblyVote, nonce: str) -> int:
        config = await self.services.config(vote.guild_id)
        tr = self.services.public(config)
        channel = self.bot.get_partial_messageable(vote.channel_id, guild_id=vote.guild_id)
        if vote.message_id is not None:
            async with self.services.db() as db:
                links = links_of(await store.sources_of(db, vote.id))
            try:
                await channel.get_partial_message(vote.message_id).edit(
                    embed=vote_card(tr, vote, closed=True, links=links), view=None
                )
            except discord.NotFound:
                log.warning("assembly vote %s message was deleted by hand", vote.id)
        cards = results_cards(tr, vote, await self.result(vote))
        message = await channel.send(embeds=cards, nonce=nonce)
        return message.id
