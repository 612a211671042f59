"""Proposing next themes: when it is possible, the cycle's forum, a proposal and its post,
an organiser's decision.

The forum is made once per cycle, the first time it is needed (`/proposal open`, or the
first proposal while the calendar's phase runs), and its id stored at once; one deleted
by hand is made again. A proposal is stored, then posted; when Discord refuses the post
the proposal is taken back, so nothing is left half-made. A decision is stored with the
work that makes the post's tag follow and tells it in the post and to the author
(bot/proposals/jobs.py), tried at once; the reply says what Discord did.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import discord

from bot.kit import forums, ui
from bot.kit.checks import member_is_member
from bot.kit.i18n import Tr
from bot.kit.user_error import UserError
from bot.proposals import jobs, posts, rules
from storage import cycles
from storage import proposals as store
from storage import setup as setup_store
from storage.models import Cycle, GuildConfig, Proposal, ProposalCall

if TYPE_CHECKING:
    from bot.kit.host import Host

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Call:
    cycle: Cycle
    call: ProposalCall
    window: tuple[datetime, datetime] | None  # the `next_step` phase
    accepting: bool


@dataclass(frozen=True)
class Decided:
    proposal: Proposal
    tag: str  # the tag item's state afterwards
    post: str
    dm: str


def status_named(tr: Tr, error: UserError) -> UserError:
    """The rule's refusal, with status codes as the reader knows them (the forum tags)."""
    named = {
        key: tr(f"proposal.status.{value}") if value in rules.STATUSES else value
        for key, value in error.params.items()
    }
    return UserError(error.key, **named)


class ProposalService:
    def __init__(self, bot: Host) -> None:
        self.bot = bot
        self.services = bot.services
        self._forum_locks: dict[int, asyncio.Lock] = {}

    # ------------------------------------------------------------ the call
    async def call(self, guild_id: int) -> Call:
        cycle = await self.services.open_cycle(guild_id)
        now = self.services.clock.now()
        async with self.services.db() as db:
            stored = await store.call_of(db, cycle.id)
            phase = await cycles.phase(db, cycle.id, rules.PHASE)
        # none stored yet: the calendar's, without a forum (stored once something changes)
        call = stored or ProposalCall(guild_id=guild_id, cycle_id=cycle.id, updated_at=now)
        window = (phase.starts_at, phase.ends_at) if phase is not None else None
        accepting = rules.accepting(call.mode, [window] if window else [], now)
        return Call(cycle, call, window, accepting)

    def check_accepting(self, found: Call) -> None:
        if found.accepting:
            return
        if found.call.mode == rules.CLOSED:
            raise UserError("error.proposal.closed_by_hand")
        if found.window is None:
            raise UserError("error.proposal.no_phase")
        start, end = found.window
        raise UserError("error.proposal.closed", start=start, end=end)

    async def set_mode(self, interaction: discord.Interaction, mode: str) -> Call:
        assert interaction.guild is not None  # noqa: S101 - guild-only command
        found = await self.call(interaction.guild.id)
        if found.call.mode == mode:
            raise UserError(f"error.proposal.already_{mode}")
        now = self.services.clock.now()
        async with self.services.db() as db, db.begin():
            await store.ensure_call(db, interaction.guild.id, found.cycle.id, now)
            await store.set_mode(db, found.cycle.id, mode, now)
            await setup_store.audit(db, interaction.guild.id, interaction.user.id,
                                    f"proposal.{mode}", now, cycle=found.cycle.id)  # fmt: skip
        return await self.call(interaction.guild.id)

    async def forum(
        self, guild: discord.Guild, config: GuildConfig, found: Call
    ) -> discord.ForumChannel:
        """The cycle's forum, made (and recorded) if it does not exist (any more)."""
        lock = self._forum_locks.setdefault(found.cycle.id, asyncio.Lock())
        async with lock:
            async with self.services.db() as db:
                call = await store.call_of(db, found.cycle.id)
            existing = await forums.forum_of(guild, call.forum_id if call else None)
            if existing is not None:
                return existing
            made = await posts.create_forum(guild, self.services.public(config), found.cycle)
            now = self.services.clock.now()
            async with self.services.db() as db, db.begin():
                await store.ensure_call(db, guild.id, found.cycle.id, now)
                await store.record_forum(db, found.cycle.id, made.id, now)
            log.info("next themes forum %s made for cycle %s", made.id, found.cycle.id)
            return made

    # ------------------------------------------------------------ a proposal
    def check_member(self, interaction: discord.Interaction, config: GuildConfig) -> None:
        user = interaction.user
        if not isinstance(user, discord.Member) or not member_is_member(user, config):
            raise UserError("error.proposal.not_member")

    async def check_new_title(self, cycle: Cycle, title: str) -> None:
        async with self.services.db() as db:
            same = await store.named(db, cycle.id, title)
        if same is not None:
            raise UserError("error.proposal.duplicate", title=same.title,
                            post=ui.channel_mention(same.thread_id) or "—")  # fmt: skip

    async def create(self, interaction: discord.Interaction, title: str, text: str) -> Proposal:
        """Everything checked again (the form stayed open a while), stored, posted."""
        assert interaction.guild is not None  # noqa: S101 - guild-only command
        config = await self.services.config(interaction.guild.id)
        self.check_member(interaction, config)
        title, text = rules.clean_title(title), rules.clean_description(text)
        found = await self.call(interaction.guild.id)
        self.check_accepting(found)
        await self.check_new_title(found.cycle, title)
        await interaction.response.defer(ephemeral=True, thinking=True)
        forum = await self.forum(interaction.guild, config, found)
        now = self.services.clock.now()
        proposal = Proposal(
            guild_id=interaction.guild.id, cycle_id=found.cycle.id, title=title, title_key="",
            description=text, created_by=interaction.user.id, created_at=now, updated_at=now,
        )  # fmt: skip
        async with self.services.db() as db, db.begin():
            try:
                proposal = await store.create(db, proposal)
            except store.DuplicateProposal as exc:
                raise UserError("error.proposal.duplicate", title=title, post="—") from exc
        try:
            posted = await posts.create(forum, self.services.public(config), proposal)
        except discord.HTTPException:
            async with self.services.db() as db, db.begin():
                await store.delete_proposal(db, proposal.id)
            raise
        async with self.services.db() as db, db.begin():
            await store.record_post(db, proposal.id, posted.thread_id, now)
            await setup_store.audit(db, interaction.guild.id, interaction.user.id, "proposal.new",
                                    now, proposal=proposal.id, title=title)  # fmt: skip
        proposal.thread_id = posted.thread_id
        return proposal

    # ------------------------------------------------------------ a decision
    async def decide(
        self,
        interaction: discord.Interaction,
        proposal: Proposal,
        wanted: str,
        into: Proposal | None,
        note: str,
    ) -> Decided:
        assert interaction.guild is not None  # noqa: S101 - guild-only command
        config = await self.services.config(interaction.guild.id)
        tr = self.services.reader(interaction, config)
        target = rules.Target(into.id, into.status) if into is not None else None
        try:
            rules.check_decision(proposal.id, proposal.status, proposal.merged_into_id, wanted,
                                 target)  # fmt: skip
        except UserError as error:
            raise status_named(tr, error) from None
        await interaction.response.defer(ephemeral=True, thinking=True)
        now = self.services.clock.now()
        async with self.services.db() as db, db.begin():
            decision = await store.decide(db, proposal, wanted, target.id if target else None,
                                          note, interaction.user.id, now)  # fmt: skip
            if decision is None:
                raise UserError("error.proposal.conflict", title=proposal.title)
            keys = await jobs.plan(db, self.services.work, proposal, decision)
            await setup_store.audit(db, interaction.guild.id, interaction.user.id,
                                    "proposal.status", now, proposal=proposal.id,
                                    current=proposal.status, wanted=wanted)  # fmt: skip
        states = await self.services.work.in_order().run(keys)
        proposal.status, proposal.merged_into_id = wanted, target.id if target else None
        tag, post, dm = (states[key] for key in keys)
        return Decided(proposal, tag, post, dm)
