"""The Discord objects of a working group: a role for its members, a private channel
in the theme's category, and a pinned welcome post.

As for themes (bot/themes/objects.py), every object is recorded as soon as it exists,
so `/groups publish` run again finishes what a failure left and never creates
anything twice; an object deleted by hand is recreated. Limits and permissions are
checked for all the theme's groups before the first one is created. Who holds the
role is work for the engine (bot/groups/jobs.py): tried at once, retried while
Discord makes it wait.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import discord
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.groups import jobs
from bot.kit import work
from bot.kit.checkup import Finding
from bot.kit.clock import Clock
from bot.kit.limits import CATEGORY_CHANNELS, GUILD_CHANNELS, GUILD_ROLES
from bot.kit.permissions import TO_CREATE_OBJECTS
from bot.kit.user_error import UserError
from bot.kit.work import WorkEngine
from storage import groups as store
from storage.models import GroupMember, Theme, WorkGroup

MEMBER_ACCESS = discord.PermissionOverwrite(
    view_channel=True, send_messages=True, read_message_history=True
)
# What the bot keeps in a private channel: posting, pinning, and managing it later.
BOT_ACCESS = (
    "view_channel",
    "send_messages",
    "read_message_history",
    "embed_links",
    "attach_files",
    "manage_channels",
    "manage_messages",
    "pin_messages",
)


@dataclass
class Ledger:
    """Writes down each object of one group the moment it exists (a short transaction
    each: never a transaction held open across a Discord call)."""

    db: async_sessionmaker[AsyncSession]
    clock: Clock
    group_id: int

    async def objects(self, **ids: int | None) -> None:
        async with self.db() as db, db.begin():
            await store.record_objects(db, self.group_id, self.clock.now(), **ids)

    async def granted(self, member_ids: Sequence[int] | None, value: bool = True) -> None:
        async with self.db() as db, db.begin():
            await store.set_granted(db, self.group_id, member_ids, value)

    async def published(self) -> None:
        async with self.db() as db, db.begin():
            await store.mark_published(db, self.group_id, self.clock.now())


@dataclass
class Present:
    role: discord.Role | None
    channel: discord.TextChannel | None


@dataclass
class Outcome:
    """What one publish run did, for the organiser's summary."""

    roles: int = 0
    channels: int = 0
    grants: int = 0
    welcomes: int = 0
    revoked: int = 0
    gone: list[int] = field(default_factory=list)
    waiting: int = 0  # role changes Discord made wait: the engine retries them
    refused: int = 0  # role changes Discord refused for good (listed by /setup check)


def present(guild: discord.Guild, group: WorkGroup) -> Present:
    role = guild.get_role(group.role_id) if group.role_id else None
    channel = guild.get_channel(group.channel_id) if group.channel_id else None
    return Present(role, channel if isinstance(channel, discord.TextChannel) else None)


def checkup(guild: discord.Guild, groups: Sequence[WorkGroup]) -> list[Finding]:
    """For /setup check: published groups whose channel or role was deleted by hand;
    publishing again repairs them."""
    found: list[Finding] = []
    for group in groups:
        if group.status != "published":
            continue
        here = present(guild, group)
        missing = [
            kind for kind, obj in (("channel", here.channel), ("role", here.role)) if obj is None
        ]
        if missing:
            found.append(
                Finding("error", "check.group.missing", {"group": group.name, "objects": missing})
            )
    return found


def check_can_publish(
    guild: discord.Guild, category: discord.CategoryChannel, groups: Sequence[WorkGroup]
) -> None:
    """Refuse before creating anything that Discord would refuse half-way."""
    granted = guild.me.guild_permissions
    missing = [name for name in TO_CREATE_OBJECTS if not getattr(granted, name)]
    if missing and not granted.administrator:
        raise UserError("error.groups.bot_permissions", permissions=missing)
    found = [present(guild, group) for group in groups]
    channels = sum(1 for f in found if f.channel is None)
    roles = sum(1 for f in found if f.role is None)
    if channels and len(guild.channels) + channels > GUILD_CHANNELS:
        raise UserError(
            "error.groups.limit.guild_channels",
            count=len(guild.channels),
            needed=channels,
            limit=GUILD_CHANNELS,
        )
    if channels and len(category.channels) + channels > CATEGORY_CHANNELS:
        raise UserError(
            "error.groups.limit.category",
            count=len(category.channels),
            needed=channels,
            limit=CATEGORY_CHANNELS,
        )
    if roles and len(guild.roles) + roles > GUILD_ROLES:
        raise UserError(
            "error.groups.limit.roles", count=len(guild.roles), needed=roles, limit=GUILD_ROLES
        )


def channel_name(group: WorkGroup) -> str:
    """ "Ouest – Rennes" -> "ouest-rennes": what Discord would make of it, minus stray dashes."""
    return re.sub(r"[^\w]+", "-", group.name.casefold()).strip("-")[:100] or "groupe"


def role_name(theme: Theme, group: WorkGroup) -> str:
    """Group names repeat across themes ("100% visio 1"): the theme's emoji tells them apart."""
    named = f"{theme.emoji} {group.name}"
    return named if not theme.emoji.startswith("<") and len(named) <= 100 else group.name


def overwrites(
    guild: discord.Guild, role: discord.Role, organisers: discord.Role | None
) -> dict[discord.Role | discord.Member | discord.Object, discord.PermissionOverwrite]:
    """Private: the group's role and the organisers see it; the bot keeps it running."""
    found: dict[discord.Role | discord.Member | discord.Object, discord.PermissionOverwrite] = {
        guild.default_role: discord.PermissionOverwrite(view_channel=False),
        role: MEMBER_ACCESS,
        guild.me: _bot_access(guild.me.guild_permissions),
    }
    if organisers is not None:
        found[organisers] = MEMBER_ACCESS
    return found


@dataclass
class Where:
    """Where a theme's groups live, and who besides their members sees them."""

    guild: discord.Guild
    category: discord.CategoryChannel
    theme: Theme
    organisers: discord.Role | None


def _bot_access(granted: discord.Permissions) -> discord.PermissionOverwrite:
    """Discord refuses an overwrite granting what the bot itself lacks (unless it is an
    administrator): ask only for what it has."""
    kept = [name for name in BOT_ACCESS if granted.administrator or getattr(granted, name)]
    return discord.PermissionOverwrite(**dict.fromkeys(kept, True))


async def ensure(
    where: Where,
    group: WorkGroup,
    members: Sequence[GroupMember],
    welcome: Callable[[], discord.Embed],
    ledger: Ledger,
    roles: RoleChanges,
    outcome: Outcome,
) -> None:
    """Create whatever of the group is missing, match role holders to members, pin the welcome."""
    guild, reason = where.guild, f"sipbot group {group.id}"
    found = present(guild, group)
    fresh_role = found.role is None
    if found.role is None:
        found.role = await guild.create_role(
            name=role_name(where.theme, group), mentionable=True, reason=reason
        )
        await ledger.objects(role_id=found.role.id)
        await ledger.granted(None, False)  # nobody holds a brand-new role
        outcome.roles += 1
        if found.channel is not None:  # the channel let the deleted role in: let this one in
            await found.channel.set_permissions(found.role, overwrite=MEMBER_ACCESS, reason=reason)
    new_channel = found.channel is None
    if found.channel is None:
        found.channel = await guild.create_text_channel(
            channel_name(group),
            category=where.category,
            overwrites=overwrites(guild, found.role, where.organisers),
            topic=f"{where.theme.title} — {group.name}"[:1024],
            reason=reason,
        )
        await ledger.objects(channel_id=found.channel.id)
        outcome.channels += 1
    elif found.channel.category_id != where.category.id:  # category recreated by /theme edit
        await found.channel.edit(category=where.category, reason=reason)
    await _match_holders(guild, found.role, members, fresh_role, roles, outcome)
    if new_channel or not await _message_exists(found.channel, group.welcome_message_id):
        message = await found.channel.send(embed=welcome())
        await ledger.objects(welcome_message_id=message.id)
        await message.pin(reason=reason)
        outcome.welcomes += 1
    if group.status != "published":
        await ledger.published()


async def _match_holders(
    guild: discord.Guild,
    role: discord.Role,
    members: Sequence[GroupMember],
    fresh_role: bool,
    roles: RoleChanges,
    outcome: Outcome,
) -> None:
    """Members get the role; whoever holds it without being a member (moved away while
    Discord refused the change) loses it. The group's rows are the truth: each change is
    a work item (bot/groups/jobs.py), tried now, retried by the engine if Discord waits."""
    needed: list[int] = []
    for member in members:
        cached = guild.get_member(member.member_id)
        if cached is not None:
            if cached.get_role(role.id) is None:
                needed.append(member.member_id)
        elif fresh_role or not member.role_granted:
            needed.append(member.member_id)
    wanted = {m.member_id for m in members}
    unwanted = [holder.id for holder in role.members if holder.id not in wanted]
    states = await roles.follow([*needed, *unwanted])
    for member_id, state in states.items():
        if state == "done":
            if member_id in wanted:
                outcome.grants += 1
            else:
                outcome.revoked += 1
        elif state == "skipped":
            if member_id in wanted:
                outcome.gone.append(member_id)
        elif state == "failed":
            outcome.refused += 1
        elif state != "cancelled":  # cancelled: a newer change of that member took over
            outcome.waiting += 1


@dataclass
class RoleChanges:
    """One group's role changes as work items: added in a short transaction of their own
    (publishing changes no membership), then run at once by the command's runner."""

    db: async_sessionmaker[AsyncSession]
    works: WorkEngine
    runner: work.InOrder
    group: WorkGroup

    async def follow(self, member_ids: Sequence[int]) -> dict[int, str]:
        """member -> the state of their item after trying it now."""
        if not member_ids:
            return {}
        async with self.db() as db, db.begin():
            keys = await jobs.follow_roles(db, self.works, self.group, member_ids)
        states = await self.runner.run(list(keys.values()))
        return {member_id: states[key] for member_id, key in keys.items()}


async def _message_exists(channel: discord.TextChannel, message_id: int | None) -> bool:
    if message_id is None:
        return False
    try:
        await channel.fetch_message(message_id)
    except discord.NotFound:
        return False
    return True


async def post(guild: discord.Guild, group: WorkGroup, content: str) -> bool:
    """A short notice in the group's channel; False when the channel is gone."""
    channel = guild.get_channel(group.channel_id) if group.channel_id else None
    if not isinstance(channel, discord.TextChannel):
        return False
    try:
        await channel.send(content)
    except discord.NotFound:
        return False
    return True


async def refresh_welcome(guild: discord.Guild, group: WorkGroup, card: discord.Embed) -> None:
    """The pinned welcome names facilitator, secretary and members: keep it true."""
    channel = guild.get_channel(group.channel_id) if group.channel_id else None
    if not isinstance(channel, discord.TextChannel) or group.welcome_message_id is None:
        return
    try:
        await channel.get_partial_message(group.welcome_message_id).edit(embed=card)
    except discord.NotFound:
        pass  # deleted by hand: the next /groups publish posts a new one
