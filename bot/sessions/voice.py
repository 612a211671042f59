"""The voice channels sessions take place in, and what the bot needs there.

Discord creates an event in a voice channel only for someone who can see that channel
and connect to it (Guild Scheduled Event Permissions Requirements, entity_type VOICE:
View Channel and Connect for the event's channel, besides Create Events); without them
the session's event is refused with 403 and never appears. `/session schedule` refuses
such a channel at once, and `/setup check` names the channels of upcoming sessions
that lost those permissions since, or were deleted by hand.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import discord

from bot.kit.checkup import Finding
from storage.models import GroupSession

NEEDS = ("view_channel", "connect")
NAMES_SHOWN = 3


def missing(channel: discord.abc.GuildChannel, me: discord.Member) -> list[str]:
    """The permissions of NEEDS the bot lacks in `channel` (administrator has them all)."""
    granted = channel.permissions_for(me)
    return [name for name in NEEDS if not getattr(granted, name)]


def checkup(
    guild: discord.Guild, sessions: Sequence[tuple[GroupSession, str]], now: datetime
) -> list[Finding]:
    """One finding per voice channel of a session not over yet: deleted, or lacking
    what Discord asks of a voice event."""
    by_channel: dict[int, list[str]] = {}
    for session, group_name in sessions:
        if session.voice_channel_id is None:
            continue
        if session.starts_at + timedelta(minutes=session.minutes) <= now:
            continue
        by_channel.setdefault(session.voice_channel_id, []).append(group_name)
    found: list[Finding] = []
    for channel_id, names in by_channel.items():
        params: dict[str, object] = {"count": len(names), "groups": _names(names)}
        channel = guild.get_channel(channel_id)
        if channel is None:
            found.append(Finding("warning", "check.session.voice.deleted", params))
            continue
        lacking = missing(channel, guild.me)
        if lacking:
            params.update(channel=channel.mention, missing=lacking)
            found.append(Finding("error", "check.session.voice.perms", params))
    return found


def _names(names: list[str]) -> str:
    unique = list(dict.fromkeys(names))
    shown = ", ".join(unique[:NAMES_SHOWN])
    return shown + (", …" if len(unique) > NAMES_SHOWN else "")
