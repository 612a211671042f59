"""What `/groups` and `/group` share: the open cycle, themes and groups looked up from
what the user typed or picked, the welcome card, and autocomplete choices."""

from __future__ import annotations

from collections.abc import Sequence

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import SipBot
from bot.groups import posts as cards
from bot.kit import choices
from bot.kit.i18n import Tr
from bot.kit.user_error import UserError
from storage import cycles, themes
from storage import groups as store
from storage.models import Cycle, GuildConfig, Theme, WorkGroup


async def send_all(
    interaction: discord.Interaction,
    messages: Sequence[list[discord.Embed]],
    files: Sequence[discord.File] = (),
) -> None:
    """Several ephemeral messages of embeds: the answer (with `files`, its picture),
    then follow-ups."""
    for index, embeds in enumerate(messages):
        attached = list(files) if index == 0 else []
        if interaction.response.is_done():
            await interaction.followup.send(embeds=embeds, files=attached, ephemeral=True)
        else:
            await interaction.response.send_message(embeds=embeds, files=attached, ephemeral=True)


class GroupsBase(commands.Cog):
    """What both command groups need: the open cycle, a theme, a group, and choices."""

    def __init__(self, bot: SipBot) -> None:
        self.bot = bot
        self.services = bot.services

    async def _context(
        self, interaction: discord.Interaction
    ) -> tuple[discord.Guild, GuildConfig, Tr, Cycle]:
        return await self.services.cycle_context(interaction)

    async def _theme(self, cycle: Cycle, value: str) -> Theme:
        async with self.services.db() as db:
            theme = await themes.find(db, cycle.id, value)
        if theme is None:
            raise UserError("error.theme.unknown", value=value.lstrip("#"))
        if theme.status == "archived":
            raise UserError("error.theme.archived", title=theme.title)
        return theme

    async def _group(self, cycle: Cycle, value: str) -> tuple[WorkGroup, Theme, list[int]]:
        async with self.services.db() as db:
            group = await store.find(db, cycle.id, value)
            theme = await themes.get(db, group.theme_id) if group else None
            members = await store.members_of(db, [group.id]) if group and group.id else {}
        if group is None or group.id is None or theme is None:
            raise UserError("error.groups.unknown_group", group=value.lstrip("#"))
        return group, theme, members[group.id]

    async def _welcome(self, config: GuildConfig, group: WorkGroup) -> discord.Embed:
        async with self.services.db() as db:
            theme = await themes.get(db, group.theme_id)
            members = await store.members_of(db, [group.id])
            phases = await cycles.phases_of(db, group.cycle_id)
        assert theme is not None  # noqa: S101 - groups are deleted with their theme
        public = self.services.public(config)
        return cards.welcome(public, theme, group, members[group.id], phases)

    async def theme_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await choices.themes(
            self.services, interaction.guild_id, current, include_archived=False
        )

    async def group_choices(
        self, interaction: discord.Interaction, current: str, *, only_own: bool = False
    ) -> list[app_commands.Choice[str]]:
        """ "Theme › Group" over the open cycle; members see only their own groups."""
        if interaction.guild_id is None:
            return []
        async with self.services.db() as db:
            cycle = await cycles.open_cycle(db, interaction.guild_id)
            if cycle is None or cycle.id is None:
                return []
            if only_own:
                found = await store.groups_of_member(db, cycle.id, interaction.user.id)
            else:
                found = await store.groups_of_cycle(db, cycle.id)
            titles = {t.id: t.title for t in await themes.themes_of(db, cycle.id)}
        needle = current.strip().casefold()
        labels = [(f"{titles.get(g.theme_id, '?')} › {g.name}", g) for g in found]
        return [
            app_commands.Choice(name=label[:100], value=f"#{g.id}")
            for label, g in labels
            if needle in label.casefold()
        ][:25]
