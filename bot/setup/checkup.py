"""`/setup check`: what is missing for the bot to work, each with its fix.

These are setup's own checks; each feature's (a theme's objects, a group's) are
registered with bot/kit/checkup.py and run after them."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.kit import permissions
from bot.kit.checkup import Finding
from storage.models import GuildConfig, WorkItem
from storage.models.work import PENDING, RUNNING

CHANNEL_NEEDS = ("view_channel", "send_messages", "embed_links")
# The check is one embed (4,096 characters): the first troubled items, then a count.
WORK_SHOWN = 8
ERROR_EXCERPT = 120


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
    if config.board_role_id is not None and guild.get_role(config.board_role_id) is None:
        found.append(Finding("error", "check.board_role.deleted"))
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


def check_work(items: Sequence[WorkItem]) -> list[Finding]:
    """Scheduled work that keeps failing or was refused for good (storage.work.troubled):
    each with its kind, when it was due, what went wrong, and what to look at."""
    shown = [_work_finding(item) for item in items[:WORK_SHOWN]]
    if len(items) > WORK_SHOWN:
        shown.append(Finding("warning", "check.work.more", {"count": len(items) - WORK_SHOWN}))
    return shown


def _work_finding(item: WorkItem) -> Finding:
    still_trying = item.state in (PENDING, RUNNING)
    return Finding(
        "warning",
        "check.work.retrying" if still_trying else "check.work.failed",
        {
            "kind": item.kind,
            "due": item.due_at,
            "attempts": item.attempts,
            # a refusal leaves its note; a failure still retried, its last error
            "error": _excerpt(item.note or item.last_error),
        },
    )


def _excerpt(text: str) -> str:
    """One line, short: an error is quoted back, never whole (it may be long, or carry
    what Discord echoed of the request)."""
    flat = " ".join(text.replace("`", "'").split()) or "?"
    return flat if len(flat) <= ERROR_EXCERPT else flat[: ERROR_EXCERPT - 1] + "…"
