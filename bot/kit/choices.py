"""Autocomplete choices shared by the cogs: the open cycle's themes, the server's cycles."""

from __future__ import annotations

from discord import app_commands

from bot.services import Services
from storage import cycles as cycles_store
from storage import themes as theme_store
from storage.models import Cycle

MAX_CHOICES = 25


async def themes(
    services: Services, guild_id: int | None, current: str, *, include_archived: bool = True
) -> list[app_commands.Choice[str]]:
    """Themes of the open cycle whose title contains what is typed; value "#<id>"."""
    if guild_id is None:
        return []
    async with services.db() as db:
        cycle = await cycles_store.open_cycle(db, guild_id)
        if cycle is None or cycle.id is None:
            return []
        found = await theme_store.themes_of(db, cycle.id, include_archived=include_archived)
    needle = current.strip().casefold()
    return [
        app_commands.Choice(name=theme.title[:100], value=f"#{theme.id}")
        for theme in found
        if needle in theme.title.casefold()
    ][:MAX_CHOICES]


async def cycles(
    services: Services, guild_id: int | None, current: str
) -> list[app_commands.Choice[str]]:
    """The server's cycles, newest first, whose name contains what is typed; value "#<id>"."""
    if guild_id is None:
        return []
    async with services.db() as db:
        found = await cycles_store.of_guild(db, guild_id)
    needle = current.strip().casefold()
    return [
        app_commands.Choice(name=cycle.name[:100], value=f"#{cycle.id}")
        for cycle in found
        if needle in cycle.name.casefold()
    ][:MAX_CHOICES]


async def cycle_asked(services: Services, guild_id: int, value: str) -> Cycle | None:
    """The cycle a command names: "#<id>" from the autocomplete, or its name as typed."""
    async with services.db() as db:
        if value.startswith("#") and value[1:].isdigit():
            found = await db.get(Cycle, int(value[1:]))
        else:
            found = await cycles_store.cycle_named(db, guild_id, value)
    return found if found is not None and found.guild_id == guild_id else None
