"""Autocomplete choices shared by the cogs: the open cycle's themes."""

from __future__ import annotations

from discord import app_commands

from bot.services import Services
from storage import cycles
from storage import themes as theme_store

MAX_CHOICES = 25


async def themes(
    services: Services, guild_id: int | None, current: str, *, include_archived: bool = True
) -> list[app_commands.Choice[str]]:
    """Themes of the open cycle whose title contains what is typed; value "#<id>"."""
    if guild_id is None:
        return []
    async with services.db() as db:
        cycle = await cycles.open_cycle(db, guild_id)
        if cycle is None or cycle.id is None:
            return []
        found = await theme_store.themes_of(db, cycle.id, include_archived=include_archived)
    needle = current.strip().casefold()
    return [
        app_commands.Choice(name=theme.title[:100], value=f"#{theme.id}")
        for theme in found
        if needle in theme.title.casefold()
    ][:MAX_CHOICES]
