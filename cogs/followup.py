"""`/followup`: what became of the adopted recommendations.

`/followup update` is for the board (and organisers), checked at run time: board members
need not have Manage Server, so the root is visible (tests/kit/test_visibility.py).
`/followup list` is for everyone: members see what became of what they recommended.
The use cases live in bot/followup/service.py, what is shown in bot/followup/posts.py.
"""

from __future__ import annotations

import discord
from discord import app_commands
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.app import SipBot
from bot.followup import posts
from bot.followup.jobs import FollowupJobs
from bot.followup.rules import FOLLOWED, NOTE_MAX, STATES
from bot.followup.service import FollowupService
from bot.kit import choices, ui
from bot.kit.checks import board_only
from storage import drafts as draft_store

STATE_PREFIX = "followup."
STATE_CHOICES = [
    app_commands.Choice(name=name, value=STATE_PREFIX + code)
    for code, name in zip(STATES, ("planned", "in progress", "done", "abandoned"), strict=True)
]


class FollowupCog(commands.Cog):
    followup = app_commands.Group(
        name="followup",
        description=_("What became of the adopted recommendations"),
        guild_only=True,
    )

    def __init__(self, bot: SipBot) -> None:
        self.bot = bot
        self.services = bot.services
        self.service = FollowupService(bot)

    async def cog_load(self) -> None:
        FollowupJobs(self.bot).register()

    @followup.command(
        name="update", description=_("Where an adopted recommendation stands (posted in its post)")
    )
    @app_commands.describe(
        draft=_("The adopted recommendation"),
        state=_("Where it stands"),
        note=_("What happened (at most 1,000 characters)"),
    )
    @app_commands.choices(state=STATE_CHOICES)
    @board_only()
    async def update(
        self,
        interaction: discord.Interaction,
        draft: str,
        state: str,
        note: app_commands.Range[str, 1, NOTE_MAX],
    ) -> None:
        await self.service.update(interaction, draft, state.removeprefix(STATE_PREFIX), note)

    @followup.command(
        name="list", description=_("Every adopted recommendation, its state and last update")
    )
    @app_commands.describe(cycle=_("An earlier cycle (default: the current one)"))
    async def list_(self, interaction: discord.Interaction, cycle: str | None = None) -> None:
        assert interaction.guild_id is not None  # noqa: S101 - guild-only group
        config = await self.services.config(interaction.guild_id)
        tr = self.services.reader(interaction, config)
        chosen = await self.service.cycle(interaction.guild_id, cycle)
        items = await self.service.followed(chosen)
        for embed in posts.list_embeds(tr, chosen, items):
            await ui.reply(interaction, embed=embed)

    @update.autocomplete("draft")
    async def followed_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Adopted recommendations of every cycle, the newest cycle first."""
        if interaction.guild_id is None:
            return []
        async with self.services.db() as db:
            rows = await draft_store.drafts_in_guild(db, interaction.guild_id, [FOLLOWED])
        needle = current.strip().casefold()
        return [
            app_commands.Choice(name=d.title[:100], value=f"#{d.id}")
            for d in rows
            if needle in d.title.casefold()
        ][:25]

    @list_.autocomplete("cycle")
    async def cycle_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await choices.cycles(self.services, interaction.guild_id, current)


async def setup(bot: SipBot) -> None:
    await bot.add_cog(FollowupCog(bot))
