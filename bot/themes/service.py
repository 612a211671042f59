"""Making a theme's Discord objects, for `/theme add` and `/theme edit` and for a cycle
created from the assembly's vote (which reaches it through the package,
bot/themes/__init__.py): the same role, category, forum, info channel and pinned card
whichever way a theme comes, each object recorded as soon as it exists.

A prolonged theme's card links to its history (the previous cycle's forum and synthesis
post), read from storage each time the card is made, so an edit keeps the link.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import discord

from bot.services import Services
from bot.themes import objects
from storage import themes as store
from storage.models import GuildConfig, Theme
from storage.themes import History

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Built:
    theme: Theme  # as stored afterwards, with the ids of its objects
    created: list[str]  # the kinds made now
    complete: bool  # False: Discord refused something half-way; /theme edit completes it
    missing: list[str]  # the objects still missing then


class ThemeBuilder:
    def __init__(self, services: Services) -> None:
        self.services = services

    def _recorder(self, theme_id: int) -> objects.Record:
        async def record(**ids: int | None) -> None:
            async with self.services.db() as db, db.begin():
                await store.record_objects(db, theme_id, self.services.clock.now(), **ids)

        return record

    async def history(self, theme: Theme) -> History | None:
        async with self.services.db() as db:
            return await store.history_of(db, theme)

    async def build(self, guild: discord.Guild, config: GuildConfig, theme: Theme) -> Built:
        """Create what is missing; a Discord refusal half-way is reported, not raised."""
        public = self.services.public(config)
        history = await self.history(theme)
        try:
            created = await objects.ensure(guild, theme, public, self._recorder(theme.id), history)
        except discord.HTTPException as exc:
            log.warning("theme %s only partly created: %s %s", theme.id, exc.status, exc.text)
            async with self.services.db() as db:
                stored = await store.get(db, theme.id) or theme
            return Built(stored, [], False, objects.present(guild, stored).missing)
        async with self.services.db() as db:
            stored = await store.get(db, theme.id) or theme
        return Built(stored, created, True, [])

    async def refresh(
        self, guild: discord.Guild, config: GuildConfig, theme: Theme, *, renamed: bool
    ) -> None:
        """After an edit: names and the pinned card follow the theme."""
        public = self.services.public(config)
        await objects.refresh(guild, theme, public, renamed, await self.history(theme))
