"""A group's guests in Discord: their access to its channel, given and taken back on time.

A guest is not a member — the group's role means membership — so their access is a
permission overwrite of their own on the group's channel (read, write, read the
history). Groups have no voice channel of their own (a session's voice channel is any
channel of the server, chosen when scheduling, whose access the bot does not manage),
so the text channel is all there is to open.

Both changes are must-happen work for the engine (bot/kit/work.py):
- `guest_grant`, key `guest_grant:<group>:<member>:<token>`, added when someone becomes
  a guest or their date moves: gives the overwrite and posts the notice in the channel
  (mentioning the guest, the one deliberate mention, so Discord tells them; with the
  item's nonce, so a retry never posts it twice). Run at once by the command.
- `guest_revoke`, key `guest_revoke:<group>:<member>:<token>`, due at `until` (or at
  once for a removal): ends the row if its date came, takes the overwrite back, and
  tells the group when the stay ended on time.
Each handler reads the stored row when it runs, so it can be retried as often as
Discord refuses, survives a restart (the table is read again at start-up), and a newer
change supersedes what is still pending for that group and person: extending a stay
cancels the pending revoke and plans a new one at the new date.
"""

from __future__ import annotations

import logging
import secrets
from typing import TYPE_CHECKING

import discord
from sqlalchemy.ext.asyncio import AsyncSession

from bot.groups import objects
from bot.groups.jobs import TAKEOVER, member_of
from bot.kit import ui, work
from bot.kit.work import Job, Outcome, WorkEngine
from storage import groups as group_store
from storage import guests as store
from storage import work as work_store
from storage.models import GroupGuest, WorkGroup

if TYPE_CHECKING:
    from bot.kit.host import Host

log = logging.getLogger(__name__)
GRANT, REVOKE = "guest_grant", "guest_revoke"
ARRIVAL, EXTENDED = "arrival", "extended"
BY_TIME, BY_HAND = "time", "removed"
UNKNOWN_CHANNEL, UNKNOWN_OVERWRITE = 10003, 10009


def grant_prefix(group_id: int, member_id: int) -> str:
    return f"{GRANT}:{group_id}:{member_id}:"


def revoke_prefix(group_id: int, member_id: int) -> str:
    return f"{REVOKE}:{group_id}:{member_id}:"


async def plan_stay(db: AsyncSession, works: WorkEngine, guest: GroupGuest, notice: str) -> str:
    """Inside the caller's transaction: the access now, its end at `guest.until`.
    Returns the grant's key, for the command to run at once."""
    now, token = works.clock.now(), secrets.token_hex(6)
    ids = {"group_id": guest.group_id, "member_id": guest.member_id, "guest_id": guest.id}
    grant = works.row(
        kind=GRANT, key=grant_prefix(guest.group_id, guest.member_id) + token,
        guild_id=guest.guild_id, due_at=now + TAKEOVER, payload={**ids, "notice": notice},
    )  # fmt: skip
    revoke = works.row(
        kind=REVOKE, key=revoke_prefix(guest.group_id, guest.member_id) + token,
        guild_id=guest.guild_id, due_at=guest.until, payload={**ids, "why": BY_TIME},
    )  # fmt: skip
    keys = await works.supersede(
        db,
        [(grant_prefix(guest.group_id, guest.member_id), grant),
         (revoke_prefix(guest.group_id, guest.member_id), revoke)],
        note="the guest's stay changed",
    )  # fmt: skip
    return keys[0]


async def plan_removal(db: AsyncSession, works: WorkEngine, guest: GroupGuest) -> str:
    """Inside the caller's transaction: nothing pending is given any more; the access
    goes at once. Returns the revoke's key, for the command to run at once."""
    now = works.clock.now()
    await work_store.cancel(
        db, prefix=grant_prefix(guest.group_id, guest.member_id), now=now, note="guest removed"
    )
    revoke = works.row(
        kind=REVOKE, key=revoke_prefix(guest.group_id, guest.member_id) + secrets.token_hex(6),
        guild_id=guest.guild_id, due_at=now + TAKEOVER,
        payload={"group_id": guest.group_id, "member_id": guest.member_id,
                 "guest_id": guest.id, "why": BY_HAND},
    )  # fmt: skip
    (key,) = await works.supersede(
        db, [(revoke_prefix(guest.group_id, guest.member_id), revoke)], note="guest removed"
    )
    return key


class GuestJobs:
    """The handlers; registered by the groups cog."""

    def __init__(self, bot: Host) -> None:
        self.bot = bot
        self.services = bot.services

    def register(self) -> None:
        self.services.work.register(GRANT, self.grant, after_connect=True)
        self.services.work.register(REVOKE, self.revoke, after_connect=True)

    async def _load(self, job: Job) -> tuple[WorkGroup | None, GroupGuest | None]:
        async with self.services.db() as db:
            group = await group_store.get(db, int(job.payload["group_id"]))
            guest = await store.get(db, int(job.payload["guest_id"]))
        return group, guest

    async def grant(self, job: Job) -> Outcome:
        group, guest = await self._load(job)
        now = self.services.clock.now()
        if group is None or guest is None:
            return work.skipped("group or guest deleted")
        if guest.state != store.ACTIVE or guest.until <= now:
            return work.skipped("no longer a guest")
        guild = self.bot.get_guild(group.guild_id)
        if guild is None:
            raise work.Retry("server not available yet")
        channel = objects.present(guild, group).channel
        if channel is None:
            return work.failed("the group's channel is gone: /groups publish makes it again")
        member = await member_of(guild, guest.member_id)
        if member is None:
            return work.skipped("the guest left the server")
        reason = f"sipbot guest of group {group.id}"
        await channel.set_permissions(member, overwrite=objects.MEMBER_ACCESS, reason=reason)
        public = self.services.public(await self.services.config(group.guild_id))
        extended = job.payload["notice"] == EXTENDED
        key = "groups.guest.notice.extended" if extended else "groups.guest.notice.arrival"
        text = public(key, guest=member.mention, group=group.name, until=ui.timestamp(guest.until))
        if guest.note and not extended:
            text += "\n" + public("groups.guest.notice.note", note=guest.note)
        message = await channel.send(
            text, nonce=job.nonce(), allowed_mentions=discord.AllowedMentions(users=[member])
        )
        return work.done(message.id, note="access given")

    async def revoke(self, job: Job) -> Outcome:
        group, guest = await self._load(job)
        group_id, member_id = int(job.payload["group_id"]), int(job.payload["member_id"])
        now = self.services.clock.now()
        async with self.services.db() as db, db.begin():
            if await store.guest_of(db, group_id, member_id, now) is not None:
                return work.skipped("a guest still: their date moved")
            if guest is not None and guest.state == store.ACTIVE:
                await store.end_if_due(db, guest.id, now)
        if group is None or group.channel_id is None:
            return work.skipped("the group or its channel is gone")
        reason = f"sipbot guest of group {group.id}: stay over"
        try:  # by id: the guest may have left the server, their overwrite stays behind
            await self.bot.http.delete_channel_permissions(
                group.channel_id, member_id, reason=reason
            )
        except discord.NotFound as exc:
            if exc.code == UNKNOWN_CHANNEL:
                return work.skipped("the group's channel is gone")
            if exc.code != UNKNOWN_OVERWRITE:
                raise
        if job.payload["why"] != BY_TIME:
            return work.done(note="access taken back")
        public = self.services.public(await self.services.config(group.guild_id))
        channel = self.bot.get_partial_messageable(group.channel_id, guild_id=group.guild_id)
        message = await channel.send(
            public("groups.guest.notice.ended", guest=f"<@{member_id}>"), nonce=job.nonce()
        )
        return work.done(message.id, note="access taken back on time")
