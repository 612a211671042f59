"""`/setup check`: what is missing for the bot to work, each with its fix.

These are setup's own checks; each feature's (a theme's objects, a group's) are
registered with bot/kit/checkup.py and run after them."""

from __future__ import annotations

import discord

from bot.kit import permissions
from bot.kit.checkup import Finding
from storage.models import GuildConfig, Phase

CHANNEL_NEEDS = ("view_channel", "send_messages", "embed_links")


def _missing_in(channel: discord.abc.GuildChannel, me: discord.Member) -> list[str]:
    granted = channel.permissions_for(me)
    return [name for name in CHANNEL_NEEDS if not getattr(granted, name)]


def check_permissions(me: discord.Member) -> list[Finding]:
    return [
        Finding(
            "error", "check.perm.missing", {"permission": name, "why": permissions.REQUIRED[name]}
        )
        for name in permissions.missing(me.guild_permissions)
    ]


def check_roles(guild: discord.Guild, config: GuildConfig) -> list[Finding]:
    found: list[Finding] = []
    if config.organiser_role_id is None:
        found.append(Finding("warning", "check.organiser_role.none"))
    elif guild.get_role(config.organiser_role_id) is None:
        found.append(Finding("error", "check.organiser_role.deleted"))
    if config.member_role_id is None:
        found.append(Finding("info", "check.member_role.none"))
    elif guild.get_role(config.member_role_id) is None:
        found.append(Finding("error", "check.member_role.deleted"))
    return found


def check_announcements(guild: discord.Guild, config: GuildConfig) -> list[Finding]:
    channel_id = config.announcements_channel_id
    if channel_id is None:
        return [Finding("error", "check.announcements.none")]
    channel = guild.get_channel(channel_id)
    if channel is None:
        return [Finding("error", "check.announcements.deleted")]
    missing = _missing_in(channel, guild.me)
    if missing:
        return [
            Finding(
                "error",
                "check.announcements.perms",
                {"channel": channel.mention, "missing": missing},
            )
        ]
    return []


def diagnose(guild: discord.Guild, config: GuildConfig) -> list[Finding]:
    return [
        *check_permissions(guild.me),
        *check_roles(guild, config),
        *check_announcements(guild, config),
    ]


def missing_in_channel(channel: discord.abc.GuildChannel, me: discord.Member) -> list[str]:
    return _missing_in(channel, me)


def check_announcements_sent(phases: list[Phase]) -> list[Finding]:
    return [
        Finding("warning", "check.phase.failed", {"phase": phase.key, "note": phase.announce_note})
        for phase in phases
        if phase.announce_state == "failed"
    ]
