"""Closing assembly votes at their deadline (or on demand) and posting the results once.

The waker claims each due vote by a conditional update, marks it closed (ballots stop
changing in the same transaction), then posts the results with a nonce derived from
the vote: two processes, or a retry after a crash, never post them twice.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

import aiohttp
import discord

from bot.assembly import rules
from bot.assembly.views import results_cards, vote_card
from storage import assembly as store
from storage.models import AssemblyVote
from storage.outbox import nonce

if TYPE_CHECKING:
    from bot.app import SipBot

log = logging.getLogger(__name__)
WAKER = "assembly"


class VoteCloser:
    def __init__(self, bot: SipBot) -> None:
        self.bot = bot
        self.services = bot.services

    async def run_due(self) -> datetime | None:
        now = self.services.clock.now()
        async with self.services.db() as db:
            due = await store.due_closings(db, now)
        for vote in due:
            await self.close(vote, now)
        async with self.services.db() as db:
            return await store.next_closing_at(db)

    async def close(self, vote: AssemblyVote, now: datetime) -> bool:
        """True when this call closed the vote and posted its results."""
        async with self.services.db() as db, db.begin():
            if not await store.claim_closing(db, vote.id, now):
                return False
            await store.mark_closed(db, vote.id, now)
            closed = await store.get(db, vote.id)
        assert closed is not None  # noqa: S101 - claimed above
        try:
            message_id = await self._post_results(closed)
        except (discord.Forbidden, discord.NotFound) as exc:
            # the channel was deleted or closed to the bot: retrying would never end;
            # the vote is closed all the same and /assembly results shows the count
            log.warning(
                "assembly vote %s closed, results not posted: Discord %s", vote.id, exc.status
            )
            async with self.services.db() as db, db.begin():
                await store.finish_closing(db, vote.id, None)
            return True
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as exc:
            log.warning("closing assembly vote %s: Discord failed (%s), will retry", vote.id, exc)
            async with self.services.db() as db, db.begin():
                await store.release_closing(db, vote.id)
            return False
        async with self.services.db() as db, db.begin():
            await store.finish_closing(db, vote.id, message_id)
        return True

    async def result(self, vote: AssemblyVote) -> rules.Result:
        async with self.services.db() as db:
            ballots = await store.ballots_of(db, vote.id)
        return rules.tally(vote.method, store.options_of(vote), ballots)

    async def _post_results(self, vote: AssemblyVote) -> int:
        config = await self.services.config(vote.guild_id)
        tr = self.services.public(config)
        channel = self.bot.get_partial_messageable(vote.channel_id, guild_id=vote.guild_id)
        if vote.message_id is not None:
            try:
                await channel.get_partial_message(vote.message_id).edit(
                    embed=vote_card(tr, vote, closed=True), view=None
                )
            except discord.NotFound:
                log.warning("assembly vote %s message was deleted by hand", vote.id)
        cards = results_cards(tr, vote, await self.result(vote))
        message = await channel.send(embeds=cards, nonce=nonce("av", vote.id))
        return message.id
