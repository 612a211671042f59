"""`/interest`: the interest poll by reaction, results, export, and the member profile."""

from __future__ import annotations

from collections import Counter

import discord
from discord import app_commands
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.app import SipBot
from bot.interest import jobs
from bot.interest.files import answers
from bot.interest.posts import PROFILE_BUTTON, poll_card, profile_button, results_picture
from bot.interest.refusals import RefusalJobs
from bot.interest.rules import tally
from bot.interest.views import ProfileView
from bot.interest.votes import VoteRecorder
from bot.kit import charts, choices, errors, reactions, sheets, ui
from bot.kit.checks import organiser_only
from bot.kit.dates import parse_future
from bot.kit.user_error import UserError
from storage import cycles, interest
from storage import setup as setup_store
from storage import themes as theme_store
from storage.models import Cycle, InterestPoll, Theme


class InterestCog(commands.Cog):
    interest = app_commands.Group(
        name="interest", description=_("The interest poll and your profile"), guild_only=True
    )

    def __init__(self, bot: SipBot) -> None:
        self.bot = bot
        self.services = bot.services
        self.recorder = VoteRecorder(bot)
        self.closing = jobs.PollClosing(bot, self.recorder)
        self.profile_view = ProfileView(bot)
        self.reconciler = reactions.Reconciler(bot, self.recorder, "interest-reconcile")

    async def cog_load(self) -> None:
        await self.reconciler.start()
        self.bot.add_view(self.profile_view)
        self.services.work.register(jobs.KIND, self.closing.handle)
        RefusalJobs(self.bot).register()

    async def cog_unload(self) -> None:
        await self.reconciler.stop()

    @property
    def reconciled(self) -> bool:
        return self.reconciler.reconciled

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        # Runs for buttons, menus and forms (SipBot.dispatch spares it commands).
        if interaction.type is not discord.InteractionType.component:
            return
        data: dict[str, object] = dict(interaction.data or {})
        if data.get("custom_id") == PROFILE_BUTTON:
            try:
                await self.profile_view.show(interaction)
            except Exception as error:  # noqa: BLE001 - reported like any command error
                await errors.report(self.bot, interaction, error)

    async def _cycle_themes(self, guild_id: int) -> tuple[Cycle, list[Theme]]:
        async with self.services.db() as db:
            cycle = await cycles.open_cycle(db, guild_id)
            if cycle is None or cycle.id is None:
                raise UserError("error.cycle.none")
            return cycle, await theme_store.themes_of(db, cycle.id, include_archived=False)

    @interest.command(
        name="open", description=_("Open the interest poll in the announcements channel")
    )
    @app_commands.describe(
        deadline=_("When the poll closes: 2021-01-15 18:00 or 15/01/2021 18h00"),
        channel=_("Where to post it (default: the announcements channel)"),
    )
    @organiser_only()
    async def open(
        self,
        interaction: discord.Interaction,
        deadline: str,
        channel: discord.TextChannel | None = None,
    ) -> None:
        assert interaction.guild is not None  # noqa: S101
        config = await self.services.config(interaction.guild.id)
        tr = self.services.reader(interaction, config)
        now = self.services.clock.now()
        closes = parse_future(deadline, config.timezone, now).at
        cycle, themes = await self._cycle_themes(interaction.guild.id)
        if not themes:
            raise UserError("error.interest.no_themes")
        target_id = channel.id if channel is not None else config.announcements_channel_id
        target = interaction.guild.get_channel(target_id or 0)
        if not isinstance(target, discord.TextChannel):
            raise UserError("error.interest.no_channel")
        async with self.services.db() as db:
            if await interest.open_poll(db, cycle.id) is not None:
                raise UserError("error.interest.already_open")
        await interaction.response.defer(ephemeral=True, thinking=True)
        public = self.services.public(config)
        message = await target.send(
            embed=poll_card(public, themes, closes), view=profile_button(public)
        )
        poll = InterestPoll(
            guild_id=interaction.guild.id, cycle_id=cycle.id, channel_id=target.id, message_id=message.id,
            deadline=closes, created_by=interaction.user.id, created_at=now,
        )  # fmt: skip
        try:
            async with self.services.db() as db, db.begin():
                await interest.create_poll(db, poll, [(t.id, t.emoji) for t in themes])
                await jobs.plan_closing(self.services.work, db, poll)
                await setup_store.audit(
                    db,
                    interaction.guild.id,
                    interaction.user.id,
                    "interest.open",
                    now,
                    poll=poll.id,
                )
        except interest.PollConflict as exc:
            await message.delete()
            raise UserError("error.interest.already_open") from exc
        self.services.work.poke()
        self.recorder.remember(poll, {t.emoji: t.id for t in themes})
        for theme in themes:
            await message.add_reaction(theme.emoji)
        await ui.reply(
            interaction,
            tr("interest.opened", channel=target.mention, deadline=ui.timestamp(closes)),
        )

    @interest.command(name="results", description=_("Counts per theme, region and mode"))
    @app_commands.describe(theme=_("Only this theme"))
    @organiser_only()
    async def results(self, interaction: discord.Interaction, theme: str | None = None) -> None:
        assert interaction.guild_id is not None  # noqa: S101
        config = await self.services.config(interaction.guild_id)
        tr = self.services.reader(interaction, config)
        poll, _themes = await self._latest(interaction.guild_id)
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self.recorder.flush()
        shown, counts = await self.closing.counts(poll)
        if theme is not None:
            shown = [
                t
                for t in shown
                if f"#{t.id}" == theme or t.title.casefold() == theme.strip().casefold()
            ]
            if not shown:
                raise UserError("error.theme.unknown", value=theme.lstrip("#"))
        card = ui.embed(
            tr("interest.results.title"),
            tr("interest.results.voters", count=counts.voters, without=len(counts.without_profile)),
        )
        for item in shown:
            per_region = counts.per_region.get(item.id, Counter())
            lines = [
                tr(
                    "interest.results.region",
                    region=region,
                    mode=tr(f"profile.mode.{mode}"),
                    count=n,
                )
                for (region, mode), n in sorted(per_region.items())
            ]
            value = "\n".join(lines) or tr("interest.results.nobody")
            card.add_field(
                name=f"{item.emoji} {item.title} — {counts.per_theme[item.id]}"[:256],
                value=value[:1024],
                inline=False,
            )
        spec = results_picture(tr, shown, counts)
        picture = await charts.draw(spec) if spec is not None else None
        await ui.reply(interaction, embed=card, files=charts.attachments(picture))

    async def _latest(self, guild_id: int) -> tuple[InterestPoll, list[Theme]]:
        cycle, themes = await self._cycle_themes(guild_id)
        async with self.services.db() as db:
            poll = await interest.latest_poll(db, cycle.id)
        if poll is None:
            raise UserError("error.interest.none")
        return poll, themes

    @interest.command(
        name="close", description=_("Close the interest poll now and post the results")
    )
    @organiser_only()
    async def close(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None  # noqa: S101
        config = await self.services.config(interaction.guild_id)
        tr = self.services.reader(interaction, config)
        cycle, _themes = await self._cycle_themes(interaction.guild_id)
        async with self.services.db() as db:
            poll = await interest.open_poll(db, cycle.id)
        if poll is None:
            raise UserError("error.interest.none_open")
        await interaction.response.defer(ephemeral=True, thinking=True)
        # through the engine: a deadline falling meanwhile never posts the results twice;
        # None when another process is closing it, or Discord failed and it will retry
        closed = await self.services.work.run_now(jobs.key(poll.id))
        await ui.reply(
            interaction, tr("interest.closed" if closed is not None else "interest.close_later")
        )

    @interest.command(
        name="export", description=_("Download the answers as a spreadsheet (.xlsx and .csv)")
    )
    @organiser_only()
    async def export(self, interaction: discord.Interaction) -> None:
        assert interaction.guild is not None  # noqa: S101
        config = await self.services.config(interaction.guild.id)
        tr = self.services.reader(interaction, config)
        poll, themes = await self._latest(interaction.guild.id)
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self.recorder.flush()
        async with self.services.db() as db:
            votes = await interest.votes_of(db, poll.id)
            profiles = await interest.profiles(db, interaction.guild.id)
            offices = await interest.offices_by_name(db, interaction.guild.id)
        names = {m.id: m.display_name for m in interaction.guild.members}
        public = self.services.public(config)  # the file is the guild's, in its language
        table = answers(public, votes, profiles, offices, {t.id: t for t in themes}, names)
        counts = tally(votes, profiles, offices)
        files = await sheets.attachments(
            f"interest-{poll.id}", [table], sheets.Style.of(public, config.timezone)
        )
        await interaction.followup.send(
            tr("interest.exported", count=counts.voters)
            + "\n"
            + tr("sheet.formats", zone=config.timezone),
            files=files,
            ephemeral=True,
        )

    @interest.command(
        name="profile", description=_("Your office, in person or online, and volunteering")
    )
    async def profile(self, interaction: discord.Interaction) -> None:
        await self.profile_view.show(interaction)

    @results.autocomplete("theme")
    async def theme_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await choices.themes(
            self.services, interaction.guild_id, current, include_archived=False
        )


async def setup(bot: SipBot) -> None:
    await bot.add_cog(InterestCog(bot))
