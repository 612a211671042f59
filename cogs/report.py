"""`/report export`: the cycle (or one theme) for the board, as a Markdown file, its tables
(participation, accountability) as one .xlsx workbook and a .csv each, and the same
report with its pictures as a self-contained HTML file and a PDF, in the guild's language.

One message takes 10 files and 10 MiB (bot/kit/fit.py `attachable`): the Markdown and the
sheets go first; the HTML and the PDF, the heaviest, follow if they fit, and the reply
names the files attached and any left out.

The report's room (bot/report/, bot/kit/documents/) is imported by the command itself:
only an export needs it, and a start that imported it would keep half a megabyte of
resident memory for a command an organiser runs a few times a year."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.app_commands import locale_str as _

from bot.app import SipBot
from bot.kit import choices, fit, sheets
from bot.kit.checks import ORGANISERS, OrganiserCog
from bot.kit.i18n import Tr
from bot.kit.user_error import UserError
from storage import cycles, themes
from storage.models import Theme

if TYPE_CHECKING:
    from bot.kit import documents
    from bot.report.writing import Names
    from storage.report import ReportData


class ReportCog(OrganiserCog):
    report = app_commands.Group(
        name="report",
        description=_("Reports for the board"),
        default_permissions=ORGANISERS,
        guild_only=True,
    )

    def __init__(self, bot: SipBot) -> None:
        self.bot = bot
        self.services = bot.services

    @report.command(
        name="export",
        description=_(
            "The cycle as Markdown, HTML and PDF files, with participation and accountability tables"
        ),
    )
    @app_commands.describe(
        theme=_("Only this theme (default: the whole cycle)"),
        cycle=_("An earlier cycle, closed or not (default: the current one)"),
    )
    async def export(
        self, interaction: discord.Interaction, theme: str | None = None, cycle: str | None = None
    ) -> None:
        from bot.kit import documents  # the report's room: see the module's docstring
        from bot.report import files as report
        from storage import report as reports

        guild = interaction.guild
        assert guild is not None  # noqa: S101 - guild-only group
        config = await self.services.config(guild.id)
        tr = self.services.reader(interaction, config)
        chosen = await choices.cycle_asked(self.services, guild.id, cycle) if cycle else None
        if cycle and chosen is None:
            raise UserError("error.followup.cycle_unknown", value=cycle.lstrip("#"))
        async with self.services.db() as db:
            found = chosen or await cycles.open_cycle(db, guild.id)
            if found is None or found.id is None:
                raise UserError("error.cycle.none")
            cycle_row = found
            only = await themes.find(db, cycle_row.id, theme) if theme else None
            if theme and only is None:
                raise UserError("error.theme.unknown", value=theme.lstrip("#"))
            await interaction.response.defer(ephemeral=True, thinking=True)
            data = await reports.load(db, cycle_row, only.id if only else None)

        def name(member_id: int | None) -> str:
            if member_id is None:
                return "—"
            member = guild.get_member(member_id)
            return member.display_name if member is not None else str(member_id)

        now = self.services.clock.now()
        text = report.markdown(tr, data, name, config.timezone, now, only)
        public = self.services.public(config)  # the table is the guild's, in its language
        stem = f"sipbot-{cycle_row.name}" + (f"-theme-{only.id}" if only else "")
        # stem.xlsx (a sheet per table), stem-participation.csv, stem-accountability.csv
        tables = await sheets.attachments(
            stem, report.tables(public, data, now), sheets.Style.of(public, config.timezone)
        )
        opened = await self._document(public, config.language, data, name, config.timezone, only)
        markdown = discord.File(io.BytesIO(text.encode("utf-8")), filename=f"{stem}.md")
        files, left = fit.attachable(
            [markdown, *tables, *await documents.attachments(opened, stem)]
        )
        lines = [report.ready(tr, data), tr("sheet.formats", zone=config.timezone),
                 report.attached(tr, [f.filename for f in files], [f.filename for f in left])]  # fmt: skip
        await interaction.followup.send("\n".join(lines), files=files, ephemeral=True)

    async def _document(
        self,
        tr: Tr,
        language: str,
        data: ReportData,
        name: Names,
        zone: str,
        only: Theme | None,
    ) -> documents.Document:
        """The report with its pictures, in the guild's language (`tr`)."""
        from bot.report import files as report  # the report's room: see the module's docstring
        from bot.report import pictures
        from bot.report.document import document
        from bot.report.writing import Writer

        now = self.services.clock.now()
        drawn = await pictures.draw(tr, Writer(tr, data, name, ZoneInfo(zone), now))
        return document(tr, language, report.markdown(tr, data, name, zone, now, only), drawn)

    @export.autocomplete("theme")
    async def theme_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await choices.themes(self.services, interaction.guild_id, current)

    @export.autocomplete("cycle")
    async def cycle_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await choices.cycles(self.services, interaction.guild_id, current)


async def setup(bot: SipBot) -> None:
    await bot.add_cog(ReportCog(bot))
