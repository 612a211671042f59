"""The groups' work for the engine (bot/kit/work.py): a member's group role follows
their membership.

One work item per change, kind `group_role`, key `group_role:<group>:<member>:<token>`,
added in the transaction that changes the membership (a move, an invitation, a
publication finding holders and members apart), after cancelling what is still
pending for that member and group: the newest change is the one that counts. The
handler reads the stored membership and the group's role id and gives or takes back
the role, so it can be retried as often as Discord refuses, and a restart in between
changes nothing twice. A member who left the server is skipped; a role deleted by hand
fails the item, and `/groups publish` makes the role again and gives it.

The command that adds items runs them at once (the engine's `in_order`), so the normal path is as quick
and as visible as a direct call: their due time is a little later, so the engine does
not race the command for them, and takes over whatever the command left (Discord made
it wait, or the process died) once that time comes.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from datetime import timedelta
from typing import TYPE_CHECKING

import discord
from sqlalchemy.ext.asyncio import AsyncSession

from bot.kit import work
from bot.kit.work import Job, Outcome, WorkEngine
from storage import groups as store
from storage.models import WorkGroup

if TYPE_CHECKING:
    from bot.kit.host import Host

log = logging.getLogger(__name__)
ROLE = "group_role"
# The command runs its items itself; the engine takes over those it left after this.
TAKEOVER = timedelta(seconds=30)
UNKNOWN_MEMBER, UNKNOWN_ROLE = 10007, 10011
ROLE_DELETED = "the group's role was deleted by hand: /groups publish makes it again"


def role_prefix(group_id: int, member_id: int) -> str:
    return f"{ROLE}:{group_id}:{member_id}:"


async def follow_roles(
    db: AsyncSession, works: WorkEngine, group: WorkGroup, member_ids: Iterable[int]
) -> dict[int, str]:
    """Inside the caller's transaction: each member's role will follow their membership
    of `group` as stored when the item runs. Returns member -> key, in the given order."""
    now = works.clock.now()
    members = list(dict.fromkeys(member_ids))
    items = [
        (
            role_prefix(group.id, member_id),
            works.row(
                kind=ROLE,
                key=role_prefix(group.id, member_id) + secrets.token_hex(6),
                guild_id=group.guild_id,
                due_at=now + TAKEOVER,
                payload={"group_id": group.id, "member_id": member_id},
            ),
        )
        for member_id in members
    ]
    keys = await works.supersede(db, items, note="membership changed")
    return dict(zip(members, keys, strict=True))


async def member_of(guild: discord.Guild, member_id: int) -> discord.Member | None:
    """From the cache, else from Discord; None when they left the server."""
    cached = guild.get_member(member_id)
    if cached is not None:
        return cached
    try:
        return await guild.fetch_member(member_id)
    except discord.NotFound:
        return None


class RoleJobs:
    """The handler; registered by the groups cog."""

    def __init__(self, bot: Host) -> None:
        self.bot = bot
        self.services = bot.services

    def register(self) -> None:
        self.services.work.register(ROLE, self.follow, after_connect=True)

    async def follow(self, job: Job) -> Outcome:
        group_id, member_id = int(job.payload["group_id"]), int(job.payload["member_id"])
        async with self.services.db() as db:
            group = await store.get(db, group_id)
            wanted = member_id in await store.member_ids(db, group_id)
        if group is None:
            return work.skipped("group deleted")
        if group.role_id is None:
            return work.skipped("the group has no role yet: /groups publish gives it")
        guild = self.bot.get_guild(group.guild_id)
        if guild is None:
            raise work.Retry("server not available yet")
        member = await member_of(guild, member_id)
        if member is None:
            return work.skipped("member left the server")
        # Not the cached role: one just made is not in the cache yet. Discord answers
        # for a role deleted by hand; giving or taking back twice is harmless.
        role, reason = discord.Object(group.role_id), f"sipbot group {group.id}"
        try:
            if wanted:
                await member.add_roles(role, reason=reason)
            else:
                await member.remove_roles(role, reason=reason)
        except discord.NotFound as exc:
            if exc.code == UNKNOWN_MEMBER:
                return work.skipped("member left the server")
            if exc.code == UNKNOWN_ROLE:
                return work.failed(ROLE_DELETED) if wanted else work.skipped("role deleted")
            raise
        if wanted:
            async with self.services.db() as db, db.begin():
                await store.set_granted(db, group.id, [member_id], True)
        return work.done(group.role_id, note="given" if wanted else "taken back")
