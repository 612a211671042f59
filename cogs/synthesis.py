"""`/synthesis build`: one forum post per theme gathering its drafts, updated in place."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.app_commands import locale_str as _

from bot.app import SipBot
from bot.kit import choices, ui
from bot.kit.checks import ORGANISERS, OrganiserCog
from bot.kit.user_error import UserError
from bot.synthesis.service import SynthesisBuilder
from storage import cycles, themes


class SynthesisCog(OrganiserCog):
    synthesis = app_commands.Group(
        name="synthesis",
        description=_("Syntheses of the themes' drafts"),
        default_permissions=ORGANISERS,
        guild_only=True,
    )

    def __init__(self, bot: SipBot) -> None:
        self.bot = bot
        self.services = bot.services
        self.builder = SynthesisBuilder(bot)

    @synthesis.command(name="build", description=_("Gather a theme's drafts into one forum post"))
    @app_commands.describe(theme=_("The theme"))
    async def build(self, interaction: discord.Interaction, theme: str) -> None:
        assert interaction.guild is not None  # noqa: S101 - guild-only group
        config = await self.services.config(interaction.guild.id)
        tr = self.services.reader(interaction, config)
        async with self.services.db() as db:
            cycle = await cycles.open_cycle(db, interaction.guild.id)
            found = await themes.find(db, cycle.id, theme) if cycle and cycle.id else None
        if cycle is None:
            raise UserError("error.cycle.none")
        if found is None:
            raise UserError("error.theme.unknown", value=theme.lstrip("#"))
        rows = await self.builder.gathered(found)
        await interaction.response.defer(ephemeral=True, thinking=True)
        built = await self.builder.build(
            interaction.guild, self.services.public(config), found, rows, interaction.user.id
        )
        key = "synthesis.created" if built.created else "synthesis.updated"
        text = tr(key, theme=found.title, thread=f"<#{built.thread_id}>", count=built.drafts,
                  moved=built.moved)  # fmt: skip
        if built.refused:
            text += "\n" + tr("error.discord_forbidden")
        if built.waiting:
            text += "\n" + tr("synthesis.tags_waiting", count=built.waiting)
        await ui.reply(interaction, text)

    @build.autocomplete("theme")
    async def theme_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await choices.themes(self.services, interaction.guild_id, current)


async def setup(bot: SipBot) -> None:
    await bot.add_cog(SynthesisCog(bot))
