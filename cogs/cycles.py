"""`/cycle`: create a cycle from the template, show its calendar, move a phase, close it."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.app import SipBot
from bot.cycles import rules as calendar
from bot.cycles.jobs import KIND, PhaseAnnouncer
from bot.cycles.posts import calendar_card, calendar_picture
from bot.cycles.succession import CycleSuccession, summary
from bot.kit import charts, ui
from bot.kit.checks import ensure_organiser, organiser_only
from bot.kit.dates import parse_moment
from bot.kit.i18n import Tr
from bot.kit.text import pack
from bot.kit.user_error import UserError
from config.data import cycle_template
from storage import assembly as vote_store
from storage import cycles
from storage import setup as setup_store

PHASE_CHOICES = [
    app_commands.Choice(name="Preparation", value="preparation"),
    app_commands.Choice(name="Appropriation of the themes", value="appropriation"),
    app_commands.Choice(name="Emergence of ideas", value="emergence"),
    app_commands.Choice(name="Expert input", value="expertise"),
    app_commands.Choice(name="Formulating recommendations", value="formulation"),
    app_commands.Choice(name="Experiments", value="experiments"),
    app_commands.Choice(name="Proposing the next step", value="next_step"),
]


class CloseConfirm(discord.ui.View):
    """Closing is final: ask once, for the person who asked only."""

    def __init__(self, cog: CycleCog, cycle_id: int, user_id: int, tr: Tr) -> None:
        super().__init__(timeout=120)
        self.cog, self.cycle_id, self.user_id = cog, cycle_id, user_id
        self.confirm.label = tr("cycle.close.confirm")
        self.cancel.label = tr("cycle.close.cancel")

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return interaction.user.id == self.user_id

    @discord.ui.button(style=discord.ButtonStyle.danger, custom_id="sip:cycle:close:yes")
    async def confirm(
        self, interaction: discord.Interaction, _button: discord.ui.Button[CloseConfirm]
    ) -> None:
        await self.cog.close_confirmed(interaction, self.cycle_id)
        self.stop()

    @discord.ui.button(style=discord.ButtonStyle.secondary, custom_id="sip:cycle:close:no")
    async def cancel(
        self, interaction: discord.Interaction, _button: discord.ui.Button[CloseConfirm]
    ) -> None:
        config = await self.cog.services.config(interaction.guild_id or 0)
        await interaction.response.edit_message(
            content=self.cog.services.reader(interaction, config)("cycle.close.cancelled"),
            view=None,
        )
        self.stop()


class CycleCog(commands.Cog):
    cycle = app_commands.Group(
        name="cycle", description=_("The yearly cycle and its calendar"), guild_only=True
    )

    def __init__(self, bot: SipBot) -> None:
        self.bot = bot
        self.services = bot.services
        self.announcer = PhaseAnnouncer(bot)
        self.succession = CycleSuccession(bot)

    async def cog_load(self) -> None:
        self.services.work.register(KIND, self.announcer.handle)

    @cycle.command(name="create", description=_("Create the cycle from the default calendar"))
    @app_commands.describe(
        name=_("Name of the cycle, e.g. 2020-2021"),
        first_year=_(
            "Year the cycle starts in (default: from the name, else this cooperative year)"
        ),
        from_vote=_("A closed assembly vote: its winners become the themes (closes this cycle)"),
        themes=_("How many themes the vote gives (default: as many as the cycle it closes)"),
    )
    @organiser_only()
    async def create(
        self,
        interaction: discord.Interaction,
        name: str,
        first_year: app_commands.Range[int, 2000, 2100] | None = None,
        from_vote: str | None = None,
        themes: app_commands.Range[int, 1, 19] | None = None,  # one default emoji each
    ) -> None:
        assert interaction.guild_id is not None  # noqa: S101 - guild-only group
        config = await self.services.config(interaction.guild_id)
        tr = self.services.reader(interaction, config)
        now = self.services.clock.now()
        name = calendar.clean_name(name)
        year = calendar.first_year_for(name, first_year, now, config.timezone)
        if from_vote is not None:
            await self._create_from_vote(interaction, name, year, from_vote, themes)
            return
        if themes is not None:
            raise UserError("error.cycle.themes_without_vote")
        planned = calendar.plan(cycle_template(), year, config.timezone)
        async with self.services.db() as db, db.begin():
            existing = await cycles.open_cycle(db, interaction.guild_id)
            if existing is not None:
                raise UserError("error.cycle.open_exists", name=existing.name)
            if await cycles.cycle_named(db, interaction.guild_id, name) is not None:
                raise UserError("error.cycle.name_taken", name=name)
            try:
                cycle = await cycles.create_cycle(
                    db,
                    interaction.guild_id,
                    name,
                    year,
                    [(p.key, p.position, p.starts_at, p.ends_at) for p in planned],
                    now,
                    interaction.user.id,
                )
            except cycles.CycleConflict as exc:
                raise UserError("error.cycle.name_taken", name=name) from exc
            await setup_store.audit(
                db,
                interaction.guild_id,
                interaction.user.id,
                "cycle.create",
                now,
                name=name,
                first_year=year,
            )
            phases = await cycles.phases_of(db, cycle.id)
        self.services.work.poke()  # the phases' announcements are planned
        await ui.reply(
            interaction, tr("cycle.created", name=name), embed=calendar_card(tr, cycle, phases, now)
        )

    async def _create_from_vote(
        self, interaction: discord.Interaction, name: str, year: int, vote: str, seats: int | None
    ) -> None:
        assert interaction.guild_id is not None  # noqa: S101
        config = await self.services.config(interaction.guild_id)
        tr = self.services.reader(interaction, config)
        done = await self.succession.create(interaction, config, name, year, vote, seats)
        card = calendar_card(tr, done.cycle, done.phases, self.services.clock.now())
        for index, block in enumerate(pack(summary(tr, done), 2000)):
            await ui.reply(interaction, block, embed=card if index == 0 else None)

    @create.autocomplete("from_vote")
    async def closed_votes(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        needle = current.strip().casefold()
        async with self.services.db() as db:
            votes = await vote_store.closed_votes(db, interaction.guild_id)
        return [
            app_commands.Choice(name=vote.title[:100], value=f"#{vote.id}")
            for vote in votes
            if needle in vote.title.casefold()
        ][:25]

    @cycle.command(name="calendar", description=_("Show the phases of the cycle"))
    async def calendar_(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None  # noqa: S101
        config = await self.services.config(interaction.guild_id)
        tr = self.services.reader(interaction, config)
        async with self.services.db() as db:
            cycle = await cycles.open_cycle(db, interaction.guild_id)
            if cycle is None or cycle.id is None:
                raise UserError("error.cycle.none")
            phases = await cycles.phases_of(db, cycle.id)
        now = self.services.clock.now()
        await interaction.response.defer(ephemeral=True, thinking=True)
        picture = await charts.draw(calendar_picture(tr, cycle, phases, now, config.timezone))
        await ui.reply(
            interaction,
            embed=calendar_card(tr, cycle, phases, now),
            files=charts.attachments(picture),
        )

    @cycle.command(name="phase", description=_("Change the dates of one phase"))
    @app_commands.describe(
        phase=_("The phase to move"),
        start=_("New start: 2021-01-20, 20/01/2021 or 20/01/2021 18h00"),
        end=_("New end: 2021-02-20, 20/02/2021 or 20/02/2021 23h00"),
    )
    @app_commands.choices(phase=PHASE_CHOICES)
    @organiser_only()
    async def phase(
        self, interaction: discord.Interaction, phase: str, start: str, end: str
    ) -> None:
        assert interaction.guild_id is not None  # noqa: S101
        config = await self.services.config(interaction.guild_id)
        tr = self.services.reader(interaction, config)
        now = self.services.clock.now()
        starts_at = parse_moment(start, config.timezone, calendar.PHASE_START, now=now).at
        ends_at = parse_moment(end, config.timezone, calendar.PHASE_END, now=now).at
        async with self.services.db() as db, db.begin():
            cycle = await cycles.open_cycle(db, interaction.guild_id)
            if cycle is None or cycle.id is None:
                raise UserError("error.cycle.none")
            current = await cycles.phase(db, cycle.id, phase)
            if current is None or current.id is None:
                raise UserError("error.phase.unknown", value=phase)
            calendar.check_phase_dates(
                starts_at, ends_at, cycle.first_year, config.timezone, now, current.starts_at
            )
            await cycles.move_phase(db, current.id, starts_at, ends_at)
            await setup_store.audit(
                db, interaction.guild_id, interaction.user.id, "cycle.phase", now,
                phase=phase, starts_at=starts_at.isoformat(), ends_at=ends_at.isoformat(),
            )  # fmt: skip
        self.services.work.poke()  # its announcement may have moved
        await ui.reply(
            interaction,
            tr(
                "cycle.phase.moved",
                phase=tr(f"phase.{phase}.name"),
                start=ui.timestamp(starts_at),
                end=ui.timestamp(ends_at),
            ),
        )

    @cycle.command(name="close", description=_("Close the cycle (archived, no more announcements)"))
    @organiser_only()
    async def close(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None  # noqa: S101
        config = await self.services.config(interaction.guild_id)
        tr = self.services.reader(interaction, config)
        async with self.services.db() as db:
            cycle = await cycles.open_cycle(db, interaction.guild_id)
        if cycle is None or cycle.id is None:
            raise UserError("error.cycle.none")
        view = CloseConfirm(self, cycle.id, interaction.user.id, tr)
        await interaction.response.send_message(
            tr("cycle.close.ask", name=cycle.name), view=view, ephemeral=True
        )

    async def close_confirmed(self, interaction: discord.Interaction, cycle_id: int) -> None:
        assert interaction.guild_id is not None  # noqa: S101
        await ensure_organiser(interaction)
        config = await self.services.config(interaction.guild_id)
        tr = self.services.reader(interaction, config)
        now = self.services.clock.now()
        async with self.services.db() as db, db.begin():
            cycle = await cycles.open_cycle(db, interaction.guild_id)
            if cycle is None or cycle.id != cycle_id:
                raise UserError("error.cycle.none")
            await cycles.close_cycle(db, cycle_id, now)
            await setup_store.audit(
                db,
                interaction.guild_id,
                interaction.user.id,
                "cycle.close",
                now,
                name=cycle.name,
            )
        self.services.work.poke()  # its announcements are cancelled
        self.bot.dispatch("cycle_closed", cycle_id)
        await interaction.response.edit_message(
            content=tr("cycle.closed", name=cycle.name), view=None
        )


async def setup(bot: SipBot) -> None:
    await bot.add_cog(CycleCog(bot))
