"""`/assembly`: the general assembly's vote on next cycle's themes.

Results are hidden until the vote closes: before that, organisers see how many ballots
were cast and members see nothing; nobody ever sees who chose what.
"""

from __future__ import annotations

import json
import logging

import discord
from discord import app_commands
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.app import SipBot
from bot.assembly import ballot, jobs, rules
from bot.assembly.jobs import VoteCloser
from bot.assembly.views import BallotButton, BallotSelect, results_cards, vote_card, vote_view
from bot.kit import ui
from bot.kit.checks import member_is_organiser, organiser_only
from bot.kit.dates import parse_future
from bot.kit.user_error import UserError
from storage import assembly as store
from storage import setup as setup_store
from storage.models import AssemblyVote

log = logging.getLogger(__name__)
METHOD_CHOICES = [
    app_commands.Choice(name="Approval (any number of options)", value=rules.APPROVAL),
    app_commands.Choice(name="Ranked (Borda count)", value=rules.RANKED),
]
SOURCE_CHOICES = [
    app_commands.Choice(name="The shortlisted proposals", value=ballot.SHORTLIST),
    app_commands.Choice(
        name="The shortlisted proposals and the themes to prolong", value=ballot.WITH_THEMES
    ),
]


class AssemblyCog(commands.Cog):
    assembly = app_commands.Group(
        name="assembly", description=_("The general assembly's vote"), guild_only=True
    )

    def __init__(self, bot: SipBot) -> None:
        self.bot = bot
        self.services = bot.services
        self.closer = VoteCloser(bot)

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(BallotSelect, BallotButton)
        self.services.work.register(jobs.KIND, self.closer.handle)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(BallotSelect, BallotButton)

    @assembly.command(name="open", description=_("Open a vote in the announcements channel"))
    @app_commands.describe(
        title=_("What is voted, e.g. Themes of the 2021-2022 cycle"),
        deadline=_("When the vote closes: 2021-06-12 18:00 or 12/06/2021 18h00"),
        options=_("The options, separated by ; (or by , when no option has a comma)"),
        method=_("Approval (any number of options, default) or ranked (Borda count)"),
        source=_("Options from the cycle: the shortlisted proposals (and the themes to prolong)"),
    )
    @app_commands.choices(method=METHOD_CHOICES, source=SOURCE_CHOICES)
    @organiser_only()
    async def open(
        self,
        interaction: discord.Interaction,
        title: str,
        deadline: str,
        options: str | None = None,
        method: str = rules.APPROVAL,
        source: str | None = None,
    ) -> None:
        assert interaction.guild is not None  # noqa: S101
        config = await self.services.config(interaction.guild.id)
        tr = self.services.reader(interaction, config)
        now = self.services.clock.now()
        public = self.services.public(config)
        if source is None and not rules.split_options(options):
            raise UserError("error.assembly.options.none")
        sourced = await ballot.from_cycle(self.services, interaction.guild.id, source,
                                          public) if source else []  # fmt: skip
        chosen = ballot.ballot(sourced, options)
        vote = AssemblyVote(
            guild_id=interaction.guild.id, title=rules.check_title(title),
            options=json.dumps([o.label for o in chosen], ensure_ascii=False),
            method=rules.check_method(method), deadline=parse_future(deadline, config.timezone, now).at,
            channel_id=0, created_by=interaction.user.id, created_at=now,
        )  # fmt: skip
        channel = interaction.guild.get_channel(config.announcements_channel_id or 0)
        if not isinstance(channel, discord.TextChannel):
            raise UserError("error.assembly.no_channel")
        vote.channel_id = channel.id
        await interaction.response.defer(ephemeral=True, thinking=True)
        async with self.services.db() as db, db.begin():
            await store.create_vote(db, vote)
            await store.set_sources(db, vote.id, [(o.proposal_id, o.theme_id) for o in chosen])
            await jobs.plan_closing(self.services.work, db, vote)
        links = {i: o.link for i, o in enumerate(chosen) if o.link}
        try:
            message = await channel.send(
                embed=vote_card(public, vote, links=links), view=vote_view(public, vote)
            )
        except discord.HTTPException:
            async with self.services.db() as db, db.begin():
                await store.delete_vote(db, vote.id, jobs.key(vote.id))
            raise
        async with self.services.db() as db, db.begin():
            await store.set_message(db, vote.id, message.id)
            await setup_store.audit(
                db, interaction.guild.id, interaction.user.id, "assembly.open", now,
                vote=vote.id, title=vote.title, method=vote.method, source=source or "typed",
            )  # fmt: skip
        await ui.reply(
            interaction,
            tr("assembly.opened", channel=channel.mention, deadline=ui.timestamp(vote.deadline)),
        )
        self.services.work.poke()

    @assembly.command(name="close", description=_("Close a vote now and post its results"))
    @app_commands.describe(vote=_("The vote to close"))
    @organiser_only()
    async def close(self, interaction: discord.Interaction, vote: str) -> None:
        assert interaction.guild_id is not None  # noqa: S101
        config = await self.services.config(interaction.guild_id)
        tr = self.services.reader(interaction, config)
        found = await self._find(interaction.guild_id, vote)
        if found.status != "open":
            raise UserError("error.assembly.already_closed", title=found.title)
        await interaction.response.defer(ephemeral=True, thinking=True)
        outcome = await self.services.work.run_now(jobs.key(found.id))
        if outcome is None:
            # Discord failed just now (the vote is closed, its results come with the retry),
            # or another process closed it meanwhile
            if not await jobs.closing_retried(self.services, found.id):
                raise UserError("error.assembly.already_closed", title=found.title)
            await ui.reply(interaction, tr("assembly.close_later", title=found.title))
            return
        async with self.services.db() as db, db.begin():
            await setup_store.audit(
                db, interaction.guild_id, interaction.user.id, "assembly.close",
                self.services.clock.now(), vote=found.id,
            )  # fmt: skip
        await ui.reply(interaction, tr("assembly.closed", title=found.title))

    @assembly.command(name="results", description=_("The results of a vote, once it is closed"))
    @app_commands.describe(vote=_("The vote"))
    async def results(self, interaction: discord.Interaction, vote: str) -> None:
        assert interaction.guild_id is not None  # noqa: S101
        config = await self.services.config(interaction.guild_id)
        tr = self.services.reader(interaction, config)
        found = await self._find(interaction.guild_id, vote)
        if found.status == "open":
            deadline = ui.timestamp(found.deadline)
            organiser = isinstance(interaction.user, discord.Member) and member_is_organiser(
                interaction.user, config, interaction.permissions
            )
            if not organiser:
                raise UserError("error.assembly.hidden", deadline=deadline)
            async with self.services.db() as db:
                cast = await store.count_ballots(db, found.id)
            await ui.reply(
                interaction, tr("assembly.results.so_far", count=cast, deadline=deadline)
            )
            return
        cards = results_cards(tr, found, await self.closer.result(found))
        await interaction.response.send_message(embeds=cards, ephemeral=True)

    async def _find(self, guild_id: int, text: str) -> AssemblyVote:
        """A vote named "#<id>" (what autocomplete gives) or by its title (the newest)."""
        wanted = text.strip()
        async with self.services.db() as db:
            votes = await store.votes_of(db, guild_id)
        for vote in votes:
            if f"#{vote.id}" == wanted or vote.title.casefold() == wanted.casefold():
                return vote
        raise UserError("error.assembly.unknown", value=wanted.lstrip("#"))

    @close.autocomplete("vote")
    @results.autocomplete("vote")
    async def vote_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        config = await self.services.config(interaction.guild_id)
        tr = self.services.reader(interaction, config)
        needle = current.strip().casefold()
        async with self.services.db() as db:
            votes = await store.votes_of(db, interaction.guild_id)
        return [
            app_commands.Choice(
                name=f"{v.title} — {tr(f'assembly.status.{v.status}')}"[:100], value=f"#{v.id}"
            )
            for v in votes
            if needle in v.title.casefold()
        ][:25]


async def setup(bot: SipBot) -> None:
    await bot.add_cog(AssemblyCog(bot))
