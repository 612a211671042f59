"""`/setup`: roles, announcements channel, language and time zone, reminders, check."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.app_commands import locale_str as _

from bot.app import SipBot
from bot.groups.rules import JOIN_MODES, Bounds
from bot.kit import ui
from bot.kit.checks import ORGANISERS, OrganiserCog
from bot.kit.user_error import UserError
from bot.sessions import rules as session_rules
from bot.setup import checkup as diagnostics
from bot.setup import report
from bot.setup import rules as settings_rules
from storage import setup as setup_store
from storage.models import GuildConfig


class SetupCog(OrganiserCog):
    setup = app_commands.Group(
        name="setup",
        description=_("Configure sipbot for this server"),
        default_permissions=ORGANISERS,
        guild_only=True,
    )

    def __init__(self, bot: SipBot) -> None:
        self.bot = bot
        self.services = bot.services

    async def _save(
        self, interaction: discord.Interaction, action: str, **changes: Any
    ) -> GuildConfig:
        assert interaction.guild_id is not None  # noqa: S101 - guild-only group
        now = self.services.clock.now()
        async with self.services.db() as db, db.begin():
            config = await setup_store.update_config(db, interaction.guild_id, now, **changes)
            await setup_store.audit(
                db, interaction.guild_id, interaction.user.id, action, now, **changes
            )
        self.services.forget_config(interaction.guild_id)
        return config

    @setup.command(name="show", description=_("Show the current settings"))
    async def show(self, interaction: discord.Interaction) -> None:
        assert interaction.guild is not None  # noqa: S101
        config = await self.services.config(interaction.guild.id)
        tr = self.services.reader(interaction, config)
        office_count = await self.services.office_count(interaction.guild.id)
        card = ui.embed(tr("setup.show.title", guild=interaction.guild.name))
        fields = [
            (
                "setup.show.organisers",
                ui.role_mention(config.organiser_role_id) or tr("setup.show.organisers.none"),
            ),
            (
                "setup.show.members",
                ui.role_mention(config.member_role_id) or tr("setup.show.members.none"),
            ),
            (
                "setup.show.board",
                ui.role_mention(config.board_role_id) or tr("setup.show.board.none"),
            ),
            (
                "setup.show.announcements",
                ui.channel_mention(config.announcements_channel_id)
                or tr("setup.show.announcements.none"),
            ),
            ("setup.show.language", tr("language." + config.language)),
            ("setup.show.timezone", config.timezone),
            ("setup.show.reminders", settings_rules.format_offsets(config.offsets_minutes)),
            (
                "setup.show.sessions",
                tr("setup.show.sessions.value", minutes=config.session_minutes),
            ),
            (
                "setup.show.groups",
                tr("setup.show.groups.value", min=config.group_min_size, max=config.group_max_size),
            ),
            ("setup.show.cap", tr("setup.show.cap.value", cap=config.max_groups_per_member)),
            ("setup.show.offices", tr("setup.show.offices.value", count=office_count)),
        ]
        for key, value in fields:
            card.add_field(name=tr(key), value=value, inline=True)
        await ui.reply(interaction, embed=card)

    @setup.command(
        name="roles", description=_("Choose the organiser role, the member role, the board role")
    )
    @app_commands.describe(
        organiser=_("Role of the organisers (pôle vie coopérative)"),
        member=_("Role of the members (sociétaires); choose @everyone for all"),
        board=_("Role of the board, who answers recommendations; @everyone: organisers only"),
    )
    async def roles(
        self,
        interaction: discord.Interaction,
        organiser: discord.Role | None = None,
        member: discord.Role | None = None,
        board: discord.Role | None = None,
    ) -> None:
        assert interaction.guild is not None  # noqa: S101
        config = await self.services.config(interaction.guild.id)
        tr = self.services.reader(interaction, config)
        if organiser is None and member is None and board is None:
            raise UserError("setup.roles.nothing")
        changes: dict[str, Any] = {}
        if organiser is not None:
            if organiser.is_default():
                raise UserError("error.role.everyone_organiser")
            if organiser.managed:
                raise UserError("error.role.managed", role=organiser.mention)
            changes["organiser_role_id"] = organiser.id
        if member is not None:
            if member.managed:
                raise UserError("error.role.managed", role=member.mention)
            changes["member_role_id"] = None if member.is_default() else member.id
        if board is not None:
            if board.managed:
                raise UserError("error.role.managed", role=board.mention)
            # @everyone: no board role (organisers answer), never every member
            changes["board_role_id"] = None if board.is_default() else board.id
        config = await self._save(interaction, "setup.roles", **changes)
        await ui.reply(
            interaction,
            tr(
                "setup.roles.saved",
                organisers=ui.role_mention(config.organiser_role_id)
                or tr("setup.show.organisers.none"),
                members=ui.role_mention(config.member_role_id) or tr("setup.show.members.none"),
                board=ui.role_mention(config.board_role_id) or tr("setup.show.board.none"),
            ),
        )

    @setup.command(name="channel", description=_("Choose the announcements channel"))
    @app_commands.describe(announcements=_("Channel where polls and announcements are posted"))
    async def channel(
        self,
        interaction: discord.Interaction,
        announcements: discord.TextChannel,
    ) -> None:
        assert interaction.guild is not None  # noqa: S101
        config = await self.services.config(interaction.guild.id)
        tr = self.services.reader(interaction, config)
        resolved = interaction.guild.get_channel(announcements.id)
        if not isinstance(resolved, discord.TextChannel):
            raise UserError("error.channel.unknown")
        await self._save(interaction, "setup.channel", announcements_channel_id=resolved.id)
        missing = diagnostics.missing_in_channel(resolved, interaction.guild.me)
        if missing:
            text = tr(
                "setup.channel.saved_missing",
                channel=resolved.mention,
                permissions=report.permission_list(tr, missing),
            )
        else:
            text = tr("setup.channel.saved", channel=resolved.mention)
        await ui.reply(interaction, text)

    @setup.command(
        name="locale", description=_("Choose the language of public posts and the time zone")
    )
    @app_commands.describe(
        language=_("Language of announcements and public posts"),
        timezone=_("Time zone used to read and show dates, e.g. Europe/Paris"),
    )
    @app_commands.choices(
        language=[
            app_commands.Choice(name="Français", value="fr"),
            app_commands.Choice(name="English", value="en"),
            app_commands.Choice(name="Nederlands", value="nl"),
        ]
    )
    async def locale(
        self,
        interaction: discord.Interaction,
        language: str | None = None,
        timezone: str | None = None,
    ) -> None:
        assert interaction.guild_id is not None  # noqa: S101
        if language is None and timezone is None:
            raise UserError("setup.locale.nothing")
        changes: dict[str, Any] = {}
        if language is not None:
            changes["language"] = settings_rules.parse_language(language)
        if timezone is not None:
            changes["timezone"] = settings_rules.parse_timezone(timezone)
        config = await self._save(interaction, "setup.locale", **changes)
        tr = self.services.reader(interaction, config)
        local_now = self.services.clock.now().astimezone(ZoneInfo(config.timezone))
        await ui.reply(
            interaction,
            tr(
                "setup.locale.saved",
                language=tr("language." + config.language),
                timezone=config.timezone,
                now=local_now.strftime("%H:%M"),
            ),
        )

    @locale.autocomplete("timezone")
    async def timezone_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=z, value=z) for z in suggest_timezones(current)]

    @setup.command(name="reminders", description=_("Choose when session reminders are sent"))
    @app_commands.describe(
        offsets=_("Delays before each session, e.g. 7d,24h,1h (m, h, d; at most 5)")
    )
    async def reminders(self, interaction: discord.Interaction, offsets: str) -> None:
        assert interaction.guild_id is not None  # noqa: S101
        config = await self.services.config(interaction.guild_id)
        tr = self.services.reader(interaction, config)
        minutes = settings_rules.parse_offsets(offsets)
        await self._save(
            interaction, "setup.reminders", reminder_offsets=",".join(map(str, minutes))
        )
        await ui.reply(
            interaction, tr("setup.reminders.saved", offsets=settings_rules.format_offsets(minutes))
        )

    @setup.command(
        name="defaults", description=_("Session length, group sizes, groups per member, joining")
    )
    @app_commands.describe(
        session_minutes=_("Default length of a session in minutes (180)"),
        group_min=_("Smallest group the composition proposes (5)"),
        group_max=_("Largest group the composition proposes (12)"),
        groups_per_member=_("How many groups, across themes, one member may join (1)"),
        group_join=_("consent: placed members are invited and accept (default); direct: joined"),
        invitation_days=_("Days an invitation waits for an answer (7); a reminder 2 days before"),
    )
    @app_commands.choices(
        group_join=[
            app_commands.Choice(name="consent: members accept an invitation", value="consent"),
            app_commands.Choice(name="direct: members are placed at once", value="direct"),
        ]
    )
    async def defaults(
        self,
        interaction: discord.Interaction,
        session_minutes: app_commands.Range[int, 1, 720] | None = None,
        group_min: app_commands.Range[int, 1, 50] | None = None,
        group_max: app_commands.Range[int, 1, 50] | None = None,
        groups_per_member: app_commands.Range[int, 1, 5] | None = None,
        group_join: str | None = None,
        invitation_days: app_commands.Range[int, 1, 30] | None = None,
    ) -> None:
        assert interaction.guild_id is not None  # noqa: S101
        config = await self.services.config(interaction.guild_id)
        tr = self.services.reader(interaction, config)
        changes: dict[str, Any] = {}
        if session_minutes is not None:
            changes["session_minutes"] = session_rules.check_minutes(session_minutes)
        bounds = Bounds(
            group_min if group_min is not None else config.group_min_size,
            group_max if group_max is not None else config.group_max_size,
        )
        if group_min is not None or group_max is not None:
            changes.update(group_min_size=bounds.min_size, group_max_size=bounds.max_size)
        if groups_per_member is not None:
            changes["max_groups_per_member"] = groups_per_member
        if group_join is not None:
            if group_join not in JOIN_MODES:
                raise UserError("error.group_join.unknown", value=group_join)
            changes["group_join"] = group_join
        if invitation_days is not None:
            changes["invitation_days"] = invitation_days
        if not changes:
            raise UserError("setup.defaults.nothing")
        saved = await self._save(interaction, "setup.defaults", **changes)
        text = tr(
            "setup.defaults.saved",
            minutes=saved.session_minutes,
            min=saved.group_min_size,
            max=saved.group_max_size,
            cap=saved.max_groups_per_member,
        )
        if group_join is not None or invitation_days is not None:
            text += "\n" + tr(
                f"setup.defaults.join.{saved.group_join}", count=saved.invitation_days
            )
        await ui.reply(interaction, text)

    @setup.command(name="check", description=_("Check the bot's permissions and configuration"))
    async def check(self, interaction: discord.Interaction) -> None:
        assert interaction.guild is not None  # noqa: S101
        config = await self.services.config(interaction.guild.id)
        tr = self.services.reader(interaction, config)
        findings = await report.gather(self.services, interaction.guild, config)
        lines = [report.line(tr, finding) for finding in findings]
        summary = report.summary(tr, findings)
        card = ui.embed(tr("check.title"), "\n".join([summary, "", *lines]) if lines else summary)
        await ui.reply(interaction, embed=card)


def suggest_timezones(current: str, limit: int = 25) -> list[str]:
    """Time zones matching what is typed, the cooperative's own first."""
    preferred = ["Europe/Paris", "Europe/Brussels", "Europe/Amsterdam", "Europe/Luxembourg", "UTC"]
    needle = current.strip().lower()
    pool = preferred + sorted(settings_rules.zone_names().values())
    seen: dict[str, None] = {}
    for zone in pool:
        if needle in zone.lower():
            seen.setdefault(zone)
        if len(seen) >= limit:
            break
    return list(seen)


async def setup(bot: SipBot) -> None:
    await bot.add_cog(SetupCog(bot))
