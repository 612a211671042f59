"""`/session`: schedule, list, reschedule, cancel, minutes and calendar files."""

from __future__ import annotations

import io
from datetime import timedelta

import discord
from discord import app_commands
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.app import SipBot
from bot.cycles import rules as calendar
from bot.kit import reactions, ui
from bot.kit.access import check_manager, managed_group_here
from bot.kit.checkup import Finding
from bot.kit.dates import parse_future
from bot.kit.i18n import Tr
from bot.kit.user_error import UserError
from bot.sessions import calendar as session_calendar
from bot.sessions import polls as time_polls
from bot.sessions import posts, rules
from bot.sessions import voice as voice_rights
from bot.sessions.files import build_calendar
from bot.sessions.jobs import SessionJobs
from bot.sessions.minutes import MinutesModal
from bot.sessions.service import SessionService, scheduled_text
from storage import groups as group_store
from storage import meetings as meeting_store
from storage import sessions as store
from storage.models import GroupSession, GuildConfig, Theme, TimePoll, WorkGroup


class SessionCog(commands.Cog):
    session = app_commands.Group(
        name="session", description=_("Your group's three-hour sessions"), guild_only=True
    )

    def __init__(self, bot: SipBot) -> None:
        self.bot = bot
        self.services = bot.services
        self.jobs = SessionJobs(bot)
        self.sessions = SessionService(bot)
        self.time_polls = time_polls.TimePolls(bot)
        self.poll_closing = time_polls.TimePollClosing(bot, self.time_polls)
        self.reconciler = reactions.Reconciler(bot, self.time_polls, "time-poll-reconcile")

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(posts.RsvpButton, time_polls.ScheduleWinner)
        await self.reconciler.start()
        self.jobs.register()
        self.services.work.register(time_polls.KIND, self.poll_closing.handle)
        self.services.checkup.register("sessions", self._checkup)

    async def cog_unload(self) -> None:
        await self.reconciler.stop()
        self.services.checkup.unregister("sessions")

    @property
    def reconciled(self) -> bool:
        return self.reconciler.reconciled

    async def _checkup(self, guild: discord.Guild, config: GuildConfig) -> list[Finding]:
        now = self.services.clock.now()
        async with self.services.db() as db:
            found = await store.voice_sessions(
                db, guild.id, now - timedelta(minutes=rules.MAX_MINUTES)
            )
        return voice_rights.checkup(guild, found, now)

    # ------------------------------------------------------------ time poll
    @session.command(name="poll", description=_("Let the group vote on up to 10 slots"))
    @app_commands.describe(
        slots=_("Candidate starts separated by ;  e.g. 12/01/2027 18h00; 14/01/2027 09h30"),
        deadline=_("When the vote closes (default: a day before the first slot)"),
        duration=_("Length in minutes (default: the server's, 180)"),
    )
    async def poll(
        self,
        interaction: discord.Interaction,
        slots: str,
        deadline: str | None = None,
        duration: app_commands.Range[int, 1, rules.MAX_MINUTES] | None = None,
    ) -> None:
        config, tr, group = await managed_group_here(self.services, interaction)
        now = self.services.clock.now()
        starts = rules.parse_slots(slots, config.timezone, now)
        closes = (
            parse_future(deadline, config.timezone, now).at
            if deadline
            else rules.default_poll_deadline(starts, now)
        )
        if closes >= starts[0]:
            raise UserError("error.timepoll.deadline_after_slot")
        minutes = rules.check_minutes(duration if duration is not None else config.session_minutes)
        poll = TimePoll(
            guild_id=group.guild_id, group_id=group.id, channel_id=group.channel_id or 0, deadline=closes,
            minutes=minutes, created_by=interaction.user.id, created_at=now,
        )  # fmt: skip
        await interaction.response.defer(ephemeral=True, thinking=True)
        channel = self.bot.get_partial_messageable(group.channel_id or 0, guild_id=group.guild_id)
        await self.time_polls.open(channel, self.services.public(config), group, poll, starts)
        await ui.reply(
            interaction, tr("timepoll.opened", count=len(starts), deadline=ui.timestamp(closes))
        )

    # ------------------------------------------------------------ minutes
    @session.command(name="minutes", description=_("Write the minutes of a session"))
    @app_commands.describe(session=_("The session held"))
    async def minutes(self, interaction: discord.Interaction, session: str) -> None:
        _config, tr, group, row = await self._session(interaction, session)
        if row.status == "cancelled":
            raise UserError("error.session.not_scheduled", number=row.number)
        if row.starts_at > self.services.clock.now():
            raise UserError("error.minutes.too_early", number=row.number)
        async with self.services.db() as db:
            previous = await store.minutes_of(db, row.id)
        await interaction.response.send_modal(
            MinutesModal(self.bot, row, group, tr, previous, interaction.user.id)
        )

    # ------------------------------------------------------------ context
    async def _session(
        self, interaction: discord.Interaction, value: str
    ) -> tuple[GuildConfig, Tr, WorkGroup, GroupSession]:
        assert interaction.guild_id is not None  # noqa: S101
        config = await self.services.config(interaction.guild_id)
        tr = self.services.reader(interaction, config)
        text = value.strip().lstrip("#")
        async with self.services.db() as db:
            found = await store.get(db, int(text)) if text.isdigit() else None
            group = await db.get(WorkGroup, found.group_id) if found is not None else None
        if found is None or group is None or found.guild_id != interaction.guild_id:
            raise UserError("error.session.unknown", value=value)
        check_manager(interaction, config, group)
        return config, tr, group, found

    # ------------------------------------------------------------ schedule
    @session.command(name="schedule", description=_("Schedule a session of this group"))
    @app_commands.describe(
        start=_("Start: 2021-01-12 18:00 or 12/01/2021 18h00"),
        duration=_("Length in minutes (default: the server's, 180)"),
        place=_("Where, for an in-person session"),
        visio_url=_("Video call link (http or https)"),
        voice=_("A voice channel of this server"),
    )
    async def schedule(
        self,
        interaction: discord.Interaction,
        start: str,
        duration: app_commands.Range[int, 1, rules.MAX_MINUTES] | None = None,
        place: str | None = None,
        visio_url: str | None = None,
        voice: discord.VoiceChannel | None = None,
    ) -> None:
        config, tr, group = await managed_group_here(self.services, interaction)
        if voice is not None and interaction.guild is not None:
            lacking = voice_rights.missing(voice, interaction.guild.me)
            if lacking:
                raise UserError(
                    "error.session.voice_perms",
                    channel=voice.mention,
                    permissions=[tr(f"permname.{name}") for name in lacking],
                )
        now = self.services.clock.now()
        row = GroupSession(
            guild_id=group.guild_id, group_id=group.id, number=0,
            starts_at=parse_future(start, config.timezone, now).at,
            minutes=rules.check_minutes(duration if duration is not None else config.session_minutes),
            place=rules.check_place(place), visio_url=rules.check_visio(visio_url),
            voice_channel_id=voice.id if voice is not None else None,
            channel_id=group.channel_id, created_by=interaction.user.id, created_at=now, updated_at=now,
        )  # fmt: skip
        await interaction.response.defer(ephemeral=True, thinking=True)
        change = await self.sessions.schedule(config, group, row)
        await ui.reply(interaction, scheduled_text(tr, change))

    # ------------------------------------------------------------ list
    @session.command(name="list", description=_("Sessions of this group, or of your groups"))
    async def list_(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None and interaction.channel_id is not None  # noqa: S101
        config = await self.services.config(interaction.guild_id)
        tr = self.services.reader(interaction, config)
        async with self.services.db() as db:
            here = await group_store.by_channel(db, interaction.channel_id)
            groups = (
                [here]
                if here is not None
                else await group_store.member_groups_in_guild(
                    db, interaction.guild_id, interaction.user.id
                )
            )
            by_id = {g.id: g for g in groups if g.id is not None}
            rows = await store.sessions_of(db, list(by_id))
            counts = {r.id: await store.rsvp_counts(db, r.id) for r in rows}
        if not rows:
            await ui.reply(interaction, tr("session.list.empty"))
            return
        lines = [
            tr("session.list.line", group=by_id[r.group_id].name, number=r.number, when=ui.timestamp(r.starts_at),
               status=tr(f"session.status.{r.status}"), yes=counts[r.id].get("in_person", 0) + counts[r.id].get("online", 0))
            for r in rows
        ]  # fmt: skip
        await ui.reply(
            interaction, embed=ui.embed(tr("session.list.title"), "\n".join(lines)[:4096])
        )

    # ------------------------------------------------------------ reschedule and cancel
    @session.command(name="reschedule", description=_("Move a session; members are told"))
    @app_commands.describe(
        session=_("The session to move"), start=_("New start: 2021-01-12 18:00 or 12/01/2021 18h00")
    )
    async def reschedule(self, interaction: discord.Interaction, session: str, start: str) -> None:
        config, tr, group, row = await self._session(interaction, session)
        if row.status != "scheduled":
            raise UserError("error.session.not_scheduled", number=row.number)
        now = self.services.clock.now()
        starts_at = parse_future(start, config.timezone, now).at
        await interaction.response.defer(ephemeral=True, thinking=True)
        change = await self.sessions.reschedule(config, group, row, starts_at, interaction.user.id)
        when = ui.timestamp(change.session.starts_at)
        await ui.reply(interaction, tr("session.moved", number=change.session.number, when=when))

    @session.command(name="cancel", description=_("Cancel a session; members are told"))
    @app_commands.describe(session=_("The session to cancel"))
    async def cancel(self, interaction: discord.Interaction, session: str) -> None:
        config, tr, group, row = await self._session(interaction, session)
        if row.status != "scheduled":
            raise UserError("error.session.not_scheduled", number=row.number)
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self.sessions.cancel(config, group, row, interaction.user.id)
        await ui.reply(interaction, tr("session.cancelled", number=row.number))

    # ------------------------------------------------------------ calendar file
    @session.command(name="ics", description=_("Download the sessions as a calendar file"))
    @app_commands.describe(
        group=_("One group (default: this channel's group, else all your groups)")
    )
    async def ics(self, interaction: discord.Interaction, group: str | None = None) -> None:
        assert interaction.guild is not None and interaction.channel_id is not None  # noqa: S101
        config = await self.services.config(interaction.guild.id)
        tr = self.services.reader(interaction, config)
        groups = await session_calendar.groups_for(
            self.services, interaction, config, group, required=False
        )
        async with self.services.db() as db:
            rows = await store.sessions_of(db, [g.id for g in groups if g.id is not None])
            themes = {g.theme_id: await db.get(Theme, g.theme_id) for g in groups}
            # the caller's own calendar also holds the meetings they registered for
            meetings = (
                await meeting_store.registered_meetings(
                    db, interaction.guild.id, interaction.user.id
                )
                if group is None
                else []
            )
        if not groups and not meetings:
            raise UserError("error.ics.no_group")
        by_id = {g.id: g for g in groups}
        entries = [
            session_calendar.entry(
                interaction.guild, tr, by_id[r.group_id], themes.get(by_id[r.group_id].theme_id), r
            )
            for r in rows
        ] + [session_calendar.meeting_entry(interaction.guild, tr, m) for m in meetings]
        name = groups[0].name if len(groups) == 1 and not meetings else tr("ics.name.mine")
        data = build_calendar(entries, config.timezone, name)
        text = tr("ics.ready", count=len(rows))
        if meetings:
            text += "\n" + tr("ics.with_meetings", count=len(meetings))
        await interaction.response.send_message(
            text,
            file=discord.File(io.BytesIO(data), filename="sipbot-sessions.ics"),
            ephemeral=True,
        )

    @ics.autocomplete("group")
    async def group_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        async with self.services.db() as db:
            mine = await group_store.member_groups_in_guild(
                db, interaction.guild_id, interaction.user.id
            )
        needle = current.strip().casefold()
        return [
            app_commands.Choice(name=g.name[:100], value=f"#{g.id}")
            for g in mine
            if needle in g.name.casefold()
        ][:25]

    @reschedule.autocomplete("session")
    @cancel.autocomplete("session")
    @minutes.autocomplete("session")
    async def session_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None or interaction.channel_id is None:
            return []
        async with self.services.db() as db:
            here = await group_store.by_channel(db, interaction.channel_id)
            groups = (
                [here]
                if here is not None
                else await group_store.member_groups_in_guild(
                    db, interaction.guild_id, interaction.user.id
                )
            )
            rows = await store.sessions_of(db, [g.id for g in groups if g.id is not None])
        config = await self.services.config(interaction.guild_id)
        tr = self.services.reader(interaction, config)
        zone = calendar.ZoneInfo(config.timezone)
        choices = [
            app_commands.Choice(
                name=tr(
                    "session.choice",
                    number=r.number,
                    when=r.starts_at.astimezone(zone).strftime("%d/%m/%Y %H:%M"),
                )[:100],
                value=f"#{r.id}",
            )
            for r in rows
            if r.status != "cancelled" and current.strip().lstrip("#") in f"{r.number} {r.id}"
        ]
        return choices[:25]


async def setup(bot: SipBot) -> None:
    await bot.add_cog(SessionCog(bot))
