"""`/privacy`: every member can see what is stored about them, and have it forgotten."""

from __future__ import annotations

import io
import logging

import discord
from discord import app_commands
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.app import SipBot
from bot.kit import errors
from bot.kit.i18n import Tr
from storage import privacy
from storage import setup as setup_store

log = logging.getLogger(__name__)


class ForgetConfirm(discord.ui.View):
    """Forgetting is final: asked once, for the person who asked only."""

    def __init__(self, cog: PrivacyCog, user_id: int, tr: Tr) -> None:
        super().__init__(timeout=120)
        self.cog, self.user_id = cog, user_id
        self.confirm.label = tr("privacy.forget.confirm")
        self.cancel.label = tr("privacy.forget.cancel")

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return interaction.user.id == self.user_id

    @discord.ui.button(style=discord.ButtonStyle.danger, custom_id="sip:privacy:forget:yes")
    async def confirm(
        self, interaction: discord.Interaction, _button: discord.ui.Button[ForgetConfirm]
    ) -> None:
        await self.cog.forget_confirmed(interaction)
        self.stop()

    @discord.ui.button(style=discord.ButtonStyle.secondary, custom_id="sip:privacy:forget:no")
    async def cancel(
        self, interaction: discord.Interaction, _button: discord.ui.Button[ForgetConfirm]
    ) -> None:
        config = await self.cog.services.config(interaction.guild_id or 0)
        tr = self.cog.services.reader(interaction, config)
        await interaction.response.edit_message(content=tr("privacy.forget.cancelled"), view=None)
        self.stop()

    async def on_error(
        self,
        interaction: discord.Interaction,
        error: Exception,
        item: discord.ui.Item[ForgetConfirm],
    ) -> None:
        await errors.report(self.cog.bot, interaction, error)


class PrivacyCog(commands.Cog):
    privacy_group = app_commands.Group(
        name="privacy", description=_("Your data: see it, or have it forgotten"), guild_only=True
    )

    def __init__(self, bot: SipBot) -> None:
        self.bot = bot
        self.services = bot.services

    @privacy_group.command(name="export", description=_("Everything stored about you, as a file"))
    async def export(self, interaction: discord.Interaction) -> None:
        # The export's room (bot/privacy/) is imported here: only an export needs it, and
        # a start that imported it would keep its modules for a command rarely run.
        from bot.privacy import files

        assert interaction.guild_id is not None  # noqa: S101
        config = await self.services.config(interaction.guild_id)
        tr = self.services.reader(interaction, config)
        await interaction.response.defer(ephemeral=True, thinking=True)
        async with self.services.db() as db:
            found = await privacy.export(db, interaction.user.id)
        now = self.services.clock.now()
        told = files.document(found, interaction.user.id, now, tr, config.timezone)
        await interaction.followup.send(
            files.summary(tr, found),
            file=discord.File(io.BytesIO(files.encode(told)), filename="sipbot-my-data.json"),
            ephemeral=True,
        )

    @privacy_group.command(
        name="forget", description=_("Delete or anonymise everything stored about you")
    )
    async def forget(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None  # noqa: S101
        config = await self.services.config(interaction.guild_id)
        tr = self.services.reader(interaction, config)
        await interaction.response.send_message(
            tr("privacy.forget.ask"),
            view=ForgetConfirm(self, interaction.user.id, tr),
            ephemeral=True,
        )

    async def forget_confirmed(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None  # noqa: S101
        config = await self.services.config(interaction.guild_id)
        tr = self.services.reader(interaction, config)
        now = self.services.clock.now()
        async with self.services.db() as db, db.begin():
            touched = await privacy.forget(db, interaction.user.id)
            await privacy.opt_out(db, interaction.guild_id, interaction.user.id, now)
            # the one trace kept: that this member asked, when (the cooperative's accountability)
            await setup_store.audit(
                db, interaction.guild_id, interaction.user.id, "privacy.forget", now
            )
        self.services.forget("opted_out", interaction.guild_id)
        log.info("a member was forgotten: %s", {k: v for k, v in touched.items() if v})
        await interaction.response.edit_message(content=tr("privacy.forget.done"), view=None)

    @commands.Cog.listener()
    async def on_raw_member_remove(self, payload: discord.RawMemberRemoveEvent) -> None:
        """A member who leaves: their profile and pending votes go."""
        async with self.services.db() as db, db.begin():
            removed = await privacy.member_left(db, payload.guild_id, payload.user.id)
        if removed:
            log.info("member left guild %s: %d pending rows removed", payload.guild_id, removed)


async def setup(bot: SipBot) -> None:
    await bot.add_cog(PrivacyCog(bot))
