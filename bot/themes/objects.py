"""The Discord objects of a theme: role, category, forum, info channel, pinned card.

Every object is recorded as soon as it exists (`record`), so a failure half-way
leaves a theme that `/theme edit` completes, and nothing is ever created twice.
Limits and permissions are checked before anything is created.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

import discord

from bot.drafts.rules import STATUSES
from bot.kit import ui
from bot.kit.checkup import Finding
from bot.kit.i18n import Tr
from bot.kit.limits import CATEGORY_CHANNELS, FORUM_TAGS, GUILD_CHANNELS, GUILD_ROLES
from bot.kit.permissions import TO_CREATE_OBJECTS
from bot.kit.user_error import UserError
from storage.models import Theme
from storage.themes import History

Record = Callable[..., Awaitable[None]]
READ_ONLY = discord.PermissionOverwrite(
    send_messages=False,
    send_messages_in_threads=False,
    create_public_threads=False,
    create_private_threads=False,
    add_reactions=False,
)


@dataclass
class Present:
    role: discord.Role | None
    category: discord.CategoryChannel | None
    forum: discord.ForumChannel | None
    info: discord.TextChannel | None
    missing: list[str] = field(default_factory=list)


def present(guild: discord.Guild, theme: Theme) -> Present:
    """What of the theme still exists in Discord (the cache mirrors the gateway)."""
    role = guild.get_role(theme.role_id) if theme.role_id else None
    category = guild.get_channel(theme.category_id) if theme.category_id else None
    forum = guild.get_channel(theme.forum_id) if theme.forum_id else None
    info = guild.get_channel(theme.info_channel_id) if theme.info_channel_id else None
    found = Present(
        role,
        category if isinstance(category, discord.CategoryChannel) else None,
        forum if isinstance(forum, discord.ForumChannel) else None,
        info if isinstance(info, discord.TextChannel) else None,
    )
    for kind in ("role", "category", "forum", "info"):
        if getattr(found, kind) is None:
            found.missing.append(kind)
    return found


def checkup(guild: discord.Guild, themes: Sequence[Theme]) -> list[Finding]:
    """For /setup check: active themes' objects deleted by hand, with the command that
    recreates them."""
    found: list[Finding] = []
    for theme in themes:
        if theme.status != "active":
            continue
        missing = present(guild, theme).missing
        if missing:
            found.append(
                Finding("error", "check.theme.missing", {"title": theme.title, "objects": missing})
            )
    return found


def check_can_create(guild: discord.Guild, found: Present) -> None:
    missing = [name for name in TO_CREATE_OBJECTS if not getattr(guild.me.guild_permissions, name)]
    if missing and not guild.me.guild_permissions.administrator:
        raise UserError("error.theme.bot_permissions", permissions=missing)
    channels = sum(1 for kind in ("category", "forum", "info") if kind in found.missing)
    if len(guild.channels) + channels > GUILD_CHANNELS:
        raise UserError(
            "error.limit.guild_channels", limit=GUILD_CHANNELS, count=len(guild.channels)
        )
    if found.category is not None and len(found.category.channels) + channels > CATEGORY_CHANNELS:
        raise UserError("error.limit.category_channels", limit=CATEGORY_CHANNELS)
    if "role" in found.missing and len(guild.roles) + 1 > GUILD_ROLES:
        raise UserError("error.limit.roles", limit=GUILD_ROLES, count=len(guild.roles))
    if len(STATUSES) > FORUM_TAGS:  # pragma: no cover - a constant, checked for future statuses
        raise UserError("error.limit.forum_tags", limit=FORUM_TAGS)


def check_room_for(guild: discord.Guild, count: int) -> None:
    """Before making `count` themes at once (a cycle created from the vote): each needs a
    role and three channels; refused as a whole rather than stopping half-way."""
    check_can_create(guild, Present(None, None, None, None, ["role", "category", "forum", "info"]))
    if len(guild.channels) + 3 * count > GUILD_CHANNELS:
        raise UserError(
            "error.limit.guild_channels", limit=GUILD_CHANNELS, count=len(guild.channels)
        )
    if len(guild.roles) + count > GUILD_ROLES:
        raise UserError("error.limit.roles", limit=GUILD_ROLES, count=len(guild.roles))


def category_name(theme: Theme) -> str:
    named = f"{theme.emoji} {theme.title}"
    return named if not theme.emoji.startswith("<") and len(named) <= 100 else theme.title


def history_text(tr: Tr, history: History) -> str:
    """ "<previous forum> · <synthesis post>": a prolonged theme's past, one click away."""
    parts = [tr("theme.card.history.forum", forum=ui.channel_mention(history.forum_id) or "—")]
    if history.synthesis_thread_id is not None:
        parts.append(tr("theme.card.history.synthesis", post=f"<#{history.synthesis_thread_id}>"))
    return " · ".join(parts)


def info_card(tr: Tr, theme: Theme, history: History | None = None) -> discord.Embed:
    card = ui.embed(f"{theme.emoji} {theme.title}", theme.description)
    card.add_field(
        name=tr("theme.card.countries"),
        value=" · ".join(tr(f"country.{c}") for c in theme.country_list),
    )
    if theme.prolonged:
        card.add_field(name=tr("theme.card.prolonged"), value=tr("theme.card.prolonged.yes"))
    if history is not None:
        card.add_field(
            name=tr("theme.card.history", cycle=history.cycle),
            value=history_text(tr, history),
            inline=False,
        )
    if theme.link:
        card.add_field(name=tr("theme.card.link"), value=theme.link, inline=False)
    if theme.forum_id:
        card.add_field(name=tr("theme.card.forum"), value=f"<#{theme.forum_id}>", inline=False)
    return card


def forum_tags(tr: Tr) -> list[discord.ForumTag]:
    return [discord.ForumTag(name=tr(f"draft.status.{status}")[:20]) for status in STATUSES]


async def ensure(
    guild: discord.Guild, theme: Theme, tr: Tr, record: Record, history: History | None = None
) -> list[str]:
    """Create whatever of the theme is missing; returns the kinds created."""
    found = present(guild, theme)
    check_can_create(guild, found)
    reason = f"sipbot theme {theme.id}"
    created: list[str] = []
    if found.role is None:
        found.role = await guild.create_role(name=theme.title, mentionable=True, reason=reason)
        await record(role_id=found.role.id)
        created.append("role")
    if found.category is None:
        found.category = await guild.create_category(category_name(theme), reason=reason)
        await record(category_id=found.category.id)
        created.append("category")
    if found.forum is None:
        found.forum = await guild.create_forum(
            tr("theme.channel.forum"),
            category=found.category,
            available_tags=forum_tags(tr),
            reason=reason,
        )
        theme.forum_id = found.forum.id
        await record(forum_id=found.forum.id)
        created.append("forum")
    if found.info is None:
        found.info = await guild.create_text_channel(
            tr("theme.channel.info"), category=found.category, topic=theme.title, reason=reason
        )
        await record(info_channel_id=found.info.id)
        created.append("info")
    await _reparent(found, reason)
    if "info" in created or not await _card_exists(found.info, theme.info_message_id):
        message = await found.info.send(embed=info_card(tr, theme, history))
        await record(info_message_id=message.id)
        await message.pin(reason=reason)
        created.append("card")
    elif "forum" in created and theme.info_message_id is not None:
        # the card links to the forum: point it at the new one
        await found.info.get_partial_message(theme.info_message_id).edit(
            embed=info_card(tr, theme, history)
        )
    return created


async def _reparent(found: Present, reason: str) -> None:
    """A category deleted by hand leaves its channels loose: bring them back."""
    assert found.category is not None  # noqa: S101 - ensured by the caller
    for channel in (found.forum, found.info):
        if channel is not None and channel.category_id != found.category.id:
            await channel.edit(category=found.category, reason=reason)


async def _card_exists(channel: discord.TextChannel, message_id: int | None) -> bool:
    if message_id is None:
        return False
    try:
        await channel.fetch_message(message_id)
    except discord.NotFound:
        return False
    return True


async def refresh(
    guild: discord.Guild, theme: Theme, tr: Tr, renamed: bool, history: History | None = None
) -> None:
    """After an edit: names and the pinned card follow the theme."""
    found = present(guild, theme)
    reason = f"sipbot theme {theme.id} edited"
    if renamed and found.role is not None and found.role.name != theme.title:
        await found.role.edit(name=theme.title, reason=reason)
    if renamed and found.category is not None and found.category.name != category_name(theme):
        await found.category.edit(name=category_name(theme), reason=reason)
    if found.info is not None and theme.info_message_id is not None:
        message = found.info.get_partial_message(theme.info_message_id)
        await message.edit(embed=info_card(tr, theme, history))


async def archive(guild: discord.Guild, theme: Theme) -> int:
    """Read-only for everyone, kept for history; returns how many channels were locked."""
    found = present(guild, theme)
    locked = 0
    for channel in (found.category, found.info, found.forum):
        if channel is not None:
            await channel.set_permissions(
                guild.default_role, overwrite=READ_ONLY, reason=f"sipbot theme {theme.id} archived"
            )
            locked += 1
    return locked
