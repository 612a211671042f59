"""The Discord scheduled events the bot keeps for what it plans (a group's sessions, open
meetings): found again after a crash, moved, cancelled. A feature creates its event with
its own name and place; these steps are the same for every feature."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import discord

log = logging.getLogger(__name__)


async def find_created(
    guild: discord.Guild, creator_id: int | None, name: str, starts_at: datetime
) -> discord.ScheduledEvent | None:
    """The event an earlier attempt created before the process died, if any: same name,
    same start, created by the bot."""
    for event in await guild.fetch_scheduled_events():
        if (event.name, event.start_time, event.creator_id) == (name, starts_at, creator_id):
            return event
    return None


async def move(
    guild: discord.Guild, event_id: int | None, starts_at: datetime, minutes: int
) -> None:
    """The event now runs from `starts_at` for `minutes` (nothing when deleted by hand)."""
    if event_id is None:
        return
    try:
        event = await guild.fetch_scheduled_event(event_id)
        await event.edit(start_time=starts_at, end_time=starts_at + timedelta(minutes=minutes))
    except discord.NotFound:
        log.info("scheduled event %s was deleted by hand", event_id)


async def cancel(guild: discord.Guild, event_id: int | None) -> None:
    """The event is cancelled (nothing when deleted by hand)."""
    if event_id is None:
        return
    try:
        event = await guild.fetch_scheduled_event(event_id)
        await event.cancel()
    except discord.NotFound:
        log.info("scheduled event %s was deleted by hand", event_id)
