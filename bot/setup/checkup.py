"""`/setup check`: what is missing for the bot to work, each with its fix."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import discord

from bot.groups import objects as group_objects
from bot.kit import permissions
from bot.themes.objects import present
from storage.models import GuildConfig, Theme, WorkGroup, WorkItem
from storage.models.work import PENDING, RUNNING

CHANNEL_NEEDS = ("view_channel", "send_messages", "embed_links")
# The check is one embed (4,096 characters): the first troubled items, then a count.
WORK_SHOWN = 8
ERROR_EXCERPT = 120


@dataclass(frozen=True)
class Finding:
    level: str  # "error", "warning" or "info"
    key: str
    params: dict[str, Any] = field(default_factory=dict)


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


def check_themes(guild: discord.Guild, themes: list[Theme]) -> list[Finding]:
    """Theme objects deleted by hand: reported with the command that recreates them."""
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


def check_groups(guild: discord.Guild, groups: list[WorkGroup]) -> list[Finding]:
    """Published groups whose channel or role was deleted by hand; publishing again repairs."""
    found: list[Finding] = []
    for group in groups:
        if group.status != "published":
            continue
        here = group_objects.present(guild, group)
        missing = [
            kind for kind, obj in (("channel", here.channel), ("role", here.role)) if obj is None
        ]
        if missing:
            found.append(
                Finding("error", "check.group.missing", {"group": group.name, "objects": missing})
            )
    return found
