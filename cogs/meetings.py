"""`/meeting`: meetings open to every member — schedule, list, reschedule, cancel,
attendees, report. Members register with the announcement's buttons (bot/meetings/views.py).

The group is visible to everyone: members list the meetings, and those who run one are
organisers or, for a theme's meeting, the facilitators of the theme's groups, which
Discord's default permissions cannot express; every command that changes a meeting
checks that at run time (bot/meetings/service.py `check_runner`).
"""

from __future__ import annotations

from datetime import timedelta

import discord
from discord import app_commands
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.app import SipBot
from bot.cycles import rules as calendar
from bot.kit import choices, sheets, ui
from bot.kit.checks import member_is_organiser
from bot.kit.dates import parse_future
from bot.kit.text import pack
from bot.kit.user_error import UserError
from bot.meetings import files, posts, rules, views
from bot.meetings.forms import ReportModal
from bot.meetings.jobs import MeetingJobs
from bot.meetings.service import (
    MeetingService,
    check_runner,
    find_meeting,
    find_theme,
    scheduled_text,
)
from bot.sessions import rules as session_rules
from storage import meetings as store
from storage.models import GuildConfig, Meeting

KIND_CHOICES = [
    app_commands.Choice(name="Open meeting", value="open_meeting"),
    app_commands.Choice(name="Webinar", value="webinar"),
    app_commands.Choice(name="Presentation of recommendations", value="presentation"),
]
Minutes = app_commands.Range[int, 1, session_rules.MAX_MINUTES]


class MeetingCog(commands.Cog):
    meeting = app_commands.Group(
        name="meeting", description=_("Meetings and webinars open to every member"), guild_only=True
    )

    def __init__(self, bot: SipBot) -> None:
        self.bot = bot
        self.services = bot.services
        self.jobs = MeetingJobs(bot, lambda meeting_id: views.refresh_cards(bot, meeting_id))
        self.meetings = MeetingService(bot)

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(views.RegisterButton)
        self.jobs.register()

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(views.RegisterButton)

    # ------------------------------------------------------------ schedule
    @meeting.command(name="schedule", description=_("Announce a meeting members register for"))
    @app_commands.describe(
        title=_("What the meeting is called"),
        start=_("Start: 2021-04-01 18:00 or 01/04/2021 18h00"),
        duration=_("Length in minutes (default 120)"),
        theme=_("The theme it is about (its facilitators may then run it)"),
        kind=_("Open meeting, webinar, or presentation of recommendations"),
        place=_("Where, for those who come in person"),
        visio_url=_("Video call link (http or https)"),
        voice=_("A voice channel of this server"),
        capacity=_("Seats in person (a waitlist beyond); default: no limit"),
        speaker=_("Who speaks or facilitates"),
        description=_("What it is about (up to 1000 characters)"),
    )
    @app_commands.choices(kind=KIND_CHOICES)
    async def schedule(
        self,
        interaction: discord.Interaction,
        title: str,
        start: str,
        duration: Minutes | None = None,
        theme: str | None = None,
        kind: str = "open_meeting",
        place: str | None = None,
        visio_url: str | None = None,
        voice: discord.VoiceChannel | None = None,
        capacity: app_commands.Range[int, 1, rules.MAX_CAPACITY] | None = None,
        speaker: str | None = None,
        description: str | None = None,
    ) -> None:
        assert interaction.guild is not None  # noqa: S101 - guild_only
        guild = interaction.guild
        config = await self.services.config(guild.id)
        tr = self.services.reader(interaction, config)
        found = await find_theme(self.bot, guild.id, theme) if theme else None
        await check_runner(self.bot, interaction, config, found.id if found else None)
        now = self.services.clock.now()
        where = session_rules.check_place(place)
        link = rules.check_url(visio_url)
        rules.check_where(where, link is not None or voice is not None, capacity)
        row = Meeting(
            guild_id=guild.id, theme_id=found.id if found else None, title=rules.check_title(title),
            kind=rules.check_kind(kind), starts_at=parse_future(start, config.timezone, now).at,
            minutes=duration or rules.DEFAULT_MINUTES, place=where, visio_url=link,
            voice_channel_id=voice.id if voice else None, capacity=capacity,
            speaker=rules.check_speaker(speaker), description=rules.check_description(description),
            created_by=interaction.user.id, created_at=now, updated_at=now,
        )  # fmt: skip
        channel = guild.get_channel(config.announcements_channel_id or 0)
        if not isinstance(channel, discord.TextChannel):
            raise UserError("error.meeting.no_channel")
        allowed = channel.permissions_for(guild.me)
        if not (allowed.send_messages and allowed.embed_links):
            raise UserError("error.meeting.cannot_post", channel=channel.mention)
        await interaction.response.defer(ephemeral=True, thinking=True)
        change = await self.meetings.schedule(config, row, found, channel)
        await ui.reply(interaction, scheduled_text(tr, change))

    # ------------------------------------------------------------ list
    @meeting.command(name="list", description=_("Upcoming meetings, with the seats left"))
    async def list_(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None  # noqa: S101
        config = await self.services.config(interaction.guild_id)
        tr = self.services.reader(interaction, config)
        organiser = isinstance(interaction.user, discord.Member) and member_is_organiser(
            interaction.user, config, interaction.permissions
        )
        async with self.services.db() as db:
            found = await store.upcoming(db, interaction.guild_id, self.services.clock.now())
            counts = await store.counts(db, [m.id for m in found])
            mine = await store.mine(db, interaction.user.id, [m.id for m in found])
        if not found:
            await ui.reply(interaction, tr("meeting.list.empty"))
            return
        lines = []
        for meeting in found:
            line = tr("meeting.list.line", kind=posts.kind_label(tr, meeting), title=meeting.title,
                      when=ui.timestamp(meeting.starts_at), places=posts.places(tr, meeting, counts[meeting.id]).replace("\n", " · "))  # fmt: skip
            registration = mine.get(meeting.id)
            if registration is not None and registration.state in rules.ACTIVE:
                line += "\n" + tr(f"meeting.list.you.{registration.state}.{registration.mode}")
            if organiser:
                line += "\n" + tr("meeting.list.organiser", count=counts[meeting.id].registered,
                                  closed=counts[meeting.id].closed_dms)  # fmt: skip
            lines.append(line)
        blocks = pack(lines, 4000, sep="\n\n")
        await ui.reply(interaction, embed=ui.embed(tr("meeting.list.title"), blocks[0]))

    # ------------------------------------------------------------ changes
    async def _runnable(
        self, interaction: discord.Interaction, value: str
    ) -> tuple[GuildConfig, Meeting]:
        """The meeting named, for someone who may run it."""
        assert interaction.guild_id is not None  # noqa: S101
        config = await self.services.config(interaction.guild_id)
        found = await find_meeting(self.bot, interaction.guild_id, value)
        await check_runner(self.bot, interaction, config, found.theme_id)
        return config, found

    @meeting.command(name="reschedule", description=_("Move a meeting; registrants are told"))
    @app_commands.describe(
        meeting=_("The meeting to move"),
        start=_("New start: 2021-04-01 18:00 or 01/04/2021 18h00"),
        duration=_("New length in minutes (default: unchanged)"),
    )
    async def reschedule(
        self,
        interaction: discord.Interaction,
        meeting: str,
        start: str,
        duration: Minutes | None = None,
    ) -> None:
        config, found = await self._runnable(interaction, meeting)
        tr = self.services.reader(interaction, config)
        if found.status != "scheduled":
            raise UserError("error.meeting.not_scheduled", title=found.title)
        starts_at = parse_future(start, config.timezone, self.services.clock.now()).at
        await interaction.response.defer(ephemeral=True, thinking=True)
        change = await self.meetings.reschedule(
            config, found, starts_at, duration or found.minutes, interaction.user.id
        )
        await ui.reply(interaction, tr("meeting.moved", title=found.title,
                                       when=ui.timestamp(starts_at), count=change.told))  # fmt: skip

    @meeting.command(name="cancel", description=_("Cancel a meeting; registrants are told"))
    @app_commands.describe(meeting=_("The meeting to cancel"))
    async def cancel(self, interaction: discord.Interaction, meeting: str) -> None:
        config, found = await self._runnable(interaction, meeting)
        tr = self.services.reader(interaction, config)
        if found.status != "scheduled":
            raise UserError("error.meeting.not_scheduled", title=found.title)
        await interaction.response.defer(ephemeral=True, thinking=True)
        change = await self.meetings.cancel(found, interaction.user.id)
        await ui.reply(interaction, tr("meeting.cancelled", title=found.title, count=change.told))

    @meeting.command(
        name="attendees", description=_("Who registered, as a spreadsheet (.xlsx and .csv)")
    )
    @app_commands.describe(meeting=_("The meeting"))
    async def attendees(self, interaction: discord.Interaction, meeting: str) -> None:
        config, found = await self._runnable(interaction, meeting)
        tr = self.services.reader(interaction, config)
        await interaction.response.defer(ephemeral=True, thinking=True)
        async with self.services.db() as db:
            rows = await store.registrations(db, found.id)
            counts = (await store.counts(db, [found.id]))[found.id]
        public = self.services.public(config)  # the file is the server's, in its language
        table = files.attendees(public, found, rows)
        made = await sheets.attachments(
            f"meeting-{found.id}-attendees", [table], sheets.Style.of(public, config.timezone)
        )
        summary = tr("meeting.attendees.summary", title=found.title, seated=counts.seated,
                     waitlisted=counts.waitlisted, online=counts.online, closed=counts.closed_dms)  # fmt: skip
        await interaction.followup.send(
            summary + "\n" + tr("sheet.formats", zone=config.timezone), files=made, ephemeral=True
        )

    @meeting.command(name="report", description=_("After the meeting: its summary and recording"))
    @app_commands.describe(meeting=_("The meeting held"))
    async def report(self, interaction: discord.Interaction, meeting: str) -> None:
        config, found = await self._runnable(interaction, meeting)
        tr = self.services.reader(interaction, config)
        if found.status == "cancelled":
            raise UserError("error.meeting.not_scheduled", title=found.title)
        if found.starts_at > self.services.clock.now():
            raise UserError("error.meeting.report_early", title=found.title)
        await interaction.response.send_modal(ReportModal(self.bot, found, tr, interaction.user.id))

    # ------------------------------------------------------------ autocomplete
    @schedule.autocomplete("theme")
    async def theme_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await choices.themes(
            self.services, interaction.guild_id, current, include_archived=False
        )

    @reschedule.autocomplete("meeting")
    @cancel.autocomplete("meeting")
    @attendees.autocomplete("meeting")
    @report.autocomplete("meeting")
    async def meeting_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        config = await self.services.config(interaction.guild_id)
        zone = calendar.ZoneInfo(config.timezone)
        since = self.services.clock.now() - timedelta(days=60)
        async with self.services.db() as db:
            found = await store.of_guild(db, interaction.guild_id, since)
        needle = current.strip().casefold()
        return [
            app_commands.Choice(
                name=f"{m.title} · {m.starts_at.astimezone(zone):%d/%m/%Y %H:%M}"[:100],
                value=f"#{m.id}",
            )
            for m in found
            if needle in m.title.casefold()
        ][:25]


async def setup(bot: SipBot) -> None:
    await bot.add_cog(MeetingCog(bot))
