"""What every cog shares: settings, database, clock, catalogues, scheduler.

Cogs reach each other only through this object and `bot.dispatch`, never directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import discord
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.i18n import Catalog, Tr, language_of
from config.data import default_offices
from config.settings import Settings
from storage import guilds
from storage.models import GuildConfig

if TYPE_CHECKING:
    from bot.scheduler import Scheduler


@dataclass
class Services:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    clock: Clock
    catalog: Catalog
    scheduler: Scheduler | None = None

    async def config(self, guild_id: int) -> GuildConfig:
        """The guild's configuration, created with defaults on first use."""
        seeds = [(o.name, o.country, o.region) for o in default_offices()]
        async with self.sessions() as session, session.begin():
            return await guilds.ensure_guild(session, guild_id, self.clock.now(), seeds)

    def reader(self, interaction: discord.Interaction, config: GuildConfig | None = None) -> Tr:
        """Texts for the person who acted: their Discord locale, else the guild's language."""
        fallback = config.language if config is not None else "fr"
        return self.catalog.bind(language_of(str(interaction.locale), fallback))

    def public(self, config: GuildConfig) -> Tr:
        """Texts for everyone in the guild: the guild's language."""
        return self.catalog.bind(config.language)
