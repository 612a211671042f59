"""The invitations' work for the engine (see bot/groups/invitations.py for the keys):
the DM, the one reminder, the expiry at the deadline.

Each handler reads the invitation again and does nothing when it was answered, withdrawn
or opened again since (the payload names the version it was planned for), so a restart,
a retry or a late run never sends a stale DM. DMs carry the item's nonce. Discord's
50007 (the member does not accept DMs from the server's members) is not a failure: the
invitation is marked "DM closed" and waits in `/group invitations`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

import discord

from bot.groups import consent, jobs
from bot.groups import invitation_posts as posts
from bot.groups import invitation_views as views
from bot.groups import invitations as service
from bot.kit import ui, work
from bot.kit.work import Job, Outcome
from storage import invitations as store
from storage import themes
from storage.models import Invitation, Theme, WorkGroup
from storage.models.invitations import DM_CLOSED, DM_SENT

if TYPE_CHECKING:
    from bot.kit.host import Host

log = logging.getLogger(__name__)
CANNOT_DM = 50007


@dataclass
class Loaded:
    invitation: Invitation
    group: WorkGroup
    theme: Theme
    guild: discord.Guild


class InvitationJobs:
    """The handlers; registered by the groups cog."""

    def __init__(self, bot: Host) -> None:
        self.bot = bot
        self.services = bot.services

    def register(self) -> None:
        # each names the server and finds the member in it: they need the gateway's cache
        for kind, handler in (
            (service.SEND, self.send),
            (service.REMIND, self.remind),
            (service.EXPIRE, self.expire),
        ):
            self.services.work.register(kind, handler, after_connect=True)

    async def _load(self, job: Job) -> Loaded | Outcome:
        """The invitation if it still waits for an answer in the version planned, before
        its deadline (a DM or reminder made late by a long outage is not sent after it)."""
        invitation_id, version = int(job.payload["invitation_id"]), int(job.payload["version"])
        async with self.services.db() as db:
            invitation = await store.get(db, invitation_id)
            group = await db.get(WorkGroup, invitation.group_id) if invitation else None
            theme = await themes.get(db, group.theme_id) if group else None
        if invitation is None or group is None or theme is None:
            return work.skipped("invitation deleted with its group")
        if invitation.version != version or invitation.state != consent.PENDING:
            return work.skipped(f"invitation {invitation.state} (version {invitation.version})")
        if self.services.clock.now() >= invitation.deadline:  # late: the expiry comes instead
            return work.skipped("the deadline passed")
        guild = self.bot.get_guild(group.guild_id)
        if guild is None:
            raise work.Retry("server not available yet")
        return Loaded(invitation, group, theme, guild)

    async def _dm(self, job: Job, found: Loaded, content: str | None) -> Outcome:
        invitation, group = found.invitation, found.group
        member = await jobs.member_of(found.guild, invitation.member_id)
        if member is None:
            return work.skipped("member left the server")
        public = self.services.public(await self.services.config(group.guild_id))
        card = posts.card(public, found.guild.name, found.theme, group, invitation)
        try:
            message = await member.send(
                content, embed=card, view=views.answer_view(public, invitation.id),
                nonce=job.nonce(),
            )  # fmt: skip
        except discord.Forbidden as exc:
            if exc.code != CANNOT_DM:
                raise
            async with self.services.db() as db, db.begin():
                await store.record_dm(db, invitation.id, invitation.version, DM_CLOSED)
            return work.skipped("their DMs are closed: /group invitations")
        async with self.services.db() as db, db.begin():
            await store.record_dm(db, invitation.id, invitation.version, DM_SENT,
                                  channel_id=message.channel.id, message_id=message.id)  # fmt: skip
        return work.done(message.id)

    async def send(self, job: Job) -> Outcome:
        found = await self._load(job)
        if isinstance(found, Outcome):
            return found
        return await self._dm(job, found, None)

    async def remind(self, job: Job) -> Outcome:
        """Sent even when the first DM was refused: the member may have opened their DMs
        since (if not, Discord refuses again and nothing is lost)."""
        found = await self._load(job)
        if isinstance(found, Outcome):
            return found
        public = self.services.public(await self.services.config(found.group.guild_id))
        text = public(
            "invitation.reminder", name=found.group.name,
            deadline=ui.timestamp(found.invitation.deadline),
        )  # fmt: skip
        return await self._dm(job, found, text)

    async def expire(self, job: Job) -> Outcome:
        invitation_id, version = int(job.payload["invitation_id"]), int(job.payload["version"])
        answer = await service.expire(self.services, invitation_id, version)
        if answer is None:
            return work.skipped("answered, withdrawn or opened again")
        await views.close_dm(self.bot, answer.invitation, answer.group)
        if answer.roles_freed:
            await service.refresh(self.bot, answer.group)
        return work.done(note="expired")
