"""The proposals' work for the engine (bot/kit/work.py): a post's tag follows its status,
and each decision is told in the post and to the author by DM.

- `proposal_tag`, key `proposal_tag:<proposal>:<token>`: one per decision, added in the
  transaction that stores it after cancelling what is still pending for that proposal;
  the handler makes the post's tags match the status stored when it runs, so retries
  and restarts change nothing twice and a status that moved on is simply the one shown.
- `proposal_decision`, keys `proposal_decision:<decision>:thread` and `…:dm`: added
  with the decision, each sent once with the item's nonce (a retry after a crash never
  doubles it). A post deleted by hand fails the first; closed DMs, or an author who
  left the server or asked to be forgotten, skip the second (the post says it all).

The command runs its items at once (the engine's `in_order`) and says what Discord did;
their due time is a little later, so the engine takes over only what the command left.
"""

from __future__ import annotations

import logging
import secrets
from typing import TYPE_CHECKING

import discord
from sqlalchemy.ext.asyncio import AsyncSession

from bot.kit import forums, work
from bot.kit.work import Job, Outcome, WorkEngine
from bot.proposals import posts, rules
from storage import proposals as store
from storage.models import Proposal, ProposalDecision

if TYPE_CHECKING:
    from bot.kit.host import Host

log = logging.getLogger(__name__)
POST_DELETED = "the proposal's post was deleted by hand"


async def plan(
    db: AsyncSession, works: WorkEngine, proposal: Proposal, decision: ProposalDecision
) -> list[str]:
    """Inside the caller's transaction: the tag will follow, the decision will be told.
    Returns the keys (tag, post, DM), for the caller to run them now."""
    due = works.clock.now() + rules.TAKEOVER
    kind, key, payload = rules.tag_work(proposal.id, secrets.token_hex(6))
    tag = works.row(kind=kind, key=key, guild_id=proposal.guild_id, due_at=due, payload=payload)
    (tag_key,) = await works.supersede(db, [(rules.tag_prefix(proposal.id), tag)],
                                       note="decided again")  # fmt: skip
    told = [
        works.row(kind=kind, key=key, guild_id=proposal.guild_id, due_at=due, payload=payload)
        for kind, key, payload in rules.decision_work(decision.id)
    ]
    await works.add_many(db, told)
    return [tag_key, *(row["key"] for row in told)]


class ProposalJobs:
    """The handlers; registered by the proposals cog."""

    def __init__(self, bot: Host) -> None:
        self.bot = bot
        self.services = bot.services

    def register(self) -> None:
        self.services.work.register(rules.TAG_KIND, self.follow, after_connect=True)
        # the DM names the server and finds the author among its members
        self.services.work.register(rules.DECISION_KIND, self.tell, after_connect=True)

    async def follow(self, job: Job) -> Outcome:
        async with self.services.db() as db:
            proposal = await store.get(db, int(job.payload["proposal_id"]))
        if proposal is None:
            return work.skipped("proposal deleted")
        thread = await forums.thread_of(self.bot, proposal.thread_id)
        if thread is None:
            return work.failed(POST_DELETED)
        public = self.services.public(await self.services.config(proposal.guild_id))
        shown = await posts.apply_status(thread, public, proposal.status)
        return work.done(thread.id, note="" if shown else "the forum has no tag for this status")

    async def tell(self, job: Job) -> Outcome:
        async with self.services.db() as db:
            decision = await store.decision(db, int(job.payload["decision_id"]))
            proposal = await store.get(db, decision.proposal_id) if decision else None
            into = (
                await store.get(db, decision.merged_into_id)
                if decision is not None and decision.merged_into_id is not None
                else None
            )
        if decision is None or proposal is None:
            return work.skipped("proposal deleted")
        public = self.services.public(await self.services.config(proposal.guild_id))
        text = posts.decision_text(public, decision.status, decision.note, proposal, into)
        if job.payload["to"] == rules.THREAD:
            thread = await forums.thread_of(self.bot, proposal.thread_id)
            if thread is None:
                return work.failed(POST_DELETED)
            message = await thread.send(text, nonce=job.nonce())
            return work.done(message.id)
        return await self._dm(job, proposal, public("proposal.dm", link=self._link(proposal),
                                                    text=text))  # fmt: skip

    @staticmethod
    def _link(proposal: Proposal) -> str:
        """A link that opens the post from a DM, where a channel mention does not."""
        return f"https://discord.com/channels/{proposal.guild_id}/{proposal.thread_id}"

    async def _dm(self, job: Job, proposal: Proposal, text: str) -> Outcome:
        guild = self.bot.get_guild(proposal.guild_id)
        if guild is None:
            raise work.Retry("server not available yet")
        if proposal.created_by is None:
            return work.skipped("the author asked to be forgotten")
        member = guild.get_member(proposal.created_by)
        if member is None:
            try:
                member = await guild.fetch_member(proposal.created_by)
            except discord.NotFound:
                return work.skipped("the author left the server")
        try:
            message = await member.send(text, nonce=job.nonce())
        except discord.Forbidden:  # DMs closed: the post says it all
            return work.skipped("their DMs are closed")
        return work.done(message.id)
